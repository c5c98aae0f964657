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
}
