//! References: which case, which person, which company a message speaks of.
//!
//! [`find`] scans a text for the identifiers a Danish municipality's mail carries and
//! returns each with its byte span, a normalised value, a confidence and, where the
//! identifier has one, whether its check digit held. [`find_in_message`] does the same for
//! the subject, body and attachment texts of a [`Message`], saying which field each was in.
//! Redaction ([`crate::decision::redact`]) and the sensitivity flag
//! ([`crate::decision::sensitive`]) are built on these results.
//!
//! | kind | found when | confidence |
//! |---|---|---|
//! | [`RefKind::Cpr`] | `DDMMYY-SSSS`, `DDMMYYSSSS`, `DDMMYY SSSS` or `DD.MM.YY-SSSS` whose date is real under the century rule of the 7th digit, also `DDMMYY-SSSS` between other digit groups; kept over any longer reading it overlaps | raised by a valid modulus 11, by a separator, by a word such as `cpr-nr.`; lowered by a word for something else a few words back (`Se bilag vedr.`), ruled out by one that labels the number (`faktura nr.`); never rejected for a failing check digit (numbers issued since 2007 may fail it) |
//! | [`RefKind::Cvr`] | 8 digits (`DK` prefix allowed) | with a word such as `cvr`: reported even when modulus 11 fails; without one: only when it holds and the number is not a date |
//! | [`RefKind::PNumber`] | 10 digits after `p-nr.`/`p-nummer` | checksum reported, never enforced |
//! | [`RefKind::Phone`] | Danish numbers: `+45`/`0045` prefix, a word such as `tlf.`, or the `12 34 56 78` shape | value in E.164 form (`+4512345678`) |
//! | [`RefKind::Email`] | `local@domain.tld` | value lowercased |
//! | [`RefKind::Iban`] | country code, check digits and the country's length, printed or compact | mod 97 must hold unless the word `IBAN` precedes it |
//! | [`RefKind::BankAccount`] | `reg.nr. 1234 kontonr. 1234567890`, `konto 1234-1234567890` | value `1234-1234567890` |
//! | [`RefKind::CaseNumber`] | SBSYS `27.24.00-G01-5-19` anywhere; any identifier after `j.nr.`, `sagsnr.`, `journalnr.`, `vores ref.`, `jeres ref.` (Acadre `2024-012345`, `24/12345`) | |
//! | [`RefKind::KleCode`] | `32.18.04` of a real KLE hovedgruppe, with an optional facet `G01`/`P22`/`Ø34`; a code that is also a date (`01.02.03`) only after `KLE`/`emne` | |
//!
//! Numbers that merely look alike are not taken: digits are read in maximal chunks
//! (`1.234.567,00`, `01.02.2023`, the digits inside an IBAN or a longer number never form a
//! CPR or CVR number), a currency after a number makes it an amount, and a context word
//! for something else (`tlf.`, `kontonr.`, `faktura`, `ordre`, `kr.`) keeps a number from
//! being read as a CPR number.
//!
//! Overlaps are resolved after all detectors ran: the longer span wins (an IBAN over the
//! CPR-like digits inside it, an SBSYS case number over its KLE code), on equal spans a CPR
//! number wins (an authority may use the CPR number as journal number, and it must then be
//! masked), then the more confident reading.
//!
//! # Performance
//!
//! Every detector is a hand-written scanner with bounded look-around, so `find` is linear
//! in the length of the text. The patterns need digit boundaries, context words, calendar
//! and checksum rules that a regular expression would only find candidates for; writing
//! the scanners by hand avoided a second pass and a dependency. See `benches/refs.rs`.
//!
//! # Example
//!
//! ```
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use signatur::decision::refs::{find, RefKind};
//! let refs = find("Vedr. sagsnr. 27.24.00-G01-5-19, CPR-nr. 070761-4285, tlf. 86 12 34 56");
//! let kinds: Vec<RefKind> = refs.iter().map(|r| r.kind).collect();
//! assert_eq!(kinds, [RefKind::CaseNumber, RefKind::Cpr, RefKind::Phone]);
//! assert_eq!(refs[1].value, "0707614285");
//! assert_eq!(refs[1].masked(), "XXXXXX-XXXX");
//! assert_eq!(refs[2].value, "+4586123456");
//! # Ok(()) }
//! # example().unwrap();
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::message::Message;

mod bank;
mod case;
pub mod check;
mod company;
mod contact;
mod person;
pub(crate) mod scan;

/// What kind of identifier a [`Reference`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RefKind {
    /// A case number of a records system (SBSYS, Acadre, …).
    CaseNumber,
    /// A KLE emne (`32.18.04`), optionally with its handling facet (`32.18.04-G01`).
    KleCode,
    /// A CPR number (Danish personal identification number).
    Cpr,
    /// A CVR number (Danish company registration number).
    Cvr,
    /// A P-number (production unit of a company).
    PNumber,
    /// A Danish telephone number.
    Phone,
    /// An e-mail address.
    Email,
    /// An international bank account number.
    Iban,
    /// A Danish bank account: registration number and account number.
    BankAccount,
}

impl RefKind {
    /// Every kind, in the order of the enum (for per-kind tables such as redaction options).
    pub const ALL: [RefKind; 9] = [
        RefKind::CaseNumber,
        RefKind::KleCode,
        RefKind::Cpr,
        RefKind::Cvr,
        RefKind::PNumber,
        RefKind::Phone,
        RefKind::Email,
        RefKind::Iban,
        RefKind::BankAccount,
    ];

    /// The name used in JSON and on the command line (`case_number`, `cpr`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::CaseNumber => "case_number",
            RefKind::KleCode => "kle_code",
            RefKind::Cpr => "cpr",
            RefKind::Cvr => "cvr",
            RefKind::PNumber => "p_number",
            RefKind::Phone => "phone",
            RefKind::Email => "email",
            RefKind::Iban => "iban",
            RefKind::BankAccount => "bank_account",
        }
    }

    /// The kind's position in [`RefKind::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Whether the kind identifies or reaches a person, and is therefore masked by default.
    ///
    /// CVR and P-numbers, case numbers and KLE codes are public or organisational; they are
    /// what a clerk needs to route the mail, so they stay readable unless asked otherwise.
    pub fn is_personal(self) -> bool {
        matches!(
            self,
            RefKind::Cpr | RefKind::Phone | RefKind::Email | RefKind::Iban | RefKind::BankAccount
        )
    }
}

impl fmt::Display for RefKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One identifier found in a text.
///
/// `Debug` shows the masked value ([`Reference::masked`]), never the number itself, so a
/// `{:?}` in a log cannot leak a CPR number.
#[derive(Clone, PartialEq, Serialize)]
pub struct Reference {
    /// What it is.
    pub kind: RefKind,
    /// Byte offset of the first byte in the text that was searched.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    /// The normalised value: digits only for CPR, CVR and P-numbers; `+45` and eight digits
    /// for a phone; lowercase for an e-mail address; uppercase without spaces for an IBAN;
    /// `reg-konto` for a bank account; the identifier as written for case numbers.
    pub value: String,
    /// How sure the detector is, from 0 to 1.
    pub confidence: f32,
    /// Whether the check digit held, for kinds that have one (CPR, CVR, P-number, IBAN).
    pub checksum: Option<bool>,
}

impl fmt::Debug for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reference")
            .field("kind", &self.kind)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("value", &self.masked())
            .field("confidence", &self.confidence)
            .field("checksum", &self.checksum)
            .finish()
    }
}

/// Which text of a message a reference was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// The subject.
    Subject,
    /// The readable body ([`crate::Body::text`]).
    Body,
    /// The extracted text of the attachment at this index of [`Message::attachments`].
    Attachment(usize),
    /// The structured data of a Digital Post letter ([`Message::memo`]): `CPRdata`, the
    /// sender and recipient, case ids. It has no text, so a span in it is empty (`0..0`).
    Memo,
}

impl Field {
    /// The text of this field in `msg`, if the field exists and has text ([`Field::Memo`]
    /// has none).
    pub fn text(self, msg: &Message) -> Option<&str> {
        match self {
            Field::Subject => Some(&msg.subject),
            Field::Body => Some(&msg.body.text),
            Field::Attachment(i) => msg.attachments.get(i)?.text.as_deref(),
            Field::Memo => None,
        }
    }

    /// Every field of `msg` that has text, in the order subject, body, attachments.
    pub fn all(msg: &Message) -> impl Iterator<Item = Field> + '_ {
        [Field::Subject, Field::Body]
            .into_iter()
            .chain((0..msg.attachments.len()).map(Field::Attachment))
            .filter(|f| f.text(msg).is_some())
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Subject => f.write_str("subject"),
            Field::Body => f.write_str("body"),
            Field::Attachment(i) => write!(f, "attachment:{i}"),
            Field::Memo => f.write_str("memo"),
        }
    }
}

impl Serialize for Field {
    /// As the string of `Display`: `"subject"`, `"body"`, `"attachment:0"`, `"memo"`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A reference together with the field of the message it was found in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldReference {
    /// The field whose text `reference`'s span points into.
    pub field: Field,
    /// The reference.
    #[serde(flatten)]
    pub reference: Reference,
}

/// Every identifier in `text`, ordered by position, without overlaps.
///
/// Spans are byte offsets into `text` and always fall on character boundaries, so
/// `&text[r.start..r.end]` is the identifier as written.
pub fn find(text: &str) -> Vec<Reference> {
    find_with(text, &scan::keyword_hits(text))
}

/// [`find`] with the context words `hits` of `text` ([`scan::keyword_hits`]).
fn find_with(text: &str, hits: &[scan::Hit]) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut last_reg: Option<(usize, usize)> = None;
    for chunk in scan::chunks(text) {
        let ctx = scan::context_before(text, hits, chunk.start);
        let c = Candidate {
            text,
            chunk: &chunk,
            ctx,
            hits,
        };
        found.extend(person::cpr(&c));
        found.extend(company::cvr(&c));
        found.extend(company::p_number(&c));
        found.extend(contact::phone(&c));
        found.extend(bank::account(&c, last_reg));
        found.extend(case::kle_or_sbsys(&c));
        found.extend(person::cprs_within(&c));
        if bank::is_reg_number(&c) {
            last_reg = Some((chunk.start, chunk.end));
        }
    }
    contact::emails(text, &mut found);
    bank::ibans(text, hits, &mut found);
    case::after_keywords(text, hits, &mut found);
    resolve_overlaps(found)
}

/// Every identifier in the subject, body and attachment texts of `msg`, field by field.
pub fn find_in_message(msg: &Message) -> Vec<FieldReference> {
    let mut out = Vec::new();
    for field in Field::all(msg) {
        let text = field.text(msg).unwrap_or("");
        out.extend(
            find(text)
                .into_iter()
                .map(|reference| FieldReference { field, reference }),
        );
    }
    out
}

/// What a chunk-based detector looks at: the text, the chunk and its context word.
struct Candidate<'a> {
    text: &'a str,
    chunk: &'a scan::Chunk,
    ctx: Option<scan::Ctx>,
    /// The text's context words ([`scan::keyword_hits`]).
    hits: &'a [scan::Hit],
}

impl Candidate<'_> {
    /// A reference spanning the chunk.
    fn reference(&self, kind: RefKind, value: String, confidence: f32) -> Reference {
        Reference {
            kind,
            start: self.chunk.start,
            end: self.chunk.end,
            value,
            confidence: confidence.min(0.99),
            checksum: None,
        }
    }
}

/// Keeps the best of overlapping readings: longer span first, then a CPR number, then the
/// more confident. Returns the kept references ordered by position.
///
/// A reading that is not personal ([`RefKind::is_personal`]) and overlaps a CPR number is
/// dropped first, so that the CPR number is masked and flags the message wherever it
/// stands: inside a longer case number after a case word (`Jeres ref.: 070761-4285/JH`,
/// as an authority that journals by CPR number writes it), the case number would otherwise
/// be kept and shown as written. A longer personal reading (an account) is masked whole,
/// the CPR number with it.
fn resolve_overlaps(mut found: Vec<Reference>) -> Vec<Reference> {
    let cprs = Spans::new(
        found
            .iter()
            .filter(|r| r.kind == RefKind::Cpr)
            .map(|r| (r.start, r.end))
            .collect(),
    );
    if !cprs.is_empty() {
        found.retain(|r| r.kind.is_personal() || !cprs.overlaps(r.start, r.end));
    }
    found.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then_with(|| (b.kind == RefKind::Cpr).cmp(&(a.kind == RefKind::Cpr)))
            .then_with(|| b.confidence.total_cmp(&a.confidence))
            .then_with(|| a.start.cmp(&b.start))
    });
    // Kept spans by start; they never overlap each other, so the neighbours decide.
    let mut kept: BTreeMap<usize, Reference> = BTreeMap::new();
    for r in found {
        let clashes_before = kept
            .range(..r.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > r.start);
        if !clashes_before {
            kept.insert(r.start, r);
        }
    }
    kept.into_values().collect()
}

/// Byte spans, possibly overlapping each other, that answer "does any overlap this one?"
/// in O(log n): by start, with the largest end up to each. A text of CPR numbers next to
/// case numbers asked each of them about every CPR number, quadratic in the text: 15 s
/// for 4 MB.
struct Spans {
    /// `(start, end)` by start.
    spans: Vec<(usize, usize)>,
    /// The largest end of `spans[..=i]`.
    max_end: Vec<usize>,
}

impl Spans {
    fn new(mut spans: Vec<(usize, usize)>) -> Spans {
        spans.sort_unstable();
        let max_end = spans
            .iter()
            .scan(0, |m, &(_, e)| {
                *m = e.max(*m);
                Some(*m)
            })
            .collect();
        Spans { spans, max_end }
    }

    fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether some span overlaps `start..end` (shares a byte with it).
    fn overlaps(&self, start: usize, end: usize) -> bool {
        // The spans that start before `end`; one of them overlaps when the furthest
        // reaching of them ends after `start`.
        let before = self.spans.partition_point(|&(s, _)| s < end);
        before > 0 && self.max_end[before - 1] > start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::samples::{demo_messages, random_texts, shared_mail};

    #[test]
    fn spans_overlap_as_a_search_of_every_span_says() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            seed = crate::features::hash::fmix64(seed.wrapping_add(1));
            (seed % n) as usize
        };
        for _ in 0..2_000 {
            let spans: Vec<(usize, usize)> = (0..next(8))
                .map(|_| {
                    let s = next(60);
                    (s, s + 1 + next(15))
                })
                .collect();
            let index = Spans::new(spans.clone());
            for _ in 0..20 {
                let start = next(70);
                let end = start + 1 + next(15);
                let every = spans.iter().any(|&(s, e)| s < end && start < e);
                assert_eq!(
                    index.overlaps(start, end),
                    every,
                    "{spans:?} {start}..{end}"
                );
            }
        }
    }

    /// What `find` finds with only the context words near digits is what it finds with
    /// every context word of the text.
    fn same_as_with_every_hit(text: &str) {
        let every = find_with(text, &scan::all_keyword_hits(text));
        assert_eq!(find(text), every, "{text:?}");
    }

    #[test]
    fn context_words_far_from_digits_change_nothing() {
        same_as_with_every_hit("cpr-nr. ");
        // At the edge of what each detector reads (one byte further and the outcome
        // changes): a number 32 bytes after its context word, an IBAN whose country code
        // is, and a case identifier 12 bytes after its word whose last digit is its 48th
        // byte.
        let (gap, filler) = (" ".repeat(32), ".".repeat(12));
        let id = format!("{}123", "A".repeat(45));
        for text in [
            format!("cpr{gap}0101901234"),
            format!("iban{gap}DK5000400440116243"),
            format!("sagsnr{filler}{id}"),
        ] {
            assert_ne!(
                find(&text),
                find(&text.replacen(' ', "  ", 1).replacen('.', "..", 1))
            );
            same_as_with_every_hit(&text);
        }
        // Windows apart and scans that begin inside a word: numbers 200 bytes apart, with a
        // context word inside a longer word (no hit) or at a word start, at every offset.
        for pad in 0..90 {
            for gap in [1, 20, 32] {
                let x = "x".repeat(pad);
                let y = "y".repeat(200);
                let g = " ".repeat(gap);
                same_as_with_every_hit(&format!("{x}cpr{g}0101901234 {y} tlf{g}12345678"));
                same_as_with_every_hit(&format!("{x} cpr{g}0101901234 {y}xtlf{g}12345678"));
            }
        }
        random_texts(
            "cprtlfkontoregnsjvfiIBAN DK.-/:#0123456789æø\u{a0}\n",
            3000,
            400,
            0x5eed_4e75,
            same_as_with_every_hit,
        );
        demo_messages(same_as_with_every_hit);
        shared_mail(same_as_with_every_hit);
    }

    fn r(kind: RefKind, start: usize, end: usize, confidence: f32) -> Reference {
        Reference {
            kind,
            start,
            end,
            value: String::new(),
            confidence,
            checksum: None,
        }
    }

    #[test]
    fn longer_wins_then_cpr_then_confidence() {
        let kept = resolve_overlaps(vec![
            r(RefKind::Cpr, 4, 14, 0.9),
            r(RefKind::Iban, 0, 18, 0.95),
            r(RefKind::CaseNumber, 20, 31, 0.8),
            r(RefKind::Cpr, 20, 31, 0.5),
            r(RefKind::Cvr, 40, 48, 0.4),
            r(RefKind::Phone, 40, 48, 0.9),
            r(RefKind::Email, 50, 60, 0.9),
            // A longer case number around a CPR number gives way; a longer account does not.
            r(RefKind::CaseNumber, 70, 84, 0.9),
            r(RefKind::Cpr, 70, 81, 0.5),
            r(RefKind::BankAccount, 90, 105, 0.6),
            r(RefKind::Cpr, 95, 105, 0.9),
        ]);
        let kinds: Vec<RefKind> = kept.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [
                RefKind::Iban,
                RefKind::Cpr,
                RefKind::Phone,
                RefKind::Email,
                RefKind::Cpr,
                RefKind::BankAccount
            ]
        );
    }

    #[test]
    fn field_names() {
        assert_eq!(Field::Attachment(2).to_string(), "attachment:2");
        assert_eq!(
            serde_json::to_string(&Field::Subject).ok().as_deref(),
            Some("\"subject\"")
        );
        assert_eq!(
            serde_json::to_string(&RefKind::PNumber).ok().as_deref(),
            Some("\"p_number\"")
        );
    }
}
