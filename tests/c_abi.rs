//! The C ABI as a host sees it.
//!
//! * The committed `include/signatur.h` is what cbindgen generates from `src/ffi/` now, it
//!   compiles on its own as C99 and C++17 with all warnings as errors, and its version macros
//!   match `Cargo.toml`.
//! * The exported symbols of `libsignatur.so` match the committed `include/signatur.symbols`.
//! * Real programs run against the built library: in C (`examples/c/`, `tests/c/`, linked
//!   dynamically and statically, under valgrind and built with ASan/UBSan), in C# (Mono) and
//!   in Java (JNA).
//!
//! The programs use the `libsignatur.{so,a}` that `cargo test` built beside this test, or
//! `target/release/libsignatur.{so,a}` (built with `cargo build --release --lib` when missing
//! or older than the sources) when the test binary itself is older than the sources.
//! Regenerate the header and the symbol list with `scripts/gen-header.sh` (which runs these
//! tests with `SIGNATUR_BLESS=1`).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::SystemTime;

use signatur::eval::prepare;
use signatur::eval::{Dataset, TextMode};
use signatur::features::{FeatureConfig, Featurizer};
use signatur::kle::Taxonomy;
use signatur::train::train_prepared;
use signatur::train::TrainOptions;
use signatur::train::{ranker_features, ranker_model, RankerOptions};

/// Hash bits of the test model: small, so that valgrind runs stay short.
const TEST_HASH_BITS: u8 = 14;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

fn bless() -> bool {
    std::env::var("SIGNATUR_BLESS")
        .map(|v| v == "1")
        .unwrap_or(false)
}

/// Whether `tool` runs. Missing under `CI=true` is a failure; otherwise the caller skips
/// with a note naming the Debian package.
fn have(tool: &str, version_flag: &str, package: &str) -> bool {
    let ok = Command::new(tool)
        .arg(version_flag)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(!ci(), "`{tool}` is missing under CI=true: install the Debian package {package} (scripts/test.sh does)");
        eprintln!("skipping: `{tool}` not found (Debian package {package})");
    }
    ok
}

/// Runs `cmd`, panicking with its output unless it succeeds; returns stdout.
fn run(cmd: &mut Command) -> String {
    let out = output(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed with {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn output(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// --- the header ---------------------------------------------------------------------------

/// `(major, minor, patch)` of the package, read from `Cargo.toml` itself.
fn cargo_version() -> (u64, u64, u64) {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let doc: toml::Table = toml::from_str(&manifest).expect("Cargo.toml parses");
    let v = doc
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .expect("package.version");
    let parts: Vec<u64> = v
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse().expect("numeric version"))
        .collect();
    (parts[0], parts[1], parts[2])
}

/// The header cbindgen generates now, with the version macros of `Cargo.toml`.
fn generated_header() -> String {
    let mut config =
        cbindgen::Config::from_file(root().join("cbindgen.toml")).expect("cbindgen.toml");
    let (major, minor, patch) = cargo_version();
    config.after_includes = Some(format!(
        "\n/* The version of this header; compare with signatur_version() at run time. */\n\
         #define SIGNATUR_VERSION_MAJOR {major}\n\
         #define SIGNATUR_VERSION_MINOR {minor}\n\
         #define SIGNATUR_VERSION_PATCH {patch}\n\
         #define SIGNATUR_VERSION_STRING \"{major}.{minor}.{patch}\"\n"
    ));
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root().join("src/ffi/mod.rs"))
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

#[test]
fn header_is_current() {
    let path = root().join("include/signatur.h");
    let now = generated_header();
    if bless() {
        std::fs::create_dir_all(root().join("include")).expect("include/");
        std::fs::write(&path, &now).expect("write include/signatur.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != now {
        let first = committed
            .lines()
            .zip(now.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(now.lines().count()));
        panic!(
            "include/signatur.h is stale (first difference at line {}): run scripts/gen-header.sh and commit the result",
            first + 1
        );
    }
}

#[test]
fn header_compiles_alone_as_c99_and_cpp17() {
    let include = root().join("include");
    for (compiler, package, args) in [
        ("cc", "gcc", &["-x", "c", "-std=c99", "-pedantic"][..]),
        ("c++", "g++", &["-x", "c++", "-std=c++17", "-pedantic"][..]),
    ] {
        if !have(compiler, "--version", package) {
            continue;
        }
        let mut cmd = Command::new(compiler);
        cmd.args(args)
            .args(["-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I"])
            .arg(&include);
        // Included twice: the include guard must hold.
        let src = std::env::temp_dir().join(format!(
            "signatur_header_{}_{}.txt",
            std::process::id(),
            compiler.replace('+', "p")
        ));
        std::fs::write(&src, "#include \"signatur.h\"\n#include \"signatur.h\"\nint main(void) { return SIGNATUR_STATUS_OK; }\n").expect("write");
        run(cmd.arg(&src));
        let _ = std::fs::remove_file(src);
    }
}

#[test]
fn version_macros_match_cargo_toml() {
    let header =
        std::fs::read_to_string(root().join("include/signatur.h")).expect("include/signatur.h");
    let macro_value = |name: &str| -> String {
        let prefix = format!("#define {name} ");
        header
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("{name} is not defined in include/signatur.h"))
            .trim()
            .to_string()
    };
    let (major, minor, patch) = cargo_version();
    assert_eq!(macro_value("SIGNATUR_VERSION_MAJOR"), major.to_string());
    assert_eq!(macro_value("SIGNATUR_VERSION_MINOR"), minor.to_string());
    assert_eq!(macro_value("SIGNATUR_VERSION_PATCH"), patch.to_string());
    assert_eq!(
        macro_value("SIGNATUR_VERSION_STRING"),
        format!("\"{major}.{minor}.{patch}\"")
    );
    // And the library reports the same version at run time.
    // SAFETY: `signatur_version` returns a NUL-terminated string in static storage.
    let runtime = unsafe { std::ffi::CStr::from_ptr(signatur::ffi::version::signatur_version()) };
    assert_eq!(
        runtime.to_str().ok(),
        Some(format!("{major}.{minor}.{patch}").as_str())
    );
}

/// The functions the header declares.
fn declared_functions(header: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in header.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find("signatur_") {
            let tail = &rest[i..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            let before_ok = i == 0
                || !rest.as_bytes()[i - 1].is_ascii_alphanumeric()
                    && rest.as_bytes()[i - 1] != b'_';
            if before_ok && tail[end..].starts_with('(') {
                names.insert(tail[..end].to_string());
            }
            rest = &tail[end..];
        }
    }
    names
}

#[test]
fn exported_symbols_match_the_committed_list_and_the_header() {
    if !have("nm", "--version", "binutils") {
        return;
    }
    let lib = library();
    let listing = run(Command::new("nm")
        .args(["-D", "--defined-only", "--format=posix"])
        .arg(lib.dir.join("libsignatur.so")));
    let exported: BTreeSet<String> = listing
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (name, kind) = (f.next()?, f.next()?);
            // Functions and data the library defines; the linker's own markers are not API.
            matches!(kind, "T" | "D" | "B" | "R" | "W" | "V").then(|| name.to_string())
        })
        .filter(|n| {
            !matches!(
                n.as_str(),
                "_init" | "_fini" | "_edata" | "_end" | "__bss_start"
            )
        })
        .collect();
    let path = root().join("include/signatur.symbols");
    let list: String = exported.iter().map(|s| format!("{s}\n")).collect();
    if bless() {
        std::fs::write(&path, &list).expect("write include/signatur.symbols");
    }
    let committed: BTreeSet<String> = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let removed: Vec<_> = committed.difference(&exported).collect();
    let added: Vec<_> = exported.difference(&committed).collect();
    assert!(
        removed.is_empty() && added.is_empty(),
        "exported symbols changed: removed {removed:?} (an ABI break), added {added:?}; \
         if intended, run scripts/gen-header.sh and commit include/signatur.symbols"
    );
    assert!(
        exported.iter().all(|s| s.starts_with("signatur_")),
        "only signatur_ symbols are exported: {exported:?}"
    );
    // Against the header as generated now: `header_is_current` compares it with the file.
    assert_eq!(
        declared_functions(&generated_header()),
        exported,
        "the header declares exactly the exported functions"
    );
}

/// The README's table of the C API names every function of the committed symbol list: a
/// row names one function in full and its siblings by the suffix after a shared prefix
/// (`signatur_model_load`, `_free` stands for `signatur_model_free`).
#[test]
fn readme_table_names_every_exported_function() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let symbols = std::fs::read_to_string(root().join("include/signatur.symbols"))
        .expect("include/signatur.symbols");
    let mut named = BTreeSet::new();
    for row in readme.lines().filter(|l| l.starts_with("| ")) {
        let names: Vec<&str> = row
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|t| t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        for full in names.iter().filter(|n| n.starts_with("signatur_")) {
            named.insert(full.to_string());
            // Every prefix of a full name that ends before one of its underscores.
            let cuts = full.match_indices('_').map(|(i, _)| &full[..i]);
            for prefix in cuts {
                for suffix in names.iter().filter(|n| n.starts_with('_')) {
                    named.insert(format!("{prefix}{suffix}"));
                }
            }
        }
    }
    let missing: Vec<&str> = symbols.lines().filter(|s| !named.contains(*s)).collect();
    assert!(
        missing.is_empty(),
        "README.md's C API table does not name {missing:?}"
    );
}

// --- the built library and a model ----------------------------------------------------------

/// Where the release library is, and a model trained for the tests.
struct Library {
    /// The directory holding `libsignatur.so` and `libsignatur.a`.
    dir: PathBuf,
    /// Scratch space for the programs: `target/<profile>/c_abi/`.
    work: PathBuf,
    /// A model trained on `tests/fixtures/ffi/corpus` with hash bits 14.
    model: PathBuf,
    /// A KLE ranker (head `kle`) built from `tests/fixtures/kle/emneplan.xml`.
    kle_model: PathBuf,
    /// A model trained on the same corpus with the options of [`tuned_options`].
    tuned_model: PathBuf,
}

fn corpus() -> PathBuf {
    common::fixture("ffi/corpus")
}

/// The newest modification time of the files that go into the library.
fn newest_source() -> SystemTime {
    fn walk(p: &Path, newest: &mut SystemTime) {
        let Ok(meta) = std::fs::metadata(p) else {
            return;
        };
        if meta.is_dir() {
            for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
                walk(&e.path(), newest);
            }
        } else if let Ok(m) = meta.modified() {
            *newest = (*newest).max(m);
        }
    }
    let mut newest = SystemTime::UNIX_EPOCH;
    for p in ["src", "Cargo.toml", "Cargo.lock"] {
        walk(&root().join(p), &mut newest);
    }
    newest
}

/// Whether `dir` holds both libraries, built after the last change to the sources.
fn fresh_libraries(dir: &Path, newest: SystemTime) -> bool {
    ["libsignatur.so", "libsignatur.a"].iter().all(|f| {
        std::fs::metadata(dir.join(f))
            .and_then(|m| m.modified())
            .is_ok_and(|m| m >= newest)
    })
}

/// The built libraries and the test model.
///
/// `cargo test` compiles the crate once for all its crate types, so the `.so` and `.a` built
/// with this test sit beside it in `target/<profile>/deps/`; those are used when current.
/// Otherwise (a test binary older than the sources) `target/release/` is used, built with
/// `cargo build --release --lib` when missing or stale.
fn library() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| {
        // target/<profile>/deps/c_abi-<hash>
        let exe = std::env::current_exe().expect("test executable");
        let deps = exe.parent().expect("deps directory").to_path_buf();
        let target = exe
            .ancestors()
            .nth(3)
            .expect("target directory")
            .to_path_buf();
        let newest = newest_source();
        let dir = if fresh_libraries(&deps, newest) {
            deps
        } else {
            let release = target.join("release");
            if !fresh_libraries(&release, newest) {
                eprintln!(
                    "building target/release/libsignatur.{{so,a}} (missing or older than src/)"
                );
                run(Command::new(env!("CARGO"))
                    .args(["build", "--release", "--lib", "--manifest-path"])
                    .arg(root().join("Cargo.toml"))
                    .env("CARGO_TARGET_DIR", &target));
            }
            release
        };
        let work = exe
            .ancestors()
            .nth(2)
            .expect("profile directory")
            .join("c_abi");
        std::fs::create_dir_all(&work).expect("create target/<profile>/c_abi");
        let model = work.join("test-model.onnx");
        train_test_model(&model, &test_features(), &TrainOptions::default());
        let tuned_model = work.join("test-model-tuned.onnx");
        let (features, options) = tuned_options();
        train_test_model(&tuned_model, &features, &options);
        let kle_model = work.join("test-kle-model.onnx");
        build_kle_model(&kle_model);
        Library {
            dir,
            work,
            model,
            kle_model,
            tuned_model,
        }
    })
}

/// The test model's features: the defaults with [`TEST_HASH_BITS`].
fn test_features() -> FeatureConfig {
    FeatureConfig {
        hash_bits: TEST_HASH_BITS,
        ..FeatureConfig::default()
    }
}

/// Options that `tests/c/train.c` sets through the C API for its second model: one member
/// instead of two, a lighter shared word space, the sender's field weighed less, and every
/// word counted (no stop words).
fn tuned_options() -> (FeatureConfig, TrainOptions) {
    let mut features = FeatureConfig {
        shared_words: 0.5,
        stop_words: "none".to_string(),
        ..test_features()
    };
    features.fields.sender = 0.25;
    let options = TrainOptions {
        ensemble: 1,
        ..TrainOptions::default()
    };
    (features, options)
}

/// Trains a test model through the Rust API, as `signatur train` does.
fn train_test_model(out: &Path, features: &FeatureConfig, options: &TrainOptions) {
    let dataset = Dataset::load(corpus()).expect("corpus loads");
    let featurizer = Featurizer::new(features).expect("featurizer");
    let prepared = prepare(&dataset, &featurizer, TextMode::Mail, 2, None);
    assert!(prepared.failures.is_empty(), "every corpus message parses");
    let (model, _) =
        train_prepared(&prepared, &dataset.heads, features, options).expect("training");
    model.save(out).expect("save the test model");
}

/// Builds the KLE ranker of the fixture taxonomy, as `signatur train --taxonomy` does.
fn build_kle_model(out: &Path) {
    let taxonomy = Taxonomy::from_spec(&format!(
        "kle-xml:{}",
        common::fixture("kle/emneplan.xml").display()
    ))
    .expect("the fixture taxonomy loads");
    let features = FeatureConfig {
        hash_bits: TEST_HASH_BITS,
        ..ranker_features()
    };
    ranker_model(&taxonomy, &features, &RankerOptions::default())
        .expect("the ranker builds")
        .save(out)
        .expect("save the KLE test model");
}

// --- the C programs ---------------------------------------------------------------------------

/// How a C program is built and linked.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Build {
    /// Against `libsignatur.so`, found through an rpath.
    Shared,
    /// Against `libsignatur.a` and the system libraries the pkg-config file lists.
    Static,
    /// Against `libsignatur.so`, with the program built with `-fsanitize=address,undefined`.
    Sanitized,
}

/// The C programs and their arguments.
const PROGRAMS: [(&str, &str); 6] = [
    ("walkthrough", "examples/c/walkthrough.c"),
    ("abuse", "tests/c/abuse.c"),
    ("threads", "tests/c/threads.c"),
    ("train", "tests/c/train.c"),
    ("directory", "tests/c/directory.c"),
    ("levels", "tests/c/levels.c"),
];

/// The arguments of program `name` in the run called `tag`.
fn program_args(lib: &Library, name: &str, tag: &str) -> Vec<std::ffi::OsString> {
    let scratch = lib.work.join(format!("scratch-{name}-{tag}"));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    match name {
        "walkthrough" => vec![lib.model.clone().into()],
        "abuse" => vec![lib.model.clone().into(), scratch.into()],
        "threads" => vec![lib.model.clone().into(), "10000".into()],
        "train" => vec![
            corpus().into(),
            lib.model.clone().into(),
            lib.tuned_model.clone().into(),
        ],
        "directory" => vec![lib.model.clone().into()],
        "levels" => vec![lib.kle_model.clone().into()],
        _ => unreachable!("unknown program {name}"),
    }
}

/// Reads a variable of the pkg-config file generated for the build tree.
fn pkg_config_variable(lib: &Library, variable: &str) -> String {
    let pc_dir = lib.work.join("pkgconfig");
    std::fs::create_dir_all(&pc_dir).expect("pkgconfig dir");
    let pc = run(Command::new("bash")
        .arg(root().join("scripts/install.sh"))
        .arg("--pc")
        .arg(&lib.dir)
        .arg(root().join("include")));
    std::fs::write(pc_dir.join("signatur.pc"), pc).expect("write signatur.pc");
    run(Command::new("pkg-config")
        .env("PKG_CONFIG_PATH", &pc_dir)
        .args(["--variable", variable, "signatur"]))
    .trim()
    .to_string()
}

/// Compiles program `name` from `source` as `build` into `<name>-<tag>` (tests run in
/// parallel, so each gets its own tag); returns the executable.
fn compile(lib: &Library, name: &str, source: &str, build: Build, tag: &str) -> PathBuf {
    let exe = lib.work.join(format!("{name}-{tag}"));
    let mut cmd = Command::new("cc");
    cmd.args([
        "-std=c99",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-g",
        "-pthread",
        "-I",
    ])
    .arg(root().join("include"))
    .arg("-I")
    .arg(root().join("tests/c"));
    if build == Build::Sanitized {
        cmd.args([
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
        ]);
    }
    cmd.arg(root().join(source)).arg("-o").arg(&exe);
    match build {
        Build::Shared | Build::Sanitized => {
            cmd.arg("-L")
                .arg(&lib.dir)
                .arg("-lsignatur")
                .arg(format!("-Wl,-rpath,{}", lib.dir.display()));
        }
        Build::Static => {
            let libdir = pkg_config_variable(lib, "libdir");
            cmd.arg(Path::new(&libdir).join("libsignatur.a"));
            cmd.args(pkg_config_variable(lib, "native_static_libs").split_whitespace());
        }
    }
    run(&mut cmd);
    exe
}

/// Runs `exe` with `args` under `wrapper` (valgrind) or directly; panics on failure.
fn run_program(exe: &Path, args: &[std::ffi::OsString], wrapper: &[&str]) -> String {
    let mut cmd = match wrapper.split_first() {
        Some((tool, rest)) => {
            let mut c = Command::new(tool);
            c.args(rest).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    // `cargo test` puts target/<profile> on LD_LIBRARY_PATH, which the loader prefers to
    // the program's rpath: a libsignatur.so left there by an earlier `cargo build` would
    // be loaded instead of the one this test built.
    cmd.args(args)
        .env_remove("LD_LIBRARY_PATH")
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:exitcode=23",
        )
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
    run(&mut cmd)
}

#[test]
fn c_programs_run_linked_shared_and_static() {
    if !have("cc", "--version", "gcc") || !have("pkg-config", "--version", "pkg-config") {
        return;
    }
    let lib = library();
    for (name, source) in PROGRAMS {
        for (build, tag) in [(Build::Shared, "shared"), (Build::Static, "static")] {
            let exe = compile(lib, name, source, build, tag);
            let out = run_program(&exe, &program_args(lib, name, tag), &[]);
            if name == "walkthrough" {
                // The walkthrough's three messages are about building, waste and school.
                for line in [
                    "message 1 (RFC 5322):\n  label => byg",
                    "message 2 (text):\n  label => affald",
                    "message 3 (fields):\n  label => skole",
                    "message 4 (Digital Post):\n  label => byg",
                    "kle => 02.34.02 (1.000) [by the message's own data]",
                ] {
                    assert!(
                        out.contains(line),
                        "walkthrough ({build:?}) lacks {line:?}:\n{out}"
                    );
                }
                assert!(out.contains("refers to phone +45XXXXXXXX"), "{out}");
                assert!(
                    out.contains("refers to CPR number XXXXXX-XXXX") && !out.contains("4285"),
                    "{out}"
                );
                assert!(out.contains("confidential: CPR"), "{out}");
            }
            if name == "levels" {
                assert!(
                    out.contains("emne 32.18.02, gruppe 32.18, hovedgruppe 32")
                        && out.contains("falls back to gruppe 32.18"),
                    "{out}"
                );
            }
            if build == Build::Static {
                let needed = run(Command::new("readelf").arg("-d").arg(&exe));
                assert!(
                    !needed.contains("libsignatur.so"),
                    "{name} linked statically must not need libsignatur.so"
                );
            }
        }
    }
}

#[test]
fn c_programs_are_clean_under_valgrind() {
    if !have("cc", "--version", "gcc") || !have("valgrind", "--version", "valgrind") {
        return;
    }
    let lib = library();
    for (name, source) in PROGRAMS {
        let exe = compile(lib, name, source, Build::Shared, "valgrind");
        let suppressions = format!(
            "--suppressions={}",
            root().join("tests/c/valgrind.supp").display()
        );
        let valgrind = [
            "valgrind",
            "--error-exitcode=1",
            "--leak-check=full",
            "--quiet",
            suppressions.as_str(),
        ];
        run_program(&exe, &program_args(lib, name, "valgrind"), &valgrind);
    }
}

#[test]
fn c_programs_are_clean_with_address_and_undefined_behaviour_sanitizers() {
    if !have("cc", "--version", "gcc") {
        return;
    }
    let lib = library();
    for (name, source) in PROGRAMS {
        let exe = compile(lib, name, source, Build::Sanitized, "sanitized");
        run_program(&exe, &program_args(lib, name, "sanitized"), &[]);
    }
}

// --- the bindings ---------------------------------------------------------------------------

#[test]
fn csharp_binding_runs_under_mono() {
    if !have("mcs", "--version", "mono-mcs") || !have("mono", "--version", "mono-runtime") {
        return;
    }
    let lib = library();
    let exe = lib.work.join("Demo.exe");
    let dir = root().join("examples/csharp");
    run(Command::new("mcs")
        .args(["-unsafe", "-codepage:utf8", "-warnaserror+"])
        .arg(format!("-out:{}", exe.display()))
        .arg(dir.join("Signatur.cs"))
        .arg(dir.join("Demo.cs")));
    let out = run(Command::new("mono")
        .arg(&exe)
        .arg(&lib.model)
        .arg(&lib.kle_model)
        .env("LD_LIBRARY_PATH", &lib.dir));
    assert!(out.contains("csharp demo: ok"), "{out}");
    assert!(
        out.contains("kle levels: emne 32.18.02, gruppe 32.18")
            && out.contains("falls back to 32.18"),
        "{out}"
    );
}

#[test]
fn java_binding_runs_with_jna() {
    if !have("javac", "-version", "default-jdk-headless")
        || !have("java", "-version", "default-jre-headless")
    {
        return;
    }
    let jna = Path::new("/usr/share/java/jna.jar");
    if !jna.exists() {
        assert!(!ci(), "/usr/share/java/jna.jar is missing under CI=true: install the Debian package libjna-java");
        eprintln!("skipping: /usr/share/java/jna.jar not found (Debian package libjna-java)");
        return;
    }
    let lib = library();
    let classes = lib.work.join("java");
    let dir = root().join("examples/java");
    run(Command::new("javac")
        .args(["-encoding", "UTF-8", "-Xlint:all", "-Werror", "-cp"])
        .arg(jna)
        .arg("-d")
        .arg(&classes)
        .arg(dir.join("Signatur.java"))
        .arg(dir.join("Demo.java")));
    let classpath = format!("{}:{}", classes.display(), jna.display());
    let out = run(Command::new("java")
        .arg("-cp")
        .arg(classpath)
        .arg(format!("-Djna.library.path={}", lib.dir.display()))
        .arg("Demo")
        .arg(&lib.model)
        .arg(&lib.kle_model));
    assert!(out.contains("java demo: ok"), "{out}");
    assert!(
        out.contains("kle levels: emne 32.18.02, gruppe 32.18")
            && out.contains("falls back to 32.18"),
        "{out}"
    );
}

/// The C example of README.md's "C ABI" section.
fn readme_c_example() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let section = readme
        .split("### C\n")
        .nth(1)
        .expect("README.md has a \"### C\" section");
    let block = section
        .split("```c\n")
        .nth(1)
        .expect("the section has a C block");
    block
        .split("```")
        .next()
        .expect("the block ends")
        .to_string()
}

#[test]
fn readme_c_example_compiles_and_runs() {
    if !have("cc", "--version", "gcc") {
        return;
    }
    let lib = library();
    let dir = lib.work.join("readme");
    std::fs::create_dir_all(&dir).expect("readme dir");
    let source = dir.join("readme.c");
    std::fs::write(&source, readme_c_example()).expect("write readme.c");
    std::fs::copy(&lib.model, dir.join("model.onnx")).expect("copy the model");
    let exe = dir.join("readme");
    run(Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(root().join("include"))
        .arg(&source)
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(&lib.dir)
        .arg("-lsignatur")
        .arg(format!("-Wl,-rpath,{}", lib.dir.display())));
    // Without `cargo test`'s LD_LIBRARY_PATH, as in the other programs' runs: an older
    // target/release/libsignatur.so there would be loaded instead of the rpath's.
    let out = run(Command::new(&exe)
        .current_dir(&dir)
        .env_remove("LD_LIBRARY_PATH"));
    assert!(out.starts_with("affald ("), "{out}");
}
