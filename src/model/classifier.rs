//! [`Model`] (what training returns) and [`Classifier`] (a loaded model file, ready to
//! classify from any number of threads).

use std::collections::HashMap;
use std::path::Path;

use crate::decision::{DecidedBy, Decision, Evidence, Fallback, HeadDecision, LabelScore};
use crate::features::{FeatureConfig, Featurizer, SparseVec};
use crate::kle::{KleCode, Level};
use crate::message::Message;
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
    /// A model from parameters and a summary.
    pub fn new(params: Params, summary: Summary) -> Model {
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
}

impl Default for ClassifyOptions {
    fn default() -> ClassifyOptions {
        ClassifyOptions {
            top_k: 3,
            explain: 5,
            thresholds: HashMap::new(),
        }
    }
}

/// A loaded model, ready to classify.
///
/// Load once and share (`Send + Sync`; wrap it in an `Arc` for threads): loading builds an
/// optimised tract plan, which costs far more than a classification.
#[derive(Debug)]
pub struct Classifier {
    params: Params,
    summary: Summary,
    featurizer: Featurizer,
    runtime: Runtime,
    offsets: Vec<usize>,
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
        let decoded = onnx::decode(bytes)?;
        let head_sizes = decoded
            .params
            .heads
            .iter()
            .map(|h| h.labels.len())
            .collect();
        let runtime = Runtime::new(&decoded.proto, head_sizes)?;
        let featurizer = Featurizer::new(&decoded.params.features)?;
        let offsets = decoded.params.offsets();
        Ok(Classifier {
            params: decoded.params,
            summary: decoded.summary,
            featurizer,
            runtime,
            offsets,
        })
    }

    /// A classifier for an in-memory model (encodes it to ONNX and loads that, so it runs
    /// exactly what a saved file would).
    pub fn from_model(model: &Model) -> Result<Classifier> {
        Classifier::from_bytes(&model.to_onnx()?)
    }

    /// The heads, with labels, calibration and thresholds.
    pub fn heads(&self) -> &[HeadInfo] {
        &self.params.heads
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
        let probs = self.probabilities(std::slice::from_ref(&x))?;
        Ok(self.decide(msg, &x, &probs, 0, opts))
    }

    /// Classifies several messages in one run of the model.
    pub fn classify_batch(
        &self,
        msgs: &[Message],
        opts: &ClassifyOptions,
    ) -> Result<Vec<Decision>> {
        let xs: Vec<SparseVec> = msgs.iter().map(|m| self.featurizer.featurize(m)).collect();
        let probs = self.probabilities(&xs)?;
        Ok(msgs
            .iter()
            .zip(&xs)
            .enumerate()
            .map(|(i, (m, x))| self.decide(m, x, &probs, i, opts))
            .collect())
    }

    /// Per head, the `n × labels` probabilities for feature vectors `xs`, from the ONNX
    /// graph run by tract.
    pub fn probabilities(&self, xs: &[SparseVec]) -> Result<Vec<Vec<f32>>> {
        if xs.is_empty() {
            return Ok(vec![Vec::new(); self.params.heads.len()]);
        }
        let l = xs.iter().map(SparseVec::len).max().unwrap_or(0).max(1);
        let n = xs.len();
        let mut ids = vec![0i64; n * l];
        let mut tf = vec![0f32; n * l];
        for (r, x) in xs.iter().enumerate() {
            if let Some(&bad) = x.ids.iter().find(|&&id| id as usize >= self.params.dim()) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "feature id {bad} outside the model's {} buckets",
                        self.params.dim()
                    ),
                ));
            }
            for (c, (&id, &v)) in x.ids.iter().zip(&x.vals).enumerate() {
                ids[r * l + c] = id as i64;
                tf[r * l + c] = v;
            }
        }
        self.runtime.run(ids, tf, n, l)
    }

    fn decide(
        &self,
        msg: &Message,
        x: &SparseVec,
        probs: &[Vec<f32>],
        row: usize,
        opts: &ClassifyOptions,
    ) -> Decision {
        let mut heads = Vec::with_capacity(self.params.heads.len());
        let mut contributions: Option<(Vec<f32>, Vec<f32>)> = None;
        for (h, info) in self.params.heads.iter().enumerate() {
            let n = info.labels.len();
            let p = probs
                .get(h)
                .and_then(|p| p.get(row * n..(row + 1) * n))
                .unwrap_or(&[]);
            let mut order: Vec<usize> = (0..p.len()).collect();
            order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
            let labels: Vec<LabelScore> = order
                .iter()
                .take(opts.top_k.max(1))
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
            let abstain = top < threshold;
            let reason = abstain
                .then(|| format!("top probability {top:.3} is under the threshold {threshold:.3}"));
            let explanation = match (opts.explain, order.first()) {
                (0, _) | (_, None) => Vec::new(),
                (k, Some(&best)) => {
                    let (xn, _) = contributions.get_or_insert_with(|| {
                        let mut xn = Vec::new();
                        normalise(&x.ids, &x.vals, &self.params.idf, &mut xn);
                        (xn, Vec::new())
                    });
                    self.explain(msg, x, xn, self.offsets[h], n, best, k)
                }
            };
            let fallback = if abstain && info.name == KLE_HEAD {
                kle_fallback(&info.labels, p, threshold)
            } else {
                None
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

    /// The words whose features raised label `best`'s logit most over the head's mean.
    #[allow(clippy::too_many_arguments)]
    fn explain(
        &self,
        msg: &Message,
        x: &SparseVec,
        xn: &[f32],
        offset: usize,
        n: usize,
        best: usize,
        k: usize,
    ) -> Vec<Evidence> {
        let push: HashMap<u32, f32> = x
            .ids
            .iter()
            .zip(xn)
            .zip(self.params.push_per_value(&x.ids, xn, offset, n, best))
            .map(|((&id, &v), w)| (id, v * w))
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

/// The head whose labels are KLE codes, and which gets hierarchical fallbacks.
pub const KLE_HEAD: &str = "kle";

/// When the emne is uncertain: the gruppe, else the hovedgruppe, whose emner together reach
/// `threshold`. Labels that are not KLE codes are ignored.
fn kle_fallback(labels: &[String], p: &[f32], threshold: f32) -> Option<Fallback> {
    for level in [Level::Gruppe, Level::Hovedgruppe] {
        let mut sums: Vec<(KleCode, f32)> = Vec::new();
        for (label, &prob) in labels.iter().zip(p) {
            let Some(code) = KleCode::parse(label).ok().and_then(|c| c.at_level(level)) else {
                continue;
            };
            match sums.iter_mut().find(|(c, _)| *c == code) {
                Some((_, s)) => *s += prob,
                None => sums.push((code, prob)),
            }
        }
        if let Some((code, prob)) = sums.into_iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
            if prob >= threshold {
                return Some(Fallback {
                    level: level.as_str().to_string(),
                    code: code.to_string(),
                    probability: prob.min(1.0),
                });
            }
        }
    }
    None
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
        let f = kle_fallback(&labels, &[0.5, 0.45, 0.03, 0.02], 0.9).unwrap();
        assert_eq!((f.level.as_str(), f.code.as_str()), ("gruppe", "32.18"));
        assert!((f.probability - 0.95).abs() < 1e-6);
        let f = kle_fallback(&labels, &[0.4, 0.3, 0.25, 0.05], 0.9).unwrap();
        assert_eq!((f.level.as_str(), f.code.as_str()), ("hovedgruppe", "32"));
        assert!(kle_fallback(&labels, &[0.3, 0.2, 0.1, 0.4], 0.9).is_none());
    }
}
