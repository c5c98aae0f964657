//! Training: IDF, a softmax model per head by SGD, temperature calibration and abstain
//! thresholds on held-out data.
//!
//! Deterministic for a fixed seed: the only randomness is a seeded SplitMix64 that orders
//! the examples and initialises embeddings, and the SGD loop is single-threaded (only
//! featurisation runs on several threads, each on its own slice, merged in order).

use crate::features::FeatureConfig;
use crate::features::SparseVec;
use crate::model::calibrate::{fit_temperature, threshold_for_precision, Scored};
use crate::model::keyword::KeywordPrior;
use crate::model::lanes::{prefetch_flat_row, AHEAD};
use crate::model::params::{normalise, HeadInfo, Layers, Loss, Params};
use crate::{Error, ErrorKind, Result};

/// One training example: features and, per head, the index of its label (or `None` where
/// the message has no label for that head).
#[derive(Debug, Clone)]
pub struct Example {
    /// The message's features.
    pub x: SparseVec,
    /// Label index per head, in the order of the heads given to [`train`].
    pub labels: Vec<Option<u32>>,
}

/// A head to train: its name and label names.
#[derive(Debug, Clone)]
pub struct HeadSpec {
    /// The head's name.
    pub name: String,
    /// Its label names; label indices in [`Example::labels`] point into this.
    pub labels: Vec<String>,
}

/// The knobs of training. `Default` gives what the evaluation figures were measured with.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Seed for ordering and initialisation.
    pub seed: u64,
    /// Passes over the data. The default 6 trains all 11,314 posts of 20 Newsgroups in
    /// under 5 s on two cores (8 passes: +0.1 point of accuracy, a third more time).
    pub epochs: u32,
    /// Initial learning rate, decayed linearly to zero; `None` picks per loss and model
    /// form (softmax: 5.0 for a linear model on unit-norm features, 0.5 for a low-rank one,
    /// whose two layers multiply each other's steps; squared hinge: 0.5 linear, 0.1
    /// low-rank).
    pub learning_rate: Option<f32>,
    /// The loss; `None` picks squared hinge for a linear model and softmax for a low-rank
    /// one (the many-label form, where softmax's shared normalisation trains better).
    pub loss: Option<Loss>,
    /// Hidden size of a low-rank model; `None` picks: linear up to `low_rank_above` classes.
    pub hidden: Option<usize>,
    /// Above this many classes in total, `hidden: None` trains a low-rank model of 64.
    pub low_rank_above: usize,
    /// Class weighting: each example counts `(n / (k · n_label))^power`; 0 turns it off,
    /// 1 is fully balanced.
    pub class_weight_power: f32,
    /// The precision the abstain threshold should reach on held-out data.
    pub target_precision: f32,
    /// The share of messages held out to fit calibration and thresholds.
    pub calibration_fraction: f32,
    /// After calibrating on the held-out part, train again on everything (calibration and
    /// thresholds are kept). Costs a second training run, gains the held-out data.
    pub refit_on_all: bool,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            seed: 42,
            epochs: 6,
            learning_rate: None,
            loss: None,
            hidden: None,
            low_rank_above: 256,
            class_weight_power: 0.5,
            target_precision: 0.95,
            calibration_fraction: 0.1,
            refit_on_all: false,
        }
    }
}

/// What happened in training, beyond the model.
#[derive(Debug, Clone, Default)]
pub struct TrainReport {
    /// Warnings (a label with one message, a head without labels, too few messages to
    /// calibrate). Never contain message text.
    pub warnings: Vec<String>,
    /// Messages used.
    pub messages: usize,
    /// Messages held out for calibration.
    pub heldout: usize,
}

/// A small, fast, seeded generator (SplitMix64): reproducible on every platform.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x853c_49e6_748f_ea9b)
    }
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    pub(crate) fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// An example with normalised values, ready for SGD.
struct Norm<'a> {
    ids: &'a [u32],
    x: Vec<f32>,
    labels: &'a [Option<u32>],
}

/// Trains a model for `heads` on `examples`.
pub fn train(
    examples: &[Example],
    heads: &[HeadSpec],
    features: &FeatureConfig,
    opts: &TrainOptions,
) -> Result<(Params, TrainReport)> {
    features.validate()?;
    if examples.is_empty() {
        return Err(Error::new(ErrorKind::Training, "the training set is empty"));
    }
    if heads.is_empty() {
        return Err(Error::new(ErrorKind::Training, "no heads to train"));
    }
    if !(0.0..1.0).contains(&opts.calibration_fraction)
        || opts.target_precision <= 0.0
        || opts.target_precision > 1.0
        || opts.target_precision.is_nan()
    {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "calibration_fraction must be in [0, 1) and target_precision in (0, 1]",
        ));
    }
    let mut report = TrainReport {
        messages: examples.len(),
        ..TrainReport::default()
    };
    let dim = features.dim();
    let sizes: Vec<usize> = heads.iter().map(|h| h.labels.len()).collect();
    let mut counts: Vec<Vec<u64>> = sizes.iter().map(|&n| vec![0; n]).collect();
    for (i, ex) in examples.iter().enumerate() {
        if ex.labels.len() != heads.len() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "example {i} has {} labels for {} heads",
                    ex.labels.len(),
                    heads.len()
                ),
            ));
        }
        if let Some(&bad) = ex.x.ids.iter().find(|&&id| id as usize >= dim) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("example {i} has feature id {bad} outside {dim} buckets"),
            ));
        }
        for (h, l) in ex.labels.iter().enumerate() {
            if let Some(l) = *l {
                let slot = counts[h].get_mut(l as usize).ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidInput,
                        format!(
                            "example {i}: label index {l} out of range for head {:?}",
                            heads[h].name
                        ),
                    )
                })?;
                *slot += 1;
            }
        }
    }
    for (h, c) in heads.iter().zip(&counts) {
        let total: u64 = c.iter().sum();
        if total == 0 {
            return Err(Error::new(
                ErrorKind::Training,
                format!("head {:?} has no labelled message", h.name),
            ));
        }
        for (label, n) in h.labels.iter().zip(c) {
            if *n == 0 {
                report.warnings.push(format!(
                    "head {:?}: label {label:?} has no message and will never be predicted",
                    h.name
                ));
            } else if *n == 1 {
                report.warnings.push(format!(
                    "head {:?}: label {label:?} has only one message",
                    h.name
                ));
            }
        }
        if h.labels.len() < 2 {
            report.warnings.push(format!(
                "head {:?} has a single label: it always predicts it",
                h.name
            ));
        }
    }

    // IDF over all messages (smoothed as in scikit-learn: ln((1+n)/(1+df)) + 1).
    let mut df = vec![0u32; dim];
    for ex in examples {
        for &id in &ex.x.ids {
            df[id as usize] += 1;
        }
    }
    let n = examples.len() as f32;
    let idf: Vec<f32> = df
        .iter()
        .map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
        .collect();
    drop(df);

    let mut norm_buf = Vec::new();
    let normed: Vec<Norm<'_>> = examples
        .iter()
        .map(|ex| {
            normalise(&ex.x.ids, &ex.x.vals, &idf, &mut norm_buf);
            Norm {
                ids: &ex.x.ids,
                x: norm_buf.clone(),
                labels: &ex.labels,
            }
        })
        .collect();

    let total_classes: usize = sizes.iter().sum();
    let hidden = match opts.hidden {
        Some(0) => None,
        Some(h) => Some(h),
        None if total_classes > opts.low_rank_above => Some(64),
        None => None,
    };

    // Class weights per head.
    let weights: Vec<Vec<f32>> = counts
        .iter()
        .map(|c| {
            let total: u64 = c.iter().sum();
            let k = c.iter().filter(|&&x| x > 0).count().max(1) as f32;
            c.iter()
                .map(|&x| {
                    if x == 0 {
                        0.0
                    } else {
                        (total as f32 / (k * x as f32))
                            .powf(opts.class_weight_power)
                            .clamp(0.1, 10.0)
                    }
                })
                .collect()
        })
        .collect();

    // Held-out split, stratified on the first labelled head of each message.
    let mut rng = Rng::new(opts.seed);
    let mut order: Vec<usize> = (0..normed.len()).collect();
    rng.shuffle(&mut order);
    let min_heldout = 20;
    let want = (normed.len() as f32 * opts.calibration_fraction).round() as usize;
    let (mut fit_idx, mut held_idx) = (Vec::new(), Vec::new());
    if want >= min_heldout {
        // Stratified: group by the first labelled head's label, walk the groups in a fixed
        // order and hold out every k-th message, but never a label's last training example.
        let mut groups: std::collections::BTreeMap<(usize, u32), Vec<usize>> = Default::default();
        for &i in &order {
            let key = normed[i]
                .labels
                .iter()
                .enumerate()
                .find_map(|(h, l)| l.map(|l| (h, l)))
                .unwrap_or((usize::MAX, 0));
            groups.entry(key).or_default().push(i);
        }
        let k = (1.0 / opts.calibration_fraction).round().max(2.0) as usize;
        let mut c = 0usize;
        for members in groups.values() {
            let mut left = members.len();
            for &i in members {
                c += 1;
                if c.is_multiple_of(k) && left > 1 {
                    held_idx.push(i);
                    left -= 1;
                } else {
                    fit_idx.push(i);
                }
            }
        }
    } else {
        fit_idx = order.clone();
        if opts.calibration_fraction > 0.0 {
            report.warnings.push(format!(
                "only {} messages: too few to hold out {min_heldout} for calibration; temperature 1 and a threshold of {} are used",
                normed.len(), opts.target_precision
            ));
        }
    }
    report.heldout = held_idx.len();

    let mut head_infos: Vec<HeadInfo> = heads
        .iter()
        .zip(&counts)
        .map(|(h, c)| HeadInfo {
            name: h.name.clone(),
            labels: h.labels.clone(),
            counts: c.clone(),
            temperature: 1.0,
            threshold: opts.target_precision,
            target_precision: opts.target_precision,
            heldout_precision: None,
            heldout_coverage: None,
        })
        .collect();

    let loss = opts.loss.unwrap_or(if hidden.is_some() {
        Loss::Softmax
    } else {
        Loss::SquaredHinge
    });
    let learning_rate = opts
        .learning_rate
        .unwrap_or(match (loss, hidden.is_some()) {
            (Loss::Softmax, true) => 0.5,
            (Loss::Softmax, false) => 5.0,
            (Loss::SquaredHinge, true) => 0.1,
            (Loss::SquaredHinge, false) => 0.5,
        });
    if !(learning_rate > 0.0 && learning_rate.is_finite()) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("learning rate {learning_rate} must be positive"),
        ));
    }
    let sgd = Sgd {
        sizes: &sizes,
        dim,
        hidden,
        weights: &weights,
        opts,
        learning_rate,
        loss,
    };
    let (mut layers, mut bias) = sgd.fit(&normed, &fit_idx, &mut rng.clone());

    if !held_idx.is_empty() {
        let offsets = offsets(&sizes);
        let mut logits = vec![0.0f32; total_classes];
        let mut per_head: Vec<Vec<(Vec<f32>, u32)>> = vec![Vec::new(); heads.len()];
        for &i in &held_idx {
            forward(
                &layers,
                &bias,
                total_classes,
                normed[i].ids,
                &normed[i].x,
                &mut logits,
            );
            for (h, l) in normed[i].labels.iter().enumerate() {
                if let Some(l) = *l {
                    let s = &logits[offsets[h]..offsets[h] + sizes[h]];
                    per_head[h].push((s.to_vec(), l));
                }
            }
        }
        for (h, rows) in per_head.iter().enumerate() {
            if rows.len() < 10 {
                report.warnings.push(format!(
                    "head {:?}: only {} held-out messages; not calibrated",
                    heads[h].name,
                    rows.len()
                ));
                continue;
            }
            let t = fit_temperature(rows);
            calibrate_head(&mut head_infos[h], rows, t, opts.target_precision);
        }
        if opts.refit_on_all {
            let all: Vec<usize> = order;
            let (l, b) = sgd.fit(&normed, &all, &mut rng);
            layers = l;
            bias = b;
        }
    }

    let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
    let ok = finite(&bias)
        && match &layers {
            Layers::Linear { w } => finite(w),
            Layers::LowRank { embed, out, .. } => finite(embed) && finite(out),
        };
    if !ok {
        return Err(Error::new(
            ErrorKind::Training,
            format!("training diverged (non-finite weights) at learning rate {learning_rate}: use a lower one"),
        ));
    }
    Ok((
        Params {
            features: features.clone(),
            heads: head_infos,
            idf,
            loss,
            layers,
            bias,
            prior: None,
        },
        report,
    ))
}

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
        calibrate_head(&mut params.heads[h], &combined, t, opts.target_precision);
        prior.set_scale(alpha);
        report.heldout = report.heldout.max(rows.len());
    }
    params.prior = Some(prior);
    Ok((params, report))
}

/// Sets a head's temperature `t` and the abstain threshold that reaches `target` precision
/// on held-out `(logits, label)` rows, with what it reached there.
fn calibrate_head(info: &mut HeadInfo, rows: &[(Vec<f32>, u32)], t: f32, target: f32) {
    let scored: Vec<Scored> = rows
        .iter()
        .map(|(lg, y)| {
            let (best, p) = top_prob(lg, t);
            Scored {
                confidence: p,
                correct: best == *y as usize,
            }
        })
        .collect();
    let th = threshold_for_precision(&scored, target);
    info.temperature = t;
    info.threshold = th.threshold;
    info.heldout_precision = th.precision;
    info.heldout_coverage = Some(th.coverage);
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

/// Start of each head in the concatenated class axis.
pub(crate) fn offsets(sizes: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(sizes.len());
    let mut at = 0;
    for &s in sizes {
        out.push(at);
        at += s;
    }
    out
}

/// The top class and its probability after temperature `t`.
pub(crate) fn top_prob(logits: &[f32], t: f32) -> (usize, f32) {
    let mut best = 0;
    for (i, &v) in logits.iter().enumerate() {
        if v > logits[best] {
            best = i;
        }
    }
    let m = logits[best] / t;
    let z: f32 = logits.iter().map(|&v| (v / t - m).exp()).sum();
    (best, 1.0 / z)
}

/// Logits for one normalised example.
pub(crate) fn forward(
    layers: &Layers,
    bias: &[f32],
    classes: usize,
    ids: &[u32],
    x: &[f32],
    out: &mut [f32],
) {
    out.copy_from_slice(bias);
    match layers {
        Layers::Linear { w } => {
            for (i, (&id, &xv)) in ids.iter().zip(x).enumerate() {
                prefetch_flat_row(w, classes, ids.get(i + AHEAD));
                let row = &w[id as usize * classes..(id as usize + 1) * classes];
                for (o, wv) in out.iter_mut().zip(row) {
                    *o += xv * wv;
                }
            }
        }
        Layers::LowRank {
            hidden,
            embed,
            out: w2,
        } => {
            let mut hv = vec![0.0f32; *hidden];
            embed_sum(embed, *hidden, ids, x, &mut hv);
            for (k, &hk) in hv.iter().enumerate() {
                let row = &w2[k * classes..(k + 1) * classes];
                for (o, wv) in out.iter_mut().zip(row) {
                    *o += hk * wv;
                }
            }
        }
    }
}

fn embed_sum(embed: &[f32], h: usize, ids: &[u32], x: &[f32], hv: &mut [f32]) {
    hv.iter_mut().for_each(|v| *v = 0.0);
    for (i, (&id, &xv)) in ids.iter().zip(x).enumerate() {
        prefetch_flat_row(embed, h, ids.get(i + AHEAD));
        let row = &embed[id as usize * h..(id as usize + 1) * h];
        for (o, e) in hv.iter_mut().zip(row) {
            *o += xv * e;
        }
    }
}

struct Sgd<'a> {
    sizes: &'a [usize],
    dim: usize,
    hidden: Option<usize>,
    weights: &'a [Vec<f32>],
    opts: &'a TrainOptions,
    learning_rate: f32,
    loss: Loss,
}

impl Sgd<'_> {
    fn fit(&self, data: &[Norm<'_>], idx: &[usize], rng: &mut Rng) -> (Layers, Vec<f32>) {
        let classes: usize = self.sizes.iter().sum();
        let offsets = offsets(self.sizes);
        let mut bias = vec![0.0f32; classes];
        let mut layers = match self.hidden {
            None => Layers::Linear {
                w: vec![0.0; self.dim * classes],
            },
            Some(h) => {
                let a = 1.0 / h as f32;
                let embed = (0..self.dim * h)
                    .map(|_| (rng.next_f32() * 2.0 - 1.0) * a)
                    .collect();
                Layers::LowRank {
                    hidden: h,
                    embed,
                    out: vec![0.0; h * classes],
                }
            }
        };
        let mut order = idx.to_vec();
        let mut logits = vec![0.0f32; classes];
        let mut grad = vec![0.0f32; classes];
        // The classes with a non-zero gradient: with the squared hinge most labels of most
        // messages are past their margin, and their weights are not touched.
        let mut moved: Vec<(usize, f32)> = Vec::with_capacity(classes);
        let mut hv = vec![0.0f32; self.hidden.unwrap_or(0)];
        let mut gh = vec![0.0f32; self.hidden.unwrap_or(0)];
        let total_steps = (self.opts.epochs as usize * order.len()).max(1) as f32;
        let mut step = 0usize;
        for _ in 0..self.opts.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let ex = &data[i];
                let lr = self.learning_rate * (1.0 - step as f32 / total_steps).max(1e-4);
                step += 1;
                // Forward.
                match &layers {
                    Layers::Linear { .. } => {
                        forward(&layers, &bias, classes, ex.ids, &ex.x, &mut logits)
                    }
                    Layers::LowRank { hidden, embed, out } => {
                        embed_sum(embed, *hidden, ex.ids, &ex.x, &mut hv);
                        logits.copy_from_slice(&bias);
                        for (k, &hk) in hv.iter().enumerate() {
                            for (o, wv) in
                                logits.iter_mut().zip(&out[k * classes..(k + 1) * classes])
                            {
                                *o += hk * wv;
                            }
                        }
                    }
                }
                // Softmax cross-entropy gradient per labelled head.
                grad.iter_mut().for_each(|g| *g = 0.0);
                let mut any = false;
                for (h, label) in ex.labels.iter().enumerate() {
                    let Some(y) = *label else { continue };
                    any = true;
                    let (o, n) = (offsets[h], self.sizes[h]);
                    let cw = self.weights[h][y as usize];
                    self.loss
                        .gradient(&logits[o..o + n], y as usize, cw * lr, &mut grad[o..o + n]);
                }
                moved.clear();
                moved.extend(
                    grad.iter()
                        .enumerate()
                        .filter(|(_, g)| **g != 0.0)
                        .map(|(c, g)| (c, *g)),
                );
                if !any || moved.is_empty() {
                    continue;
                }
                for (b, g) in bias.iter_mut().zip(&grad) {
                    *b -= g;
                }
                match &mut layers {
                    Layers::Linear { w } => {
                        for (i, (&id, &xv)) in ex.ids.iter().zip(&ex.x).enumerate() {
                            prefetch_flat_row(w, classes, ex.ids.get(i + AHEAD));
                            let row = &mut w[id as usize * classes..(id as usize + 1) * classes];
                            if moved.len() * 2 < classes {
                                for &(c, g) in &moved {
                                    row[c] -= xv * g;
                                }
                            } else {
                                for (wv, g) in row.iter_mut().zip(&grad) {
                                    *wv -= xv * g;
                                }
                            }
                        }
                    }
                    Layers::LowRank { hidden, embed, out } => {
                        let h = *hidden;
                        for k in 0..h {
                            let row = &mut out[k * classes..(k + 1) * classes];
                            let mut acc = 0.0f32;
                            for (wv, g) in row.iter_mut().zip(&grad) {
                                acc += *wv * g;
                                *wv -= hv[k] * g;
                            }
                            gh[k] = acc;
                        }
                        for (i, (&id, &xv)) in ex.ids.iter().zip(&ex.x).enumerate() {
                            prefetch_flat_row(embed, h, ex.ids.get(i + AHEAD));
                            let row = &mut embed[id as usize * h..(id as usize + 1) * h];
                            for (e, g) in row.iter_mut().zip(&gh) {
                                *e -= xv * g;
                            }
                        }
                    }
                }
            }
        }
        (layers, bias)
    }
}
