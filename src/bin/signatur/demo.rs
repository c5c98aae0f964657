//! `signatur demo`: the README's main job (train on the bundled demo corpus, evaluate,
//! show decisions, learn three corrections) from the installed tool.
//!
//! It runs the very code of `examples/quickstart.rs`, included here, so that the example a
//! Rust developer reads and the command a vendor runs cannot drift apart.

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "../../../examples/quickstart.rs"]
#[allow(dead_code)] // its `main` is the example's entry point, unused here
mod quickstart;

/// Arguments of `signatur demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Message files to classify with a model trained on the whole demo corpus (default:
    /// train on four fifths, evaluate the rest and walk through examples and corrections).
    pub files: Vec<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    match quickstart::run(&args.files) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("signatur demo: {e}");
            ExitCode::FAILURE
        }
    }
}
