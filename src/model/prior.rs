//! The keyword prior as a model holds it: per hashed feature, up to `K` weighted emner,
//! scored in the same graph as the learned weights.
//!
//! This module owns the tables, their checks when a file is read, and the arithmetic the
//! graph does with them (for the live scorer and explanations). How the tables are built
//! from a KLE taxonomy is training's business (`crate::train::keyword`); this module must
//! not import `crate::train` or `crate::eval`.

use std::collections::{BTreeMap, HashMap};

use crate::{Error, ErrorKind, Result};

/// The most emner one feature may point to ([`KeywordOptions::per_feature`](crate::train::KeywordOptions::per_feature)).
pub const MAX_PER_FEATURE: usize = 64;

/// The most labels a keyword prior can score (two bytes of emne index).
pub const MAX_LABELS: usize = 256 * 256;

/// What building a keyword prior did: counts, never text.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KeywordStats {
    /// Emner scored.
    pub emner: u64,
    /// Keywords read (including titles used as keywords).
    pub keywords: u64,
    /// Keywords left out because they hold a long number (a number class such as `#n8`
    /// would match every such number), only numbers, or only stop words.
    pub skipped_keywords: u64,
    /// Hash buckets with at least one emne.
    pub features: u64,
    /// Hash buckets left out because they pointed to too many emner alike.
    pub ambiguous_features: u64,
    /// (feature, emne) pairs kept.
    pub entries: u64,
}

/// A keyword scorer over hashed features: per feature, up to `K` (emne, weight) pairs.
///
/// It scores one head (the `kle` head) of a model: on its own it is the cold-start model
/// ([`keyword_model`](crate::train::keyword_model)); in a learned model it is the prior whose logits, times
/// [`scale`](KeywordPrior::scale), are added to that head's logits in the same graph.
#[derive(Debug, Clone, PartialEq)]
pub struct KeywordPrior {
    head: usize,
    labels: usize,
    k: usize,
    /// Per hash bucket, its row (0: the empty row).
    slot: Vec<u32>,
    /// `[rows × k]` label index per entry.
    class: Vec<u16>,
    /// `[rows × k]` weight per entry (0 for unused entries).
    weight: Vec<f32>,
    scale: f32,
    stats: KeywordStats,
}

/// The per-entry weight a keyword feature gets before pruning.
pub(crate) type Pending = HashMap<u32, Vec<(u16, f32)>>;

impl KeywordPrior {
    /// Lays out the tables from each bucket's candidate `(label, weight)` entries: a bucket
    /// with more than `k` keeps those strictly heavier than its `k+1`-th (no arbitrary cut
    /// among equals), and `stats` is completed with what was kept. Scale 1.
    pub(crate) fn from_pending(
        head: usize,
        labels: usize,
        k: usize,
        dim: usize,
        pending: Pending,
        mut stats: KeywordStats,
    ) -> KeywordPrior {
        let sorted: BTreeMap<u32, Vec<(u16, f32)>> = pending.into_iter().collect();
        let mut slot = vec![0u32; dim];
        let mut class = vec![0u16; k];
        let mut weight = vec![0f32; k];
        for (id, mut entries) in sorted {
            entries.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            if entries.len() > k {
                let cut = entries[k].1;
                entries.retain(|e| e.1 > cut);
            }
            if entries.is_empty() {
                stats.ambiguous_features += 1;
                continue;
            }
            let Some(s) = slot.get_mut(id as usize) else {
                continue;
            };
            *s = (class.len() / k) as u32;
            stats.entries += entries.len() as u64;
            for j in 0..k {
                let (c, w) = entries.get(j).copied().unwrap_or((0, 0.0));
                class.push(c);
                weight.push(w);
            }
        }
        KeywordPrior {
            head,
            labels,
            k,
            slot,
            class,
            weight,
            scale: 1.0,
            stats,
        }
    }

    /// Adds the prior's logits, times [`scale`](KeywordPrior::scale), for one message to
    /// `out`: the logits of this prior's head only (its `labels()` entries, i.e. that head's
    /// slice of a model's class axis; extra entries are left alone, missing ones skipped).
    ///
    /// `ids` are the message's feature ids and `xnorm` their values as the graph computes
    /// them: `tf × idf`, L2-normalised ([`crate::model::params::normalise`]). Only whether a
    /// value is above zero counts. The same arithmetic as the ONNX graph; ids outside the
    /// model's buckets are ignored.
    pub fn add_logits(&self, ids: &[u32], xnorm: &[f32], out: &mut [f32]) {
        for (&id, &x) in ids.iter().zip(xnorm) {
            if x <= 0.0 {
                continue;
            }
            let row = self.slot.get(id as usize).copied().unwrap_or(0) as usize;
            if row == 0 {
                continue;
            }
            let k = self.k;
            let (Some(cs), Some(ws)) = (
                self.class.get(row * k..(row + 1) * k),
                self.weight.get(row * k..(row + 1) * k),
            ) else {
                continue;
            };
            for (&c, &w) in cs.iter().zip(ws) {
                if let Some(o) = out.get_mut(c as usize) {
                    *o += self.scale * w;
                }
            }
        }
    }

    /// For each feature, how much it raises the logit of label `best` over the mean logit
    /// of the head: what explanations rank by (0 for a feature that is absent).
    pub fn push(&self, ids: &[u32], xnorm: &[f32], best: usize) -> Vec<f32> {
        let n = self.labels.max(1) as f32;
        ids.iter()
            .zip(xnorm)
            .map(|(&id, &x)| {
                if x <= 0.0 {
                    return 0.0;
                }
                let row = self.slot.get(id as usize).copied().unwrap_or(0) as usize;
                let k = self.k;
                let cs = self.class.get(row * k..(row + 1) * k).unwrap_or(&[]);
                let ws = self.weight.get(row * k..(row + 1) * k).unwrap_or(&[]);
                let (mut to_best, mut total) = (0.0, 0.0);
                for (&c, &w) in cs.iter().zip(ws) {
                    total += w;
                    if c as usize == best {
                        to_best += w;
                    }
                }
                self.scale * (to_best - total / n)
            })
            .collect()
    }

    /// Makes room for one more label at the end of the head (a label learned online, which
    /// has no keywords).
    pub fn add_label(&mut self) {
        if self.labels < MAX_LABELS {
            self.labels += 1;
        }
    }

    /// The index of the head this prior scores, in the model's heads.
    pub fn head(&self) -> usize {
        self.head
    }

    /// The number of labels of that head.
    pub fn labels(&self) -> usize {
        self.labels
    }

    /// `K`: entries per feature.
    pub fn per_feature(&self) -> usize {
        self.k
    }

    /// The factor the keyword scores are multiplied by before they are added to the head's
    /// logits (1 in a keyword model, chosen on held-out data in a learned one).
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Sets the scale (must be finite and >= 0; other values leave it unchanged).
    pub fn set_scale(&mut self, scale: f32) {
        if scale.is_finite() && scale >= 0.0 {
            self.scale = scale;
        }
    }

    /// What building it did.
    pub fn stats(&self) -> &KeywordStats {
        &self.stats
    }

    /// The number of hash buckets it covers (the model's `2^bits`).
    pub fn dim(&self) -> usize {
        self.slot.len()
    }

    /// Rows of entries, including the empty row 0.
    pub fn rows(&self) -> usize {
        self.class.len() / self.k.max(1)
    }

    /// The tables as stored in the model file: per bucket its row, and per row `K`
    /// (label, weight) pairs.
    pub(crate) fn tables(&self) -> (&[u32], &[u16], &[f32]) {
        (&self.slot, &self.class, &self.weight)
    }

    /// A prior from the tables of a model file, after checking them.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_tables(
        head: usize,
        labels: usize,
        k: usize,
        scale: f32,
        slot: Vec<u32>,
        class: Vec<u16>,
        weight: Vec<f32>,
        stats: KeywordStats,
    ) -> Result<KeywordPrior> {
        let bad = |m: String| Err(Error::new(ErrorKind::InvalidModel, m));
        if !(1..=MAX_PER_FEATURE).contains(&k) || labels == 0 || labels > MAX_LABELS {
            return bad(format!("{k} entries per feature for {labels} labels"));
        }
        if class.len() != weight.len() || class.is_empty() || !class.len().is_multiple_of(k) {
            return bad(format!(
                "{} labels and {} weights for {k} per row",
                class.len(),
                weight.len()
            ));
        }
        let rows = class.len() / k;
        if let Some(s) = slot.iter().find(|&&s| s as usize >= rows) {
            return bad(format!("row {s} of {rows}"));
        }
        if let Some((c, w)) = class
            .iter()
            .zip(&weight)
            .find(|(&c, &w)| !w.is_finite() || (w != 0.0 && c as usize >= labels))
        {
            return bad(format!("entry (label {c}, weight {w}) for {labels} labels"));
        }
        if !(scale.is_finite() && scale >= 0.0) {
            return bad(format!("scale {scale}"));
        }
        Ok(KeywordPrior {
            head,
            labels,
            k,
            slot,
            class,
            weight,
            scale,
            stats,
        })
    }
}
