//! Sensitivity: does a message carry a CPR number or speak of health, social or criminal
//! matters?
//!
//! Such mail must be answered through secure channels (Digital Post, not plain e-mail), its
//! text must not end up in logs or notifications, and it is often routed to a unit that
//! handles confidential cases. [`assess`] flags it, with the reasons a clerk can check.
//!
//! # What makes a message sensitive
//!
//! * A CPR number ([`crate::decision::refs`]) read with confidence ≥ [`CPR_CONFIDENCE`]
//!   (the separated form, a valid check digit or a `cpr` word; ten plain digits that fail
//!   modulus 11 and have no word are masked by redaction but do not flag a message alone).
//! * In a Digital Post letter, a CPR number in its structured data about what it concerns
//!   ([`Field::Memo`], no span): `CPRdata`, or a case id that reads as one. Not a sender
//!   or recipient identified by CPR: that is how Digital Post addresses every citizen.
//! * A word of the special categories of personal data: health (GDPR art. 9: helbred,
//!   sygdom, diagnose, medicin, psykiatri, misbrug, handicap, …), social matters that Danish
//!   law treats as confidential (databeskyttelsesloven § 8 and forvaltningsloven's
//!   confidentiality of "rent private forhold": underretning, anbringelse, tvangsfjernelse,
//!   plejefamilie, …) and criminal matters (GDPR art. 10: straffeattest, dom, sigtelse,
//!   kriminalitet, fængsel, …), in Danish with the English equivalents.
//!
//! The other art. 9 categories (religion, political opinion, trade-union membership, ethnic
//! origin, sexual orientation) are left out on purpose: their words (`kirke`, `parti`,
//! `fagforening`) occur in ordinary municipal mail about churches, elections and
//! employment so often that a flag on them would be ignored.
//!
//! # How words are matched
//!
//! Text is split into words of letters and lowercased. Each entry of the list in this file
//! (`TERMS`, kept in code next to the matcher so that a change to either is reviewed with
//! the other) matches in one of three ways, chosen for how Danish inflects and compounds:
//!
//! * *anywhere* in a word, for stems long and specific enough to be safe inside compounds:
//!   `misbrug` in `alkoholmisbrug`, `sygdom` in `hjertesygdommen`, `anbringelse` in
//!   `døgnanbringelsen`;
//! * as the *start* of a word, for stems whose compounds put them first: `psyk` (psykisk,
//!   psykolog), `straf` (straffesag, strafferegister), `læge` (lægeerklæring);
//! * as an *exact* word, for short words that hide inside unrelated ones: `dom` (not
//!   `ejendom`, `domæne`), `syg`, `vold` (not `voldsom`), `kræft` (not `kræfter`, strength).
//!
//! Words that are common in other senses were left out after weighing: `sigtet` (also "the
//! aim"), `tiltalte` (also "appealed to"), `abort` (a programming term in English mail),
//! `sundhed` (the name of municipal departments and policies), English `patient`
//! (the adjective).
//!
//! # Example
//!
//! ```
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use signatur::decision::sensitive::{assess_text, Category};
//! let s = assess_text("Vi har modtaget en underretning om barnets alkoholmisbrug.");
//! assert!(s.sensitive);
//! let cats: Vec<Category> = s.reasons.iter().map(|r| r.category).collect();
//! assert_eq!(cats, [Category::Social, Category::Health]);
//! assert!(!assess_text("Ansøgning om byggetilladelse til carport").sensitive);
//! # Ok(()) }
//! # example().unwrap();
//! ```

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use once_cell::sync::Lazy;
use serde::Serialize;

use crate::decision::refs::scan::{byte_runs, pair_slot, ByteClass, PairSet, PAIR_SLOTS};
use crate::decision::refs::{find, find_in_message, Field, FieldReference, RefKind};
use crate::ingest::memo::Memo;
use crate::message::Message;

/// A CPR number flags a message when found with at least this confidence.
pub const CPR_CONFIDENCE: f32 = 0.5;

/// At most this many reasons are kept per message (each term and each CPR number once).
const MAX_REASONS: usize = 32;

/// The shortest term (bytes); shorter words are not looked up.
const MIN_TERM: usize = 3;

/// Words longer than this (bytes) are not matched: no term is that long, and it bounds the
/// work on text without spaces.
const MAX_WORD: usize = 64;

/// Why a message is sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// A CPR number was found.
    Cpr,
    /// Health: illness, diagnosis, medication, psychiatry, addiction, disability (GDPR art. 9).
    Health,
    /// Social matters treated as confidential: child welfare, placements, family conflicts.
    Social,
    /// Criminal matters: convictions, charges, offences (GDPR art. 10).
    Criminal,
}

/// One reason a message is sensitive: what, where, and which entry of the list matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The category.
    pub category: Category,
    /// The field the word or number is in.
    pub field: Field,
    /// Byte offset of the word (or CPR number) in the field's text.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
    /// The entry of the word list that matched (`misbrug`), or `cpr`. Never text from the
    /// message, so it is safe to show and log.
    pub term: &'static str,
}

/// The verdict of [`assess`].
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Sensitivity {
    /// Whether the message must be handled as confidential.
    pub sensitive: bool,
    /// Why, in order of the fields and positions; empty when not sensitive.
    pub reasons: Vec<Reason>,
}

/// How a term matches a lowercased word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    /// The whole word equals the term.
    Exact,
    /// The word starts with the term.
    Prefix,
    /// The term occurs anywhere in the word (compounds).
    Anywhere,
}

/// An entry of the word list.
#[derive(Debug)]
struct Term {
    stem: &'static str,
    how: How,
    category: Category,
}

const fn t(stem: &'static str, how: How, category: Category) -> Term {
    Term {
        stem,
        how,
        category,
    }
}

use Category::{Criminal, Health, Social};
use How::{Anywhere, Exact, Prefix};

/// The word list. Lowercase; every stem starts with an ASCII letter (the matcher's index
/// relies on it, and a test checks it).
const TERMS: &[Term] = &[
    // Health (GDPR art. 9), Danish.
    t("helbred", Anywhere, Health),
    t("sygdom", Anywhere, Health),
    t("syge", Prefix, Health), // sygehus, sygemelding, sygedagpenge, sygeplejerske
    t("syg", Exact, Health),
    t("sygemeldt", Anywhere, Health), // langtidssygemeldt
    t("diagnose", Prefix, Health),    // diagnose, diagnosen, diagnoser
    t("medicin", Anywhere, Health),   // medicinen, medicinsk, smertemedicin
    t("psyk", Prefix, Health),        // psykisk, psykolog, psykose, psykiatri
    t("psykiatri", Anywhere, Health), // børnepsykiatrien
    t("psykolog", Anywhere, Health),  // børnepsykolog
    t("misbrug", Anywhere, Health),   // alkoholmisbrug, misbrugsbehandling
    t("handicap", Anywhere, Health),  // handicappet, handicaphjælpemidler
    t("funktionsnedsættelse", Anywhere, Health),
    t("hospital", Prefix, Health),
    t("indlæggelse", Anywhere, Health), // hospitalsindlæggelse
    t("læge", Prefix, Health),          // lægen, lægeerklæring, lægelig
    t("genoptræning", Anywhere, Health),
    t("fysioterapi", Anywhere, Health),
    t("demens", Anywhere, Health),
    t("kræft", Exact, Health),
    t("kræften", Exact, Health),
    t("sclerose", Anywhere, Health),
    t("hjerneskade", Anywhere, Health),
    t("autisme", Anywhere, Health),
    t("adhd", Exact, Health),
    t("depressi", Prefix, Health), // depression, depressiv
    t("epilep", Prefix, Health),   // epilepsi, epilepsy
    t("diabet", Prefix, Health),   // diabetes, diabetiker
    t("gravid", Prefix, Health),   // gravid, graviditet
    t("symptom", Prefix, Health),
    t("patienten", Exact, Health),
    t("patienter", Prefix, Health), // patienter, patienterne
    // Health, English.
    t("health", Exact, Health),
    t("diagnosis", Exact, Health),
    t("diagnosed", Exact, Health),
    t("disease", Prefix, Health),
    t("illness", Prefix, Health),
    t("sickness", Exact, Health),
    t("medication", Prefix, Health),
    t("medical", Prefix, Health),
    t("psychiatr", Prefix, Health),
    t("psycholog", Prefix, Health),
    t("addict", Prefix, Health),
    t("alcoholi", Prefix, Health),
    t("disabilit", Prefix, Health),
    t("disabled", Exact, Health),
    t("cancer", Prefix, Health),
    t("pregnan", Prefix, Health),
    // Social matters, Danish.
    t("underretning", Anywhere, Social), // underretningen, underretningspligt
    t("anbringelse", Anywhere, Social),  // døgnanbringelse, anbringelsessted
    t("anbragt", Prefix, Social),        // anbragt, anbragte
    t("tvangsfjern", Anywhere, Social),
    t("plejefamilie", Anywhere, Social),
    t("plejebarn", Anywhere, Social),
    t("omsorgssvigt", Anywhere, Social),
    t("børnefaglig", Anywhere, Social),
    t("forældremyndighed", Anywhere, Social),
    t("samvær", Prefix, Social), // samværet, samværsordning
    t("krisecenter", Anywhere, Social),
    t("hjemløs", Anywhere, Social),
    // Social matters, English.
    t("custody", Exact, Social),
    t("homeless", Prefix, Social),
    // Criminal matters (GDPR art. 10), Danish.
    t("straffeattest", Anywhere, Criminal),
    t("straf", Prefix, Criminal), // straffesag, strafferegister, strafbar
    t("dom", Exact, Criminal),
    t("dommen", Exact, Criminal),
    t("domme", Exact, Criminal),
    t("domfæld", Prefix, Criminal), // domfældt, domfældelse
    t("dømt", Prefix, Criminal),    // dømt, dømte
    t("fængsel", Anywhere, Criminal),
    t("fængslet", Exact, Criminal),
    t("fængsling", Anywhere, Criminal), // varetægtsfængsling
    t("sigtelse", Anywhere, Criminal),
    t("tiltalt", Exact, Criminal),
    t("tiltalerejsning", Anywhere, Criminal),
    t("kriminal", Anywhere, Criminal), // kriminalitet, ungdomskriminalitet, kriminalforsorg
    t("kriminel", Anywhere, Criminal),
    t("anholdt", Exact, Criminal),
    t("anholdelse", Anywhere, Criminal),
    t("politianmeld", Anywhere, Criminal),
    t("varetægt", Anywhere, Criminal),
    t("voldtægt", Anywhere, Criminal),
    t("vold", Exact, Criminal),
    t("bødeforelæg", Anywhere, Criminal),
    t("afson", Prefix, Criminal), // afsone, afsoning
    t("prøveløsladt", Anywhere, Criminal),
    // Criminal matters, English.
    t("criminal", Prefix, Criminal),
    t("crime", Exact, Criminal),
    t("crimes", Exact, Criminal),
    t("convicted", Exact, Criminal),
    t("sentenced", Exact, Criminal),
    t("prison", Prefix, Criminal),
    t("imprison", Prefix, Criminal),
    t("arrested", Exact, Criminal),
    t("indictment", Prefix, Criminal),
    t("felon", Prefix, Criminal),
    t("probation", Prefix, Criminal),
    t("offender", Prefix, Criminal),
];

/// Terms by their first two bytes ([`pair_slot`]): every term for the start of a word, only
/// the *anywhere* terms for positions inside it.
struct Index {
    at_start: Vec<Vec<&'static Term>>,
    inside: Vec<Vec<&'static Term>>,
    /// The slots of `at_start` and of `inside` that hold a term: most words have none,
    /// and these small sets say so without loading a bucket.
    starts: PairSet,
    insides: PairSet,
    /// The length (bytes) of the shortest *anywhere* stem: fewer bytes left in a word
    /// cannot hold one.
    shortest_inside: usize,
}

static INDEX: Lazy<Index> = Lazy::new(|| {
    let mut index = Index {
        at_start: vec![Vec::new(); PAIR_SLOTS],
        inside: vec![Vec::new(); PAIR_SLOTS],
        starts: PairSet::EMPTY,
        insides: PairSet::EMPTY,
        shortest_inside: usize::MAX,
    };
    for term in TERMS {
        let slot = match term.stem.as_bytes() {
            [a, b, ..] => pair_slot(*a, *b),
            _ => None,
        };
        let Some(slot) = slot else {
            continue;
        };
        if let Some(bucket) = index.at_start.get_mut(slot) {
            bucket.push(term);
            index.starts.insert(slot);
        }
        if term.how == Anywhere {
            if let Some(bucket) = index.inside.get_mut(slot) {
                bucket.push(term);
                index.insides.insert(slot);
                index.shortest_inside = index.shortest_inside.min(term.stem.len());
            }
        }
    }
    index
});

/// The characters outside ASCII whose lowercase holds a letter of some stem, besides `Æ` and
/// `Ø`, which [`PREFILTER`] spells out: `İ` (lowercase `i̇`) and the Kelvin sign (`k`). A
/// test checks the list against every character.
const LOWERCASE_INTO_STEMS: [char; 2] = ['\u{130}', '\u{212a}'];

/// What [`may_hold_a_term`] looks for, in one pass: every stem, its ASCII letters in either
/// case and its `æ` and `ø` in either case, and the [`LOWERCASE_INTO_STEMS`]; with, per
/// pattern, how its term matches (`None` for those characters). `None` (the automaton could
/// not be built) scans every text.
static PREFILTER: Lazy<Option<(AhoCorasick, Vec<Option<How>>)>> = Lazy::new(|| {
    let mut patterns: Vec<String> = Vec::new();
    let mut hows = Vec::new();
    for term in TERMS {
        let mut spellings = vec![String::new()];
        for c in term.stem.chars() {
            let upper = match c {
                'æ' => Some('Æ'),
                'ø' => Some('Ø'),
                _ => None,
            };
            let mut next = Vec::new();
            for s in &spellings {
                next.push(format!("{s}{c}"));
                if let Some(u) = upper {
                    next.push(format!("{s}{u}"));
                }
            }
            spellings = next;
        }
        hows.extend(spellings.iter().map(|_| Some(term.how)));
        patterns.extend(spellings);
    }
    patterns.extend(LOWERCASE_INTO_STEMS.iter().map(char::to_string));
    hows.extend(LOWERCASE_INTO_STEMS.iter().map(|_| None));
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .ok()?;
    Some((automaton, hows))
});

/// Whether `text` can hold a listed word at all.
///
/// A word matches only if its lowercase holds a stem, and lowercase maps no character but
/// those [`PREFILTER`] spells onto a stem's letters, so a text in which it finds no
/// occurrence that could be one has no listed word: an *exact* stem must stand with no ASCII
/// letter on either side, and a *start* stem with none before it (a word is a run of
/// letters; a non-ASCII neighbour is taken as a possible edge). Most fields have none, and
/// then [`words`] does not look at each word: on 20 Newsgroups that was most of the time of
/// the sensitivity scan. The stems that hide inside other words (`dom` in `random`) are
/// the reason for the edges.
fn may_hold_a_term(text: &str) -> bool {
    let Some((automaton, hows)) = PREFILTER.as_ref() else {
        return true;
    };
    let bytes = text.as_bytes();
    let letter = |i: Option<usize>| {
        i.and_then(|i| bytes.get(i))
            .is_some_and(u8::is_ascii_alphabetic)
    };
    automaton.find_overlapping_iter(text).any(|m| {
        let starts = !letter(m.start().checked_sub(1));
        let ends = !letter(Some(m.end()));
        match hows.get(m.pattern().as_usize()).copied().flatten() {
            Some(Exact) => starts && ends,
            Some(Prefix) => starts,
            Some(Anywhere) | None => true,
        }
    })
}

/// The first term that matches the lowercased `word`.
fn match_word(word: &str) -> Option<&'static Term> {
    let index = &*INDEX;
    let bytes = word.as_bytes();
    for (pos, pair) in bytes.windows(2).enumerate() {
        if pos > 0 && bytes.len() - pos < index.shortest_inside {
            break;
        }
        // Terms start with a lowercase ASCII letter, so only such positions can match.
        let &[a, b] = pair else {
            continue;
        };
        let Some(slot) = pair_slot(a, b).filter(|_| a.is_ascii_lowercase()) else {
            continue;
        };
        let (set, table) = if pos == 0 {
            (&index.starts, &index.at_start)
        } else {
            (&index.insides, &index.inside)
        };
        if !set.contains(slot) {
            continue;
        }
        let rest = bytes.get(pos..).unwrap_or(&[]);
        for &term in table.get(slot).map(Vec::as_slice).unwrap_or(&[]) {
            let hit = match term.how {
                Exact => bytes == term.stem.as_bytes(),
                Prefix | Anywhere => rest.starts_with(term.stem.as_bytes()),
            };
            if hit {
                return Some(term);
            }
        }
    }
    None
}

/// Bytes that can be part of a word: ASCII letters, and every byte of a non-ASCII
/// character (whether that character is a letter is decided per character).
const WORD_CANDIDATES: ByteClass = ByteClass::ranges(&[(b'A', b'Z'), (b'a', b'z'), (0x80, 0xFF)]);

/// Appends a reason for every listed word in `text` (each term once per message).
///
/// A word is a maximal run of alphabetic characters. Every such run lies inside a run of
/// [`WORD_CANDIDATES`] bytes, whose ends are ASCII non-letters or the text's ends: an
/// ASCII candidate run is one word, and only a run with non-ASCII characters is split
/// character by character (at a no-break space, a dash, a quotation mark).
fn words(text: &str, field: Field, reasons: &mut Vec<Reason>) {
    if !may_hold_a_term(text) {
        return;
    }
    let mut lower = String::new();
    for (s, e) in byte_runs(text.as_bytes(), &WORD_CANDIDATES) {
        let Some(run) = text.get(s..e) else {
            continue;
        };
        if run.is_ascii() {
            word(text, s, e, true, field, &mut lower, reasons);
            continue;
        }
        let mut start = None;
        // A trailing non-letter closes the last word.
        for (i, ch) in run.char_indices().chain(std::iter::once((run.len(), ' '))) {
            if ch.is_alphabetic() {
                start.get_or_insert(i);
            } else if let Some(w) = start.take() {
                word(text, s + w, s + i, false, field, &mut lower, reasons);
            }
        }
    }
}

/// Looks up the word `text[s..e]` (all ASCII when `ascii`) and appends its reason.
fn word(
    text: &str,
    s: usize,
    e: usize,
    ascii: bool,
    field: Field,
    lower: &mut String,
    reasons: &mut Vec<Reason>,
) {
    let Some(word) = text.get(s..e).filter(|w| w.len() <= MAX_WORD) else {
        return;
    };
    if word.len() < MIN_TERM {
        return;
    }
    lower.clear();
    if ascii {
        // No term can start here nor fit inside: the usual case, decided before copying.
        let index = &*INDEX;
        let starts = match word.as_bytes() {
            [a, b, ..] => pair_slot(*a, *b).is_some_and(|slot| index.starts.contains(slot)),
            _ => false,
        };
        if !starts && word.len() <= index.shortest_inside {
            return;
        }
        lower.push_str(word);
        lower.make_ascii_lowercase();
    } else {
        for c in word.chars() {
            lower.extend(c.to_lowercase());
        }
    }
    if let Some(term) = match_word(lower) {
        if reasons.len() < MAX_REASONS && !reasons.iter().any(|r| r.term == term.stem) {
            reasons.push(Reason {
                category: term.category,
                field,
                start: s,
                end: e,
                term: term.stem,
            });
        }
    }
}

/// Whether `msg` is sensitive, and why.
pub fn assess(msg: &Message) -> Sensitivity {
    assess_found(msg, &find_in_message(msg))
}

/// As [`assess`], reusing references already found by
/// [`find_in_message`] (so a caller that needs both scans the message once).
pub fn assess_found(msg: &Message, refs: &[FieldReference]) -> Sensitivity {
    let mut reasons = Vec::new();
    for field in Field::all(msg) {
        let cprs = refs.iter().filter(|r| {
            r.field == field
                && r.reference.kind == RefKind::Cpr
                && r.reference.confidence >= CPR_CONFIDENCE
        });
        for r in cprs {
            if reasons.len() < MAX_REASONS {
                reasons.push(Reason {
                    category: Category::Cpr,
                    field,
                    start: r.reference.start,
                    end: r.reference.end,
                    term: "cpr",
                });
            }
        }
        words(field.text(msg).unwrap_or(""), field, &mut reasons);
    }
    if let Some(memo) = &msg.memo {
        for _ in 0..memo_cprs(memo).min(MAX_REASONS.saturating_sub(reasons.len())) {
            reasons.push(Reason {
                category: Category::Cpr,
                field: Field::Memo,
                start: 0,
                end: 0,
                term: "cpr",
            });
        }
    }
    reasons.sort_by_key(|r| (r.field, r.start));
    Sensitivity {
        sensitive: !reasons.is_empty(),
        reasons,
    }
}

/// How many CPR numbers a Digital Post letter carries about what it concerns, in its
/// structured data outside the text that [`assess_found`] scans: its `CPRdata` (the person
/// the letter is about, whatever the check digit: numbers issued since 2007 may fail
/// modulus 11), and case ids, its own or those of the messages it answers, that read as a
/// CPR number (an authority may journal on it, DOMAIN.md).
///
/// A sender or recipient identified by CPR (`idType` CPR) does not count: it is how
/// Digital Post addresses a citizen, the channel is the secure one, and every letter from
/// a citizen has it, so the flag would be on all of them and tell a clerk nothing (the
/// journal record masks the party's id either way).
fn memo_cprs(memo: &Memo) -> usize {
    let reads_as_cpr = |v: &Option<String>| {
        v.as_deref().is_some_and(|v| {
            find(v)
                .iter()
                .any(|r| r.kind == RefKind::Cpr && r.confidence >= CPR_CONFIDENCE)
        })
    };
    let content = &memo.content;
    let declared = content
        .cpr
        .as_ref()
        .and_then(|c| c.cpr.as_deref())
        .is_some_and(|v| !v.trim().is_empty());
    usize::from(declared)
        + content
            .case_ids
            .iter()
            .filter(|c| reads_as_cpr(&c.case_id))
            .count()
        + memo
            .replies
            .iter()
            .filter(|r| reads_as_cpr(&r.case_id))
            .count()
}

/// As [`assess`] for a plain text (reasons then say [`Field::Body`]).
pub fn assess_text(text: &str) -> Sensitivity {
    let mut msg = Message::default();
    msg.body.text = text.to_string();
    assess(&msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::samples::{demo_messages, random_texts, shared_mail};

    /// `words` as it was before [`byte_runs`]: character by character, every word lowered.
    fn words_charwise(text: &str, field: Field, reasons: &mut Vec<Reason>) {
        let mut lower = String::new();
        let mut start = None;
        for (i, ch) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            if ch.is_alphabetic() {
                start.get_or_insert(i);
                continue;
            }
            let Some(s) = start.take() else {
                continue;
            };
            let Some(word) = text.get(s..i).filter(|w| w.len() <= MAX_WORD) else {
                continue;
            };
            if word.len() < MIN_TERM {
                continue;
            }
            lower.clear();
            for c in word.chars() {
                lower.extend(c.to_lowercase());
            }
            if let Some(term) = match_word_everywhere(&lower) {
                if reasons.len() < MAX_REASONS && !reasons.iter().any(|r| r.term == term.stem) {
                    reasons.push(Reason {
                        category: term.category,
                        field,
                        start: s,
                        end: i,
                        term: term.stem,
                    });
                }
            }
        }
    }

    /// `match_word` without its index: every term at every position, in the order of the
    /// list's buckets (position, then the list's order).
    fn match_word_everywhere(word: &str) -> Option<&'static Term> {
        let bytes = word.as_bytes();
        (0..bytes.len()).find_map(|pos| {
            let rest = bytes.get(pos..).unwrap_or(&[]);
            // The first byte first: it keeps the brute force cheap in a debug build.
            let first = rest.first();
            TERMS.iter().find(|t| {
                first == t.stem.as_bytes().first()
                    && match t.how {
                        Exact => pos == 0 && bytes == t.stem.as_bytes(),
                        Prefix => pos == 0 && rest.starts_with(t.stem.as_bytes()),
                        Anywhere => rest.starts_with(t.stem.as_bytes()),
                    }
            })
        })
    }

    fn same_words(text: &str) {
        let (mut new, mut old) = (Vec::new(), Vec::new());
        words(text, Field::Body, &mut new);
        words_charwise(text, Field::Body, &mut old);
        assert_eq!(new, old, "{text:?}");
    }

    #[test]
    fn words_as_found_character_by_character() {
        for text in [
            "Vi har modtaget en underretning om barnets alkoholmisbrug.",
            "HJERTESYGDOMMEN\u{a0}psykisk–dom «domme» ejendom Straffeattest",
            "a\u{301}dom DOMFÆLDT dømt misbrug\u{2019}s x",
            // An *anywhere* term one byte in, in a word one byte longer than the term.
            "asygdom Ademens xsygdo",
            // Found only through the lowercase of `K` (Kelvin), `İ`, `Æ` and `Ø`: one
            // each, since a text the prefilter lets through is scanned whole.
            "\u{212a}ræft",
            "FYSIOTERAP\u{130}",
            "funktionsneds\u{c6}ttelse",
            "KR\u{c6}FT",
            "PR\u{d8}VELØSLADT",
            // Exact and start stems at the edges the prefilter looks at, one per text.
            "dom",
            "1dom2",
            "\u{ab}dom\u{bb}",
            "random",
            "domx",
            "PSYKISK",
            "apsykisk",
            // A stem that fails its edge hides another one inside it: found only because
            // every occurrence is looked at, overlapping ones too.
            "hjertesygdom",
            "xpsykiatri",
            "dommen",
            "",
        ] {
            same_words(text);
        }
        random_texts(
            "dommisbrugpsykægtSDMØ \u{a0}\u{301}\u{2013}.-1",
            20_000,
            200,
            0x2545_f491_4f6c_dd1d,
            same_words,
        );
        demo_messages(same_words);
        shared_mail(same_words);
    }

    #[test]
    fn only_the_listed_characters_lowercase_into_a_stem_s_letters() {
        let letters: std::collections::BTreeSet<char> =
            TERMS.iter().flat_map(|t| t.stem.chars()).collect();
        assert!(letters
            .iter()
            .all(|c| c.is_ascii_lowercase() || "æø".contains(*c)));
        let into: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii() && !"æøÆØ".contains(*c))
            .filter(|c| c.to_lowercase().any(|l| letters.contains(&l)))
            .collect();
        assert_eq!(into, LOWERCASE_INTO_STEMS);
        assert!(PREFILTER.is_some());
    }

    #[test]
    fn every_stem_is_lowercase_and_starts_with_an_ascii_letter() {
        for term in TERMS {
            assert!(term.stem.len() >= MIN_TERM, "{}", term.stem);
            assert!(match_word(term.stem).is_some(), "{}", term.stem);
            assert!(
                term.stem
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_lowercase()),
                "{}",
                term.stem
            );
            assert_eq!(term.stem.to_lowercase(), term.stem);
        }
    }

    #[test]
    fn matching_modes() {
        let stem = |w: &str| match_word(w).map(|t| t.stem);
        assert_eq!(stem("alkoholmisbrug"), Some("misbrug"));
        assert_eq!(stem("psykisk"), Some("psyk"));
        assert_eq!(stem("børnepsykiatrien"), Some("psykiatri"));
        assert_eq!(stem("dom"), Some("dom"));
        assert_eq!(stem("ejendom"), None);
        assert_eq!(stem("domæne"), None);
        assert_eq!(stem("voldsom"), None);
        assert_eq!(stem("kræfter"), None);
        assert_eq!(stem("diagnostic"), None);
        assert_eq!(stem("sagsbehandling"), None);
    }

    /// A Digital Post letter about a person (`CPRdata`) or on a case whose id is a CPR
    /// number is sensitive even when its text has no CPR number or word; a letter from a
    /// citizen identified by CPR, about nothing of the kind, is not.
    #[test]
    fn memo_structured_cpr_numbers_flag_the_letter() {
        // From a citizen (sender idType CPR), answering a message on case 28.03.00-G01-231-24.
        let fixture = include_str!("../../tests/fixtures/memo/reply_with_case.xml");
        let quiet = |xml: &str| {
            let mut msg = Message::from_memo(xml.as_bytes()).unwrap();
            // Only the structured data: the text is judged as before.
            msg.subject = "Svar".into();
            msg.body.text = "Tak for brevet.".into();
            msg.attachments.clear();
            assess(&msg)
        };
        assert!(!quiet(fixture).sensitive, "the sender's CPR alone");
        let on_cpr_case = fixture.replace("28.03.00-G01-231-24", "150390-0005");
        let s = quiet(&on_cpr_case);
        assert!(s.sensitive, "a case id that is a CPR number");
        assert!(s
            .reasons
            .iter()
            .all(|r| r.field == Field::Memo && r.category == Category::Cpr && r.start == 0));
        let about_a_person = fixture.replacen(
            "<memo:ReplyData>",
            "<memo:ContentData><memo:CPRdata><memo:cprNumber>0101010000</memo:cprNumber>\
             </memo:CPRdata></memo:ContentData><memo:ReplyData>",
            1,
        );
        assert!(quiet(&about_a_person).sensitive, "CPRdata");
        // The letter's own case id (ContentData/CaseID), not an answered message's.
        let own = include_str!("../../tests/fixtures/memo/kle_and_case.xml");
        assert!(!quiet(own).sensitive, "an SBSYS case number");
        assert!(
            quiet(&own.replace("02.34.02-G01-118-24", "150390-0005")).sensitive,
            "its own case id is a CPR number"
        );
        assert_eq!(Field::Memo.to_string(), "memo");
        assert_eq!(Field::Memo.text(&Message::default()), None);
    }
}
