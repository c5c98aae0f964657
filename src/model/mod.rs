//! The model: training, the ONNX file, and inference through tract.
//!
//! [`train()`] learns [`Params`] from labelled examples; [`onnx`] writes and reads them as
//! one self-describing ONNX file; the runtime builds an optimised tract plan from that file
//! and [`Classifier`] runs it.

pub mod calibrate;
mod classifier;
pub mod keyword;
mod lanes;
pub mod learn;
pub mod onnx;
pub mod params;
mod runtime;
pub mod train;

pub use classifier::{Classifier, ClassifyOptions, Model, MIN_SUPPORT};
pub use learn::{LearnOptions, LearnReport};
pub use onnx::Summary;
pub use params::{HeadInfo, Layers, Loss, Params};
pub use train::{train, Example, HeadSpec, TrainOptions, TrainReport};
pub mod dataset;
pub mod eval;
