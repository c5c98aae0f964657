//! Case numbers and KLE codes: which case and which journal-plan subject a message is about.
//!
//! * SBSYS case numbers `<emne>-<facet>-<running number>-<year>` (`27.24.00-G01-5-19`) are
//!   recognised anywhere: the shape is unmistakable.
//! * After a case word (`j.nr.`, `journalnr.`, `sagsnr.`, `vores ref.`, `jeres ref.`,
//!   `deres ref.`) the identifier that follows is taken whatever its system:
//!   Acadre's `2024-012345` or `24/12345`, a WorkZone or eDoc number, an SBSYS number.
//!   Without the word such numbers are just numbers. After a bare `ref.` or `reference`
//!   (English mail's `Stock Ref 683`, `x-ref: SSRT2300`) only identifiers shaped like case
//!   numbers are taken, with lower confidence.
//! * A KLE emne `NN.NN.NN` is taken when `NN` is one of KLE's hovedgrupper, with an optional
//!   handling facet (`32.18.04 G01`, `27.24.00-Ø34`). A code that also reads as a date
//!   (`01.02.03`) needs a word such as `KLE` or `emne` before it; so does a gruppe `NN.NN`.
//!
//! The hovedgrupper are those of KLE as published in OS2KLE (`00`–`09`, `13`–`15`, `17`–`25`,
//! `27`–`30`, `32`, `34`, `54`, `81`–`88`). Checking a code against a municipality's own
//! taxonomy is the job of [`crate::kle`]; this scanner only needs to tell codes from
//! other dotted numbers.

use super::scan::{dial_prefix_before, Ctx, DialPrefix, Hit, Sep};
use super::{Candidate, RefKind, Reference};

/// Whether `n` is a KLE hovedgruppe.
fn is_main_group(n: u32) -> bool {
    matches!(n, 0..=9 | 13..=15 | 17..=25 | 27..=30 | 32 | 34 | 54 | 81..=88)
}

/// The value of a short run of ASCII digits.
fn number(s: &str) -> Option<u32> {
    s.parse().ok()
}

/// The length of the run of ASCII digits at the start of `b`.
fn digit_run(b: &[u8]) -> usize {
    b.iter().take_while(|d| d.is_ascii_digit()).count()
}

/// A handling facet at the start of `rest` (after an optional `-` or space): its letter
/// and digits as written, and the bytes consumed.
fn facet_at(rest: &str) -> Option<(&str, usize)> {
    let sep = usize::from(rest.starts_with(['-', ' ']));
    let body = rest.get(sep..)?;
    let letter = body.chars().next()?;
    if !(letter.is_ascii_uppercase() || matches!(letter, 'Æ' | 'Ø' | 'Å')) {
        return None;
    }
    let after_letter = body.get(letter.len_utf8()..)?;
    if digit_run(after_letter.as_bytes()) != 2 {
        return None;
    }
    let len = letter.len_utf8() + 2;
    let next = body.get(len..)?.chars().next();
    if next.is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some((body.get(..len)?, sep + len))
}

/// The SBSYS tail `-<running number>-<year>` at the start of `rest`: bytes consumed.
fn sbsys_tail(rest: &[u8]) -> Option<usize> {
    let running = digit_run(rest.strip_prefix(b"-")?);
    if !(1..=6).contains(&running) {
        return None;
    }
    let year_part = rest.get(1 + running..)?.strip_prefix(b"-")?;
    let year = digit_run(year_part);
    if year != 2 && year != 4 {
        return None;
    }
    let len = 1 + running + 1 + year;
    let next = rest.get(len).copied();
    if next.is_some_and(|b| b.is_ascii_alphanumeric() || b >= 0x80) {
        return None;
    }
    Some(len)
}

/// A KLE code or SBSYS case number starting with the candidate chunk, if it is one.
pub(super) fn kle_or_sbsys(c: &Candidate<'_>) -> Option<Reference> {
    let chunk = c.chunk;
    let emne = chunk.has_shape(&[2, 2, 2]);
    let gruppe = chunk.has_shape(&[2, 2]) && c.ctx == Some(Ctx::Kle);
    if !(emne || gruppe)
        || !chunk.seps_in(&[Sep::Dot])
        || chunk.char_before(c.text).is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    let code = c.text.get(chunk.start..chunk.end)?;
    let mut parts = code.split('.').map(number);
    let (main, second) = (parts.next()??, parts.next()??);
    if !is_main_group(main) {
        return None;
    }
    let rest = c.text.get(chunk.end..)?;
    let kle_context = matches!(c.ctx, Some(Ctx::Kle | Ctx::Case | Ctx::WeakCase));
    if emne {
        if let Some((facet, facet_len)) = facet_at(rest) {
            let after_facet = rest.as_bytes().get(facet_len..).unwrap_or(&[]);
            if let Some(tail) = sbsys_tail(after_facet) {
                let end = chunk.end + facet_len + tail;
                let value = c.text.get(chunk.start..end)?.to_string();
                let case_word = matches!(c.ctx, Some(Ctx::Case | Ctx::WeakCase));
                let confidence = if case_word { 0.97 } else { 0.9 };
                let mut r = c.reference(RefKind::CaseNumber, value, confidence);
                r.end = end;
                return Some(r);
            }
            if after_facet.first() != Some(&b'-') {
                let value = format!("{code}-{facet}");
                let mut r = c.reference(
                    RefKind::KleCode,
                    value,
                    if kle_context { 0.95 } else { 0.85 },
                );
                r.end = chunk.end + facet_len;
                return Some(r);
            }
            return None;
        }
    }
    if chunk.char_after(c.text).is_some_and(char::is_alphanumeric) {
        return None;
    }
    let date_like = (1..=31).contains(&main) && (1..=12).contains(&second);
    // After a dialling code (`(++ 49 40) 27.42.27`) dotted pairs are a phone number.
    let after_dial_code = dial_prefix_before(c.text, chunk.start) != DialPrefix::None;
    if (date_like || gruppe || after_dial_code) && !kle_context {
        return None;
    }
    Some(c.reference(
        RefKind::KleCode,
        code.to_string(),
        if kle_context { 0.9 } else { 0.7 },
    ))
}

/// Longest identifier taken after a case word.
pub(super) const MAX_CASE_ID: usize = 48;

/// The most bytes [`skip_filler`] may skip between a case word and its identifier.
pub(super) const MAX_FILLER: usize = 12;

/// Longest run of digits in a case identifier; longer runs are measurements, not cases.
const MAX_DIGIT_RUN: usize = 12;

/// Skips what stands between a case word and its identifier (`.: `, `nr.`), at most a few
/// bytes; returns the byte offset of the identifier.
fn skip_filler(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    let punct = |b: u8| matches!(b, b'.' | b':' | b' ' | b'#' | b'\t');
    for _ in 0..2 {
        while bytes.get(pos).is_some_and(|&b| punct(b)) {
            pos += 1;
        }
        if text.get(pos..).is_some_and(|t| t.starts_with("\u{a0}")) {
            pos += 2;
        }
        let word = bytes.get(pos..).unwrap_or(&[]);
        let letters = word.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let w = word.get(..letters).unwrap_or(&[]);
        if ["nr", "no", "nummer"]
            .iter()
            .any(|n| w.eq_ignore_ascii_case(n.as_bytes()))
        {
            pos += letters;
        } else {
            break;
        }
    }
    pos
}

/// Whether `id` has a digit on both sides of a `-`, `/` or `.`.
fn has_separated_digits(id: &str) -> bool {
    id.as_bytes().windows(3).any(
        |w| matches!(w, [a, b'-' | b'/' | b'.', c] if a.is_ascii_digit() && c.is_ascii_digit()),
    )
}

/// The case identifiers that follow case words (`j.nr.`, `sagsnr.`, `vores ref.`, …).
pub(super) fn after_keywords(text: &str, hits: &[Hit], out: &mut Vec<Reference>) {
    for hit in hits
        .iter()
        .filter(|h| matches!(h.ctx, Ctx::Case | Ctx::WeakCase))
    {
        let start = skip_filler(text, hit.end);
        if start - hit.end > MAX_FILLER {
            continue;
        }
        let Some(rest) = text.get(start..) else {
            continue;
        };
        let mut len = 0;
        for (i, ch) in rest.char_indices() {
            if !(ch.is_alphanumeric() || matches!(ch, '-' | '.' | '/' | '_')) {
                break;
            }
            len = i + ch.len_utf8();
            if len > MAX_CASE_ID {
                break;
            }
        }
        if len > MAX_CASE_ID {
            continue;
        }
        let id = rest
            .get(..len)
            .unwrap_or("")
            .trim_end_matches(['.', '-', '/', '_']);
        let digits = id.bytes().filter(u8::is_ascii_digit).count();
        let longest_run = id
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        // At least three digits (`Ref. 5-8` is a citation); no run longer than twelve (a
        // float such as `0.167317532658774153E+05` in a table is no case).
        if digits < 3 || longest_run > MAX_DIGIT_RUN || !id.starts_with(char::is_alphanumeric) {
            continue;
        }
        // After a bare `ref`, only what is shaped like a case number: digits on both sides
        // of a separator (`2024-012345`, `24/12345`), or five or more digits alone.
        let weak = hit.ctx == Ctx::WeakCase;
        if weak
            && !(has_separated_digits(id)
                || (id.len() >= 5 && id.bytes().all(|b| b.is_ascii_digit())))
        {
            continue;
        }
        out.push(Reference {
            kind: RefKind::CaseNumber,
            start,
            end: start + id.len(),
            value: id.to_string(),
            confidence: if weak { 0.6 } else { 0.8 },
            checksum: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_and_tails() {
        assert_eq!(facet_at("-G01-5-19"), Some(("G01", 4)));
        assert_eq!(facet_at(" Ø34."), Some(("Ø34", 5)));
        assert_eq!(facet_at("-g01"), None);
        assert_eq!(facet_at("-G012"), None);
        assert_eq!(facet_at("-G01x"), None);
        assert_eq!(sbsys_tail(b"-5-19 "), Some(5));
        assert_eq!(sbsys_tail(b"-123456-2019"), Some(12));
        assert_eq!(sbsys_tail(b"-5-193"), None);
        assert_eq!(sbsys_tail(b"-5-19a"), None);
        assert_eq!(sbsys_tail(b"-1234567-19"), None);
    }

    #[test]
    fn filler_between_word_and_identifier() {
        let text = "Sagsnr.: 2024-1";
        assert_eq!(skip_filler(text, 6), 9);
        let text = "vores ref. nr. 12";
        assert_eq!(skip_filler(text, 9), 15);
    }

    #[test]
    fn main_groups() {
        assert!(is_main_group(0) && is_main_group(32) && is_main_group(88));
        assert!(!is_main_group(10) && !is_main_group(16) && !is_main_group(89));
    }
}
