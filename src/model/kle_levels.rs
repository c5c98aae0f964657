//! The levels of a `kle` head: each emne's gruppe and hovedgruppe, so that a decision can
//! fall back to the level that is sure when the emne is not. Must not import
//! `crate::train` or `crate::eval`.

use std::collections::HashMap;

use crate::decision::Fallback;
use crate::kle::{KleCode, Level};

/// The head whose labels are KLE codes, and which gets hierarchical fallbacks.
pub const KLE_HEAD: &str = "kle";

/// The gruppe and hovedgruppe of each label of a KLE head, worked out once per model: a
/// decision then sums probabilities by index (the full KLE has 2,390 emner in about 600
/// grupper, and parsing and matching codes per message cost more than the model).
#[derive(Debug, Default)]
pub(crate) struct KleGroups {
    /// Per level (gruppe, then hovedgruppe): the distinct codes in order of first
    /// appearance, and for each label the index of its code (`None`: not a KLE code).
    levels: [(Vec<KleCode>, Vec<Option<u32>>); 2],
}

const FALLBACK_LEVELS: [Level; 2] = [Level::Gruppe, Level::Hovedgruppe];

impl KleGroups {
    pub(crate) fn new(labels: &[String]) -> KleGroups {
        let mut out = KleGroups::default();
        for (level, (codes, of)) in FALLBACK_LEVELS.iter().zip(out.levels.iter_mut()) {
            let mut index: HashMap<KleCode, u32> = HashMap::new();
            for label in labels {
                let code = KleCode::parse(label).ok().and_then(|c| c.at_level(*level));
                of.push(code.map(|code| {
                    *index.entry(code).or_insert_with(|| {
                        codes.push(code);
                        codes.len() as u32 - 1
                    })
                }));
            }
        }
        out
    }

    /// The number of labels this was built for.
    pub(crate) fn len(&self) -> usize {
        self.levels[0].1.len()
    }

    /// When the emne is uncertain: the gruppe, else the hovedgruppe, whose emner together
    /// reach `threshold` under probabilities `p` (one per label). Labels that are not KLE
    /// codes are ignored.
    pub(crate) fn fallback(&self, p: &[f32], threshold: f32) -> Option<Fallback> {
        for (level, (codes, of)) in FALLBACK_LEVELS.iter().zip(&self.levels) {
            let mut sums = vec![0.0f32; codes.len()];
            for (i, &prob) in of.iter().zip(p) {
                if let Some(i) = i {
                    sums[*i as usize] += prob;
                }
            }
            // `max_by` keeps the last of equal sums, as grupper appear in label order.
            if let Some((i, prob)) = sums
                .into_iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1))
            {
                if prob >= threshold {
                    return Some(Fallback {
                        level: level.as_str().to_string(),
                        code: codes[i].to_string(),
                        probability: prob.min(1.0),
                    });
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_sums_emner_of_a_gruppe() {
        let labels: Vec<String> = ["32.18.04", "32.18.08", "32.20.00", "02.00.00"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let groups = KleGroups::new(&labels);
        let f = groups.fallback(&[0.5, 0.45, 0.03, 0.02], 0.9).unwrap();
        assert_eq!((f.level.as_str(), f.code.as_str()), ("gruppe", "32.18"));
        assert!((f.probability - 0.95).abs() < 1e-6);
        let f = groups.fallback(&[0.4, 0.3, 0.25, 0.05], 0.9).unwrap();
        assert_eq!((f.level.as_str(), f.code.as_str()), ("hovedgruppe", "32"));
        assert!(groups.fallback(&[0.3, 0.2, 0.1, 0.4], 0.9).is_none());
    }
}
