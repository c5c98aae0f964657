//! The mailbox readers on files made from the input: the first byte chooses an mbox file
//! (`read_mbox`), a Maildir whose messages are the input's pieces split after each `\0`
//! (`read_maildir`), or a directory tree sniffed by `read_inputs`.
//!
//! Besides not crashing, the readers must agree with parsing each message's bytes directly:
//! - a Maildir yields its files in name order (`cur`, then `new`), each read as
//!   `Message::from_memo_with` or `Message::from_bytes_with` would read it;
//! - the same pieces written as one mbox file (mboxrd: each behind a `From - ` line, body
//!   lines that start with `>*From ` quoted once more) come back as the same messages,
//!   named `file:index`, or by the file alone when it holds one message. This is the
//!   property that an unescaping or size-counting slip in the mbox reader breaks.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signatur::ingest::{memo, read_inputs_with, read_maildir, read_mbox, Limits};
use signatur::Message;

/// This process's scratch folder (in memory where /dev/shm exists).
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("signatur-fuzz-mailbox-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
}

/// What reading one message file gives, as the readers document it.
fn read_directly(bytes: &[u8], limits: &Limits) -> Option<Message> {
    if memo::looks_like_memo(bytes) {
        Message::from_memo_with(bytes, limits).ok()
    } else {
        Message::from_bytes_with(bytes, limits).ok()
    }
}

/// `pieces` as one mboxrd file: an envelope line before each, and every line that starts
/// with `>*From ` quoted once more.
fn mboxrd(pieces: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in pieces {
        out.extend_from_slice(b"From - \n");
        for line in piece.split_inclusive(|&b| b == b'\n') {
            let quotes = line.iter().take_while(|&&b| b == b'>').count();
            if line
                .get(quotes..)
                .is_some_and(|rest| rest.starts_with(b"From "))
            {
                out.push(b'>');
            }
            out.extend_from_slice(line);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let dir = scratch();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("scratch folder");
    let limits = Limits {
        max_message_bytes: 256 * 1024,
        ..Limits::default()
    };
    match mode % 3 {
        0 => {
            let path = dir.join("inbox.mbox");
            std::fs::write(&path, rest).expect("write");
            for (source, _) in read_mbox(&path, &limits) {
                assert!(source.starts_with(&path.display().to_string()));
            }
        }
        1 => {
            for sub in ["cur", "new", "tmp"] {
                std::fs::create_dir_all(dir.join(sub)).expect("maildir");
            }
            let pieces: Vec<&[u8]> = rest.split_inclusive(|&b| b == 0).take(16).collect();
            // What the Maildir must yield: `cur`, then `new`, each in name order.
            let mut expected: Vec<(PathBuf, &[u8])> = Vec::new();
            for sub in ["cur", "new"] {
                let mut files: Vec<(String, &[u8])> = pieces
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (i % 2 == 0) == (sub == "cur"))
                    .map(|(i, &p)| (format!("{i}.eml"), p))
                    .collect();
                files.sort();
                for (name, piece) in files {
                    let path = dir.join(sub).join(name);
                    std::fs::write(&path, piece).expect("write");
                    expected.push((path, piece));
                }
            }
            let items: Vec<_> = read_maildir(dir, &limits).collect();
            assert_eq!(items.len(), expected.len());
            for ((source, got), (path, piece)) in items.iter().zip(&expected) {
                assert_eq!(source, &path.display().to_string());
                assert!(got.as_ref().ok() == read_directly(piece, &limits).as_ref());
            }

            // The same messages through an mbox file, without the `\0` that ended each
            // piece. A piece that does not end a line would run into the next envelope
            // line, so those are left out.
            let whole: Vec<&[u8]> = pieces
                .iter()
                .map(|p| p.strip_suffix(&[0]).unwrap_or(p))
                .filter(|p| p.ends_with(b"\n"))
                .collect();
            let path = dir.join("inbox.mbox");
            std::fs::write(&path, mboxrd(&whole)).expect("write");
            let items: Vec<_> = read_mbox(&path, &limits).collect();
            assert_eq!(items.len(), whole.len());
            let name = path.display().to_string();
            for (i, ((source, got), piece)) in items.iter().zip(&whole).enumerate() {
                if whole.len() == 1 {
                    assert_eq!(source, &name);
                } else {
                    assert_eq!(source, &format!("{name}:{i}"));
                }
                let direct = Message::from_bytes_with(piece, &limits).ok();
                assert!(got.as_ref().ok() == direct.as_ref(), "message {i} differs");
            }
        }
        _ => {
            std::fs::write(dir.join("a.eml"), rest).expect("write");
            for (source, _) in read_inputs_with([dir], &limits) {
                assert!(!source.is_empty());
            }
        }
    }
});
