//! `signatur redact`: the readable text of messages (subject and body) or of plain texts,
//! with references masked, for pasting into tickets, examples and bug reports.

use std::process::ExitCode;

use signatur::decision::redact::{redact, Mask, RedactOptions};

use crate::refs::{for_each_message, Inputs};

/// Arguments of `signatur redact`.
#[derive(clap::Args)]
pub struct Args {
    /// With `--text`, the whole text is printed; otherwise a mail's subject and body.
    #[command(flatten)]
    pub input: Inputs,
    /// Write labels such as `[CPR]` instead of masking digits with `X`.
    #[arg(long)]
    pub labels: bool,
    /// Mask every kind, case numbers, KLE codes, CVR and P-numbers included (by default
    /// only personal identifiers are masked).
    #[arg(long)]
    pub all: bool,
}

/// Prints each input's masked text; with more than one message, each is preceded by a
/// `==> SOURCE <==` line. Failures go to stderr and make the exit status 1.
pub fn run(args: Args) -> ExitCode {
    let mask = if args.labels {
        Mask::Label
    } else {
        Mask::Shape
    };
    let options = if args.all {
        RedactOptions::all(mask)
    } else {
        let mut o = RedactOptions::default();
        for kind in signatur::decision::refs::RefKind::ALL {
            if o.mask(kind) != Mask::Keep {
                o.set(kind, mask);
            }
        }
        o
    };
    let inputs = &args.input.inputs;
    let many = inputs.len() > 1;
    for_each_message("redact", &args.input, |out, source, msg| {
        // A directory or mbox yields sources other than the argument itself.
        if many || !inputs.iter().any(|p| p.display().to_string() == source) {
            writeln!(out, "==> {source} <==")?;
        }
        if !args.input.text {
            writeln!(out, "{}\n", redact(&msg.subject, &options))?;
        }
        let body = redact(&msg.body.text, &options);
        out.write_all(body.as_bytes())?;
        if !body.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}
