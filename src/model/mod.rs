//! What a model is and how it runs: the learned parameters and their storage, the ONNX file,
//! the tract runtime, the [`Classifier`] with its decisions and explanations, and online
//! learning, which changes a loaded classifier.
//!
//! This is the bottom layer of the three: `crate::train` makes models and `crate::eval`
//! judges them, and nothing in `model` imports either. A [`Model`] is what training returns;
//! [`Model::save`] writes it as one self-describing ONNX file; [`Classifier`] loads that file
//! and runs it through tract.

mod classifier;
mod file;
mod kle_levels;
pub(crate) mod lanes;
pub mod learn;
mod live;
pub mod onnx;
pub mod params;
pub mod prior;
pub(crate) mod rng;
mod runtime;
pub(crate) mod summary;
mod top;
mod writer;

#[cfg(test)]
pub(crate) use classifier::explain_reference;
pub use classifier::{Classifier, ClassifyOptions, Model, MIN_SUPPORT};
pub(crate) use kle_levels::KLE_HEAD;
pub use learn::{LearnOptions, LearnReport};
pub use params::{HeadInfo, Layers, Loss, Params};
pub use prior::{KeywordPrior, KeywordStats, RankerTables, Tier};
pub use summary::Summary;
