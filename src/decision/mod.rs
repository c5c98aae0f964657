//! Decisions: labels with calibrated confidence, abstaining, and what a message refers to
//! (cases, persons, companies) and whether it carries sensitive personal data.

pub mod journal;
pub mod outcome;
pub mod redact;
pub mod refs;
pub mod router;
pub mod rules;
pub mod sensitive;

pub use journal::{journal, JournalOptions, JournalRecord};
pub use outcome::{DecidedBy, Decision, Evidence, Fallback, HeadDecision, LabelScore};
pub use router::{FoundReference, Router};
