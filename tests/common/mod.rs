//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared real-data folder: `$SIGNATUR_DATA`, else `../shared/data` beside the project.
///
/// Returns `None` (after saying so on stderr) when the folder or `sub` is missing, so that a
/// developer without the data can still run the rest; under `CI=true` a missing folder is a
/// failure, never a silent skip.
pub fn shared_data(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("SIGNATUR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let path = root.join(sub);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
        panic!(
            "shared data {} is missing under CI=true (set SIGNATUR_DATA to the data folder)",
            path.display()
        );
    }
    eprintln!(
        "skipping: shared data {} not found (set SIGNATUR_DATA)",
        path.display()
    );
    None
}

/// A fixture written for this project, under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The Python of the venv `scripts/test.sh` makes (with `onnx` and `onnxruntime`), or
/// `$SIGNATUR_PYTHON`. `None` (the check is skipped, with a note) only outside CI.
pub fn onnx_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SIGNATUR_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if venv.exists() {
        return Some(venv);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("SIGNATUR_PYTHON is not set and .venv is missing: run scripts/test.sh");
    }
    eprintln!("skipping: no Python with onnxruntime (run scripts/test.sh)");
    None
}
