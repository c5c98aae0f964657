//! `signatur eval`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use signatur::eval::{cross_validate, evaluate, prepare, EvalReport};
use signatur::eval::{evaluate_holdout, latest_holdout, parse_holdout, train_and_test};
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
    /// Train on --data and test on this later data set (forward evaluation).
    #[arg(long, value_name = "DIR|MANIFEST")]
    pub test: Option<PathBuf>,
    /// Train on the oldest messages of --data and test on the newest share: `latest:0.2`.
    /// Ordered by date when every message has a readable Date header (a valid date with a
    /// time zone), else by file name (number-aware) within each label folder.
    #[arg(long, value_name = "latest:F")]
    pub holdout: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Read each file as the plain-text body of a message.
    #[arg(long)]
    pub text: bool,
    /// With --folds: write `path<TAB>fold` per message, so peers can use the same folds.
    #[arg(long, requires = "folds")]
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
                    Ok(s) => crate::out(format_args!("{s}")),
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
    let modes = [
        args.model.is_some(),
        args.folds.is_some(),
        args.test.is_some(),
        args.holdout.is_some(),
    ];
    if modes.iter().filter(|&&m| m).count() != 1 {
        return Err(signatur::Error::new(
            signatur::ErrorKind::InvalidInput,
            "give exactly one of --model, --folds, --test or --holdout",
        ));
    }
    // Training refuses it too, but `--model` trains nothing and would report a coverage of
    // 0 at an impossible precision.
    let target = args.training.target_precision;
    if !(target > 0.0 && target <= 1.0) {
        return Err(signatur::Error::new(
            signatur::ErrorKind::InvalidInput,
            format!("--target-precision {target} is outside (0, 1]"),
        ));
    }
    if let Some(test_path) = &args.test {
        let feats = args.training.feature_config();
        let featurizer = Featurizer::new(&feats)?;
        let prepared = read(&featurizer);
        let test_set = Dataset::load(test_path)?;
        let pb = bar("reading test", test_set.items.len() as u64);
        let tick = |d: usize, _n: usize| pb.set_position(d as u64);
        let test = prepare(&test_set, &featurizer, mode, threads(), Some(&tick));
        pb.finish_and_clear();
        let opts = args.training.train_options();
        let mut report = train_and_test(&dataset, &prepared, &test_set, &test, &feats, &opts)?;
        report.skipped += prepared.failures.len() as u64;
        return Ok(report);
    }
    if let Some(spec) = &args.holdout {
        let fraction = parse_holdout(spec)?;
        let feats = args.training.feature_config();
        let prepared = read(&Featurizer::new(&feats)?);
        let holdout = latest_holdout(&dataset, &prepared, mode, fraction)?;
        let opts = args.training.train_options();
        return evaluate_holdout(&dataset, &prepared, &holdout, &feats, &opts);
    }
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
            "give exactly one of --model, --folds, --test or --holdout",
        )),
    }
}

fn print_table(r: &EvalReport) {
    crate::out(format_args!(
        "messages: {}  skipped: {}{}",
        r.messages,
        r.skipped,
        r.folds.map(|k| format!("  folds: {k}")).unwrap_or_default()
    ));
    if let Some(s) = &r.split {
        crate::out(format_args!(
            "forward split: {}{}{}  trained on {}  tested on {}",
            s.kind,
            s.fraction.map(|f| format!(" {f}")).unwrap_or_default(),
            s.order
                .as_deref()
                .map(|o| format!(" by {o}"))
                .unwrap_or_default(),
            s.train_messages,
            s.test_messages
        ));
    }
    crate::out(format_args!(
        "{:<12} {:>8} {:>8} {:>8} {:>8} {:>10} {:>10} {:>8} {:>8}",
        "head", "accuracy", "balanced", "macroF1", "top3", "cov@prec", "prec@thr", "ece", "n"
    ));
    for h in &r.heads {
        crate::out(format_args!(
            "{:<12} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>10.4} {:>10} {:>8.4} {:>8}",
            h.head,
            h.accuracy,
            h.balanced_accuracy,
            h.macro_f1,
            h.top3_accuracy,
            h.coverage_at_precision,
            h.precision_at_threshold
                .map(|p| format!("{p:.4}"))
                .unwrap_or_else(|| "-".into()),
            h.ece,
            h.messages
        ));
        for c in h.confused.iter().take(3) {
            crate::out(format_args!(
                "    confused: {} -> {} ({})",
                c.truth, c.predicted, c.count
            ));
        }
    }
}
