//! Helpers shared by the examples that measure on the public corpora.

use std::path::PathBuf;

/// `20news/train` under `$SIGNATUR_DATA`, else under `../shared/data` beside the project.
pub fn twenty_news() -> PathBuf {
    std::env::var_os("SIGNATUR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
        .join("20news/train")
}
