//! `signatur`: the command-line tool. Each subcommand lives in its own module; its JSON
//! output shapes are documented in `docs/cli.md`.

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
