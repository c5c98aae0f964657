//! `signatur train`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::json;
use signatur::eval::prepare;
use signatur::eval::{Dataset, TextMode};
use signatur::features::{FeatureConfig, Featurizer, Field};
use signatur::kle::Taxonomy;
use signatur::model::{Loss, Model};
use signatur::text::StopWords;
use signatur::train::KeywordOptions;
use signatur::train::{ranker_features, ranker_model, RankerOptions};
use signatur::train::{train_prepared, train_prepared_with_taxonomy, PriorKind};
use signatur::train::{TrainOptions, MAX_ENSEMBLE};

use crate::progress::bar;

/// Arguments of `signatur train`.
#[derive(clap::Args)]
pub struct Args {
    /// Training data: a directory with one folder per label, or a CSV / JSON Lines manifest.
    /// Without it, `--taxonomy` builds a cold-start model (the KLE ranker).
    #[arg(long, required_unless_present = "taxonomy")]
    pub data: Option<PathBuf>,
    /// A KLE taxonomy, `os2kle:PATH` or `kle-xml:PATH`: alone, it builds the KLE ranker
    /// (docs/kle-ranker.md), one head `kle` that needs no training data; with `--data`, the
    /// ranker becomes the prior of the learned `kle` head.
    #[arg(long)]
    pub taxonomy: Option<String>,
    /// With `--data` and `--taxonomy`: the `kle` head's prior, `ranker` (the KLE ranker) or
    /// `keyword` (the keyword table before it: weaker, about twice as fast through tract).
    // Without `--data` the taxonomy alone builds the ranker, which has no prior to choose.
    #[arg(
        long,
        value_enum,
        default_value_t = Prior::Ranker,
        requires = "taxonomy",
        requires = "data"
    )]
    pub prior: Prior,
    /// Where to write the model file.
    #[arg(long)]
    pub out: PathBuf,
    /// Read each file as the plain-text body of a message instead of RFC 5322.
    #[arg(long)]
    pub text: bool,
    /// How to train.
    #[command(flatten)]
    pub training: Training,
}

/// The prior of a learned `kle` head (`--prior`).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Prior {
    /// The KLE ranker.
    Ranker,
    /// The keyword table.
    Keyword,
}

/// The training flags shared by `signatur train` and `signatur eval --folds`.
#[derive(clap::Args)]
pub struct Training {
    /// Precision the abstain thresholds are chosen to reach on held-out data (for eval also
    /// the precision coverage is measured at).
    #[arg(long, default_value_t = 0.95)]
    pub target_precision: f32,
    /// Seed for splitting, folds, ordering and initialisation.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Passes of SGD over the data (default 6).
    #[arg(long)]
    pub epochs: Option<u32>,
    /// Hidden size of a low-rank model (0: linear; default: linear up to 256 classes).
    #[arg(long)]
    pub hidden: Option<usize>,
    /// Stemmer: danish, english or none.
    #[arg(long, default_value = "danish")]
    pub stemmer: String,
    /// Hash buckets are 2^bits (default 18).
    #[arg(long)]
    pub hash_bits: Option<u8>,
    /// Character n-gram orders, `LO-HI` (default `5-5`; `0-0` turns them off).
    #[arg(long, value_parser = parse_range)]
    pub char_ngrams: Option<[u8; 2]>,
    /// Weight of a character n-gram relative to a word (default 0.4; 0 weighs them out).
    #[arg(long, value_parser = parse_non_negative)]
    pub char_weight: Option<f32>,
    /// Stop words left out of the word features: `danish+english` (the default), `danish`,
    /// `english` or `none` (every word counts, in unigrams and bigrams alike).
    #[arg(long, value_parser = parse_named::<StopWords>)]
    pub stop_words: Option<StopWords>,
    /// After calibrating on the held-out part, train again on all messages (the default;
    /// accepted for scripts written before it was).
    #[arg(long, conflicts_with = "no_refit")]
    pub refit: bool,
    /// Keep the model fitted without the held-out part (half the training time).
    #[arg(long)]
    pub no_refit: bool,
    /// Initial SGD learning rate.
    #[arg(long)]
    pub learning_rate: Option<f32>,
    /// The loss: squared-hinge (one-vs-rest, as a linear SVM) or softmax (default:
    /// squared-hinge for a linear model, softmax for a low-rank one).
    #[arg(long, value_parser = parse_named::<Loss>)]
    pub loss: Option<Loss>,
    /// Class weighting: each message counts `(n / (k · n_label))^P` (default 1; 0 turns
    /// it off, 1 balances the labels fully).
    #[arg(long, value_parser = parse_non_negative)]
    pub class_weight_power: Option<f32>,
    /// L2 weight decay of a linear model, per step times the learning rate (default 0).
    #[arg(long, value_parser = parse_non_negative)]
    pub l2: Option<f32>,
    /// Blankout in training: each step drops this share of an example's features
    /// (default 0.5; 0 turns it off).
    #[arg(long, value_parser = parse_non_negative)]
    pub dropout: Option<f32>,
    /// Naive-Bayes step scaling (NBSVM): a feature's steps for a label are scaled by its
    /// log-count ratio to this power (default 0.25; 0 turns it off).
    #[arg(long, value_parser = parse_non_negative)]
    pub nb_power: Option<f32>,
    /// Learn a bias per label in a linear model (off by default: a message is decided by
    /// its features alone, which holds better on later mail).
    #[arg(long)]
    pub intercept: bool,
    /// How many standard errors the held-out precision above the abstain threshold must
    /// clear `--target-precision` by (default 1.1; 0: the bare held-out precision).
    #[arg(long, value_parser = parse_non_negative)]
    pub threshold_margin: Option<f32>,
    /// Features in fewer training messages than this get no weight (default 1: all count).
    #[arg(long)]
    pub min_df: Option<u32>,
    /// A field's weight, `FIELD=W` (repeatable): `subject`, `body`, `quoted`, `sender`,
    /// `recipient`, `attachment_name`, `attachment_text`, `headers`; 0 turns it off.
    #[arg(long = "field-weight", value_parser = parse_field_weight)]
    pub field_weights: Vec<(Field, f32)>,
    /// Weight of the shared word space, relative to each field's weight: the words of the
    /// subject, body, quotes and attachments' text also count as words of no particular
    /// field (default 1; 0 turns it off and writes a model older versions can read).
    #[arg(long, value_parser = parse_non_negative)]
    pub shared_words: Option<f32>,
    /// How many linear models are trained side by side, each with its own order and
    /// blankout, and averaged into the one model (default 2; 1 trains one; at most 16; a
    /// low-rank model trains one).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_ENSEMBLE)))]
    pub ensemble: Option<u32>,
}

impl Training {
    /// The training options these flags ask for.
    pub fn train_options(&self) -> TrainOptions {
        let mut o = TrainOptions {
            seed: self.seed,
            target_precision: self.target_precision,
            hidden: self.hidden,
            refit_on_all: !self.no_refit,
            intercept: self.intercept,
            learning_rate: self.learning_rate,
            loss: self.loss,
            ..TrainOptions::default()
        };
        if let Some(e) = self.epochs {
            o.epochs = e;
        }
        if let Some(p) = self.dropout {
            o.dropout = p;
        }
        if let Some(p) = self.nb_power {
            o.nb_power = p;
        }
        if let Some(k) = self.ensemble {
            o.ensemble = k;
        }
        if let Some(z) = self.threshold_margin {
            o.threshold_margin = z;
        }
        if let Some(m) = self.min_df {
            o.min_df = m;
        }
        if let Some(l2) = self.l2 {
            o.l2 = l2;
        }
        if let Some(p) = self.class_weight_power {
            o.class_weight_power = p;
        }
        o
    }

    /// The feature configuration these flags ask for.
    pub fn feature_config(&self) -> FeatureConfig {
        let mut f = self.text_features_over(FeatureConfig::default());
        for &(field, w) in &self.field_weights {
            *f.fields.get_mut(field) = w;
        }
        if let Some(w) = self.shared_words {
            f.shared_words = w;
        }
        f
    }

    /// `base` with what these flags say of words and their n-grams (stemmer, hash buckets,
    /// character n-grams and their weight, stop words); the rest as `base` has it.
    pub fn text_features_over(&self, base: FeatureConfig) -> FeatureConfig {
        let mut f = FeatureConfig {
            stemmer: self.stemmer.clone(),
            ..base
        };
        if let Some(b) = self.hash_bits {
            f.hash_bits = b;
        }
        if let Some(c) = self.char_ngrams {
            f.char_ngrams = c;
        }
        if let Some(w) = self.char_weight {
            f.char_weight = w;
        }
        if let Some(s) = self.stop_words {
            f.stop_words = s.as_str().to_string();
        }
        f
    }
}

/// Parses a name the library reads with `FromStr` (a loss, a stop-word list), with the
/// library's message.
pub fn parse_named<T: std::str::FromStr<Err = signatur::Error>>(s: &str) -> Result<T, String> {
    s.parse::<T>().map_err(|e| e.message().to_string())
}

/// Parses a finite number of at least 0.
pub fn parse_non_negative(s: &str) -> Result<f32, String> {
    let v: f32 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(format!("{v} must be a finite number >= 0"));
    }
    Ok(v)
}

/// Parses `FIELD=W`, e.g. `recipient=0.5`.
pub fn parse_field_weight(s: &str) -> Result<(Field, f32), String> {
    let (name, w) = s
        .split_once('=')
        .ok_or("expected FIELD=WEIGHT, e.g. recipient=0.5")?;
    let field = Field::from_name(name).ok_or_else(|| format!("unknown field {name:?}"))?;
    Ok((field, parse_non_negative(w)?))
}

/// Parses `LO-HI`.
pub fn parse_range(s: &str) -> Result<[u8; 2], String> {
    let (a, b) = s.split_once('-').ok_or("expected LO-HI, e.g. 3-5")?;
    let a: u8 = a.parse().map_err(|_| format!("{a:?} is not a number"))?;
    let b: u8 = b.parse().map_err(|_| format!("{b:?} is not a number"))?;
    Ok([a, b])
}

pub fn run(args: Args) -> ExitCode {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("signatur train: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: Args) -> signatur::Result<ExitCode> {
    let started = Instant::now();
    let taxonomy = args
        .taxonomy
        .as_deref()
        .map(Taxonomy::from_spec)
        .transpose()?;
    let feats = args.training.feature_config();
    let (model, messages, heldout, skipped, warnings) = match (&args.data, &taxonomy) {
        (None, Some(t)) => {
            // The cold-start ranker (docs/kle-ranker.md): its own feature settings unless
            // the flags ask for others.
            let feats = args.training.text_features_over(ranker_features());
            let model = ranker_model(t, &feats, &RankerOptions::default())?;
            let w = model.summary().warnings.clone();
            (model, 0, 0, 0, w)
        }
        (Some(data), t) => train_data(&args, data, t.as_ref(), &feats)?,
        (None, None) => {
            return Err(signatur::Error::new(
                signatur::ErrorKind::Config,
                "give --data, --taxonomy or both",
            ))
        }
    };
    model.save(&args.out)?;
    for w in &warnings {
        eprintln!("signatur train: warning: {w}");
    }
    let heads: Vec<_> = model
        .params()
        .heads
        .iter()
        .map(|h| {
            json!({
                "head": h.name, "labels": h.labels.len(), "temperature": h.temperature,
                "threshold": h.threshold, "heldout_precision": h.heldout_precision,
                "heldout_coverage": h.heldout_coverage,
            })
        })
        .collect();
    let prior = model.params().prior.as_ref().map(|p| {
        json!({"head": model.params().heads.get(p.head()).map(|h| h.name.as_str()),
               "kind": if p.is_ranker() { "ranker" } else { "keyword" },
               "scale": p.scale(), "stats": p.stats()})
    });
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    crate::out(format_args!(
        "{}",
        crate::value_line(json!({
            "model": args.out.display().to_string(), "bytes": size, "kind": model.summary().kind,
            "messages": messages, "heldout": heldout, "skipped": skipped, "heads": heads,
            "prior": prior, "warnings": warnings, "seconds": started.elapsed().as_secs_f64(),
        }))
    ));
    Ok(ExitCode::SUCCESS)
}

/// Trains on `data`, with the taxonomy's ranker (or keyword table) as the `kle` head's
/// prior when given.
/// Returns the model, messages, held-out messages, skipped files and warnings.
fn train_data(
    args: &Args,
    data: &std::path::Path,
    taxonomy: Option<&Taxonomy>,
    feats: &FeatureConfig,
) -> signatur::Result<(Model, usize, usize, usize, Vec<String>)> {
    let dataset = Dataset::load(data)?;
    let featurizer = Featurizer::new(feats)?;
    let mode = if args.text {
        TextMode::PlainText
    } else {
        TextMode::Mail
    };
    let pb = bar("reading", dataset.items.len() as u64);
    let tick = |d: usize, _n: usize| pb.set_position(d as u64);
    let prepared = prepare(&dataset, &featurizer, mode, threads(), Some(&tick));
    pb.finish_and_clear();
    for (path, e) in &prepared.failures {
        eprintln!("signatur train: skipped {}: {e}", path.display());
    }
    let opts = args.training.train_options();
    let (model, report) = match taxonomy {
        None => train_prepared(&prepared, &dataset.heads, feats, &opts)?,
        Some(t) => train_prepared_with_taxonomy(
            &prepared,
            &dataset.heads,
            feats,
            &opts,
            t,
            &match args.prior {
                Prior::Ranker => PriorKind::Ranker(RankerOptions::default()),
                Prior::Keyword => PriorKind::Keyword(KeywordOptions::default()),
            },
        )?,
    };
    Ok((
        model,
        report.messages,
        report.heldout,
        prepared.failures.len(),
        report.warnings,
    ))
}

/// Worker threads for reading and featurising: the machine's parallelism.
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
