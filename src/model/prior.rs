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

/// A keyword scorer over hashed features: per feature, a row of weighted labels.
///
/// It scores one head (the `kle` head) of a model: on its own it is the cold-start model
/// ([`keyword_model`](crate::train::keyword_model), [`ranker_model`](crate::train::ranker_model));
/// in a learned model it is the prior whose logits, times [`scale`](KeywordPrior::scale),
/// are added to that head's logits in the same graph.
///
/// Two forms:
/// - the **keyword** form (format 2, or 5 in a learned model with the shared word space):
///   one table of `K` (label, weight) entries per row, and
///   a feature counts when present (its normalised value is above zero);
/// - the **ranker** form (format 4, or 5 as above, [`KeywordPrior::is_ranker`]): rows in tiers of
///   different `K` (most rows need few entries), a feature counts with its normalised
///   value, and the table's labels are the head's emner followed by *group* columns (the
///   grupper and hovedgrupper), so that an emne's score is its own column plus those of its
///   gruppe and hovedgruppe.
#[derive(Debug, Clone, PartialEq)]
pub struct KeywordPrior {
    head: usize,
    labels: usize,
    /// Per hash bucket, `row × tiers + tier` (row 0 of every tier is empty).
    slot: Vec<u32>,
    tiers: Vec<Tier>,
    /// Whether a feature counts with its normalised value (ranker) or when present.
    value: bool,
    /// Ranker form: per label, its three table columns (own, gruppe, hovedgruppe); the
    /// column [`Self::columns`]` - 1` is always zero (labels added later point there).
    cols: Vec<[u32; 3]>,
    /// Ranker form: table columns, including the zero column.
    columns: usize,
    scale: f32,
    stats: KeywordStats,
}

/// One tier of a prior's table: `[rows × k]` entries, row 0 empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// Entries per row.
    pub k: usize,
    /// `[rows × k]` table column per entry.
    pub class: Vec<u16>,
    /// `[rows × k]` weight per entry (0 for unused entries).
    pub weight: Vec<f32>,
}

impl Tier {
    /// Rows, including the empty row 0.
    pub fn rows(&self) -> usize {
        self.class.len() / self.k.max(1)
    }

    fn row(&self, row: usize) -> (&[u16], &[f32]) {
        let k = self.k;
        (
            self.class.get(row * k..(row + 1) * k).unwrap_or(&[]),
            self.weight.get(row * k..(row + 1) * k).unwrap_or(&[]),
        )
    }
}

/// A ranker-form prior's layout, as the builder hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct RankerTables {
    /// Per hash bucket, `row × tiers + tier`.
    pub slot: Vec<u32>,
    /// The tiers (row 0 of each empty).
    pub tiers: Vec<Tier>,
    /// Per label, its own, gruppe and hovedgruppe column.
    pub cols: Vec<[u32; 3]>,
    /// Table columns, the last one zero.
    pub columns: usize,
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
        let tier = Tier { k, class, weight };
        KeywordPrior::keyword_form(head, labels, slot, tier, 1.0, stats)
    }

    /// A keyword-form prior of one table, unchecked.
    fn keyword_form(
        head: usize,
        labels: usize,
        slot: Vec<u32>,
        tier: Tier,
        scale: f32,
        stats: KeywordStats,
    ) -> KeywordPrior {
        KeywordPrior {
            head,
            labels,
            slot,
            tiers: vec![tier],
            value: false,
            cols: Vec::new(),
            columns: 0,
            scale,
            stats,
        }
    }

    /// A ranker-form prior (scale 1) from its tables, after checking them.
    pub fn from_ranker(
        head: usize,
        labels: usize,
        tables: RankerTables,
        stats: KeywordStats,
    ) -> Result<KeywordPrior> {
        KeywordPrior::checked(KeywordPrior {
            head,
            labels,
            slot: tables.slot,
            tiers: tables.tiers,
            value: true,
            cols: tables.cols,
            columns: tables.columns,
            scale: 1.0,
            stats,
        })
    }

    /// Whether this is the ranker form (value input, tiers, group columns).
    pub fn is_ranker(&self) -> bool {
        self.value
    }

    /// The entries of bucket `id`'s row: (table columns, weights); empty when none.
    fn entries(&self, id: u32) -> (&[u16], &[f32]) {
        let s = self.slot.get(id as usize).copied().unwrap_or(0) as usize;
        let t = self.tiers.len().max(1);
        match self.tiers.get(s % t) {
            Some(tier) if s / t > 0 => tier.row(s / t),
            _ => (&[], &[]),
        }
    }

    /// What a present feature of normalised value `x` multiplies its entries by.
    fn input(&self, x: f32) -> f32 {
        if self.value {
            x
        } else {
            1.0
        }
    }

    /// Adds `scale × input × weight` of each entry of each present feature to `out` at the
    /// entry's column (columns outside `out` are skipped).
    fn accumulate(&self, ids: &[u32], xnorm: &[f32], out: &mut [f32], scale: f32) {
        for (&id, &x) in ids.iter().zip(xnorm) {
            if x <= 0.0 {
                continue;
            }
            let v = scale * self.input(x);
            let (cs, ws) = self.entries(id);
            for (&c, &w) in cs.iter().zip(ws) {
                if let Some(o) = out.get_mut(c as usize) {
                    *o += v * w;
                }
            }
        }
    }

    /// The table's scores (one per column) of a message: ranker form only.
    fn table_scores(&self, ids: &[u32], xnorm: &[f32]) -> Vec<f32> {
        let mut s = vec![0.0f32; self.columns];
        self.accumulate(ids, xnorm, &mut s, 1.0);
        s
    }

    /// The raw scores of the emner (labels) from the table scores of [`Self::table_scores`]:
    /// own column plus gruppe and hovedgruppe columns.
    fn label_scores<'a>(&'a self, s: &'a [f32]) -> impl Iterator<Item = f32> + 'a {
        let at = |c: u32| s.get(c as usize).copied().unwrap_or(0.0);
        (0..self.labels).map(move |l| match self.cols.get(l) {
            Some(&[a, b, c]) => at(a) + at(b) + at(c),
            None => 0.0,
        })
    }

    /// Adds the prior's logits, times [`scale`](KeywordPrior::scale), for one message to
    /// `out`: the logits of this prior's head only (its `labels()` entries, i.e. that head's
    /// slice of a model's class axis; extra entries are left alone, missing ones skipped).
    ///
    /// `ids` are the message's feature ids and `xnorm` their values as the graph computes
    /// them: `tf × idf`, L2-normalised ([`crate::model::params::normalise`]). In the keyword
    /// form only whether a value is above zero counts; in the ranker form the value
    /// multiplies the feature's entries. The same arithmetic as the ONNX graph; ids outside
    /// the model's buckets are ignored.
    pub fn add_logits(&self, ids: &[u32], xnorm: &[f32], out: &mut [f32]) {
        self.add_scaled(ids, xnorm, out, self.scale);
    }

    fn add_scaled(&self, ids: &[u32], xnorm: &[f32], out: &mut [f32], scale: f32) {
        if self.value {
            let s = self.table_scores(ids, xnorm);
            for (o, v) in out.iter_mut().zip(self.label_scores(&s)) {
                *o += scale * v;
            }
        } else {
            self.accumulate(ids, xnorm, out, scale);
        }
    }

    /// The prior's scores of one message, unscaled, one per label: what
    /// [`add_logits`](KeywordPrior::add_logits) adds at scale 1.
    pub fn scores(&self, ids: &[u32], xnorm: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0; self.labels];
        self.add_scaled(ids, xnorm, &mut out, 1.0);
        out
    }

    /// For each feature, how much it raises the logit of label `best` over the mean logit
    /// of the head: what explanations rank by (0 for a feature that is absent).
    pub fn push(&self, ids: &[u32], xnorm: &[f32], best: usize) -> Vec<f32> {
        let n = self.labels.max(1) as f32;
        // Ranker form: how many labels each column reaches (a gruppe column counts once per
        // emne of the gruppe), and which columns reach `best`.
        let mut reach = vec![0.0f32; self.columns];
        for cols in &self.cols {
            for &c in cols {
                if let Some(r) = reach.get_mut(c as usize) {
                    *r += 1.0;
                }
            }
        }
        let own = self.cols.get(best).copied();
        ids.iter()
            .zip(xnorm)
            .map(|(&id, &x)| {
                if x <= 0.0 {
                    return 0.0;
                }
                let (cs, ws) = self.entries(id);
                let (mut to_best, mut total) = (0.0, 0.0);
                for (&c, &w) in cs.iter().zip(ws) {
                    match own {
                        Some(cols) => {
                            total += w * reach.get(c as usize).copied().unwrap_or(0.0);
                            to_best += w * cols.iter().filter(|&&b| b == c as u32).count() as f32;
                        }
                        None => {
                            total += w;
                            if c as usize == best {
                                to_best += w;
                            }
                        }
                    }
                }
                self.scale * self.input(x) * (to_best - total / n)
            })
            .collect()
    }

    /// Makes room for one more label at the end of the head (a label learned online, which
    /// has no keywords).
    pub fn add_label(&mut self) {
        if self.labels < MAX_LABELS {
            self.labels += 1;
            if self.value {
                let zero = self.columns.saturating_sub(1) as u32;
                self.cols.push([zero; 3]);
            }
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

    /// `K`: the most entries one feature has (the widest tier's).
    pub fn per_feature(&self) -> usize {
        self.tiers.iter().map(|t| t.k).max().unwrap_or(0)
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

    /// Rows of entries over all tiers, including each tier's empty row 0.
    pub fn rows(&self) -> usize {
        self.tiers.iter().map(Tier::rows).sum()
    }

    /// The tables as stored in the model file: per bucket its slot (`row × tiers + tier`),
    /// and the tiers.
    pub(crate) fn tables(&self) -> (&[u32], &[Tier]) {
        (&self.slot, &self.tiers)
    }

    /// Ranker form: per label its three table columns, and the number of columns.
    pub(crate) fn columns(&self) -> (&[[u32; 3]], usize) {
        (&self.cols, self.columns)
    }

    /// A keyword-form prior from the tables of a model file, after checking them.
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
        if !(1..=MAX_PER_FEATURE).contains(&k) {
            return Err(Error::new(
                ErrorKind::InvalidModel,
                format!("{k} entries per feature"),
            ));
        }
        let tier = Tier { k, class, weight };
        KeywordPrior::checked(KeywordPrior::keyword_form(
            head, labels, slot, tier, scale, stats,
        ))
    }

    /// A ranker-form prior from the tables of a model file, after checking them.
    pub(crate) fn ranker_from_tables(
        head: usize,
        labels: usize,
        scale: f32,
        tables: RankerTables,
        stats: KeywordStats,
    ) -> Result<KeywordPrior> {
        let mut p = KeywordPrior::from_ranker(head, labels, tables, stats)?;
        if !(scale.is_finite() && scale >= 0.0) {
            return Err(Error::new(
                ErrorKind::InvalidModel,
                format!("scale {scale}"),
            ));
        }
        p.scale = scale;
        Ok(p)
    }

    /// Checks the tables' shapes and indices.
    fn checked(p: KeywordPrior) -> Result<KeywordPrior> {
        let bad = |m: String| Err(Error::new(ErrorKind::InvalidModel, m));
        let labels = p.labels;
        if labels == 0 || labels > MAX_LABELS || p.tiers.is_empty() || p.tiers.len() > 16 {
            return bad(format!("{} tiers for {labels} labels", p.tiers.len()));
        }
        // Labels of the keyword form; table columns of the ranker form.
        let width = if p.value { p.columns } else { labels };
        if p.value
            && (p.cols.len() != labels
                || width == 0
                || width > MAX_LABELS
                || p.cols.iter().flatten().any(|&c| c as usize >= width))
        {
            return bad(format!(
                "{} column triples for {labels} labels and {width} columns",
                p.cols.len()
            ));
        }
        for (i, t) in p.tiers.iter().enumerate() {
            let ok = t.k >= 1
                && t.k <= 4 * MAX_PER_FEATURE
                && t.class.len() == t.weight.len()
                && !t.class.is_empty()
                && t.class.len().is_multiple_of(t.k);
            if !ok {
                return bad(format!(
                    "tier {i}: {} labels and {} weights for {} per row",
                    t.class.len(),
                    t.weight.len(),
                    t.k
                ));
            }
            // Every entry's label, padding (weight 0) too: the graph adds each entry into
            // its label's cell whatever the weight, so a padding entry past the table is
            // an index out of bounds in tract (the `model` fuzz target found one).
            if let Some((c, w)) = t
                .class
                .iter()
                .zip(&t.weight)
                .find(|(&c, &w)| !w.is_finite() || c as usize >= width)
            {
                return bad(format!("entry (label {c}, weight {w}) for {width} labels"));
            }
            // Row 0 is every feature's without a row of its own: the graph gathers it for
            // them, the in-process scorer skips it, so a weight there would make the two
            // disagree.
            if t.weight.iter().take(t.k).any(|&w| w != 0.0) {
                return bad(format!("tier {i}: row 0 has a weight"));
            }
        }
        let n = p.tiers.len();
        if let Some(s) = p.slot.iter().find(|&&s| {
            let s = s as usize;
            p.tiers.get(s % n).is_none_or(|t| s / n >= t.rows())
        }) {
            return bad(format!("slot {s} outside the tables"));
        }
        if !(p.scale.is_finite() && p.scale >= 0.0) {
            return bad(format!("scale {}", p.scale));
        }
        Ok(p)
    }
}
