//! The journal proposal: a [`Decision`] turned into the record a records system (ESDH) can
//! take as it is.
//!
//! # Why a separate shape
//!
//! A `Decision` says what the model and rules think; a records system wants one flat,
//! versioned record per letter: when it came, from whom, a short title (the Danish
//! Offentlighedslov § 15 requires the date and a brief description of every journaled
//! document), where it goes, under which KLE emne and facet, on which case, what personal
//! data it holds, and whether it can be journaled without a person looking at it. The
//! record carries its schema name ([`SCHEMA`]) so that an integration can refuse a shape it
//! does not know; fields are only ever added within one schema version.
//!
//! Personal data is masked by default, exactly as in the decision: CPR numbers as
//! `XXXXXX-XXXX`, e-mail addresses down to their domain, names of persons as initials.
//! `JournalOptions::unmasked` gives the values as written, for a caller that stores the
//! record behind the same access control as the letter.
//!
//! The JSON shape is documented field by field in `docs/journal.md`.

use serde::Serialize;

use crate::decision::cases::{CaseNoteKind, CaseSource};
use crate::decision::outcome::{
    DecidedBy, Decision, Fallback, HeadDecision, LabelScore, LevelRanking,
};
use crate::decision::redact::{redact, RedactOptions};
use crate::decision::refs::RefKind;
use crate::decision::router::FoundReference;
use crate::decision::sensitive::Reason;
use crate::ingest::memo::IdType;
use crate::kle::{KleCode, Retention, Taxonomy};
use crate::message::{Address, Message};
use crate::model::Summary;

/// The schema name and version every record carries.
pub const SCHEMA: &str = "signatur.journal/1";

/// How long the brief description in a title may be, in characters.
const TITLE_CHARS: usize = 80;

/// What a record may contain and decide.
#[derive(Debug, Clone, Default)]
pub struct JournalOptions {
    /// Personal identifiers and names as written instead of masked.
    pub unmasked: bool,
    /// Never propose `auto`: every record is at most `suggested` (a municipality's policy
    /// during the first weeks of use, or for a unit that wants to see everything).
    pub never_auto: bool,
}

/// Whether the record can be journaled as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every head is decided above its threshold, the message is not sensitive: the records
    /// system may journal it without a person.
    Auto,
    /// Every head is decided, but a person should confirm (sensitive mail, or a policy
    /// that never journals automatically).
    Suggested,
    /// At least one head abstained: a person must decide.
    NeedsReview,
}

/// Where the record came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// The e-mail's `Message-ID`.
    pub message_id: Option<String>,
    /// The MeMo message's UUID.
    pub memo_uuid: Option<String>,
    /// The MeMo message's own id, when it has one.
    pub memo_message_id: Option<String>,
}

/// A sender or recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    /// `sender`, `to`, `cc`, `recipient` (MeMo).
    pub role: &'static str,
    /// The name: initials unless unmasked.
    pub name: Option<String>,
    /// The e-mail address (local part masked unless unmasked).
    pub address: Option<String>,
    /// An identifier the message states (MeMo: CPR, CVR, authority id).
    pub identifier: Option<Identifier>,
}

/// An identifier of a party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identifier {
    /// `cpr`, `cvr`, `authority` or the MeMo label of another kind.
    pub kind: String,
    /// The value: a CPR number masked unless unmasked; CVR and authority ids as written.
    pub value: String,
}

/// The proposal for one head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The head (`unit`, `kle`, `facet`, `case`, …).
    pub head: String,
    /// The proposed label, absent when the head abstains with nothing above zero.
    pub value: Option<String>,
    /// Its probability (1 for a rule or the message's own data).
    pub probability: Option<f32>,
    /// The KLE title of `value`, for a `kle` head when a taxonomy is given.
    pub title: Option<String>,
    /// Whether a person must decide this head.
    pub abstain: bool,
    /// Why it abstains.
    pub reason: Option<String>,
    /// Who decided: `model`, `rule` (with its name) or `message` (with the field).
    pub decided_by: DecidedBy,
    /// The next most probable labels.
    pub alternatives: Vec<LabelScore>,
    /// For a `kle` head that abstains on the emne: the gruppe or hovedgruppe it is sure of.
    pub fallback: Option<Fallback>,
    /// For a `kle` head the model decided: the ranked emner, grupper and hovedgrupper
    /// ([`HeadDecision::levels`]); empty otherwise.
    pub levels: Vec<LevelRanking>,
}

/// The case the letter belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseRef {
    /// The case reference.
    pub reference: String,
    /// Where it came from: `message` (a MeMo case id), `directory` (the host's case
    /// directory knew a case number the letter cites), `thread` (the directory knew a
    /// message of the thread it continues) or `case_number` (a case number in subject or
    /// body).
    pub source: &'static str,
    /// How sure: 1 for `message`, `directory` and `thread`; for a `case_number` 1 when it
    /// decided the `kle` and `facet` heads as an exact SBSYS number with a known emne.
    pub confidence: f32,
    /// The heads the case decided.
    pub decided: Vec<String>,
    /// The case's title, from the directory.
    pub title: Option<String>,
}

/// The model that made the proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInfo {
    /// `learned`, `keyword` or `learned+prior`.
    pub kind: String,
    /// When it was trained (or exported after corrections): its version.
    pub trained_at: String,
    /// The model it was derived from.
    pub parent: Option<String>,
    /// Corrections learned since its last full training.
    pub corrections_since_training: u64,
    /// The library version that made it.
    pub library_version: String,
}

/// A journal record: see the module docs and `docs/journal.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalRecord {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Whether it can be journaled as it is.
    pub status: Status,
    /// Why the status is not `auto`.
    pub status_reason: Option<String>,
    /// When the letter was sent or received, RFC 3339 UTC, when the message says.
    pub received: Option<String>,
    /// `email`, `digital_post`, `scanned_letter`, `other`.
    pub channel: &'static str,
    /// Source ids.
    pub source: Source,
    /// Date and brief description (OFL § 15), identifiers masked.
    pub title: String,
    /// Sender and recipients.
    pub parties: Vec<Party>,
    /// One proposal per head, in the decision's order.
    pub suggestions: Vec<Suggestion>,
    /// The case it belongs to, when one was found.
    pub case: Option<CaseRef>,
    /// Retention hints of the proposed KLE emne, when the taxonomy has them.
    pub retention: Option<Retention>,
    /// Personal data found (masked unless asked otherwise).
    pub personal_data: Vec<FoundReference>,
    /// Whether the letter must be handled through secure channels.
    pub sensitive: bool,
    /// Why it is sensitive (categories and list terms, never message text).
    pub sensitive_reasons: Vec<Reason>,
    /// The model, when one took part.
    pub model: Option<ModelInfo>,
}

/// Builds the journal record for `msg` and its `decision` (from
/// [`Router::decide`](crate::decision::Router::decide), called with the same `unmasked`
/// as `options`). `model` is the classifier's summary and `taxonomy` adds KLE titles and
/// retention hints.
pub fn journal(
    msg: &Message,
    decision: &Decision,
    model: Option<&Summary>,
    taxonomy: Option<&Taxonomy>,
    options: &JournalOptions,
) -> JournalRecord {
    let received = msg.timestamp.map(rfc3339);
    let suggestions: Vec<Suggestion> = decision
        .heads
        .iter()
        .map(|h| suggestion(h, taxonomy))
        .collect();
    let (status, status_reason) = status(decision, options);
    let retention = suggestions
        .iter()
        .find(|s| s.head == "kle" && !s.abstain)
        .and_then(|s| KleCode::parse(s.value.as_deref()?).ok())
        .and_then(|code| taxonomy?.get(&code))
        .map(|e| e.retention)
        .filter(|r| !r.is_empty());
    JournalRecord {
        schema: SCHEMA,
        status,
        status_reason,
        title: title(msg, options),
        received,
        channel: msg.channel.as_str(),
        source: Source {
            message_id: msg.message_id.clone(),
            memo_uuid: msg.memo.as_ref().map(|m| m.uuid.clone()),
            memo_message_id: msg.memo.as_ref().and_then(|m| m.message_id.clone()),
        },
        parties: parties(msg, options),
        case: case(decision),
        retention,
        personal_data: decision
            .references
            .iter()
            .filter(|r| r.kind.is_personal())
            .cloned()
            .collect(),
        sensitive: decision.sensitive,
        sensitive_reasons: decision.sensitive_reasons.clone(),
        model: model.map(|s| ModelInfo {
            kind: s.kind.clone(),
            trained_at: s.trained_at.clone(),
            parent: s.parent.clone(),
            corrections_since_training: s.corrections_since_training,
            library_version: s.library_version.clone(),
        }),
        suggestions,
    }
}

fn suggestion(h: &HeadDecision, taxonomy: Option<&Taxonomy>) -> Suggestion {
    let top = h.top();
    let title = match (h.head.as_str(), top, taxonomy) {
        ("kle", Some(t), Some(tax)) => KleCode::parse(&t.label)
            .ok()
            .and_then(|c| tax.title(&c))
            .map(str::to_string),
        _ => None,
    };
    Suggestion {
        head: h.head.clone(),
        value: top.map(|t| t.label.clone()),
        probability: top.map(|t| t.probability),
        title,
        abstain: h.abstain,
        reason: h.reason.clone(),
        decided_by: h.decided_by.clone(),
        alternatives: h.labels.iter().skip(1).cloned().collect(),
        fallback: h.fallback.clone(),
        levels: h.levels.clone(),
    }
}

fn status(decision: &Decision, options: &JournalOptions) -> (Status, Option<String>) {
    // A letter on a case the records system knows (from its directory, or an exact SBSYS
    // number of a known emne) is journaled on that case, whose unit handles it.
    let on_known_case = decision.case.as_ref().is_some_and(|c| match c.source {
        CaseSource::Directory | CaseSource::Thread => true,
        CaseSource::CaseNumber => c.confidence >= 1.0 && !c.decided.is_empty(),
        _ => false,
    });
    if on_known_case && !decision.sensitive && !options.never_auto {
        return (Status::Auto, None);
    }
    let open: Vec<&str> = decision
        .heads
        .iter()
        .filter(|h| h.abstain || h.top().is_none())
        .map(|h| h.head.as_str())
        .collect();
    if decision.heads.is_empty() {
        return (Status::NeedsReview, Some("nothing decided any head".into()));
    }
    if !open.is_empty() {
        return (
            Status::NeedsReview,
            Some(format!("undecided: {}", open.join(", "))),
        );
    }
    if decision.sensitive {
        return (
            Status::Suggested,
            Some("sensitive: a person confirms before it is journaled".into()),
        );
    }
    if let Some(c) = decision
        .case
        .as_ref()
        .filter(|c| c.source == CaseSource::CaseNumber && !c.decided.is_empty())
    {
        return (
            Status::Suggested,
            Some(format!(
                "case number {} decided {} with confidence {}: a person confirms",
                c.reference,
                c.decided.join(" and "),
                c.confidence
            )),
        );
    }
    if options.never_auto {
        return (
            Status::Suggested,
            Some("policy: records are never journaled automatically".into()),
        );
    }
    (Status::Auto, None)
}

/// The case: the router's ([`Decision::case`]); for a decision made without the router,
/// what the message itself states (MeMo case id), then the most confident case number in
/// the text.
fn case(decision: &Decision) -> Option<CaseRef> {
    if let Some(c) = &decision.case {
        return Some(CaseRef {
            reference: c.reference.clone(),
            source: c.source.as_str(),
            confidence: c.confidence,
            decided: c.decided.clone(),
            title: c.title.clone(),
        });
    }
    if decision
        .case_notes
        .iter()
        .any(|n| n.kind == CaseNoteKind::Conflict)
    {
        // The router found several cases and took none: so does the record.
        return None;
    }
    if let Some(h) = decision
        .heads
        .iter()
        .find(|h| h.head == "case" && matches!(h.decided_by, DecidedBy::Message { .. }))
    {
        let t = h.top()?;
        return Some(CaseRef {
            reference: t.label.clone(),
            source: "message",
            confidence: t.probability,
            decided: Vec::new(),
            title: None,
        });
    }
    decision
        .references
        .iter()
        .filter(|r| r.kind == RefKind::CaseNumber)
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .map(|r| CaseRef {
            reference: r.value.clone(),
            source: "case_number",
            confidence: r.confidence,
            decided: Vec::new(),
            title: None,
        })
}

/// `YYYY-MM-DD: brief description`: the date in Denmark ([`danish_date`]), then the
/// subject, else the first line of what the sender wrote, identifiers masked, cut at a word
/// boundary.
fn title(msg: &Message, options: &JournalOptions) -> String {
    let date = msg.timestamp.map(danish_date);
    let date = date.as_deref().unwrap_or("udateret");
    let subject = msg.subject.trim();
    let text = if subject.is_empty() {
        msg.body
            .new_text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("(uden emne)")
    } else {
        subject
    };
    let text = if options.unmasked {
        text.to_string()
    } else {
        redact(text, &RedactOptions::default())
    };
    let mut brief = String::new();
    for word in text.split_whitespace() {
        if brief.chars().count() + word.chars().count() + 1 > TITLE_CHARS {
            brief.push('…');
            break;
        }
        if !brief.is_empty() {
            brief.push(' ');
        }
        brief.push_str(word);
    }
    format!("{date}: {brief}")
}

fn parties(msg: &Message, options: &JournalOptions) -> Vec<Party> {
    let mut out = Vec::new();
    let mail = |role: &'static str, a: &Address| Party {
        role,
        name: a.name.as_deref().map(|n| name(n, options)),
        address: (!a.address.is_empty()).then(|| address(&a.address, options)),
        identifier: None,
    };
    if let Some(memo) = &msg.memo {
        for (role, p) in [("sender", &memo.sender), ("recipient", &memo.recipient)] {
            if let Some(p) = p {
                out.push(memo_party(role, p, options));
            }
        }
        return out;
    }
    if let Some(a) = &msg.sender {
        out.push(mail("sender", a));
    }
    out.extend(msg.to.iter().map(|a| mail("to", a)));
    out.extend(msg.cc.iter().map(|a| mail("cc", a)));
    out
}

fn memo_party(
    role: &'static str,
    p: &crate::ingest::memo::Party,
    options: &JournalOptions,
) -> Party {
    let identifier = p.id.as_deref().map(|id| {
        let (kind, personal) = match &p.id_type {
            Some(IdType::Cpr) => ("cpr".to_string(), true),
            Some(IdType::Cvr) => ("cvr".to_string(), false),
            Some(IdType::MyndighedsId) => ("authority".to_string(), false),
            Some(IdType::Andet) => (
                p.id_type_label.clone().unwrap_or_else(|| "other".into()),
                true,
            ),
            Some(IdType::Other(s)) => (s.clone(), true),
            None => ("unknown".to_string(), true),
        };
        let value = if personal && !options.unmasked {
            id.chars()
                .map(|c| if c.is_ascii_alphanumeric() { 'X' } else { c })
                .collect()
        } else {
            id.to_string()
        };
        Identifier { kind, value }
    });
    // A person's name is personal data; an authority's or company's is not. A party whose
    // identifier is of another kind may be a person: its name is masked as one, as its
    // identifier is.
    let person = !matches!(p.id_type, Some(IdType::Cvr | IdType::MyndighedsId));
    Party {
        role,
        name: p.label.as_deref().map(|n| {
            if person {
                name(n, options)
            } else {
                n.to_string()
            }
        }),
        address: None,
        identifier,
    }
}

/// A person's name: as written when unmasked, else initials (`Jens Hansen` → `J. H.`).
fn name(n: &str, options: &JournalOptions) -> String {
    if options.unmasked {
        return n.to_string();
    }
    n.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphabetic()))
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A party's address, masked unless asked for in clear: the part before the last `@`
/// whatever it looks like (`o'neill@`, `jens.hansen@localhost`: the field is an address,
/// so no detector has to recognise one), or every letter and digit of an address without
/// one (X.500).
fn address(a: &str, options: &JournalOptions) -> String {
    if options.unmasked {
        return a.to_string();
    }
    match a.rfind('@') {
        Some(at) => format!("{}{}", "x".repeat(a[..at].chars().count()), &a[at..]),
        None => a
            .chars()
            .map(|c| if c.is_alphanumeric() { 'x' } else { c })
            .collect(),
    }
}

/// Seconds since the Unix epoch as RFC 3339 UTC (seconds), without a date crate.
/// The date in Denmark (`YYYY-MM-DD`) at `secs` seconds after the Unix epoch: the date of
/// receipt a journal records (offentlighedsloven § 15), which for a letter sent between
/// midnight and 01:00 (02:00 in summer) Danish time is not the UTC date.
///
/// Danish time is UTC+1, and UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC
/// on the last Sunday of October (the EU rule, in force since 1996).
pub(crate) fn danish_date(secs: i64) -> String {
    let mut date = rfc3339(secs.saturating_add(danish_offset(secs)));
    date.truncate(10);
    date
}

/// Seconds east of UTC of Danish time at `secs` (see [`danish_date`]).
fn danish_offset(secs: i64) -> i64 {
    let year = rfc3339(secs.saturating_add(3600))
        .get(..4)
        .and_then(|y| y.parse::<i64>().ok());
    let Some(year) = year else {
        return 3600;
    };
    let switch = |month: i64| {
        last_sunday(year, month)
            .saturating_mul(86_400)
            .saturating_add(3600)
    };
    if (switch(3)..switch(10)).contains(&secs) {
        7200
    } else {
        3600
    }
}

/// Days since 1970-01-01 of the last Sunday of `month` (a month of 31 days) in `year`.
fn last_sunday(year: i64, month: i64) -> i64 {
    let last = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday: weekday 4, counting from Sunday.
    last - (last + 4).rem_euclid(7)
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (H. Hinnant's
/// days-from-civil, the inverse of the conversion in [`rfc3339`]).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (H. Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::router::Router;

    #[test]
    fn a_partys_address_is_masked_whatever_it_looks_like() {
        let masked = |a| address(a, &JournalOptions::default());
        assert_eq!(
            masked("anne-marie.o'neill@aarhus.dk"),
            "xxxxxxxxxxxxxxxxxx@aarhus.dk"
        );
        assert_eq!(masked("jens.hansen@localhost"), "xxxxxxxxxxx@localhost");
        assert_eq!(
            masked("/O=EGESKOV/CN=JENS.HANSEN"),
            "/x=xxxxxxx/xx=xxxx.xxxxxx"
        );
        assert_eq!(masked("ærø@kommune.dk"), "xxx@kommune.dk");
        let clear = JournalOptions {
            unmasked: true,
            ..JournalOptions::default()
        };
        assert_eq!(address("jens@localhost", &clear), "jens@localhost");
    }

    #[test]
    fn a_memo_partys_name_is_masked_unless_it_is_a_company_or_an_authority() {
        let party = |id_type: Option<IdType>| {
            let p = crate::ingest::memo::Party {
                id: Some("AB12".into()),
                id_type,
                label: Some("Jens Hansen".into()),
                ..Default::default()
            };
            memo_party("sender", &p, &JournalOptions::default()).name
        };
        for id_type in [
            None,
            Some(IdType::Cpr),
            Some(IdType::Andet),
            Some(IdType::Other("Udenlandsk id".into())),
        ] {
            assert_eq!(
                party(id_type.clone()).as_deref(),
                Some("J. H."),
                "{id_type:?}"
            );
        }
        for id_type in [IdType::Cvr, IdType::MyndighedsId] {
            assert_eq!(party(Some(id_type)).as_deref(), Some("Jens Hansen"));
        }
    }

    #[test]
    fn the_date_of_receipt_is_the_date_in_denmark() {
        let at =
            |y, m, d, h: i64, min: i64| days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60;
        assert_eq!(rfc3339(at(2024, 2, 29, 13, 5)), "2024-02-29T13:05:00Z");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // Winter: UTC+1. 23:30 UTC on New Year's Eve is 00:30 on 1 January.
        assert_eq!(danish_date(at(2024, 12, 31, 23, 30)), "2025-01-01");
        assert_eq!(danish_date(at(2024, 12, 31, 22, 59)), "2024-12-31");
        // Summer: UTC+2. 22:30 UTC on 30 June is 00:30 on 1 July.
        assert_eq!(danish_date(at(2025, 6, 30, 22, 30)), "2025-07-01");
        assert_eq!(danish_date(at(2025, 6, 30, 21, 59)), "2025-06-30");
        // The switches: 30 March 2025 and 26 October 2025, at 01:00 UTC.
        assert_eq!(last_sunday(2025, 3), days_from_civil(2025, 3, 30));
        assert_eq!(last_sunday(2025, 10), days_from_civil(2025, 10, 26));
        assert_eq!(danish_offset(at(2025, 3, 30, 0, 59)), 3600);
        assert_eq!(danish_offset(at(2025, 3, 30, 1, 0)), 7200);
        assert_eq!(danish_offset(at(2025, 10, 26, 0, 59)), 7200);
        assert_eq!(danish_offset(at(2025, 10, 26, 1, 0)), 3600);
        // No panic at the ends of the range.
        for secs in [i64::MIN, i64::MAX, -1, 0] {
            let _ = danish_date(secs);
        }
        // The journal's title carries it; `received` stays UTC.
        let raw = b"From: a@example.dk\r\nDate: Wed, 1 Jan 2025 00:30:00 +0100\r\n\
Subject: Nytaar\r\n\r\nHej\r\n";
        let msg = Message::from_bytes(raw).unwrap();
        let decision = Router::without_model()
            .decide(&msg, &crate::ClassifyOptions::default(), false)
            .unwrap();
        let rec = journal(&msg, &decision, None, None, &JournalOptions::default());
        assert_eq!(rec.received.as_deref(), Some("2024-12-31T23:30:00Z"));
        assert!(rec.title.starts_with("2025-01-01: Nytaar"), "{}", rec.title);
    }

    #[test]
    fn a_plain_email_masks_identifiers_and_needs_review_without_a_model() {
        let raw = b"From: Jens Hansen <jens.hansen@example.dk>\r\n\
To: post@egeskov.dk\r\n\
Subject: Ansogning om byggetilladelse, cpr 010190-1234\r\n\
Date: Fri, 27 Nov 2026 10:15:00 +0100\r\n\
Message-ID: <abc@example.dk>\r\n\r\n\
Jeg vil gerne bygge en carport. Vedr. sagsnr. 02.34.02-P19-12-26.\r\n";
        let msg = Message::from_bytes(raw).unwrap();
        let decision = Router::without_model()
            .decide(&msg, &Default::default(), false)
            .unwrap();
        let rec = journal(&msg, &decision, None, None, &JournalOptions::default());
        assert_eq!(rec.schema, SCHEMA);
        // The SBSYS number decides kle and facet (emne unchecked without a model or
        // taxonomy: confidence 0.9); the CPR number makes it sensitive.
        assert_eq!(rec.status, Status::Suggested);
        let kle = rec.suggestions.iter().find(|s| s.head == "kle").unwrap();
        assert_eq!(kle.value.as_deref(), Some("02.34.02"));
        assert_eq!(kle.probability, Some(0.9));
        assert_eq!(rec.received.as_deref(), Some("2026-11-27T09:15:00Z"));
        assert!(rec
            .title
            .starts_with("2026-11-27: Ansogning om byggetilladelse"));
        assert!(!rec.title.contains("010190"), "{}", rec.title);
        let json = serde_json::to_string(&rec).unwrap();
        assert!(!json.contains("010190-1234"));
        assert!(!json.contains("jens.hansen"));
        assert!(!json.contains("Jens Hansen"));
        assert_eq!(rec.parties[0].name.as_deref(), Some("J. H."));
        assert_eq!(rec.case.as_ref().unwrap().source, "case_number");
        assert!(rec.sensitive);
        assert_eq!(rec.source.message_id.as_deref(), Some("abc@example.dk"));

        let open = journal(
            &msg,
            &Router::without_model()
                .decide(&msg, &Default::default(), true)
                .unwrap(),
            None,
            None,
            &JournalOptions {
                unmasked: true,
                ..JournalOptions::default()
            },
        );
        let json = serde_json::to_string(&open).unwrap();
        assert!(json.contains("010190-1234") && json.contains("Jens Hansen"));
    }

    #[test]
    fn status_follows_abstain_sensitive_and_policy() {
        let head = |abstain| HeadDecision {
            head: "unit".into(),
            labels: vec![LabelScore {
                label: "Byg".into(),
                probability: 0.99,
            }],
            abstain,
            threshold: 0.9,
            reason: None,
            decided_by: DecidedBy::Model,
            explanation: Vec::new(),
            fallback: None,
            levels: Vec::new(),
        };
        let mut d = Decision {
            heads: vec![head(false)],
            ..Decision::default()
        };
        let o = JournalOptions::default();
        assert_eq!(status(&d, &o).0, Status::Auto);
        let never = JournalOptions {
            never_auto: true,
            ..o.clone()
        };
        assert_eq!(status(&d, &never).0, Status::Suggested);
        d.sensitive = true;
        assert_eq!(status(&d, &o).0, Status::Suggested);
        d.heads.push(head(true));
        assert_eq!(status(&d, &o).0, Status::NeedsReview);
        assert_eq!(status(&Decision::default(), &o).0, Status::NeedsReview);
    }
}
