//! `signatur parse`: one JSON object per message, for looking at what ingestion makes of
//! real mail. The shape is documented in `docs/cli.md`.

use std::io::{BufWriter, ErrorKind, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use signatur::Message;

/// Arguments of `signatur parse`.
#[derive(clap::Args)]
pub struct Args {
    /// Files, directories (searched recursively for messages), mbox files or Maildirs.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// One output line: where the message came from, then the message's own fields.
#[derive(Serialize)]
struct Line<'a> {
    source: &'a str,
    #[serde(flatten)]
    message: &'a Message,
}

/// Prints every message of every input as a JSON line on stdout and every failure on
/// stderr; fails when any input failed.
pub fn run(args: Args) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    for (source, result) in signatur::ingest::read_inputs(&args.inputs) {
        match result {
            Ok(message) => {
                let line = Line {
                    source: &source,
                    message: &message,
                };
                let written = serde_json::to_writer(&mut out, &line)
                    .map_err(std::io::Error::from)
                    .and_then(|()| out.write_all(b"\n"));
                if let Err(e) = written {
                    return write_failed(&e);
                }
            }
            Err(e) => {
                failed += 1;
                // The error names its source; flush first so the two streams stay in order.
                let _ = out.flush();
                eprintln!("signatur parse: {e}");
            }
        }
    }
    if let Err(e) = out.flush() {
        return write_failed(&e);
    }
    if failed > 0 {
        eprintln!("signatur parse: {failed} input(s) failed");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A closed pipe (`signatur parse … | head`) ends the run quietly; other write errors fail.
fn write_failed(e: &std::io::Error) -> ExitCode {
    if e.kind() == ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    eprintln!("signatur parse: cannot write output: {e}");
    ExitCode::FAILURE
}
