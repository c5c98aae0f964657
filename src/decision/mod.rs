//! Decisions: labels with calibrated confidence, abstaining, and what a message refers to
//! (cases, persons, companies) and whether it carries sensitive personal data.

pub mod redact;
pub mod refs;
pub mod rules;
pub mod sensitive;
pub mod outcome;

pub use outcome::{DecidedBy, Decision, Evidence, HeadDecision, LabelScore};
