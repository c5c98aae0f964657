//! Helpers shared by the benchmarks.

use std::path::PathBuf;

/// `$SIGNATUR_DATA`, else `../shared/data` beside the project.
pub fn data() -> PathBuf {
    std::env::var_os("SIGNATUR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

/// `20news/train` under [`data`].
#[allow(dead_code)]
pub fn twenty_news() -> PathBuf {
    data().join("20news/train")
}
