//! Decisions: labels with calibrated confidence, abstaining, and what a message refers to
//! (cases, persons, companies) and whether it carries sensitive personal data.

pub mod cases;
pub mod directory;
pub mod journal;
pub mod outcome;
pub mod redact;
pub mod refs;
pub mod router;
pub mod rules;
pub mod sensitive;

pub use cases::{CaseMatch, CaseNote, CaseNoteKind, CaseSource};
pub use directory::{
    CaseDirectory, CaseInfo, CaseQuery, DirectoryOptions, LookupError, MemoryDirectory,
};
pub use journal::{journal, JournalOptions, JournalRecord};
pub use outcome::{
    DecidedBy, Decision, Evidence, Fallback, HeadDecision, LabelScore, LevelRanking,
};
pub use router::{FoundReference, Router};
