//! `signatur learn` (online corrections into a new model file) and `signatur retrain` (a
//! full training on base data plus corrections, keeping the lineage).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde_json::json;
use signatur::eval::prepare;
use signatur::eval::{read_message, Dataset, TextMode};
use signatur::features::Featurizer;
use signatur::model::LearnOptions;
use signatur::train::retrain;
use signatur::train::HeadSpec;
use signatur::Classifier;

use crate::progress::bar;
use crate::train::Training;

/// Arguments of `signatur learn`.
#[derive(clap::Args)]
pub struct LearnArgs {
    /// The model to update.
    #[arg(long)]
    pub model: PathBuf,
    /// The confirmed messages: a CSV / JSON Lines manifest or label-folder directory, in the
    /// order the corrections were made.
    #[arg(long)]
    pub corrections: PathBuf,
    /// Where to write the updated model file.
    #[arg(long)]
    pub out: PathBuf,
    /// Read each file as the plain-text body of a message instead of RFC 5322.
    #[arg(long)]
    pub text: bool,
    /// Online step size (default by the model's loss: 0.8 squared hinge, 1.0 softmax).
    #[arg(long)]
    pub learning_rate: Option<f32>,
    /// Earlier confirmed messages replayed after each correction (default 4).
    #[arg(long)]
    pub replay: Option<usize>,
    /// The messages the model was trained on (manifest or directory), or a sample: kept for
    /// replay, not learned, so that corrections for some labels do not erode the others.
    #[arg(long)]
    pub data: Option<PathBuf>,
}

/// Arguments of `signatur retrain`.
#[derive(clap::Args)]
pub struct RetrainArgs {
    /// The parent model: its feature configuration is kept, and the new file names it as
    /// parent.
    #[arg(long)]
    pub model: PathBuf,
    /// The base data (what the parent was trained on, or a newer export).
    #[arg(long)]
    pub data: PathBuf,
    /// Confirmed corrections since the parent's training (manifest or directory).
    #[arg(long)]
    pub corrections: Option<PathBuf>,
    /// Where to write the new model file.
    #[arg(long)]
    pub out: PathBuf,
    /// Read each file as the plain-text body of a message instead of RFC 5322.
    #[arg(long)]
    pub text: bool,
    /// How to train (the feature flags are ignored: the parent's configuration is used).
    #[command(flatten)]
    pub training: Training,
}

fn mode(text: bool) -> TextMode {
    if text {
        TextMode::PlainText
    } else {
        TextMode::Mail
    }
}

/// Gives every message of `path` with its labels to `confirm` (learn or remember); returns
/// (done, failed).
fn confirm_all(
    command: &str,
    path: &Path,
    text: bool,
    what: &'static str,
    confirm: impl Fn(&signatur::Message, &[(&str, &str)]) -> signatur::Result<()>,
) -> signatur::Result<(u64, u64)> {
    let data = Dataset::load(path)?;
    let pb = bar(what, data.items.len() as u64);
    let (mut ok, mut failed) = (0, 0);
    for item in &data.items {
        pb.inc(1);
        let labels: Vec<(&str, &str)> = data
            .heads
            .iter()
            .zip(&item.labels)
            .filter_map(|(h, l)| Some((h.name.as_str(), h.labels.get((*l)? as usize)?.as_str())))
            .collect();
        if labels.is_empty() {
            continue;
        }
        match read_message(&item.path, mode(text)).and_then(|m| confirm(&m, &labels)) {
            Ok(_) => ok += 1,
            Err(e) => {
                let e = crate::about(e, &item.path.display().to_string());
                eprintln!("signatur {command}: {e}");
                failed += 1;
            }
        }
    }
    pb.finish_and_clear();
    Ok((ok, failed))
}

pub fn run_learn(args: LearnArgs) -> ExitCode {
    let started = Instant::now();
    let result = (|| -> signatur::Result<serde_json::Value> {
        let clf = Classifier::load(&args.model)?;
        let mut opts = LearnOptions::default();
        if let Some(lr) = args.learning_rate {
            opts.learning_rate = Some(lr);
        }
        if let Some(r) = args.replay {
            opts.replay = r;
        }
        clf.set_learn_options(opts);
        let (mut remembered, mut failed) = (0, 0);
        if let Some(data) = &args.data {
            (remembered, failed) = confirm_all("learn", data, args.text, "remembering", |m, l| {
                clf.remember(m, l)
            })?;
        }
        let (learned, failed_corrections) =
            confirm_all("learn", &args.corrections, args.text, "learning", |m, l| {
                clf.learn(m, l).map(|_| ())
            })?;
        failed += failed_corrections;
        if learned == 0 {
            return Err(signatur::Error::new(
                signatur::ErrorKind::InvalidInput,
                format!("no correction was learned ({failed} failed); nothing written"),
            ));
        }
        let model = clf.to_model()?;
        model.save(&args.out)?;
        let s = model.summary();
        Ok(json!({
            "model": args.out.display().to_string(),
            "learned": learned,
            "remembered": remembered,
            "failed": failed,
            "parent": s.parent,
            "corrections_since_training": s.corrections_since_training,
            "seconds": started.elapsed().as_secs_f64(),
        }))
    })();
    match result {
        Ok(v) => report(v),
        Err(e) => {
            eprintln!("signatur learn: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn run_retrain(args: RetrainArgs) -> ExitCode {
    let started = Instant::now();
    let result = (|| -> signatur::Result<serde_json::Value> {
        let parent = Classifier::load(&args.model)?;
        let (corrections, failed) = match &args.corrections {
            Some(p) => confirm_all("retrain", p, args.text, "learning", |m, l| {
                parent.learn(m, l).map(|_| ())
            })?,
            None => (0, 0),
        };
        let data = Dataset::load(&args.data)?;
        let featurizer = Featurizer::new(parent.feature_config())?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let pb = bar("reading", data.items.len() as u64);
        let progress = |_: usize, _: usize| pb.inc(1);
        let prepared = prepare(
            &data,
            &featurizer,
            mode(args.text),
            threads,
            Some(&progress),
        );
        pb.finish_and_clear();
        for (p, e) in &prepared.failures {
            eprintln!("signatur retrain: skipped {}: {e}", p.display());
        }
        let heads: Vec<HeadSpec> = data.heads.clone();
        let (model, _) = retrain(&parent, &prepared, &heads, &args.training.train_options())?;
        model.save(&args.out)?;
        let s = model.summary();
        // As `train` reports them: a label with one message, a head without data.
        for w in &s.warnings {
            eprintln!("signatur retrain: warning: {w}");
        }
        Ok(json!({
            "model": args.out.display().to_string(),
            "messages": s.messages,
            "corrections": corrections,
            "failed": failed,
            "skipped": prepared.failures.len(),
            "parent": s.parent,
            "warnings": s.warnings,
            "seconds": started.elapsed().as_secs_f64(),
        }))
    })();
    match result {
        Ok(v) => report(v),
        Err(e) => {
            eprintln!("signatur retrain: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the JSON result of `learn` or `retrain`; failure when a message failed (a
/// correction that was not learned is an error the caller must see).
fn report(v: serde_json::Value) -> ExitCode {
    let ok = v["failed"].as_u64() == Some(0);
    crate::out(format_args!("{}", crate::value_line(v)));
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
