//! The learned parameters of a model, as plain vectors.
//!
//! This is what training produces, what the ONNX exporter writes, and what the explainer
//! reads back. The tract runtime never sees this type: it runs the graph the exporter
//! writes for it (see `Classifier::from_bytes`).
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`.

use serde::{Deserialize, Serialize};

use crate::features::FeatureConfig;
use crate::model::lanes::{prefetch_flat_row, AHEAD};
use crate::model::prior::KeywordPrior;
use crate::prefetch::prefetch;
use crate::{Error, ErrorKind};

/// One prediction target ("head"), e.g. `unit`, `kle` or `facet`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadInfo {
    /// The head's name, from the training data.
    pub name: String,
    /// Label names, in output order.
    pub labels: Vec<String>,
    /// Training messages per label (same order as `labels`).
    pub counts: Vec<u64>,
    /// The calibration temperature: logits are divided by it before the softmax.
    pub temperature: f32,
    /// The abstain threshold: below this top probability the head abstains.
    pub threshold: f32,
    /// The precision the threshold was chosen to reach on held-out data.
    pub target_precision: f32,
    /// The precision actually reached at the threshold on held-out data, if measured.
    pub heldout_precision: Option<f32>,
    /// The share of held-out messages at or above the threshold, if measured.
    pub heldout_coverage: Option<f32>,
}

/// The loss a model is trained with; online learning ([`crate::model::learn`]) steps on
/// the same loss, so it is part of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Multinomial logistic regression (softmax cross-entropy). Every step moves every
    /// label a little.
    #[default]
    Softmax,
    /// One-vs-rest squared hinge, as a linear SVM: a label's score is pushed above 1 for
    /// its messages and below -1 for the others, and a label that is already there is
    /// left alone. More accurate on text (20 Newsgroups, 5-fold: 0.921 against 0.912) and
    /// calibrated the same way: the temperature softmax over the scores. Beyond a slack of
    /// 2 (`MAX_SLACK`) the loss goes on as a straight line (the modified Huber loss), so a
    /// step stops growing once a score is past the other side's margin.
    SquaredHinge,
}

/// The slack (`1 - t · score`, `t` = ±1) above which the squared hinge's gradient stops
/// growing: where the score stands on the wrong side's margin.
///
/// Why: one SGD step on a short message moves its score by the slack times the learning
/// rate, the class weight (up to 5), the naive-Bayes step scale and the squared norm of the
/// kept features (up to 4 with blankout, which doubles the values it keeps): many times the
/// slack. A message of the other label with the same few features then pushes the score
/// back further still, and with a gradient that grows with the slack the two grow without
/// bound. That is what OS2KLE's keywords, some filed under emner of two hovedgrupper, did
/// (`bash benches/peers/seeds.sh`, split `os2kle`): weights in the thousands, probabilities
/// of 0 and 1, a temperature of 42, and accuracy on the emne titles 0.714, against 0.831
/// with the cap (mean of three seeds). The other splits moved by 0.02 point at most
/// (CHANGELOG).
pub(crate) const MAX_SLACK: f32 = 2.0;

impl Loss {
    /// The name in the model file and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Loss::Softmax => "softmax",
            Loss::SquaredHinge => "squared_hinge",
        }
    }

    /// The gradient of the loss of one head with respect to its logits `s` for label
    /// `y`, times `scale`, written to `grad` (same length as `s`).
    pub(crate) fn gradient(self, s: &[f32], y: usize, scale: f32, grad: &mut [f32]) {
        match self {
            Loss::Softmax => {
                let m = s.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                let z: f32 = s.iter().map(|v| (v - m).exp()).sum();
                for (c, (g, &v)) in grad.iter_mut().zip(s).enumerate() {
                    let p = (v - m).exp() / z;
                    let t = if c == y { 1.0 } else { 0.0 };
                    *g = (p - t) * scale;
                }
            }
            Loss::SquaredHinge => {
                for (c, (g, &v)) in grad.iter_mut().zip(s).enumerate() {
                    let t = if c == y { 1.0 } else { -1.0 };
                    let slack = 1.0 - t * v;
                    *g = if slack > 0.0 {
                        -t * slack.min(MAX_SLACK) * scale
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}

impl std::str::FromStr for Loss {
    type Err = Error;
    /// Parses [`as_str`](Loss::as_str)'s names (`-` for `_` too).
    fn from_str(s: &str) -> Result<Loss, Error> {
        match s.replace('-', "_").as_str() {
            "softmax" => Ok(Loss::Softmax),
            "squared_hinge" => Ok(Loss::SquaredHinge),
            _ => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("unknown loss {s:?} (expected squared_hinge or softmax)"),
            )),
        }
    }
}

/// `v` as the float16 the model file stores (nearest, saturating at float16's largest
/// finite value rather than becoming infinite).
pub(crate) fn to_f16(v: f32) -> half::f16 {
    half::f16::from_f32(v.clamp(-65504.0, 65504.0))
}

/// The form of the network between the hashed features and the logits.
#[derive(Debug, Clone, PartialEq)]
pub enum Layers {
    /// One weight matrix `[dim, classes]`: a multinomial logistic regression.
    Linear {
        /// Row-major `[dim, classes]`.
        w: Vec<f32>,
    },
    /// A low-rank (fastText-style) model: an embedding `[dim, hidden]` shared by all heads,
    /// then `[hidden, classes]`. Keeps the file small for thousands of labels.
    LowRank {
        /// Hidden size.
        hidden: usize,
        /// Row-major `[dim, hidden]`.
        embed: Vec<f32>,
        /// Row-major `[hidden, classes]`.
        out: Vec<f32>,
    },
}

/// All learned parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// How messages become features.
    pub features: FeatureConfig,
    /// The heads, in output order; their classes are concatenated in `bias` and the weights.
    pub heads: Vec<HeadInfo>,
    /// Inverse document frequency per hash bucket, `[dim]`.
    pub idf: Vec<f32>,
    /// The training loss (online learning uses it too).
    pub loss: Loss,
    /// The weights.
    pub layers: Layers,
    /// Bias per class, `[classes]`.
    pub bias: Vec<f32>,
    /// A keyword model whose logits, times its scale, are added to one head's logits: the
    /// whole model of a cold-start (`keyword`) file, the prior of a `learned+prior` one.
    pub prior: Option<KeywordPrior>,
}

impl Params {
    /// Rounds the per-bucket weight table (`w`, or `embed` of a low-rank model) to the
    /// float16 values the model file stores, so that a model in memory scores exactly as
    /// its file does. [`Model::new`](crate::model::Model::new) calls it.
    pub fn round_weights(&mut self) {
        let table = match &mut self.layers {
            Layers::Linear { w } => w,
            Layers::LowRank { embed, .. } => embed,
        };
        for v in table.iter_mut() {
            *v = to_f16(*v).to_f32();
        }
    }

    /// The number of hash buckets.
    pub fn dim(&self) -> usize {
        self.idf.len()
    }

    /// The total number of classes over all heads.
    pub fn classes(&self) -> usize {
        self.bias.len()
    }

    /// Where each head's classes start in the concatenated class axis.
    pub fn offsets(&self) -> Vec<usize> {
        let mut off = Vec::with_capacity(self.heads.len());
        let mut at = 0;
        for h in &self.heads {
            off.push(at);
            at += h.labels.len();
        }
        off
    }
}

impl Params {
    /// For each feature id, how much one unit of it raises the logit of label `best` over
    /// the mean logit of its head (labels `offset..offset + n`): what explanations rank by.
    /// Costs `n` per feature for a linear model and `2 × hidden` for a low-rank one.
    pub fn label_push(&self, ids: &[u32], offset: usize, n: usize, best: usize) -> Vec<f32> {
        self.layers.push(self.classes(), ids, offset, n, best)
    }
}

impl Layers {
    /// The name of the table the graph gathers one row from per feature: `weights` of a
    /// linear model, `embed` of a low-rank one (the initializer's name in the file).
    pub(crate) fn table_name(&self) -> &'static str {
        match self {
            Layers::Linear { .. } => "weights",
            Layers::LowRank { .. } => "embed",
        }
    }

    /// [`Params::label_push`] for these weights with `classes` classes in all.
    pub(crate) fn push(
        &self,
        classes: usize,
        ids: &[u32],
        offset: usize,
        n: usize,
        best: usize,
    ) -> Vec<f32> {
        self.push_in(None, classes, ids, offset, n, best)
    }

    /// [`Layers::push`] reading the rows of the gathered table (see
    /// [`Layers::table_name`]) from `table` when it is given: the same values held
    /// elsewhere, such as tract's copy. A `table` of another length is not used.
    pub(crate) fn push_in(
        &self,
        table: Option<&[f32]>,
        classes: usize,
        ids: &[u32],
        offset: usize,
        n: usize,
        best: usize,
    ) -> Vec<f32> {
        match self {
            Layers::Linear { w } => {
                let w = table.filter(|t| t.len() == w.len()).unwrap_or(w);
                linear_push(
                    |id| w.get(id as usize * classes..(id as usize + 1) * classes),
                    |ahead| prefetch_flat_row(w, classes, ahead),
                    ids,
                    offset,
                    n,
                    best,
                )
            }
            Layers::LowRank { hidden, embed, out } => {
                let embed = table.filter(|t| t.len() == embed.len()).unwrap_or(embed);
                low_rank_push(
                    |id| embed.get(id as usize * hidden..(id as usize + 1) * hidden),
                    out,
                    classes,
                    ids,
                    offset,
                    n,
                    best,
                )
            }
        }
    }
}

/// [`Params::label_push`] of a linear model whose row for a bucket is `row(id)`.
///
/// The rows are read in the message's order from a table of tens of MB: `prefetch` is
/// given the bucket `AHEAD` features on while this one is summed, as training's loops do.
pub(crate) fn linear_push<R: AsRef<[f32]>>(
    row: impl Fn(u32) -> Option<R>,
    prefetch: impl Fn(Option<&u32>),
    ids: &[u32],
    offset: usize,
    n: usize,
    best: usize,
) -> Vec<f32> {
    let n = n.max(1);
    ids.iter()
        .enumerate()
        .map(|(i, &id)| {
            prefetch(ids.get(i + AHEAD));
            let Some(r) = row(id) else {
                return 0.0;
            };
            over_mean(r.as_ref().get(offset..offset + n), best, n)
        })
        .collect()
}

/// `head[best]` minus the mean of the `n` values of `head` (0 for a missing row).
fn over_mean(head: Option<&[f32]>, best: usize, n: usize) -> f32 {
    let head = head.unwrap_or(&[]);
    let mean = lane_sum(head) / n as f32;
    head.get(best).map(|b| b - mean).unwrap_or(0.0)
}

/// The sum of `v`, in four running sums added at the end: a plain `sum` is one chain of
/// dependent additions, which made summing each feature's row the largest cost of an
/// explanation (20 µs of an explained 20 Newsgroups decision's 170, timed per part; 8 µs in
/// four sums, 12 µs in eight). Not bit for bit the sequential sum: a push may differ in its
/// last bits.
fn lane_sum(v: &[f32]) -> f32 {
    let mut lanes = [0f32; 4];
    let mut chunks = v.chunks_exact(4);
    for chunk in &mut chunks {
        for (lane, x) in lanes.iter_mut().zip(chunk) {
            *lane += x;
        }
    }
    let rest: f32 = chunks.remainder().iter().sum();
    (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]) + rest
}

/// [`Params::label_push`] of a low-rank model whose embedding row for a bucket is
/// `embed_row(id)` and whose output layer is the row-major `[hidden, classes]` `out`.
pub(crate) fn low_rank_push<R: AsRef<[f32]>>(
    embed_row: impl Fn(u32) -> Option<R>,
    out: &[f32],
    classes: usize,
    ids: &[u32],
    offset: usize,
    n: usize,
    best: usize,
) -> Vec<f32> {
    let n = n.max(1);
    let h = out.len().checked_div(classes).unwrap_or(0);
    // Direction in the hidden space that favours `best` over the head's mean.
    let dir: Vec<f32> = (0..h)
        .map(|k| {
            over_mean(
                out.get(k * classes + offset..k * classes + offset + n),
                best,
                n,
            )
        })
        .collect();
    ids.iter()
        .map(|&id| {
            embed_row(id)
                .map(|e| e.as_ref().iter().zip(&dir).map(|(a, b)| a * b).sum())
                .unwrap_or(0.0)
        })
        .collect()
}

impl Params {
    /// [`label_push`](Params::label_push) plus, when the keyword prior scores the head that
    /// starts at `offset`, the prior's push divided by the feature's value, so that
    /// `xn[i] × push[i]` is feature `i`'s whole contribution. `xn` are the normalised
    /// values ([`normalise`]). What explanations of a model with a prior rank by: the
    /// prior's part is not proportional to the value (a keyword counts when present).
    pub fn push_per_value(
        &self,
        ids: &[u32],
        xn: &[f32],
        offset: usize,
        n: usize,
        best: usize,
    ) -> Vec<f32> {
        self.push_per_value_in(None, ids, xn, offset, n, best)
    }

    /// [`push_per_value`](Params::push_per_value) with the gathered table's rows read
    /// from `table` when it is given (see [`Layers::push_in`]).
    pub(crate) fn push_per_value_in(
        &self,
        table: Option<&[f32]>,
        ids: &[u32],
        xn: &[f32],
        offset: usize,
        n: usize,
        best: usize,
    ) -> Vec<f32> {
        let mut out = self
            .layers
            .push_in(table, self.classes(), ids, offset, n, best);
        let offsets = self.offsets();
        let prior = self
            .prior
            .as_ref()
            .filter(|p| offsets.get(p.head()) == Some(&offset));
        if let Some(prior) = prior {
            for ((o, p), &v) in out.iter_mut().zip(prior.push(ids, xn, best)).zip(xn) {
                if v > 0.0 {
                    *o += p / v;
                }
            }
        }
        out
    }
}

/// Normalised feature values: `tf × idf`, scaled to unit L2 norm (what the graph computes).
pub fn normalise(ids: &[u32], tf: &[f32], idf: &[f32], out: &mut Vec<f32>) {
    out.clear();
    let mut sum = 0.0f32;
    for (i, (&id, &t)) in ids.iter().zip(tf).enumerate() {
        // The IDF table (1 MB at 2^18 buckets) is mostly out of cache after a step on the
        // weights, as the weight rows are (see `model::lanes`).
        if let Some(ahead) = ids.get(i + AHEAD).and_then(|&n| idf.get(n as usize)) {
            prefetch(ahead);
        }
        let v = t * idf.get(id as usize).copied().unwrap_or(0.0);
        sum += v * v;
        out.push(v);
    }
    let norm = (sum + NORM_EPS).sqrt();
    for v in out.iter_mut() {
        *v /= norm;
    }
}

/// Added under the square root of the norm so that an empty message divides by a positive
/// number; the graph uses the same constant.
pub const NORM_EPS: f32 = 1e-12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rows_push_is_its_best_value_over_its_mean_summed_in_lanes() {
        for n in 0..40usize {
            let v: Vec<f32> = (0..n)
                .map(|i| ((i * 7919) % 101) as f32 / 13.0 - 3.0)
                .collect();
            let exact: f64 = v.iter().map(|&x| f64::from(x)).sum();
            assert!((f64::from(lane_sum(&v)) - exact).abs() < 1e-4, "n = {n}");
        }
        // Two buckets of three classes; bucket 5 has no row.
        let w = [1.0f32, 2.0, 6.0, -3.0, 0.0, 0.0];
        let row = |id: u32| w.get(id as usize * 3..id as usize * 3 + 3);
        let push = linear_push(row, |_| {}, &[1, 0, 5], 0, 3, 2);
        assert_eq!(push, [1.0, 3.0, 0.0]);
    }

    #[test]
    fn softmax_gradient_sums_to_zero_and_lowers_the_others() {
        let mut g = vec![0.0; 3];
        Loss::Softmax.gradient(&[2.0, 0.0, -1.0], 1, 1.0, &mut g);
        assert!(g.iter().sum::<f32>().abs() < 1e-6, "{g:?}");
        assert!(g[1] < 0.0 && g[0] > 0.0 && g[2] > 0.0, "{g:?}");
    }

    #[test]
    fn squared_hinge_leaves_labels_past_their_margin_alone() {
        let mut g = vec![9.0; 4];
        // Label 0 is the answer: at 1.5 it is past +1; label 1 at -2 is past -1; label 2
        // at 0.5 should be below -1 (slack 1.5); label 3 at -0.5 (slack 0.5).
        Loss::SquaredHinge.gradient(&[1.5, -2.0, 0.5, -0.5], 0, 2.0, &mut g);
        assert_eq!(g, vec![0.0, 0.0, 3.0, 1.0]);
        // The answer under its margin is pushed up.
        Loss::SquaredHinge.gradient(&[0.25, -2.0, -2.0, -2.0], 0, 1.0, &mut g);
        assert_eq!(g, vec![-0.75, 0.0, 0.0, 0.0]);
        // Far on the wrong side, the slack counts as `MAX_SLACK`: the answer at -7 (slack
        // 8) and another label at 4 (slack 5) are pushed as at slack 2.
        Loss::SquaredHinge.gradient(&[-7.0, 4.0, 0.5, -2.0], 0, 1.0, &mut g);
        assert_eq!(g, vec![-MAX_SLACK, MAX_SLACK, 1.5, 0.0]);
    }

    #[test]
    fn loss_names_round_trip() {
        for l in [Loss::Softmax, Loss::SquaredHinge] {
            assert_eq!(l.as_str().parse::<Loss>().ok(), Some(l));
        }
        assert_eq!(
            "squared-hinge".parse::<Loss>().ok(),
            Some(Loss::SquaredHinge)
        );
        assert_eq!("hinge".parse::<Loss>().ok(), None);
    }
}
