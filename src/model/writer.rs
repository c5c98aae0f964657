//! The writer's side of online learning: how corrections are learned ([`LearnOptions`]),
//! the confirmed messages kept for replay and retraining, and the check of a correction's
//! labels against the live model. One writer at a time holds it, behind the classifier's
//! mutex. Must not import the classifier, `crate::train` or `crate::eval`.

use std::sync::Arc;

use crate::kle::KleCode;
use crate::model::live::Normalised;
use crate::model::params::HeadInfo;
use crate::model::rng::Rng;
use crate::{Error, ErrorKind, Result};

/// How corrections are learned.
#[derive(Debug, Clone)]
pub struct LearnOptions {
    /// SGD step size for a correction, on unit-norm features; `None` picks by the model's
    /// loss: 1.0 for softmax (whose training rate starts at 5.0 and decays to 0), 0.8 for
    /// the squared hinge, the best of those tried on the learning curve
    /// (`examples/learning_curve.rs`: with 4 replays, 0.2 / 0.5 / 0.8 / 1.0 / 1.2 gave a
    /// worst gap to retraining of 3.2 / 1.7 / 1.6 / 1.7 / 2.2 points). That was measured
    /// when a linear model's training rate started at 0.5; it starts at 1 since #16, and
    /// the correction rate has not been measured again.
    pub learning_rate: Option<f32>,
    /// Step size of the biases, as a share of `learning_rate`. Small: one message says
    /// little about how common a label is, and a full step on the biases moves every
    /// other message's decision towards the corrected label.
    pub bias_share: f32,
    /// After each correction, also step again on this many earlier confirmed messages
    /// (corrections and [remembered](crate::Classifier::remember) ones) drawn at random:
    /// keeps a run of corrections for a few labels from eroding the others, and lets a new
    /// label settle. 0 turns it off. Each replay costs about as much as the correction's
    /// own step; on the learning curve 3 replays left a worst gap of 3.8 points, 4 of 1.6.
    pub replay: usize,
    /// Confirmed messages kept for replay and for [`retrain`](crate::train::retrain);
    /// the oldest are dropped beyond this (each costs about 12 bytes per feature: a 20
    /// Newsgroups post has about 700).
    pub max_kept: usize,
}

impl Default for LearnOptions {
    fn default() -> LearnOptions {
        LearnOptions {
            learning_rate: None,
            bias_share: 0.01,
            replay: 4,
            max_kept: 100_000,
        }
    }
}

/// A confirmed message kept for replay and retraining.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    /// Its features, raw and normalised.
    pub v: Arc<Normalised>,
    /// Label index per head of the live model (labels are only ever appended, so indices
    /// stay valid as the model grows).
    pub labels: Vec<Option<u32>>,
    /// A correction (learned, and added by `retrain`), or a message only remembered for
    /// replay (the base data, which `retrain` is given on its own).
    pub correction: bool,
}

/// The writer's side: serialised by the classifier's mutex.
#[derive(Debug)]
pub(crate) struct Writer {
    /// Oldest first; dropped from the front beyond `max_kept`.
    pub kept: std::collections::VecDeque<Kept>,
    pub learned: u64,
    pub rng: Rng,
    pub options: LearnOptions,
}

impl Writer {
    pub(crate) fn new() -> Writer {
        Writer {
            kept: std::collections::VecDeque::new(),
            learned: 0,
            rng: Rng::new(0x006c_6561_726e),
            options: LearnOptions::default(),
        }
    }

    /// Drops the oldest kept messages until one more fits within `max_kept`.
    pub(crate) fn make_room(&mut self) {
        while self.kept.len() >= self.options.max_kept.max(1) {
            self.kept.pop_front();
        }
    }
}

/// Checks a correction's `(head, label)` pairs against the model's heads and returns, per
/// head, the label's index, or the label to add.
pub(crate) fn resolve(
    heads: &[HeadInfo],
    labels: &[(&str, &str)],
) -> Result<Vec<(usize, std::result::Result<u32, String>)>> {
    if labels.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "a correction needs at least one (head, label) pair",
        ));
    }
    let mut out: Vec<(usize, std::result::Result<u32, String>)> = Vec::new();
    for &(head, label) in labels {
        let h = heads.iter().position(|x| x.name == head).ok_or_else(|| {
            let known: Vec<&str> = heads.iter().map(|x| x.name.as_str()).collect();
            Error::new(
                ErrorKind::InvalidInput,
                format!("the model has no head {head:?} (it has {known:?})"),
            )
        })?;
        if out.iter().any(|(o, _)| *o == h) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("head {head:?} is given twice in one correction"),
            ));
        }
        let label = label.trim();
        if label.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("empty label for head {head:?}"),
            ));
        }
        let labels = &heads[h].labels;
        match labels.iter().position(|l| l == label) {
            Some(i) => out.push((h, Ok(i as u32))),
            None => {
                // A head whose labels are all KLE codes only takes KLE codes.
                let kle = !labels.is_empty() && labels.iter().all(|l| KleCode::parse(l).is_ok());
                if kle && KleCode::parse(label).is_err() {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        format!("head {head:?} holds KLE codes and {label:?} is not one"),
                    ));
                }
                out.push((h, Err(label.to_string())));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::live::tests::params;
    use crate::model::live::Live;
    use crate::model::params::Layers;

    #[test]
    fn corrections_are_checked() {
        let live = Live::from_params(&params(Layers::Linear { w: vec![0.0; 32] }, 8));
        assert!(resolve(&live.heads, &[]).is_err());
        assert!(resolve(&live.heads, &[("nope", "a")]).is_err());
        assert!(resolve(&live.heads, &[("unit", " ")]).is_err());
        assert!(resolve(&live.heads, &[("unit", "a"), ("unit", "b")]).is_err());
        assert!(resolve(&live.heads, &[("kle", "not a code")]).is_err());
        let r = resolve(&live.heads, &[("unit", "b"), ("kle", "27.24.00")]).unwrap();
        assert_eq!(r[0], (0, Ok(1)));
        assert_eq!(r[1], (1, Err("27.24.00".to_string())));
    }
}
