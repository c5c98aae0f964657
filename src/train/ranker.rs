//! The KLE ranker: a cold-start model (and a learned `kle` head's prior) built from all the
//! text a taxonomy has, ranking emner by the IDF-weighted overlap of a message with each
//! emne's keywords and titles and with those of its gruppe and hovedgruppe.
//!
//! The design and its measurements are in `docs/kle-ranker.md` (design "C5"); in short:
//! - **documents**: an emne's document is the set of features (the featuriser's stemmed
//!   words, bigrams and character n-grams, so compounds match by their parts) of its
//!   keywords, its title and, from KL's XML, its guidance text; a feature's value is
//!   `max(1, units)^0.25` of the heaviest keyword holding it (presence, mildly weighted). A
//!   gruppe's document is the sum of its emner's plus twice its title's L2-normalised
//!   features, a hovedgruppe's likewise;
//! - **IDF over the taxonomy**: `ln((N + 1) / (df + 1)) + 1` over the `N` emner documents
//!   (words found everywhere, such as `behandling`, count little); features of no document
//!   get IDF 0, so they do not dilute a message's normalised vector;
//! - **profiles**: `idf · d / ‖idf ⊙ d‖^0.3` (a partial length normalisation), at most
//!   [`RankerOptions::per_kind`] labels of each kind per feature, the largest kept;
//! - **score**: `s_e = x·P_e + 0.1 x·P_gruppe(e) + 0.05 x·P_hovedgruppe(e)` with `x` the
//!   message's IDF-weighted, L2-normalised features; probabilities `softmax(s / T)`.
//!
//! Features are hashed. An emne's document is built in the body's buckets; the subject's
//! and attachment text's buckets of the same feature point to the same table row, and a
//! bucket that two features share (a hash collision) gets the sum of their rows.
//!
//! Part of `train`: uses `crate::model`; must not import `crate::eval`.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::features::{FeatureConfig, Featurizer, Field};
use crate::kle::{KleCode, Level, Taxonomy};
use crate::message::{Attachment, Body, Message};
use crate::model::params::to_f16;
use crate::model::prior::{KeywordPrior, KeywordStats, RankerTables, Tier};
use crate::model::Model;
use crate::train::keyword::{attachment_template, emne_labels, prior_only_model, units};
use crate::{Error, ErrorKind, Result};

/// How a ranker is built. `Default` is design C5 of `docs/kle-ranker.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct RankerOptions {
    /// A feature's value in an emne's document is `max(1, units)^this` of its heaviest
    /// keyword (0: presence alone).
    pub keyword_power: f32,
    /// Profiles are divided by their L2 norm to this power (1: cosine; 0: none).
    pub length_power: f32,
    /// Weight of the gruppe's profile in an emne's score.
    pub gruppe: f32,
    /// Weight of the hovedgruppe's profile in an emne's score.
    pub hovedgruppe: f32,
    /// A gruppe's or hovedgruppe's title in its document, in units of one emne's document.
    pub group_title_share: f32,
    /// The most labels of one kind (emner, grupper, hovedgrupper) one feature points to;
    /// the heaviest are kept.
    pub per_kind: usize,
    /// Row widths of the table's tiers, ascending; a row goes to the narrowest that holds
    /// it (the widest must hold `3 × per_kind`, or rows are cut to it, lightest first).
    /// Half the rows of OS2KLE have at most 6 entries and 1 % more than 150: doubling
    /// widths waste little padding (the file is 19 MB, against 22 MB with `[4, 16, 64,
    /// 192]`).
    pub tiers: Vec<usize>,
    /// Leave out emner marked outdated.
    pub skip_outdated: bool,
    /// Use KL's guidance text (`kle-xml:`) in an emne's document.
    pub guidance: bool,
    /// Emner whose own titles are left out of their documents: the title protocol
    /// (`examples/kle_titles.rs`) classifies those titles. Empty for a real model.
    pub leave_out_titles: HashSet<KleCode>,
}

impl Default for RankerOptions {
    fn default() -> RankerOptions {
        RankerOptions {
            keyword_power: 0.25,
            length_power: 0.3,
            gruppe: 0.1,
            hovedgruppe: 0.05,
            group_title_share: 2.0,
            per_kind: 64,
            tiers: vec![2, 4, 8, 16, 32, 64, 128, 192],
            skip_outdated: true,
            guidance: true,
            leave_out_titles: HashSet::new(),
        }
    }
}

/// The temperature of a ranker's head, fitted on the dev half of the title protocol
/// (`cargo run --release --example kle_titles`, emne-level log-loss).
pub const RANKER_TEMPERATURE: f32 = 0.6;

/// The abstain threshold of a ranker's head: a level is suggested when its probability
/// reaches it.
pub const RANKER_THRESHOLD: f32 = 0.9;

/// The featuriser configuration a ranker model uses: character 4- and 5-grams at weight
/// 0.2 (docs/kle-ranker.md, B4) over 2^20 buckets, which keeps hash collisions among the
/// taxonomy's features rare (see `examples/kle_titles.rs`).
pub fn ranker_features() -> FeatureConfig {
    FeatureConfig {
        hash_bits: 20,
        char_weight: 0.2,
        ..FeatureConfig::for_keywords()
    }
}

/// `Tandpleje i almindelighed` → `Tandpleje`: KLE's title of a gruppe's own emne, used as
/// the gruppe's title where the taxonomy has none (OS2KLE).
pub fn strip_general(title: &str) -> &str {
    const GENERAL: &str = "i almindelighed";
    let t = title.trim_end();
    let cut = t.len().saturating_sub(GENERAL.len());
    match t.get(cut..) {
        Some(end) if end.eq_ignore_ascii_case(GENERAL) => {
            t[..cut].trim_end().trim_end_matches('-').trim_end()
        }
        _ => t,
    }
}

/// Sparse features of one text in the body's buckets, with the subject's and attachment
/// text's bucket of each.
struct Texts {
    fz: Featurizer,
    template: Attachment,
    /// Body bucket → the other fields' buckets of the same feature.
    others: HashMap<u32, [u32; 2]>,
}

impl Texts {
    /// The featuriser's (body) features of `text`: (bucket, value).
    fn features(&mut self, text: &str) -> Vec<(u32, f32)> {
        let body = Message {
            body: Body {
                text: text.to_string(),
                new_text: text.to_string(),
                ..Body::default()
            },
            ..Message::default()
        };
        let subject = Message {
            subject: text.to_string(),
            ..Message::default()
        };
        let attachment = Message {
            attachments: vec![Attachment {
                name: None,
                text: Some(text.to_string()),
                ..self.template.clone()
            }],
            ..Message::default()
        };
        let seq = |m: &Message, f: Field| -> Vec<u32> {
            self.fz
                .raw_surfaces(m)
                .into_iter()
                .filter(|s| s.field == f)
                .map(|s| s.id)
                .collect()
        };
        let b = seq(&body, Field::Body);
        let s = seq(&subject, Field::Subject);
        let a = seq(&attachment, Field::AttachmentText);
        if b.len() == s.len() && b.len() == a.len() {
            for ((&b, &s), &a) in b.iter().zip(&s).zip(&a) {
                self.others.entry(b).or_insert([s, a]);
            }
        }
        let x = self.fz.featurize(&body);
        x.ids.into_iter().zip(x.vals).collect()
    }

    /// The features of `text`, L2-normalised.
    fn unit(&mut self, text: &str) -> Vec<(u32, f32)> {
        let mut f = self.features(text);
        let n = f.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if n > 0.0 {
            for (_, v) in f.iter_mut() {
                *v /= n;
            }
        }
        f
    }
}

/// What [`build_ranker`] makes: the prior (over `labels`) and the per-bucket IDF.
pub struct Ranker {
    /// The table, scale 1.
    pub prior: KeywordPrior,
    /// Per bucket, the taxonomy IDF (0 for buckets of no document).
    pub idf: Vec<f32>,
}

/// Builds the ranker of `taxonomy` for head number `head` whose labels are `labels` (KLE
/// emne codes; labels that are not emner of the taxonomy get no entries). Every emne of the
/// taxonomy (outdated ones left out unless asked) counts for the IDF and its gruppe's and
/// hovedgruppe's documents, whether or not it is a label.
pub fn build_ranker(
    taxonomy: &Taxonomy,
    features: &FeatureConfig,
    head: usize,
    labels: &[String],
    opts: &RankerOptions,
) -> Result<Ranker> {
    features.validate()?;
    // The rows are the taxonomy's words where they stand, not the shared word space
    // (`FeatureConfig::without_shared_words`).
    let features = &features.without_shared_words();
    let bad = |m: String| Err(Error::new(ErrorKind::InvalidInput, m));
    if labels.is_empty() || labels.len() > 60_000 {
        return bad(format!(
            "a ranker scores 1 to 60000 labels, not {}",
            labels.len()
        ));
    }
    if opts.per_kind == 0 || opts.tiers.is_empty() || opts.tiers.len() > 16 {
        return bad("per_kind and the tiers must be non-empty (at most 16 tiers)".into());
    }
    let finite = [
        opts.keyword_power,
        opts.length_power,
        opts.gruppe,
        opts.hovedgruppe,
        opts.group_title_share,
    ];
    if finite.iter().any(|v| !v.is_finite() || *v < 0.0) {
        return bad(format!(
            "ranker weights must be finite and >= 0: {finite:?}"
        ));
    }
    let mut texts = Texts {
        fz: Featurizer::new(features)?,
        template: attachment_template()?,
        others: HashMap::new(),
    };
    let emner: Vec<_> = taxonomy
        .emner()
        .filter(|e| !(opts.skip_outdated && taxonomy.is_outdated(&e.code)))
        .collect();
    if emner.is_empty() {
        return bad("the taxonomy has no emner (NN.NN.NN)".into());
    }
    let mut stats = KeywordStats {
        emner: emner.len() as u64,
        ..KeywordStats::default()
    };
    // Emner documents: bucket → value.
    let mut docs: Vec<HashMap<u32, f32>> = Vec::with_capacity(emner.len());
    for e in &emner {
        let mut best: HashMap<u32, f32> = HashMap::new();
        let mut add = |texts: &mut Texts, text: &str, u: f32| {
            for (f, _) in texts.features(text) {
                let v = best.entry(f).or_insert(u);
                *v = v.max(u);
            }
        };
        for k in &e.keywords {
            stats.keywords += 1;
            if k.weight == 0 {
                stats.skipped_keywords += 1;
                continue;
            }
            add(&mut texts, &k.text, units(k.weight));
        }
        if let Some(t) = e
            .title
            .as_ref()
            .filter(|_| !opts.leave_out_titles.contains(&e.code))
        {
            add(&mut texts, strip_general(t), 1.0);
        }
        if opts.guidance {
            if let Some(g) = &e.guidance {
                add(&mut texts, g, 1.0);
            }
        }
        docs.push(
            best.into_iter()
                .map(|(f, u)| (f, u.max(1.0).powf(opts.keyword_power)))
                .collect(),
        );
    }
    // IDF over the emner documents.
    let n = emner.len() as f32;
    let mut df: HashMap<u32, u32> = HashMap::new();
    for d in &docs {
        for &f in d.keys() {
            *df.entry(f).or_default() += 1;
        }
    }
    let idf_of: HashMap<u32, f32> = df
        .iter()
        .map(|(&f, &c)| (f, ((n + 1.0) / (c as f32 + 1.0)).ln() + 1.0))
        .collect();
    // Grupper and hovedgrupper: codes, documents (sum of their emner's) and titles.
    let mut groups: [BTreeMap<KleCode, HashMap<u32, f32>>; 2] = Default::default();
    for (e, d) in emner.iter().zip(&docs) {
        for (i, level) in [Level::Gruppe, Level::Hovedgruppe].into_iter().enumerate() {
            if let Some(code) = e.code.at_level(level) {
                let g = groups[i].entry(code).or_default();
                for (&f, &v) in d {
                    *g.entry(f).or_default() += v;
                }
            }
        }
    }
    for (i, level) in [Level::Gruppe, Level::Hovedgruppe].into_iter().enumerate() {
        let codes: Vec<KleCode> = groups[i].keys().copied().collect();
        for code in codes {
            let Some(title) = group_title(taxonomy, &code, level) else {
                continue;
            };
            let g = groups[i].entry(code).or_default();
            for (f, v) in texts.unit(&title) {
                *g.entry(f).or_default() += opts.group_title_share * v;
            }
        }
    }
    // Table columns: the labels, then the grupper, the hovedgrupper, and a zero column.
    let c = labels.len();
    let gruppe_col: HashMap<KleCode, u32> = groups[0]
        .keys()
        .enumerate()
        .map(|(i, k)| (*k, (c + i) as u32))
        .collect();
    let hoved_col: HashMap<KleCode, u32> = groups[1]
        .keys()
        .enumerate()
        .map(|(i, k)| (*k, (c + groups[0].len() + i) as u32))
        .collect();
    let columns = c + groups[0].len() + groups[1].len() + 1;
    if columns > u16::MAX as usize {
        return bad(format!("{columns} table columns are more than a u16 holds"));
    }
    let zero = (columns - 1) as u32;
    let doc_of: HashMap<KleCode, usize> =
        emner.iter().enumerate().map(|(i, e)| (e.code, i)).collect();
    let mut cols = Vec::with_capacity(c);
    // Profiles per kind: bucket → [(column, weight)].
    let mut kinds: [HashMap<u32, Vec<(u32, f32)>>; 3] = Default::default();
    let profile =
        |d: &HashMap<u32, f32>, weight: f32, col: u32, out: &mut HashMap<u32, Vec<(u32, f32)>>| {
            // Summed in bucket order: a hash map's order changes from process to process,
            // and so did the last bits of the norm and, after rounding to float16, some
            // weights of the same taxonomy's ranker.
            let mut terms: Vec<(u32, f32)> = d
                .iter()
                .map(|(f, v)| (*f, (idf_of.get(f).copied().unwrap_or(0.0) * v).powi(2)))
                .collect();
            terms.sort_unstable_by_key(|&(f, _)| f);
            let sq: f32 = terms.iter().map(|&(_, t)| t).sum();
            if sq <= 0.0 || weight <= 0.0 {
                return;
            }
            let norm = sq.sqrt().powf(opts.length_power);
            for (f, v) in d {
                let w = weight * idf_of.get(f).copied().unwrap_or(0.0) * v / norm;
                if w > 0.0 {
                    out.entry(*f).or_default().push((col, w));
                }
            }
        };
    for (l, label) in labels.iter().enumerate() {
        let code = KleCode::parse(label).ok();
        let doc = code.and_then(|k| doc_of.get(&k).copied());
        let g = code
            .and_then(|k| k.at_level(Level::Gruppe))
            .and_then(|k| gruppe_col.get(&k).copied());
        let h = code
            .and_then(|k| k.at_level(Level::Hovedgruppe))
            .and_then(|k| hoved_col.get(&k).copied());
        match doc {
            Some(i) => {
                profile(&docs[i], 1.0, l as u32, &mut kinds[0]);
                cols.push([l as u32, g.unwrap_or(zero), h.unwrap_or(zero)]);
            }
            None => cols.push([zero; 3]),
        }
    }
    for (code, d) in &groups[0] {
        profile(d, opts.gruppe, gruppe_col[code], &mut kinds[1]);
    }
    for (code, d) in &groups[1] {
        profile(d, opts.hovedgruppe, hoved_col[code], &mut kinds[2]);
    }
    // Rows per body bucket: the heaviest `per_kind` of each kind.
    let mut rows: HashMap<u32, Vec<(u32, f32)>> = HashMap::new();
    for kind in kinds {
        for (f, mut e) in kind {
            if e.len() > opts.per_kind {
                e.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                e.truncate(opts.per_kind);
            }
            rows.entry(f).or_default().extend(e);
        }
    }
    stats.features = rows.len() as u64;
    // Every bucket a feature has (body, subject, attachment text) → the rows it gets; a
    // bucket of two features sums their rows.
    let mut claims: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &f in rows.keys() {
        claims.entry(f).or_default().push(f);
        if let Some(others) = texts.others.get(&f) {
            for &b in others {
                claims.entry(b).or_default().push(f);
            }
        }
    }
    let dim = features.dim();
    let mut idf = vec![0.0f32; dim];
    let widest = *opts.tiers.iter().max().unwrap_or(&1);
    let t = opts.tiers.len();
    let mut tiers: Vec<Tier> = opts
        .tiers
        .iter()
        .map(|&k| Tier {
            k,
            class: vec![0; k],
            weight: vec![0.0; k],
        })
        .collect();
    let mut slot = vec![0u32; dim];
    // A feature's row is laid out once and shared by its buckets.
    let mut placed: HashMap<Vec<u32>, u32> = HashMap::new();
    for (bucket, mut fs) in claims {
        fs.sort_unstable();
        fs.dedup();
        if fs.len() > 1 {
            stats.ambiguous_features += 1;
        }
        let Some(s) = slot.get_mut(bucket as usize) else {
            continue;
        };
        idf[bucket as usize] = fs
            .iter()
            .filter_map(|f| idf_of.get(f))
            .copied()
            .fold(f32::INFINITY, f32::min);
        if let Some(&at) = placed.get(&fs) {
            *s = at;
            continue;
        }
        let mut entries: Vec<(u32, f32)> = Vec::new();
        for f in &fs {
            for &(col, w) in &rows[f] {
                match entries.iter_mut().find(|(c, _)| *c == col) {
                    Some((_, old)) => *old += w,
                    None => entries.push((col, w)),
                }
            }
        }
        entries.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        entries.truncate(widest);
        let Some(ti) = opts.tiers.iter().position(|&k| k >= entries.len()) else {
            continue;
        };
        let tier = &mut tiers[ti];
        let row = tier.rows();
        stats.entries += entries.len() as u64;
        for j in 0..tier.k {
            let (col, w) = entries.get(j).copied().unwrap_or((0, 0.0));
            tier.class.push(col as u16);
            // Stored as float16 in the file: rounded here so memory and file agree.
            tier.weight.push(to_f16(w).to_f32());
        }
        let at = (row * t + ti) as u32;
        placed.insert(fs, at);
        *s = at;
    }
    for v in idf.iter_mut().filter(|v| !v.is_finite()) {
        *v = 0.0;
    }
    let prior = KeywordPrior::from_ranker(
        head,
        c,
        RankerTables {
            slot,
            tiers,
            cols,
            columns,
        },
        stats,
    )?;
    Ok(Ranker { prior, idf })
}

/// The title of a gruppe or hovedgruppe: its own, else that of its `NN.NN.00` (or
/// `NN.00.00`) emne without "i almindelighed".
fn group_title(taxonomy: &Taxonomy, code: &KleCode, level: Level) -> Option<String> {
    if let Some(t) = taxonomy.title(code) {
        return Some(t.to_string());
    }
    let general = match level {
        Level::Gruppe => format!("{code}.00"),
        _ => format!("{code}.00.00"),
    };
    let general = KleCode::parse(&general).ok()?;
    taxonomy
        .title(&general)
        .map(|t| strip_general(t).to_string())
}

/// A cold-start model: one head `kle` over the emner of `taxonomy`, scored by the ranker
/// alone (the IDF is the taxonomy's, the learned part a zero low-rank layer of width 1, as
/// in [`crate::train::keyword_model`]); the summary says `kind: "ranker"`. Its features
/// are `features` without the shared word space, as a keyword model's.
///
/// ```no_run
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::kle::Taxonomy;
/// use signatur::train::{ranker_features, ranker_model, RankerOptions};
/// let taxonomy = Taxonomy::from_spec("os2kle:OS2KLE.txt")?;
/// let model = ranker_model(&taxonomy, &ranker_features(), &RankerOptions::default())?;
/// model.save("kle.onnx")?;
/// # Ok(()) }
/// ```
pub fn ranker_model(
    taxonomy: &Taxonomy,
    features: &FeatureConfig,
    opts: &RankerOptions,
) -> Result<Model> {
    let features = &features.without_shared_words();
    let labels = emne_labels(taxonomy, opts.skip_outdated);
    let ranker = build_ranker(taxonomy, features, 0, &labels, opts)?;
    if ranker.prior.stats().entries == 0 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "the taxonomy has no usable keywords or titles",
        ));
    }
    let calibration = (RANKER_TEMPERATURE, RANKER_THRESHOLD);
    Ok(prior_only_model(
        features,
        labels,
        ranker.idf,
        ranker.prior,
        calibration,
        "ranker",
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rankers_and_their_models_are_built_without_the_shared_word_space() {
        let t = Taxonomy::from_os2kle_txt(
            "KLENummer='02.34.02':KLETitel='Byggetilladelser':Keywords[Weight]=byggetilladelse[5];carport[5];\n\
             KLENummer='05.07.02':KLETitel='Snerydning':Keywords[Weight]=snerydning[100];\n",
        )
        .unwrap();
        let shared = FeatureConfig {
            shared_words: 1.0,
            ..ranker_features()
        };
        let without = shared.without_shared_words();
        let labels = emne_labels(&t, true);
        let opts = RankerOptions::default();
        let prior = |f: &FeatureConfig| build_ranker(&t, f, 0, &labels, &opts).unwrap().prior;
        assert_eq!(prior(&shared), prior(&without));
        let m = ranker_model(&t, &shared, &opts).unwrap();
        assert_eq!(m.params().features, without);
    }

    #[test]
    fn the_same_taxonomy_gives_the_same_ranker_every_time() {
        // The hash maps of a build iterate in an order of their own (random per map), so
        // building KL's whole plan a few times in one process tries several orders.
        let path = crate::text::samples::data_dir().join("os2kle/OS2KLE.txt");
        if !path.is_file() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{} is missing",
                path.display()
            );
            return;
        }
        let t = Taxonomy::from_spec(&format!("os2kle:{}", path.display())).unwrap();
        let opts = RankerOptions::default();
        let first = ranker_model(&t, &ranker_features(), &opts).unwrap();
        for _ in 0..3 {
            let again = ranker_model(&t, &ranker_features(), &opts).unwrap();
            assert!(again.params().prior == first.params().prior);
        }
    }

    #[test]
    fn general_titles_lose_i_almindelighed() {
        assert_eq!(strip_general("Tandpleje i almindelighed"), "Tandpleje");
        assert_eq!(strip_general("Skoler - i almindelighed"), "Skoler");
        assert_eq!(strip_general("Skoler"), "Skoler");
    }
}
