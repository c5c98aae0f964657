//! `signatur`: the command-line tool. Each subcommand lives in its own module; its JSON
//! output shapes are documented in `docs/cli.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod classify;
mod demo;
mod eval;
mod inspect;
mod learn;
mod parse;
mod progress;
mod redact;
mod refs;
mod train;

/// Sorts and journals incoming mail for Danish municipalities.
#[derive(Parser)]
#[command(name = "signatur", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse messages (.eml files, directories, mbox files, Maildirs) and print one JSON
    /// object per message.
    Parse(parse::Args),
    /// Train a model from labelled messages and write it as one ONNX file.
    Train(train::Args),
    /// Evaluate a model on labelled messages, or cross-validate with --folds.
    Eval(eval::Args),
    /// Classify messages with a model: per head the top labels, abstain flag and evidence.
    Classify(classify::Args),
    /// Show a model file's heads, labels, configuration and training summary.
    Inspect(inspect::Args),
    /// Print every case number, KLE code and personal or company identifier found, one JSON
    /// object per message; values masked unless --unmasked.
    Refs(refs::Args),
    /// Print the subject and body (or with --text the whole text) with identifiers masked.
    Redact(redact::Args),
    /// Learn confirmed corrections online into a model and write the updated model file
    /// (its summary records the parent and the number of corrections).
    Learn(learn::LearnArgs),
    /// Train a new model on base data plus corrections, with the parent's features; the new
    /// file names its parent.
    Retrain(learn::RetrainArgs),
    /// The main job on the bundled demo corpus: train, evaluate, show decisions as a clerk
    /// reads them, learn three corrections (the same as `cargo run --example quickstart`).
    Demo(demo::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Classify(args) => classify::run(args),
        Command::Refs(args) => refs::run(args),
        Command::Redact(args) => redact::run(args),
        Command::Learn(args) => learn::run_learn(args),
        Command::Retrain(args) => learn::run_retrain(args),
        Command::Demo(args) => demo::run(args),
    }
}

/// Prints one line on stdout, as `println!` does, except that a reader that went away
/// (`signatur inspect … | head`) ends the program quietly with success, as `parse`,
/// `refs` and `classify` do, where `println!` would panic; another write error ends it
/// with a message and failure.
fn out(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_fmt(line)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("signatur: cannot write output: {e}");
        std::process::exit(1);
    }
}

/// The files that `--text` reads for `inputs`, in order: a file named is read whatever it
/// is, `-` stays `-`, and a directory gives the files the mail reader would read
/// ([`signatur::ingest::files_below`]).
fn text_files(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in inputs {
        if p.as_os_str() != "-" && p.is_dir() {
            out.extend(signatur::ingest::files_below(p));
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// `e` with `source` (a file name) in front of its message, unless it is there already:
/// errors from reading a file name it themselves, and stderr lines read
/// `signatur <command>: <kind>: <source>: <reason>` either way.
fn about(e: signatur::Error, source: &str) -> signatur::Error {
    if e.message().starts_with(&format!("{source}:")) {
        e
    } else {
        e.context(source)
    }
}

/// `v` as one line of JSON, with every number that is exactly an `f32` printed as that
/// `f32` prints (`0.9`, not `0.8999999761581421`).
///
/// The library keeps probabilities and thresholds as `f32`. serde_json widens them to the
/// `f64` of the same value when it builds a `Value` (what `json!` does), and that `f64`
/// prints with digits no script wants to compare against.
fn json_line(v: impl serde::Serialize) -> Result<String, serde_json::Error> {
    Ok(value_line(serde_json::to_value(v)?))
}

/// A built `Value` as [`json_line`] prints it.
fn value_line(mut v: serde_json::Value) -> String {
    tidy_floats(&mut v);
    v.to_string()
}

fn tidy_floats(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            if let Some(x) = n.as_f64() {
                let narrow = x as f32;
                if f64::from(narrow) == x {
                    if let Some(short) = format!("{narrow}")
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                    {
                        *n = short;
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy_floats),
        Value::Object(map) => map.values_mut().for_each(tidy_floats),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f32_numbers_print_short_and_f64_numbers_stay() {
        let line = json_line(serde_json::json!({
            "p": 0.9f32, "list": [0.95f32, 1.0e-7f32], "exact": 0.1f64, "n": 3, "half": 0.5f32,
        }))
        .unwrap();
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["p"].to_string(), "0.9");
        assert_eq!(back["list"][0].to_string(), "0.95");
        assert_eq!(back["list"][1].to_string(), "1e-7");
        assert_eq!(back["exact"].to_string(), "0.1");
        assert_eq!(back["n"].to_string(), "3");
        assert_eq!(back["half"].to_string(), "0.5");
    }
}
