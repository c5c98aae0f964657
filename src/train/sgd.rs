//! Training: IDF, a softmax model per head by SGD, temperature calibration and abstain
//! thresholds on held-out data.
//!
//! Deterministic for a fixed seed: the only randomness is a seeded SplitMix64 that orders
//! the examples and initialises embeddings, and each SGD run is single-threaded
//! (featurisation runs on several threads, each on its own slice, merged in order; the
//! members of an ensemble, [`TrainOptions::ensemble`], train in waves with seeds of their
//! own and are averaged in their order).
//!
//! Part of `train`: uses `crate::model`; must not import `crate::eval`.

use crate::features::FeatureConfig;
use crate::features::SparseVec;
use crate::model::lanes::{prefetch_flat_row, AHEAD};
use crate::model::params::{normalise, HeadInfo, Layers, Loss, Params};
use crate::model::rng::Rng;
use crate::train::calibrate::{calibrate_head, fit_temperature};
use crate::{Error, ErrorKind, Result};

/// The bounds of a label's class weight ([`TrainOptions::class_weight_power`]).
///
/// The upper bound keeps a rare label's steps from overshooting: a step is the learning
/// rate times the weight. On the demo corpus (385 `G01` letters and 9–25 of each other
/// facet) balanced weights reach 9.8; at the linear model's rate of 1 with a bound of 10,
/// the facet head fell from 0.9787 to 0.9643 over seeds 42, 1 and 2 (G01 letters called
/// `Ø30` or `A53`), and with the bound of 5 it is 0.9833. A label needs fewer than a fifth of
/// the mean label's examples to reach the bound.
pub const MAX_CLASS_WEIGHT: f32 = 5.0;

/// The lower bound of a label's class weight: a label with ten times the mean label's
/// examples still learns.
pub const MIN_CLASS_WEIGHT: f32 = 0.1;

/// The most members [`TrainOptions::ensemble`] may ask for: each holds a weight table of
/// its own while it trains, and as many train at once as a wave has (see `waves`).
pub const MAX_ENSEMBLE: u32 = 16;

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
    /// whose two layers multiply each other's steps; squared hinge: 1.0 linear, 0.1
    /// low-rank).
    pub learning_rate: Option<f32>,
    /// The loss; `None` picks squared hinge for a linear model and softmax for a low-rank
    /// one (the many-label form, where softmax's shared normalisation trains better).
    pub loss: Option<Loss>,
    /// Hidden size of a low-rank model; `None` picks: linear up to `low_rank_above` classes.
    pub hidden: Option<usize>,
    /// Above this many classes in total, `hidden: None` trains a low-rank model of 64.
    pub low_rank_above: usize,
    /// Class weighting: each example counts `(n / (k · n_label))^power`, bounded to
    /// [`MIN_CLASS_WEIGHT`]..=[`MAX_CLASS_WEIGHT`]; 0 turns it off, 1 (the default) is fully
    /// balanced. New mail rarely has the training mix of labels:
    /// balanced weights keep a rare label's recall (spamassassin → spamassassin-later,
    /// with dropout: balanced accuracy 0.916 at 0.5, 0.939 at 1).
    pub class_weight_power: f32,
    /// The precision the abstain threshold should reach on held-out data.
    pub target_precision: f32,
    /// About the share of messages held out to fit calibration and thresholds: every
    /// `round(1 / fraction)`-th message of each label is held out, so 0.1 holds out 10 %,
    /// 0.3 holds out a third, and any share above 0.5 holds out half.
    pub calibration_fraction: f32,
    /// After calibrating on the held-out part, train again on everything (calibration and
    /// thresholds are kept). Costs a second training run, gains the held-out data: on by
    /// default since #16, because the peers learn from every message too (mean of three
    /// seeds: 20 Newsgroups 5-fold 0.9240 -> 0.9278, latest 20 % 0.8991 -> 0.9018, demo
    /// 5-fold kle 0.8428 -> 0.8588, spamassassin -> later unchanged at 0.9380; 20
    /// Newsgroups trains in about 4.3 s instead of 2.6 s).
    pub refit_on_all: bool,
    /// L2 penalty (weight decay per example step, times the learning rate) on the weights
    /// of a linear model; 0 turns it off. The bias is not penalised.
    pub l2: f32,
    /// Features (hash buckets) in fewer training messages than this get no weight (their
    /// IDF is 0, also at inference): one message's rare words and ids do not decide; 1
    /// keeps every feature.
    pub min_df: u32,
    /// Blankout: in each SGD step every feature of the example is dropped with this
    /// probability and the rest scaled by `1 / (1 - p)` (the expected input stays the
    /// same). No feature can carry a message alone, so the weight spreads over all the
    /// evidence, and a field that separated the labels in the training period cannot
    /// overrule the rest when it stops doing so. 0 turns it off; the default 0.5 raised
    /// accuracy on spamassassin → spamassassin-later from 0.903 to 0.939 (with balanced
    /// class weights) at 0.2 point less on 20 Newsgroups' 5 folds.
    pub dropout: f32,
    /// Naive-Bayes step scaling of a linear model (as NBSVM, Wang & Manning 2012): each
    /// feature's SGD steps for a label are scaled by `|r|^power`, where `r` is the feature's
    /// log-count ratio between messages with the label and the rest (Laplace-smoothed
    /// presence counts, normalised to a mean of 1 over the features seen). Features that
    /// tell the labels apart by how often they occur learn faster than the single feature
    /// that happened to separate the training period, so more of the evidence carries
    /// weight. The scale folds into the weights: the model file and graph are unchanged.
    /// 0 turns it off; the default 0.25 was chosen on the mean of three seeds over every
    /// split (see [`train`]); low-rank models ignore it.
    pub nb_power: f32,
    /// Learn a bias (intercept) per label in a linear model. Off by default since #16: the
    /// bias is the one feature every message has and blankout never drops, so it learns the
    /// training period's default answer, and in later mail, where the features the model
    /// knows are fewer, that default overrules the evidence that is left. Without it a
    /// message is decided by its features alone, as ComplementNB (which has no intercept)
    /// decides. Mean of seeds 42, 1 and 2 (`bash benches/peers/seeds.sh`, with and without
    /// `-- --intercept`): spamassassin → spamassassin-later 0.9380 → 0.9578, 20 Newsgroups'
    /// latest 20 % 0.9018 → 0.9003, 5-fold 0.9278 → 0.9282, demo corpus 5-fold unit / kle /
    /// facet 0.9514 / 0.8588 / 0.9582 → 0.9560 / 0.8648 / 0.9787. A low-rank model always
    /// learns one: with thousands of labels the label frequencies are worth keeping.
    pub intercept: bool,
    /// How many standard errors the held-out precision above the abstain threshold must
    /// clear `target_precision` by (the Wilson lower bound; 0: the bare held-out
    /// precision). The default is [`THRESHOLD_MARGIN_Z`](crate::train::calibrate::THRESHOLD_MARGIN_Z).
    pub threshold_margin: f32,
    /// How many linear models are trained, each with an example order and blankout of its
    /// own (the first with `seed`, so it is the model a single run makes), and averaged
    /// into the one model: a linear model's average is a linear model, so the file, its
    /// graph and the time per decision are those of one. 0 or 1 trains one; a low-rank
    /// model always trains one. Members train in waves of one to two per core, each with its
    /// own weight table while it trains (a 20-label model of 2^18 buckets: 21 MB a member).
    ///
    /// One run of SGD with blankout is one draw: on 20 Newsgroups' latest posts the
    /// accuracy of seeds 42, 1 and 2 spans 0.9006–0.9064. The average of two draws is
    /// nearer the model all draws agree on. Against one model, the default of two (mean
    /// of seeds 42, 1 and 2, `bash benches/peers/seeds.sh [-- --ensemble 1]`): spamassassin →
    /// spamassassin-later 0.9750 → 0.9747, 20 Newsgroups latest 20 % 0.9044 → 0.9096
    /// (coverage at 95 % precision 0.918 → 0.924), 5-fold 0.9338 → 0.9358, demo corpus
    /// 5-fold unit / kle / facet 0.9636 / 0.8846 / 0.9803 → 0.9620 / 0.8884 / 0.9841; over
    /// seeds 3, 4 and 5, 0.9723 → 0.9728, 0.9083 → 0.9095, 0.9330 → 0.9355 and 0.9537 /
    /// 0.8702 / 0.9787 → 0.9529 / 0.8762 / 0.9833. Three members gained a little more
    /// (0.9740, 0.9103, 0.9367, 0.9620 / 0.8899 / 0.9879) and took 4.2 s instead of 3.1 s
    /// to train on 20 Newsgroups on two cores. At most [`MAX_ENSEMBLE`].
    pub ensemble: u32,
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
            class_weight_power: 1.0,
            target_precision: 0.95,
            calibration_fraction: 0.1,
            refit_on_all: true,
            l2: 0.0,
            min_df: 1,
            dropout: 0.5,
            nb_power: 0.25,
            intercept: false,
            threshold_margin: crate::train::calibrate::THRESHOLD_MARGIN_Z,
            ensemble: 2,
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
        .map(|&d| {
            if d > 0 && d < opts.min_df {
                0.0
            } else {
                ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0
            }
        })
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

    let weights: Vec<Vec<f32>> = counts
        .iter()
        .map(|c| class_weights(c, opts.class_weight_power))
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
            (Loss::SquaredHinge, false) => 1.0,
        });
    if !(0.0..0.95).contains(&opts.dropout) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("dropout {} must be in [0, 0.95)", opts.dropout),
        ));
    }
    if !(opts.nb_power >= 0.0 && opts.nb_power <= 4.0) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("nb_power {} must be in [0, 4]", opts.nb_power),
        ));
    }
    if opts.ensemble > MAX_ENSEMBLE {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("ensemble {} must be at most {MAX_ENSEMBLE}", opts.ensemble),
        ));
    }
    if !(opts.l2 >= 0.0 && opts.l2.is_finite()) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("l2 {} must be a finite number >= 0", opts.l2),
        ));
    }
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
    let (mut layers, mut bias) = sgd.fit_averaged(&normed, &fit_idx, &mut rng.clone());

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
            calibrate_head(
                &mut head_infos[h],
                rows,
                t,
                opts.target_precision,
                opts.threshold_margin,
            );
        }
        if opts.refit_on_all {
            let all: Vec<usize> = order;
            // The first fit's table is not needed any more: freed before the members of
            // the refit each make their own.
            drop(std::mem::replace(
                &mut layers,
                Layers::Linear { w: Vec::new() },
            ));
            let (l, b) = sgd.fit_averaged(&normed, &all, &mut rng);
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

/// A head's class weights from its label counts: `(n / (k · n_label))^power` for the `k`
/// labels that occur, bounded to [`MIN_CLASS_WEIGHT`]..=[`MAX_CLASS_WEIGHT`]; 0 for a label
/// without examples.
fn class_weights(counts: &[u64], power: f32) -> Vec<f32> {
    let total: u64 = counts.iter().sum();
    let k = counts.iter().filter(|&&x| x > 0).count().max(1) as f32;
    counts
        .iter()
        .map(|&x| {
            if x == 0 {
                0.0
            } else {
                (total as f32 / (k * x as f32))
                    .powf(power)
                    .clamp(MIN_CLASS_WEIGHT, MAX_CLASS_WEIGHT)
            }
        })
        .collect()
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
    /// [`Sgd::fit`], or for a linear model with [`TrainOptions::ensemble`] above 1 the
    /// average of that many fits: the first with `rng` and the options' seed (so it is the
    /// model one fit makes), the others with seeds of their own, in waves sized to the
    /// machine's cores ([`std::thread::available_parallelism`], see
    /// [`Sgd::fit_averaged_on`]).
    fn fit_averaged(&self, data: &[Norm<'_>], idx: &[usize], rng: &mut Rng) -> (Layers, Vec<f32>) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.fit_averaged_on(data, idx, rng, cores)
    }

    /// [`Sgd::fit_averaged`] on `workers` cores.
    ///
    /// Each member holds a weight table of its own while it trains (a 20-label model of
    /// 2^18 buckets: 21 MB; 256 labels: 268 MB), so the members train in waves rather than
    /// all at once: [`waves`] makes `members / workers` waves (at least one), as even as
    /// can be, so each has `workers` to `2 · workers - 1` members. The first of a wave
    /// trains on the calling thread, the others on threads of their own. A wave of `s`
    /// members on `workers` cores takes `s / workers` member times, so the waves together
    /// take `members / workers`, as all at once would, while at most `2 · workers - 1`
    /// tables (besides the sum and the shared step scales) are held at once, not
    /// `members`. Each wave is added to the sum in the members' order before the next
    /// starts, so the average is the same, bit for bit, for every `workers`.
    fn fit_averaged_on(
        &self,
        data: &[Norm<'_>],
        idx: &[usize],
        rng: &mut Rng,
        workers: usize,
    ) -> (Layers, Vec<f32>) {
        let members = if self.hidden.is_none() {
            self.opts.ensemble.max(1) as u64
        } else {
            1
        };
        // The same for every member: computed once and shared.
        let step_scale = match self.hidden {
            None if self.opts.nb_power > 0.0 => {
                nb_step_scale(data, idx, self.sizes, self.dim, self.opts.nb_power)
            }
            _ => Vec::new(),
        };
        let step_scale = &step_scale[..];
        if members == 1 {
            return self.fit(data, idx, rng, self.opts.seed, step_scale);
        }
        // Each member after the first: its own order and blankout, from a seed of its own.
        let member = |j: u64| {
            let seed = member_seed(self.opts.seed, j);
            self.fit(data, idx, &mut Rng::new(seed), seed, step_scale)
        };
        // Members `start..end`: `here` (member `start`) on this thread, the others on
        // threads of their own; a member whose thread cannot be made trains here, in turn.
        let wave = |start: u64, end: u64, here: &mut dyn FnMut() -> (Layers, Vec<f32>)| {
            std::thread::scope(|scope| {
                let spawned: Vec<(u64, Option<_>)> = (start + 1..end)
                    .map(|j| {
                        let thread = std::thread::Builder::new()
                            .spawn_scoped(scope, move || member(j))
                            .ok();
                        (j, thread)
                    })
                    .collect();
                let first = here();
                let others: Vec<(Layers, Vec<f32>)> = spawned
                    .into_iter()
                    .map(|(j, thread)| match thread {
                        Some(t) => t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                        None => member(j),
                    })
                    .collect();
                (first, others)
            })
        };
        let mut ends = waves(members, workers as u64).into_iter();
        let mut start = ends.next().unwrap_or(members);
        let ((mut layers, mut bias), mut others) = wave(0, start, &mut || {
            self.fit(data, idx, rng, self.opts.seed, step_scale)
        });
        loop {
            // Summed in the members' order, so the average is the same on every machine.
            for (l, b) in others {
                debug_assert!(matches!(l, Layers::Linear { .. }), "members are linear");
                if let (Layers::Linear { w }, Layers::Linear { w: v }) = (&mut layers, &l) {
                    for (x, y) in w.iter_mut().zip(v) {
                        *x += y;
                    }
                }
                for (x, y) in bias.iter_mut().zip(&b) {
                    *x += y;
                }
            }
            let Some(end) = ends.next() else {
                break;
            };
            let (first, rest) = wave(start, end, &mut || member(start));
            others = std::iter::once(first).chain(rest).collect();
            start = end;
        }
        let scale = 1.0 / members as f32;
        if let Layers::Linear { w } = &mut layers {
            w.iter_mut().for_each(|x| *x *= scale);
        }
        bias.iter_mut().for_each(|x| *x *= scale);
        (layers, bias)
    }

    fn fit(
        &self,
        data: &[Norm<'_>],
        idx: &[usize],
        rng: &mut Rng,
        blank_seed: u64,
        step_scale: &[f32],
    ) -> (Layers, Vec<f32>) {
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
        let mut decay = Decay {
            l2: if self.hidden.is_none() {
                self.opts.l2
            } else {
                0.0
            },
            scale: 1.0,
        };
        let mut blank = Blankout::new(self.opts.dropout, blank_seed);
        let learn_bias = self.hidden.is_some() || self.opts.intercept;
        for _ in 0..self.opts.epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let ex = &data[i];
                let (ids, xs) = blank.apply(ex.ids, &ex.x);
                let lr = self.learning_rate * (1.0 - step as f32 / total_steps).max(1e-4);
                step += 1;
                decay.step(lr, &mut layers);
                // Forward.
                match &layers {
                    Layers::Linear { .. } => {
                        forward(&layers, &bias, classes, ids, xs, &mut logits);
                        decay.apply_to_logits(&bias, &mut logits);
                    }
                    Layers::LowRank { hidden, embed, out } => {
                        embed_sum(embed, *hidden, ids, xs, &mut hv);
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
                if learn_bias {
                    for (b, g) in bias.iter_mut().zip(&grad) {
                        *b -= g;
                    }
                }
                match &mut layers {
                    Layers::Linear { w } => {
                        // Stored weights are the true ones divided by the decay's scale.
                        let inv = 1.0 / decay.scale;
                        for (i, (&id, &xv)) in ids.iter().zip(xs).enumerate() {
                            let xv = xv * inv;
                            prefetch_flat_row(w, classes, ids.get(i + AHEAD));
                            let at = id as usize * classes..(id as usize + 1) * classes;
                            let row = &mut w[at.clone()];
                            if !step_scale.is_empty() {
                                prefetch_flat_row(step_scale, classes, ids.get(i + AHEAD));
                                let scale = &step_scale[at];
                                for &(c, g) in &moved {
                                    row[c] -= xv * g * scale[c];
                                }
                            } else if moved.len() * 2 < classes {
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
                        for (i, (&id, &xv)) in ids.iter().zip(xs).enumerate() {
                            prefetch_flat_row(embed, h, ids.get(i + AHEAD));
                            let row = &mut embed[id as usize * h..(id as usize + 1) * h];
                            for (e, g) in row.iter_mut().zip(&gh) {
                                *e -= xv * g;
                            }
                        }
                    }
                }
            }
        }
        decay.fold(&mut layers);
        (layers, bias)
    }
}

/// Where each wave of [`Sgd::fit_averaged_on`] ends: `members / workers` waves (at least
/// one) of consecutive members, the first ones a member larger when they do not divide
/// evenly, so every wave but a lone one has `workers` to `2 · workers - 1` members.
fn waves(members: u64, workers: u64) -> Vec<u64> {
    let workers = workers.max(1);
    let n = (members / workers).max(1);
    let (size, extra) = (members / n, members % n);
    let mut end = 0;
    (0..n)
        .map(|w| {
            end += size + u64::from(w < extra);
            end
        })
        .collect()
}

/// The seed of member `j` (from 1) of an ensemble ([`TrainOptions::ensemble`]).
fn member_seed(seed: u64, j: u64) -> u64 {
    seed ^ j.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The naive-Bayes step scale per feature and label (`[dim × classes]`, the layout of the
/// weights): `|ln(p / q)|^power`, with `p` the share of the label's feature occurrences
/// that are this feature and `q` the same over the head's other labels (presence counts
/// over the examples `idx`, Laplace-smoothed), scaled per label to a mean of 1 over the
/// features that occur, so that `power` changes which features learn faster, not the
/// overall learning rate. Built in place in one table of the weights' size.
fn nb_step_scale(
    data: &[Norm<'_>],
    idx: &[usize],
    sizes: &[usize],
    dim: usize,
    power: f32,
) -> Vec<f32> {
    const ALPHA: f64 = 1.0;
    let classes: usize = sizes.iter().sum();
    let offsets = offsets(sizes);
    let mut table = vec![0.0f32; dim * classes];
    for &i in idx {
        let ex = &data[i];
        for (h, l) in ex.labels.iter().enumerate() {
            let Some(y) = *l else { continue };
            let c = offsets[h] + y as usize;
            for &id in ex.ids {
                table[id as usize * classes + c] += 1.0;
            }
        }
    }
    // Row by row (a feature's labels are contiguous), so each pass streams the table once.
    for (&o, &n) in offsets.iter().zip(sizes) {
        let head = |f: usize| f * classes + o..f * classes + o + n;
        let mut in_label = vec![0.0f64; n];
        for f in 0..dim {
            for (t, &v) in in_label.iter_mut().zip(&table[head(f)]) {
                *t += v as f64;
            }
        }
        let total: f64 = in_label.iter().sum();
        let smooth = ALPHA * dim as f64;
        let mut sum = vec![0.0f64; n];
        let mut seen = 0usize;
        for f in 0..dim {
            let row = &mut table[head(f)];
            let all: f64 = row.iter().map(|&v| v as f64).sum();
            for ((v, &mine), s) in row.iter_mut().zip(&in_label).zip(sum.iter_mut()) {
                let here = *v as f64;
                let p = (ALPHA + here) / (mine + smooth);
                let q = (ALPHA + all - here) / (total - mine + smooth);
                let scale = (p / q).ln().abs().powf(power as f64);
                *v = scale as f32;
                if all > 0.0 {
                    *s += scale;
                }
            }
            seen += usize::from(all > 0.0);
        }
        let inv: Vec<f32> = sum
            .iter()
            .map(|&s| {
                if s > 0.0 {
                    (seen as f64 / s) as f32
                } else {
                    1.0
                }
            })
            .collect();
        for f in 0..dim {
            for (v, &k) in table[head(f)].iter_mut().zip(&inv) {
                *v *= k;
            }
        }
    }
    table
}

/// L2 weight decay of a linear model in O(1) per step: the true weights are `scale` times
/// the stored ones, decay shrinks `scale`, and updates are divided by it. The scale is
/// folded into the weights when it gets small and at the end.
struct Decay {
    l2: f32,
    scale: f32,
}

impl Decay {
    /// One step's shrinking at learning rate `lr`.
    fn step(&mut self, lr: f32, layers: &mut Layers) {
        if self.l2 > 0.0 {
            self.scale *= (1.0 - lr * self.l2).max(0.5);
            if self.scale < 1e-3 {
                self.fold(layers);
            }
        }
    }

    /// `logits` (bias + stored weights · x) as bias + true weights · x.
    fn apply_to_logits(&self, bias: &[f32], logits: &mut [f32]) {
        if self.scale != 1.0 {
            for (o, b) in logits.iter_mut().zip(bias) {
                *o = b + (*o - b) * self.scale;
            }
        }
    }

    /// Multiplies the stored weights by the scale and resets it to 1.
    fn fold(&mut self, layers: &mut Layers) {
        if self.scale != 1.0 {
            if let Layers::Linear { w } = layers {
                w.iter_mut().for_each(|v| *v *= self.scale);
            }
            self.scale = 1.0;
        }
    }
}

/// Blankout noise for SGD: each step sees the example with a random share of its features
/// dropped and the rest scaled up to keep the expected input.
struct Blankout {
    p: f32,
    keep_scale: f32,
    rng: Rng,
    ids: Vec<u32>,
    x: Vec<f32>,
}

impl Blankout {
    fn new(p: f32, seed: u64) -> Blankout {
        Blankout {
            p,
            keep_scale: 1.0 / (1.0 - p),
            // Its own stream: the example order is the same with and without blankout.
            rng: Rng::new(seed ^ 0x626c_616e_6b6f_7574),
            ids: Vec::new(),
            x: Vec::new(),
        }
    }

    /// The example as this step sees it.
    fn apply<'a>(&'a mut self, ids: &'a [u32], x: &'a [f32]) -> (&'a [u32], &'a [f32]) {
        if self.p <= 0.0 {
            return (ids, x);
        }
        self.ids.clear();
        self.x.clear();
        for (&id, &v) in ids.iter().zip(x) {
            if self.rng.next_f32() >= self.p {
                self.ids.push(id);
                self.x.push(v * self.keep_scale);
            }
        }
        (&self.ids, &self.x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten messages of label 0 for each of label 1, each with its own feature and one
    /// shared by all (feature 0): what a bias would learn, feature 0's weight must carry.
    fn skewed_examples() -> Vec<Example> {
        (0..44u32)
            .map(|i| Example {
                x: SparseVec {
                    ids: vec![0, 10 + i],
                    vals: vec![1.0, 1.0],
                },
                labels: vec![Some(u32::from(i % 11 == 0))],
            })
            .collect()
    }

    #[test]
    fn class_weights_balance_the_labels_within_their_bounds() {
        // Balanced labels weigh 1; no examples, 0.
        assert_eq!(class_weights(&[5, 5, 0], 1.0), [1.0, 1.0, 0.0]);
        // A two-label head shaped like the demo corpus's facets: 385 `G01` letters beside 9
        // of another facet. The rare one would weigh 394 / (2 · 9) ≈ 21.9: bounded to 5; the
        // common one weighs 0.51.
        let w = class_weights(&[385, 9], 1.0);
        assert_eq!(w[1], MAX_CLASS_WEIGHT);
        assert!((w[0] - 394.0 / 770.0).abs() < 1e-6, "{w:?}");
        // A label with far more than its share is bounded below: 10,019 / (20 · 10,000).
        let mut counts = vec![1u64; 20];
        counts[0] = 10_000;
        assert_eq!(class_weights(&counts, 1.0)[0], MIN_CLASS_WEIGHT);
        // Power 0 weighs every message alike, and a half power takes the square root.
        assert_eq!(class_weights(&[385, 9], 0.0), [1.0, 1.0]);
        let half = class_weights(&[300, 100], 0.5);
        assert!((half[1] - 2f32.sqrt()).abs() < 1e-6, "{half:?}");
    }

    /// One head `label` with these two labels, and features of 2^8 buckets.
    fn two_labels_small_table(labels: [&str; 2]) -> ([HeadSpec; 1], FeatureConfig) {
        let heads = [HeadSpec {
            name: "label".into(),
            labels: labels.map(String::from).to_vec(),
        }];
        let features = FeatureConfig {
            hash_bits: 8,
            ..FeatureConfig::default()
        };
        (heads, features)
    }

    /// The largest weight of a linear model, in absolute value.
    fn largest_weight(model: &Params) -> f32 {
        match &model.layers {
            Layers::Linear { w } => w.iter().fold(0.0f32, |m, v| m.max(v.abs())),
            Layers::LowRank { .. } => panic!("a linear model was asked for"),
        }
    }

    #[test]
    fn messages_filed_under_two_labels_do_not_make_the_weights_diverge() {
        // OS2KLE files some keywords under emner of two hovedgrupper: the same short text
        // with two labels. Here one feature in thirty messages of label 0 and ten of label
        // 1, beside sixty other messages of label 0, so label 1 weighs about 5 (the
        // bound). A step on that feature alone moves its score by up to 5 · 4 = 20 times
        // the slack (blankout doubles the value it keeps), and the next message with the
        // other label pushes it back: with a gradient that grows with the slack, the
        // weights grew to about 200 (into the thousands on OS2KLE) and its probabilities
        // became 0 and 1.
        let one_feature = |id: u32, label: u32| Example {
            x: SparseVec {
                ids: vec![id],
                vals: vec![1.0],
            },
            labels: vec![Some(label)],
        };
        let mut examples: Vec<Example> = (0..60).map(|i| one_feature(100 + i, 0)).collect();
        for i in 0..30 {
            examples.push(one_feature(3, 0));
            if i % 3 == 0 {
                examples.push(one_feature(3, 1));
            }
        }
        let (heads, features) = two_labels_small_table(["a", "b"]);
        let (model, _) = train(&examples, &heads, &features, &TrainOptions::default()).unwrap();
        let largest = largest_weight(&model);
        assert!(largest < 10.0, "largest weight {largest}");
    }

    #[test]
    fn a_linear_model_learns_a_bias_only_when_asked() {
        let (heads, features) = two_labels_small_table(["common", "rare"]);
        let train_with = |intercept: bool, hidden: Option<usize>| {
            let opts = TrainOptions {
                intercept,
                hidden,
                ..TrainOptions::default()
            };
            train(&skewed_examples(), &heads, &features, &opts)
                .unwrap()
                .0
        };
        let without = train_with(false, None);
        assert!(without.bias.iter().all(|&b| b == 0.0), "{:?}", without.bias);
        // A message of features the model never saw is decided by nothing: a tie.
        let mut logits = vec![0.0; 2];
        forward(&without.layers, &without.bias, 2, &[5], &[1.0], &mut logits);
        assert_eq!(logits, [0.0, 0.0]);
        let with = train_with(true, None);
        assert!(with.bias.iter().any(|&b| b != 0.0), "{:?}", with.bias);
        // A low-rank model keeps its biases whatever `intercept` says.
        let low_rank = train_with(false, Some(4));
        assert!(
            low_rank.bias.iter().any(|&b| b != 0.0),
            "{:?}",
            low_rank.bias
        );
    }

    #[test]
    fn waves_cover_the_members_in_order_with_workers_to_twice_as_many_each() {
        assert_eq!(waves(2, 2), [2]);
        assert_eq!(waves(3, 2), [3]);
        assert_eq!(waves(5, 2), [3, 5]);
        assert_eq!(waves(8, 2), [2, 4, 6, 8]);
        assert_eq!(waves(16, 2), [2, 4, 6, 8, 10, 12, 14, 16]);
        assert_eq!(waves(5, 8), [5]);
        assert_eq!(waves(4, 0), [1, 2, 3, 4]);
        for members in 1..=16 {
            for workers in 1..=9 {
                let ends = waves(members, workers);
                assert_eq!(ends.last(), Some(&members));
                let mut start = 0;
                for &end in &ends {
                    let size = end - start;
                    assert!(
                        size >= 1 && size < 2 * workers,
                        "{members} on {workers}: {ends:?}"
                    );
                    assert!(ends.len() == 1 || size >= workers, "{members} on {workers}");
                    start = end;
                }
            }
        }
    }

    #[test]
    fn an_ensemble_is_the_average_of_its_members() {
        let examples = skewed_examples();
        let data: Vec<Norm<'_>> = examples
            .iter()
            .map(|ex| Norm {
                ids: &ex.x.ids,
                x: vec![0.7; 2],
                labels: &ex.labels,
            })
            .collect();
        let idx: Vec<usize> = (0..data.len()).collect();
        let sizes = [2];
        let weights = vec![class_weights(&[40, 4], 1.0)];
        let opts = TrainOptions {
            ensemble: 3,
            ..TrainOptions::default()
        };
        let sgd = Sgd {
            sizes: &sizes,
            dim: 64,
            hidden: None,
            weights: &weights,
            opts: &opts,
            learning_rate: 1.0,
            loss: Loss::SquaredHinge,
        };
        let linear = |l: Layers| match l {
            Layers::Linear { w } => w,
            Layers::LowRank { .. } => panic!("a linear model"),
        };
        let averaged = linear(sgd.fit_averaged(&data, &idx, &mut Rng::new(7)).0);
        let scale = nb_step_scale(&data, &idx, &sizes, 64, opts.nb_power);
        let first = linear(sgd.fit(&data, &idx, &mut Rng::new(7), opts.seed, &scale).0);
        let members: Vec<Vec<f32>> = (1..3)
            .map(|j| {
                let seed = member_seed(opts.seed, j);
                linear(sgd.fit(&data, &idx, &mut Rng::new(seed), seed, &scale).0)
            })
            .collect();
        // The members differ, so the average is not any one of them.
        assert_ne!(first, members[0]);
        assert_ne!(members[0], members[1]);
        let expected: Vec<f32> = (0..first.len())
            .map(|i| (first[i] + members[0][i] + members[1][i]) * (1.0 / 3.0))
            .collect();
        assert_eq!(averaged, expected);
        // One member is the model a single fit makes.
        let single = TrainOptions {
            ensemble: 1,
            ..TrainOptions::default()
        };
        let one = Sgd {
            opts: &single,
            ..sgd
        };
        assert_eq!(
            linear(one.fit_averaged(&data, &idx, &mut Rng::new(7)).0),
            first
        );
        assert_ne!(member_seed(opts.seed, 1), opts.seed);
        // The same every time, whichever member finishes first.
        assert_eq!(
            linear(sgd.fit_averaged(&data, &idx, &mut Rng::new(7)).0),
            averaged
        );
        // Biases are averaged too.
        let with_bias = TrainOptions {
            intercept: true,
            ..opts.clone()
        };
        let biased = Sgd {
            opts: &with_bias,
            ..sgd
        };
        let bias_of = |seed: u64, rng_seed: u64| {
            biased
                .fit(&data, &idx, &mut Rng::new(rng_seed), seed, &scale)
                .1
        };
        let seeds = [member_seed(opts.seed, 1), member_seed(opts.seed, 2)];
        let b0 = bias_of(opts.seed, 7);
        let b1 = bias_of(seeds[0], seeds[0]);
        let b2 = bias_of(seeds[1], seeds[1]);
        assert!(b0.iter().any(|&b| b != 0.0), "{b0:?}");
        let expected_bias: Vec<f32> = (0..b0.len())
            .map(|i| (b0[i] + b1[i] + b2[i]) * (1.0 / 3.0))
            .collect();
        assert_eq!(
            biased.fit_averaged(&data, &idx, &mut Rng::new(7)).1,
            expected_bias
        );
        // Five members with biases, trained on one, two, three and eight cores: waves of
        // one each; of three and two; one of five. The same sums, added in the members'
        // order (0 to 4, explicitly) however the waves fall.
        let five_opts = TrainOptions {
            ensemble: 5,
            ..with_bias.clone()
        };
        let five = Sgd {
            opts: &five_opts,
            ..sgd
        };
        let fits: Vec<(Vec<f32>, Vec<f32>)> = (0..5)
            .map(|j| {
                let (seed, rng_seed) = match j {
                    0 => (opts.seed, 7),
                    j => (member_seed(opts.seed, j), member_seed(opts.seed, j)),
                };
                let (l, b) = five.fit(&data, &idx, &mut Rng::new(rng_seed), seed, &scale);
                (linear(l), b)
            })
            .collect();
        let mut sum = fits[0].clone();
        for (w, b) in &fits[1..] {
            sum.0.iter_mut().zip(w).for_each(|(x, y)| *x += y);
            sum.1.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        sum.0.iter_mut().for_each(|x| *x *= 1.0 / 5.0);
        sum.1.iter_mut().for_each(|x| *x *= 1.0 / 5.0);
        for workers in [1, 2, 3, 8] {
            let (l, b) = five.fit_averaged_on(&data, &idx, &mut Rng::new(7), workers);
            assert_eq!((linear(l), b), sum, "{workers} at a time");
        }
        // A low-rank model trains one, whatever `ensemble` says.
        let low_rank = Sgd {
            hidden: Some(4),
            ..sgd
        };
        let embed = |l: Layers| match l {
            Layers::LowRank { embed, .. } => embed,
            Layers::Linear { .. } => panic!("a low-rank model"),
        };
        assert_eq!(
            embed(low_rank.fit_averaged(&data, &idx, &mut Rng::new(7)).0),
            embed(
                low_rank
                    .fit(&data, &idx, &mut Rng::new(7), opts.seed, &[])
                    .0
            )
        );
        // Too many members is an error, not a machine out of memory.
        let heads = [HeadSpec {
            name: "label".into(),
            labels: vec!["common".into(), "rare".into()],
        }];
        let too_many = TrainOptions {
            ensemble: MAX_ENSEMBLE + 1,
            ..TrainOptions::default()
        };
        let err = train(&examples, &heads, &FeatureConfig::default(), &too_many)
            .err()
            .map(|e| e.kind());
        assert_eq!(err, Some(ErrorKind::InvalidInput));
    }

    #[test]
    fn nb_step_scale_favours_features_that_tell_labels_apart() {
        // One head, two labels: feature 0 only with label 0, feature 1 with both alike,
        // feature 2 only with label 1, feature 3 never.
        let (a, b) = ([0u32, 1], [1u32, 2]);
        let (la, lb) = ([Some(0u32)], [Some(1u32)]);
        let data: Vec<Norm<'_>> = (0..20)
            .map(|i| {
                let (ids, labels) = if i % 2 == 0 { (&a, &la) } else { (&b, &lb) };
                Norm {
                    ids,
                    x: vec![0.7; 2],
                    labels,
                }
            })
            .collect();
        let idx: Vec<usize> = (0..data.len()).collect();
        let s = nb_step_scale(&data, &idx, &[2], 4, 1.0);
        let at = |f: usize, c: usize| s[f * 2 + c];
        assert!(at(1, 0).abs() < 1e-6 && at(1, 1).abs() < 1e-6, "{s:?}");
        assert!(at(0, 0) > 1.0 && at(2, 1) > 1.0, "{s:?}");
        for c in 0..2 {
            let mean = (at(0, c) + at(1, c) + at(2, c)) / 3.0;
            assert!((mean - 1.0).abs() < 1e-5, "label {c}: mean {mean}");
        }
        // Power 0 scales every feature alike: plain SGD.
        let flat = nb_step_scale(&data, &idx, &[2], 4, 0.0);
        assert!(flat.iter().all(|&v| (v - 1.0).abs() < 1e-6), "{flat:?}");
    }
}
