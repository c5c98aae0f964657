//! The levels of a `kle` head: each emne's gruppe and hovedgruppe, so that a decision can
//! fall back to the level that is sure when the emne is not. Must not import
//! `crate::train` or `crate::eval`.

use std::collections::HashMap;

use crate::decision::{Fallback, LabelScore, LevelRanking};
use crate::kle::{KleCode, Level};
use crate::model::top::top_k;

/// The head whose labels are KLE codes, and which gets hierarchical fallbacks.
pub const KLE_HEAD: &str = "kle";

/// The gruppe and hovedgruppe of each label of a KLE head, worked out once per model: a
/// decision then sums probabilities by index (the full KLE has 2,390 emner in about 600
/// grupper, and parsing and matching codes per message cost more than the model).
#[derive(Debug, Default)]
pub(crate) struct KleGroups {
    /// Per level (gruppe, then hovedgruppe): the distinct codes in order of first
    /// appearance, and for each label the index of its code ([`NONE`]: not a KLE code).
    levels: [(Vec<KleCode>, Vec<u32>); 2],
}

const FALLBACK_LEVELS: [Level; 2] = [Level::Gruppe, Level::Hovedgruppe];

/// A label's code index when the label is not a KLE code: past every code, so the sums
/// skip it without a branch on an `Option`.
const NONE: u32 = u32::MAX;

impl KleGroups {
    pub(crate) fn new(labels: &[String]) -> KleGroups {
        let mut out = KleGroups::default();
        for (level, (codes, of)) in FALLBACK_LEVELS.iter().zip(out.levels.iter_mut()) {
            let mut index: HashMap<KleCode, u32> = HashMap::new();
            for label in labels {
                let code = KleCode::parse(label).ok().and_then(|c| c.at_level(*level));
                of.push(code.map_or(NONE, |code| {
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

    /// Per level: the summed probability of each code's emner under `p` (one per label).
    /// Labels that are not KLE codes count towards no code.
    fn sums(&self, level: usize, p: &[f32]) -> Vec<f32> {
        let (codes, of) = &self.levels[level];
        let mut sums = vec![0.0f32; codes.len()];
        // The running sum of the current code is kept out of memory while the labels stay
        // in it (a gruppe's emner are neighbours in a KLE head's labels): adding into
        // `sums[i]` label after label waits on the store of the add before, every time.
        // The same additions in the same order, so the same sums.
        let (mut current, mut acc) = (NONE, 0.0f32);
        for (&i, &prob) in of.iter().zip(p) {
            if i != current {
                if let Some(s) = sums.get_mut(current as usize) {
                    *s = acc;
                }
                current = i;
                acc = sums.get(i as usize).copied().unwrap_or(0.0);
            }
            acc += prob;
        }
        if let Some(s) = sums.get_mut(current as usize) {
            *s = acc;
        }
        sums
    }

    /// A KLE decision's coarser levels from one pass over the labels per level:
    ///
    /// - the three ranked lists: `emner` (the head's top labels, as decided), then the `k`
    ///   most probable grupper and hovedgrupper under `p`, each with the summed probability
    ///   of its emner (equal sums keep the order in which codes first appear among the
    ///   labels);
    /// - with `threshold` (the emne abstains): the fallback, the gruppe, else the
    ///   hovedgruppe, whose emner together reach it.
    pub(crate) fn rank(
        &self,
        p: &[f32],
        emner: &[LabelScore],
        k: usize,
        threshold: Option<f32>,
    ) -> (Vec<LevelRanking>, Option<Fallback>) {
        let mut levels = Vec::with_capacity(3);
        levels.push(LevelRanking {
            level: Level::Emne.as_str().to_string(),
            labels: emner.to_vec(),
        });
        let mut fallback = None;
        for (l, level) in FALLBACK_LEVELS.iter().enumerate() {
            let sums = self.sums(l, p);
            let codes = &self.levels[l].0;
            if let (None, Some(threshold)) = (&fallback, threshold) {
                // The first of the ranking, which `levels` shows on top; a sum over many
                // emner can round past 1, and is compared as the 1 it is shown as.
                if let Some(&i) = top_k(&sums, 1).first() {
                    let prob = sums[i].min(1.0);
                    if prob >= threshold {
                        fallback = Some(Fallback {
                            level: level.as_str().to_string(),
                            code: codes[i].to_string(),
                            probability: prob,
                        });
                    }
                }
            }
            levels.push(LevelRanking {
                level: level.as_str().to_string(),
                labels: top_k(&sums, k.max(1))
                    .into_iter()
                    .map(|i| LabelScore {
                        label: codes[i].to_string(),
                        probability: sums[i].min(1.0),
                    })
                    .collect(),
            });
        }
        (levels, fallback)
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
        let fallback = |p: &[f32]| groups.rank(p, &[], 3, Some(0.9)).1;
        let f = fallback(&[0.5, 0.45, 0.03, 0.02]).unwrap();
        assert_eq!((f.level.as_str(), f.code.as_str()), ("gruppe", "32.18"));
        assert!((f.probability - 0.95).abs() < 1e-6);
        let f = fallback(&[0.4, 0.3, 0.25, 0.05]).unwrap();
        assert_eq!((f.level.as_str(), f.code.as_str()), ("hovedgruppe", "32"));
        assert!(fallback(&[0.3, 0.2, 0.1, 0.4]).is_none());
        // Without a threshold (the emne decided) there is no fallback.
        assert!(groups
            .rank(&[0.5, 0.45, 0.03, 0.02], &[], 3, None)
            .1
            .is_none());
    }

    #[test]
    fn levels_rank_grupper_and_hovedgrupper_by_summed_probability() {
        let labels: Vec<String> = ["32.18.04", "32.18.08", "02.00.00", "32.20.00", "unit"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let groups = KleGroups::new(&labels);
        let p = [0.25, 0.2, 0.3, 0.15, 0.1];
        let emner = [LabelScore {
            label: "02.00.00".into(),
            probability: 0.3,
        }];
        let (levels, _) = groups.rank(&p, &emner, 2, None);
        let names: Vec<&str> = levels.iter().map(|l| l.level.as_str()).collect();
        assert_eq!(names, ["emne", "gruppe", "hovedgruppe"]);
        assert_eq!(levels[0].labels, emner);
        let ranked = |l: usize| -> Vec<(String, f32)> {
            levels[l]
                .labels
                .iter()
                .map(|s| (s.label.clone(), (s.probability * 100.0).round() / 100.0))
                .collect()
        };
        // 32.18 = 0.25 + 0.2; 02.00 = 0.3; 32.20 = 0.15 is third and cut by k = 2.
        assert_eq!(
            ranked(1),
            [("32.18".to_string(), 0.45), ("02.00".to_string(), 0.3)]
        );
        // 32 = 0.25 + 0.2 + 0.15; "unit" is no KLE code and counts nowhere.
        assert_eq!(
            ranked(2),
            [("32".to_string(), 0.6), ("02".to_string(), 0.3)]
        );
    }

    #[test]
    fn sums_add_label_after_label_bit_for_bit() {
        // Codes whose emner are neighbours, codes split in two runs, labels that are no
        // code (also between two emner of one gruppe), and the first label no code.
        let mut rng = crate::model::rng::Rng::new(5);
        for case in 0..300 {
            let labels: Vec<String> = (0..(case % 40) + 1)
                .map(|_| match rng.below(6) {
                    0 => "unit".to_string(),
                    r => format!("{:02}.{:02}.{:02}", r % 3, rng.below(3), rng.below(9)),
                })
                .collect();
            let groups = KleGroups::new(&labels);
            let p: Vec<f32> = labels.iter().map(|_| rng.next_f32() / 7.0).collect();
            for level in 0..2 {
                let (codes, of) = &groups.levels[level];
                let mut reference = vec![0.0f32; codes.len()];
                for (&i, &prob) in of.iter().zip(&p) {
                    if let Some(s) = reference.get_mut(i as usize) {
                        *s += prob;
                    }
                }
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(&groups.sums(level, &p)),
                    bits(&reference),
                    "{labels:?}"
                );
            }
        }
    }
}
