//! A keyword model from a KLE taxonomy: the model a municipality has on day one, before it
//! has any filed mail to train on, and the prior a learned model adds to its `kle` head.
//!
//! # How it matches
//!
//! Like OS2KLE's TaxonClassifierLib, it scores every emne by the weighted keywords of it
//! that occur in the message, but on the same hashed features the learned model uses, so it
//! runs in the same ONNX graph and the same featuriser. Keywords are matched in the
//! subject, the new body text and the text of attachments (not in quoted history):
//! - a one-word keyword is matched by its **character n-grams** (those the featuriser makes,
//!   4 and 5 by default): its weight is split evenly over them, so the word earns it
//!   whole, and so does a **Danish compound** containing it (`byggetilladelse` in
//!   `byggetilladelsessagen` earns all but its end n-grams), an inflected form most of it
//!   (`ydelser` for `ydelse`), and a word that merely shares a fragment a fraction;
//! - its **stem** (the featuriser's unigram: `ydelser` and `ydelse` share it) adds
//!   [`KeywordOptions::stem_share`] of its weight, so the word itself ranks above compounds;
//! - a phrase is matched by the **word bigrams** of its words (stop words are skipped as
//!   the featuriser skips them), its weight split over them; a word too short for
//!   n-grams by its unigram;
//! - weights are OS2KLE's in units of an ordinary keyword ([`DEFAULT_KEYWORD_WEIGHT`]),
//!   logarithmic above it ([`units`]: a form number, weight 1000, counts 6.3); each field
//!   counts with its feature weight (a keyword in the subject counts 1.5).
//!
//! Features are hashed (2^18 buckets by default), so a word of a message can fall in the
//! bucket of a keyword it is not. N-grams make that harmless: a stray collision earns one
//! n-gram's share. Features without such a check (a short word, a phrase's bigram, a stem)
//! earn at most [`MAX_UNVERIFIED`] units however heavy the keyword.
//!
//! A feature counts once when it is **present** (its normalised value is above zero), however
//! often it occurs, as a keyword does in TaxonClassifierLib; so the score does not depend on
//! the length of the message or on the IDF of the model it is part of.
//!
//! A hash bucket that would point to more than [`KeywordOptions::per_feature`] emner (an
//! n-gram or word common to the keywords of many emner, such as `tilskud`) is left out, and
//! the weight of each keyword is split over the features it keeps: such a feature says
//! little about which emne a message is about.
//!
//! # In the graph (ONNX opset 13)
//!
//! A dense `[2^18 × 2,390]` matrix would take 2.5 GB. Instead: `slot = Gather(kw_slot, ids)`
//! maps each feature to a row of `K` (emne, weight) pairs; the emne index is stored as two
//! bytes `hi = emne / B`, `lo = emne % B` (`B = ⌈√C⌉`). With `v = weight × [xn > 0]`:
//! `Equal(hi, 0..A)` gives a one-hot `[N, A, L·K]`, times `v`; `Equal(lo, 0..B)` gives
//! `[N, L·K, B]`; their `MatMul` is `[N, A, B]`, which reshaped and cut to `C` is the
//! score of every emne. That is one small matrix product per message, with no scatter.
//! [`KeywordPrior::add_logits`] computes the same in Rust.
//!
//! Part of `train`: uses `crate::model`; must not import `crate::eval`.

use std::collections::HashMap;

use crate::features::{FeatureConfig, Featurizer, Field};
use crate::kle::{KleCode, Taxonomy, DEFAULT_KEYWORD_WEIGHT};
use crate::message::{Attachment, Body, Message};
use crate::model::params::{HeadInfo, Layers, Loss, Params};
use crate::model::prior::{KeywordPrior, KeywordStats, Pending, MAX_LABELS, MAX_PER_FEATURE};
use crate::model::summary::now_rfc3339;
use crate::model::{Model, Summary, KLE_HEAD};
use crate::text::{normalize, tokenize, NumberClass, StopWords, TokenKind};
use crate::{Error, ErrorKind, Result};
/// How a keyword model is built from a taxonomy. `Default` gives what the figures in the
/// report were measured with.
#[derive(Debug, Clone, PartialEq)]
pub struct KeywordOptions {
    /// `K`: the most emner one hash bucket points to (1..=64). More keeps more ambiguous
    /// words, and costs `K` per feature in the graph.
    pub per_feature: usize,
    /// What a word's exact stem earns on top of its character n-grams, as a share of its
    /// weight (at most [`MAX_UNVERIFIED`] units): the word itself ranks above a compound
    /// containing it, and an inflected form (`ydelser`) gets back what its changed ending
    /// lost in n-grams.
    pub stem_share: f32,
    /// Use an emne's title as a keyword when it has no keywords (KL's XML without
    /// `EmneStikord`); titles of emner that have keywords are not used.
    pub titles_without_keywords: bool,
    /// Leave out emner marked outdated (they are not suggested for new mail).
    pub skip_outdated: bool,
}

impl Default for KeywordOptions {
    fn default() -> KeywordOptions {
        KeywordOptions {
            per_feature: 8,
            stem_share: 0.5,
            titles_without_keywords: true,
            skip_outdated: true,
        }
    }
}

/// Building a prior from a taxonomy (the tables themselves are [`crate::model::prior`]'s).
impl KeywordPrior {
    /// Builds the prior for head number `head` of a model whose features are `features` and
    /// whose head has the labels `labels` (KLE emne codes; labels that are not emner of the
    /// taxonomy get no keywords). Scale 1.
    pub fn from_taxonomy(
        taxonomy: &Taxonomy,
        features: &FeatureConfig,
        head: usize,
        labels: &[String],
        opts: &KeywordOptions,
    ) -> Result<KeywordPrior> {
        if labels.is_empty() || labels.len() > MAX_LABELS {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "a keyword prior scores 1 to {MAX_LABELS} labels, not {}",
                    labels.len()
                ),
            ));
        }
        if !(1..=MAX_PER_FEATURE).contains(&opts.per_feature) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "per_feature must be within 1..={MAX_PER_FEATURE}, not {}",
                    opts.per_feature
                ),
            ));
        }
        if !(opts.stem_share.is_finite() && opts.stem_share >= 0.0) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("stem_share {} must be >= 0", opts.stem_share),
            ));
        }
        features.validate()?;
        // The model's own features may have the shared word space; the prior's rows are
        // the words where they stand (`FeatureConfig::without_shared_words`).
        let features = &features.without_shared_words();
        let index: HashMap<KleCode, u16> = labels
            .iter()
            .enumerate()
            .filter_map(|(i, l)| KleCode::parse(l).ok().map(|c| (c, i as u16)))
            .collect();
        let matcher = Matcher::new(features, opts)?;
        let mut stats = KeywordStats::default();
        let mut parts: Vec<Part> = Vec::new();
        for entry in taxonomy.emner() {
            let Some(&label) = index.get(&entry.code) else {
                continue;
            };
            if opts.skip_outdated && taxonomy.is_outdated(&entry.code) {
                continue;
            }
            stats.emner += 1;
            let title = entry
                .title
                .as_deref()
                .filter(|_| opts.titles_without_keywords && entry.keywords.is_empty());
            let keywords = entry
                .keywords
                .iter()
                .map(|k| (k.text.as_str(), k.weight))
                .chain(title.map(|t| (t, DEFAULT_KEYWORD_WEIGHT)));
            for (text, weight) in keywords {
                stats.keywords += 1;
                match matcher.parts(text, units(weight), label) {
                    Some(p) => parts.extend(p),
                    None => stats.skipped_keywords += 1,
                }
            }
        }
        // Which emner each bucket would point to: a bucket shared by more than K emner
        // (a common word or n-gram, or a hash collision) is left out, and each part's
        // weight is split over the features it keeps.
        let mut emner_of: HashMap<u32, Vec<u16>> = HashMap::new();
        for p in &parts {
            for &id in &p.ids {
                let list = emner_of.entry(id).or_default();
                if !list.contains(&p.label) && list.len() <= opts.per_feature {
                    list.push(p.label);
                }
            }
        }
        stats.features = emner_of.len() as u64;
        let ambiguous = |id: &u32| emner_of.get(id).is_none_or(|l| l.len() > opts.per_feature);
        stats.ambiguous_features = emner_of.keys().filter(|id| ambiguous(id)).count() as u64;
        let mut pending: Pending = HashMap::new();
        for p in parts {
            let kept: Vec<u32> = p.ids.into_iter().filter(|id| !ambiguous(id)).collect();
            let each = p.weight / kept.len().max(1) as f32;
            let each = if p.checked {
                each.min(MAX_PER_NGRAM * p.field_weight)
            } else {
                each
            };
            for id in kept {
                let list = pending.entry(id).or_default();
                match list.iter_mut().find(|(c, _)| *c == p.label) {
                    Some((_, old)) => *old = old.max(each),
                    None => list.push((p.label, each)),
                }
            }
        }
        Ok(KeywordPrior::from_pending(
            head,
            labels.len(),
            opts.per_feature,
            features.dim(),
            pending,
            stats,
        ))
    }
}

/// A keyword weight in units of an ordinary keyword (OS2KLE's 5): linear up to 5, then
/// logarithmic (10 → 1.7, 100 → 4.0, 1000 → 6.3). Features are hashed, so a word of a
/// message can share a bucket with a keyword it is not; with OS2KLE's 1000 taken linearly
/// (200 ordinary keywords) one such collision would decide the emne alone.
pub fn units(weight: u32) -> f32 {
    let w = weight as f32 / DEFAULT_KEYWORD_WEIGHT as f32;
    if w <= 1.0 {
        w
    } else {
        1.0 + w.ln()
    }
}

/// The media type given to the keyword's attachment; its own feature is left out.
const MEDIA: &str = "application/x-signatur-keyword";

/// Turns keyword text into features with the model's own featuriser.
struct Matcher {
    /// Unigrams and bigrams, no character n-grams.
    words: Featurizer,
    /// Unigrams and character n-grams (none when the model has none).
    chars: Option<Featurizer>,
    stop: StopWords,
    bigrams: bool,
    fields: crate::features::FieldWeights,
    stem_share: f32,
    template: Attachment,
}

/// A share of a keyword's weight, split evenly over those of its features that stay
/// unambiguous (one field's n-grams of a word, or one field's bigrams of a phrase).
struct Part {
    label: u16,
    ids: Vec<u32>,
    weight: f32,
    /// N-grams of a word: each carries at most [`MAX_PER_NGRAM`] (times the field weight).
    checked: bool,
    field_weight: f32,
}

impl Matcher {
    fn new(features: &FeatureConfig, opts: &KeywordOptions) -> Result<Matcher> {
        let words = Featurizer::new(&FeatureConfig {
            char_ngrams: [0, 0],
            ..features.clone()
        })?;
        let chars = if features.char_ngrams[1] > 0 {
            Some(Featurizer::new(&FeatureConfig {
                word_ngrams: [1, 1],
                ..features.clone()
            })?)
        } else {
            None
        };
        Ok(Matcher {
            words,
            chars,
            stop: features.stop_words.parse()?,
            bigrams: features.word_ngrams[1] >= 2,
            fields: features.fields,
            stem_share: opts.stem_share,
            template: attachment_template()?,
        })
    }

    /// The words of a keyword that become features, or `None` when it holds a number that
    /// features see only as its class, or nothing but numbers (`§ 13` alone matches every
    /// 13 in a letter).
    fn words(&self, text: &str) -> Option<Vec<String>> {
        let text = normalize(text);
        let mut out = Vec::new();
        let mut ok = true;
        let mut word = false;
        tokenize(&text, |tok| {
            let s = tok.feature_text(&text);
            word |= tok.kind == TokenKind::Word;
            match tok.kind {
                TokenKind::Word if !self.stop.contains(s) => out.push(s.to_string()),
                TokenKind::Word => {}
                TokenKind::Number(NumberClass::Kle | NumberClass::Short) => out.push(s.to_string()),
                TokenKind::Number(_) => ok = false,
            }
        });
        (ok && word && !out.is_empty()).then_some(out)
    }

    /// The weight of `field` relative to the body.
    fn field_weight(&self, field: Field) -> f32 {
        self.fields.get(field) / self.fields.body.max(f32::MIN_POSITIVE)
    }

    /// The parts of one keyword of `label` with weight `units`; `None` when it cannot be
    /// used.
    ///
    /// A one-word keyword that the featuriser gives character n-grams is matched by them:
    /// per field, its weight is split over its n-grams, so the whole word (or a compound
    /// containing it) earns it, and a stray hash collision only a small fraction; its stem
    /// (unigram) adds [`KeywordOptions::stem_share`], at most [`MAX_UNVERIFIED`] units.
    /// Shorter words and phrases (through their bigrams) have no such check: they earn at
    /// most [`MAX_UNVERIFIED`] units, however heavy the keyword.
    fn parts(&self, text: &str, units: f32, label: u16) -> Option<Vec<Part>> {
        let words = self.words(text)?;
        if !(units.is_finite() && units > 0.0) {
            return None;
        }
        let text = words.join(" ");
        let m = words.len();
        let capped = units.min(MAX_UNVERIFIED);
        let msg = keyword_message(&text, &self.template);
        let mut unigrams: HashMap<Field, Vec<u32>> = HashMap::new();
        let mut bigrams: HashMap<Field, Vec<u32>> = HashMap::new();
        for s in self.words.raw_surfaces(&msg) {
            if s.text == MEDIA {
                continue;
            }
            let group = if s.text.contains(' ') {
                &mut bigrams
            } else {
                &mut unigrams
            };
            let ids = group.entry(s.field).or_default();
            if !ids.contains(&s.id) {
                ids.push(s.id);
            }
        }
        let mut grams: HashMap<Field, Vec<u32>> = HashMap::new();
        if let (1, Some(chars)) = (m, &self.chars) {
            for s in chars.raw_surfaces(&msg) {
                let is_unigram = unigrams.get(&s.field).is_some_and(|u| u.contains(&s.id));
                if s.text == MEDIA || is_unigram {
                    continue;
                }
                let ids = grams.entry(s.field).or_default();
                if !ids.contains(&s.id) {
                    ids.push(s.id);
                }
            }
        }
        let mut parts = Vec::new();
        let mut part = |field: Field, ids: Vec<u32>, weight: f32, checked: bool| {
            let field_weight = self.field_weight(field);
            let weight = weight * field_weight;
            if !ids.is_empty() && weight > 0.0 {
                parts.push(Part {
                    label,
                    ids,
                    weight,
                    checked,
                    field_weight,
                });
            }
        };
        if m == 1 {
            let checked = !grams.is_empty();
            for (field, ids) in grams {
                part(field, ids, units, true);
            }
            let stem = if checked {
                (units * self.stem_share).min(MAX_UNVERIFIED)
            } else {
                capped
            };
            for (field, ids) in unigrams {
                part(field, ids, stem, false);
            }
        } else if self.bigrams {
            for (field, ids) in bigrams {
                part(field, ids, capped, false);
            }
        } else {
            for (field, ids) in unigrams {
                part(field, ids, capped, false);
            }
        }
        Some(parts)
    }
}

/// The most units a keyword earns through features that one hash collision could fake: a
/// word too short for character n-grams, a phrase's bigrams, a word's stem.
pub const MAX_UNVERIFIED: f32 = 0.5;

/// The most units one character n-gram carries (in the body): a short code such as
/// `in807` (weight 1000, seven n-grams) would otherwise put most of a unit on each, and a
/// stray word sharing one bucket would earn it. A keyword thus earns at most a quarter unit
/// per n-gram it has.
pub const MAX_PER_NGRAM: f32 = 0.25;

/// A message holding `text` in the fields a keyword is matched in: subject, body and
/// attachment text. Quoted history and attachment names are left out: they are where most
/// unrelated words are, and every field more is more hash buckets a stray word can hit.
fn keyword_message(text: &str, template: &Attachment) -> Message {
    let mut a = template.clone();
    a.name = None;
    a.media_type = MEDIA.to_string();
    a.text = Some(text.to_string());
    Message {
        subject: text.to_string(),
        body: Body {
            text: text.to_string(),
            new_text: text.to_string(),
            ..Body::default()
        },
        attachments: vec![a],
        ..Message::default()
    }
}

/// An attachment to fill in, made by the MIME reader (so this module does not depend on
/// every field an attachment has).
pub(crate) fn attachment_template() -> Result<Attachment> {
    let raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nx\r\n--b--\r\n";
    Message::from_bytes(raw)?
        .attachments
        .into_iter()
        .next()
        .ok_or_else(|| Error::new(ErrorKind::Parse, "no attachment in the keyword template"))
}

/// The temperature of a keyword model's head. Keyword scores are in units of one ordinary
/// keyword. There are no labelled messages to fit it on, so it is set from what a unit is
/// worth: stray hash collisions and words shared between emner give a long letter about one
/// unit of noise on some emne (measured on the unlabelled council text, see the report),
/// so one unit should not be decisive. At 1, each unit multiplies an emne's odds by e, and
/// an emne must lead by about ln 2,390 ≈ 7.8 units (several keywords, or a heavy one found
/// by its n-grams) before it outweighs all the others together.
pub const KEYWORD_TEMPERATURE: f32 = 1.0;

/// The abstain threshold of a keyword model's head: decide alone only when one emne holds
/// more probability than all the others together. Below it the decision falls back to the
/// gruppe or hovedgruppe, or goes to a person.
pub const KEYWORD_THRESHOLD: f32 = 0.5;

/// A cold-start model: one head `kle` over the emner of `taxonomy` (outdated ones left out
/// unless the options keep them), scored by the keyword prior alone.
///
/// The learned part of the file is a zero low-rank layer of width 1 (so that the file has
/// the same graph and the online learner can start from it), the IDF is 1, and the summary
/// says `kind: "keyword"`. The model's features are `features` without the shared word
/// space ([`FeatureConfig::without_shared_words`]): its prior has no rows there, so the
/// space would only cost time.
///
/// ```no_run
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::features::FeatureConfig;
/// use signatur::kle::Taxonomy;
/// use signatur::train::keyword::{keyword_model, KeywordOptions};
/// let taxonomy = Taxonomy::from_spec("os2kle:OS2KLE.txt")?;
/// let model = keyword_model(&taxonomy, &FeatureConfig::default(), &KeywordOptions::default())?;
/// model.save("kle.onnx")?;
/// # Ok(()) }
/// ```
pub fn keyword_model(
    taxonomy: &Taxonomy,
    features: &FeatureConfig,
    opts: &KeywordOptions,
) -> Result<Model> {
    let features = &features.without_shared_words();
    let labels = emne_labels(taxonomy, opts.skip_outdated);
    if labels.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "the taxonomy has no emner (NN.NN.NN) to build a keyword model from",
        ));
    }
    let prior = KeywordPrior::from_taxonomy(taxonomy, features, 0, &labels, opts)?;
    if prior.stats().entries == 0 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "the taxonomy has no usable keywords or titles",
        ));
    }
    let stats = prior.stats().clone();
    let warnings = (stats.skipped_keywords > 0)
        .then(|| {
            format!(
                "{} of {} keywords hold a long number, only numbers or only stop words and are not used",
                stats.skipped_keywords, stats.keywords
            )
        })
        .into_iter()
        .collect();
    let idf = vec![1.0; features.dim()];
    let calibration = (KEYWORD_TEMPERATURE, KEYWORD_THRESHOLD);
    Ok(prior_only_model(
        features,
        labels,
        idf,
        prior,
        calibration,
        "keyword",
        warnings,
    ))
}

/// The codes of the taxonomy's emner, outdated ones left out when `skip_outdated`: the
/// labels of a cold-start model.
pub(crate) fn emne_labels(taxonomy: &Taxonomy, skip_outdated: bool) -> Vec<String> {
    taxonomy
        .emner()
        .filter(|e| !(skip_outdated && taxonomy.is_outdated(&e.code)))
        .map(|e| e.code.to_string())
        .collect()
}

/// A model whose one head `kle` over `labels` is scored by `prior` alone: the learned part
/// is a zero low-rank layer of width 1 (so that the file has the same graph and the online
/// learner can start from it). `calibration` is the head's (temperature, threshold); the
/// threshold is also its target precision.
pub(crate) fn prior_only_model(
    features: &FeatureConfig,
    labels: Vec<String>,
    idf: Vec<f32>,
    prior: KeywordPrior,
    (temperature, threshold): (f32, f32),
    kind: &str,
    warnings: Vec<String>,
) -> Model {
    let dim = features.dim();
    let c = labels.len();
    let head = HeadInfo {
        name: KLE_HEAD.to_string(),
        counts: vec![0; c],
        labels,
        temperature,
        threshold,
        target_precision: threshold,
        heldout_precision: None,
        heldout_coverage: None,
    };
    let params = Params {
        features: features.clone(),
        heads: vec![head],
        idf,
        loss: Loss::Softmax,
        layers: Layers::LowRank {
            hidden: 1,
            embed: vec![0.0; dim],
            out: vec![0.0; c],
        },
        bias: vec![0.0; c],
        prior: Some(prior),
    };
    let summary = Summary {
        trained_at: now_rfc3339(),
        library_version: env!("CARGO_PKG_VERSION").into(),
        kind: kind.into(),
        warnings,
        ..Summary::default()
    };
    Model::new(params, summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::normalise;

    /// The counts below are of character 4- and 5-grams: a configuration the tests name.
    fn four_five() -> FeatureConfig {
        let c = FeatureConfig::for_keywords();
        assert_eq!(c.char_ngrams, [4, 5]);
        c
    }

    fn taxonomy() -> Taxonomy {
        Taxonomy::from_os2kle_txt(
            "KLENummer='02.34.02':KLETitel='Byggetilladelser':Keywords[Weight]=byggetilladelse[5];carport[5];\n\
             KLENummer='32.18.00':KLETitel='Sociale ydelser':Keywords[Weight]=ydelse[5];særlig støtte[10];\n\
             KLENummer='17.01.00':KLETitel='Skoler':Keywords[Weight]=skolebus[5];ok01[1000];in807[1000];cpr 12345678[5];§ 13[5];\n\
             KLENummer='05.07.02':KLETitel='Snerydning':Keywords[Weight]=snerydning[100];\n",
        )
        .unwrap()
    }

    fn scores(model: &Model, text: &str) -> Vec<(String, f32)> {
        let p = model.params();
        let f = Featurizer::new(&p.features).unwrap();
        let x = f.featurize(&Message::from_text(text));
        let mut xn = Vec::new();
        normalise(&x.ids, &x.vals, &p.idf, &mut xn);
        let prior = p.prior.as_ref().unwrap();
        let mut out = vec![0.0; prior.labels()];
        prior.add_logits(&x.ids, &xn, &mut out);
        p.heads[0].labels.iter().cloned().zip(out).collect()
    }

    fn score(model: &Model, text: &str, code: &str) -> f32 {
        scores(model, text)
            .into_iter()
            .find(|(l, _)| l == code)
            .unwrap()
            .1
    }

    fn model() -> Model {
        keyword_model(&taxonomy(), &four_five(), &KeywordOptions::default()).unwrap()
    }

    /// A linear model with a prior keeps tract's symbolic plan; the same model without its
    /// prior gets a plan per message length (see `model::runtime::FIXED_LENGTHS`, which
    /// says why). The keyword model itself is low-rank, which keeps the symbolic plan too.
    #[test]
    fn only_a_linear_model_without_a_prior_gets_plans_per_length() {
        let m = model();
        let text = Message::from_text("Hvornår kommer snerydning?");
        let made = |p: Params| {
            let clf = crate::Classifier::from_model(&Model::new(p, m.summary().clone())).unwrap();
            clf.classify(&text).unwrap();
            clf.made_length_plans()
        };
        assert!(!made(m.params().clone()), "the keyword model");
        let mut p = m.params().clone();
        p.layers = Layers::Linear {
            w: vec![0.0; p.dim() * p.classes()],
        };
        assert!(!made(p.clone()), "linear, with the prior");
        p.prior = None;
        assert!(made(p), "linear, without a prior");
    }

    #[test]
    fn keyword_priors_and_models_are_built_without_the_shared_word_space() {
        let t = taxonomy();
        let shared = FeatureConfig {
            shared_words: 1.0,
            ..four_five()
        };
        let without = shared.without_shared_words();
        assert_eq!(without.shared_words, 0.0);
        let labels = emne_labels(&t, true);
        let opts = KeywordOptions::default();
        // The prior a learned model with the shared space gets is the one built without it.
        assert_eq!(
            KeywordPrior::from_taxonomy(&t, &shared, 0, &labels, &opts).unwrap(),
            KeywordPrior::from_taxonomy(&t, &without, 0, &labels, &opts).unwrap()
        );
        // A cold-start model keeps none of it: no shared features, an older format. (The
        // ranker's half of this test is in `ranker.rs`.)
        let m = keyword_model(&t, &shared, &opts).unwrap();
        assert_eq!(m.params().features, without);
    }

    #[test]
    fn a_keyword_counts_by_its_weight_in_the_body() {
        let m = model();
        // Its n-grams (1) and its stem (0.5).
        let s = score(&m, "Jeg søger en ydelse.", "32.18.00");
        assert!((s - 1.5).abs() < 1e-5, "{s}");
        // Thrice in the text still counts once: presence, as in TaxonClassifierLib.
        let s = score(&m, "ydelse ydelse ydelse", "32.18.00");
        assert!((s - 1.5).abs() < 1e-5, "{s}");
        // `ydelse` shares 5 of the 27 n-grams of `byggetilladelse` (`dels`, `else`, …):
        // a fragment earns its fraction, no more.
        let fragment = score(&m, "Jeg søger en ydelse.", "02.34.02");
        assert!((fragment - 5.0 / 27.0).abs() < 1e-5, "{fragment}");
    }

    #[test]
    fn heavy_keywords_count_more_only_when_checked_by_ngrams() {
        let m = model();
        // `snerydning` [100]: 1 + ln 20 units by its 17 n-grams, and its stem at most
        // MAX_UNVERIFIED.
        let s = score(&m, "Hvornår kommer snerydning?", "05.07.02");
        assert!((s - (units(100) + MAX_UNVERIFIED)).abs() < 1e-4, "{s}");
        // `ok01` [1000] is too short for n-grams: one stray hash collision could fake it,
        // so it earns at most one unit.
        let s = score(&m, "Blanket OK01 vedlagt", "17.01.00");
        assert!((s - MAX_UNVERIFIED).abs() < 1e-5, "{s}");
        // `in807` [1000] has 7 n-grams, each carrying at most MAX_PER_NGRAM.
        let s = score(&m, "Blanket IN807 vedlagt", "17.01.00");
        assert!(
            (s - (7.0 * MAX_PER_NGRAM + MAX_UNVERIFIED)).abs() < 1e-5,
            "{s}"
        );
    }

    #[test]
    fn stems_match() {
        let m = model();
        // `ydelser`: the stem, and 7 of the 9 n-grams of `ydelse` (not `lse>`, `else>`).
        let s = score(&m, "om ydelser", "32.18.00");
        assert!((s - (0.5 + 7.0 / 9.0)).abs() < 1e-5, "{s}");
    }

    #[test]
    fn compounds_match() {
        let m = model();
        let exact = score(&m, "en byggetilladelse", "02.34.02");
        let inside = score(&m, "byggetilladelsessagen", "02.34.02");
        assert!((exact - 1.5).abs() < 1e-5, "{exact}");
        // All n-grams but the two at the keyword's end (`lse>`, `else>`); no stem.
        assert!((inside - 25.0 / 27.0).abs() < 1e-5, "{inside}");
        // It shares `dels`, `else`, `delse` with `ydelse`: 3 of that word's 9 n-grams.
        let other = score(&m, "byggetilladelsessagen", "32.18.00");
        assert!((other - 3.0 / 9.0).abs() < 1e-5, "{other}");
        // The keyword at the compound's end misses its start n-grams instead.
        let end = score(&m, "dobbeltcarport", "02.34.02");
        assert!((end - 9.0 / 11.0).abs() < 1e-5, "{end}");
    }

    #[test]
    fn phrases_match_by_their_bigrams_and_the_subject_counts_more() {
        let m = model();
        // `særlig støtte` [10]: its one bigram, capped at one unit.
        let phrase = score(&m, "Vi søger særlig støtte", "32.18.00");
        assert!((phrase - MAX_UNVERIFIED).abs() < 1e-5, "{phrase}");
        // The words alone, apart, do not make the phrase.
        assert_eq!(score(&m, "støtte er særlig vigtig", "32.18.00"), 0.0);
        // In the subject a keyword counts 1.5 (subject weight / body weight).
        let p = m.params();
        let f = Featurizer::new(&p.features).unwrap();
        let msg = Message {
            subject: "ydelse".into(),
            ..Message::default()
        };
        let x = f.featurize(&msg);
        let mut xn = Vec::new();
        normalise(&x.ids, &x.vals, &p.idf, &mut xn);
        let prior = p.prior.as_ref().unwrap();
        let mut out = vec![0.0; prior.labels()];
        prior.add_logits(&x.ids, &xn, &mut out);
        let i = p.heads[0]
            .labels
            .iter()
            .position(|l| l == "32.18.00")
            .unwrap();
        assert!((out[i] - 2.25).abs() < 1e-5, "{}", out[i]);
    }

    #[test]
    fn keywords_with_long_numbers_are_skipped() {
        let m = model();
        let prior = m.params().prior.as_ref().unwrap();
        assert_eq!(prior.stats().skipped_keywords, 2);
        assert_eq!(prior.stats().emner, 4);
        assert_eq!(score(&m, "cpr 87654321", "17.01.00"), 0.0);
        assert_eq!(score(&m, "jf. § 13", "17.01.00"), 0.0);
    }

    #[test]
    fn features_of_too_many_emner_are_left_out() {
        let t = Taxonomy::from_os2kle_txt(
            "KLENummer='01.01.00':KLETitel='A':Keywords[Weight]=tilskud[5];\n\
             KLENummer='01.02.00':KLETitel='B':Keywords[Weight]=tilskud[5];\n\
             KLENummer='01.03.00':KLETitel='C':Keywords[Weight]=tilskud[10];\n",
        )
        .unwrap();
        let opts = |k| KeywordOptions {
            per_feature: k,
            ..KeywordOptions::default()
        };
        // Three emner share every feature of `tilskud`: with K = 2 none is left.
        let err = keyword_model(&t, &four_five(), &opts(2)).unwrap_err();
        assert!(err.to_string().contains("no usable keywords"), "{err}");
        let m = keyword_model(&t, &four_five(), &opts(3)).unwrap();
        let s = scores(&m, "tilskud");
        assert!((s[0].1 - 1.5).abs() < 1e-5);
        assert!(
            (s[2].1 - (units(10) + MAX_UNVERIFIED)).abs() < 1e-5,
            "{}",
            s[2].1
        );
    }

    #[test]
    fn titles_are_keywords_when_there_are_none() {
        let mut t = Taxonomy::from_os2kle_txt(
            "KLENummer='01.01.00':KLETitel='Fjernvarme':Keywords[Weight]=\n",
        )
        .unwrap_or_else(|_| Taxonomy::new());
        if t.is_empty() {
            t = Taxonomy::from_kle_xml(
                br#"<?xml version="1.0" encoding="UTF-8"?>
<KLE-Emneplan><UdgivelsesDato>2024-01-01</UdgivelsesDato>
<Hovedgruppe><HovedgruppeNr>01</HovedgruppeNr><HovedgruppeTitel>Fysisk planlaegning</HovedgruppeTitel>
<Gruppe><GruppeNr>01.01</GruppeNr><GruppeTitel>Planlaegning</GruppeTitel>
<Emne><EmneNr>01.01.00</EmneNr><EmneTitel>Fjernvarme</EmneTitel></Emne>
</Gruppe></Hovedgruppe></KLE-Emneplan>"#,
            )
            .unwrap();
        }
        let m = keyword_model(&t, &four_five(), &KeywordOptions::default()).unwrap();
        assert!(score(&m, "om fjernvarme", "01.01.00") >= 1.0);
    }

    #[test]
    fn push_explains_the_best_label() {
        let m = model();
        let p = m.params();
        let f = Featurizer::new(&p.features).unwrap();
        let x = f.featurize(&Message::from_text("carport og skolebus"));
        let mut xn = Vec::new();
        normalise(&x.ids, &x.vals, &p.idf, &mut xn);
        let prior = p.prior.as_ref().unwrap();
        let best = p.heads[0]
            .labels
            .iter()
            .position(|l| l == "02.34.02")
            .unwrap();
        let push = prior.push(&x.ids, &xn, best);
        let pushing = push.iter().filter(|&&v| v > 0.0).count();
        // The unigram of `carport` and its 11 n-grams (`<car` … `port>`); `skolebus`
        // pushes another emne, so against 02.34.02.
        assert_eq!(pushing, 12);
        assert!(push.iter().any(|&v| v < 0.0));
    }
}
