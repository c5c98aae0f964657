//! How a model is judged: data sets and manifests, featurising them, held-out metrics and
//! k-fold cross-validation.
//!
//! It uses `crate::train` (to train the model it judges) and `crate::model` (to run it);
//! nothing below it imports this module.

pub mod dataset;
mod folds;
mod metrics;

pub use dataset::{prepare, read_message, Dataset, Item, Progress, TextMode};
pub use folds::{assign_folds, cross_validate};
pub use metrics::{evaluate, Confusion, EvalReport, HeadReport, LabelReport};
