//! The mailbox readers on files made from the input: the first byte chooses an mbox file
//! (`read_mbox`), a Maildir whose messages are the input's pieces split at `\0\0`
//! (`read_maildir`), or a directory tree sniffed by `read_inputs`.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signatur::ingest::{read_inputs_with, read_maildir, read_mbox, Limits};

/// This process's scratch folder (in memory where /dev/shm exists).
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("signatur-fuzz-mailbox-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
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
    let items: Vec<_> = match mode % 3 {
        0 => {
            let path = dir.join("inbox.mbox");
            std::fs::write(&path, rest).expect("write");
            read_mbox(&path, &limits).collect()
        }
        1 => {
            for sub in ["cur", "new", "tmp"] {
                std::fs::create_dir_all(dir.join(sub)).expect("maildir");
            }
            for (i, piece) in rest.split_inclusive(|&b| b == 0).take(16).enumerate() {
                let sub = if i % 2 == 0 { "cur" } else { "new" };
                std::fs::write(dir.join(sub).join(format!("{i}.eml")), piece).expect("write");
            }
            read_maildir(dir, &limits).collect()
        }
        _ => {
            std::fs::write(dir.join("a.eml"), rest).expect("write");
            read_inputs_with([dir], &limits).collect()
        }
    };
    for (source, _) in &items {
        assert!(!source.is_empty());
    }
});
