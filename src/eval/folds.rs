//! k-fold cross-validation: stratified folds, a model trained per fold through the real
//! ONNX file and tract, and the pooled report.
//!
//! Part of `eval`: uses `crate::train` and `crate::model`, which must not import it.

use crate::eval::dataset::{Dataset, Progress};
use crate::eval::metrics::{head_report, EvalReport, Pred};
use crate::features::FeatureConfig;
use crate::model::rng::Rng;
use crate::model::Classifier;
use crate::train::{train_prepared, Prepared, TrainOptions};
use crate::{Error, ErrorKind, Result};

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
    // Per fold, its model's abstain threshold of each head.
    let mut thresholds: Vec<Vec<f32>> = Vec::with_capacity(k);
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
        thresholds.push(clf.heads().iter().map(|info| info.threshold).collect());
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
                    unseen: None,
                    probs: &probs[h][i],
                    threshold: thresholds[folds[i]][h],
                })
            })
            .collect();
        reports.push(head_report(
            &head.name,
            &head.labels,
            &preds,
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
            split: None,
        },
        folds,
    ))
}
