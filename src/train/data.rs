//! Training from a prepared data set: featurised examples in, a [`Model`] with its
//! [`Summary`] out, with or without a keyword prior from a taxonomy.
//!
//! Part of `train`: uses `crate::model`; must not import `crate::eval`.

use std::path::PathBuf;

use crate::features::FeatureConfig;
use crate::kle::Taxonomy;
use crate::model::prior::KeywordPrior;
use crate::model::summary::now_rfc3339;
use crate::model::{Model, Params, Summary, KLE_HEAD};
use crate::train::keyword::KeywordOptions;
use crate::train::prior::train_with_prior;
use crate::train::ranker::{build_ranker, RankerOptions};
use crate::train::sgd::{train, Example, HeadSpec, TrainOptions, TrainReport};
use crate::{Error, ErrorKind, Result};

/// Featurised examples of a data set, and the files that could not be read.
#[derive(Debug)]
pub struct Prepared {
    /// Examples in data-set order (failed files left out).
    pub examples: Vec<Example>,
    /// For each example, its index in [`Dataset::items`](crate::eval::Dataset::items).
    pub item_index: Vec<usize>,
    /// Files that failed, with why.
    pub failures: Vec<(PathBuf, Error)>,
}

/// Trains a model from prepared examples and fills in its summary.
pub fn train_prepared(
    prepared: &Prepared,
    heads: &[HeadSpec],
    features: &FeatureConfig,
    opts: &TrainOptions,
) -> Result<(Model, TrainReport)> {
    let (params, report) = train(&prepared.examples, heads, features, opts)?;
    Ok(summarise(params, report, prepared, opts, "learned"))
}

/// Which prior a learned `kle` head gets from a taxonomy
/// ([`train_prepared_with_taxonomy`]).
#[derive(Debug, Clone)]
pub enum PriorKind {
    /// The KLE ranker, the cold-start model of [`crate::train::ranker_model`], built over
    /// the learned model's features and the head's labels: titles, keywords, stems and
    /// compound parts, weighted by IDF over the taxonomy, an emne scored with its gruppe and
    /// hovedgruppe. The default since #17: on the demo corpus (mean of three splits, 139
    /// test messages each, `cargo run --release --example cold_start -- prior`) it raised
    /// top-1 over the keyword prior at 25, 50, 200 and 300 filed messages and tied at 100,
    /// with a lower log-loss at every size.
    Ranker(RankerOptions),
    /// The keyword table that was the prior before the ranker: a keyword's emner per
    /// feature, counted when present. Its graph runs about twice as fast through tract.
    Keyword(KeywordOptions),
}

impl Default for PriorKind {
    fn default() -> PriorKind {
        PriorKind::Ranker(RankerOptions::default())
    }
}

/// Trains a model whose `kle` head adds a prior built from `taxonomy`
/// ([`crate::train::train_with_prior`]); the summary says `learned+prior`.
///
/// The head's labels must include emner of the taxonomy; labels the taxonomy lacks get no
/// prior, and emner no message has are not offered (the head's labels stay those of the
/// training data).
pub fn train_prepared_with_taxonomy(
    prepared: &Prepared,
    heads: &[HeadSpec],
    features: &FeatureConfig,
    opts: &TrainOptions,
    taxonomy: &Taxonomy,
    prior: &PriorKind,
) -> Result<(Model, TrainReport)> {
    let h = heads
        .iter()
        .position(|h| h.name == KLE_HEAD)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("a keyword prior needs a head named {KLE_HEAD:?} with KLE emner as labels"),
            )
        })?;
    let labels = &heads[h].labels;
    let known = labels
        .iter()
        .filter(|l| taxonomy.validate_label(l).is_ok())
        .count();
    if known == 0 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "none of the {} labels of head {KLE_HEAD:?} is a code of the taxonomy",
                labels.len()
            ),
        ));
    }
    let prior = match prior {
        PriorKind::Ranker(opts) => build_ranker(taxonomy, features, h, labels, opts)?.prior,
        PriorKind::Keyword(opts) => {
            KeywordPrior::from_taxonomy(taxonomy, features, h, labels, opts)?
        }
    };
    let (params, mut report) = train_with_prior(&prepared.examples, heads, features, opts, prior)?;
    if known < labels.len() {
        report.warnings.push(format!(
            "head {KLE_HEAD:?}: {} of {} labels are not in the taxonomy and get no keywords",
            labels.len() - known,
            labels.len()
        ));
    }
    Ok(summarise(params, report, prepared, opts, "learned+prior"))
}

fn summarise(
    params: Params,
    report: TrainReport,
    prepared: &Prepared,
    opts: &TrainOptions,
    kind: &str,
) -> (Model, TrainReport) {
    let mut warnings = report.warnings.clone();
    if !prepared.failures.is_empty() {
        warnings.push(format!(
            "{} messages failed to parse and were skipped",
            prepared.failures.len()
        ));
    }
    let summary = Summary {
        messages: report.messages as u64,
        heldout: report.heldout as u64,
        skipped: prepared.failures.len() as u64,
        trained_at: now_rfc3339(),
        library_version: env!("CARGO_PKG_VERSION").into(),
        seed: opts.seed,
        epochs: opts.epochs,
        kind: kind.into(),
        parent: None,
        corrections_since_training: 0,
        warnings,
    };
    (Model::new(params, summary), report)
}
