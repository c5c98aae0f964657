//! CPR numbers.
//!
//! Ten digits as `DDMMYY-SSSS`, `DDMMYYSSSS`, `DDMMYY SSSS` or `DD.MM.YY-SSSS` (a Unicode
//! hyphen or en dash counts as a hyphen), taken only when `DDMMYY` is a real date under the
//! century rule of the seventh digit ([`check::cpr_birth_date`]). Modulus 11 raises
//! confidence and never rejects: since 2007 numbers that fail it are issued. A context word
//! for something else that labels the number (`tlf.`, `kontonr.`, `faktura nr.`, `p-nr.`,
//! `kr.`) or a currency after it keeps it from being read as a CPR number; such a word a
//! few words back only lowers the confidence (see [`read`]); a case word (`j.nr.`) does
//! neither, because an authority may use the CPR number as journal number. A written CPR
//! number between other digit groups (a table row made text) is found too
//! ([`cprs_within`]).

use super::check;
use super::scan::{self, currency_after, separator_at, Ctx, Sep};
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
    // `01.02.90-1234`: the date written with dots.
    let dotted =
        chunk.has_shape(&[2, 2, 2, 4]) && chunk.seps() == [Sep::Dot, Sep::Dot, Sep::Hyphen];
    if !(plain || separated || dotted)
        || chunk.glued(c.text)
        || chunk.char_before(c.text) == Some('+')
    {
        return None;
    }
    let base = if plain { BASE_PLAIN } else { BASE_SEPARATED };
    read(c, chunk.start, chunk.end, chunk.digits(c.text), base)
}

/// The CPR number reading of the ten `digits` at `start..end` of the candidate's text,
/// with confidence `base` before the check digit and the context word are counted.
///
/// A context word for something else (`tlf.`, `faktura`) that labels the number
/// ([`scan::labels`]: `Faktura nr. 070761-4285`) makes it something else. One a few words
/// back is often about something else (`Se bilag vedr. 070761-4285`, `talt med kontoret om
/// 070761-4285`, where `konto` starts a longer word): then the number is still read as a
/// CPR number when its date is real, with less confidence, so that it is masked.
fn read(
    c: &Candidate<'_>,
    start: usize,
    end: usize,
    digits: String,
    base: f32,
) -> Option<Reference> {
    let text = c.text;
    let (context, doubt) = match scan::context_before(text, c.hits, start) {
        Some(Ctx::Cpr) => (true, false),
        None | Some(Ctx::Case | Ctx::WeakCase) => (false, false),
        // `CPR/CVR-nr.: …`: the label names a CPR number too.
        Some(_) if scan::labels(text, c.hits, start) => {
            if scan::chained_to_cpr(text, c.hits, start) {
                (true, false)
            } else {
                return None;
            }
        }
        Some(_) => (false, true),
    };
    if !context && currency_after(text, end) {
        return None;
    }
    let (_, month, day) = check::cpr_birth_date(&digits)?;
    let holds = check::cpr_mod11(&digits);
    let mut confidence = base;
    if holds {
        confidence += CHECK_HOLDS;
    } else if (day, month) == (1, 1) {
        confidence += CHECK_FAILS_JAN_1;
    }
    if context {
        confidence += CONTEXT;
    }
    if doubt {
        confidence -= CONTEXT;
    }
    Some(Reference {
        kind: RefKind::Cpr,
        start,
        end,
        value: digits,
        confidence: confidence.min(0.99),
        checksum: Some(holds),
    })
}

/// The CPR numbers inside a longer chunk of digit groups joined by single separators,
/// which [`cpr`] does not take as a whole: the cells of a table row that HTML mail turns
/// into text (`Jens Hansen 070761-4285 8500`, `1 0707614285 Jens Hansen`), or a list of
/// numbers separated by spaces (`070761-4285 120345-1234`), or a journal number made of one
/// (`070761-4285/2024`, `0707614285/2024`). A number is written `DDMMYY-SSSS`, as ten digits
/// or `DD.MM.YY-SSSS`, and counts when a space, a slash or the chunk's end is on both sides,
/// so that it is not part of a longer code (`12-070761-4285`). (`DDMMYY SSSS` is not taken
/// inside a chunk: in a row of numbers its halves may be two cells.) Read from the text, so
/// it also works for chunks of more groups than [`scan::chunks`] records.
pub(super) fn cprs_within(c: &Candidate<'_>) -> Vec<Reference> {
    let (text, chunk) = (c.text, c.chunk);
    if !chunk.overflow && chunk.groups().len() < 2 {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let span = chunk.start..chunk.end;
    // The digit groups of the chunk and the separator before each (`None` for the first).
    let mut groups: Vec<(usize, usize, Option<Sep>)> = Vec::new();
    let mut i = span.start;
    let mut sep = None;
    while i < span.end {
        let start = i;
        while i < span.end && bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        groups.push((start, i, sep));
        match separator_at(bytes, i) {
            Some((s, len)) if i + len < span.end => {
                sep = Some(s);
                i += len;
            }
            _ => break,
        }
    }
    let apart = |s: Option<Sep>| matches!(s, None | Some(Sep::Space | Sep::Slash));
    // Each written form: its group lengths, the separators between them, its confidence.
    let forms: [(&[usize], &[Sep], f32); 3] = [
        (&[6, 4], &[Sep::Hyphen], BASE_SEPARATED),
        (&[10], &[], BASE_PLAIN),
        (
            &[2, 2, 2, 4],
            &[Sep::Dot, Sep::Dot, Sep::Hyphen],
            BASE_SEPARATED,
        ),
    ];
    let mut out = Vec::new();
    for k in 0..groups.len() {
        for (shape, seps, base) in forms {
            let n = shape.len();
            // The whole chunk is `cpr`'s to read.
            if k + n > groups.len() || (k == 0 && k + n == groups.len()) {
                continue;
            }
            let form = &groups[k..k + n];
            if !form.iter().map(|g| g.1 - g.0).eq(shape.iter().copied())
                || !form[1..]
                    .iter()
                    .map(|g| g.2)
                    .eq(seps.iter().map(|&s| Some(s)))
                || !apart(form[0].2)
                || !groups.get(k + n).is_none_or(|g| apart(g.2))
            {
                continue;
            }
            // At the chunk's edges, what touches the chunk touches the number.
            let glued_before = k == 0
                && chunk
                    .char_before(text)
                    .is_some_and(|c| c.is_alphanumeric() || c == '+');
            let glued_after =
                k + n == groups.len() && chunk.char_after(text).is_some_and(char::is_alphanumeric);
            if glued_before || glued_after {
                continue;
            }
            let digits = form.iter().filter_map(|g| text.get(g.0..g.1)).collect();
            out.extend(read(c, form[0].0, form[n - 1].1, digits, base));
        }
    }
    out
}
