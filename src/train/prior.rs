//! Training with a keyword prior: the learned `kle` head plus the taxonomy's keyword
//! scores, with the prior's weight chosen on out-of-fold predictions.
//!
//! Part of `train`: uses `crate::model`; must not import `crate::eval`.

use crate::features::FeatureConfig;
use crate::model::params::{normalise, Params};
use crate::model::prior::KeywordPrior;
use crate::model::rng::Rng;
use crate::train::calibrate::{calibrate_head, fit_temperature};
use crate::train::sgd::{forward, train, Example, HeadSpec, TrainOptions, TrainReport};
use crate::{Error, ErrorKind, Result};

/// The prior scales tried on out-of-fold predictions (0 is the learned model alone).
const PRIOR_SCALES: [f32; 14] = [
    0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0,
];

/// Folds of the cross-fitting that chooses the prior's scale.
const PRIOR_FOLDS: usize = 5;

/// Above this many messages only one fold is trained (a fifth held out), to bound the cost.
const PRIOR_ALL_FOLDS_UP_TO: usize = 5000;

/// Trains as [`train`] does, then adds `prior` (a keyword model for one head) to that
/// head's logits, with its scale, the head's temperature and its abstain threshold chosen on
/// out-of-fold predictions: the learned model is trained again on four fifths of the
/// messages and predicts the fifth it did not see, five times (once, holding out a fifth,
/// above 5,000 messages). The scale is the one of 0, 0.05 … 12 whose
/// temperature-calibrated log-loss is lowest, so a prior that does not help gets 0.
///
/// Every message is predicted once this way, so even 50 messages calibrate the head, where
/// [`train`] alone needs 200 to hold out 20.
pub fn train_with_prior(
    examples: &[Example],
    heads: &[HeadSpec],
    features: &FeatureConfig,
    opts: &TrainOptions,
    mut prior: KeywordPrior,
) -> Result<(Params, TrainReport)> {
    let h = prior.head();
    if heads.get(h).map(|s| s.labels.len()) != Some(prior.labels()) || prior.dim() != features.dim()
    {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "the keyword prior does not fit the head or the feature buckets",
        ));
    }
    let (mut params, mut report) = train(examples, heads, features, opts)?;
    let n = examples.len();
    let folds = PRIOR_FOLDS.min(n);
    let mut order: Vec<usize> = (0..n).collect();
    Rng::new(opts.seed ^ 0x0070_7269_6f72).shuffle(&mut order);
    let mut fold_of = vec![0usize; n];
    for (i, &e) in order.iter().enumerate() {
        fold_of[e] = i % folds.max(1);
    }
    let sub = TrainOptions {
        calibration_fraction: 0.0,
        refit_on_all: false,
        ..opts.clone()
    };
    let run = if n > PRIOR_ALL_FOLDS_UP_TO { 1 } else { folds };
    // (learned logits, prior scores, label) of the prior's head, out of fold.
    let mut rows: Vec<(Vec<f32>, Vec<f32>, u32)> = Vec::new();
    let k = prior.labels();
    let mut xn = Vec::new();
    for f in 0..if folds >= 2 { run } else { 0 } {
        let fit: Vec<Example> = (0..n)
            .filter(|&i| fold_of[i] != f)
            .map(|i| examples[i].clone())
            .collect();
        // A fold without a labelled message of some head cannot train; the others still do.
        let Ok((p, _)) = train(&fit, heads, features, &sub) else {
            continue;
        };
        let c = p.classes();
        let off = p.offsets()[h];
        let mut logits = vec![0.0f32; c];
        for (i, ex) in examples.iter().enumerate() {
            let Some(y) = ex.labels.get(h).copied().flatten() else {
                continue;
            };
            if fold_of[i] != f {
                continue;
            }
            normalise(&ex.x.ids, &ex.x.vals, &p.idf, &mut xn);
            forward(&p.layers, &p.bias, c, &ex.x.ids, &xn, &mut logits);
            let mut kw = vec![0.0f32; k];
            let saved = prior.scale();
            prior.set_scale(1.0);
            prior.add_logits(&ex.x.ids, &xn, &mut kw);
            prior.set_scale(saved);
            rows.push((logits[off..off + k].to_vec(), kw, y));
        }
    }
    let name = &heads[h].name;
    if rows.len() < 10 {
        report.warnings.push(format!(
            "head {name:?}: only {} out-of-fold predictions; the keyword prior is added at scale 1, uncalibrated",
            rows.len()
        ));
        prior.set_scale(1.0);
    } else {
        let mut best: Option<(f64, f32, f32)> = None;
        for alpha in PRIOR_SCALES {
            let combined = combine(&rows, alpha);
            let t = fit_temperature(&combined);
            let loss = nll(&combined, t);
            if best.is_none_or(|(b, _, _)| loss < b) {
                best = Some((loss, alpha, t));
            }
        }
        let (_, alpha, t) = best.unwrap_or((0.0, 1.0, 1.0));
        let combined = combine(&rows, alpha);
        calibrate_head(
            &mut params.heads[h],
            &combined,
            t,
            opts.target_precision,
            opts.threshold_margin,
        );
        prior.set_scale(alpha);
        report.heldout = report.heldout.max(rows.len());
    }
    params.prior = Some(prior);
    Ok((params, report))
}

/// Learned logits plus `alpha` times the prior's scores, with the label.
fn combine(rows: &[(Vec<f32>, Vec<f32>, u32)], alpha: f32) -> Vec<(Vec<f32>, u32)> {
    rows.iter()
        .map(|(l, p, y)| (l.iter().zip(p).map(|(a, b)| a + alpha * b).collect(), *y))
        .collect()
}

/// Mean negative log-likelihood of the labels at temperature `t`.
fn nll(rows: &[(Vec<f32>, u32)], t: f32) -> f64 {
    let total: f64 = rows
        .iter()
        .map(|(lg, y)| {
            let m = lg.iter().cloned().fold(f32::NEG_INFINITY, f32::max) / t;
            let z: f64 = lg.iter().map(|&v| ((v / t - m) as f64).exp()).sum();
            let ly = lg.get(*y as usize).copied().unwrap_or(m * t) / t - m;
            z.ln() - ly as f64
        })
        .sum();
    total / rows.len().max(1) as f64
}
