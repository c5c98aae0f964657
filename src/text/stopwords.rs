//! Stop words: the function words that carry no routing signal.
//!
//! The lists are the Snowball project's Danish and English stop-word lists (written out
//! here, lowercase). A model stores which list it used.

use std::fmt;
use std::str::FromStr;

use crate::{Error, ErrorKind};

/// Which stop words are dropped from word features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum StopWords {
    /// Danish and English (municipal mailboxes receive both).
    #[default]
    DanishEnglish,
    /// Danish only.
    Danish,
    /// English only.
    English,
    /// Keep every word.
    None,
}

impl StopWords {
    /// The name stored in model files.
    pub fn as_str(self) -> &'static str {
        match self {
            StopWords::DanishEnglish => "danish+english",
            StopWords::Danish => "danish",
            StopWords::English => "english",
            StopWords::None => "none",
        }
    }

    /// Every word of this list (Danish before English; a word in both comes twice).
    pub fn words(self) -> impl Iterator<Item = &'static str> {
        let (danish, english): (&[&str], &[&str]) = match self {
            StopWords::DanishEnglish => (DANISH, ENGLISH),
            StopWords::Danish => (DANISH, &[]),
            StopWords::English => (&[], ENGLISH),
            StopWords::None => (&[], &[]),
        };
        danish.iter().chain(english).copied()
    }

    /// Whether `word` (lowercase) is a stop word in this list.
    pub fn contains(self, word: &str) -> bool {
        match self {
            StopWords::DanishEnglish => is_stop_word(DANISH, word) || is_stop_word(ENGLISH, word),
            StopWords::Danish => is_stop_word(DANISH, word),
            StopWords::English => is_stop_word(ENGLISH, word),
            StopWords::None => false,
        }
    }
}

impl fmt::Display for StopWords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StopWords {
    type Err = Error;
    fn from_str(s: &str) -> Result<StopWords, Error> {
        match s {
            "danish+english" => Ok(StopWords::DanishEnglish),
            "danish" => Ok(StopWords::Danish),
            "english" => Ok(StopWords::English),
            "none" => Ok(StopWords::None),
            other => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("unknown stop-word list {other:?}"),
            )),
        }
    }
}

/// Whether `word` is in the sorted `list`.
pub fn is_stop_word(list: &[&str], word: &str) -> bool {
    list.binary_search(&word).is_ok()
}

/// Snowball's Danish stop words, sorted (by bytes) for binary search.
const DANISH: &[&str] = &[
    "ad", "af", "alle", "alt", "anden", "at", "blev", "blive", "bliver", "da", "de", "dem", "den",
    "denne", "der", "deres", "det", "dette", "dig", "din", "disse", "dog", "du", "efter", "eller",
    "en", "end", "er", "et", "for", "fra", "ham", "han", "hans", "har", "havde", "have", "hende",
    "hendes", "her", "hos", "hun", "hvad", "hvis", "hvor", "i", "ikke", "ind", "jeg", "jer", "jo",
    "kunne", "man", "mange", "med", "meget", "men", "mig", "min", "mine", "mit", "mod", "ned",
    "noget", "nogle", "nu", "når", "og", "også", "om", "op", "os", "over", "på", "selv", "sig",
    "sin", "sine", "sit", "skal", "skulle", "som", "sådan", "thi", "til", "ud", "under", "var",
    "vi", "vil", "ville", "vor", "være", "været",
];

/// Snowball's English stop words, sorted (by bytes) for binary search.
const ENGLISH: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_binary_search() {
        for list in [DANISH, ENGLISH] {
            assert!(
                list.windows(2).all(|w| w[0] < w[1]),
                "unsorted near {:?}",
                list
            );
        }
    }

    #[test]
    fn finds_danish_and_english_stop_words() {
        assert!(StopWords::default().contains("også"));
        assert!(StopWords::default().contains("the"));
        assert!(!StopWords::default().contains("byggetilladelse"));
        assert!(!StopWords::None.contains("og"));
        assert!(StopWords::Danish.contains("på"));
        assert!(!StopWords::English.contains("på"));
    }
}
