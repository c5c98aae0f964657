//! Text: normalisation, UAX #29 words, number classes, Snowball stemming and stop words.
//!
//! This stage turns readable text into the tokens the feature stage hashes. It never keeps
//! the text: callers stream tokens and hash them at once, so nothing of a message survives
//! in a trained model.

mod names;
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
