//! `signatur eval`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use signatur::eval::{cross_validate, evaluate, prepare, EvalReport};
use signatur::eval::{Dataset, TextMode};
use signatur::features::Featurizer;
use signatur::Classifier;

use crate::progress::bar;
use crate::train::{threads, Training};

/// Arguments of `signatur eval`.
#[derive(clap::Args)]
pub struct Args {
    /// The model to evaluate (without it, `--folds` trains one per fold).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Labelled data: a directory with one folder per label, or a CSV / JSON Lines manifest.
    #[arg(long)]
    pub data: PathBuf,
    /// Cross-validate with this many folds instead of testing a given model.
    #[arg(long)]
    pub folds: Option<usize>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Read each file as the plain-text body of a message.
    #[arg(long)]
    pub text: bool,
    /// With --folds: write `path<TAB>fold` per message, so peers can use the same folds.
    #[arg(long)]
    pub folds_out: Option<PathBuf>,
    /// How to train (with --folds); `--target-precision` also sets where coverage is
    /// measured.
    #[command(flatten)]
    pub training: Training,
}

pub fn run(args: Args) -> ExitCode {
    match run_inner(&args) {
        Ok(report) => {
            if args.json {
                match crate::json_line(&report) {
                    Ok(s) => println!("{s}"),
                    Err(e) => {
                        eprintln!("signatur eval: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                print_table(&report);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("signatur eval: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &Args) -> signatur::Result<EvalReport> {
    let dataset = Dataset::load(&args.data)?;
    let mode = if args.text {
        TextMode::PlainText
    } else {
        TextMode::Mail
    };
    let read = |featurizer: &Featurizer| {
        let pb = bar("reading", dataset.items.len() as u64);
        let tick = |d: usize, _n: usize| pb.set_position(d as u64);
        let p = prepare(&dataset, featurizer, mode, threads(), Some(&tick));
        pb.finish_and_clear();
        p
    };
    match (&args.model, args.folds) {
        (Some(path), None) => {
            let clf = Classifier::load(path)?;
            let prepared = read(clf.featurizer());
            evaluate(&clf, &dataset, &prepared, args.training.target_precision)
        }
        (None, Some(k)) => {
            let feats = args.training.feature_config();
            let prepared = read(&Featurizer::new(&feats)?);
            let opts = args.training.train_options();
            let pb = bar("folds", k as u64);
            let tick = |d: usize, _n: usize| pb.set_position(d as u64);
            let (report, folds) =
                cross_validate(&dataset, &prepared, &feats, &opts, k, Some(&tick))?;
            pb.finish_and_clear();
            if let Some(out) = &args.folds_out {
                let mut f = std::fs::File::create(out)
                    .map_err(|e| signatur::Error::from(e).context(out.display()))?;
                for (i, fold) in folds.iter().enumerate() {
                    let path = &dataset.items[prepared.item_index[i]].path;
                    writeln!(f, "{}\t{fold}", path.display()).map_err(signatur::Error::from)?;
                }
            }
            Ok(report)
        }
        _ => Err(signatur::Error::new(
            signatur::ErrorKind::InvalidInput,
            "give either --model or --folds",
        )),
    }
}

fn print_table(r: &EvalReport) {
    println!(
        "messages: {}  skipped: {}{}",
        r.messages,
        r.skipped,
        r.folds.map(|k| format!("  folds: {k}")).unwrap_or_default()
    );
    println!(
        "{:<12} {:>8} {:>8} {:>8} {:>10} {:>8} {:>8}",
        "head", "accuracy", "macroF1", "top3", "cov@prec", "ece", "n"
    );
    for h in &r.heads {
        println!(
            "{:<12} {:>8.4} {:>8.4} {:>8.4} {:>10.4} {:>8.4} {:>8}",
            h.head,
            h.accuracy,
            h.macro_f1,
            h.top3_accuracy,
            h.coverage_at_precision,
            h.ece,
            h.messages
        );
        for c in h.confused.iter().take(3) {
            println!("    confused: {} -> {} ({})", c.truth, c.predicted, c.count);
        }
    }
}
