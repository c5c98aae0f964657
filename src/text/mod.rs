//! Text: normalisation, UAX #29 words, number classes, Snowball stemming and stop words.
//!
//! This stage turns readable text into the tokens the feature stage hashes. It never keeps
//! the text: callers stream tokens and hash them at once, so nothing of a message survives
//! in a trained model.

pub(crate) mod names;
mod normalize;
mod stem;
mod stopwords;
mod tokenize;
mod words;

pub use names::{add_all_words, add_capitalised_words, add_proper_nouns};
pub use normalize::normalize;
pub use stem::{Stemmer, StemmerKind};
pub use stopwords::{is_stop_word, StopWords};
pub use tokenize::{tokenize, NumberClass, Token, TokenKind};
pub use words::{word_indices, WordIndices};

/// Test inputs shared by the text stage's equivalence tests.
#[cfg(test)]
pub(crate) mod samples {
    /// Calls `check` with `count` random strings of up to `max_len` characters drawn from
    /// `alphabet` (xorshift64 from `seed`: the text stage has no generator of its own).
    pub(crate) fn random_texts(
        alphabet: &str,
        count: usize,
        max_len: usize,
        seed: u64,
        mut check: impl FnMut(&str),
    ) {
        let alphabet: Vec<char> = alphabet.chars().collect();
        let mut state = seed;
        let mut below = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut text = String::new();
        for _ in 0..count {
            text.clear();
            for _ in 0..below(max_len) {
                text.push(alphabet[below(alphabet.len())]);
            }
            check(&text);
        }
    }

    /// Calls `check` with the raw text of every demo message (more than 300).
    pub(crate) fn demo_messages(mut check: impl FnMut(&str)) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/corpus/mail");
        let mut read = 0;
        for entry in std::fs::read_dir(dir).expect("the demo corpus") {
            let bytes = std::fs::read(entry.expect("an entry").path()).expect("a message");
            check(&String::from_utf8_lossy(&bytes));
            read += 1;
        }
        assert!(read > 300, "{read} demo messages");
    }

    /// The shared corpora: `$SIGNATUR_DATA`, default `../shared/data` beside the project.
    pub(crate) fn data_dir() -> std::path::PathBuf {
        std::env::var_os("SIGNATUR_DATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
            })
    }

    /// Calls `check` with the raw text of every file of the shared mail corpora (20
    /// Newsgroups' training posts and both SpamAssassin sets, about 16,000 files) under
    /// [`data_dir`]. Without them it does nothing, except
    /// under `CI=true`, where it fails.
    pub(crate) fn shared_mail(mut check: impl FnMut(&str)) {
        let root = data_dir();
        let mut dirs: Vec<std::path::PathBuf> =
            ["20news/train", "spamassassin", "spamassassin-later"]
                .iter()
                .map(|d| root.join(d))
                .collect();
        if !dirs.iter().all(|d| d.is_dir()) {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "the shared corpora are missing under {}",
                root.display()
            );
            eprintln!("shared corpora not found under {}: skipped", root.display());
            return;
        }
        let mut read = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("a corpus folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let bytes = std::fs::read(&path).expect("a message");
                    check(&String::from_utf8_lossy(&bytes));
                    read += 1;
                }
            }
        }
        assert!(read > 15_000, "{read} files of the shared corpora");
    }
}
