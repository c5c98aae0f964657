//! The host's case directory: what the records system (ESDH) knows about its own cases.
//!
//! Much incoming mail continues a case that already exists: a reply to a letter, a document
//! someone asked for. The records system knows that case: its unit, KLE emne, facet and
//! title. A host hands the [`Router`](crate::decision::Router) a [`CaseDirectory`], and the
//! router asks it, for every case number the message cites and for the Message-IDs of the
//! thread it continues (`In-Reply-To`, `References`), which case that is. A known case
//! decides the `unit`, `kle` and `facet` heads; an unknown one leaves them to the rules and
//! the model; a lookup that fails, times out, panics or answers something that is not a
//! unit, KLE code or facet is recorded as a note on the decision and never fails it.
//!
//! [`MemoryDirectory`] is a directory held in memory (tests, demos, a host that loads its
//! open cases at start).
//!
//! # Thread safety
//!
//! A directory is shared by every thread that classifies with the router, so
//! [`CaseDirectory::lookup`] may be called from several threads at once: implementations
//! are `Send + Sync`.
//!
//! # Example
//!
//! ```
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use signatur::decision::directory::{CaseInfo, MemoryDirectory};
//! use signatur::decision::{DecidedBy, Router};
//! use signatur::Message;
//!
//! let mut dir = MemoryDirectory::new();
//! dir.insert_case(
//!     "2024-012345",
//!     CaseInfo::new("2024-012345").unit("Teknik og Vej").kle("05.07.02").facet("G01"),
//! );
//! let router = Router::without_model().with_case_directory(Arc::new(dir));
//! let msg = Message::from_bytes(b"Subject: Snerydning\r\n\r\nVores j.nr. 2024-012345\r\n")?;
//! let d = router.decide(&msg, &Default::default(), false)?;
//! let unit = d.head("unit").ok_or("no unit")?;
//! assert_eq!(unit.top().map(|l| l.label.as_str()), Some("Teknik og Vej"));
//! assert!(matches!(unit.decided_by, DecidedBy::Directory { .. }));
//! # Ok(()) }
//! # example().unwrap();
//! ```

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use crate::decision::redact::{redact, RedactOptions};

/// A reference as `Debug` output shows it: personal numbers masked.
fn masked(reference: &str) -> String {
    redact(reference, &RedactOptions::default())
}

impl fmt::Debug for CaseQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseQuery::Reference(k) => f.debug_tuple("Reference").field(&masked(k)).finish(),
            CaseQuery::MessageId(k) => f.debug_tuple("MessageId").field(&masked(k)).finish(),
        }
    }
}

impl fmt::Debug for CaseInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseInfo")
            .field("reference", &masked(&self.reference))
            .field("unit", &self.unit)
            .field("kle", &self.kle)
            .field("facet", &self.facet)
            .field("title_len", &self.title.as_ref().map(|t| t.chars().count()))
            .finish()
    }
}

impl fmt::Debug for MemoryDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDirectory")
            .field("cases", &self.cases.len())
            .field("messages", &self.messages.len())
            .finish()
    }
}

/// What the router asks the directory about.
///
/// Its `Debug` output masks personal numbers in the key: a case may be journaled by CPR
/// number, and a host may log the queries it gets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CaseQuery<'a> {
    /// A case reference as the message cites it (`23.15.25-G01-23-24`, `2024-012345`), or a
    /// MeMo message's own case id.
    Reference(&'a str),
    /// The Message-ID (without angle brackets) of a message the host may have journaled:
    /// what this message's `In-Reply-To` or `References` names.
    MessageId(&'a str),
}

impl CaseQuery<'_> {
    /// The text asked about.
    pub fn key(&self) -> &str {
        match self {
            CaseQuery::Reference(k) | CaseQuery::MessageId(k) => k,
        }
    }
}

/// A case the directory knows. Every field but `reference` may be unknown.
///
/// Its `Debug` output masks personal numbers in the reference and shows only the length of
/// the title.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CaseInfo {
    /// The case's reference in the records system (its case number).
    pub reference: String,
    /// The unit that owns the case.
    pub unit: Option<String>,
    /// The case's KLE emne (`05.07.02`).
    pub kle: Option<String>,
    /// The case's handling facet (`G01`).
    pub facet: Option<String>,
    /// The case's title (shown to the clerk; masked like any text unless unmasked).
    pub title: Option<String>,
}

impl CaseInfo {
    /// A case known by its reference alone.
    pub fn new(reference: impl Into<String>) -> CaseInfo {
        CaseInfo {
            reference: reference.into(),
            ..CaseInfo::default()
        }
    }

    /// Sets the unit.
    pub fn unit(mut self, unit: impl Into<String>) -> CaseInfo {
        self.unit = Some(unit.into());
        self
    }

    /// Sets the KLE emne.
    pub fn kle(mut self, kle: impl Into<String>) -> CaseInfo {
        self.kle = Some(kle.into());
        self
    }

    /// Sets the handling facet.
    pub fn facet(mut self, facet: impl Into<String>) -> CaseInfo {
        self.facet = Some(facet.into());
        self
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> CaseInfo {
        self.title = Some(title.into());
        self
    }
}

/// Why a lookup gave no answer: the directory could not be asked, or did not answer in
/// time. The router records it as a note and leaves the heads to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupError {
    timeout: bool,
    message: String,
}

impl LookupError {
    /// The directory failed (its database is down, the query was refused, …). The message
    /// is shown in the decision: it must not contain personal data.
    pub fn failed(message: impl Into<String>) -> LookupError {
        LookupError {
            timeout: false,
            message: message.into(),
        }
    }

    /// The directory did not answer in time.
    pub fn timeout(message: impl Into<String>) -> LookupError {
        LookupError {
            timeout: true,
            message: message.into(),
        }
    }

    /// Whether it was a timeout.
    pub fn is_timeout(&self) -> bool {
        self.timeout
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LookupError {}

/// The host's case directory. See the module docs.
pub trait CaseDirectory: Send + Sync {
    /// The case `query` names: `Ok(Some(case))` when known, `Ok(None)` when the directory
    /// does not know it, `Err` when it could not tell. May be called from several threads
    /// at once. Should return within [`DirectoryOptions::timeout`]; an answer that comes
    /// later is not used.
    fn lookup(&self, query: CaseQuery<'_>) -> Result<Option<CaseInfo>, LookupError>;
}

/// How the router uses a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectoryOptions {
    /// The time all lookups for one message may take together. A lookup that returns after
    /// it is treated as timed out (its answer is not used) and no further lookup starts; a
    /// running lookup is not interrupted, so a directory should bound its own queries.
    pub timeout: Duration,
    /// The most lookups for one message (case numbers and thread ids together).
    pub max_lookups: usize,
}

impl Default for DirectoryOptions {
    /// One second, eight lookups.
    fn default() -> DirectoryOptions {
        DirectoryOptions {
            timeout: Duration::from_secs(1),
            max_lookups: 8,
        }
    }
}

/// A case directory held in memory: cases by reference and by the Message-IDs of the
/// letters journaled on them. Its `Debug` output gives only the counts.
#[derive(Clone, Default)]
pub struct MemoryDirectory {
    cases: HashMap<String, CaseInfo>,
    messages: HashMap<String, String>,
}

impl MemoryDirectory {
    /// An empty directory.
    pub fn new() -> MemoryDirectory {
        MemoryDirectory::default()
    }

    /// Adds (or replaces) a case, found under `reference` (usually `case.reference`; a
    /// case may be entered under several references).
    pub fn insert_case(&mut self, reference: impl Into<String>, case: CaseInfo) {
        self.cases.insert(normalise(&reference.into()), case);
    }

    /// Records that the message `message_id` (angle brackets optional) was journaled on the
    /// case `reference`, which must be entered with [`MemoryDirectory::insert_case`].
    pub fn insert_message(&mut self, message_id: &str, reference: &str) {
        self.messages
            .insert(message_id_key(message_id), normalise(reference));
    }

    /// How many cases it holds.
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// Whether it holds no case.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }
}

impl CaseDirectory for MemoryDirectory {
    fn lookup(&self, query: CaseQuery<'_>) -> Result<Option<CaseInfo>, LookupError> {
        Ok(match query {
            CaseQuery::Reference(r) => self.cases.get(&normalise(r)).cloned(),
            CaseQuery::MessageId(id) => self
                .messages
                .get(&message_id_key(id))
                .and_then(|r| self.cases.get(r))
                .cloned(),
        })
    }
}

/// A case reference as a key: trimmed, upper case (`g01` and `G01` are the same facet).
fn normalise(reference: &str) -> String {
    reference.trim().to_uppercase()
}

/// A Message-ID as a key: trimmed, without angle brackets.
pub(crate) fn message_id_key(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_directory_finds_cases_by_reference_and_message_id() {
        let mut d = MemoryDirectory::new();
        d.insert_case("02.34.02-P19-12-24", CaseInfo::new("02.34.02-P19-12-24"));
        d.insert_message("<a@b.dk>", "02.34.02-p19-12-24");
        assert!(d
            .lookup(CaseQuery::Reference(" 02.34.02-p19-12-24"))
            .unwrap()
            .is_some());
        assert_eq!(
            d.lookup(CaseQuery::MessageId("a@b.dk"))
                .unwrap()
                .map(|c| c.reference),
            Some("02.34.02-P19-12-24".to_string())
        );
        assert_eq!(d.lookup(CaseQuery::MessageId("x@b.dk")).unwrap(), None);
        assert_eq!(d.lookup(CaseQuery::Reference("2024-1")).unwrap(), None);
    }

    #[test]
    fn debug_output_masks_a_cpr_number_used_as_reference() {
        let mut d = MemoryDirectory::new();
        let case = CaseInfo::new("150390-0005").title("Jens Hansen, byggesag");
        d.insert_case("150390-0005", case.clone());
        let shown = [
            format!("{:?}", CaseQuery::Reference("150390-0005")),
            format!("{case:?}"),
            format!("{d:?}"),
        ];
        for s in &shown {
            assert!(!s.contains("150390") && !s.contains("Hansen"), "{s}");
        }
        assert!(shown[1].contains("XXXXXX-XXXX"), "{}", shown[1]);
        // Case numbers that are not personal are shown as they are.
        let sbsys = format!("{:?}", CaseQuery::Reference("02.34.02-P19-12-24"));
        assert!(sbsys.contains("02.34.02-P19-12-24"), "{sbsys}");
    }
}
