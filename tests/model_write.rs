//! Model files survive a crash and a full disk (`Model::save` writes atomically).
//!
//! Each test re-runs this test binary as a child process (chosen by the environment
//! variable `SIGNATUR_MODEL_WRITE_CHILD`) that saves real models trained on the demo corpus:
//! the crash test SIGKILLs a child that saves in a loop at random moments, the full-disk test
//! runs one save under `ulimit -f` (RLIMIT_FSIZE, with SIGXFSZ ignored so the write fails
//! with `EFBIG` instead of killing the child).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use signatur::Classifier;

/// Selects the child's job: `loop` (save A and B in turn until killed) or `once` (save B).
const CHILD: &str = "SIGNATUR_MODEL_WRITE_CHILD";
/// The child's working folder: `a.onnx`, `b.onnx`, the target `m.onnx` and `ready`.
const DIR: &str = "SIGNATUR_MODEL_WRITE_DIR";
/// How many times the crash test kills a saving child.
const KILLS: usize = 200;
/// The child of the full-disk test exits with this code when the save failed.
const SAVE_FAILED: i32 = 3;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Trains two different small models on the demo corpus (`a.onnx`, `b.onnx` in `dir`) and
/// returns the bytes `Model::save` writes for each.
fn two_models(dir: &Path) -> (Vec<u8>, Vec<u8>) {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/corpus/manifest.csv");
    for (name, seed) in [("a.onnx", "1"), ("b.onnx", "2")] {
        let out = dir.join(name);
        common::signatur_ok(&[
            "train",
            "--data",
            s(&manifest),
            "--out",
            s(&out),
            "--hash-bits",
            "14",
            "--seed",
            seed,
        ]);
    }
    let a = saved_bytes(&dir.join("a.onnx"));
    let b = saved_bytes(&dir.join("b.onnx"));
    assert_ne!(
        a, b,
        "the two models must differ for the test to mean anything"
    );
    (a, b)
}

/// The bytes the child writes for the model file at `path`.
fn saved_bytes(path: &Path) -> Vec<u8> {
    let model = Classifier::load(path).unwrap().to_model().unwrap();
    model.to_onnx().unwrap()
}

/// Leftover temporary files of killed saves beside `m.onnx` (removed; their number).
fn sweep_temporaries(dir: &Path) -> usize {
    let mut n = 0;
    for e in fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name();
        if name.to_string_lossy().starts_with(".m.onnx.tmp.") {
            fs::remove_file(dir.join(&name)).unwrap();
            n += 1;
        }
    }
    n
}

/// The child's side of both tests; never returns.
fn child(job: &str) -> ! {
    let dir = PathBuf::from(std::env::var_os(DIR).expect("the child needs its folder"));
    let load = |name: &str| {
        Classifier::load(dir.join(name))
            .unwrap()
            .to_model()
            .unwrap()
    };
    let target = dir.join("m.onnx");
    match job {
        "loop" => {
            let (a, b) = (load("a.onnx"), load("b.onnx"));
            fs::write(dir.join("ready"), b"").unwrap();
            loop {
                b.save(&target).unwrap();
                a.save(&target).unwrap();
            }
        }
        "once" => {
            let b = load("b.onnx");
            match b.save(&target) {
                Ok(()) => std::process::exit(0),
                Err(e) => {
                    println!("\nsave failed: {} ({:?})", e, e.kind());
                    std::process::exit(SAVE_FAILED)
                }
            }
        }
        other => panic!("unknown child job {other:?}"),
    }
}

/// This test binary, running only `test` (which turns into the child).
fn child_command(test: &str, job: &str, dir: &Path) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, job)
        .env(DIR, dir);
    c
}

/// A small xorshift generator: the kill moments, reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn a_save_killed_at_random_moments_leaves_the_old_or_the_new_model() {
    if let Ok(job) = std::env::var(CHILD) {
        child(&job);
    }
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_models(dir.path());
    let target = dir.path().join("m.onnx");
    fs::write(&target, &a).unwrap();
    let seed = std::env::var("SIGNATUR_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("kill moments from SIGNATUR_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let (mut seen_a, mut seen_b, mut mid_write) = (0, 0, 0);
    let ready = dir.path().join("ready");
    for kill in 0..KILLS {
        let _ = fs::remove_file(&ready);
        let mut c = child_command(
            "a_save_killed_at_random_moments_leaves_the_old_or_the_new_model",
            "loop",
            dir.path(),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let started = Instant::now();
        while !ready.exists() {
            if let Some(status) = c.try_wait().unwrap() {
                let mut err = String::new();
                std::io::Read::read_to_string(c.stderr.as_mut().unwrap(), &mut err).unwrap();
                panic!("the saving child exited by itself ({status}): {err}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the child never got ready"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        // From a moment before its first save to some saves in.
        std::thread::sleep(Duration::from_micros(rng.below(60_000)));
        c.kill().unwrap(); // SIGKILL on Unix
        c.wait().unwrap();
        let now = fs::read(&target).unwrap_or_else(|e| panic!("kill {kill}: target gone: {e}"));
        if now == a {
            seen_a += 1;
        } else if now == b {
            seen_b += 1;
        } else {
            panic!(
                "kill {kill} (seed {seed}): the target is neither model ({} bytes; A {}, B {})",
                now.len(),
                a.len(),
                b.len()
            );
        }
        Classifier::load(&target)
            .unwrap_or_else(|e| panic!("kill {kill} (seed {seed}): the target does not load: {e}"));
        mid_write += usize::from(sweep_temporaries(dir.path()) > 0);
    }
    eprintln!(
        "{KILLS} kills: target was the old/new model A {seen_a} times, B {seen_b} times; \
         {mid_write} kills struck while a temporary file was open"
    );
    // Otherwise the kills all fell outside the writes and proved nothing.
    assert!(mid_write > 0, "no kill struck during a write");
    assert!(seen_a > 0 && seen_b > 0, "the child never completed a save");
}

#[cfg(unix)]
#[test]
fn a_save_that_runs_out_of_space_fails_clearly_and_keeps_the_old_file() {
    if let Ok(job) = std::env::var(CHILD) {
        child(&job);
    }
    const TEST: &str = "a_save_that_runs_out_of_space_fails_clearly_and_keeps_the_old_file";
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_models(dir.path());
    let target = dir.path().join("m.onnx");
    fs::write(&target, &a).unwrap();
    // `ulimit -f 64` allows files of 32 KiB (dash) or 64 KiB (bash): far below the model.
    assert!(b.len() > 256 * 1024, "model B is only {} bytes", b.len());
    let limited = child_command(TEST, "once", dir.path());
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"trap "" XFSZ; ulimit -f 64; exec "$0" "$@""#)
        .arg(limited.get_program())
        .args(limited.get_args())
        .envs(limited.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(SAVE_FAILED),
        "the save under RLIMIT_FSIZE did not fail: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("save failed: "))
        .expect("the child names the error");
    assert!(line.contains("m.onnx"), "{line}");
    assert!(line.contains("File too large"), "{line}");
    assert!(line.contains("unchanged"), "{line}");
    assert!(line.ends_with("(Io)"), "{line}");
    assert!(fs::read(&target).unwrap() == a, "the old model was changed");
    assert_eq!(
        sweep_temporaries(dir.path()),
        0,
        "the temporary file was left"
    );

    // The same child without the limit saves: the failure above came from the limit.
    let status = child_command(TEST, "once", dir.path())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(fs::read(&target).unwrap() == b);
}
