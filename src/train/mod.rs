//! How a model is made: SGD training per head, temperature calibration and abstain
//! thresholds, the keyword (taxonomy) model and prior, and retraining on corrections.
//!
//! Everything here produces a [`crate::model::Model`] from data. It uses `crate::model`
//! (the parameters, the file, the classifier that retraining starts from) and must not
//! import `crate::eval`, which judges what this module makes.

pub mod calibrate;
mod data;
pub mod keyword;
mod prior;
pub mod ranker;
mod retrain;
mod sgd;

pub use data::{train_prepared, train_prepared_with_taxonomy, Prepared, PriorKind};
pub use keyword::{keyword_model, KeywordOptions};
pub use prior::train_with_prior;
pub use ranker::{build_ranker, ranker_features, ranker_model, RankerOptions};
pub use retrain::retrain;
pub use sgd::{
    train, Example, HeadSpec, TrainOptions, TrainReport, MAX_CLASS_WEIGHT, MAX_ENSEMBLE,
    MIN_CLASS_WEIGHT,
};
