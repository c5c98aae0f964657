//! `signatur refs`: every case number, KLE code and personal or company identifier found in
//! messages or plain texts, one JSON object per input (shape in `docs/cli.md`). Values are
//! masked unless `--unmasked` is given, because the output lands in terminals, files and
//! tickets where a CPR number must not.
//!
//! Also home of the input reading that `signatur redact` shares: messages through
//! [`signatur::ingest::read_inputs`], `-` for standard input, `--text` for plain text.

use std::fs::File;
use std::io::{BufWriter, ErrorKind as IoErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use signatur::decision::refs::{find_in_message, RefKind};
use signatur::decision::sensitive::{assess_found, Reason};
use signatur::{Error, ErrorKind, Message};

/// The largest input read from standard input or as `--text`, like the message size limit
/// of [`signatur::ingest::Limits`].
const MAX_INPUT_BYTES: u64 = 25 * 1024 * 1024;

/// The inputs of `signatur refs` and `signatur redact`.
#[derive(clap::Args)]
pub struct Inputs {
    /// Files (.eml, mbox, directories of messages), or `-` for standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Read each input as plain UTF-8 text, taken whole as the body (spans point into it as
    /// given), instead of as a mail.
    #[arg(long)]
    pub text: bool,
}

/// Arguments of `signatur refs`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: Inputs,
    /// Print values in clear text, CPR numbers included; by default personal values are
    /// masked.
    #[arg(long)]
    pub unmasked: bool,
}

/// Reads `path` (or standard input for `-`) to its end, refusing more than
/// [`MAX_INPUT_BYTES`].
fn read_bounded(path: &Path) -> signatur::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(path)?)
    };
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::new(
            ErrorKind::TooLarge,
            format!("input exceeds {MAX_INPUT_BYTES} bytes"),
        ));
    }
    Ok(buf)
}

/// A message whose body is exactly `text`, so that spans point into the text as given
/// (no newline normalisation, no quote splitting).
fn text_message(bytes: Vec<u8>) -> signatur::Result<Message> {
    let text = String::from_utf8(bytes)
        .map_err(|e| Error::new(ErrorKind::Utf8, format!("not UTF-8 text: {e}")))?;
    let mut msg = Message::default();
    msg.body.text = text;
    Ok(msg)
}

/// Calls `each` with `(out, source, message)` for every message of every input, writing to
/// standard output: `-` is standard input, `text` reads inputs as plain text, otherwise
/// files, mboxes and directories are read as mail. An input that cannot be read is reported
/// on stderr and the others still run; the exit status is 1 when any failed. A closed pipe
/// (`… | head`) ends the run quietly.
pub fn for_each_message(
    command: &str,
    input: &Inputs,
    mut each: impl FnMut(&mut dyn Write, &str, Message) -> std::io::Result<()>,
) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut handle = |out: &mut BufWriter<_>, source: &str, result: signatur::Result<Message>| {
        match result {
            Ok(msg) => each(out, source, msg),
            Err(e) => {
                failed += 1;
                // The error names its source; flush first so the two streams stay in order.
                out.flush()?;
                eprintln!("signatur {command}: {e}");
                Ok(())
            }
        }
    };
    let mut written = Ok(());
    let text = input.text;
    // Plain text: the files of a directory, as `classify --text` reads them.
    let paths = if text {
        crate::text_files(&input.inputs)
    } else {
        input.inputs.clone()
    };
    for path in &paths {
        let source = path.display().to_string();
        written = if text || path == Path::new("-") {
            let msg = read_bounded(path).and_then(|bytes| {
                if text {
                    text_message(bytes)
                } else if signatur::ingest::memo::looks_like_memo(&bytes) {
                    // As a file is read: a Digital Post letter is MeMo XML, not RFC 5322.
                    Message::from_memo(&bytes)
                } else {
                    Message::from_bytes(&bytes)
                }
            });
            handle(&mut out, &source, msg.map_err(|e| e.context(&source)))
        } else {
            signatur::ingest::read_inputs([path])
                .try_for_each(|(source, result)| handle(&mut out, &source, result))
        };
        if written.is_err() {
            break;
        }
    }
    if let Err(e) = written.and_then(|()| out.flush()) {
        if e.kind() == IoErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
        eprintln!("signatur {command}: cannot write output: {e}");
        return ExitCode::FAILURE;
    }
    if failed > 0 {
        eprintln!("signatur {command}: {failed} input(s) failed");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// One reference in the output.
#[derive(Serialize)]
struct RefLine {
    kind: RefKind,
    field: String,
    start: usize,
    end: usize,
    /// Rounded to three decimals: more digits of an `f32` are noise.
    confidence: f64,
    checksum: Option<bool>,
    value: String,
}

/// One output line.
#[derive(Serialize)]
struct Line<'a> {
    source: &'a str,
    references: Vec<RefLine>,
    sensitive: bool,
    reasons: Vec<Reason>,
}

/// Prints one JSON line per message; failures go to stderr and make the exit status 1.
pub fn run(args: Args) -> ExitCode {
    for_each_message("refs", &args.input, |out, source, msg| {
        let found = find_in_message(&msg);
        let sensitivity = assess_found(&msg, &found);
        let references = found
            .iter()
            .map(|f| {
                let r = &f.reference;
                RefLine {
                    kind: r.kind,
                    field: f.field.to_string(),
                    start: r.start,
                    end: r.end,
                    confidence: (f64::from(r.confidence) * 1000.0).round() / 1000.0,
                    checksum: r.checksum,
                    value: if args.unmasked {
                        r.value.clone()
                    } else {
                        r.masked()
                    },
                }
            })
            .collect();
        let line = Line {
            source,
            references,
            sensitive: sensitivity.sensitive,
            reasons: sensitivity.reasons,
        };
        serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::from)?;
        out.write_all(b"\n")
    })
}
