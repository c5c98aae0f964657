//! Learning from corrections: one online step per confirmed message, while other threads
//! keep classifying with the same [`Classifier`](crate::Classifier).
//!
//! # Why this shape
//!
//! A clerk's correction must count at once, not after a nightly batch, and the model is
//! shared by every thread of a server. So the learned weights live in a [`Live`] copy of
//! the model, stored as atomics and guarded by a sequence lock:
//!
//! - a writer (one at a time, serialised by a mutex) makes the sequence odd, updates the
//!   rows the correction touches, and makes it even again;
//! - a reader reads the sequence, reads the weights it needs, and reads the sequence
//!   again; if a writer ran in between it throws the result away and reads again.
//!
//! Readers never wait for a lock and never act on a half-updated model. A correction that
//! brings a new label (a unit that did not exist at training time, a new KLE emne) changes
//! the shape of the weights, so the writer builds a grown copy and swaps it in atomically
//! ([`arc_swap`]); readers that still hold the old copy finish on it.
//!
//! Scoring a live model is the graph's own arithmetic (IDF, L2 norm, weights, temperature,
//! softmax) in Rust: tests check it against tract running the exported file to 1e-5. The
//! updated model is exported as a new ONNX file with [`Classifier::to_model`] and then
//! runs through tract like any trained model.
//!
//! The classifier only ever learns from labels a caller gives it: it never feeds its own
//! suggestions back.
//!
//! [`Classifier::to_model`]: crate::Classifier::to_model

use std::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use crate::features::{FeatureConfig, SparseVec};
use crate::kle::KleCode;
use crate::model::eval::{train_prepared, Prepared};
use crate::model::params::{normalise, HeadInfo, Layers, Loss, Params};
use crate::model::train::{Example, HeadSpec, Rng, TrainOptions, TrainReport};
use crate::model::{Classifier, Model};
use crate::{Error, ErrorKind, Result};

/// How corrections are learned.
#[derive(Debug, Clone)]
pub struct LearnOptions {
    /// SGD step size for a correction, on unit-norm features; `None` picks by the model's
    /// loss: 1.0 for softmax (whose training rate starts at 5.0 and decays to 0), 0.3 for
    /// the squared hinge (training starts at 0.5), the best of those tried on the learning
    /// curve (`examples/learning_curve.rs`).
    pub learning_rate: Option<f32>,
    /// Step size of the biases, as a share of `learning_rate`. Small: one message says
    /// little about how common a label is, and a full step on the biases moves every
    /// other message's decision towards the corrected label.
    pub bias_share: f32,
    /// After each correction, also step again on this many earlier corrections drawn at
    /// random: keeps one correction from pulling the model too far and lets a new label
    /// settle. 0 turns it off.
    pub replay: usize,
    /// Corrections kept for replay and for [`retrain`](crate::model::learn::retrain); the
    /// oldest are dropped beyond this (each costs about 8 bytes per feature).
    pub max_kept: usize,
}

impl Default for LearnOptions {
    fn default() -> LearnOptions {
        LearnOptions {
            learning_rate: None,
            bias_share: 0.01,
            replay: 8,
            max_kept: 100_000,
        }
    }
}

/// What one correction did.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnReport {
    /// `(head, label)` pairs the model did not know before this correction.
    pub new_labels: Vec<(String, String)>,
    /// Corrections learned by this classifier so far, this one included.
    pub corrections: u64,
}

/// A confirmed message kept for replay and retraining: its raw features and labels.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub x: SparseVec,
    /// Label index per head of the live model (labels are only ever appended, so indices
    /// stay valid as the model grows).
    pub labels: Vec<Option<u32>>,
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
}

fn load(a: &AtomicU32) -> f32 {
    f32::from_bits(a.load(Ordering::Relaxed))
}

fn store(a: &AtomicU32, v: f32) {
    a.store(v.to_bits(), Ordering::Relaxed)
}

fn atomics(v: &[f32]) -> Box<[AtomicU32]> {
    v.iter().map(|x| AtomicU32::new(x.to_bits())).collect()
}

fn plain(v: &[AtomicU32]) -> Vec<f32> {
    v.iter().map(load).collect()
}

#[derive(Debug)]
enum LiveLayers {
    Linear {
        /// `[dim, classes]`.
        w: Box<[AtomicU32]>,
    },
    LowRank {
        hidden: usize,
        /// `[dim, hidden]`.
        embed: Box<[AtomicU32]>,
        /// `[hidden, classes]`.
        out: Box<[AtomicU32]>,
    },
}

/// A model being learned: weights as atomics under a sequence lock (see the module docs).
#[derive(Debug)]
pub(crate) struct Live {
    /// Heads with their labels; `counts` are the training counts this copy started from.
    pub heads: Vec<HeadInfo>,
    /// Confirmed messages per class (training counts plus corrections).
    support: Box<[AtomicU64]>,
    offsets: Vec<usize>,
    classes: usize,
    idf: Arc<[f32]>,
    /// The loss the model was trained with; steps follow it.
    loss: Loss,
    layers: LiveLayers,
    bias: Box<[AtomicU32]>,
    seq: AtomicU64,
    /// The keyword prior, carried unchanged (its logits are not learned online).
    prior: Option<crate::model::keyword::KeywordPrior>,
}

/// What a reader gets from one consistent read.
pub(crate) struct Scores {
    /// Logits over all classes.
    pub logits: Vec<f32>,
    /// Per head, each feature's push towards the head's top label (empty unless asked).
    pub pushes: Vec<Vec<f32>>,
}

impl Live {
    pub(crate) fn from_params(p: &Params) -> Live {
        let layers = match &p.layers {
            Layers::Linear { w } => LiveLayers::Linear { w: atomics(w) },
            Layers::LowRank { hidden, embed, out } => LiveLayers::LowRank {
                hidden: *hidden,
                embed: atomics(embed),
                out: atomics(out),
            },
        };
        let support = p
            .heads
            .iter()
            .flat_map(|h| h.counts.iter().map(|&c| AtomicU64::new(c)))
            .collect();
        Live {
            heads: p.heads.clone(),
            support,
            offsets: p.offsets(),
            classes: p.classes(),
            idf: p.idf.clone().into(),
            loss: p.loss,
            layers,
            bias: atomics(&p.bias),
            seq: AtomicU64::new(0),
            prior: p.prior.clone(),
        }
    }

    /// The parameters as they are now. Call with the writer lock held (no writer runs).
    pub(crate) fn to_params(&self, features: &FeatureConfig) -> Params {
        let layers = match &self.layers {
            LiveLayers::Linear { w } => Layers::Linear { w: plain(w) },
            LiveLayers::LowRank { hidden, embed, out } => Layers::LowRank {
                hidden: *hidden,
                embed: plain(embed),
                out: plain(out),
            },
        };
        let mut heads = self.heads.clone();
        for (h, head) in heads.iter_mut().enumerate() {
            for (i, c) in head.counts.iter_mut().enumerate() {
                *c = self.support(self.offsets[h] + i);
            }
        }
        Params {
            features: features.clone(),
            heads,
            idf: self.idf.to_vec(),
            loss: self.loss,
            layers,
            bias: plain(&self.bias),
            prior: self.prior.clone(),
        }
    }

    /// The default online step size for this model's loss.
    pub(crate) fn default_learning_rate(&self) -> f32 {
        match self.loss {
            Loss::Softmax => 1.0,
            Loss::SquaredHinge => 0.3,
        }
    }

    pub(crate) fn offsets(&self) -> &[usize] {
        &self.offsets
    }

    pub(crate) fn idf(&self) -> &[f32] {
        &self.idf
    }

    /// Confirmed messages of class `c` (over all heads' concatenated classes).
    pub(crate) fn support(&self, c: usize) -> u64 {
        self.support
            .get(c)
            .map(|s| s.load(Ordering::Relaxed))
            .unwrap_or(0)
    }

    /// Logits (and, with `explain`, per-feature pushes towards each head's top label) for
    /// one message, from one consistent state of the weights.
    pub(crate) fn score(&self, ids: &[u32], xn: &[f32], explain: bool) -> Scores {
        let mut spins = 0u32;
        loop {
            let before = self.seq.load(Ordering::Acquire);
            if before & 1 == 0 {
                let scores = self.read(ids, xn, explain);
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == before {
                    return scores;
                }
            }
            // A writer is (or was) busy: its step takes microseconds.
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }

    fn read(&self, ids: &[u32], xn: &[f32], explain: bool) -> Scores {
        let c = self.classes;
        let mut logits: Vec<f32> = plain(&self.bias);
        match &self.layers {
            LiveLayers::Linear { w } => {
                for (&id, &x) in ids.iter().zip(xn) {
                    let Some(row) = w.get(id as usize * c..(id as usize + 1) * c) else {
                        continue;
                    };
                    for (o, wv) in logits.iter_mut().zip(row) {
                        *o += x * load(wv);
                    }
                }
            }
            LiveLayers::LowRank { hidden, embed, out } => {
                let hv = hidden_of(embed, *hidden, ids, xn);
                for (k, &hk) in hv.iter().enumerate() {
                    for (o, wv) in logits.iter_mut().zip(&out[k * c..(k + 1) * c]) {
                        *o += hk * load(wv);
                    }
                }
            }
        }
        if let Some(prior) = &self.prior {
            if let (Some(&off), Some(head)) =
                (self.offsets.get(prior.head()), self.heads.get(prior.head()))
            {
                prior.add_logits(ids, xn, &mut logits[off..off + head.labels.len()]);
            }
        }
        let mut pushes = Vec::new();
        if explain {
            for (h, head) in self.heads.iter().enumerate() {
                let (off, n) = (self.offsets[h], head.labels.len());
                let best = argmax(&logits[off..off + n]);
                let mut push = self.push(ids, off, n, best);
                // The prior's part is not proportional to a feature's value (a keyword
                // counts when present): per unit of value, as `Params::push_per_value`.
                if let Some(prior) = self.prior.as_ref().filter(|p| p.head() == h) {
                    for ((o, p), &v) in push.iter_mut().zip(prior.push(ids, xn, best)).zip(xn) {
                        if v > 0.0 {
                            *o += p / v;
                        }
                    }
                }
                pushes.push(push);
            }
        }
        Scores { logits, pushes }
    }

    /// How much one unit of each feature raises label `best`'s logit over the mean of its
    /// head: what explanations rank by (the same quantity as [`Params::label_push`]).
    fn push(&self, ids: &[u32], off: usize, n: usize, best: usize) -> Vec<f32> {
        let c = self.classes;
        let nf = n.max(1) as f32;
        match &self.layers {
            LiveLayers::Linear { w } => ids
                .iter()
                .map(|&id| {
                    let base = id as usize * c + off;
                    let Some(row) = w.get(base..base + n) else {
                        return 0.0;
                    };
                    let mean = row.iter().map(load).sum::<f32>() / nf;
                    row.get(best).map(|b| load(b) - mean).unwrap_or(0.0)
                })
                .collect(),
            LiveLayers::LowRank { hidden, embed, out } => {
                let h = *hidden;
                let dir: Vec<f32> = (0..h)
                    .map(|k| {
                        let row = &out[k * c + off..k * c + off + n];
                        let mean = row.iter().map(load).sum::<f32>() / nf;
                        row.get(best).map(|b| load(b) - mean).unwrap_or(0.0)
                    })
                    .collect();
                ids.iter()
                    .map(|&id| {
                        embed
                            .get(id as usize * h..(id as usize + 1) * h)
                            .map(|e| e.iter().zip(&dir).map(|(a, b)| load(a) * b).sum())
                            .unwrap_or(0.0)
                    })
                    .collect()
            }
        }
    }

    /// One SGD step of the softmax loss on one confirmed message. Only the writer (holding
    /// the classifier's writer mutex) calls this.
    pub(crate) fn step(
        &self,
        ids: &[u32],
        xn: &[f32],
        labels: &[Option<u32>],
        lr: f32,
        bias_share: f32,
    ) {
        let c = self.classes;
        // The writer is alone: plain relaxed reads see its own last writes.
        let logits = self.read(ids, xn, false).logits;
        let mut grad = vec![0.0f32; c];
        let mut any = false;
        for (h, label) in labels.iter().enumerate() {
            let (Some(y), Some(head)) = (*label, self.heads.get(h)) else {
                continue;
            };
            let (off, n) = (self.offsets[h], head.labels.len());
            self.loss.gradient(
                &logits[off..off + n],
                y as usize,
                lr,
                &mut grad[off..off + n],
            );
            any = true;
        }
        if !any {
            return;
        }
        // The gradient needs only the logits, so everything above ran outside the write
        // section; inside it, each touched weight is updated in place (no buffer: long
        // messages would otherwise allocate megabytes per step).
        let sub = |a: &AtomicU32, d: f32| store(a, load(a) - d);
        match &self.layers {
            LiveLayers::Linear { w } => self.write_section(|| {
                if bias_share > 0.0 {
                    for (b, g) in self.bias.iter().zip(&grad) {
                        sub(b, g * bias_share);
                    }
                }
                for (&id, &x) in ids.iter().zip(xn) {
                    if let Some(row) = w.get(id as usize * c..(id as usize + 1) * c) {
                        for (wv, g) in row.iter().zip(&grad) {
                            if *g != 0.0 {
                                sub(wv, x * g);
                            }
                        }
                    }
                }
            }),
            LiveLayers::LowRank { hidden, embed, out } => {
                let h = *hidden;
                let hv = hidden_of(embed, h, ids, xn);
                // The embedding's gradient uses the output layer before this step.
                let gh: Vec<f32> = (0..h)
                    .map(|k| {
                        out[k * c..(k + 1) * c]
                            .iter()
                            .zip(&grad)
                            .map(|(wv, g)| load(wv) * g)
                            .sum()
                    })
                    .collect();
                self.write_section(|| {
                    if bias_share > 0.0 {
                        for (b, g) in self.bias.iter().zip(&grad) {
                            sub(b, g * bias_share);
                        }
                    }
                    for (k, &hk) in hv.iter().enumerate() {
                        for (wv, g) in out[k * c..(k + 1) * c].iter().zip(&grad) {
                            sub(wv, hk * g);
                        }
                    }
                    for (&id, &x) in ids.iter().zip(xn) {
                        if let Some(row) = embed.get(id as usize * h..(id as usize + 1) * h) {
                            for (e, g) in row.iter().zip(&gh) {
                                sub(e, x * g);
                            }
                        }
                    }
                })
            }
        }
    }

    /// Runs `write` as one write section of the sequence lock: readers that overlap it
    /// retry. Only the writer calls this.
    fn write_section(&self, write: impl FnOnce()) {
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        write();
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }

    /// Counts a confirmed message towards its labels' support.
    pub(crate) fn confirm(&self, labels: &[Option<u32>]) {
        for (h, l) in labels.iter().enumerate() {
            if let (Some(l), Some(off)) = (l, self.offsets.get(h)) {
                if let Some(s) = self.support.get(off + *l as usize) {
                    s.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// A copy with `label` added at the end of head `h`. Its weights start at zero and its
    /// bias at the head's lowest, so the new label wins only where corrections push it.
    /// Call with the writer lock held.
    pub(crate) fn grow(&self, h: usize, label: &str) -> Live {
        let old_c = self.classes;
        let at = self.offsets[h] + self.heads[h].labels.len();
        let insert = |old: &[f32], rows: usize, fill: f32| -> Box<[AtomicU32]> {
            let mut v = Vec::with_capacity(rows * (old_c + 1));
            for r in 0..rows {
                let row = &old[r * old_c..(r + 1) * old_c];
                v.extend_from_slice(&row[..at]);
                v.push(fill);
                v.extend_from_slice(&row[at..]);
            }
            atomics(&v)
        };
        let head_bias = plain(&self.bias[self.offsets[h]..at]);
        let low = head_bias.iter().cloned().fold(0.0f32, f32::min);
        let layers = match &self.layers {
            LiveLayers::Linear { w } => LiveLayers::Linear {
                w: insert(&plain(w), self.idf.len(), 0.0),
            },
            LiveLayers::LowRank { hidden, embed, out } => LiveLayers::LowRank {
                hidden: *hidden,
                embed: atomics(&plain(embed)),
                out: insert(&plain(out), *hidden, 0.0),
            },
        };
        let mut prior = self.prior.clone();
        if let Some(p) = prior.as_mut().filter(|p| p.head() == h) {
            p.add_label();
        }
        let mut heads = self.heads.clone();
        heads[h].labels.push(label.to_string());
        heads[h].counts.push(0);
        let mut support: Vec<u64> = (0..old_c).map(|c| self.support(c)).collect();
        support.insert(at, 0);
        let mut offsets = self.offsets.clone();
        for o in offsets.iter_mut().skip(h + 1) {
            *o += 1;
        }
        Live {
            heads,
            support: support.into_iter().map(AtomicU64::new).collect(),
            offsets,
            classes: old_c + 1,
            idf: self.idf.clone(),
            loss: self.loss,
            layers,
            bias: insert(&plain(&self.bias), 1, low),
            prior,
            seq: AtomicU64::new(0),
        }
    }
}

fn hidden_of(embed: &[AtomicU32], h: usize, ids: &[u32], xn: &[f32]) -> Vec<f32> {
    let mut hv = vec![0.0f32; h];
    for (&id, &x) in ids.iter().zip(xn) {
        if let Some(row) = embed.get(id as usize * h..(id as usize + 1) * h) {
            for (o, e) in hv.iter_mut().zip(row) {
                *o += x * load(e);
            }
        }
    }
    hv
}

/// The index of the largest value (the first on ties).
pub(crate) fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}

/// Checks a correction's `(head, label)` pairs against the live model and returns, per
/// head, the label's index, or the label to add.
pub(crate) fn resolve(
    live: &Live,
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
        let h = live
            .heads
            .iter()
            .position(|x| x.name == head)
            .ok_or_else(|| {
                let known: Vec<&str> = live.heads.iter().map(|x| x.name.as_str()).collect();
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
        let labels = &live.heads[h].labels;
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

/// A full retraining on the confirmed set: the base data (what the parent was trained on,
/// or any labelled export) plus every correction `parent` has learned, with the parent's
/// feature configuration. The new model's summary records its lineage: `parent` is the
/// parent's `trained_at` and `corrections_since_training` starts again at 0.
///
/// Heads and labels are the union of the base data's, the parent's and the corrections'.
pub fn retrain(
    parent: &Classifier,
    base: &Prepared,
    base_heads: &[HeadSpec],
    opts: &TrainOptions,
) -> Result<(Model, TrainReport)> {
    let kept = parent.kept();
    let mut heads: Vec<HeadSpec> = base_heads.to_vec();
    let add = |heads: &mut Vec<HeadSpec>, name: &str, label: &str| -> (usize, u32) {
        let h = match heads.iter().position(|h| h.name == name) {
            Some(h) => h,
            None => {
                heads.push(HeadSpec {
                    name: name.to_string(),
                    labels: Vec::new(),
                });
                heads.len() - 1
            }
        };
        let l = match heads[h].labels.iter().position(|l| l == label) {
            Some(l) => l,
            None => {
                heads[h].labels.push(label.to_string());
                heads[h].labels.len() - 1
            }
        };
        (h, l as u32)
    };
    // The parent's labels first, so that a label it knows keeps a place even when neither
    // the base data nor the corrections carry it.
    for head in parent.current_heads() {
        for label in &head.labels {
            add(&mut heads, &head.name, label);
        }
    }
    let mut corrections: Vec<(SparseVec, Vec<(usize, u32)>)> = Vec::with_capacity(kept.len());
    for (x, labels) in kept {
        let ys = labels.iter().map(|(h, l)| add(&mut heads, h, l)).collect();
        corrections.push((x, ys));
    }
    let n = heads.len();
    let mut examples: Vec<Example> = base
        .examples
        .iter()
        .map(|ex| {
            let mut labels = ex.labels.clone();
            labels.resize(n, None);
            Example {
                x: ex.x.clone(),
                labels,
            }
        })
        .collect();
    let added = corrections.len();
    for (x, ys) in corrections {
        let mut labels = vec![None; n];
        for (h, l) in ys {
            labels[h] = Some(l);
        }
        examples.push(Example { x, labels });
    }
    let merged = Prepared {
        examples,
        item_index: Vec::new(),
        failures: Vec::new(),
    };
    let (mut model, mut report) = train_prepared(&merged, &heads, parent.feature_config(), opts)?;
    report.warnings.extend(
        base.failures
            .iter()
            .map(|(p, e)| format!("{}: {e}", p.display())),
    );
    let summary = model.summary_mut();
    summary.skipped = base.failures.len() as u64;
    summary.parent = Some(parent.summary().trained_at.clone());
    summary.corrections_since_training = 0;
    summary.warnings.push(format!(
        "retrained on {} base messages and {added} corrections",
        base.examples.len()
    ));
    Ok((model, report))
}

/// Normalised values of `x` under `idf` (what the graph computes before the weights).
pub(crate) fn normalised(x: &SparseVec, idf: &[f32]) -> Vec<f32> {
    let mut xn = Vec::with_capacity(x.len());
    normalise(&x.ids, &x.vals, idf, &mut xn);
    xn
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::HeadInfo;

    fn params(layers: Layers, dim: usize) -> Params {
        let head = |name: &str, labels: &[&str]| HeadInfo {
            name: name.into(),
            labels: labels.iter().map(|s| s.to_string()).collect(),
            counts: vec![5; labels.len()],
            temperature: 1.0,
            threshold: 0.5,
            target_precision: 0.95,
            heldout_precision: None,
            heldout_coverage: None,
        };
        let heads = vec![
            head("unit", &["a", "b"]),
            head("kle", &["32.18.04", "00.01.00"]),
        ];
        Params {
            features: FeatureConfig::default(),
            heads,
            idf: vec![1.0; dim],
            loss: Loss::Softmax,
            layers,
            bias: vec![0.0; 4],
            prior: None,
        }
    }

    #[test]
    fn steps_move_the_right_label_up_and_grow_keeps_the_rest() {
        let dim = 8;
        for layers in [
            Layers::Linear {
                w: vec![0.0; dim * 4],
            },
            Layers::LowRank {
                hidden: 3,
                embed: (0..dim * 3).map(|i| (i % 5) as f32 * 0.1 - 0.2).collect(),
                out: vec![0.0; 3 * 4],
            },
        ] {
            let live = Live::from_params(&params(layers, dim));
            let ids = [1u32, 4];
            let xn = [0.6f32, 0.8];
            let before = live.score(&ids, &xn, false).logits;
            for _ in 0..20 {
                live.step(&ids, &xn, &[Some(1), None], 1.0, 1.0);
            }
            let after = live.score(&ids, &xn, true);
            assert!(after.logits[1] - after.logits[0] > before[1] - before[0] + 0.5);
            // The kle head had no label: untouched.
            assert_eq!(&after.logits[2..], &before[2..]);
            assert_eq!(after.pushes.len(), 2);

            let grown = live.grow(0, "c");
            assert_eq!(grown.heads[0].labels, ["a", "b", "c"]);
            assert_eq!(grown.offsets(), &[0, 3]);
            let g = grown.score(&ids, &xn, false).logits;
            assert_eq!(g.len(), 5);
            assert_eq!(
                (g[0], g[1], g[3], g[4]),
                (
                    after.logits[0],
                    after.logits[1],
                    after.logits[2],
                    after.logits[3]
                )
            );
            let p = grown.to_params(&FeatureConfig::default());
            assert_eq!(p.classes(), 5);
            assert_eq!(p.heads[0].counts, [5, 5, 0]);
        }
    }

    /// Sets every weight and bias to `v` in one write section: a reader that mixed two
    /// states would see logits that no single `v` explains.
    fn fill(live: &Live, v: f32) {
        live.write_section(|| {
            live.bias.iter().for_each(|b| store(b, v));
            if let LiveLayers::Linear { w } = &live.layers {
                w.iter().for_each(|a| store(a, v));
            }
        });
    }

    #[test]
    fn readers_never_see_a_half_written_model() {
        let dim = 4096;
        let live = Live::from_params(&params(
            Layers::Linear {
                w: vec![0.0; dim * 4],
            },
            dim,
        ));
        let ids: Vec<u32> = (0..dim as u32).step_by(7).collect();
        let xn = vec![1.0f32; ids.len()];
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let readers: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        let mut seen = 0u32;
                        while !stop.load(Ordering::Relaxed) {
                            let l = live.score(&ids, &xn, false).logits;
                            // Every logit is v + v × len(ids) for one v.
                            let v = l[0] / (1.0 + ids.len() as f32);
                            for x in &l {
                                assert_eq!(*x, v + v * ids.len() as f32, "torn read");
                            }
                            seen += 1;
                        }
                        seen
                    })
                })
                .collect();
            for i in 0..2000 {
                fill(&live, (i % 7) as f32);
            }
            stop.store(true, Ordering::Relaxed);
            for r in readers {
                assert!(r.join().unwrap() > 0);
            }
        });
    }

    #[test]
    fn corrections_are_checked() {
        let live = Live::from_params(&params(Layers::Linear { w: vec![0.0; 32] }, 8));
        assert!(resolve(&live, &[]).is_err());
        assert!(resolve(&live, &[("nope", "a")]).is_err());
        assert!(resolve(&live, &[("unit", " ")]).is_err());
        assert!(resolve(&live, &[("unit", "a"), ("unit", "b")]).is_err());
        assert!(resolve(&live, &[("kle", "not a code")]).is_err());
        let r = resolve(&live, &[("unit", "b"), ("kle", "27.24.00")]).unwrap();
        assert_eq!(r[0], (0, Ok(1)));
        assert_eq!(r[1], (1, Err("27.24.00".to_string())));
    }
}
