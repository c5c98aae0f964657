//! `signatur classify`.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use signatur::decision::rules::RuleSet;
use signatur::decision::{journal, JournalOptions, Router};
use signatur::eval::{read_message, TextMode};
use signatur::kle::Taxonomy;
use signatur::{Classifier, ClassifyOptions, Decision, Message};
use std::sync::Arc;

/// One line of `--json` output.
#[derive(serde::Serialize)]
struct DecisionLine<'a> {
    source: &'a str,
    decision: &'a Decision,
}

/// One line of `--journal` output.
#[derive(serde::Serialize)]
struct JournalLine<'a> {
    source: &'a str,
    journal: signatur::decision::JournalRecord,
}

/// Arguments of `signatur classify`.
#[derive(clap::Args)]
pub struct Args {
    /// The model file.
    #[arg(long)]
    pub model: PathBuf,
    /// Message files, directories, mbox files or Maildirs.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// One JSON object per message (default: a readable line per message).
    #[arg(long)]
    pub json: bool,
    /// Take each file as the plain-text body of a message instead of RFC 5322.
    #[arg(long)]
    pub text: bool,
    /// Labels per head (at least 1).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
    pub top_k: u16,
    /// Override a head's abstain threshold: `--threshold unit=0.8` (repeatable).
    #[arg(long, value_parser = parse_threshold)]
    pub threshold: Vec<(String, f32)>,
    /// Municipal routing rules (TOML) that run before the model.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Show personal identifiers (CPR, phone, e-mail, account numbers, names in journal
    /// records) as written instead of masked.
    #[arg(long)]
    pub unmasked: bool,
    /// Print a journal record per message (schema `signatur.journal/1`, docs/journal.md)
    /// instead of the decision.
    #[arg(long)]
    pub journal: bool,
    /// The municipality's KLE taxonomy: `os2kle:PATH`, `kle-xml:PATH` or a path whose
    /// format is sniffed. An SBSYS case number in a message decides only when its emne is
    /// in it and not outdated; journal records get KLE titles and retention hints.
    #[arg(long)]
    pub taxonomy: Option<String>,
    /// Journal records are at most `suggested`, never `auto`.
    #[arg(long, requires = "journal")]
    pub never_auto: bool,
}

fn parse_threshold(s: &str) -> Result<(String, f32), String> {
    let (head, value) = s.split_once('=').ok_or("expected HEAD=VALUE")?;
    let v: f32 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a number"))?;
    if !(0.0..=1.0).contains(&v) {
        return Err(format!("threshold {v} is outside 0..=1"));
    }
    Ok((head.to_string(), v))
}

pub fn run(args: Args) -> ExitCode {
    let (router, taxonomy) = match load(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("signatur classify: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(heads) = router.classifier().map(|c| c.heads()) {
        if let Some((unknown, _)) = args
            .threshold
            .iter()
            .find(|(h, _)| !heads.iter().any(|head| &head.name == h))
        {
            let names: Vec<&str> = heads.iter().map(|h| h.name.as_str()).collect();
            eprintln!(
                "signatur classify: --threshold names head {unknown:?}, but the model's heads are {names:?}"
            );
            return ExitCode::FAILURE;
        }
    }
    let journal_opts = JournalOptions {
        unmasked: args.unmasked,
        never_auto: args.never_auto,
    };
    let summary = router.classifier().map(|c| c.summary().clone());
    let opts = ClassifyOptions {
        top_k: usize::from(args.top_k),
        thresholds: args.threshold.iter().cloned().collect::<HashMap<_, _>>(),
        ..ClassifyOptions::default()
    };
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut emit = |source: &str, msg: signatur::Result<Message>| {
        let result = msg.and_then(|m| {
            let d = router.decide(&m, &opts, args.unmasked)?;
            let line = if args.journal {
                let rec = journal(&m, &d, summary.as_ref(), taxonomy.as_deref(), &journal_opts);
                crate::json_line(JournalLine {
                    source,
                    journal: rec,
                })
            } else if args.json {
                crate::json_line(DecisionLine {
                    source,
                    decision: &d,
                })
            } else {
                Ok(readable(source, &d))
            };
            line.map_err(|e| signatur::Error::new(signatur::ErrorKind::InvalidInput, e.to_string()))
        });
        match result {
            Ok(line) => {
                if let Err(e) = writeln!(out, "{line}") {
                    // A reader that went away (`… | head`) ends the run quietly; another
                    // write error (a full disk) fails it.
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        eprintln!("signatur classify: cannot write output: {e}");
                        failed = true;
                    }
                    return false;
                }
            }
            Err(e) => {
                eprintln!("signatur classify: {}", crate::about(e, source));
                failed = true;
            }
        }
        true
    };
    if args.text {
        for path in crate::text_files(&args.inputs) {
            if !emit(
                &path.display().to_string(),
                read_message(&path, TextMode::PlainText),
            ) {
                break;
            }
        }
    } else {
        for (source, msg) in signatur::ingest::read_inputs(&args.inputs) {
            if !emit(&source, msg) {
                break;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn load(args: &Args) -> signatur::Result<(Router, Option<Arc<Taxonomy>>)> {
    let mut router = Router::new(Arc::new(Classifier::load(&args.model)?));
    if let Some(path) = &args.rules {
        router = router.with_rules(Arc::new(RuleSet::load(path)?));
    }
    let taxonomy = args
        .taxonomy
        .as_deref()
        .map(Taxonomy::from_spec)
        .transpose()?
        .map(Arc::new);
    if let Some(t) = &taxonomy {
        // The same check as a host's router: a case number's emne must be in it.
        router = router.with_taxonomy(t.clone());
    }
    Ok((router, taxonomy))
}

fn readable(source: &str, d: &Decision) -> String {
    let mut s = source.to_string();
    for h in &d.heads {
        let top = h
            .top()
            .map(|l| format!("{} ({:.2})", l.label, l.probability))
            .unwrap_or_default();
        let flag = match (&h.fallback, h.abstain) {
            (Some(f), _) => format!(
                " needs review (sure of {} {} at {:.2})",
                f.level, f.code, f.probability
            ),
            (None, true) => {
                // The best code of each coarser level, so that a reader sees how close they came.
                let best: Vec<String> = h
                    .levels
                    .iter()
                    .skip(1)
                    .filter_map(|l| {
                        let top = l.labels.first()?;
                        Some(format!("{} {} {:.2}", l.level, top.label, top.probability))
                    })
                    .collect();
                if best.is_empty() {
                    " needs review".to_string()
                } else {
                    format!(" needs review (best {})", best.join(", "))
                }
            }
            (None, false) => String::new(),
        };
        let why: Vec<&str> = h
            .explanation
            .iter()
            .take(3)
            .map(|e| e.text.as_str())
            .collect();
        s.push_str(&format!("  {}: {top}{flag} [{}]", h.head, why.join(", ")));
    }
    for r in &d.references {
        s.push_str(&format!("  {}={}", r.kind, r.value));
    }
    if d.sensitive {
        s.push_str("  SENSITIVE");
    }
    s
}
