//! The two linear passes every numeric detector shares: number chunks and context words.
//!
//! A *chunk* is a maximal run of digit groups joined by single separators (`010190-1234`,
//! `12 34 56 78`, `1.234.567,00`, `01.02.2023`). Because a chunk is maximal, a detector that
//! asks "is this chunk exactly two groups of 6 and 4 digits?" gets digit boundaries for
//! free: the ten digits inside an IBAN, an amount or a longer account number never form a
//! chunk of their own.
//!
//! A *hit* is a context word (`cpr-nr.`, `tlf.`, `kontonr.`, `j.nr.`) found at a word start.
//! A chunk's context is the nearest hit before it, within [`CONTEXT_WINDOW`] bytes and with
//! no other number in between, so that in `tlf. 12345678, cpr 0101901234` each number gets
//! its own word.

use once_cell::sync::Lazy;

/// How many bytes may lie between a context word's end and the number it speaks of
/// (`CPR-nummer, som De bad om, er 0101901234` needs about 25).
pub(super) const CONTEXT_WINDOW: usize = 32;

/// At most this many digit groups are recorded per chunk; longer chunks (tables of numbers)
/// are marked as overflowing and no detector takes them.
const MAX_GROUPS: usize = 8;

/// A separator between two digit groups of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sep {
    /// A space or a no-break space.
    Space,
    /// `-`, or one of the Unicode hyphens and dashes that word processors and PDF text
    /// substitute, or a soft hyphen.
    Hyphen,
    /// `.`
    Dot,
    /// `/`
    Slash,
    /// `,`
    Comma,
}

/// A maximal run of digit groups joined by single separators.
#[derive(Debug, Clone)]
pub(super) struct Chunk {
    /// Byte offset of the first digit.
    pub start: usize,
    /// Byte offset just past the last digit.
    pub end: usize,
    groups: [(usize, usize); MAX_GROUPS],
    seps: [Sep; MAX_GROUPS],
    count: usize,
    /// More than `MAX_GROUPS` groups: no detector takes the chunk.
    pub overflow: bool,
}

impl Chunk {
    /// The digit groups as byte ranges.
    pub fn groups(&self) -> &[(usize, usize)] {
        self.groups.get(..self.count).unwrap_or(&[])
    }

    /// The separators between the groups (one fewer than groups).
    pub fn seps(&self) -> &[Sep] {
        self.seps.get(..self.count.saturating_sub(1)).unwrap_or(&[])
    }

    /// Whether the group lengths are exactly `lens`.
    pub fn has_shape(&self, lens: &[usize]) -> bool {
        !self.overflow
            && self.count == lens.len()
            && self
                .groups()
                .iter()
                .zip(lens)
                .all(|(&(s, e), &l)| e - s == l)
    }

    /// Whether every separator is one of `allowed`.
    pub fn seps_in(&self, allowed: &[Sep]) -> bool {
        self.seps().iter().all(|s| allowed.contains(s))
    }

    /// All digits of the chunk, concatenated.
    pub fn digits(&self, text: &str) -> String {
        let mut out = String::with_capacity(self.end - self.start);
        for &(s, e) in self.groups() {
            out.push_str(text.get(s..e).unwrap_or(""));
        }
        out
    }

    /// The character just before the chunk, if any.
    pub fn char_before(&self, text: &str) -> Option<char> {
        text.get(..self.start).and_then(|t| t.chars().next_back())
    }

    /// The character just after the chunk, if any.
    pub fn char_after(&self, text: &str) -> Option<char> {
        text.get(self.end..).and_then(|t| t.chars().next())
    }

    /// Whether the chunk is attached to a code before it by a hyphen or slash
    /// (`FRG-5824-3197`, `ABC/12345678`).
    pub fn hyphenated_to_code(&self, text: &str) -> bool {
        let mut before = text.get(..self.start).unwrap_or("").chars().rev();
        matches!(before.next(), Some('-' | '/')) && before.next().is_some_and(char::is_alphanumeric)
    }

    /// Whether a letter or digit touches the chunk on either side (`A0101901234`,
    /// `0101901234kr`): then it is part of a code, not a number of its own.
    pub fn glued(&self, text: &str) -> bool {
        self.char_before(text).is_some_and(char::is_alphanumeric)
            || self.char_after(text).is_some_and(char::is_alphanumeric)
    }
}

/// Reads one separator at `i`, returning its kind and byte length.
pub(super) fn separator_at(bytes: &[u8], i: usize) -> Option<(Sep, usize)> {
    match bytes.get(i..)? {
        [b' ', ..] => Some((Sep::Space, 1)),
        // A number hard-wrapped after its hyphen (plain text, OCR): `150390-` at a line's
        // end, `0005` at the next one's start.
        [b'-', b'\n', ..] => Some((Sep::Hyphen, 2)),
        [b'-', b'\r', b'\n', ..] => Some((Sep::Hyphen, 3)),
        [b'-', ..] => Some((Sep::Hyphen, 1)),
        [b'.', ..] => Some((Sep::Dot, 1)),
        [b'/', ..] => Some((Sep::Slash, 1)),
        [b',', ..] => Some((Sep::Comma, 1)),
        [0xC2, 0xA0, ..] => Some((Sep::Space, 2)),
        // A soft hyphen: invisible, so what is seen is the digits joined.
        [0xC2, 0xAD, ..] => Some((Sep::Hyphen, 2)),
        // U+2010 hyphen, U+2011 non-breaking hyphen, U+2012 figure dash, U+2013 en dash,
        // U+2014 em dash.
        [0xE2, 0x80, 0x90..=0x94, ..] => Some((Sep::Hyphen, 3)),
        // U+2212 minus sign (PDF text), U+FE63 small and U+FF0D full-width hyphen-minus.
        [0xE2, 0x88, 0x92, ..] | [0xEF, 0xB9, 0xA3, ..] | [0xEF, 0xBC, 0x8D, ..] => {
            Some((Sep::Hyphen, 3))
        }
        _ => None,
    }
}

/// All chunks of `text`, in order. One pass; each byte is looked at a bounded number of times.
pub(super) fn chunks(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let mut chunk = Chunk {
            start: i,
            end: i,
            groups: [(0, 0); MAX_GROUPS],
            seps: [Sep::Space; MAX_GROUPS],
            count: 0,
            overflow: false,
        };
        loop {
            let group_start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if let Some(slot) = chunk.groups.get_mut(chunk.count) {
                *slot = (group_start, i);
                chunk.count += 1;
            } else {
                chunk.overflow = true;
            }
            chunk.end = i;
            match separator_at(bytes, i) {
                Some((sep, len)) if bytes.get(i + len).is_some_and(u8::is_ascii_digit) => {
                    if let Some(slot) = chunk.seps.get_mut(chunk.count.saturating_sub(1)) {
                        *slot = sep;
                    }
                    i += len;
                }
                _ => break,
            }
        }
        out.push(chunk);
    }
    out
}

/// What a context word says about the number after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    /// `cpr`, `cpr-nr.`, `personnummer`.
    Cpr,
    /// `cvr`, `se-nr.`, `momsnr.`.
    Cvr,
    /// `p-nr.`, `p-nummer`.
    PNumber,
    /// `tlf.`, `telefon`, `mobil`.
    Phone,
    /// `reg.nr.`: a bank's registration number.
    RegNr,
    /// `kontonr.`, `konto`.
    Account,
    /// Invoice, order, customer and item numbers: never a person.
    Other,
    /// `j.nr.`, `sagsnr.`, `vores ref.`: a case follows.
    Case,
    /// A bare `ref`/`reference`, which English mail uses for stock numbers and citations:
    /// a case only when what follows looks like one.
    WeakCase,
    /// `kle`, `emne`: a KLE code follows.
    Kle,
    /// `iban`.
    Iban,
}

/// A context word found in the text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit {
    /// Byte offset just past the matched keyword.
    pub end: usize,
    /// What it says.
    pub ctx: Ctx,
}

/// A context keyword: lowercase ASCII text, its meaning, and whether it may be followed by
/// more letters (`telefon` in `telefonnummer`) or must end there (`tel`, not `telt`).
struct Keyword {
    text: &'static [u8],
    ctx: Ctx,
    prefix: bool,
}

const fn kw(text: &'static str, ctx: Ctx, prefix: bool) -> Keyword {
    Keyword {
        text: text.as_bytes(),
        ctx,
        prefix,
    }
}

/// The context words, longest first within a meaning so the longest match wins.
/// Kept in code, next to the rules that use them, so a reader sees what a number needs.
const KEYWORDS: &[Keyword] = &[
    kw("personnummer", Ctx::Cpr, true),
    kw("personnr", Ctx::Cpr, true),
    kw("cpr", Ctx::Cpr, true),
    kw("virksomhedsnummer", Ctx::Cvr, true),
    kw("momsnummer", Ctx::Cvr, true),
    kw("momsnr", Ctx::Cvr, true),
    kw("moms nr", Ctx::Cvr, true),
    kw("se-nr", Ctx::Cvr, true),
    kw("se nr", Ctx::Cvr, true),
    kw("cvr", Ctx::Cvr, true),
    kw("vat", Ctx::Cvr, false),
    kw("produktionsenhed", Ctx::PNumber, true),
    kw("p-nummer", Ctx::PNumber, true),
    kw("p-number", Ctx::PNumber, true),
    kw("p-nr", Ctx::PNumber, true),
    kw("p.nr", Ctx::PNumber, true),
    kw("p nr", Ctx::PNumber, true),
    kw("pnr", Ctx::PNumber, false),
    kw("telefon", Ctx::Phone, true),
    kw("phone", Ctx::Phone, true),
    kw("mobil", Ctx::Phone, true),
    kw("hotline", Ctx::Phone, false),
    kw("direkte", Ctx::Phone, false),
    kw("tlf", Ctx::Phone, true),
    kw("tel", Ctx::Phone, false),
    kw("mob", Ctx::Phone, false),
    kw("fax", Ctx::Phone, false),
    kw("sms", Ctx::Phone, false),
    kw("ring", Ctx::Phone, false),
    kw("registreringsnummer", Ctx::RegNr, false),
    kw("regnummer", Ctx::RegNr, false),
    kw("reg.nr", Ctx::RegNr, false),
    kw("regnr", Ctx::RegNr, false),
    kw("reg", Ctx::RegNr, false),
    kw("bankkonto", Ctx::Account, true),
    kw("nemkonto", Ctx::Account, true),
    kw("konto", Ctx::Account, true),
    kw("account", Ctx::Account, true),
    kw("acct", Ctx::Account, false),
    kw("kto", Ctx::Account, false),
    kw("faktura", Ctx::Other, true),
    kw("invoice", Ctx::Other, true),
    kw("ordre", Ctx::Other, true),
    kw("order", Ctx::Other, true),
    kw("kunde", Ctx::Other, true),
    kw("customer", Ctx::Other, true),
    kw("vare", Ctx::Other, true),
    kw("bilag", Ctx::Other, true),
    kw("serie", Ctx::Other, true),
    kw("serial", Ctx::Other, true),
    kw("police", Ctx::Other, true),
    kw("pakke", Ctx::Other, true),
    kw("tracking", Ctx::Other, false),
    kw("isbn", Ctx::Other, false),
    kw("ean", Ctx::Other, false),
    kw("pin", Ctx::Other, false),
    kw("kode", Ctx::Other, false),
    kw("postnr", Ctx::Other, false),
    kw("kroner", Ctx::Other, false),
    kw("kr", Ctx::Other, false),
    kw("dkk", Ctx::Other, false),
    kw("beløb", Ctx::Other, true),
    kw("amount", Ctx::Other, true),
    kw("pris", Ctx::Other, true),
    kw("price", Ctx::Other, true),
    kw("total", Ctx::Other, true),
    kw("journalnummer", Ctx::Case, false),
    kw("journalnr", Ctx::Case, false),
    kw("journal nr", Ctx::Case, false),
    kw("j. nr", Ctx::Case, false),
    kw("j.nr", Ctx::Case, false),
    kw("jnr", Ctx::Case, false),
    kw("sagsnummer", Ctx::Case, false),
    kw("sagsnr", Ctx::Case, false),
    kw("sags nr", Ctx::Case, false),
    kw("sag nr", Ctx::Case, false),
    kw("vores ref", Ctx::Case, false),
    kw("vor ref", Ctx::Case, false),
    kw("jeres ref", Ctx::Case, false),
    kw("deres ref", Ctx::Case, false),
    kw("your ref", Ctx::Case, false),
    kw("our ref", Ctx::Case, false),
    kw("ref.nr", Ctx::Case, false),
    kw("refnr", Ctx::Case, false),
    kw("reference", Ctx::WeakCase, false),
    kw("ref", Ctx::WeakCase, false),
    kw("journalplan", Ctx::Kle, false),
    kw("kle-nr", Ctx::Kle, false),
    kw("kle", Ctx::Kle, false),
    kw("emnenr", Ctx::Kle, false),
    kw("emne", Ctx::Kle, false),
    kw("iban", Ctx::Iban, false),
];

/// The bytes that belong to a word: ASCII letters and digits, and every byte of a
/// non-ASCII character (so `økonto` does not start a word at `k`).
const WORD_BYTES: ByteClass =
    ByteClass::ranges(&[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z'), (0x80, 0xFF)]);

/// The ASCII digits.
pub(super) const DIGITS: ByteClass = ByteClass::ranges(&[(b'0', b'9')]);

/// A set of byte values, as a table indexed by the byte: what [`byte_runs`] looks bytes
/// up in.
pub(crate) struct ByteClass([bool; 256]);

impl ByteClass {
    /// The bytes in any of the inclusive `ranges`.
    pub(crate) const fn ranges(ranges: &[(u8, u8)]) -> ByteClass {
        let mut table = [false; 256];
        let mut r = 0;
        while r < ranges.len() {
            let (first, last) = ranges[r];
            let mut b = first as usize;
            while b <= last as usize {
                table[b] = true;
                b += 1;
            }
            r += 1;
        }
        ByteClass(table)
    }

    /// Bit `j` set when byte `j` of `bytes` is in the class, for the first 64 bytes (fewer
    /// when `bytes` is shorter; the missing bits are 0). No branch on a byte's class: each
    /// byte's table entry is shifted into place.
    fn mask(&self, bytes: &[u8]) -> u64 {
        let mut mask = 0;
        for (j, &b) in bytes.iter().take(64).enumerate() {
            mask |= u64::from(self.0[usize::from(b)]) << j;
        }
        mask
    }
}

/// The maximal runs of bytes of `bytes` that are in `class`, in order, as byte ranges.
///
/// Read 64 bytes at a time: each block's bytes become the bits of a mask, and runs are
/// read off the mask with `trailing_zeros` and `trailing_ones`. A loop that branched on
/// every byte's class mispredicted at almost every run's edge, which was most of the time
/// of the reference and sensitivity scans (one word edge every five bytes or so).
pub(crate) fn byte_runs<'a>(bytes: &'a [u8], class: &'a ByteClass) -> ByteRuns<'a> {
    ByteRuns {
        bytes,
        class,
        base: 0,
        mask: class.mask(bytes),
    }
}

/// The iterator of [`byte_runs`].
pub(crate) struct ByteRuns<'a> {
    bytes: &'a [u8],
    class: &'a ByteClass,
    /// Offset of the current block.
    base: usize,
    /// The current block's class bits, without those of runs already returned.
    mask: u64,
}

impl ByteRuns<'_> {
    /// Moves to the next block; false past the end.
    fn advance(&mut self) -> bool {
        self.base += 64;
        match self.bytes.get(self.base..) {
            Some(rest) if !rest.is_empty() => {
                self.mask = self.class.mask(rest);
                true
            }
            _ => {
                self.mask = 0;
                false
            }
        }
    }
}

impl Iterator for ByteRuns<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        while self.mask == 0 {
            if !self.advance() {
                return None;
            }
        }
        let first = self.mask.trailing_zeros();
        let start = self.base + first as usize;
        let ones = (self.mask >> first).trailing_ones();
        if first + ones < 64 {
            self.mask &= u64::MAX << (first + ones);
            return Some((start, self.base + (first + ones) as usize));
        }
        // The run reaches the end of the block: it goes on in the next ones.
        loop {
            if !self.advance() {
                return Some((start, self.bytes.len()));
            }
            let ones = self.mask.trailing_ones();
            if ones < 64 {
                self.mask &= u64::MAX << ones;
                return Some((start, self.base + ones as usize));
            }
        }
    }
}

/// The number of slots of a two-byte index ([`pair_slot`]).
pub(crate) const PAIR_SLOTS: usize = 26 * 30;

/// The slot of a word's first two bytes in a two-byte index: the first must be an ASCII
/// letter, the second a letter, `-`, `.`, a space or the lead byte of `æ`/`ø`/`å`
/// (case-insensitive). Indexing by two bytes instead of one lets a word start be compared
/// with the one or two entries that can match it instead of a dozen.
pub(crate) const fn pair_slot(first: u8, second: u8) -> Option<usize> {
    let a = first.to_ascii_lowercase();
    let b = second.to_ascii_lowercase();
    if !a.is_ascii_lowercase() {
        return None;
    }
    let b = match b {
        b'a'..=b'z' => b - b'a',
        b'-' => 26,
        b'.' => 27,
        b' ' => 28,
        0xC3 => 29,
        _ => return None,
    };
    Some((a - b'a') as usize * 30 + b as usize)
}

/// A set of [`pair_slot`] slots, one bit each: 104 bytes, which stay in the L1 cache where
/// an index's 780 bucket headers (18 KB) do not. Many word starts have no entry in an
/// index, and the set says so without touching it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PairSet([u64; PAIR_SLOTS.div_ceil(64)]);

impl PairSet {
    /// The empty set.
    pub(crate) const EMPTY: PairSet = PairSet([0; PAIR_SLOTS.div_ceil(64)]);

    /// Adds `slot`.
    pub(crate) const fn insert(&mut self, slot: usize) {
        if slot < PAIR_SLOTS {
            self.0[slot / 64] |= 1 << (slot % 64);
        }
    }

    /// Whether `slot` is in the set.
    pub(crate) fn contains(&self, slot: usize) -> bool {
        self.0
            .get(slot / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }
}

/// The slots of the keywords' first two bytes.
const KEYWORD_PAIRS: PairSet = {
    let mut set = PairSet::EMPTY;
    let mut i = 0;
    while i < KEYWORDS.len() {
        if let [a, b, ..] = KEYWORDS[i].text {
            if let Some(slot) = pair_slot(*a, *b) {
                set.insert(slot);
            }
        }
        i += 1;
    }
    set
};

/// The keywords indexed by their first two bytes, built once.
static BY_PAIR: Lazy<Vec<Vec<&'static Keyword>>> = Lazy::new(|| {
    let mut index: Vec<Vec<&'static Keyword>> = vec![Vec::new(); PAIR_SLOTS];
    for k in KEYWORDS {
        let slot = match k.text {
            [a, b, ..] => pair_slot(*a, *b),
            _ => None,
        };
        if let Some(bucket) = slot.and_then(|s| index.get_mut(s)) {
            bucket.push(k);
        }
    }
    index
});

/// The keyword matching at `i` (case-insensitively), longest first.
fn keyword_at(bytes: &[u8], i: usize) -> Option<&'static Keyword> {
    let rest = bytes.get(i..)?;
    let slot = pair_slot(*rest.first()?, *rest.get(1)?)?;
    let bucket = BY_PAIR.get(slot)?;
    let mut best: Option<&'static Keyword> = None;
    let third = rest.get(2).map(u8::to_ascii_lowercase);
    for &k in bucket {
        // The third byte first: it rejects most of a bucket's entries (`total` for `to`,
        // `invoice` for `in`) without a comparison call.
        if k.text.get(2).is_some_and(|&t| Some(t) != third) {
            continue;
        }
        let Some(candidate) = rest.get(..k.text.len()) else {
            continue;
        };
        if !candidate.eq_ignore_ascii_case(k.text) {
            continue;
        }
        let next = rest.get(k.text.len()).copied();
        if !k.prefix && next.is_some_and(|b| b.is_ascii_alphabetic() || b >= 0x80) {
            continue;
        }
        if best.is_none_or(|b| k.text.len() > b.text.len()) {
            best = Some(k);
        }
    }
    best
}

/// The longest keyword, in bytes.
const MAX_KEYWORD: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < KEYWORDS.len() {
        if KEYWORDS[i].text.len() > longest {
            longest = KEYWORDS[i].text.len();
        }
        i += 1;
    }
    longest
};

/// How far before a digit a context word may end and still be read by a detector.
///
/// A hit is read in three places, each within reach of a digit after its end:
/// [`context_before`] of a chunk (which starts with a digit) takes a hit at most
/// [`CONTEXT_WINDOW`] bytes before it; an IBAN's context is asked at its country code, two
/// bytes before its check digits; and `case::after_keywords` takes an identifier that starts
/// at most `case::MAX_FILLER` bytes after the hit, is at most `case::MAX_CASE_ID` bytes
/// long and holds three digits.
const REACH: usize = {
    let chunk = CONTEXT_WINDOW + 2;
    let case = super::case::MAX_FILLER + super::case::MAX_CASE_ID;
    if chunk > case {
        chunk
    } else {
        case
    }
};

/// The context words of `text` that a detector can read, in order: those at word starts
/// whose end lies at most [`REACH`] bytes before a digit.
///
/// Only the text before and among digits is looked at: mail is mostly prose, and where
/// there is no number no context word is wanted. A hit further from every digit could not
/// change a decision (see [`REACH`]): [`context_before`] of any number and the case words'
/// identifiers come out as with every hit of the text, which the tests check against
/// [`hits_between`] over the whole text.
pub(super) fn keyword_hits(text: &str) -> Vec<Hit> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // The hits' ends wanted: the union of `start - REACH .. end` over the digit runs,
    // merged into disjoint windows in order.
    let mut window: Option<(usize, usize)> = None;
    for (start, end) in byte_runs(bytes, &DIGITS) {
        let lo = start.saturating_sub(REACH);
        window = match window {
            Some((l, h)) if lo <= h => Some((l, end)),
            Some((l, h)) => {
                hits_between(bytes, l, h, &mut out);
                Some((lo, end))
            }
            None => Some((lo, end)),
        };
    }
    if let Some((l, h)) = window {
        hits_between(bytes, l, h, &mut out);
    }
    out
}

/// Appends the context words at word starts whose end lies in `lo..hi`, in order. One
/// pass over the bytes from `lo - MAX_KEYWORD` on; only word starts are compared against
/// the keyword table.
fn hits_between(bytes: &[u8], lo: usize, hi: usize, out: &mut Vec<Hit>) {
    let from = lo.saturating_sub(MAX_KEYWORD);
    let Some(span) = bytes.get(from..hi.min(bytes.len())) else {
        return;
    };
    for (run, _) in byte_runs(span, &WORD_BYTES) {
        let start = from + run;
        // A run at the span's first byte may go on a word that started before it.
        let inside_word = start > 0
            && bytes
                .get(start - 1)
                .is_some_and(|&p| WORD_BYTES.0[usize::from(p)]);
        if run == 0 && inside_word {
            continue;
        }
        let Some(&[a, b, ..]) = bytes.get(start..) else {
            continue;
        };
        let indexed = pair_slot(a, b).is_some_and(|s| KEYWORD_PAIRS.contains(s));
        if a.is_ascii_alphabetic() && indexed {
            if let Some(k) = keyword_at(bytes, start) {
                let end = start + k.text.len();
                if (lo..hi).contains(&end) {
                    out.push(Hit { end, ctx: k.ctx });
                }
            }
        }
    }
}

/// Every context word of `text` at a word start, in order, wherever the digits are.
#[cfg(test)]
pub(super) fn all_keyword_hits(text: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    hits_between(text.as_bytes(), 0, usize::MAX, &mut out);
    out
}

/// The context of a number (or identifier) starting at byte `pos`: the nearest context word
/// before it, ending at most [`CONTEXT_WINDOW`] bytes earlier, with no digit in between
/// (a digit in between means the word belonged to that other number).
///
/// `hits` must be sorted by position, as [`keyword_hits`] returns them. Binary search plus a
/// bounded look at the gap: constant work per number.
pub(super) fn context_before(text: &str, hits: &[Hit], pos: usize) -> Option<Ctx> {
    let idx = hits.partition_point(|h| h.end <= pos);
    let hit = hits.get(idx.checked_sub(1)?)?;
    let gap = text.as_bytes().get(hit.end..pos)?;
    (gap.len() <= CONTEXT_WINDOW && !gap.iter().any(u8::is_ascii_digit)).then_some(hit.ctx)
}

/// Whether the context word before `pos` ([`context_before`]) is the label of the number
/// at `pos` itself: only `nr.`, `nummer` and the like, spaces and punctuation lie between
/// them (`Faktura nr. 1234`, `ordrenr. 1234`, `tlf.: 1234`), no other word (`Se bilag vedr.
/// 1234`) and not the rest of a longer word (`kontoret om 1234`).
pub(super) fn labels(text: &str, hits: &[Hit], pos: usize) -> bool {
    const LABEL_WORDS: [&str; 6] = ["nr", "nummer", "numre", "no", "number", "num"];
    let idx = hits.partition_point(|h| h.end <= pos);
    let Some(hit) = idx.checked_sub(1).and_then(|i| hits.get(i)) else {
        return false;
    };
    text.get(hit.end..pos)
        .unwrap_or("")
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .all(|w| LABEL_WORDS.iter().any(|l| w.eq_ignore_ascii_case(l)))
}

/// Whether the context word that labels the number at `pos` ([`labels`]) is the last of a
/// chain of context words that starts with a CPR word: `CPR/CVR-nr.: …`, `CPR- og
/// telefonnummer: …`, where one label names two kinds of number. Between two words of the
/// chain stand only label words (`nr.`), `og`, `eller`, `and`, `or` and punctuation.
pub(super) fn chained_to_cpr(text: &str, hits: &[Hit], pos: usize) -> bool {
    const JOINING: [&str; 10] = [
        "nr", "nummer", "numre", "no", "number", "num", "og", "eller", "and", "or",
    ];
    let mut idx = hits.partition_point(|h| h.end <= pos);
    while idx >= 2 {
        let (before, hit) = (&hits[idx - 2], &hits[idx - 1]);
        // The words from the word before to this one: all joining words but the last,
        // which is this keyword (or the end of it).
        let gap = text.get(before.end..hit.end).unwrap_or("");
        let mut words: Vec<&str> = gap
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .collect();
        words.pop();
        if !words
            .iter()
            .all(|w| JOINING.iter().any(|j| w.eq_ignore_ascii_case(j)))
        {
            return false;
        }
        if before.ctx == Ctx::Cpr {
            return true;
        }
        idx -= 1;
    }
    false
}

/// What is written just before a phone-shaped number: a dialling prefix or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DialPrefix {
    /// No prefix.
    None,
    /// The Danish country code (`+45`, `(+45)`, `0045`, `+45 - `) starting at this byte.
    Danish(usize),
    /// Another country's code or an area code in brackets (`+31 -`, `(33) `, `+33 (1) `):
    /// the number is not Danish.
    Foreign,
}

/// The dialling prefix written before byte `start` (where a chunk of digits begins), found
/// by looking back over at most 16 bytes of digits, spaces, hyphens, brackets and `+`.
pub(super) fn dial_prefix_before(text: &str, start: usize) -> DialPrefix {
    let bytes = text.as_bytes().get(..start).unwrap_or(&[]);
    let lead = bytes
        .iter()
        .rev()
        .take(16)
        .take_while(|b| matches!(b, b'0'..=b'9' | b' ' | b'-' | b'(' | b')' | b'+'))
        .count();
    let from = start - lead;
    let tail = bytes.get(from..).unwrap_or(&[]);
    let compact: Vec<u8> = tail
        .iter()
        .copied()
        .filter(|b| !matches!(b, b' ' | b'-'))
        .collect();
    let danish = [&b"(+45)"[..], b"+45", b"0045"]
        .iter()
        .find(|p| compact.ends_with(p))
        .copied();
    if let Some(prefix) = danish {
        // Where the prefix starts: the first byte of `tail` that belongs to it.
        let first = prefix.first().copied().unwrap_or(b'+');
        let skip = compact.len() - prefix.len();
        let mut seen = 0;
        for (i, b) in tail.iter().enumerate() {
            if matches!(b, b' ' | b'-') {
                continue;
            }
            if seen == skip && *b == first {
                return DialPrefix::Danish(from + i);
            }
            seen += 1;
        }
        return DialPrefix::None;
    }
    if compact.iter().any(|b| matches!(b, b'+' | b')')) {
        DialPrefix::Foreign
    } else {
        DialPrefix::None
    }
}

/// Whether an amount's currency follows `end` (`1234567890 kr.`, `12345678,-`), which makes
/// the number an amount whatever its shape.
pub(super) fn currency_after(text: &str, end: usize) -> bool {
    let rest = text.as_bytes().get(end..).unwrap_or(&[]);
    if rest.starts_with(b",-") || rest.starts_with(b".-") {
        return true;
    }
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    ["kr", "kroner", "dkk", "eur", "usd"].iter().any(|unit| {
        rest.get(..unit.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(unit.as_bytes()))
            && !rest
                .get(unit.len())
                .is_some_and(|b| b.is_ascii_alphabetic())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::samples::{demo_messages, random_texts, shared_mail};

    /// `keyword_at` without its index and third-byte filter: every keyword tried, the
    /// longest that matches wins (the first of equal length in the list's order, as in a
    /// bucket).
    fn keyword_at_everywhere(bytes: &[u8], i: usize) -> Option<&'static Keyword> {
        let rest = bytes.get(i..)?;
        let mut best: Option<&'static Keyword> = None;
        for k in KEYWORDS {
            let first = rest.first().map(u8::to_ascii_lowercase);
            let matches = first == k.text.first().copied()
                && rest
                    .get(..k.text.len())
                    .is_some_and(|c| c.eq_ignore_ascii_case(k.text))
                && (k.prefix
                    || !rest
                        .get(k.text.len())
                        .is_some_and(|b| b.is_ascii_alphabetic() || *b >= 0x80));
            if matches && best.is_none_or(|b| k.text.len() > b.text.len()) {
                best = Some(k);
            }
        }
        best
    }

    /// `keyword_hits` as it was before [`byte_runs`]: every byte looked at in turn.
    fn keyword_hits_bytewise(text: &str) -> Vec<(usize, Ctx)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut prev_word = false;
        for (i, &b) in bytes.iter().enumerate() {
            let word = b.is_ascii_alphanumeric() || b >= 0x80;
            if word && !prev_word && b.is_ascii_alphabetic() {
                if let Some(k) = keyword_at_everywhere(bytes, i) {
                    out.push((i + k.text.len(), k.ctx));
                }
            }
            prev_word = word;
        }
        out
    }

    /// The runs of `class` found byte by byte.
    fn runs_bytewise(bytes: &[u8], class: &ByteClass) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            if !class.0[usize::from(b)] {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.1 == i => last.1 = i + 1,
                _ => out.push((i, i + 1)),
            }
        }
        out
    }

    fn same_scans(text: &str) {
        let pairs =
            |hits: Vec<Hit>| -> Vec<(usize, Ctx)> { hits.iter().map(|h| (h.end, h.ctx)).collect() };
        let all = keyword_hits_bytewise(text);
        assert_eq!(pairs(all_keyword_hits(text)), all, "{text:?}");
        // The hits a detector can read: those ending at most REACH bytes before a digit.
        let bytes = text.as_bytes();
        let near_a_digit = |end: usize| {
            bytes
                .get(end..(end + REACH + 1).min(bytes.len()))
                .is_some_and(|after| after.iter().any(u8::is_ascii_digit))
        };
        let near: Vec<(usize, Ctx)> = all.into_iter().filter(|h| near_a_digit(h.0)).collect();
        assert_eq!(pairs(keyword_hits(text)), near, "{text:?}");
        for class in [&WORD_BYTES, &DIGITS] {
            let runs: Vec<(usize, usize)> = byte_runs(text.as_bytes(), class).collect();
            assert_eq!(runs, runs_bytewise(text.as_bytes(), class), "{text:?}");
        }
    }

    #[test]
    fn word_bytes_are_letters_digits_and_non_ascii() {
        for b in 0..=255u8 {
            assert_eq!(
                WORD_BYTES.0[usize::from(b)],
                b.is_ascii_alphanumeric() || b >= 0x80
            );
        }
    }

    #[test]
    fn runs_across_blocks_and_at_the_ends() {
        // Runs that end at, start at and run through the 64-byte block edges.
        for len in [0, 1, 63, 64, 65, 127, 128, 129, 200] {
            for text in [
                "a".repeat(len),
                format!(" {}", "a".repeat(len)),
                format!("{} ", "a".repeat(len)),
            ] {
                same_scans(&text);
            }
        }
        let mut text = String::new();
        for i in 0..300 {
            text.push(if i % 7 == 0 || i % 64 == 63 { ' ' } else { 'x' });
            same_scans(&text);
        }
    }

    #[test]
    fn random_text_matches_the_bytewise_scans() {
        // Keyword fragments, digits, separators and non-ASCII bytes: the seams the scans
        // meet, at lengths across several blocks.
        random_texts(
            "cprtlfkontoregnsjvfiIBAN DK.-/:0123456789æø\u{a0}\n",
            20_000,
            300,
            0x2545_f491_4f6c_dd1d,
            same_scans,
        );
    }

    #[test]
    fn every_demo_message_and_shared_corpus_file() {
        demo_messages(same_scans);
        shared_mail(same_scans);
    }

    fn shapes(text: &str) -> Vec<Vec<usize>> {
        chunks(text)
            .iter()
            .map(|c| c.groups().iter().map(|(s, e)| e - s).collect())
            .collect()
    }

    #[test]
    fn chunks_are_maximal_groups() {
        assert_eq!(
            shapes("cpr 010190-1234, tlf 12 34 56 78, 1.234.567,00 kr, 01.02.2023."),
            vec![
                vec![6, 4],
                vec![2, 2, 2, 2],
                vec![1, 3, 3, 2],
                vec![2, 2, 4]
            ]
        );
        // An en dash and a no-break space join groups; two spaces do not.
        assert_eq!(
            shapes("010190\u{2013}1234 12\u{a0}34  56"),
            vec![vec![6, 4, 2, 2], vec![2]]
        );
        let c = &chunks("æø 12-34")[0];
        assert_eq!((c.start, c.end), (5, 10));
        assert_eq!(c.seps(), &[Sep::Hyphen]);
    }

    #[test]
    fn scans_that_begin_inside_a_word_find_no_word_there() {
        // A keyword inside a longer word, ending about REACH bytes before a digit: where
        // `keyword_hits` begins its scan at or near the keyword's first byte.
        for k in KEYWORDS {
            let k = std::str::from_utf8(k.text).unwrap_or("");
            for gap in REACH.saturating_sub(MAX_KEYWORD + 2)..=REACH + 2 {
                let spaces = " ".repeat(gap);
                same_scans(&format!("x{k}{spaces}1"));
                same_scans(&format!("æ{k}{spaces}1 {k}"));
            }
        }
    }

    #[test]
    fn every_keyword_is_indexed() {
        for k in KEYWORDS {
            let hits = all_keyword_hits(std::str::from_utf8(k.text).unwrap_or(""));
            let first = hits.first().map(|h| (h.end, h.ctx));
            assert_eq!(
                first,
                Some((k.text.len(), k.ctx)),
                "{:?}",
                std::str::from_utf8(k.text)
            );
        }
    }

    #[test]
    fn long_tables_overflow() {
        let c = &chunks("1 2 3 4 5 6 7 8 9 10")[0];
        assert!(c.overflow);
        assert!(!c.has_shape(&[1, 1, 1, 1, 1, 1, 1, 1]));
    }

    #[test]
    fn keywords_at_word_starts_only() {
        let hits = all_keyword_hits("CPR-nr.: x, telefonnummer y, telt z, økonto, Tlf.");
        let found: Vec<Ctx> = hits.iter().map(|h| h.ctx).collect();
        assert_eq!(found, vec![Ctx::Cpr, Ctx::Phone, Ctx::Phone]);
    }

    #[test]
    fn context_stops_at_other_numbers() {
        let text = "tlf. 12345678, cpr 0101901234 og 0202901234";
        let hits = keyword_hits(text);
        let got: Vec<Option<Ctx>> = chunks(text)
            .iter()
            .map(|c| context_before(text, &hits, c.start))
            .collect();
        assert_eq!(got, vec![Some(Ctx::Phone), Some(Ctx::Cpr), None]);
    }

    #[test]
    fn dial_prefixes() {
        let at = |t: &str| dial_prefix_before(t, t.len());
        assert_eq!(at("Tlf. +45 - "), DialPrefix::Danish(5));
        assert_eq!(at("(+45) "), DialPrefix::Danish(0));
        assert_eq!(at("ring 0045 "), DialPrefix::Danish(5));
        assert_eq!(at("Tel.: +31 -"), DialPrefix::Foreign);
        assert_eq!(at("Phone (33) "), DialPrefix::Foreign);
        assert_eq!(at("Phone: +46 (0)"), DialPrefix::Foreign);
        assert_eq!(at("tlf. "), DialPrefix::None);
        assert_eq!(at(""), DialPrefix::None);
    }

    #[test]
    fn currency_makes_an_amount() {
        for (text, end) in [
            ("1234 kr.", 4),
            ("1234,-", 4),
            ("1234 DKK", 4),
            ("1234kr", 4),
        ] {
            assert!(currency_after(text, end), "{text}");
        }
        assert!(!currency_after("1234 krone", 4));
        assert!(!currency_after("1234 og", 4));
    }
}
