//! How a model came to be ([`Summary`], stored in the file), and the clock that stamps it.
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`.

use serde::{Deserialize, Serialize};

/// How a model came to be: stored in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Summary {
    /// Messages trained on.
    pub messages: u64,
    /// Messages held out for calibration.
    pub heldout: u64,
    /// Messages that failed to parse and were skipped.
    pub skipped: u64,
    /// When training finished, RFC 3339 UTC.
    pub trained_at: String,
    /// The library version that trained it.
    pub library_version: String,
    /// The training seed.
    pub seed: u64,
    /// Epochs of SGD.
    pub epochs: u32,
    /// What kind of model: `learned`, `keyword` or `ranker` (cold start from a taxonomy),
    /// `learned+prior`.
    pub kind: String,
    /// The `trained_at` of the model this one was derived from, if any.
    pub parent: Option<String>,
    /// Corrections learned online since the last full training.
    pub corrections_since_training: u64,
    /// Warnings from training.
    pub warnings: Vec<String>,
}

impl Summary {
    /// Whether the model is a cold-start model scored by its taxonomy prior alone
    /// (`keyword`, `ranker`): nothing was learned, so nothing can be learned online and no
    /// label has training support.
    pub fn is_cold_start(&self) -> bool {
        matches!(self.kind.as_str(), "keyword" | "ranker")
    }
}

/// The current time as RFC 3339 UTC (seconds), without a date crate: when a model was
/// trained or exported.
pub(crate) fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    crate::decision::journal::rfc3339(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_has_the_right_shape() {
        let s = now_rfc3339();
        assert_eq!(s.len(), 20, "{s}");
        assert!(s.starts_with("20") && s.ends_with('Z'));
    }
}
