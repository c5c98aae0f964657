//! CPR numbers.
//!
//! Ten digits as `DDMMYY-SSSS`, `DDMMYYSSSS` or `DDMMYY SSSS` (a Unicode hyphen or en dash
//! counts as a hyphen), taken only when `DDMMYY` is a real date under the century rule of the
//! seventh digit ([`check::cpr_birth_date`]). Modulus 11 raises confidence and never
//! rejects: since 2007 numbers that fail it are issued. A context word for something else
//! (`tlf.`, `kontonr.`, `faktura`, `p-nr.`, `kr.`) or a currency after the number keeps it
//! from being read as a CPR number; a case word (`j.nr.`) does not, because an authority may
//! use the CPR number as journal number.

use super::check;
use super::scan::{currency_after, Ctx, Sep};
use super::{Candidate, RefKind, Reference};

/// Confidence of ten plain digits with a valid date and nothing else for them.
const BASE_PLAIN: f32 = 0.45;
/// Confidence of the written form `DDMMYY-SSSS` / `DDMMYY SSSS`.
const BASE_SEPARATED: f32 = 0.55;
/// Added when modulus 11 holds.
const CHECK_HOLDS: f32 = 0.3;
/// Added when modulus 11 fails on 1 January, the birth date for which numbers without a
/// check digit have been issued since 2007.
const CHECK_FAILS_JAN_1: f32 = 0.1;
/// Added after a CPR context word.
const CONTEXT: f32 = 0.3;

/// A CPR number reading of the candidate chunk, if it is one.
pub(super) fn cpr(c: &Candidate<'_>) -> Option<Reference> {
    let chunk = c.chunk;
    let plain = chunk.has_shape(&[10]);
    let separated = chunk.has_shape(&[6, 4]) && chunk.seps_in(&[Sep::Hyphen, Sep::Space]);
    if !(plain || separated) || chunk.glued(c.text) || chunk.char_before(c.text) == Some('+') {
        return None;
    }
    let context = match c.ctx {
        Some(Ctx::Cpr) => true,
        None | Some(Ctx::Case | Ctx::WeakCase) => false,
        Some(_) => return None,
    };
    if !context && currency_after(c.text, chunk.end) {
        return None;
    }
    let digits = chunk.digits(c.text);
    let (_, month, day) = check::cpr_birth_date(&digits)?;
    let holds = check::cpr_mod11(&digits);
    let mut confidence = if separated {
        BASE_SEPARATED
    } else {
        BASE_PLAIN
    };
    if holds {
        confidence += CHECK_HOLDS;
    } else if (day, month) == (1, 1) {
        confidence += CHECK_FAILS_JAN_1;
    }
    if context {
        confidence += CONTEXT;
    }
    let mut r = c.reference(RefKind::Cpr, digits, confidence);
    r.checksum = Some(holds);
    Some(r)
}
