//! Features: a message as a sparse vector of hashed, weighted features.
//!
//! Each part of a message has its own feature space (a namespace mixed into the hash):
//! subject, the new body text, the quoted history, the sender, the recipient mailbox,
//! attachment names and types, and attachment text. Within a text space the features are
//! stemmed word unigrams and bigrams plus character n-grams of each word, so that the parts
//! of a Danish compound (`byggesags|behandling`) count on their own. Besides them, the
//! unigrams of the texts a message is about (subject, body, quotes, attachment text) are
//! also features of one shared word space ([`FeatureConfig::shared_words`]), so a word
//! learns from every message that has it in any of them.
//!
//! The vector carries term frequencies (sublinear, times the field's weight). The learned
//! IDF and the L2 normalisation are applied by the model graph itself, so the ONNX file is
//! the whole model.

mod config;
pub(crate) mod featurize;
pub mod hash;

pub use config::{FeatureConfig, Field, FieldWeights};
pub use featurize::{Featurizer, SparseVec, Surface};
pub(crate) use featurize::{Trace, Words};
