//! [`Model`] (what training returns) and [`Classifier`] (a loaded model file, ready to
//! classify from any number of threads).
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use arc_swap::ArcSwapOption;

use crate::decision::{DecidedBy, Decision, Evidence, HeadDecision, LabelScore};
use crate::features::{FeatureConfig, Featurizer, SparseVec, Trace, Words};
use crate::message::Message;
use crate::model::kle_levels::{KleGroups, KLE_HEAD};
use crate::model::live::{normalised, Live};
use crate::model::onnx;
use crate::model::params::{normalise, HeadInfo, Layers, Params};
use crate::model::runtime::{self, Runtime, Shapes};
use crate::model::summary::Summary;
use crate::model::top::top_k;
use crate::model::writer::Writer;
use crate::{Error, ErrorKind, Result};

/// A trained model in memory: parameters and summary. Save it with [`Model::save`] or turn
/// it into a [`Classifier`].
#[derive(Debug, Clone)]
pub struct Model {
    params: Params,
    summary: Summary,
}

impl Model {
    /// A model from parameters and a summary. The weight table is rounded to the float16
    /// the file stores ([`Params::round_weights`]).
    pub fn new(mut params: Params, summary: Summary) -> Model {
        params.round_weights();
        Model { params, summary }
    }

    /// The parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The summary.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    pub(crate) fn summary_mut(&mut self) -> &mut Summary {
        &mut self.summary
    }

    /// The model as ONNX bytes.
    ///
    /// The bytes are read back with the checks loading makes first: `Params` is public, and
    /// [`Model::save`] replaces a working file, so a model that loading would refuse (a
    /// table of the wrong size, a temperature out of range, a head without labels) is an
    /// error here, not a file.
    pub fn to_onnx(&self) -> Result<Vec<u8>> {
        let bytes = onnx::encode(&self.params, &self.summary)?;
        onnx::decode(&bytes).map_err(|e| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("the model would not load: {}", e.message()),
            )
        })?;
        Ok(bytes)
    }

    /// Writes the model file atomically: a temporary file beside it, flushed to disk and
    /// renamed over `path`. A crash or a full disk leaves the old file as it was, never half
    /// a model; on failure the error says so.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::model::file::write_atomic(path.as_ref(), &self.to_onnx()?)
    }
}

/// Options for one classification.
#[derive(Debug, Clone)]
pub struct ClassifyOptions {
    /// How many labels per head to return.
    pub top_k: usize,
    /// How many evidence words per head (0: no explanation, which is faster).
    pub explain: usize,
    /// Run-time abstain thresholds per head name, overriding the trained ones.
    pub thresholds: HashMap<String, f32>,
    /// A learned head is "not ready" for a label until this many confirmed messages of it
    /// were seen (in training or as corrections): below that its probability is not
    /// calibrated, so the head abstains and says why. Keyword (cold-start) models, which
    /// have no confirmed messages by design, are exempt.
    pub min_support: u64,
}

/// The default of [`ClassifyOptions::min_support`].
pub const MIN_SUPPORT: u64 = 3;

impl Default for ClassifyOptions {
    fn default() -> ClassifyOptions {
        ClassifyOptions {
            top_k: 3,
            explain: 5,
            thresholds: HashMap::new(),
            min_support: MIN_SUPPORT,
        }
    }
}

/// A loaded model, ready to classify, and to learn from corrections.
///
/// Load once and share (`Send + Sync`; wrap it in an `Arc` for threads): loading builds an
/// optimised tract plan, which costs far more than a classification.
///
/// [`learn`](Classifier::learn) updates the model in place while other threads keep
/// classifying (see [`crate::model::learn`] for how readers stay consistent without
/// waiting). Until the first correction the model's graph runs through tract; after it the
/// updated weights are scored in process with the same arithmetic, and
/// [`to_model`](Classifier::to_model) exports them as a new model file.
#[derive(Debug)]
pub struct Classifier {
    pub(super) params: Params,
    pub(super) summary: Summary,
    pub(super) featurizer: Featurizer,
    runtime: Runtime,
    /// Whether tract's graph takes the normalised values (`xn`) rather than the term
    /// frequencies (`onnx::feed_normalised`): the message is then normalised here, with the
    /// parameters' IDF vector, before the run.
    feeds_normalised: bool,
    offsets: Vec<usize>,
    /// The learned copy, once a correction arrived.
    pub(super) live: ArcSwapOption<Live>,
    /// Serialises corrections; holds what replay and retraining need.
    pub(super) writer: Mutex<Writer>,
    /// The `kle` head's index and its labels' grupper, for fallbacks.
    kle_groups: Option<(usize, KleGroups)>,
}

/// The view of a model that a decision is built from: the file's or the live one.
struct View<'a> {
    heads: &'a [HeadInfo],
    offsets: &'a [usize],
    /// The message's normalised feature values (empty when no explanation is asked for).
    xn: &'a [f32],
    support: &'a dyn Fn(usize) -> u64,
    check_support: bool,
    /// The `kle` head's grupper and hovedgrupper, for the heads as they are here.
    kle_groups: Option<&'a (usize, KleGroups)>,
}

impl Classifier {
    /// Loads a model file.
    pub fn load(path: impl AsRef<Path>) -> Result<Classifier> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::from(e).context(path.display()))?;
        Classifier::from_bytes(&bytes).map_err(|e| e.context(path.display()))
    }

    /// Loads a model from the bytes of a model file.
    ///
    /// tract runs the graph this version writes for the parameters read from the file (and
    /// checked by the reader), not the graph stored in the file, and without the nodes
    /// that normalise the values: those run in Rust (`params::normalise`, the same
    /// arithmetic), and tract is fed their result (`onnx::feed_normalised`, issue #18).
    /// For a file this version wrote the two are the same graph (`onnx` tests); a file
    /// from an older version runs as this version writes it (format 1's float32 weight
    /// table rounded to float16, as the in-process scorer has it too), and a file whose
    /// graph was damaged or edited cannot reach tract with, say, a node that reads another
    /// tier's table (the `model` fuzz target found such a file making tract index out of
    /// bounds while it ran). A graph that is not well-formed (see `runtime::check_graph`)
    /// is refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<Classifier> {
        let mut decoded = onnx::decode(bytes)?;
        // A graph that no ONNX runtime could run (an output or input nothing defines) is a
        // damaged file, refused as such even though tract will not run it.
        runtime::check_graph(&decoded.proto)?;
        decoded.params.round_weights();
        let mut proto = onnx::model_proto(&decoded.params, &decoded.summary)?;
        onnx::widen_gathered_tables(&mut proto)?;
        let feeds_normalised = onnx::feed_normalised(&mut proto);
        let head_sizes = decoded
            .params
            .heads
            .iter()
            .map(|h| h.labels.len())
            .collect();
        // Plans per message length help a linear model without a keyword or ranker prior
        // only (see `FIXED_LENGTHS`).
        let shapes = match (&decoded.params.layers, &decoded.params.prior) {
            (Layers::Linear { .. }, None) => Shapes::PerLength,
            _ => Shapes::Symbolic,
        };
        let layers = &decoded.params.layers;
        let runtime = Runtime::new(&proto, head_sizes, layers.table_name(), shapes)?;
        let featurizer = Featurizer::new(&decoded.params.features)?;
        let offsets = decoded.params.offsets();
        let kle_groups = decoded
            .params
            .heads
            .iter()
            .position(|h| h.name == KLE_HEAD)
            .map(|h| (h, KleGroups::new(&decoded.params.heads[h].labels)));
        Ok(Classifier {
            params: decoded.params,
            summary: decoded.summary,
            featurizer,
            runtime,
            feeds_normalised,
            offsets,
            live: ArcSwapOption::const_empty(),
            writer: Mutex::new(Writer::new()),
            kle_groups,
        })
    }

    /// A classifier for an in-memory model (encodes it to ONNX and loads that, so it runs
    /// exactly what a saved file would).
    pub fn from_model(model: &Model) -> Result<Classifier> {
        // `from_bytes` makes the checks `to_onnx` would read the bytes back for.
        Classifier::from_bytes(&onnx::encode(&model.params, &model.summary)?)
    }

    /// The heads, with labels, calibration and thresholds, as in the file (labels added
    /// by corrections are in [`current_heads`](Classifier::current_heads)).
    pub fn heads(&self) -> &[HeadInfo] {
        &self.params.heads
    }

    /// The heads as they are now: with labels added by corrections and the counts of
    /// confirmed messages per label (training plus corrections).
    pub fn current_heads(&self) -> Vec<HeadInfo> {
        match self.live.load_full() {
            None => self.params.heads.clone(),
            Some(live) => {
                let mut heads = live.heads.clone();
                for (h, head) in heads.iter_mut().enumerate() {
                    for (i, c) in head.counts.iter_mut().enumerate() {
                        *c = live.support(live.offsets()[h] + i);
                    }
                }
                heads
            }
        }
    }

    /// Whether tract is fed values normalised here (`onnx::feed_normalised`).
    #[cfg(test)]
    pub(crate) fn feeds_normalised(&self) -> bool {
        self.feeds_normalised
    }

    /// The training summary stored in the file.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The feature configuration stored in the file.
    pub fn feature_config(&self) -> &FeatureConfig {
        &self.params.features
    }

    /// The parameters read back from the file.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The featurizer this model uses.
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// Classifies one message with default options.
    pub fn classify(&self, msg: &Message) -> Result<Decision> {
        self.classify_with(msg, &ClassifyOptions::default())
    }

    /// Classifies one message.
    pub fn classify_with(&self, msg: &Message, opts: &ClassifyOptions) -> Result<Decision> {
        let (x, trace) = self.featurize(msg, opts);
        let traced = Traced { msg, trace: &trace };
        if let Some(live) = self.live.load_full() {
            return Ok(self.decide_live(&live, &traced, &x, opts));
        }
        let mut xn = Vec::new();
        let probs = self.run_one(&x, &mut xn)?;
        Ok(self.decide_file(&traced, &x, xn, &probs, 0, opts))
    }

    /// The features of `msg`, traced back to its words when an explanation is asked for
    /// (featurised once either way).
    fn featurize(&self, msg: &Message, opts: &ClassifyOptions) -> (SparseVec, Trace) {
        if opts.explain > 0 {
            self.featurizer.trace(msg)
        } else {
            (self.featurizer.featurize(msg), Trace::default())
        }
    }

    /// Classifies several messages (one run of the model each: see
    /// `tract_probabilities`).
    pub fn classify_batch(
        &self,
        msgs: &[Message],
        opts: &ClassifyOptions,
    ) -> Result<Vec<Decision>> {
        let (xs, traces): (Vec<SparseVec>, Vec<Trace>) =
            msgs.iter().map(|m| self.featurize(m, opts)).unzip();
        let traced = msgs
            .iter()
            .zip(&traces)
            .map(|(msg, trace)| Traced { msg, trace });
        if let Some(live) = self.live.load_full() {
            return Ok(traced
                .zip(&xs)
                .map(|(t, x)| self.decide_live(&live, &t, x, opts))
                .collect());
        }
        // An explanation reads each message's normalised values: kept from its run.
        let mut xns = Vec::with_capacity(if opts.explain > 0 { xs.len() } else { 0 });
        let probs = self.run_each(&xs, |xn| {
            if opts.explain > 0 {
                xns.push(xn.to_vec());
            }
        })?;
        let mut xns = xns.into_iter();
        Ok(traced
            .zip(&xs)
            .enumerate()
            .map(|(i, (t, x))| {
                let xn = xns.next().unwrap_or_default();
                self.decide_file(&t, x, xn, &probs, i, opts)
            })
            .collect())
    }

    /// Per head, the `n × labels` probabilities for feature vectors `xs`: from the ONNX
    /// graph run by tract, or in process (with the same arithmetic) from the learned weights
    /// once corrections arrived.
    pub fn probabilities(&self, xs: &[SparseVec]) -> Result<Vec<Vec<f32>>> {
        let Some(live) = self.live.load_full() else {
            return self.tract_probabilities(xs);
        };
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); live.heads.len()];
        for x in xs {
            self.check_ids(x)?;
            let xn = normalised(x, live.idf());
            let s = live.score(&x.ids, &xn, false);
            for (h, p) in s.probs.into_iter().enumerate() {
                out[h].extend(p);
            }
        }
        Ok(out)
    }

    /// Per head, the `n × labels` probabilities for `xs` from the file's ONNX graph run by
    /// tract, whatever [`probabilities`](Classifier::probabilities) uses: what checks
    /// that the file computes what the library does. (The graph's first seven nodes, the
    /// IDF weighting and L2 normalisation, run in Rust: see `from_bytes`.)
    pub fn graph_probabilities(&self, xs: &[SparseVec]) -> Result<Vec<Vec<f32>>> {
        self.tract_probabilities(xs)
    }

    /// Whether tract has made a plan for some single message's length (see
    /// `runtime::FIXED_LENGTHS`), for tests.
    #[cfg(test)]
    pub(crate) fn made_length_plans(&self) -> bool {
        !self.runtime.fixed_lengths_made().is_empty()
    }

    pub(super) fn check_ids(&self, x: &SparseVec) -> Result<()> {
        if x.ids.len() != x.vals.len() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("{} feature ids but {} values", x.ids.len(), x.vals.len()),
            ));
        }
        // A NaN or infinite value would make every probability NaN, and a correction would
        // write NaN into the weights for good.
        if let Some(v) = x.vals.iter().find(|v| !v.is_finite()) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("feature value {v} is not a finite number"),
            ));
        }
        match x.ids.iter().find(|&&id| id as usize >= self.params.dim()) {
            Some(&bad) => Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "feature id {bad} outside the model's {} buckets",
                    self.params.dim()
                ),
            )),
            None => Ok(()),
        }
    }

    /// Runs the graph once per message. A single message runs through a plan made for its
    /// length (see `Runtime::run`), and one message per run is also the fastest way
    /// through a batch: on a 20 Newsgroups model, 1,000 posts took 41–44 µs each one at a
    /// time against 110–114 µs each in padded runs of 32 posts of similar length (what this
    /// replaced), and on `kle_stress`'s low-rank model, which has no such plans, 110–112
    /// µs against 160–161 µs (issue #18, stop 31).
    fn tract_probabilities(&self, xs: &[SparseVec]) -> Result<Vec<Vec<f32>>> {
        self.run_each(xs, |_| {})
    }

    /// [`tract_probabilities`](Classifier::tract_probabilities), showing `each` the
    /// normalised values of each message in turn, as its run leaves them.
    fn run_each(&self, xs: &[SparseVec], mut each: impl FnMut(&[f32])) -> Result<Vec<Vec<f32>>> {
        let mut out: Vec<Vec<f32>> = self
            .params
            .heads
            .iter()
            .map(|h| Vec::with_capacity(xs.len() * h.labels.len()))
            .collect();
        let mut xn = Vec::new();
        for x in xs {
            for (o, p) in out.iter_mut().zip(self.run_one(x, &mut xn)?) {
                o.extend(p);
            }
            each(&xn);
        }
        Ok(out)
    }

    /// One run of the graph on `x`; a message without features gets one of id 0 and value
    /// 0, which adds nothing. `xn` is left holding the normalised values of `x` (what an
    /// explanation of this message reads).
    fn run_one(&self, x: &SparseVec, xn: &mut Vec<f32>) -> Result<Vec<Vec<f32>>> {
        self.check_ids(x)?;
        let l = x.len().max(1);
        self.runtime.prefetch_rows(&x.ids);
        let mut ids: Vec<i64> = Vec::with_capacity(l);
        ids.extend(x.ids.iter().map(|&id| i64::from(id)));
        normalise(&x.ids, &x.vals, &self.params.idf, xn);
        let mut vals = Vec::with_capacity(l);
        vals.extend_from_slice(if self.feeds_normalised { xn } else { &x.vals });
        ids.resize(l, 0);
        vals.resize(l, 0.0);
        self.runtime.run(ids, vals, 1, l)
    }

    /// The decision for row `row` of a run's `probs`. `xn`: the normalised values of `x`
    /// that its run left (`run_one`), which an explanation reads; callers that do not
    /// explain may pass them empty.
    fn decide_file(
        &self,
        msg: &Traced<'_>,
        x: &SparseVec,
        mut xn: Vec<f32>,
        probs: &[Vec<f32>],
        row: usize,
        opts: &ClassifyOptions,
    ) -> Decision {
        let heads = &self.params.heads;
        let rows: Vec<&[f32]> = heads
            .iter()
            .enumerate()
            .map(|(h, info)| {
                let n = info.labels.len();
                probs
                    .get(h)
                    .and_then(|p| p.get(row * n..(row + 1) * n))
                    .unwrap_or(&[])
            })
            .collect();
        let support = |c: usize| {
            let h = self.offsets.iter().rposition(|&o| o <= c).unwrap_or(0);
            heads[h]
                .counts
                .get(c - self.offsets[h])
                .copied()
                .unwrap_or(0)
        };
        if opts.explain == 0 {
            xn.clear();
        } else if xn.len() != x.len() {
            // Not from this message's run (every caller passes them): computed again
            // rather than explained with the wrong values.
            normalise(&x.ids, &x.vals, &self.params.idf, &mut xn);
        }
        let view = View {
            heads,
            offsets: &self.offsets,
            xn: &xn,
            support: &support,
            check_support: !self.summary.is_cold_start(),
            kle_groups: self.kle_groups.as_ref(),
        };
        let mut push = |h: usize, best: usize| {
            let n = heads[h].labels.len();
            // The rows tract has just gathered, from its copy of the table: in cache.
            self.params.push_per_value_in(
                self.runtime.gathered_table(),
                &x.ids,
                &xn,
                self.offsets[h],
                n,
                best,
            )
        };
        self.decide(&view, msg, &rows, &mut push, opts)
    }

    fn decide_live(
        &self,
        live: &Live,
        msg: &Traced<'_>,
        x: &SparseVec,
        opts: &ClassifyOptions,
    ) -> Decision {
        let xn = normalised(x, live.idf());
        let scores = live.score(&x.ids, &xn, opts.explain > 0);
        let rows: Vec<&[f32]> = scores.probs.iter().map(Vec::as_slice).collect();
        let support = |c: usize| live.support(c);
        let view = View {
            heads: &live.heads,
            offsets: live.offsets(),
            xn: &xn,
            support: &support,
            check_support: !self.summary.is_cold_start(),
            kle_groups: live.kle_groups.as_ref(),
        };
        // The pushes are towards each head's top label as `decide` ranks it (`Live::read`).
        let mut push = |h: usize, _best: usize| scores.pushes.get(h).cloned().unwrap_or_default();
        self.decide(&view, msg, &rows, &mut push, opts)
    }

    fn decide(
        &self,
        view: &View<'_>,
        msg: &Traced<'_>,
        rows: &[&[f32]],
        push: &mut dyn FnMut(usize, usize) -> Vec<f32>,
        opts: &ClassifyOptions,
    ) -> Decision {
        let mut heads = Vec::with_capacity(view.heads.len());
        // Resolved once per message, for however many heads explain.
        let words = OnceCell::new();
        for (h, info) in view.heads.iter().enumerate() {
            let p = rows.get(h).copied().unwrap_or(&[]);
            // The top k only: a KLE head has thousands of labels.
            let k = opts.top_k.max(1);
            let order = top_k(p, k);
            let labels: Vec<LabelScore> = order
                .iter()
                .map(|&i| LabelScore {
                    label: info.labels[i].clone(),
                    probability: p[i],
                })
                .collect();
            let threshold = opts
                .thresholds
                .get(&info.name)
                .copied()
                .unwrap_or(info.threshold);
            let top = labels.first().map(|l| l.probability).unwrap_or(0.0);
            // Written so that a NaN probability or threshold abstains.
            let sure = top >= threshold;
            let mut abstain = !sure;
            let mut reason = abstain
                .then(|| format!("top probability {top:.3} is under the threshold {threshold:.3}"));
            if let (true, Some(&best)) = (view.check_support, order.first()) {
                let seen = (view.support)(view.offsets[h] + best);
                if seen < opts.min_support {
                    abstain = true;
                    reason = Some(format!(
                        "not ready: label {:?} has {seen} confirmed message(s), {} are needed \
                         before its probability is calibrated",
                        info.labels[best], opts.min_support
                    ));
                }
            }
            let explanation = match (opts.explain, order.first()) {
                (0, _) | (_, None) => Vec::new(),
                (k, Some(&best)) => {
                    let w = push(h, best);
                    let words = words.get_or_init(|| msg.trace.words(msg.msg));
                    explain(words, view.xn, &w, k)
                }
            };
            // Built for these heads (at load, or with the live copy a new label made); a
            // table that does not fit is built here, which should not happen.
            let built;
            let groups = match view.kle_groups {
                _ if info.name != KLE_HEAD => None,
                Some((kh, groups)) if *kh == h && groups.len() == info.labels.len() => Some(groups),
                _ => {
                    built = KleGroups::new(&info.labels);
                    Some(&built)
                }
            };
            let (levels, fallback) = groups.map_or_else(
                || (Vec::new(), None),
                |g| g.rank(p, &labels, k, abstain.then_some(threshold)),
            );
            heads.push(HeadDecision {
                head: info.name.clone(),
                labels,
                abstain,
                threshold,
                reason,
                decided_by: DecidedBy::Model,
                explanation,
                fallback,
                levels,
            });
        }
        Decision {
            heads,
            ..Decision::default()
        }
    }
}

/// The explanation as it was computed before [`Trace`]: featurise the message again with
/// every surface and aggregate in hash maps. Kept as the reference that the trace must
/// match exactly (`eval::explain_reference`).
#[cfg(test)]
pub(crate) fn explain_reference(
    featurizer: &Featurizer,
    msg: &Message,
    x: &SparseVec,
    xn: &[f32],
    label_push: &[f32],
    k: usize,
) -> Vec<Evidence> {
    let push: HashMap<u32, f32> = x
        .ids
        .iter()
        .zip(xn)
        .zip(label_push)
        .map(|((&id, &v), &w)| (id, v * w))
        .collect();
    let surfaces = featurizer.surfaces(msg);
    let mut per_id: HashMap<u32, u32> = HashMap::new();
    for s in &surfaces {
        *per_id.entry(s.id).or_insert(0) += 1;
    }
    let mut totals: HashMap<(&str, crate::features::Field), f32> = HashMap::new();
    for s in &surfaces {
        if let (Some(&w), Some(&c)) = (push.get(&s.id), per_id.get(&s.id)) {
            *totals.entry((s.text.as_str(), s.field)).or_insert(0.0) += w / c as f32;
        }
    }
    let mut list: Vec<Evidence> = totals
        .into_iter()
        .filter(|(_, w)| *w > 0.0)
        .map(|((text, field), weight)| Evidence {
            text: text.to_string(),
            field,
            weight,
        })
        .collect();
    // Ties by text, then field, as `Words::top`: a word's total in two fields can be the
    // same number (an address's domain in `Sender` and `Headers`), and the map's order is
    // random.
    list.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.text.cmp(&b.text))
            .then_with(|| (a.field as u8).cmp(&(b.field as u8)))
    });
    list.truncate(k);
    list
}

/// A message and, when it is explained, the trace of its features back to its words.
struct Traced<'a> {
    msg: &'a Message,
    trace: &'a Trace,
}

/// The words whose features raised the top label's logit most over the head's mean
/// (`label_push`: per feature, its push per unit of value; `xn`: the normalised values).
/// A feature's contribution is shared evenly among its occurrences, and a word's weight
/// is the sum over its occurrences.
fn explain(words: &Words<'_>, xn: &[f32], label_push: &[f32], k: usize) -> Vec<Evidence> {
    let contribution: Vec<f32> = xn.iter().zip(label_push).map(|(v, w)| v * w).collect();
    words
        .top(&contribution, k)
        .into_iter()
        .map(|(text, field, weight)| Evidence {
            text,
            field,
            weight,
        })
        .collect()
}
