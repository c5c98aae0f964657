//! [`Model`] (what training returns) and [`Classifier`] (a loaded model file, ready to
//! classify from any number of threads).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwapOption;

use crate::decision::{DecidedBy, Decision, Evidence, Fallback, HeadDecision, LabelScore};
use crate::features::{FeatureConfig, Featurizer, SparseVec};
use crate::kle::{KleCode, Level};
use crate::message::Message;
use crate::model::eval::now_rfc3339;
use crate::model::learn::{self, Kept, LearnOptions, LearnReport, Live, Normalised, Writer};
use crate::model::onnx::{self, Summary};
use crate::model::params::{normalise, HeadInfo, Params};
use crate::model::runtime::Runtime;
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
    pub fn to_onnx(&self) -> Result<Vec<u8>> {
        onnx::encode(&self.params, &self.summary)
    }

    /// Writes the model file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_onnx()?).map_err(|e| Error::from(e).context(path.display()))
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
/// waiting). Until the first correction the file's graph runs through tract; after it the
/// updated weights are scored in process with the same arithmetic, and
/// [`to_model`](Classifier::to_model) exports them as a new model file.
#[derive(Debug)]
pub struct Classifier {
    params: Params,
    summary: Summary,
    featurizer: Featurizer,
    runtime: Runtime,
    offsets: Vec<usize>,
    /// The learned copy, once a correction arrived.
    live: ArcSwapOption<Live>,
    /// Serialises corrections; holds what replay and retraining need.
    writer: Mutex<Writer>,
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
}

impl Classifier {
    /// Loads a model file.
    pub fn load(path: impl AsRef<Path>) -> Result<Classifier> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::from(e).context(path.display()))?;
        Classifier::from_bytes(&bytes).map_err(|e| e.context(path.display()))
    }

    /// Loads a model from the bytes of a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Classifier> {
        let mut decoded = onnx::decode(bytes)?;
        onnx::widen_gathered_tables(&mut decoded.proto)?;
        let head_sizes = decoded
            .params
            .heads
            .iter()
            .map(|h| h.labels.len())
            .collect();
        let runtime = Runtime::new(&decoded.proto, head_sizes)?;
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
            offsets,
            live: ArcSwapOption::const_empty(),
            writer: Mutex::new(Writer::new()),
            kle_groups,
        })
    }

    /// A classifier for an in-memory model (encodes it to ONNX and loads that, so it runs
    /// exactly what a saved file would).
    pub fn from_model(model: &Model) -> Result<Classifier> {
        Classifier::from_bytes(&model.to_onnx()?)
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
        let x = self.featurizer.featurize(msg);
        if let Some(live) = self.live.load_full() {
            return Ok(self.decide_live(&live, msg, &x, opts));
        }
        let probs = self.tract_probabilities(std::slice::from_ref(&x))?;
        Ok(self.decide_file(msg, &x, &probs, 0, opts))
    }

    /// Classifies several messages in one run of the model.
    pub fn classify_batch(
        &self,
        msgs: &[Message],
        opts: &ClassifyOptions,
    ) -> Result<Vec<Decision>> {
        let xs: Vec<SparseVec> = msgs.iter().map(|m| self.featurizer.featurize(m)).collect();
        if let Some(live) = self.live.load_full() {
            return Ok(msgs
                .iter()
                .zip(&xs)
                .map(|(m, x)| self.decide_live(&live, m, x, opts))
                .collect());
        }
        let probs = self.tract_probabilities(&xs)?;
        Ok(msgs
            .iter()
            .zip(&xs)
            .enumerate()
            .map(|(i, (m, x))| self.decide_file(m, x, &probs, i, opts))
            .collect())
    }

    /// Per head, the `n × labels` probabilities for feature vectors `xs`: from the ONNX
    /// graph run by tract, or from the learned weights once corrections arrived.
    pub fn probabilities(&self, xs: &[SparseVec]) -> Result<Vec<Vec<f32>>> {
        let Some(live) = self.live.load_full() else {
            return self.tract_probabilities(xs);
        };
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); live.heads.len()];
        for x in xs {
            self.check_ids(x)?;
            let xn = learn::normalised(x, live.idf());
            let s = live.score(&x.ids, &xn, false);
            for (h, p) in live_probs(&live, &s.logits).into_iter().enumerate() {
                out[h].extend(p);
            }
        }
        Ok(out)
    }

    fn check_ids(&self, x: &SparseVec) -> Result<()> {
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

    /// Runs the graph on `xs` in chunks of messages of similar length: a batch is padded
    /// to its longest message, and tract's matrix packing allocates and clears the padded
    /// tensor on every run, so one long post in a batch of short ones would cost as much as
    /// a batch of long posts.
    fn tract_probabilities(&self, xs: &[SparseVec]) -> Result<Vec<Vec<f32>>> {
        /// Messages per run of the graph.
        const CHUNK: usize = 32;
        let sizes: Vec<usize> = self.params.heads.iter().map(|h| h.labels.len()).collect();
        let n = xs.len();
        let mut out: Vec<Vec<f32>> = sizes.iter().map(|&k| vec![0.0; n * k]).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| xs[i].len());
        for chunk in order.chunks(CHUNK) {
            let rows: Vec<&SparseVec> = chunk.iter().map(|&i| &xs[i]).collect();
            let probs = self.run_padded(&rows)?;
            for ((o, p), &k) in out.iter_mut().zip(&probs).zip(&sizes) {
                for (r, &i) in chunk.iter().enumerate() {
                    o[i * k..(i + 1) * k].copy_from_slice(&p[r * k..(r + 1) * k]);
                }
            }
        }
        Ok(out)
    }

    /// One run of the graph on `rows`, padded with id 0 and value 0 (which add nothing).
    fn run_padded(&self, rows: &[&SparseVec]) -> Result<Vec<Vec<f32>>> {
        let l = rows.iter().map(|x| x.len()).max().unwrap_or(0).max(1);
        let n = rows.len();
        let mut ids = vec![0i64; n * l];
        let mut tf = vec![0f32; n * l];
        for (r, x) in rows.iter().enumerate() {
            self.check_ids(x)?;
            for (c, (&id, &v)) in x.ids.iter().zip(&x.vals).enumerate() {
                ids[r * l + c] = id as i64;
                tf[r * l + c] = v;
            }
        }
        self.runtime.run(ids, tf, n, l)
    }

    fn decide_file(
        &self,
        msg: &Message,
        x: &SparseVec,
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
        let mut xn = Vec::new();
        if opts.explain > 0 {
            normalise(&x.ids, &x.vals, &self.params.idf, &mut xn);
        }
        let view = View {
            heads,
            offsets: &self.offsets,
            xn: &xn,
            support: &support,
            check_support: self.summary.kind != "keyword",
        };
        let mut push = |h: usize, best: usize| {
            let n = heads[h].labels.len();
            self.params
                .push_per_value(&x.ids, &xn, self.offsets[h], n, best)
        };
        self.decide(&view, msg, x, &rows, &mut push, opts)
    }

    fn decide_live(
        &self,
        live: &Live,
        msg: &Message,
        x: &SparseVec,
        opts: &ClassifyOptions,
    ) -> Decision {
        let xn = learn::normalised(x, live.idf());
        let scores = live.score(&x.ids, &xn, opts.explain > 0);
        let probs = live_probs(live, &scores.logits);
        let rows: Vec<&[f32]> = probs.iter().map(Vec::as_slice).collect();
        let support = |c: usize| live.support(c);
        let view = View {
            heads: &live.heads,
            offsets: live.offsets(),
            xn: &xn,
            support: &support,
            check_support: self.summary.kind != "keyword",
        };
        let mut push = |h: usize, _best: usize| scores.pushes.get(h).cloned().unwrap_or_default();
        self.decide(&view, msg, x, &rows, &mut push, opts)
    }

    fn decide(
        &self,
        view: &View<'_>,
        msg: &Message,
        x: &SparseVec,
        rows: &[&[f32]],
        push: &mut dyn FnMut(usize, usize) -> Vec<f32>,
        opts: &ClassifyOptions,
    ) -> Decision {
        let mut heads = Vec::with_capacity(view.heads.len());
        for (h, info) in view.heads.iter().enumerate() {
            let p = rows.get(h).copied().unwrap_or(&[]);
            // The top k only: a KLE head has thousands of labels.
            let by_probability = |a: &usize, b: &usize| p[*b].total_cmp(&p[*a]).then(a.cmp(b));
            let mut order: Vec<usize> = (0..p.len()).collect();
            let k = opts.top_k.max(1);
            if order.len() > k {
                order.select_nth_unstable_by(k - 1, by_probability);
                order.truncate(k);
            }
            order.sort_by(by_probability);
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
            let mut abstain = top < threshold;
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
                    self.explain(msg, x, view.xn, &w, k)
                }
            };
            let fallback = if !abstain || info.name != KLE_HEAD {
                None
            } else {
                match &self.kle_groups {
                    Some((kh, groups)) if *kh == h && groups.len() == info.labels.len() => {
                        groups.fallback(p, threshold)
                    }
                    // Labels added by corrections are not in the table built at load.
                    _ => KleGroups::new(&info.labels).fallback(p, threshold),
                }
            };
            heads.push(HeadDecision {
                head: info.name.clone(),
                labels,
                abstain,
                threshold,
                reason,
                decided_by: DecidedBy::Model,
                explanation,
                fallback,
            });
        }
        Decision {
            heads,
            ..Decision::default()
        }
    }

    /// The words whose features raised the top label's logit most over the head's mean
    /// (`label_push`: per feature of `x`, its push per unit of value).
    fn explain(
        &self,
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
        let surfaces = self.featurizer.surfaces(msg);
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
        list.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.text.cmp(&b.text))
        });
        list.truncate(k);
        list
    }
}

/// Learning from corrections (see [`crate::model::learn`]).
impl Classifier {
    /// Learns from one confirmed message: `labels` are `(head, label)` pairs a person
    /// confirmed or corrected (a subset of the heads is fine). A label the model does not
    /// know yet is added to its head. Other threads keep classifying meanwhile and see
    /// either the model before this correction or after it, never a mix.
    ///
    /// Never call this with the classifier's own suggestions: a model that learns from its
    /// unconfirmed guesses reinforces its mistakes.
    ///
    /// A keyword (cold-start) model gives an error: it has no learned part to update.
    pub fn learn(&self, msg: &Message, labels: &[(&str, &str)]) -> Result<LearnReport> {
        let x = self.featurizer.featurize(msg);
        self.learn_features(x, labels)
    }

    /// [`learn`](Classifier::learn) from features made by this classifier's
    /// [`featurizer`](Classifier::featurizer) (for callers that featurise in bulk).
    pub fn learn_features(&self, x: SparseVec, labels: &[(&str, &str)]) -> Result<LearnReport> {
        self.confirmed(x, labels, true)
    }

    /// Keeps a confirmed message for replay without learning from it: give the classifier
    /// the messages its model was trained on (all, or a sample), and each correction is
    /// followed by steps on some of them as well as on earlier corrections
    /// ([`LearnOptions::replay`]).
    ///
    /// Why: a model learns online from what clerks correct, and that is rarely spread over
    /// all labels. Without its training messages to replay, a run of corrections for a few
    /// labels slowly erodes the labels that get none: on the 20 Newsgroups learning curve
    /// (`examples/learning_curve.rs`) the first group, which only the starting model had
    /// seen, fell from 100 % to 60 % recall. Remembered messages are not corrections: they
    /// do not count in [`corrections`](Classifier::corrections) and
    /// [`retrain`](crate::model::learn::retrain) does not add them (it is given its base
    /// data on its own). They share [`LearnOptions::max_kept`] with the corrections, oldest
    /// dropped first, so remember them before correcting. Their labels must be ones the
    /// model knows: only a correction adds a label.
    pub fn remember(&self, msg: &Message, labels: &[(&str, &str)]) -> Result<()> {
        let x = self.featurizer.featurize(msg);
        self.remember_features(x, labels)
    }

    /// [`remember`](Classifier::remember) from features made by this classifier's
    /// [`featurizer`](Classifier::featurizer).
    pub fn remember_features(&self, x: SparseVec, labels: &[(&str, &str)]) -> Result<()> {
        self.confirmed(x, labels, false).map(|_| ())
    }

    /// A confirmed message: learned from (`correction`) or only kept for replay.
    fn confirmed(
        &self,
        x: SparseVec,
        labels: &[(&str, &str)],
        correction: bool,
    ) -> Result<LearnReport> {
        if self.summary.kind == "keyword" {
            // Its weights are the fixed keyword table; the learned part is empty (a zero
            // rank-1 layer that gradient steps cannot move), so a correction would be
            // accepted and change nothing.
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "a keyword (cold-start) model does not learn online: train a model from the \
                 confirmed messages with the taxonomy as prior (`signatur train --data … \
                 --taxonomy …`) and correct that one",
            ));
        }
        self.check_ids(&x)?;
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| Error::new(ErrorKind::Inference, "an earlier correction panicked"))?;
        let mut live = match self.live.load_full() {
            Some(live) => live,
            None => {
                let live = Arc::new(Live::from_params(&self.params));
                self.live.store(Some(live.clone()));
                live
            }
        };
        let lr = writer
            .options
            .learning_rate
            .unwrap_or_else(|| live.default_learning_rate());
        let bias_share = writer.options.bias_share;
        if !(lr.is_finite() && lr > 0.0 && bias_share.is_finite() && bias_share >= 0.0) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "learning rate {lr} and bias share {bias_share}: the rate must be a \
                     positive number and the share a number of at least 0"
                ),
            ));
        }
        let resolved = learn::resolve(&live, labels)?;
        if !correction {
            // Only a correction may add a label: a remembered message is not one.
            if let Some((h, Err(label))) = resolved.iter().find(|(_, r)| r.is_err()) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "head {:?} has no label {label:?}: a remembered message can only \
                         carry labels the model knows (a correction can add one)",
                        live.heads[*h].name
                    ),
                ));
            }
        }
        let mut new_labels = Vec::new();
        for (h, r) in &resolved {
            if let Err(label) = r {
                let grown = Arc::new(live.grow(*h, label));
                self.live.store(Some(grown.clone()));
                live = grown;
                new_labels.push((live.heads[*h].name.clone(), label.clone()));
            }
        }
        let mut y: Vec<Option<u32>> = vec![None; live.heads.len()];
        for (h, r) in &resolved {
            y[*h] = Some(match r {
                Ok(i) => *i,
                Err(label) => live.heads[*h]
                    .labels
                    .iter()
                    .position(|l| l == label)
                    .unwrap_or(0) as u32,
            });
        }
        let kept = Kept {
            v: Arc::new(Normalised::new(x, live.idf())),
            labels: y,
            correction,
        };
        let writer = &mut *writer;
        while writer.kept.len() >= writer.options.max_kept.max(1) {
            writer.kept.pop_front();
        }
        if correction {
            let replay = writer.options.replay.min(writer.kept.len());
            let mut batch: Vec<(&Arc<Normalised>, &[Option<u32>])> = Vec::with_capacity(replay + 1);
            batch.push((&kept.v, &kept.labels));
            for _ in 0..replay {
                let i = writer.rng.below(writer.kept.len());
                if let Some(k) = writer.kept.get(i) {
                    batch.push((&k.v, &k.labels));
                }
            }
            live.learn(&batch, lr, bias_share)?;
            live.confirm(&kept.labels);
            writer.learned += 1;
        }
        writer.kept.push_back(kept);
        Ok(LearnReport {
            new_labels,
            corrections: writer.learned,
        })
    }

    /// Sets how later corrections are learned.
    pub fn set_learn_options(&self, options: LearnOptions) {
        if let Ok(mut w) = self.writer.lock() {
            w.options = options;
        }
    }

    /// Corrections learned since this classifier was loaded.
    pub fn corrections(&self) -> u64 {
        self.writer.lock().map(|w| w.learned).unwrap_or(0)
    }

    /// The model as it is now, ready to save as a new file. After corrections its summary
    /// records the lineage: `parent` is the loaded model's `trained_at`, and
    /// `corrections_since_training` counts the corrections since the last full training.
    pub fn to_model(&self) -> Result<Model> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| Error::new(ErrorKind::Inference, "an earlier correction panicked"))?;
        let Some(live) = self.live.load_full().filter(|_| writer.learned > 0) else {
            // No correction yet (remembered messages change nothing): the loaded model.
            return Ok(Model::new(self.params.clone(), self.summary.clone()));
        };
        let params = live.to_params(&self.params.features);
        let mut summary = self.summary.clone();
        summary.parent = Some(self.summary.trained_at.clone());
        summary.trained_at = now_rfc3339();
        summary.corrections_since_training += writer.learned;
        Ok(Model::new(params, summary))
    }

    /// The corrections kept by this classifier, as `(features, (head, label) pairs)`: what
    /// [`retrain`](crate::model::learn::retrain) adds to the base data.
    pub(crate) fn kept(&self) -> Vec<(SparseVec, Vec<(String, String)>)> {
        let Ok(writer) = self.writer.lock() else {
            return Vec::new();
        };
        let Some(live) = self.live.load_full() else {
            return Vec::new();
        };
        writer
            .kept
            .iter()
            .filter(|k| k.correction)
            .map(|k| {
                let labels = k
                    .labels
                    .iter()
                    .zip(&live.heads)
                    .filter_map(|(l, h)| {
                        let l = (*l)? as usize;
                        Some((h.name.clone(), h.labels.get(l)?.clone()))
                    })
                    .collect();
                (k.v.x.clone(), labels)
            })
            .collect()
    }
}

/// Per head, softmax of the live logits after the head's temperature (what the graph's
/// `Div` and `Softmax` nodes compute).
fn live_probs(live: &Live, logits: &[f32]) -> Vec<Vec<f32>> {
    live.heads
        .iter()
        .zip(live.offsets())
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

/// The head whose labels are KLE codes, and which gets hierarchical fallbacks.
pub const KLE_HEAD: &str = "kle";

/// The gruppe and hovedgruppe of each label of a KLE head, worked out once per model: a
/// decision then sums probabilities by index (the full KLE has 2,390 emner in about 600
/// grupper, and parsing and matching codes per message cost more than the model).
#[derive(Debug, Default)]
struct KleGroups {
    /// Per level (gruppe, then hovedgruppe): the distinct codes in order of first
    /// appearance, and for each label the index of its code (`None`: not a KLE code).
    levels: [(Vec<KleCode>, Vec<Option<u32>>); 2],
}

const FALLBACK_LEVELS: [Level; 2] = [Level::Gruppe, Level::Hovedgruppe];

impl KleGroups {
    fn new(labels: &[String]) -> KleGroups {
        let mut out = KleGroups::default();
        for (level, (codes, of)) in FALLBACK_LEVELS.iter().zip(out.levels.iter_mut()) {
            let mut index: HashMap<KleCode, u32> = HashMap::new();
            for label in labels {
                let code = KleCode::parse(label).ok().and_then(|c| c.at_level(*level));
                of.push(code.map(|code| {
                    *index.entry(code).or_insert_with(|| {
                        codes.push(code);
                        codes.len() as u32 - 1
                    })
                }));
            }
        }
        out
    }

    /// The number of labels this was built for.
    fn len(&self) -> usize {
        self.levels[0].1.len()
    }

    /// When the emne is uncertain: the gruppe, else the hovedgruppe, whose emner together
    /// reach `threshold` under probabilities `p` (one per label). Labels that are not KLE
    /// codes are ignored.
    fn fallback(&self, p: &[f32], threshold: f32) -> Option<Fallback> {
        for (level, (codes, of)) in FALLBACK_LEVELS.iter().zip(&self.levels) {
            let mut sums = vec![0.0f32; codes.len()];
            for (i, &prob) in of.iter().zip(p) {
                if let Some(i) = i {
                    sums[*i as usize] += prob;
                }
            }
            // `max_by` keeps the last of equal sums, as grupper appear in label order.
            if let Some((i, prob)) = sums
                .into_iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1))
            {
                if prob >= threshold {
                    return Some(Fallback {
                        level: level.as_str().to_string(),
                        code: codes[i].to_string(),
                        probability: prob.min(1.0),
                    });
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_sums_emner_of_a_gruppe() {
        let labels: Vec<String> = ["32.18.04", "32.18.08", "32.20.00", "02.00.00"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let groups = KleGroups::new(&labels);
        let f = groups.fallback(&[0.5, 0.45, 0.03, 0.02], 0.9).unwrap();
        assert_eq!((f.level.as_str(), f.code.as_str()), ("gruppe", "32.18"));
        assert!((f.probability - 0.95).abs() < 1e-6);
        let f = groups.fallback(&[0.4, 0.3, 0.25, 0.05], 0.9).unwrap();
        assert_eq!((f.level.as_str(), f.code.as_str()), ("hovedgruppe", "32"));
        assert!(groups.fallback(&[0.3, 0.2, 0.1, 0.4], 0.9).is_none());
    }
}
