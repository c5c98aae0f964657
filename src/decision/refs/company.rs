//! CVR numbers and P-numbers: the companies and production units a message speaks of.
//!
//! A CVR number is 8 digits whose modulus 11 (weights 2 7 6 5 4 3 2 1) holds. After a word
//! such as `cvr`, `se-nr.` or `momsnr.`, or with the `DK` prefix of a VAT number, a CVR number
//! is reported even when the check fails (typing errors are worth showing, with
//! `checksum: false`). Without such a word, 8 digits are anything (an order number, a phone
//! number, a date written `01022023`), so they are reported only when the check holds, the
//! number does not start with 0 and is not a date, a binary number, part of a URL or a
//! phone number after a dialling code, and with low confidence.
//!
//! A P-number is 10 digits, recognised only after `p-nr.`/`p-nummer`; some series were issued
//! with wrong check digits, so its checksum is reported and never enforced.

use super::check;
use super::scan::{currency_after, dial_prefix_before, Ctx, DialPrefix, Sep};
use super::{Candidate, RefKind, Reference};

/// Where a `DK` VAT prefix (`DK13748136`, `DK-…`, `DK …`) just before `start` begins.
fn dk_prefix(text: &str, start: usize) -> Option<usize> {
    let before = text.as_bytes().get(..start)?;
    let before = before
        .strip_suffix(b"-")
        .or_else(|| before.strip_suffix(b" "))
        .unwrap_or(before);
    let rest = before.strip_suffix(b"DK")?;
    (!rest.last().is_some_and(|b| b.is_ascii_alphanumeric())).then_some(rest.len())
}

/// Whether eight digits read as a date `DDMMYYYY` of 1900–2099.
fn is_date_ddmmyyyy(digits: &str) -> bool {
    let Ok(n) = digits.parse::<u32>() else {
        return false;
    };
    let (day, month, year) = (n / 1_000_000, n / 10_000 % 100, n % 10_000);
    let Ok(year) = i32::try_from(year) else {
        return false;
    };
    (1900..=2099).contains(&year)
        && check::days_in_month(year, month).is_some_and(|last| (1..=last).contains(&day))
}

/// A CVR reading of the candidate chunk, if it is one.
pub(super) fn cvr(c: &Candidate<'_>) -> Option<Reference> {
    let chunk = c.chunk;
    let prefix = dk_prefix(c.text, chunk.start);
    let prefixed = prefix.is_some();
    let context = prefixed || c.ctx == Some(Ctx::Cvr);
    let grouped = context
        && (chunk.has_shape(&[2, 2, 2, 2]) || chunk.has_shape(&[4, 4]))
        && chunk.seps_in(&[Sep::Space]);
    if !(chunk.has_shape(&[8]) || grouped) {
        return None;
    }
    let glued_before = !prefixed && chunk.char_before(c.text).is_some_and(char::is_alphanumeric);
    let glued_after = chunk.char_after(c.text).is_some_and(char::is_alphanumeric);
    if glued_before
        || glued_after
        || chunk.char_before(c.text) == Some('+')
        || (chunk.hyphenated_to_code(c.text) && !prefixed)
    {
        return None;
    }
    let digits = chunk.digits(c.text);
    let holds = check::cvr_mod11(&digits);
    let confidence = match (context, holds) {
        (true, true) => 0.95,
        (true, false) => 0.6,
        (false, false) => return None,
        (false, true) => {
            let neutral = matches!(c.ctx, None | Some(Ctx::Case | Ctx::WeakCase));
            // In a URL or an identifier (`…html#81798893`, `id=85482211`).
            let in_url = matches!(
                chunk.char_before(c.text),
                Some('#' | '/' | '=' | '?' | '&' | '_')
            );
            let binary = digits.bytes().all(|b| b == b'0' || b == b'1');
            if !neutral
                || in_url
                || binary
                || is_date_ddmmyyyy(&digits)
                || currency_after(c.text, chunk.end)
                || dial_prefix_before(c.text, chunk.start) != DialPrefix::None
            {
                return None;
            }
            0.4
        }
    };
    let mut r = c.reference(RefKind::Cvr, digits, confidence);
    // The span covers a `DK` prefix, so that highlighting takes it along.
    r.start = prefix.unwrap_or(chunk.start);
    r.checksum = Some(holds);
    Some(r)
}

/// A P-number reading of the candidate chunk, if it follows a P-number word.
pub(super) fn p_number(c: &Candidate<'_>) -> Option<Reference> {
    let chunk = c.chunk;
    if c.ctx != Some(Ctx::PNumber) || !chunk.has_shape(&[10]) || chunk.glued(c.text) {
        return None;
    }
    let digits = chunk.digits(c.text);
    let holds = check::p_number_mod11(&digits);
    let mut r = c.reference(RefKind::PNumber, digits, if holds { 0.9 } else { 0.75 });
    r.checksum = Some(holds);
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dk_prefix_forms() {
        for (text, start, want) in [
            ("DK13748136", 2, 0),
            ("DK-13748136", 3, 0),
            ("se DK 13748136", 6, 3),
        ] {
            assert_eq!(dk_prefix(text, start), Some(want), "{text}");
        }
        assert_eq!(dk_prefix("ADK13748136", 3), None);
        assert_eq!(dk_prefix("13748136", 0), None);
    }

    #[test]
    fn ddmmyyyy_dates() {
        assert!(is_date_ddmmyyyy("01022023"));
        assert!(is_date_ddmmyyyy("29022024"));
        assert!(!is_date_ddmmyyyy("29022023"));
        assert!(!is_date_ddmmyyyy("13748136"));
    }
}
