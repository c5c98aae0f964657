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
