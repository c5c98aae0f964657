//! Bank accounts: Danish `reg.nr.` + `kontonr.` and IBANs.
//!
//! A Danish account is a 4-digit registration number (the branch) and an account number of
//! up to 10 digits. It is recognised only after a word that says so (`reg.nr.`, `kontonr.`,
//! `konto`), in one chunk (`konto 1234-1234567890`) or as two numbers each after its word
//! (`reg.nr. 1234 kontonr. 1234567890`), which then form one reference spanning both.
//!
//! An IBAN is two capital letters, two check digits and the rest of the country's length
//! ([`check::iban_length`]), compact or printed in groups of four. It is reported when
//! mod 97 holds, or after the word `IBAN` (then with `checksum: false`, so a mistyped IBAN is
//! still masked).

use super::check;
use super::scan::{byte_runs, context_before, Ctx, Hit, Sep, DIGITS};
use super::{Candidate, RefKind, Reference};

/// How far (bytes) the account number may be from the registration number it belongs to.
const REG_TO_ACCOUNT: usize = 40;

/// Whether the candidate is a registration number (4 digits after `reg.nr.`), which an
/// account number after it will join.
pub(super) fn is_reg_number(c: &Candidate<'_>) -> bool {
    c.ctx == Some(Ctx::RegNr) && c.chunk.has_shape(&[4]) && !c.chunk.glued(c.text)
}

/// A bank account reading of the candidate; `last_reg` is the span of the latest
/// registration number seen before it.
pub(super) fn account(c: &Candidate<'_>, last_reg: Option<(usize, usize)>) -> Option<Reference> {
    if !matches!(c.ctx, Some(Ctx::Account | Ctx::RegNr)) || c.chunk.glued(c.text) {
        return None;
    }
    let chunk = c.chunk;
    let lens: Vec<usize> = chunk.groups().iter().map(|(s, e)| e - s).collect();
    let account_len = |n: usize| (6..=10).contains(&n);
    match lens.as_slice() {
        [4, n]
            if !chunk.overflow && account_len(*n) && chunk.seps_in(&[Sep::Space, Sep::Hyphen]) =>
        {
            let (&(rs, re), &(ks, ke)) = (chunk.groups().first()?, chunk.groups().get(1)?);
            let value = format!("{}-{}", c.text.get(rs..re)?, c.text.get(ks..ke)?);
            Some(c.reference(RefKind::BankAccount, value, 0.85))
        }
        [n] if !chunk.overflow && account_len(*n) && c.ctx == Some(Ctx::Account) => {
            let account = chunk.digits(c.text);
            let reg = last_reg.filter(|&(_, re)| {
                c.text.as_bytes().get(re..chunk.start).is_some_and(|gap| {
                    gap.len() <= REG_TO_ACCOUNT && !gap.iter().any(u8::is_ascii_digit)
                })
            });
            match reg {
                Some((rs, re)) => {
                    let value = format!("{}-{account}", c.text.get(rs..re)?);
                    let mut r = c.reference(RefKind::BankAccount, value, 0.9);
                    r.start = rs;
                    Some(r)
                }
                None => Some(c.reference(RefKind::BankAccount, account, 0.6)),
            }
        }
        _ => None,
    }
}

/// Every IBAN in `text`. Each candidate start (two capitals and two digits at a word start)
/// looks at a bounded number of bytes, so the scan is linear.
///
/// The check digits begin a run of digits right after the two capitals, so only the
/// starts of digit runs ([`byte_runs`]) are looked at, not every byte.
pub(super) fn ibans(text: &str, hits: &[Hit], out: &mut Vec<Reference>) {
    let bytes = text.as_bytes();
    for (digits, end) in byte_runs(bytes, &DIGITS) {
        let Some(i) = digits.checked_sub(2).filter(|_| end - digits >= 2) else {
            continue;
        };
        let capitals = bytes
            .get(i..digits)
            .is_some_and(|c| c.iter().all(u8::is_ascii_uppercase));
        if capitals && word_start(bytes, i) {
            if let Some(r) = iban_at(text, hits, i) {
                out.push(r);
            }
        }
    }
}

/// Whether no letter, digit or non-ASCII character stands right before byte `i`.
fn word_start(bytes: &[u8], i: usize) -> bool {
    !(i > 0
        && bytes
            .get(i - 1)
            .is_some_and(|p| p.is_ascii_alphanumeric() || *p >= 0x80))
}

/// The IBAN starting at byte `i`, if there is one.
fn iban_at(text: &str, hits: &[Hit], i: usize) -> Option<Reference> {
    let bytes = text.as_bytes();
    let len = check::iban_length(text.get(i..i + 2)?)?;
    let mut compact = String::with_capacity(len);
    let mut j = i;
    let mut group = 0;
    while compact.len() < len {
        let b = *bytes.get(j)?;
        if b.is_ascii_digit() || b.is_ascii_uppercase() {
            compact.push(char::from(b));
            group += 1;
        } else if b == b' ' && group == 4 && bytes.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            group = 0;
        } else {
            return None;
        }
        j += 1;
    }
    if bytes
        .get(j)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
    {
        return None;
    }
    let holds = check::iban_mod97(&compact);
    let context = context_before(text, hits, i) == Some(Ctx::Iban);
    let confidence = match (holds, context) {
        (true, true) => 0.99,
        (true, false) => 0.95,
        (false, true) => 0.5,
        (false, false) => return None,
    };
    Some(Reference {
        kind: RefKind::Iban,
        start: i,
        end: j,
        value: compact,
        confidence,
        checksum: Some(holds),
    })
}

#[cfg(test)]
mod tests {
    use super::super::scan::keyword_hits;
    use super::*;
    use crate::text::samples::{demo_messages, random_texts, shared_mail};

    /// `ibans` as it was before [`byte_runs`]: every byte a candidate start.
    fn ibans_bytewise(text: &str, hits: &[Hit], out: &mut Vec<Reference>) {
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            let Some(&[a, b, c, d]) = bytes.get(i..i + 4) else {
                break;
            };
            let starts = a.is_ascii_uppercase()
                && b.is_ascii_uppercase()
                && c.is_ascii_digit()
                && d.is_ascii_digit()
                && word_start(bytes, i);
            if starts {
                if let Some(r) = iban_at(text, hits, i) {
                    out.push(r);
                }
            }
        }
    }

    fn same_ibans(text: &str) {
        let hits = keyword_hits(text);
        let (mut new, mut old) = (Vec::new(), Vec::new());
        ibans(text, &hits, &mut new);
        ibans_bytewise(text, &hits, &mut old);
        assert_eq!(new, old, "{text:?}");
    }

    #[test]
    fn ibans_as_found_byte_by_byte() {
        for text in [
            "IBAN DK50 0040 0440 1162 43 og DK5000400440116243",
            "xDK5000400440116243 DK5000400440116243x øDK5000400440116243",
            "GB82 WEST 1234 5698 7654 32, NL91ABNA0417164300.",
            "DK5",
            "",
        ] {
            same_ibans(text);
        }
        random_texts(
            "DKGBNLA0123456789 x-æ",
            20_000,
            120,
            0x9e37_79b9_7f4a_7c15,
            same_ibans,
        );
        demo_messages(same_ibans);
        shared_mail(same_ibans);
    }
}
