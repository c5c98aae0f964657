//! The live copy of a model that learns from corrections: its weights, kept twice so that
//! readers never wait, and the steps that change them.
//!
//! This module owns the data structure and its arithmetic; the writer's state is
//! [`crate::model::writer`] and the API that feeds it corrections [`crate::model::learn`].
//! It must not import those, the classifier, `crate::train` or `crate::eval`.
//!
//! # Why this shape
//!
//! A clerk's correction must count at once, not after a nightly batch, and the model is
//! shared by every thread of a server. So the learned weights live in a `Live` copy of
//! the model, kept twice (left-right):
//!
//! - readers score with the published (front) copy, which nobody writes while it is
//!   published;
//! - the writer (one at a time, serialised by a mutex) steps the other (back) copy, then
//!   publishes it in one atomic swap ([`arc_swap`]); the old front becomes the back and
//!   gets the same changes at the start of the next correction, once the readers still
//!   using it are done (they hold it for one message).
//!
//! Readers never wait and never act on a half-updated model, and the weights are plain
//! `f32`, so scoring and stepping vectorise: atomics per weight (a sequence lock, the first
//! design) made both four to five times slower. The price is a second copy of the weights
//! while learning. A correction that brings a new label (a unit that did not exist at
//! training time, a new KLE emne) changes the shape of the weights, so the writer builds a
//! grown model and swaps it in; readers that still hold the old one finish on it.
//!
//! Each correction is followed by steps on a few earlier confirmed messages drawn at random
//! ([`LearnOptions::replay`]): the corrections themselves and the messages the model was
//! trained on, when the caller gives them ([`Classifier::remember`](crate::Classifier::remember)). Without the latter, a
//! run of corrections for a few labels slowly erodes every label that gets none (the
//! learning curve in `examples/learning_curve.rs` measures it).
//!
//! Scoring a live model is the graph's own arithmetic (IDF, L2 norm, weights, temperature,
//! softmax) in Rust: tests check it against tract running the exported file to 1e-5. The
//! updated model is exported as a new ONNX file with [`Classifier::to_model`](crate::Classifier::to_model) and then
//! runs through tract like any trained model.
//!
//! The classifier only ever learns from labels a caller gives it: it never feeds its own
//! suggestions back.
//!
//! [`LearnOptions::replay`]: crate::LearnOptions::replay

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use crate::features::{FeatureConfig, SparseVec};
use crate::model::kle_levels::{KleGroups, KLE_HEAD};
use crate::model::lanes::Table;
use crate::model::params::{linear_push, low_rank_push};
use crate::model::params::{normalise, HeadInfo, Layers, Loss, Params};
use crate::model::prior::KeywordPrior;
use crate::model::top::top_k;
use crate::{Error, ErrorKind, Result};

/// A message's raw features (what retraining needs) with their values normalised under
/// the live model's IDF (fixed while learning online; what a step works on).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Normalised {
    pub x: SparseVec,
    pub xn: Vec<f32>,
}

impl Normalised {
    pub(crate) fn new(x: SparseVec, idf: &[f32]) -> Normalised {
        let xn = normalised(&x, idf);
        Normalised { x, xn }
    }
}

/// One copy of the learned weights, in the lane layout of [`Table`]: the per-bucket rows
/// are what a message touches at random.
#[derive(Debug, Clone)]
struct Weights {
    layers: LiveLayers,
    bias: Vec<f32>,
}

#[derive(Debug, Clone, PartialEq)]
enum LiveLayers {
    Linear {
        /// `[dim, classes]`.
        w: Table,
    },
    LowRank {
        hidden: usize,
        /// `[dim, hidden]`.
        embed: Table,
        /// Row-major `[hidden, classes]` (dense: every message uses all of it).
        out: Vec<f32>,
    },
}

impl LiveLayers {
    fn new(layers: &Layers, classes: usize) -> LiveLayers {
        match layers {
            Layers::Linear { w } => LiveLayers::Linear {
                w: Table::from_rows(w, classes),
            },
            Layers::LowRank { hidden, embed, out } => LiveLayers::LowRank {
                hidden: *hidden,
                embed: Table::from_rows(embed, *hidden),
                out: out.clone(),
            },
        }
    }

    fn to_layers(&self) -> Layers {
        match self {
            LiveLayers::Linear { w } => Layers::Linear { w: w.to_rows() },
            LiveLayers::LowRank { hidden, embed, out } => Layers::LowRank {
                hidden: *hidden,
                embed: embed.to_rows(),
                out: out.clone(),
            },
        }
    }
}

impl Weights {
    /// Logits without the prior.
    fn logits(&self, ids: &[u32], xn: &[f32]) -> Vec<f32> {
        let mut out = self.bias.clone();
        match &self.layers {
            LiveLayers::Linear { w } => w.gather_sum(ids, xn, &mut out),
            LiveLayers::LowRank { embed, out: w2, .. } => {
                let hv = self.hidden(embed, ids, xn);
                dense_add(&hv, w2, &mut out);
            }
        }
        out
    }

    fn hidden(&self, embed: &Table, ids: &[u32], xn: &[f32]) -> Vec<f32> {
        let mut hv = vec![0.0f32; embed.width()];
        embed.gather_sum(ids, xn, &mut hv);
        hv
    }

    /// [`Params::label_push`] on these weights.
    fn push(&self, classes: usize, ids: &[u32], offset: usize, n: usize, best: usize) -> Vec<f32> {
        match &self.layers {
            // The live table's rows are copied out one at a time: nothing to prefetch.
            LiveLayers::Linear { w } => {
                linear_push(|id| w.row(id as usize), |_| {}, ids, offset, n, best)
            }
            LiveLayers::LowRank { embed, out, .. } => low_rank_push(
                |id| embed.row(id as usize),
                out,
                classes,
                ids,
                offset,
                n,
                best,
            ),
        }
    }
}

/// `out += hv × w2` for a row-major `[hv.len(), out.len()]` matrix.
fn dense_add(hv: &[f32], w2: &[f32], out: &mut [f32]) {
    let c = out.len();
    for (k, &hk) in hv.iter().enumerate() {
        if let Some(row) = w2.get(k * c..(k + 1) * c) {
            for (o, wv) in out.iter_mut().zip(row) {
                *o += hk * wv;
            }
        }
    }
}

/// One SGD step, recorded so that the other copy makes exactly the same change.
#[derive(Debug)]
struct Delta {
    v: Arc<Normalised>,
    /// The loss gradient per class, learning rate included.
    grad: Vec<f32>,
    bias_share: f32,
    /// Low rank only: the hidden activation and the hidden gradient before the step.
    hv: Vec<f32>,
    gh: Vec<f32>,
}

/// A change the writer made to the front copy and still owes the back one.
#[derive(Debug)]
enum Change {
    Step(Delta),
    /// Every weight and bias set to one value (tests of the publication protocol).
    #[cfg(test)]
    Fill(f32),
}

impl Weights {
    fn apply(&mut self, change: &Change, classes: usize) {
        match change {
            Change::Step(d) => self.step(d, classes),
            #[cfg(test)]
            Change::Fill(v) => {
                self.bias.iter_mut().for_each(|b| *b = *v);
                match &mut self.layers {
                    LiveLayers::Linear { w } => w.fill(*v),
                    LiveLayers::LowRank { embed, out, .. } => {
                        embed.fill(*v);
                        out.iter_mut().for_each(|a| *a = *v)
                    }
                }
            }
        }
    }

    fn step(&mut self, d: &Delta, c: usize) {
        if d.bias_share > 0.0 {
            for (b, g) in self.bias.iter_mut().zip(&d.grad) {
                *b -= g * d.bias_share;
            }
        }
        match &mut self.layers {
            LiveLayers::Linear { w } => w.scatter_sub(&d.v.x.ids, &d.v.xn, &d.grad),
            LiveLayers::LowRank { embed, out, .. } => {
                for (k, &hk) in d.hv.iter().enumerate() {
                    if let Some(row) = out.get_mut(k * c..(k + 1) * c) {
                        for (wv, g) in row.iter_mut().zip(&d.grad) {
                            *wv -= hk * g;
                        }
                    }
                }
                embed.scatter_sub(&d.v.x.ids, &d.v.xn, &d.gh);
            }
        }
    }
}

/// The writer's copy of the weights and what it still owes it.
#[derive(Debug)]
struct Back {
    weights: Arc<Weights>,
    owed: Vec<Change>,
}

/// A model being learned: two copies of the weights (see the module docs).
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
    /// The copy readers use. Never written while published.
    front: ArcSwap<Weights>,
    /// The other copy, only touched by the writer.
    back: Mutex<Back>,
    /// The keyword prior, carried unchanged (its logits are not learned online).
    prior: Option<KeywordPrior>,
    /// The `kle` head and its labels' grupper and hovedgrupper, made once per copy: a
    /// correction that adds a KLE label makes a new copy, and the table made at load no
    /// longer fits.
    pub kle_groups: Option<(usize, KleGroups)>,
}

/// What a reader gets from one consistent read.
pub(crate) struct Scores {
    /// Logits over all classes.
    pub logits: Vec<f32>,
    /// Per head, the probabilities over its labels (temperature, softmax).
    pub probs: Vec<Vec<f32>>,
    /// Per head, each feature's push towards the head's top label (empty unless asked).
    pub pushes: Vec<Vec<f32>>,
}

impl Live {
    pub(crate) fn from_params(p: &Params) -> Live {
        let weights = Weights {
            layers: LiveLayers::new(&p.layers, p.classes()),
            bias: p.bias.clone(),
        };
        let support = p
            .heads
            .iter()
            .flat_map(|h| h.counts.iter().map(|&c| AtomicU64::new(c)))
            .collect();
        Live::assemble(
            p.heads.clone(),
            support,
            p.offsets(),
            p.idf.clone().into(),
            p.loss,
            weights,
            p.prior.clone(),
        )
    }

    fn assemble(
        heads: Vec<HeadInfo>,
        support: Box<[AtomicU64]>,
        offsets: Vec<usize>,
        idf: Arc<[f32]>,
        loss: Loss,
        weights: Weights,
        prior: Option<KeywordPrior>,
    ) -> Live {
        let classes = weights.bias.len();
        let kle_groups = heads
            .iter()
            .position(|h| h.name == KLE_HEAD)
            .map(|h| (h, KleGroups::new(&heads[h].labels)));
        let back = Back {
            weights: Arc::new(weights.clone()),
            owed: Vec::new(),
        };
        Live {
            heads,
            support,
            offsets,
            classes,
            idf,
            loss,
            front: ArcSwap::from_pointee(weights),
            back: Mutex::new(back),
            prior,
            kle_groups,
        }
    }

    /// The parameters as they are now. Call with the classifier's writer lock held.
    pub(crate) fn to_params(&self, features: &FeatureConfig) -> Params {
        let front = self.front.load_full();
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
            layers: front.layers.to_layers(),
            bias: front.bias.clone(),
            prior: self.prior.clone(),
        }
    }

    /// The default online step size for this model's loss.
    pub(crate) fn default_learning_rate(&self) -> f32 {
        match self.loss {
            Loss::Softmax => 1.0,
            Loss::SquaredHinge => 0.8,
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
    /// one message, from the published copy of the weights.
    pub(crate) fn score(&self, ids: &[u32], xn: &[f32], explain: bool) -> Scores {
        let front = self.front.load();
        self.read(&front, ids, xn, explain)
    }

    fn read(&self, w: &Weights, ids: &[u32], xn: &[f32], explain: bool) -> Scores {
        let mut logits = w.logits(ids, xn);
        if let Some(prior) = &self.prior {
            if let (Some(&off), Some(head)) =
                (self.offsets.get(prior.head()), self.heads.get(prior.head()))
            {
                prior.add_logits(ids, xn, &mut logits[off..off + head.labels.len()]);
            }
        }
        let probs = self.probabilities(&logits);
        let mut pushes = Vec::new();
        if explain {
            for (h, head) in self.heads.iter().enumerate() {
                let (off, n) = (self.offsets[h], head.labels.len());
                // The label the decision ranks first: the first of the largest
                // probabilities, as `top_k` orders them. (The largest logit can differ
                // when rounding makes two probabilities equal.)
                let best = top_k(&probs[h], 1).first().copied().unwrap_or(0);
                let mut push = w.push(self.classes, ids, off, n, best);
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
        Scores {
            logits,
            probs,
            pushes,
        }
    }

    /// Per head, the probabilities of `logits` over all classes: divided by the head's
    /// temperature, softmax.
    pub(crate) fn probabilities(&self, logits: &[f32]) -> Vec<Vec<f32>> {
        self.heads
            .iter()
            .zip(&self.offsets)
            .map(|(head, &off)| {
                let t = if head.temperature > 0.0 {
                    head.temperature
                } else {
                    1.0
                };
                let s = &logits[off..off + head.labels.len()];
                let m = s.iter().fold(f32::NEG_INFINITY, |a, &v| a.max(v / t));
                let e: Vec<f32> = s.iter().map(|&v| (v / t - m).exp()).collect();
                let z: f32 = e.iter().sum();
                e.into_iter().map(|v| v / z).collect()
            })
            .collect()
    }

    /// One SGD step of the model's loss on each message of `batch`, in order, published
    /// to readers at once when all are done. Only the writer (holding the classifier's
    /// writer mutex) calls this.
    ///
    /// The steps go to the back copy, which then becomes the front; the old front gets the
    /// same changes at the start of the next update, once the readers still using it are
    /// done (they hold it for one message, microseconds). Readers never wait.
    pub(crate) fn learn(
        &self,
        batch: &[(&Arc<Normalised>, &[Option<u32>])],
        lr: f32,
        bias_share: f32,
    ) -> Result<()> {
        let c = self.classes;
        let mut back = self
            .back
            .lock()
            .map_err(|_| Error::new(ErrorKind::Inference, "an earlier correction panicked"))?;
        let w = back.caught_up(c)?;
        let mut done = Vec::with_capacity(batch.len());
        for &(v, labels) in batch {
            let logits = self.read(w, &v.x.ids, &v.xn, false).logits;
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
                any |= grad[off..off + n].iter().any(|g| *g != 0.0);
            }
            if !any {
                continue;
            }
            let (hv, gh) = match &w.layers {
                LiveLayers::Linear { .. } => (Vec::new(), Vec::new()),
                LiveLayers::LowRank { hidden, embed, out } => {
                    let h = *hidden;
                    let hv = w.hidden(embed, &v.x.ids, &v.xn);
                    // The embedding's gradient uses the output layer before this step.
                    let gh = (0..h)
                        .map(|j| {
                            out.get(j * c..(j + 1) * c)
                                .unwrap_or(&[])
                                .iter()
                                .zip(&grad)
                                .map(|(wv, g)| wv * g)
                                .sum()
                        })
                        .collect();
                    (hv, gh)
                }
            };
            let change = Change::Step(Delta {
                v: Arc::clone(v),
                grad,
                bias_share,
                hv,
                gh,
            });
            w.apply(&change, c);
            done.push(change);
        }
        self.publish(&mut back, done);
        Ok(())
    }

    /// Makes the back copy the front and owes the old front `done`.
    fn publish(&self, back: &mut Back, done: Vec<Change>) {
        if done.is_empty() {
            return;
        }
        let old = self.front.swap(back.weights.clone());
        back.weights = old;
        back.owed = done;
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
    /// Call with the classifier's writer lock held.
    pub(crate) fn grow(&self, h: usize, label: &str) -> Live {
        let old_c = self.classes;
        let at = self.offsets[h] + self.heads[h].labels.len();
        let insert = |old: &[f32], rows: usize, fill: f32| -> Vec<f32> {
            let mut v = Vec::with_capacity(rows * (old_c + 1));
            for r in 0..rows {
                let row = &old[r * old_c..(r + 1) * old_c];
                v.extend_from_slice(&row[..at]);
                v.push(fill);
                v.extend_from_slice(&row[at..]);
            }
            v
        };
        let front = self.front.load_full();
        let low = front.bias[self.offsets[h]..at]
            .iter()
            .cloned()
            .fold(0.0f32, f32::min);
        let layers = match front.layers.to_layers() {
            Layers::Linear { w } => Layers::Linear {
                w: insert(&w, self.idf.len(), 0.0),
            },
            Layers::LowRank { hidden, embed, out } => Layers::LowRank {
                hidden,
                embed,
                out: insert(&out, hidden, 0.0),
            },
        };
        let weights = Weights {
            layers: LiveLayers::new(&layers, old_c + 1),
            bias: insert(&front.bias, 1, low),
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
        Live::assemble(
            heads,
            support.into_iter().map(AtomicU64::new).collect(),
            offsets,
            self.idf.clone(),
            self.loss,
            weights,
            prior,
        )
    }
}

#[cfg(test)]
impl Live {
    /// Whether the back copy, with what it is owed, equals the front.
    fn copies_agree(&self) -> bool {
        let mut back = self.back.lock().unwrap();
        let w = back.caught_up(self.classes).unwrap();
        let front = self.front.load();
        w.layers == front.layers && w.bias == front.bias
    }
}

impl Back {
    /// The writer's copy for writing, once the readers that still held it (from before it
    /// was swapped out) are done, with the changes it was owed applied. Readers hold a
    /// copy for one message.
    fn caught_up(&mut self, classes: usize) -> Result<&mut Weights> {
        let mut spins = 0u32;
        // Nobody can take a new reference to a copy that is not published, so the count
        // only falls.
        while Arc::strong_count(&self.weights) > 1 {
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        let w = Arc::get_mut(&mut self.weights)
            .ok_or_else(|| Error::new(ErrorKind::Inference, "the writer's copy is shared"))?;
        for change in self.owed.drain(..) {
            w.apply(&change, classes);
        }
        Ok(w)
    }
}

/// Normalised values of `x` under `idf` (what the graph computes before the weights).
pub(crate) fn normalised(x: &SparseVec, idf: &[f32]) -> Vec<f32> {
    let mut xn = Vec::with_capacity(x.len());
    normalise(&x.ids, &x.vals, idf, &mut xn);
    xn
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::params::HeadInfo;

    /// A small two-head model (`unit`: a, b; `kle`: none) over `dim` buckets.
    pub(crate) fn params(layers: Layers, dim: usize) -> Params {
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
    fn explanations_push_towards_the_label_the_decision_ranks_first() {
        // Label 1's logit is larger by 1e-6, which the temperature rounds away: the two
        // probabilities are equal and the decision ranks label 0 first.
        let dim = 8;
        let mut w = vec![0.0; dim * 4];
        w[4] = 1.0;
        w[5] = 0.5;
        let model = |b1: f32| {
            let mut p = params(Layers::Linear { w: w.clone() }, dim);
            p.heads[0].temperature = 1e3;
            p.bias[1] = b1;
            Live::from_params(&p)
        };
        let (ids, xn) = ([1u32], [1.0f32]);
        let tied = model(0.5 + 1e-6).score(&ids, &xn, true);
        assert!(tied.logits[1] > tied.logits[0]);
        assert_eq!(tied.probs[0][0], tied.probs[0][1]);
        assert_eq!(top_k(&tied.probs[0], 1), [0]);
        // The same pushes as where label 0 wins clearly.
        let clear = model(0.0).score(&ids, &xn, true);
        assert_eq!(top_k(&clear.probs[0], 1), [0]);
        assert_eq!(tied.pushes[0], clear.pushes[0]);
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
            let (v, labels) = (example(&ids, &xn), [Some(1), None]);
            for _ in 0..20 {
                live.learn(&[(&v, &labels[..]), (&v, &labels[..])], 0.5, 1.0)
                    .unwrap();
                assert!(live.copies_agree());
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

    fn example(ids: &[u32], xn: &[f32]) -> Arc<Normalised> {
        Arc::new(Normalised {
            x: SparseVec {
                ids: ids.to_vec(),
                vals: xn.to_vec(),
            },
            xn: xn.to_vec(),
        })
    }

    /// Sets every weight and bias to `v` in one publication: a reader that mixed two
    /// states, or read a copy while it was written, would see logits no single `v` gives.
    fn fill(live: &Live, v: f32) {
        let mut back = live.back.lock().unwrap();
        back.caught_up(live.classes)
            .unwrap()
            .apply(&Change::Fill(v), live.classes);
        live.publish(&mut back, vec![Change::Fill(v)]);
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
            assert!(live.copies_agree());
            stop.store(true, Ordering::Relaxed);
            for r in readers {
                assert!(r.join().unwrap() > 0);
            }
        });
    }
}
