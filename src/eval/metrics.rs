//! Held-out metrics: per head accuracy, top-3, macro F1, coverage at a precision and at the
//! trained thresholds, per-label precision and recall, and the most common confusions.
//!
//! Part of `eval`: uses `crate::train` and `crate::model`, which must not import it.

use serde::Serialize;

use crate::eval::dataset::Dataset;
use crate::model::Classifier;
use crate::train::calibrate::{threshold_for_precision, Scored};
use crate::train::Prepared;
use crate::{Error, ErrorKind, Result};

/// Precision, recall and support of one label.
#[derive(Debug, Clone, Serialize)]
pub struct LabelReport {
    /// The label.
    pub label: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Messages with this true label.
    pub support: u64,
}

/// A pair of labels the model confuses.
#[derive(Debug, Clone, Serialize)]
pub struct Confusion {
    /// The true label.
    pub truth: String,
    /// What the model said.
    pub predicted: String,
    /// How often.
    pub count: u64,
}

/// Metrics for one head.
#[derive(Debug, Clone, Serialize)]
pub struct HeadReport {
    /// The head.
    pub head: String,
    /// Messages with a label for this head.
    pub messages: u64,
    /// Top-1 accuracy.
    pub accuracy: f64,
    /// Mean recall over the true labels present (balanced accuracy): what accuracy would be
    /// if every label were equally common. New mail rarely has the training mix of labels,
    /// so this is the figure that does not move with the mix. Each true label the model does
    /// not know counts as one more label with recall 0.
    pub balanced_accuracy: f64,
    /// Macro-averaged F1 over the labels with support, each label the model does not know
    /// counting with F1 0.
    pub macro_f1: f64,
    /// Share with the true label among the top three.
    pub top3_accuracy: f64,
    /// The share of messages the model handles alone at `target_precision`, most confident
    /// first.
    pub coverage_at_precision: f64,
    /// The precision that coverage is measured at.
    pub target_precision: f64,
    /// Share of messages at or above the model's own abstain threshold.
    pub coverage_at_threshold: f64,
    /// Precision of those messages.
    pub precision_at_threshold: Option<f64>,
    /// Expected calibration error (15 equal-width bins of top probability).
    pub ece: f64,
    /// Per label.
    pub labels: Vec<LabelReport>,
    /// The most confused pairs, most frequent first (at most 10).
    pub confused: Vec<Confusion>,
}

/// How a forward split was made: reported with the figures, so that a reader knows what
/// was trained on and what was tested.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Split {
    /// `test_set` (a second data set) or `latest` (the newest share of one data set).
    pub kind: String,
    /// For `latest`: the share held out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f64>,
    /// For `latest`: how the messages were put in time order: `date` (the Date header of
    /// every message) or `file_name` (number-aware, within each label folder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// Messages trained on.
    pub train_messages: u64,
    /// Messages tested on.
    pub test_messages: u64,
}

/// An evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Messages evaluated.
    pub messages: u64,
    /// Messages that failed to parse.
    pub skipped: u64,
    /// Folds, for cross-validation.
    pub folds: Option<usize>,
    /// Per-fold accuracy of the first head, for cross-validation.
    pub fold_accuracy: Vec<f64>,
    /// Per head.
    pub heads: Vec<HeadReport>,
    /// For a forward evaluation: what was trained on and what was tested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<Split>,
}

/// One prediction for metrics: true label, probabilities over the head's labels, and the
/// threshold that applied.
pub(super) struct Pred<'a> {
    /// The true label's index among the model's labels; `None` when the model does not know
    /// it.
    pub(super) truth: Option<usize>,
    /// For a label the model does not know: which one (an index of the test data's labels),
    /// so that each such label counts once in the balanced accuracy and the macro-F1.
    pub(super) unseen: Option<usize>,
    pub(super) probs: &'a [f32],
    /// The abstain threshold of the model that scored this message: in cross-validation
    /// each fold's model has its own, and a message is decided when its fold's model
    /// would decide it.
    pub(super) threshold: f32,
}

pub(super) fn head_report(
    name: &str,
    labels: &[String],
    preds: &[Pred<'_>],
    target: f32,
) -> HeadReport {
    let k = labels.len();
    let mut tp = vec![0u64; k];
    let mut fp = vec![0u64; k];
    let mut support = vec![0u64; k];
    let mut confusion: std::collections::HashMap<(usize, usize), u64> = Default::default();
    let (mut n, mut correct, mut top3) = (0u64, 0u64, 0u64);
    // Messages at or above their model's threshold, and how many of those are right.
    let (mut decided, mut decided_correct) = (0u64, 0u64);
    // The labels of the test data that the model does not know (see `Pred::unseen`).
    let mut unknown: std::collections::BTreeSet<usize> = Default::default();
    let mut scored = Vec::new();
    let mut bins = [(0u64, 0f64, 0u64); 15];
    for p in preds {
        // Messages whose true label the model does not know count as errors.
        let mut order: Vec<usize> = (0..p.probs.len()).collect();
        order.sort_by(|&a, &b| p.probs[b].total_cmp(&p.probs[a]).then(a.cmp(&b)));
        let Some(&best) = order.first() else { continue };
        let conf = p.probs[best];
        n += 1;
        let ok = p.truth == Some(best);
        correct += ok as u64;
        if p.truth.is_none() {
            unknown.insert(p.unseen.unwrap_or(usize::MAX));
        }
        if let Some(t) = p.truth {
            support[t] += 1;
            if order.iter().take(3).any(|&o| o == t) {
                top3 += 1;
            }
            if ok {
                tp[t] += 1;
            } else {
                *confusion.entry((t, best)).or_insert(0) += 1;
            }
        }
        if !ok {
            fp[best] += 1;
        }
        scored.push(Scored {
            confidence: conf,
            correct: ok,
        });
        decided += u64::from(conf >= p.threshold);
        decided_correct += u64::from(conf >= p.threshold && ok);
        let b = ((conf * 15.0) as usize).min(14);
        bins[b].0 += 1;
        bins[b].1 += conf as f64;
        bins[b].2 += ok as u64;
    }
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let mut label_reports = Vec::new();
    let mut f1_sum = 0.0;
    let mut f1_n = 0;
    for i in 0..k {
        let precision = div(tp[i] as f64, (tp[i] + fp[i]) as f64);
        let recall = div(tp[i] as f64, support[i] as f64);
        let f1 = div(2.0 * precision * recall, precision + recall);
        if support[i] > 0 {
            f1_sum += f1;
            f1_n += 1;
        }
        label_reports.push(LabelReport {
            label: labels[i].clone(),
            precision,
            recall,
            f1,
            support: support[i],
        });
    }
    // A label the model does not know is never predicted: recall 0 and F1 0, once per
    // label (mean per-label recall over the labels of the test data).
    f1_n += unknown.len();
    let recalls: Vec<f64> = (0..k)
        .filter(|&i| support[i] > 0)
        .map(|i| div(tp[i] as f64, support[i] as f64))
        .chain(unknown.iter().map(|_| 0.0))
        .collect();
    let balanced_accuracy = div(recalls.iter().sum(), recalls.len() as f64);
    let th = threshold_for_precision(&scored, target);
    let ece = bins
        .iter()
        .map(|&(c, conf, ok)| {
            if c == 0 {
                0.0
            } else {
                (c as f64 / n.max(1) as f64) * (conf / c as f64 - ok as f64 / c as f64).abs()
            }
        })
        .sum();
    let mut confused: Vec<Confusion> = confusion
        .into_iter()
        .map(|((t, p), count)| Confusion {
            truth: labels[t].clone(),
            predicted: labels[p].clone(),
            count,
        })
        .collect();
    confused.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.truth.cmp(&b.truth))
            .then_with(|| a.predicted.cmp(&b.predicted))
    });
    confused.truncate(10);
    HeadReport {
        head: name.to_string(),
        messages: n,
        accuracy: div(correct as f64, n as f64),
        balanced_accuracy,
        macro_f1: div(f1_sum, f1_n as f64),
        top3_accuracy: div(top3 as f64, n as f64),
        coverage_at_precision: th.coverage as f64,
        target_precision: target as f64,
        coverage_at_threshold: div(decided as f64, n as f64),
        precision_at_threshold: (decided > 0).then(|| decided_correct as f64 / decided as f64),
        ece,
        labels: label_reports,
        confused,
    }
}

/// Evaluates `classifier` on `prepared` examples of `dataset`. True labels are matched to
/// the model's labels by name; heads the model lacks are left out.
pub fn evaluate(
    classifier: &Classifier,
    dataset: &Dataset,
    prepared: &Prepared,
    target_precision: f32,
) -> Result<EvalReport> {
    // The heads as the classifier scores them now: a correction may have added labels
    // since the file was loaded, and the probabilities then have a column for each.
    let current = classifier.current_heads();
    let mut probs: Vec<Vec<f32>> = vec![Vec::new(); current.len()];
    for batch in prepared.examples.chunks(256) {
        let xs: Vec<_> = batch.iter().map(|e| e.x.clone()).collect();
        for (h, p) in classifier.probabilities(&xs)?.into_iter().enumerate() {
            if let Some(column) = probs.get_mut(h) {
                column.extend(p);
            }
        }
    }
    let n = prepared.examples.len();
    if current
        .iter()
        .zip(&probs)
        .any(|(info, p)| p.len() != n * info.labels.len())
    {
        return Err(Error::new(
            ErrorKind::Inference,
            "a correction added a label while the model was being evaluated; evaluate again",
        ));
    }
    let mut heads = Vec::new();
    for (h, info) in current.iter().enumerate() {
        let Some(dh) = dataset.head_index(&info.name) else {
            continue;
        };
        let k = info.labels.len();
        let preds: Vec<Pred<'_>> = prepared
            .examples
            .iter()
            .enumerate()
            .filter_map(|(i, ex)| {
                let t = ex.labels.get(dh).copied().flatten()?;
                let name = &dataset.heads[dh].labels[t as usize];
                Some(Pred {
                    truth: info.labels.iter().position(|l| l == name),
                    unseen: Some(t as usize),
                    probs: &probs[h][i * k..(i + 1) * k],
                    threshold: info.threshold,
                })
            })
            .collect();
        heads.push(head_report(
            &info.name,
            &info.labels,
            &preds,
            target_precision,
        ));
    }
    if heads.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "the data set has none of the model's heads",
        ));
    }
    Ok(EvalReport {
        messages: prepared.examples.len() as u64,
        skipped: prepared.failures.len() as u64,
        folds: None,
        fold_accuracy: Vec::new(),
        heads,
        split: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_evaluation_after_a_correction_reads_the_new_labels_columns() {
        use crate::eval::{Dataset, Item};
        use crate::features::SparseVec;
        use crate::model::learn::testing::{classifier, x};
        use crate::train::{Example, HeadSpec};
        let clf = classifier();
        for _ in 0..30 {
            clf.learn_features(x(), &[("unit", "c")]).unwrap();
        }
        let other = SparseVec {
            ids: vec![7, 90],
            vals: vec![1.0, 1.0],
        };
        let dataset = Dataset {
            heads: vec![HeadSpec {
                name: "unit".into(),
                labels: vec!["a".into(), "b".into(), "c".into()],
            }],
            items: (0..2)
                .map(|i| Item {
                    path: format!("{i}.eml").into(),
                    labels: vec![Some(2)],
                })
                .collect(),
        };
        let prepared = Prepared {
            examples: [x(), other]
                .into_iter()
                .map(|x| Example {
                    x,
                    labels: vec![Some(2)],
                })
                .collect(),
            item_index: vec![0, 1],
            failures: Vec::new(),
        };
        let report = evaluate(&clf, &dataset, &prepared, 0.95).unwrap();
        let head = &report.heads[0];
        assert_eq!(
            head.labels.len(),
            3,
            "the label the correction added is scored"
        );
        // The corrected message is now `c`, as a classification says.
        let decided = clf.probabilities(&[x()]).unwrap();
        let best = (0..3)
            .max_by(|&a, &b| decided[0][a].total_cmp(&decided[0][b]))
            .unwrap();
        assert_eq!(best, 2);
        assert!(head.labels[2].recall >= 0.5, "{:?}", head.labels[2].recall);
    }

    #[test]
    fn each_label_the_model_does_not_know_counts_once() {
        // The model knows a and b, and gets them right; the later data adds c, d and e
        // (two messages of c).
        let labels = vec!["a".to_string(), "b".to_string()];
        let known = [([0.9f32, 0.1], 0usize), ([0.2, 0.8], 1)];
        let new = [
            ([0.6f32, 0.4], 2usize),
            ([0.6, 0.4], 2),
            ([0.3, 0.7], 3),
            ([0.5, 0.5], 4),
        ];
        let preds: Vec<Pred<'_>> = known
            .iter()
            .map(|(p, t)| Pred {
                truth: Some(*t),
                unseen: None,
                probs: &p[..],
                threshold: 0.75,
            })
            .chain(new.iter().map(|(p, t)| Pred {
                truth: None,
                unseen: Some(*t),
                probs: &p[..],
                threshold: 0.75,
            }))
            .collect();
        let r = head_report("h", &labels, &preds, 0.95);
        assert!(
            (r.balanced_accuracy - 2.0 / 5.0).abs() < 1e-9,
            "{}",
            r.balanced_accuracy
        );
        // a: precision 1/4 (both c and the tied e went to it), recall 1; b: 1/2, 1.
        let f1 = |p: f64, r: f64| 2.0 * p * r / (p + r);
        let macro_f1 = (f1(0.25, 1.0) + f1(0.5, 1.0)) / 5.0;
        assert!(
            (r.macro_f1 - macro_f1).abs() < 1e-9,
            "{} {macro_f1}",
            r.macro_f1
        );
        assert!((r.accuracy - 2.0 / 6.0).abs() < 1e-9);
    }

    #[test]
    fn each_message_is_decided_at_its_own_models_threshold() {
        // Cross-validation: A's fold model has threshold 0.5, B's 0.9. A (0.6, right) is
        // decided and B (0.8, wrong) is not. One threshold for both (their mean, 0.7)
        // would decide B alone and report precision 0.
        let labels = vec!["a".to_string(), "b".to_string()];
        let (pa, pb) = ([0.6f32, 0.4], [0.2f32, 0.8]);
        let preds = [
            Pred {
                truth: Some(0),
                unseen: None,
                probs: &pa[..],
                threshold: 0.5,
            },
            Pred {
                truth: Some(0),
                unseen: None,
                probs: &pb[..],
                threshold: 0.9,
            },
        ];
        let r = head_report("h", &labels, &preds, 0.95);
        assert!((r.coverage_at_threshold - 0.5).abs() < 1e-9);
        assert_eq!(r.precision_at_threshold, Some(1.0));
    }

    #[test]
    fn metrics_on_a_known_table() {
        let labels = vec!["a".to_string(), "b".to_string()];
        let rows = [
            ([0.9f32, 0.1], 0usize),
            ([0.8, 0.2], 0),
            ([0.3, 0.7], 0),
            ([0.4, 0.6], 1),
        ];
        let preds: Vec<Pred<'_>> = rows
            .iter()
            .map(|(p, t)| Pred {
                truth: Some(*t),
                unseen: None,
                probs: &p[..],
                threshold: 0.75,
            })
            .collect();
        let r = head_report("h", &labels, &preds, 0.95);
        assert!((r.accuracy - 0.75).abs() < 1e-9);
        // Recall of a: 2/3, of b: 1/1.
        assert!((r.balanced_accuracy - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-9);
        assert!((r.top3_accuracy - 1.0).abs() < 1e-9);
        assert!((r.coverage_at_precision - 0.5).abs() < 1e-9);
        assert!((r.coverage_at_threshold - 0.5).abs() < 1e-9);
        assert_eq!(r.labels[0].support, 3);
        assert!((r.labels[1].precision - 0.5).abs() < 1e-9);
        assert_eq!(r.confused[0].truth, "a");
        assert_eq!(r.confused[0].predicted, "b");
    }
}
