//! Bounding a raw message before mail-parser sees it.
//!
//! mail-parser parses everything it is given: measured with mail-parser 0.11.9, 14 MB of
//! empty MIME parts became 2 million parts and 350 MB of memory, and 12 MB of one-letter
//! header lines 365 MB. Messages nested in base64-encoded `message/rfc822` parts are parsed
//! by recursion and copied by recursion (`into_owned`), so a few hundred kilobytes of nested
//! messages overflow the stack, which aborts the process. This module cuts the input so that
//! none of that can happen, and says what it cut:
//!
//! 1. a leading mbox `From ` envelope line is dropped (it is not a header);
//! 2. the message is cut to [`Limits::max_message_bytes`];
//! 3. header lines of the top-level header block that are not UTF-8 are read as
//!    Windows-1252 (a superset of ISO-8859-1, what 8-bit headers in Danish mail are), so
//!    `æøå` in raw headers survive;
//! 4. when the message is large, has many boundary-like lines, or mentions nested-message
//!    types, a linear scan of its MIME skeleton cuts it at the part that exceeds
//!    [`Limits::max_parts`] (nested messages count as parts), drops header fields beyond
//!    [`Limits::max_headers`] in every header block, and disables the decoding of encoded
//!    nested messages whose content is nested deeper than [`Limits::max_nesting_depth`].
//!
//! Small ordinary messages skip step 4 after three quick `memchr` passes.

use std::borrow::Cow;
use std::collections::HashMap;

use memchr::{memchr, memchr_iter, memmem};

use super::decode::{decode_base64_lenient, decode_qp_lenient};
use super::limits::{Cuts, Limits};

/// Messages larger than this always get the skeleton scan; below it, mail-parser's memory
/// use stays in the low megabytes whatever the input.
const SCAN_ABOVE_BYTES: usize = 256 * 1024;

/// mail-parser decodes nested encoded messages this many levels deep (its
/// `MAX_NESTED_ENCODED`); the scan looks as deep.
const ENCODED_LEVELS: u8 = 3;

/// The input for mail-parser and what was cut to get it.
pub(crate) struct Prepared<'a> {
    pub(crate) bytes: Cow<'a, [u8]>,
    pub(crate) cuts: Cuts,
}

/// Applies the steps in the module documentation to `raw`.
pub(crate) fn prepare<'a>(raw: &'a [u8], limits: &Limits) -> Prepared<'a> {
    let mut cuts = Cuts::default();
    let mut bytes = strip_envelope(raw);

    if bytes.len() > limits.max_message_bytes {
        cuts.record("message_size", limits.max_message_bytes, bytes.len());
        let max = limits.max_message_bytes;
        // Cut after the last complete line within the limit, unless that loses much.
        let end = bytes
            .get(..max)
            .and_then(|head| memchr::memrchr(b'\n', head))
            .filter(|&nl| max - nl < 4096)
            .map_or(max, |nl| nl + 1);
        bytes = bytes.get(..end).unwrap_or(bytes);
    }

    let mut out: Cow<'a, [u8]> = match transcode_header_block(bytes) {
        Some(fixed) => Cow::Owned(fixed),
        None => Cow::Borrowed(bytes),
    };

    if needs_scan(&out, limits) {
        let outcome = scan(&out, limits, 0);
        cuts.extend(outcome.cuts);
        if !outcome.edits.is_empty() {
            out = Cow::Owned(apply(&out, &outcome.edits));
        }
    }
    Prepared { bytes: out, cuts }
}

/// Drops a leading mbox envelope line (`From jens@example.dk Thu Aug 22 12:36:23 2002`),
/// which is not a header field. `From:` and `From :` are header fields and stay.
pub(crate) fn strip_envelope(raw: &[u8]) -> &[u8] {
    let Some(rest) = raw.strip_prefix(b"From ") else {
        return raw;
    };
    let first = rest.iter().position(|b| *b != b' ');
    if first.and_then(|i| rest.get(i)) == Some(&b':') {
        return raw;
    }
    match memchr(b'\n', raw) {
        Some(nl) => raw.get(nl + 1..).unwrap_or_default(),
        None => &[],
    }
}

/// The end of the header block that starts at `from`: the offset of the blank line that
/// ends it, or the end of `bytes`.
pub(super) fn header_block_end(bytes: &[u8], from: usize) -> usize {
    let rest = bytes.get(from..).unwrap_or_default();
    if rest.first() == Some(&b'\n') || rest.starts_with(b"\r\n") {
        return from;
    }
    // Line by line, so that only the header block is read, whatever follows it.
    for nl in memchr_iter(b'\n', rest) {
        let next = rest.get(nl + 1..).unwrap_or_default();
        if next.first() == Some(&b'\n') || next.starts_with(b"\r\n") {
            return from + nl + 1;
        }
    }
    bytes.len()
}

/// Re-reads the bytes of top-level header lines that are not UTF-8 as Windows-1252. `None` when
/// every header line is UTF-8 already (the usual case, checked in one pass).
fn transcode_header_block(bytes: &[u8]) -> Option<Vec<u8>> {
    let end = header_block_end(bytes, 0);
    let block = bytes.get(..end)?;
    if std::str::from_utf8(block).is_ok() {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + 64);
    for line in block.split_inclusive(|b| *b == b'\n') {
        // Inside an encoded word the bytes belong to the word's own charset, which
        // mail-parser applies: such lines stay as they are.
        let encoded_word = memmem::find(line, b"=?").is_some();
        if encoded_word || std::str::from_utf8(line).is_ok() {
            out.extend_from_slice(line);
        } else {
            out.extend_from_slice(super::decode::utf8_or_1252(line).as_bytes());
        }
    }
    out.extend_from_slice(bytes.get(end..).unwrap_or_default());
    Some(out)
}

/// Whether the skeleton scan must run: the message is large, has more boundary-like lines
/// than parts allowed, or names a nested-message type (the only way to nest).
fn needs_scan(bytes: &[u8], limits: &Limits) -> bool {
    if bytes.len() > SCAN_ABOVE_BYTES {
        return true;
    }
    // A nested message is declared in a header block: the top one, or one after a line that
    // could be a part delimiter. Only those blocks are searched, each byte at most once.
    let top = header_block_end(bytes, 0);
    if nesting_mentions(bytes.get(..top).unwrap_or_default()) > 0 {
        return true;
    }
    let mut scanned_until = top;
    for (count, at) in memmem::find_iter(bytes, b"\n--").enumerate() {
        if count >= limits.max_parts {
            return true;
        }
        let Some(line_end) = memchr(b'\n', bytes.get(at + 1..).unwrap_or_default()) else {
            break;
        };
        let block_start = (at + 1 + line_end + 1).max(scanned_until);
        let block_end = header_block_end(bytes, block_start);
        if nesting_mentions(bytes.get(block_start..block_end).unwrap_or_default()) > 0 {
            return true;
        }
        scanned_until = block_end;
    }
    false
}

/// How often `bytes` names a type that nests messages (`rfc822`, `global`, `digest` after a
/// `/` and optional white space, in any case, as mail-parser reads a Content-Type). An upper
/// bound on how deep messages in `bytes` can nest.
fn nesting_mentions(bytes: &[u8]) -> usize {
    memchr_iter(b'/', bytes)
        .filter(|&i| {
            let mut j = i + 1;
            while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            // Most slashes (URLs, HTML) fail on the first letter.
            if !matches!(bytes.get(j), Some(b'r' | b'R' | b'g' | b'G' | b'd' | b'D')) {
                return false;
            }
            let after = bytes.get(j..j + 6).unwrap_or_default();
            after.eq_ignore_ascii_case(b"rfc822")
                || after.eq_ignore_ascii_case(b"global")
                || after.eq_ignore_ascii_case(b"digest")
        })
        .count()
}

/// A change to the input.
#[derive(Debug, PartialEq, Eq)]
enum Edit {
    /// Leave out these bytes (header fields beyond the limit).
    Drop(std::ops::Range<usize>),
    /// Overwrite a `Content-Transfer-Encoding` value so the part is not decoded.
    Disarm(std::ops::Range<usize>),
    /// End the input here.
    Cut(usize),
}

fn apply(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut pos = 0;
    for edit in edits {
        match edit {
            Edit::Drop(r) => {
                out.extend_from_slice(bytes.get(pos..r.start).unwrap_or_default());
                pos = r.end;
            }
            Edit::Disarm(r) => {
                out.extend_from_slice(bytes.get(pos..r.start).unwrap_or_default());
                // "7bit" padded with spaces keeps every offset after it unchanged.
                out.extend_from_slice(b"7bit");
                out.resize(out.len() + r.len().saturating_sub(4), b' ');
                pos = r.end;
            }
            Edit::Cut(at) => {
                out.extend_from_slice(bytes.get(pos..*at).unwrap_or_default());
                return out;
            }
        }
    }
    out.extend_from_slice(bytes.get(pos..).unwrap_or_default());
    out
}

/// What the scan found.
struct Outcome {
    edits: Vec<Edit>,
    cuts: Cuts,
    /// How deep messages may nest in the scanned bytes, counting encoded ones.
    risk: usize,
}

/// What a header block says about its part.
#[derive(Default)]
struct Block<'a> {
    boundary: Option<&'a [u8]>,
    digest: bool,
    has_type: bool,
    message: bool,
    /// The range of an encoding value that mail-parser decodes (base64, quoted-printable).
    encoded: Option<std::ops::Range<usize>>,
}

impl<'a> Block<'a> {
    /// Reads one header field (`field` spans its line and continuation lines).
    fn field(&mut self, bytes: &'a [u8], field: std::ops::Range<usize>) {
        let Some(text) = bytes.get(field.clone()) else {
            return;
        };
        let Some(colon) = memchr(b':', text) else {
            return;
        };
        // mail-parser ignores white space inside a header name ("Content - Type").
        let mut name_buf = [0u8; 34];
        let mut name_len = 0;
        for &c in text.get(..colon).unwrap_or_default() {
            if c.is_ascii_whitespace() {
                continue;
            }
            match name_buf.get_mut(name_len) {
                Some(slot) => *slot = c,
                None => return,
            }
            name_len += 1;
        }
        let name = name_buf.get(..name_len).unwrap_or_default();
        let value = text.get(colon + 1..).unwrap_or_default();
        if name.eq_ignore_ascii_case(b"content-type") {
            self.has_type = true;
            let (main, sub) = type_and_subtype(value);
            let is = |a: &[u8], b: &[u8]| a.eq_ignore_ascii_case(b);
            self.message = is(main, b"message") && (is(sub, b"rfc822") || is(sub, b"global"));
            self.digest = is(main, b"multipart") && is(sub, b"digest");
            if is(main, b"multipart") {
                self.boundary = boundary_param(value);
            }
        } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
            let v = value.trim_ascii();
            if v.eq_ignore_ascii_case(b"base64") || v.eq_ignore_ascii_case(b"quoted-printable") {
                let lead = value.len() - value.trim_ascii_start().len();
                let start = field.start + colon + 1 + lead;
                self.encoded = Some(start..start + v.len());
            }
        }
    }
}

/// The type and subtype of a Content-Type value, white space around them and the `/`
/// ignored, as mail-parser reads them.
fn type_and_subtype(value: &[u8]) -> (&[u8], &[u8]) {
    let end = memchr(b';', value).unwrap_or(value.len());
    let main = value.get(..end).unwrap_or_default();
    match memchr(b'/', main) {
        Some(slash) => (
            main.get(..slash).unwrap_or_default().trim_ascii(),
            main.get(slash + 1..).unwrap_or_default().trim_ascii(),
        ),
        None => (main.trim_ascii(), &[]),
    }
}

/// The `boundary` parameter of a Content-Type value.
fn boundary_param(value: &[u8]) -> Option<&[u8]> {
    let mut search = 0;
    while let Some(rel) = value
        .get(search..)
        .and_then(|v| memchr::memchr2(b'b', b'B', v))
    {
        let at = search + rel;
        search = at + 1;
        let name = value.get(at..at + 8)?;
        let before_ok = at == 0
            || value
                .get(at - 1)
                .is_some_and(|b| matches!(b, b';' | b' ' | b'\t' | b'\n' | b'\r'));
        if !before_ok || !name.eq_ignore_ascii_case(b"boundary") {
            continue;
        }
        let rest = value.get(at + 8..)?.trim_ascii_start();
        let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
        let b = if let Some(q) = rest.strip_prefix(b"\"") {
            q.get(..memchr(b'"', q)?)?
        } else {
            let end = rest
                .iter()
                .position(|c| matches!(c, b';' | b' ' | b'\t' | b'\r' | b'\n'))
                .unwrap_or(rest.len());
            rest.get(..end)?
        };
        return (!b.is_empty() && b.len() <= 200).then_some(b);
    }
    None
}

/// Where the scan is.
enum State {
    Header {
        block_start: usize,
        in_digest: bool,
        fields: usize,
        field_start: Option<usize>,
        /// Where the current run of dropped fields started.
        drop_from: Option<usize>,
        /// MIME fields kept although they came after the limit.
        kept_beyond: usize,
    },
    Body,
}

/// How many `Content-Type`, `Content-Transfer-Encoding` and `Content-Disposition` fields
/// of one header block are kept beyond [`Limits::max_headers`].
const MIME_FIELDS_BEYOND_LIMIT: usize = 3;

/// Leaves out a MIME field (`Content-Type`, `Content-Disposition`, …) longer than
/// [`Limits::max_header_value_bytes`]: mail-parser 0.11 joins RFC 2231 parameter
/// continuations (`name*1=…; name*2=…`) by copying the value so far for each one, which is
/// quadratic (8 s for an 8 MB field). Returns whether it did.
fn drop_oversized_mime_field(
    bytes: &[u8],
    field: std::ops::Range<usize>,
    limits: &Limits,
    out: &mut Outcome,
) -> bool {
    let len = field.len();
    if len <= limits.max_header_value_bytes
        || !is_mime_field(bytes.get(field.clone()).unwrap_or_default())
    {
        return false;
    }
    out.cuts
        .record("header_value", limits.max_header_value_bytes, len);
    out.edits.push(Edit::Drop(field));
    true
}

fn is_mime_field(line: &[u8]) -> bool {
    let name = line
        .split(|b| *b == b':')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    [
        &b"content-type"[..],
        b"content-transfer-encoding",
        b"content-disposition",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// A nested message whose content is base64 or quoted-printable: checked when its body ends.
struct PendingEncoded {
    body_start: usize,
    encoding: std::ops::Range<usize>,
    base64: bool,
}

/// Scans the MIME skeleton of `bytes`, line by line. At `level` 0 it produces edits for the
/// input; at deeper levels (decoded nested messages) only the nesting risk counts.
fn scan(bytes: &[u8], limits: &Limits, level: u8) -> Outcome {
    let mut out = Outcome {
        edits: Vec::new(),
        cuts: Cuts::default(),
        risk: nesting_mentions(bytes),
    };
    let mut boundaries: HashMap<&[u8], bool> = HashMap::new();
    let mut parts = 1usize;
    let mut block = Block::default();
    let mut pending: Option<PendingEncoded> = None;
    let mut deepest_encoded = 0usize;
    let mut state = State::Header {
        block_start: 0,
        in_digest: false,
        fields: 0,
        field_start: None,
        drop_from: None,
        kept_beyond: 0,
    };
    let mut pos = 0;

    while pos < bytes.len() {
        let next = memchr(b'\n', bytes.get(pos..).unwrap_or_default())
            .map_or(bytes.len(), |n| pos + n + 1);
        let line = bytes.get(pos..next).unwrap_or_default();
        let content = line.trim_ascii_end();
        match &mut state {
            State::Header {
                block_start,
                in_digest,
                fields,
                field_start,
                drop_from,
                kept_beyond,
            } => {
                let continuation =
                    matches!(line.first(), Some(b' ' | b'\t')) && !content.is_empty();
                if continuation {
                    pos = next;
                    continue;
                }
                if let Some(start) = field_start.take() {
                    if !drop_oversized_mime_field(bytes, start..pos, limits, &mut out) {
                        block.field(bytes, start..pos);
                    }
                }
                if content.is_empty() {
                    // End of the header block.
                    if let Some(from) = drop_from.take() {
                        out.edits.push(Edit::Drop(from..pos));
                    }
                    if *fields > limits.max_headers {
                        out.cuts.record("headers", limits.max_headers, *fields);
                    }
                    let message = block.message || (!block.has_type && *in_digest);
                    if let Some(b) = block.boundary {
                        if boundaries.len() >= limits.max_parts {
                            // More multiparts than parts allowed: the rest cannot be kept.
                            out.cuts.record("parts", limits.max_parts, parts + 1);
                            out.edits.push(Edit::Cut(*block_start));
                            break;
                        }
                        boundaries.insert(b, block.digest);
                    }
                    let encoded = block.encoded.take();
                    let base64 = encoded
                        .as_ref()
                        .and_then(|r| bytes.get(r.clone()))
                        .is_some_and(|v| v.eq_ignore_ascii_case(b"base64"));
                    block = Block::default();
                    match (message, encoded) {
                        (true, Some(encoding)) => {
                            pending = Some(PendingEncoded {
                                body_start: next,
                                encoding,
                                base64,
                            });
                            state = State::Body;
                        }
                        (true, None) => {
                            // The body is a message: its header block starts right away.
                            parts += 1;
                            if parts > limits.max_parts {
                                out.cuts.record("parts", limits.max_parts, parts);
                                out.edits.push(Edit::Cut(next));
                                break;
                            }
                            state = State::Header {
                                block_start: next,
                                in_digest: false,
                                fields: 0,
                                field_start: None,
                                drop_from: None,
                                kept_beyond: 0,
                            };
                        }
                        (false, _) => state = State::Body,
                    }
                } else {
                    *fields += 1;
                    if *fields <= limits.max_headers {
                        *field_start = Some(pos);
                    } else if *kept_beyond < MIME_FIELDS_BEYOND_LIMIT && is_mime_field(content) {
                        // The structure must survive the cut: a Content-Type after a
                        // thousand other fields still says where the parts are.
                        if let Some(from) = drop_from.take() {
                            out.edits.push(Edit::Drop(from..pos));
                        }
                        *kept_beyond += 1;
                        *field_start = Some(pos);
                    } else if drop_from.is_none() {
                        *drop_from = Some(pos);
                    }
                }
            }
            State::Body => {
                if let Some(rest) = content.strip_prefix(b"--") {
                    let close = rest
                        .strip_suffix(b"--")
                        .filter(|b| boundaries.contains_key(b));
                    let open = boundaries.get(rest).copied();
                    if close.is_some() || open.is_some() {
                        if let Some(p) = pending.take() {
                            deepest_encoded = deepest_encoded
                                .max(check_encoded(bytes, &p, pos, limits, level, &mut out));
                        }
                    }
                    if let Some(in_digest) = open {
                        parts += 1;
                        if parts > limits.max_parts {
                            let total =
                                parts + count_remaining_delimiters(bytes, next, &boundaries);
                            out.cuts.record("parts", limits.max_parts, total);
                            out.edits.push(Edit::Cut(pos));
                            break;
                        }
                        state = State::Header {
                            block_start: next,
                            in_digest,
                            fields: 0,
                            field_start: None,
                            drop_from: None,
                            kept_beyond: 0,
                        };
                    }
                }
            }
        }
        pos = next;
    }
    if let State::Header {
        drop_from,
        fields,
        field_start,
        ..
    } = state
    {
        if let Some(start) = field_start {
            drop_oversized_mime_field(bytes, start..bytes.len(), limits, &mut out);
        }
        if let Some(from) = drop_from {
            out.edits.push(Edit::Drop(from..bytes.len()));
        }
        if fields > limits.max_headers {
            out.cuts.record("headers", limits.max_headers, fields);
        }
    }
    if let Some(p) = pending.take() {
        deepest_encoded = deepest_encoded.max(check_encoded(
            bytes,
            &p,
            bytes.len(),
            limits,
            level,
            &mut out,
        ));
    }
    out.risk += deepest_encoded;
    out.edits.sort_by_key(|e| match e {
        Edit::Drop(r) | Edit::Disarm(r) => r.start,
        Edit::Cut(at) => *at,
    });
    out
}

/// How many more part delimiters follow `from` (for the record of what was cut).
fn count_remaining_delimiters(
    bytes: &[u8],
    from: usize,
    boundaries: &HashMap<&[u8], bool>,
) -> usize {
    let rest = bytes.get(from..).unwrap_or_default();
    memmem::find_iter(rest, b"\n--")
        .filter(|&i| {
            let line_start = i + 3;
            let end = memchr(b'\n', rest.get(line_start..).unwrap_or_default())
                .map_or(rest.len(), |n| line_start + n);
            let token = rest
                .get(line_start..end)
                .unwrap_or_default()
                .trim_ascii_end();
            boundaries.contains_key(token)
        })
        .count()
}

/// Decodes an encoded nested message and measures how deep messages nest inside it. At
/// level 0, disarms its encoding when that is deeper than allowed. Returns the depth.
fn check_encoded(
    bytes: &[u8],
    p: &PendingEncoded,
    end: usize,
    limits: &Limits,
    level: u8,
    out: &mut Outcome,
) -> usize {
    let body = bytes.get(p.body_start..end).unwrap_or_default();
    let decoded = if p.base64 {
        decode_base64_lenient(body)
    } else {
        decode_qp_lenient(body)
    };
    let inner = if level + 1 >= ENCODED_LEVELS {
        nesting_mentions(&decoded)
    } else {
        scan(&decoded, limits, level + 1).risk
    } + 1;
    if level == 0 && inner > limits.max_nesting_depth {
        out.cuts.record("nesting", limits.max_nesting_depth, inner);
        out.edits.push(Edit::Disarm(p.encoding.clone()));
        return 0;
    }
    inner
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(raw: &[u8], limits: &Limits) -> (Vec<u8>, Vec<crate::Truncation>) {
        let p = prepare(raw, limits);
        (p.bytes.into_owned(), p.cuts.into_vec())
    }

    #[test]
    fn envelope_line_is_dropped_but_from_header_kept() {
        assert_eq!(
            strip_envelope(b"From a@b Thu Aug 22 12:36:23 2002\nSubject: x\n"),
            b"Subject: x\n"
        );
        assert_eq!(strip_envelope(b"From: a@b\n"), b"From: a@b\n");
        assert_eq!(strip_envelope(b"From  : a@b\n"), b"From  : a@b\n");
        assert_eq!(strip_envelope(b"From a@b"), b"");
    }

    #[test]
    fn size_cut_ends_at_a_line() {
        let raw = format!("Subject: x\n\n{}", "linje\n".repeat(1000));
        let limits = Limits {
            max_message_bytes: 100,
            ..Limits::default()
        };
        let (bytes, cuts) = prep(raw.as_bytes(), &limits);
        assert!(bytes.len() <= 100 && bytes.ends_with(b"\n"));
        assert_eq!(cuts[0].what, "message_size");
        assert_eq!(cuts[0].actual, raw.len() as u64);
    }

    #[test]
    fn latin1_headers_are_read_as_windows_1252() {
        let raw = b"Subject: S\xf8ren \x96 \xe6bler\nFrom: a@b\n\nbody \xf8\n";
        let (bytes, cuts) = prep(raw, &Limits::default());
        assert!(cuts.is_empty());
        // Only the header block changes; the body is decoded later, by its charset.
        let mut want = "Subject: Søren – æbler\nFrom: a@b\n\nbody "
            .as_bytes()
            .to_vec();
        want.extend_from_slice(b"\xf8\n");
        assert_eq!(bytes, want);
    }

    #[test]
    fn boundary_parameter_forms() {
        assert_eq!(
            boundary_param(b" multipart/mixed; boundary=abc"),
            Some(&b"abc"[..])
        );
        assert_eq!(
            boundary_param(b" multipart/mixed;\r\n\tBoundary=\"a b;c\""),
            Some(&b"a b;c"[..])
        );
        assert_eq!(boundary_param(b" multipart/mixed; xboundary=no"), None);
        assert_eq!(boundary_param(b" multipart/mixed"), None);
    }

    fn many_parts(n: usize) -> String {
        let mut s = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n");
        for i in 0..n {
            s.push_str(&format!("--b\nContent-Type: text/plain\n\ndel {i}\n"));
        }
        s.push_str("--b--\n");
        s
    }

    #[test]
    fn parts_beyond_the_limit_are_cut() {
        let raw = many_parts(50);
        let limits = Limits {
            max_parts: 10,
            ..Limits::default()
        };
        let (bytes, cuts) = prep(raw.as_bytes(), &limits);
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("del 8\n") && !text.contains("del 9\n"),
            "{text}"
        );
        assert_eq!(cuts[0].what, "parts");
        assert_eq!(cuts[0].actual, 51);
        // Under the limit nothing changes.
        let (bytes, cuts) = prep(many_parts(5).as_bytes(), &limits);
        assert_eq!(bytes, many_parts(5).as_bytes());
        assert!(cuts.is_empty());
    }

    #[test]
    fn headers_beyond_the_limit_are_dropped_in_every_block() {
        let mut raw = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=b\n");
        raw.push_str(&"X-A: 1\n".repeat(20));
        raw.push_str("\n--b\n");
        raw.push_str(&"X-B: 2\n\tfolded\n".repeat(20));
        raw.push_str("\ndel\n--b--\n");
        let limits = Limits {
            max_headers: 5,
            max_message_bytes: 10_000,
            ..Limits::default()
        };
        // Force the scan with a mention of a nesting type.
        let raw = raw.replace("Subject: x", "Subject: x/digest");
        let (bytes, cuts) = prep(raw.as_bytes(), &limits);
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.matches("X-A: 1").count(), 3, "{text}");
        assert_eq!(text.matches("X-B: 2").count(), 5, "{text}");
        assert!(text.contains("\ndel\n--b--\n"));
        assert_eq!(cuts[0].what, "headers");
        assert_eq!(cuts[0].actual, 22);
    }

    #[test]
    fn a_content_type_after_the_header_limit_is_kept() {
        let mut raw = String::from(
            "Subject: x/digest
",
        );
        raw.push_str(
            &"X-A: 1
"
            .repeat(20),
        );
        raw.push_str(
            "Content-Type: multipart/mixed;
 boundary=b
X-Z: 1

--b

del
--b--
",
        );
        let limits = Limits {
            max_headers: 5,
            ..Limits::default()
        };
        let (bytes, _) = prep(raw.as_bytes(), &limits);
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("X-A: 1\nContent-Type: multipart/mixed;\n boundary=b\n\n--b\n"),
            "{text}"
        );
        assert_eq!(text.matches("X-A: 1").count(), 4);
        assert!(!text.contains("X-Z"));
    }

    fn encoded_nesting(depth: usize) -> String {
        let inner =
            "Content-Type: message/rfc822\n\n".repeat(depth) + "Subject: inderst\n\ntekst\n";
        let b64 = base64_encode(inner.as_bytes());
        format!(
            "Subject: ydre\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{b64}\n--b--\n"
        )
    }

    fn base64_encode(input: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for k in 0..4 {
                if k <= chunk.len() {
                    s.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
            if s.len() % 77 == 76 {
                s.push('\n');
            }
        }
        s
    }

    #[test]
    fn nesting_types_are_found_as_mail_parser_reads_them() {
        assert_eq!(
            nesting_mentions(b"message/rfc822 Message/ RFC822 multipart /\tDigest"),
            3
        );
        assert_eq!(
            nesting_mentions(b"https://example.dk/gallery/ message/global"),
            1
        );
        assert_eq!(
            type_and_subtype(b" Message / RFC822 ; x=y"),
            (&b"Message"[..], &b"RFC822"[..])
        );
        // A folded, oddly spaced header name still declares an encoded nested message.
        let raw = encoded_nesting(5000).replace(
            "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64",
            "Content - Type : Message /\n RFC822\nContent-transfer-ENCODING: BASE64",
        );
        let (_, cuts) = prep(raw.as_bytes(), &Limits::default());
        assert_eq!(cuts[0].what, "nesting", "{cuts:?}");
    }

    #[test]
    fn deep_encoded_nesting_is_disarmed() {
        let limits = Limits::default();
        let raw = encoded_nesting(5000);
        let (bytes, cuts) = prep(raw.as_bytes(), &limits);
        assert_eq!(bytes.len(), raw.len(), "disarming keeps offsets");
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("Content-Transfer-Encoding: 7bit  \n"),
            "{}",
            &text[..200]
        );
        assert_eq!(cuts[0].what, "nesting");
        assert!(cuts[0].actual > 5000);
        // Shallow nesting is left alone.
        let raw = encoded_nesting(3);
        let (bytes, cuts) = prep(raw.as_bytes(), &limits);
        assert_eq!(bytes, raw.as_bytes());
        assert!(cuts.is_empty());
    }
}
