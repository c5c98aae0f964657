//! Which case a message belongs to, and the heads that case decides.
//!
//! After a MeMo message's own data and before municipal rules and the model, the
//! [`Router`](crate::decision::Router) settles the case:
//!
//! 1. **The host's directory** ([`CaseDirectory`]), when the router has one: asked for the
//!    MeMo case id, for every case number in the subject and body, then for the thread's
//!    Message-IDs (`In-Reply-To`, then `References` from the newest). A known case decides
//!    `unit`, `kle` and `facet` (`decided_by: directory` or `thread`, with the case's
//!    reference). Cases that disagree decide nothing.
//! 2. **An SBSYS case number** `<emne>-<facet>-<running number>-<year>` in the subject or
//!    the new body text (or, failing those, in the quoted history) decides `kle` and
//!    `facet` (`decided_by: case_number`): with confidence 1 when it stands in the subject
//!    or after a case label (`sag`, `sagsnr.`, `j.nr.`, `vores ref.` …) and its emne is
//!    known, 0.9 in the new text without a label, 0.8 when it is only in quoted history.
//!    It decides nothing when the message cites several different SBSYS numbers, when its
//!    emne is not in the taxonomy or is outdated, when its facet does not exist, or when its
//!    year is impossible (after the message was written, or before 1990); each of these
//!    gets a [`CaseNote`] saying why, and the model decides.
//!
//! Whatever decided, [`CaseMatch`] says which case the message is on and where that came
//! from (`message`, `directory`, `thread`, `case_number`).

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use serde::Serialize;

use crate::decision::directory::{
    message_id_key, CaseDirectory, CaseInfo, CaseQuery, DirectoryOptions,
};
use crate::decision::outcome::DecidedBy;
use crate::decision::redact::{redact, RedactOptions};
use crate::decision::refs::{self, Field, FieldReference, RefKind, Reference};
use crate::kle::{Facet, KleCode, Level, Taxonomy};
use crate::message::Message;
use crate::model::Classifier;

/// Where the case of a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaseSource {
    /// The message states it (a MeMo `CaseID` or `ReplyData` case).
    Message,
    /// A case number in the subject or body.
    CaseNumber,
    /// The host's case directory knew a case number of the message.
    Directory,
    /// The host's case directory knew a message of the thread this one continues.
    Thread,
}

impl CaseSource {
    /// The name used in JSON (`message`, `case_number`, `directory`, `thread`).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSource::Message => "message",
            CaseSource::CaseNumber => "case_number",
            CaseSource::Directory => "directory",
            CaseSource::Thread => "thread",
        }
    }
}

/// The case a message belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseMatch {
    /// The case reference.
    pub reference: String,
    /// Where it came from.
    pub source: CaseSource,
    /// How sure: 1 for the directory, the thread and the message's own data; for a case
    /// number, 1/0.9/0.8 when it decided heads (see the module docs), else the detector's.
    pub confidence: f32,
    /// The heads this case decided (`unit`, `kle`, `facet`), empty when it decided none.
    pub decided: Vec<String>,
    /// The case's title, from the directory (identifiers masked unless unmasked).
    pub title: Option<String>,
}

/// What kind of [`CaseNote`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaseNoteKind {
    /// The message cites several different cases: none was taken.
    Conflict,
    /// The SBSYS number's emne is not in the taxonomy the model knows.
    UnknownEmne,
    /// The SBSYS number's emne is outdated in the taxonomy.
    OutdatedEmne,
    /// The SBSYS number's facet does not exist.
    UnknownFacet,
    /// The SBSYS number's year (or running number) cannot be right.
    ImpossibleNumber,
    /// The emne could not be checked (no taxonomy, no `kle` head): taken with lower
    /// confidence.
    UncheckedEmne,
    /// A directory lookup failed (or panicked).
    LookupFailed,
    /// A directory lookup did not answer in time, or the time for lookups ran out.
    LookupTimeout,
    /// The directory answered something that is not a case (a bad KLE code or facet, an
    /// over-long or unprintable text).
    InvalidAnswer,
}

/// Why a case did not decide, or decided with less confidence: shown with the decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseNote {
    /// What happened.
    pub kind: CaseNoteKind,
    /// The case number or lookup it is about (case numbers are not personal data; a
    /// Message-ID is not shown).
    pub reference: Option<String>,
    /// A sentence for the clerk.
    pub message: String,
}

impl CaseNote {
    fn new(kind: CaseNoteKind, reference: Option<&str>, message: String) -> CaseNote {
        CaseNote {
            kind,
            reference: reference.map(str::to_string),
            message,
        }
    }
}

/// An SBSYS case number: `<emne>-<facet>-<running number>-<year>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SbsysNumber {
    /// The KLE emne.
    pub emne: KleCode,
    /// The handling facet.
    pub facet: Facet,
    /// The running number within the year.
    pub running: u32,
    /// The year as written (two or four digits).
    pub year: u16,
    /// Whether the year was written with four digits.
    pub four_digit_year: bool,
}

impl SbsysNumber {
    /// Parses `27.24.00-G01-5-19` (also with a space before the facet, `27.24.00 G01-5-19`).
    pub fn parse(s: &str) -> Option<SbsysNumber> {
        let s = s.trim();
        let emne = KleCode::parse(s.get(..8)?).ok()?;
        if emne.level() != Level::Emne {
            return None;
        }
        let rest = s.get(8..)?.strip_prefix(['-', ' '])?;
        let mut parts = rest.split('-');
        let facet = Facet::parse(parts.next()?).ok()?;
        let running = parts.next()?;
        let year = parts.next()?;
        let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
        };
        if parts.next().is_some()
            || !digits(running, 1..=6)
            || !digits(year, 2..=4)
            || year.len() == 3
        {
            return None;
        }
        Some(SbsysNumber {
            emne,
            facet,
            running: running.parse().ok()?,
            year: year.parse().ok()?,
            four_digit_year: year.len() == 4,
        })
    }

    /// The full year: a two-digit year is the latest year ending in those digits that is
    /// not after `now_year`.
    pub fn full_year(&self, now_year: i32) -> i32 {
        if self.four_digit_year {
            return i32::from(self.year);
        }
        let yy = i32::from(self.year);
        let century = now_year - now_year.rem_euclid(100);
        if century + yy <= now_year {
            century + yy
        } else {
            century - 100 + yy
        }
    }
}

/// The first year a case number may carry (KLE and the digital records systems that print
/// it are younger).
const FIRST_CASE_YEAR: i32 = 1990;

/// Longest text of a directory answer's fields, in bytes.
pub const MAX_ANSWER_FIELD: usize = 512;

/// What the case step needs to know besides the message.
pub(crate) struct CaseContext<'a> {
    /// The host's directory.
    pub directory: Option<&'a dyn CaseDirectory>,
    /// How to use it.
    pub options: DirectoryOptions,
    /// The taxonomy to check emner and facets against.
    pub taxonomy: Option<&'a Taxonomy>,
    /// The model, whose `kle` and `facet` labels are the check without a taxonomy.
    pub model: Option<&'a Classifier>,
    /// The case id the message states (MeMo), if any.
    pub memo_case: Option<&'a str>,
    /// Identifiers in the title as written.
    pub unmasked: bool,
}

/// A head the case decided.
pub(crate) struct CaseHead {
    pub head: &'static str,
    pub label: String,
    pub confidence: f32,
    pub by: DecidedBy,
}

/// The outcome of the case step.
#[derive(Default)]
pub(crate) struct Resolution {
    pub case: Option<CaseMatch>,
    pub heads: Vec<CaseHead>,
    pub notes: Vec<CaseNote>,
}

/// Where in the message a case number stood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Subject,
    NewText,
    Quoted,
}

/// A case number found in the message.
#[cfg_attr(test, derive(Debug, PartialEq))]
struct Cited {
    value: String,
    place: Place,
    labelled: bool,
    confidence: f32,
}

/// The case numbers of the subject, the new text and the quoted history, in that order.
///
/// `found`, when given, are the message's references ([`refs::find_in_message`]): a text
/// that is one of its fields' (the subject; the new text when it is the whole body) is not
/// scanned again.
fn cited(msg: &Message, found: Option<&[FieldReference]>) -> Vec<Cited> {
    let mut out = Vec::new();
    let of_field = |field: Field, text: &str| -> Vec<Reference> {
        match found {
            Some(found) => found
                .iter()
                .filter(|r| r.field == field)
                .map(|r| r.reference.clone())
                .collect(),
            None => refs::find(text),
        }
    };
    for (place, text) in [
        (Place::Subject, msg.subject.as_str()),
        (Place::NewText, msg.body.new_text.as_str()),
        (Place::Quoted, msg.body.quoted.as_str()),
    ] {
        let refs = match place {
            Place::Subject => of_field(Field::Subject, text),
            Place::NewText if text == msg.body.text => of_field(Field::Body, text),
            _ => refs::find(text),
        };
        for r in refs {
            if r.kind == RefKind::CaseNumber {
                out.push(Cited {
                    labelled: labelled(text, r.start),
                    value: r.value,
                    place,
                    confidence: r.confidence,
                });
            }
        }
    }
    out
}

/// Case labels that make the number after them a case number of this municipality's.
const LABELS: &[&str] = &[
    "sag",
    "sagen",
    "sagsnr",
    "sagsnummer",
    "sags nr",
    "sag nr",
    "j.nr",
    "j. nr",
    "jnr",
    "journalnr",
    "journalnummer",
    "journal nr",
    "vores ref",
    "vor ref",
    "jeres ref",
    "deres ref",
    "our ref",
    "your ref",
    "ref.nr",
    "refnr",
];

/// Whether a case label stands right before byte `start` of `text` (punctuation, `nr.`
/// and a few spaces may stand between).
fn labelled(text: &str, start: usize) -> bool {
    let from = (0..=start.saturating_sub(32))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = text.get(from..start).unwrap_or("").to_lowercase();
    let t = before.trim_end_matches(|c: char| {
        matches!(c, ' ' | ':' | '.' | '#' | '(' | '[' | '\u{a0}' | '\t')
    });
    let ends_with_label = |t: &str| {
        LABELS.iter().any(|l| {
            t.strip_suffix(l)
                .is_some_and(|head| !head.ends_with(|c: char| c.is_alphanumeric()))
        })
    };
    // `sagsnr.`, or `vores ref. nr.` with a filler word after the label.
    ends_with_label(t)
        || ["nummer", "nr", "no"].iter().any(|filler| {
            t.strip_suffix(filler)
                .filter(|s| s.ends_with([' ', '.']))
                .is_some_and(|s| ends_with_label(s.trim_end_matches([' ', '.', ':'])))
        })
}

/// Runs the case step for `msg`. Never fails: what goes wrong becomes a note.
pub(crate) fn resolve(
    msg: &Message,
    ctx: &CaseContext<'_>,
    found: &[FieldReference],
) -> Resolution {
    let cited = cited(msg, Some(found));
    let mut res = Resolution::default();
    if let Some(dir) = ctx.directory {
        // A known case decides; known cases that disagree leave everything open.
        if from_directory(msg, &cited, dir, ctx, &mut res) != Asked::Nothing {
            return res;
        }
    }
    from_case_number(msg, &cited, ctx, &mut res);
    if res.case.is_none() {
        if let Some(id) = ctx.memo_case {
            res.case = Some(CaseMatch {
                reference: id.to_string(),
                source: CaseSource::Message,
                confidence: 1.0,
                decided: Vec::new(),
                title: None,
            });
        }
    }
    res
}

/// What asking the directory gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    /// No known case.
    Nothing,
    /// One known case: it decided.
    Decided,
    /// Several known cases: none was taken.
    Conflict,
}

/// The most case numbers a conflict note names (it says how many there are).
const NOTE_NUMBERS: usize = 10;

/// Asks the directory about the cited cases, then the thread.
fn from_directory(
    msg: &Message,
    cited: &[Cited],
    dir: &dyn CaseDirectory,
    ctx: &CaseContext<'_>,
    res: &mut Resolution,
) -> Asked {
    // First occurrences, in order; a set makes it linear (a message may cite thousands).
    let mut seen = HashSet::new();
    let references: Vec<&str> = ctx
        .memo_case
        .into_iter()
        .chain(cited.iter().map(|c| c.value.as_str()))
        .filter(|r| seen.insert(r.to_ascii_lowercase()))
        .collect();
    let mut seen = HashSet::new();
    let thread: Vec<String> = msg
        .in_reply_to
        .iter()
        .chain(msg.references.iter().rev())
        .map(|id| message_id_key(id))
        .filter(|id| !id.is_empty() && seen.insert(id.clone()))
        .collect();
    let mut asker = Asker {
        dir,
        options: ctx.options,
        started: Instant::now(),
        asked: 0,
        stopped: false,
    };
    let mut known: Vec<(String, CaseInfo)> = Vec::new();
    for r in &references {
        if let Some(case) = asker.ask(CaseQuery::Reference(r), Some(r), res) {
            known.push((r.to_string(), case));
        }
    }
    let mut source = CaseSource::Directory;
    if known.is_empty() {
        for id in &thread {
            if let Some(case) = asker.ask(CaseQuery::MessageId(id), None, res) {
                known.push((String::new(), case));
                source = CaseSource::Thread;
                break;
            }
        }
    }
    let Some((asked, first)) = known.first() else {
        return Asked::Nothing;
    };
    let reference = |asked: &str, c: &CaseInfo| {
        if c.reference.trim().is_empty() {
            asked.to_uppercase()
        } else {
            c.reference.trim().to_uppercase()
        }
    };
    let chosen = reference(asked, first);
    let others: Vec<String> = known
        .iter()
        .map(|(a, c)| reference(a, c))
        .filter(|r| *r != chosen)
        .collect();
    if !others.is_empty() {
        res.notes.push(CaseNote::new(
            CaseNoteKind::Conflict,
            None,
            format!(
                "the case directory knows {} different cases cited by this message; none was taken",
                others.len() + 1
            ),
        ));
        return Asked::Conflict;
    }
    let reference = if first.reference.trim().is_empty() {
        asked.clone()
    } else {
        first.reference.trim().to_string()
    };
    let by = match source {
        CaseSource::Thread => DecidedBy::Thread {
            reference: reference.clone(),
        },
        _ => DecidedBy::Directory {
            reference: reference.clone(),
        },
    };
    let mut decided = Vec::new();
    for (head, value) in [
        ("unit", &first.unit),
        ("kle", &first.kle),
        ("facet", &first.facet),
    ] {
        if let Some(v) = value {
            decided.push(head.to_string());
            res.heads.push(CaseHead {
                head,
                label: v.clone(),
                confidence: 1.0,
                by: by.clone(),
            });
        }
    }
    let title = first.title.as_deref().map(|t| {
        if ctx.unmasked {
            t.to_string()
        } else {
            redact(t, &RedactOptions::default())
        }
    });
    res.case = Some(CaseMatch {
        reference,
        source,
        confidence: 1.0,
        decided,
        title,
    });
    Asked::Decided
}

/// Asks a directory within the options' limits.
struct Asker<'a> {
    dir: &'a dyn CaseDirectory,
    options: DirectoryOptions,
    started: Instant,
    asked: usize,
    stopped: bool,
}

impl Asker<'_> {
    /// One lookup: the case when known and valid; a note for anything else but "unknown".
    fn ask(
        &mut self,
        q: CaseQuery<'_>,
        shown: Option<&str>,
        res: &mut Resolution,
    ) -> Option<CaseInfo> {
        if self.stopped {
            return None;
        }
        if self.asked >= self.options.max_lookups {
            self.stopped = true;
            res.notes.push(CaseNote::new(
                CaseNoteKind::LookupTimeout,
                None,
                format!("the case directory was asked the most lookups per message ({}); the rest were not asked", self.options.max_lookups),
            ));
            return None;
        }
        if self.started.elapsed() >= self.options.timeout {
            self.stopped = true;
            res.notes.push(CaseNote::new(
                CaseNoteKind::LookupTimeout,
                None,
                format!(
                    "the time for case lookups ({} ms) ran out",
                    self.options.timeout.as_millis()
                ),
            ));
            return None;
        }
        self.asked += 1;
        let what = match q {
            CaseQuery::Reference(_) => "case reference",
            CaseQuery::MessageId(_) => "thread message",
        };
        let answer = catch_unwind(AssertUnwindSafe(|| self.dir.lookup(q)));
        if self.started.elapsed() > self.options.timeout {
            self.stopped = true;
            res.notes.push(CaseNote::new(
                CaseNoteKind::LookupTimeout,
                shown,
                format!(
                    "the case directory answered the lookup of a {what} after the time for lookups ({} ms); its answer was not used",
                    self.options.timeout.as_millis()
                ),
            ));
            return None;
        }
        match answer {
            Err(payload) => {
                let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
                res.notes.push(CaseNote::new(
                    CaseNoteKind::LookupFailed,
                    shown,
                    format!("the case directory panicked while looking up a {what}"),
                ));
                None
            }
            Ok(Err(e)) => {
                let kind = if e.is_timeout() {
                    CaseNoteKind::LookupTimeout
                } else {
                    CaseNoteKind::LookupFailed
                };
                res.notes.push(CaseNote::new(
                    kind,
                    shown,
                    format!(
                        "the case directory could not look up a {what}: {}",
                        clip(e.message())
                    ),
                ));
                None
            }
            Ok(Ok(None)) => None,
            Ok(Ok(Some(case))) => match valid(&case) {
                Ok(()) => Some(case),
                Err(why) => {
                    res.notes.push(CaseNote::new(
                        CaseNoteKind::InvalidAnswer,
                        shown,
                        format!("the case directory's answer for a {what} was not used: {why}"),
                    ));
                    None
                }
            },
        }
    }
}

/// A directory's message cut to a length a decision can show.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(200).collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Checks a directory's answer: texts short and printable, KLE code and facet well formed,
/// at least one of unit, KLE and facet.
fn valid(case: &CaseInfo) -> Result<(), String> {
    let fields = [
        ("reference", Some(&case.reference)),
        ("unit", case.unit.as_ref()),
        ("kle", case.kle.as_ref()),
        ("facet", case.facet.as_ref()),
        ("title", case.title.as_ref()),
    ];
    for (name, value) in fields {
        let Some(v) = value else { continue };
        if v.len() > MAX_ANSWER_FIELD {
            return Err(format!(
                "its {name} is {} bytes long (at most {MAX_ANSWER_FIELD})",
                v.len()
            ));
        }
        if v.chars().any(char::is_control) {
            return Err(format!("its {name} contains control characters"));
        }
        if name != "reference" && v.trim().is_empty() {
            return Err(format!("its {name} is empty"));
        }
    }
    if let Some(k) = &case.kle {
        if KleCode::parse(k).is_err() {
            return Err("its kle is not a KLE code".into());
        }
    }
    if let Some(f) = &case.facet {
        if Facet::parse(f).is_err() {
            return Err("its facet is not a handling facet".into());
        }
    }
    if case.unit.is_none() && case.kle.is_none() && case.facet.is_none() {
        return Err("it names no unit, KLE emne or facet".into());
    }
    Ok(())
}

/// The year in Denmark when the message was written (or this year when it has no date).
fn message_year(msg: &Message) -> i32 {
    let secs = msg.timestamp.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    });
    crate::decision::journal::danish_date(secs)
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2000)
}

/// The SBSYS step (and, when it decides nothing, the case number the record names).
fn from_case_number(msg: &Message, cited: &[Cited], ctx: &CaseContext<'_>, res: &mut Resolution) {
    let direct: Vec<&Cited> = cited.iter().filter(|c| c.place != Place::Quoted).collect();
    let pool: Vec<&Cited> = if direct.is_empty() {
        cited.iter().collect()
    } else {
        direct
    };
    let sbsys: Vec<(&Cited, SbsysNumber)> = pool
        .iter()
        .filter_map(|c| SbsysNumber::parse(&c.value).map(|n| (*c, n)))
        .collect();
    let mut seen = HashSet::new();
    let distinct: Vec<String> = sbsys
        .iter()
        .map(|(c, _)| c.value.to_uppercase().replace(' ', "-"))
        .filter(|key| seen.insert(key.clone()))
        .collect();
    if distinct.len() > 1 {
        // A note names a few; a message that cites thousands would make it as long.
        let mut named = distinct
            .iter()
            .take(NOTE_NUMBERS)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if distinct.len() > NOTE_NUMBERS {
            named.push_str(", …");
        }
        res.notes.push(CaseNote::new(
            CaseNoteKind::Conflict,
            None,
            format!(
                "the message cites {} different SBSYS case numbers ({named}); none was taken",
                distinct.len(),
            ),
        ));
        return;
    }
    if let Some(&(_, number)) = sbsys.first() {
        // The most telling place the number stood in.
        let best = sbsys
            .iter()
            .map(|(c, _)| *c)
            .min_by_key(|c| (c.place, !c.labelled))
            .unwrap_or(sbsys[0].0);
        if let Some(m) = decide_number(msg, best, number, ctx, res) {
            res.case = Some(m);
            return;
        }
    }
    // Nothing decided: the record still names the case number, when there is one (the
    // SBSYS one, else the only one cited).
    if let Some((c, _)) = sbsys.first() {
        res.case = Some(cited_case(c));
        return;
    }
    let mut seen = HashSet::new();
    let values: Vec<&Cited> = pool
        .iter()
        .copied()
        .filter(|c| seen.insert(c.value.to_ascii_lowercase()))
        .collect();
    match values.as_slice() {
        [] => {}
        [only] => res.case = Some(cited_case(only)),
        several => res.notes.push(CaseNote::new(
            CaseNoteKind::Conflict,
            None,
            format!(
                "the message cites {} different case numbers; none was taken",
                several.len()
            ),
        )),
    }
}

/// A cited case number that decided nothing, with the detector's confidence.
fn cited_case(c: &Cited) -> CaseMatch {
    CaseMatch {
        reference: c.value.clone(),
        source: CaseSource::CaseNumber,
        confidence: c.confidence,
        decided: Vec::new(),
        title: None,
    }
}

/// Checks one SBSYS number and, when it holds, decides `kle` and `facet` by it.
fn decide_number(
    msg: &Message,
    at: &Cited,
    n: SbsysNumber,
    ctx: &CaseContext<'_>,
    res: &mut Resolution,
) -> Option<CaseMatch> {
    let reference = at.value.as_str();
    let note = |res: &mut Resolution, kind, message: String| {
        res.notes
            .push(CaseNote::new(kind, Some(reference), message));
    };
    let now = message_year(msg);
    let year = n.full_year(now);
    if n.running == 0 || year < FIRST_CASE_YEAR || year > now {
        let why = if n.running == 0 {
            "its running number is 0".to_string()
        } else if year > now {
            format!("its year {year} is after the message was written ({now})")
        } else {
            format!("its year {year} is before any case number ({FIRST_CASE_YEAR})")
        };
        note(
            res,
            CaseNoteKind::ImpossibleNumber,
            format!("case number {reference} was not used: {why}"),
        );
        return None;
    }
    let emne = n.emne.to_string();
    let facet = n.facet.to_string();
    let mut checked = false;
    // The labels the model knows now (corrections may have added some since it was loaded).
    let heads = ctx.model.map(|c| c.current_heads());
    let labels = |name: &str| {
        heads
            .as_ref()
            .and_then(|hs| hs.iter().find(|h| h.name == name))
            .map(|h| &h.labels)
    };
    if let Some(tax) = ctx.taxonomy.filter(|t| !t.is_empty()) {
        if !tax.contains(&n.emne) {
            note(
                res,
                CaseNoteKind::UnknownEmne,
                format!("case number {reference} was not used: emne {emne} is not in the taxonomy"),
            );
            return None;
        }
        if tax.is_outdated(&n.emne) {
            note(
                res,
                CaseNoteKind::OutdatedEmne,
                format!(
                    "case number {reference} was not used: emne {emne} is outdated in the taxonomy"
                ),
            );
            return None;
        }
        checked = true;
    }
    if let Some(labels) = labels("kle") {
        if !checked {
            if !labels.contains(&emne) {
                note(res, CaseNoteKind::UnknownEmne, format!("case number {reference} was not used: emne {emne} is not one the model knows"));
                return None;
            }
            checked = true;
        }
    }
    let facets_known = ctx.taxonomy.is_some_and(|t| t.facets().next().is_some());
    if facets_known {
        if ctx.taxonomy.and_then(|t| t.facet(&n.facet)).is_none() {
            note(
                res,
                CaseNoteKind::UnknownFacet,
                format!(
                    "case number {reference} was not used: facet {facet} is not in the taxonomy"
                ),
            );
            return None;
        }
    } else if let Some(labels) = labels("facet") {
        if !labels.contains(&facet) {
            note(res, CaseNoteKind::UnknownFacet, format!("case number {reference} was not used: facet {facet} is not one the model knows"));
            return None;
        }
    }
    let mut confidence = match at.place {
        Place::Subject => 1.0,
        Place::NewText if at.labelled => 1.0,
        Place::NewText => 0.9,
        Place::Quoted => 0.8,
    };
    if !checked {
        confidence = f32::min(confidence, 0.9);
        note(res, CaseNoteKind::UncheckedEmne, format!("case number {reference}: emne {emne} could not be checked (no taxonomy and no kle head), so it decides with confidence {confidence}"));
    }
    let by = DecidedBy::CaseNumber {
        reference: reference.to_string(),
    };
    for (head, label) in [("kle", emne), ("facet", facet)] {
        res.heads.push(CaseHead {
            head,
            label,
            confidence,
            by: by.clone(),
        });
    }
    Some(CaseMatch {
        reference: reference.to_string(),
        source: CaseSource::CaseNumber,
        confidence,
        decided: vec!["kle".into(), "facet".into()],
        title: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The router's references stand in for scanning the subject and a body without
    /// quotes again: the same case numbers either way, on every demo message (replies,
    /// forwards, case numbers in subjects) and on mails written here for the purpose.
    #[test]
    fn cited_case_numbers_are_the_same_with_the_routers_references() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/corpus/mail");
        let mut msgs: Vec<Message> = std::fs::read_dir(dir)
            .expect("the demo corpus")
            .map(|e| std::fs::read(e.expect("an entry").path()).expect("a message"))
            .map(|raw| Message::from_bytes(&raw).expect("parse"))
            .collect();
        for raw in [
            "Subject: Sag 27.24.00-G01-5-19\r\n\r\nSe sag 02.34.02-G01-3456-24.\r\n",
            "Subject: Sv: byggesag\r\n\r\nTak.\r\n\r\n> Jeres j.nr. 02.34.02-G01-3456-24\r\n",
        ] {
            msgs.push(Message::from_bytes(raw.as_bytes()).expect("parse"));
        }
        let mut numbers = 0;
        for msg in &msgs {
            let found = refs::find_in_message(msg);
            let reused = cited(msg, Some(&found));
            assert_eq!(reused, cited(msg, None), "{:?}", msg.subject);
            numbers += reused.len();
        }
        assert!(
            msgs.len() > 300 && numbers > 20,
            "{} messages, {numbers} case numbers",
            msgs.len()
        );
    }

    /// A message that cites thousands of different case numbers gets one conflict note that
    /// counts them and names a few. (Finding the distinct ones was quadratic: 9 s for a
    /// 1 MB body of them.)
    #[test]
    fn thousands_of_different_case_numbers_make_one_short_note() {
        let ctx = CaseContext {
            directory: None,
            options: DirectoryOptions::default(),
            taxonomy: None,
            model: None,
            memo_case: None,
            unmasked: false,
        };
        let note = |body: String| {
            let msg = Message::from_text(&body);
            let res = resolve(&msg, &ctx, &refs::find_in_message(&msg));
            assert!(res.case.is_none() && res.heads.is_empty());
            assert_eq!(res.notes.len(), 1);
            assert_eq!(res.notes[0].kind, CaseNoteKind::Conflict);
            res.notes[0].message.clone()
        };
        // Acadre-style numbers, each cited twice.
        let body: String = (0..20_000)
            .map(|i| format!("jnr. 2024-{:06} x\n", i % 10_000))
            .collect();
        assert_eq!(
            note(body),
            "the message cites 10000 different case numbers; none was taken"
        );
        let body: String = (0..3_000)
            .map(|i| format!("Sagsnr. 27.24.00-G01-{}-19\n", i % 1_500 + 1))
            .collect();
        let message = note(body);
        assert!(
            message.starts_with(
                "the message cites 1500 different SBSYS case numbers (27.24.00-G01-1-19, "
            ) && message.ends_with("27.24.00-G01-10-19, …); none was taken"),
            "{message}"
        );
    }

    #[test]
    fn sbsys_numbers_parse() {
        let n = SbsysNumber::parse("27.24.00-G01-5-19").unwrap();
        assert_eq!(n.emne.to_string(), "27.24.00");
        assert_eq!(n.facet.to_string(), "G01");
        assert_eq!((n.running, n.year), (5, 19));
        assert_eq!(n.full_year(2024), 2019);
        assert_eq!(n.full_year(2018), 1919);
        assert!(SbsysNumber::parse("27.24.00 Ø34-12-2023").is_some());
        for bad in [
            "27.24-G01-5-19",
            "27.24.00-G1-5-19",
            "27.24.00-G01-5",
            "2024-012345",
            "27.24.00-G01-5-190",
        ] {
            assert!(SbsysNumber::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn labels_before_numbers() {
        for (text, want) in [
            ("Vedr. sagsnr. X", true),
            ("(sag X", true),
            ("Jeres j.nr.: X", true),
            ("vores ref. nr. X", true),
            ("Vores ref.: X", true),
            ("Husk at X", false),
            ("[X", false),
            ("opsag X", false),
        ] {
            let start = text.find('X').unwrap();
            assert_eq!(labelled(text, start), want, "{text}");
        }
    }
}
