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
use super::scan::{context_before, Ctx, Hit, Sep};
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
pub(super) fn ibans(text: &str, hits: &[Hit], out: &mut Vec<Reference>) {
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        let Some(&[a, b, c, d]) = bytes.get(i..i + 4) else {
            break;
        };
        let starts = a.is_ascii_uppercase()
            && b.is_ascii_uppercase()
            && c.is_ascii_digit()
            && d.is_ascii_digit()
            && !(i > 0
                && bytes
                    .get(i - 1)
                    .is_some_and(|p| p.is_ascii_alphanumeric() || *p >= 0x80));
        if starts {
            if let Some(r) = iban_at(text, hits, i) {
                out.push(r);
            }
        }
    }
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
