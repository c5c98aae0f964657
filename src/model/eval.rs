//! Evaluation: preparing labelled data, training from a data set, held-out metrics and
//! k-fold cross-validation.

use std::path::PathBuf;

use serde::Serialize;

use crate::features::{FeatureConfig, Featurizer};
use crate::kle::Taxonomy;
use crate::model::calibrate::{threshold_for_precision, Scored};
use crate::model::classifier::KLE_HEAD;
use crate::model::classifier::{Classifier, Model};
use crate::model::dataset::{read_message, Dataset, TextMode};
use crate::model::keyword::{KeywordOptions, KeywordPrior};
use crate::model::onnx::Summary;
use crate::model::train::{
    train, train_with_prior, Example, HeadSpec, Rng, TrainOptions, TrainReport,
};
use crate::{Error, ErrorKind, Result};

/// A progress callback: `(done, total)`.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Featurised examples of a data set, and the files that could not be read.
#[derive(Debug)]
pub struct Prepared {
    /// Examples in data-set order (failed files left out).
    pub examples: Vec<Example>,
    /// For each example, its index in [`Dataset::items`].
    pub item_index: Vec<usize>,
    /// Files that failed, with why.
    pub failures: Vec<(PathBuf, Error)>,
}

/// Reads and featurises every message of `dataset` on `threads` threads.
pub fn prepare(
    dataset: &Dataset,
    featurizer: &Featurizer,
    mode: TextMode,
    threads: usize,
    progress: Option<Progress<'_>>,
) -> Prepared {
    let n = dataset.items.len();
    let threads = threads.clamp(1, 64);
    let chunk = n.div_ceil(threads).max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let parts: Vec<Vec<(usize, Result<Example>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = dataset
            .items
            .chunks(chunk)
            .enumerate()
            .map(|(c, items)| {
                let done = &done;
                s.spawn(move || {
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let r = read_message(&item.path, mode).map(|m| Example {
                                x: featurizer.featurize(&m),
                                labels: item.labels.clone(),
                            });
                            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            if let Some(p) = progress {
                                p(d, n);
                            }
                            (c * chunk + i, r)
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut out = Prepared {
        examples: Vec::with_capacity(n),
        item_index: Vec::with_capacity(n),
        failures: Vec::new(),
    };
    for (i, r) in parts.into_iter().flatten() {
        match r {
            Ok(ex) => {
                out.examples.push(ex);
                out.item_index.push(i);
            }
            Err(e) => out.failures.push((dataset.items[i].path.clone(), e)),
        }
    }
    out
}

/// The current time as RFC 3339 UTC (seconds), without a date crate.
pub(crate) fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    crate::decision::journal::rfc3339(secs)
}

/// Trains a model from prepared examples and fills in its summary.
pub fn train_prepared(
    prepared: &Prepared,
    heads: &[HeadSpec],
    features: &FeatureConfig,
    opts: &TrainOptions,
) -> Result<(Model, TrainReport)> {
    let (params, report) = train(&prepared.examples, heads, features, opts)?;
    Ok(summarise(params, report, prepared, opts, "learned"))
}

/// Trains a model whose `kle` head adds a keyword prior built from `taxonomy`
/// ([`crate::model::train::train_with_prior`]); the summary says `learned+prior`.
///
/// The head's labels must include emner of the taxonomy; labels the taxonomy lacks get no
/// keywords, and emner no message has are not offered (the head's labels stay those of the
/// training data).
pub fn train_prepared_with_taxonomy(
    prepared: &Prepared,
    heads: &[HeadSpec],
    features: &FeatureConfig,
    opts: &TrainOptions,
    taxonomy: &Taxonomy,
    keyword: &KeywordOptions,
) -> Result<(Model, TrainReport)> {
    let h = heads
        .iter()
        .position(|h| h.name == KLE_HEAD)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("a keyword prior needs a head named {KLE_HEAD:?} with KLE emner as labels"),
            )
        })?;
    let labels = &heads[h].labels;
    let known = labels
        .iter()
        .filter(|l| taxonomy.validate_label(l).is_ok())
        .count();
    if known == 0 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "none of the {} labels of head {KLE_HEAD:?} is a code of the taxonomy",
                labels.len()
            ),
        ));
    }
    let prior = KeywordPrior::from_taxonomy(taxonomy, features, h, labels, keyword)?;
    let (params, mut report) = train_with_prior(&prepared.examples, heads, features, opts, prior)?;
    if known < labels.len() {
        report.warnings.push(format!(
            "head {KLE_HEAD:?}: {} of {} labels are not in the taxonomy and get no keywords",
            labels.len() - known,
            labels.len()
        ));
    }
    Ok(summarise(params, report, prepared, opts, "learned+prior"))
}

fn summarise(
    params: crate::model::Params,
    report: TrainReport,
    prepared: &Prepared,
    opts: &TrainOptions,
    kind: &str,
) -> (Model, TrainReport) {
    let mut warnings = report.warnings.clone();
    if !prepared.failures.is_empty() {
        warnings.push(format!(
            "{} messages failed to parse and were skipped",
            prepared.failures.len()
        ));
    }
    let summary = Summary {
        messages: report.messages as u64,
        heldout: report.heldout as u64,
        skipped: prepared.failures.len() as u64,
        trained_at: now_rfc3339(),
        library_version: env!("CARGO_PKG_VERSION").into(),
        seed: opts.seed,
        epochs: opts.epochs,
        kind: kind.into(),
        parent: None,
        corrections_since_training: 0,
        warnings,
    };
    (Model::new(params, summary), report)
}

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
    /// Macro-averaged F1 over labels with support.
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
}

/// One prediction for metrics: true label, probabilities over the head's labels, and the
/// threshold that applied.
struct Pred<'a> {
    truth: Option<usize>,
    probs: &'a [f32],
}

fn head_report(
    name: &str,
    labels: &[String],
    preds: &[Pred<'_>],
    threshold: f32,
    target: f32,
) -> HeadReport {
    let k = labels.len();
    let mut tp = vec![0u64; k];
    let mut fp = vec![0u64; k];
    let mut support = vec![0u64; k];
    let mut confusion: std::collections::HashMap<(usize, usize), u64> = Default::default();
    let (mut n, mut correct, mut top3) = (0u64, 0u64, 0u64);
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
    let th = threshold_for_precision(&scored, target);
    let above: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.confidence >= threshold)
        .collect();
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
        macro_f1: div(f1_sum, f1_n as f64),
        top3_accuracy: div(top3 as f64, n as f64),
        coverage_at_precision: th.coverage as f64,
        target_precision: target as f64,
        coverage_at_threshold: div(above.len() as f64, n as f64),
        precision_at_threshold: (!above.is_empty())
            .then(|| above.iter().filter(|s| s.correct).count() as f64 / above.len() as f64),
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
    let mut probs: Vec<Vec<f32>> = vec![Vec::new(); classifier.heads().len()];
    for batch in prepared.examples.chunks(256) {
        let xs: Vec<_> = batch.iter().map(|e| e.x.clone()).collect();
        for (h, p) in classifier.probabilities(&xs)?.into_iter().enumerate() {
            probs[h].extend(p);
        }
    }
    let mut heads = Vec::new();
    for (h, info) in classifier.heads().iter().enumerate() {
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
                    probs: &probs[h][i * k..(i + 1) * k],
                })
            })
            .collect();
        heads.push(head_report(
            &info.name,
            &info.labels,
            &preds,
            info.threshold,
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
    })
}

/// The fold of each example: stratified on the first head's label (messages without it
/// form their own stratum), shuffled with `seed`, dealt round-robin.
pub fn assign_folds(prepared: &Prepared, k: usize, seed: u64) -> Vec<usize> {
    let mut strata: std::collections::BTreeMap<Option<u32>, Vec<usize>> = Default::default();
    for (i, ex) in prepared.examples.iter().enumerate() {
        strata
            .entry(ex.labels.first().copied().flatten())
            .or_default()
            .push(i);
    }
    let mut rng = Rng::new(seed ^ 0xf01d);
    let mut fold = vec![0; prepared.examples.len()];
    let mut next = 0;
    for (_, mut members) in strata {
        rng.shuffle(&mut members);
        for i in members {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

/// k-fold cross-validation: trains on k-1 folds and tests on the held-out one, through the
/// real ONNX file and tract, and pools the predictions.
pub fn cross_validate(
    dataset: &Dataset,
    prepared: &Prepared,
    features: &FeatureConfig,
    opts: &TrainOptions,
    k: usize,
    progress: Option<Progress<'_>>,
) -> Result<(EvalReport, Vec<usize>)> {
    if k < 2 || k > prepared.examples.len() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "cannot make {k} folds of {} messages",
                prepared.examples.len()
            ),
        ));
    }
    let folds = assign_folds(prepared, k, opts.seed);
    let heads = &dataset.heads;
    let mut probs: Vec<Vec<Vec<f32>>> = heads
        .iter()
        .map(|_| vec![Vec::new(); prepared.examples.len()])
        .collect();
    let mut thresholds = vec![0.0f32; heads.len()];
    let mut fold_accuracy = Vec::new();
    for f in 0..k {
        let train_part = Prepared {
            examples: prepared
                .examples
                .iter()
                .zip(&folds)
                .filter(|(_, &g)| g != f)
                .map(|(e, _)| e.clone())
                .collect(),
            item_index: Vec::new(),
            failures: Vec::new(),
        };
        let (model, _) = train_prepared(&train_part, heads, features, opts)?;
        let clf = Classifier::from_model(&model)?;
        let test: Vec<usize> = (0..prepared.examples.len())
            .filter(|&i| folds[i] == f)
            .collect();
        let (mut ok, mut n) = (0, 0);
        for batch in test.chunks(256) {
            let xs: Vec<_> = batch
                .iter()
                .map(|&i| prepared.examples[i].x.clone())
                .collect();
            let out = clf.probabilities(&xs)?;
            for (h, p) in out.iter().enumerate() {
                let c = heads[h].labels.len();
                for (r, &i) in batch.iter().enumerate() {
                    let row = p[r * c..(r + 1) * c].to_vec();
                    if h == 0 {
                        if let Some(t) = prepared.examples[i].labels[0] {
                            let best = (0..c)
                                .max_by(|&a, &b| row[a].total_cmp(&row[b]).then(b.cmp(&a)))
                                .unwrap_or(0);
                            n += 1;
                            ok += (best == t as usize) as usize;
                        }
                    }
                    probs[h][i] = row;
                }
            }
        }
        for (h, info) in clf.heads().iter().enumerate() {
            thresholds[h] += info.threshold / k as f32;
        }
        fold_accuracy.push(ok as f64 / n.max(1) as f64);
        if let Some(p) = progress {
            p(f + 1, k);
        }
    }
    let mut reports = Vec::new();
    for (h, head) in heads.iter().enumerate() {
        let preds: Vec<Pred<'_>> = prepared
            .examples
            .iter()
            .enumerate()
            .filter_map(|(i, ex)| {
                ex.labels[h].map(|t| Pred {
                    truth: Some(t as usize),
                    probs: &probs[h][i],
                })
            })
            .collect();
        reports.push(head_report(
            &head.name,
            &head.labels,
            &preds,
            thresholds[h],
            opts.target_precision,
        ));
    }
    Ok((
        EvalReport {
            messages: prepared.examples.len() as u64,
            skipped: prepared.failures.len() as u64,
            folds: Some(k),
            fold_accuracy,
            heads: reports,
        },
        folds,
    ))
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
                probs: &p[..],
            })
            .collect();
        let r = head_report("h", &labels, &preds, 0.75, 0.95);
        assert!((r.accuracy - 0.75).abs() < 1e-9);
        assert!((r.top3_accuracy - 1.0).abs() < 1e-9);
        assert!((r.coverage_at_precision - 0.5).abs() < 1e-9);
        assert!((r.coverage_at_threshold - 0.5).abs() < 1e-9);
        assert_eq!(r.labels[0].support, 3);
        assert!((r.labels[1].precision - 0.5).abs() < 1e-9);
        assert_eq!(r.confused[0].truth, "a");
        assert_eq!(r.confused[0].predicted, "b");
    }
}
