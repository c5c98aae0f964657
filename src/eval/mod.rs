//! How a model is judged: data sets and manifests, featurising them, held-out metrics,
//! k-fold cross-validation, and forward splits (train on older mail, test on newer).
//!
//! It uses `crate::train` (to train the model it judges) and `crate::model` (to run it);
//! nothing below it imports this module.

pub mod dataset;
#[cfg(test)]
mod explain_reference;
mod folds;
mod forward;
mod metrics;

pub use dataset::{prepare, read_message, Dataset, Item, Progress, TextMode};
pub use folds::{assign_folds, cross_validate};
pub use forward::{
    evaluate_holdout, latest_holdout, natural_cmp, parse_holdout, train_and_test, Holdout,
};
pub use metrics::{evaluate, Confusion, EvalReport, HeadReport, LabelReport, Split};
