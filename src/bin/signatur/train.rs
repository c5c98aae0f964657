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
}

pub fn options(seed: u64, target: f32, epochs: Option<u32>, hidden: Option<usize>) -> TrainOptions {
    let mut o = TrainOptions { seed, target_precision: target, hidden, ..TrainOptions::default() };
    if let Some(e) = epochs {
        o.epochs = e;
    }
    o
}

pub fn features(stemmer: &str, hash_bits: Option<u8>) -> FeatureConfig {
    let mut f = FeatureConfig { stemmer: stemmer.to_string(), ..FeatureConfig::default() };
    if let Some(b) = hash_bits {
        f.hash_bits = b;
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
    let feats = features(&args.stemmer, args.hash_bits);
    let featurizer = Featurizer::new(&feats)?;
    let mode = if args.text { TextMode::PlainText } else { TextMode::Mail };
    let pb = bar("reading", dataset.items.len() as u64);
    let tick = |d: usize, _n: usize| pb.set_position(d as u64);
    let prepared = prepare(&dataset, &featurizer, mode, threads(), Some(&tick));
    pb.finish_and_clear();
    for (path, e) in &prepared.failures {
        eprintln!("signatur train: skipped {}: {e}", path.display());
    }
    let opts = options(args.seed, args.target_precision, args.epochs, args.hidden);
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
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
