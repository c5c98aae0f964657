//! `signatur train`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::json;
use signatur::features::{FeatureConfig, Featurizer};
use signatur::model::dataset::{Dataset, TextMode};
use signatur::model::eval::{prepare, train_prepared};
use signatur::model::TrainOptions;

use crate::progress::bar;

/// Arguments of `signatur train`.
#[derive(clap::Args)]
pub struct Args {
    /// Training data: a directory with one folder per label, or a CSV / JSON Lines manifest.
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model file.
    #[arg(long)]
    pub out: PathBuf,
    /// Precision the abstain thresholds are chosen to reach on held-out data.
    #[arg(long, default_value_t = 0.95)]
    pub target_precision: f32,
    /// Seed for splitting, ordering and initialisation.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Read each file as the plain-text body of a message instead of RFC 5322.
    #[arg(long)]
    pub text: bool,
    /// Passes of SGD over the data.
    #[arg(long)]
    pub epochs: Option<u32>,
    /// Hidden size of a low-rank model (0: linear; default: linear up to 256 classes).
    #[arg(long)]
    pub hidden: Option<usize>,
    /// Stemmer: danish, english or none.
    #[arg(long, default_value = "danish")]
    pub stemmer: String,
    /// Hash buckets are 2^bits.
    #[arg(long)]
    pub hash_bits: Option<u8>,
    /// Character n-gram orders, `LO-HI` (`0-0` turns them off).
    #[arg(long, value_parser = parse_range)]
    pub char_ngrams: Option<[u8; 2]>,
    /// After calibrating on the held-out part, train again on all messages.
    #[arg(long)]
    pub refit: bool,
    /// Initial SGD learning rate.
    #[arg(long)]
    pub learning_rate: Option<f32>,
}

/// Parses `LO-HI`.
pub fn parse_range(s: &str) -> Result<[u8; 2], String> {
    let (a, b) = s.split_once('-').ok_or("expected LO-HI, e.g. 3-5")?;
    let a: u8 = a.parse().map_err(|_| format!("{a:?} is not a number"))?;
    let b: u8 = b.parse().map_err(|_| format!("{b:?} is not a number"))?;
    Ok([a, b])
}

pub fn options(
    seed: u64,
    target: f32,
    epochs: Option<u32>,
    hidden: Option<usize>,
    refit: bool,
) -> TrainOptions {
    let mut o = TrainOptions {
        seed,
        target_precision: target,
        hidden,
        refit_on_all: refit,
        ..TrainOptions::default()
    };
    if let Some(e) = epochs {
        o.epochs = e;
    }
    o
}

pub fn features(
    stemmer: &str,
    hash_bits: Option<u8>,
    char_ngrams: Option<[u8; 2]>,
) -> FeatureConfig {
    let mut f = FeatureConfig {
        stemmer: stemmer.to_string(),
        ..FeatureConfig::default()
    };
    if let Some(b) = hash_bits {
        f.hash_bits = b;
    }
    if let Some(c) = char_ngrams {
        f.char_ngrams = c;
    }
    f
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
    let dataset = Dataset::load(&args.data)?;
    let feats = features(&args.stemmer, args.hash_bits, args.char_ngrams);
    let featurizer = Featurizer::new(&feats)?;
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
    let mut opts = options(
        args.seed,
        args.target_precision,
        args.epochs,
        args.hidden,
        args.refit,
    );
    if let Some(lr) = args.learning_rate {
        opts.learning_rate = Some(lr);
    }
    let (model, report) = train_prepared(&prepared, &dataset.heads, &feats, &opts)?;
    model.save(&args.out)?;
    for w in &report.warnings {
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
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    println!(
        "{}",
        json!({
            "model": args.out, "bytes": size, "messages": report.messages, "heldout": report.heldout,
            "skipped": prepared.failures.len(), "heads": heads, "warnings": report.warnings,
            "seconds": started.elapsed().as_secs_f64(),
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// Worker threads for reading and featurising: the machine's parallelism.
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
