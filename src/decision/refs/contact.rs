//! Danish telephone numbers and e-mail addresses: how a citizen can be reached.
//!
//! A Danish number has eight digits, the first 2–9. It is taken with a `+45`, `0045` or
//! `(+45)` prefix or after a word such as `tlf.`, `telefon`, `mobil` in the usual groupings
//! (`23456789`, `23 45 67 89`, `2345 6789`, `2345 67 89`, `234 56 789`), then also with a
//! first digit 0 or 1 (confidence 0.7: the writer says it is a phone number, and masking an
//! invented one costs nothing); without either only in the unmistakable `23 45 67 89`
//! form with a first digit 2–9, because eight plain digits are as often an order,
//! customer or CVR number, and `1234 5678` as often two years. Another country's code or an
//! area code in brackets before the digits (`+33 (1) 43 36 77 50`, `(33) 76 39 78 92`) makes
//! the number foreign, and it is not taken.

use super::scan::{currency_after, dial_prefix_before, Ctx, DialPrefix, Sep};
use super::{Candidate, RefKind, Reference};

/// The groupings of the eight national digits that are written in Denmark.
const SHAPES: &[&[usize]] = &[&[8], &[2, 2, 2, 2], &[4, 4], &[4, 2, 2], &[3, 2, 3]];

/// A Danish phone number reading of the candidate chunk, if it is one.
pub(super) fn phone(c: &Candidate<'_>) -> Option<Reference> {
    let chunk = c.chunk;
    if chunk.overflow {
        return None;
    }
    let groups = chunk.groups();
    let seps = chunk.seps();
    let &(first_start, first_end) = groups.first()?;
    let first = c.text.get(first_start..first_end)?;
    let plus = chunk.char_before(c.text) == Some('+');
    // (where the reference starts, how many prefix digits to skip in the first group)
    let (start, skip) = if plus && first.starts_with("45") {
        (chunk.start - 1, 2)
    } else if first.starts_with("0045") {
        (chunk.start, 4)
    } else if plus {
        return None; // Another country's number.
    } else {
        match dial_prefix_before(c.text, chunk.start) {
            DialPrefix::Danish(p) => (p, 0),
            DialPrefix::Foreign => return None,
            DialPrefix::None => (chunk.start, 0),
        }
    };
    let prefixed = skip > 0 || start != chunk.start;
    // The national groups: the first group loses its prefix digits, or disappears.
    let mut national: Vec<(usize, usize)> = Vec::with_capacity(groups.len());
    let mut national_seps = seps;
    if first.len() > skip {
        national.push((first_start + skip, first_end));
    } else {
        national_seps = seps.get(1..).unwrap_or(&[]);
    }
    national.extend(groups.iter().skip(1));
    let lens: Vec<usize> = national.iter().map(|(s, e)| e - s).collect();
    if !SHAPES.contains(&lens.as_slice()) {
        return None;
    }
    let confidence = if prefixed || c.ctx == Some(Ctx::Phone) {
        if !national_seps
            .iter()
            .all(|s| matches!(s, Sep::Space | Sep::Hyphen | Sep::Dot))
        {
            return None;
        }
        0.9
    } else if c.ctx.is_none()
        && lens == [2, 2, 2, 2]
        && national_seps.iter().all(|s| *s == Sep::Space)
        && !currency_after(c.text, chunk.end)
    {
        0.6
    } else {
        return None;
    };
    let before_ok = plus
        || !(chunk.char_before(c.text).is_some_and(char::is_alphanumeric)
            || chunk.hyphenated_to_code(c.text));
    if !before_ok || chunk.char_after(c.text).is_some_and(char::is_alphanumeric) {
        return None;
    }
    let mut value = String::with_capacity(11);
    value.push_str("+45");
    for &(s, e) in &national {
        value.push_str(c.text.get(s..e)?);
    }
    // A first digit of 0 or 1 is no Danish subscriber number. Where a prefix or a word
    // such as `tlf.` says the writer means a phone number, it is still taken (masking a
    // number somebody invented or mistyped costs nothing; leaving a real one does), with
    // less confidence; in the bare shape it is not.
    let national_ok = value
        .as_bytes()
        .get(3)
        .is_some_and(|d| (b'2'..=b'9').contains(d));
    let confidence = match (national_ok, confidence >= 0.9) {
        (true, _) => confidence,
        (false, true) => 0.7,
        (false, false) => return None,
    };
    let mut r = c.reference(RefKind::Phone, value, confidence);
    r.start = start;
    Some(r)
}

/// Longest local part (RFC 5321) and domain that are read; longer runs are not addresses.
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;

/// Whether `c` may appear in the local part of an address as people write them.
fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// Every e-mail address in `text`. Each `@` looks at most [`MAX_LOCAL`] bytes back and
/// [`MAX_DOMAIN`] forward, so the scan is linear.
pub(super) fn emails(text: &str, out: &mut Vec<Reference>) {
    for at in memchr::memchr_iter(b'@', text.as_bytes()) {
        if let Some(r) = email_at(text, at) {
            out.push(r);
        }
    }
}

/// The address around the `@` at byte `at`, if there is one.
fn email_at(text: &str, at: usize) -> Option<Reference> {
    let before = text.get(..at)?;
    let mut start = at;
    for (i, ch) in before.char_indices().rev() {
        if !is_local_char(ch) || at - i > MAX_LOCAL {
            break;
        }
        start = i;
    }
    let local = text.get(start..at)?.trim_start_matches('.');
    start = at - local.len();
    if local.is_empty() || local.ends_with('.') {
        return None;
    }
    let after = text.get(at + 1..)?;
    let mut len = 0;
    for (i, ch) in after.char_indices() {
        if !(ch.is_alphanumeric() || ch == '-' || ch == '.') || i > MAX_DOMAIN {
            break;
        }
        len = i + ch.len_utf8();
    }
    let domain = after.get(..len)?.trim_end_matches(['.', '-']);
    let tld = domain.rsplit('.').next()?;
    let labels_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && !l.starts_with('-'));
    if !domain.contains('.') || !labels_ok || tld.len() < 2 || !tld.chars().all(char::is_alphabetic)
    {
        return None;
    }
    let end = at + 1 + domain.len();
    Some(Reference {
        kind: RefKind::Email,
        start,
        end,
        value: text.get(start..end)?.to_lowercase(),
        confidence: 0.95,
        checksum: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_edges() {
        let text = "Skriv til .Jens.Hansen@Aarhus.DK. Tak";
        let at = text.find('@').unwrap_or(0);
        let r = email_at(text, at);
        assert_eq!(
            r.as_ref().map(|r| r.value.as_str()),
            Some("jens.hansen@aarhus.dk")
        );
        assert_eq!(r.map(|r| (r.start, r.end)), Some((11, 32)));
        for bad in ["a@b", "@x.dk", "a@x.d", "a@x..dk", "a.@x.dk", "a@x.123"] {
            let at = bad.find('@').unwrap_or(0);
            assert!(email_at(bad, at).is_none(), "{bad}");
        }
    }
}
