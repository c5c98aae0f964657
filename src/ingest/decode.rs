//! Transfer decodings and charset repair, where mail-parser's answer is not good enough
//! for Danish mail.
//!
//! mail-parser decodes a text part by its declared charset, and reads a part without one
//! (or with a label it does not know) as UTF-8, replacing what is not UTF-8 with U+FFFD.
//! Danish mail from older systems often declares nothing (or wrongly declares UTF-8) and is
//! really ISO-8859-1 or Windows-1252, so `søger` would become `s�ger`. [`repair_text`]
//! re-reads such a part as Windows-1252 (which agrees with ISO-8859-1 on every letter and
//! adds `–`, `€`, typographic quotes); HTML parts by their `<meta>` charset when they have
//! one, as browsers read them.

use std::borrow::Cow;

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{Encoding, MessagePart, MimeHeaders};

/// Base64 as mail-parser reads it, but never failing: other bytes are skipped, and `=`
/// ends a group (mail-parser goes on decoding after it, and so must a re-decoding that
/// wants the same bytes).
pub(crate) fn decode_base64_lenient(input: &[u8]) -> Vec<u8> {
    fn flush(out: &mut Vec<u8>, acc: u32, n: u8) {
        match n {
            2 => out.push((acc >> 4) as u8),
            3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let (mut acc, mut n) = (0u32, 0u8);
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                flush(&mut out, acc, n);
                (acc, n) = (0, 0);
                continue;
            }
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        n += 1;
        if n == 4 {
            out.extend_from_slice(&acc.to_be_bytes()[1..]);
            (acc, n) = (0, 0);
        }
    }
    flush(&mut out, acc, n);
    out
}

/// Quoted-printable, never failing: a broken escape is kept as written.
pub(crate) fn decode_qp_lenient(input: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&c) = input.get(i) {
        if c == b'=' {
            let (a, b) = (input.get(i + 1).copied(), input.get(i + 2).copied());
            if let (Some(h), Some(l)) = (a.and_then(hex), b.and_then(hex)) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            // A soft line break: `=`, maybe spaces or tabs (transport padding, RFC 2045
            // § 6.7), then the line's end.
            let mut j = i + 1;
            while matches!(input.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            match (input.get(j), input.get(j + 1)) {
                (Some(b'\n'), _) => {
                    i = j + 1;
                    continue;
                }
                (Some(b'\r'), Some(b'\n')) => {
                    i = j + 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The text of a text or HTML part, re-read when mail-parser replaced bytes that are not
/// UTF-8: as Windows-1252 when the part declared no charset, or UTF-8/ASCII; by its label
/// when mail-parser did not know the label (`iso-8859-1 ` with a space) and fell back to
/// UTF-8, Windows-1252 when nobody knows it (`unknown-8bit`, `x-unknown`). An HTML part
/// without a MIME charset is re-read by the charset of its `<meta>` tag, as a browser
/// would. `raw` is the message the part's offsets point into.
pub(crate) fn repair_text<'t>(
    text: &'t str,
    part: &MessagePart<'_>,
    raw: &[u8],
    html: bool,
) -> Cow<'t, str> {
    if !text.contains('\u{FFFD}') {
        return Cow::Borrowed(text);
    }
    // The label to re-read by; `None` is UTF-8 with stray bytes as Windows-1252.
    let label = match part.content_type().and_then(|ct| ct.attribute("charset")) {
        Some(c) if is_utf8_label(c) => None,
        // mail-parser decoded by a charset it knows: its answer stands.
        Some(c) if charset_decoder(c.as_bytes()).is_some() => return Cow::Borrowed(text),
        Some(c) => Some(c),
        None if html => meta_charset(text.as_bytes()).filter(|c| !is_utf8_label(c)),
        None => None,
    };
    let body = raw
        .get(part.offset_body as usize..part.offset_end as usize)
        .unwrap_or_default();
    let bytes: Cow<'_, [u8]> = match part.encoding {
        Encoding::None => Cow::Borrowed(body),
        Encoding::QuotedPrintable => Cow::Owned(decode_qp_lenient(body)),
        Encoding::Base64 => Cow::Owned(decode_base64_lenient(body)),
    };
    if std::str::from_utf8(&bytes).is_ok() {
        // The replacement characters were in the source; nothing to repair.
        return Cow::Borrowed(text);
    }
    Cow::Owned(decode_charset(&bytes, label))
}

/// UTF-8 or ASCII (or empty): labels under which mail-parser reads a part as UTF-8.
fn is_utf8_label(label: &str) -> bool {
    let l = label.trim();
    l.is_empty()
        || ["utf-8", "utf8", "us-ascii", "ascii"]
            .iter()
            .any(|u| l.eq_ignore_ascii_case(u))
}

/// How far into an HTML document [`meta_charset`] looks: browsers look at the first
/// 1024 bytes, but mail programs put long style sheets in the head before the `<meta>`.
const META_SCAN_BYTES: usize = 8192;

/// The charset an HTML document names in `<meta charset="…">` or `<meta http-equiv=
/// "Content-Type" content="text/html; charset=…">`, among its first [`META_SCAN_BYTES`].
pub(crate) fn meta_charset(html: &[u8]) -> Option<&str> {
    let head = html.get(..html.len().min(META_SCAN_BYTES)).unwrap_or(html);
    let mut from = 0;
    while let Some(at) = find_ascii_ci(head.get(from..)?, b"<meta") {
        let tag = head.get(from + at + 5..).unwrap_or_default();
        let tag = tag.get(..tag.iter().position(|&b| b == b'>').unwrap_or(tag.len()))?;
        if let Some(c) = find_ascii_ci(tag, b"charset") {
            let rest = tag.get(c + 7..).unwrap_or_default().trim_ascii_start();
            if let Some(value) = rest.strip_prefix(b"=") {
                let value = value.trim_ascii_start();
                let value = value.strip_prefix(b"\"").unwrap_or(value);
                let value = value.strip_prefix(b"'").unwrap_or(value);
                let len = value
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(b)))
                    .unwrap_or(value.len());
                // A label a browser cannot use is skipped, and the next <meta> is read.
                let label = std::str::from_utf8(value.get(..len).unwrap_or_default()).ok();
                if let Some(label) = label.filter(|_| len > 0).and_then(ascii_compatible) {
                    return Some(label);
                }
            }
        }
        from += at + 5 + tag.len();
    }
    None
}

/// A `<meta>` charset label as a browser's prescan takes it (WHATWG HTML, "prescan a
/// byte stream"): a document whose `<meta>` could be read as ASCII is not UTF-16 (Word
/// writes `charset=unicode`, which would turn Latin-1 bytes into CJK characters). The
/// prescan reads such a label as UTF-8; here it is `None`, no label, whose fallback reads
/// UTF-8 first ([`utf8_or_1252`]). `x-user-defined` is windows-1252; an unknown label is
/// `None` too, and [`meta_charset`] reads on to the next `<meta>`.
fn ascii_compatible(label: &str) -> Option<&str> {
    let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
    if enc == encoding_rs::X_USER_DEFINED {
        Some("windows-1252")
    } else if enc == encoding_rs::UTF_16LE
        || enc == encoding_rs::UTF_16BE
        || enc == encoding_rs::REPLACEMENT
    {
        None
    } else {
        Some(label)
    }
}

/// Where `needle` (lowercase ASCII) first occurs in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Text from bytes that are mostly UTF-8: valid UTF-8 stays, every byte that is not part
/// of a valid sequence is read as Windows-1252. Handles pure ISO-8859-1 text and text that
/// mixes both (a quoted Latin-1 letter in a UTF-8 reply).
pub(crate) fn utf8_or_1252(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            let byte = [b];
            let (c, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            out.push_str(&c);
        }
    }
    out
}

/// Decodes `bytes` of a declared charset (a label such as `iso-8859-1` or `windows-1252`),
/// falling back to UTF-8 and then Windows-1252. For hosts that hand over bytes and a label.
pub(crate) fn decode_charset(bytes: &[u8], label: Option<&str>) -> String {
    if let Some(enc) = label.and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes())) {
        let (text, _, _) = enc.decode(bytes);
        return text.into_owned();
    }
    utf8_or_1252(bytes)
}

/// A header value with its RFC 2047 encoded words decoded as RFC 2047 §6.2 and the mail
/// programs that get this right (Python's `email`, MimeKit) do: the bytes of adjacent
/// encoded words in the same charset are joined before they are decoded, and the white
/// space between adjacent encoded words is dropped. mail-parser decodes each word on its
/// own, so a word that ends inside a UTF-8 character (`=?utf-8?q?S=C3?= =?utf-8?q?=B8ren?=`,
/// which some senders write when they fold a long subject) gave `S��ren`. A charset
/// neither encoding_rs nor mail-parser knows is read as UTF-8, else Windows-1252; spaces
/// inside a word (not RFC 2047, but sent) are read as mail-parser reads them; a
/// `*language` suffix (RFC 2231) is ignored; what is not a well-formed encoded word stays
/// as written. Line breaks of a folded value become one space.
pub(crate) fn decode_encoded_words(value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    // The encoded words read so far that may still join: their charset and bytes.
    let mut pending: Option<(&[u8], Vec<u8>)> = None;
    let flush = |pending: &mut Option<(&[u8], Vec<u8>)>, out: &mut String| {
        if let Some((charset, bytes)) = pending.take() {
            match std::str::from_utf8(charset).ok() {
                // Declared UTF-8: what is not UTF-8 (a character cut off at the end) is
                // U+FFFD, as mail-parser and Python's `email` give it.
                Some(l) if is_utf8_label(l) => out.push_str(&String::from_utf8_lossy(&bytes)),
                // A charset mail-parser knows and encoding_rs does not (UTF-7): its decoder.
                Some(l) if encoding_rs::Encoding::for_label(l.trim().as_bytes()).is_none() => {
                    match charset_decoder(l.trim().as_bytes()) {
                        Some(decode) => out.push_str(&decode(&bytes)),
                        None => out.push_str(&utf8_or_1252(&bytes)),
                    }
                }
                label => out.push_str(&decode_charset(&bytes, label)),
            }
        }
    };
    let mut i = 0;
    while i < value.len() {
        if let Some((charset, bytes, len)) = encoded_word(value.get(i..).unwrap_or_default()) {
            match &mut pending {
                Some((c, b)) if c.eq_ignore_ascii_case(charset) => b.extend_from_slice(&bytes),
                _ => {
                    flush(&mut pending, &mut out);
                    pending = Some((charset, bytes));
                }
            }
            i += len;
            // White space followed by another encoded word is dropped.
            let gap = value
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            if gap > 0 && encoded_word(value.get(i + gap..).unwrap_or_default()).is_some() {
                i += gap;
            }
            continue;
        }
        flush(&mut pending, &mut out);
        // Plain text up to the next `=?` (or a line break, which unfolds to one space).
        let rest = value.get(i..).unwrap_or_default();
        let end = (1..rest.len())
            .find(|&j| rest.get(j..j + 2) == Some(b"=?"))
            .unwrap_or(rest.len());
        let text = utf8_or_1252(rest.get(..end).unwrap_or_default());
        let mut lines = text.split('\n');
        if let Some(first) = lines.next() {
            out.push_str(first.strip_suffix('\r').unwrap_or(first));
        }
        for line in lines {
            out.push(' ');
            let line = line.trim_start_matches([' ', '\t']);
            out.push_str(line.strip_suffix('\r').unwrap_or(line));
        }
        i += end;
    }
    flush(&mut pending, &mut out);
    out
}

/// The longest encoded text [`encoded_word`] looks through for its end.
const MAX_ENCODED_WORD: usize = 1024;

/// The encoded word (`=?charset?B|Q?text?=`) at the start of `s`: its charset (without a
/// `*language`), its decoded bytes, and its length in `s`.
fn encoded_word(s: &[u8]) -> Option<(&[u8], Vec<u8>, usize)> {
    let s = s.strip_prefix(b"=?")?;
    let q1 = s.iter().take(76).position(|&b| b == b'?')?;
    let charset = s.get(..q1)?;
    let charset = charset
        .iter()
        .position(|&b| b == b'*')
        .and_then(|star| charset.get(..star))
        .unwrap_or(charset);
    let encoding = *s.get(q1 + 1)?;
    if s.get(q1 + 2) != Some(&b'?') || charset.is_empty() {
        return None;
    }
    let text = s.get(q1 + 3..)?;
    // RFC 2047 allows no white space in an encoded word, but some senders put spaces in
    // one (`=?iso-8859-1?Q?om st=F8tte?=`), which mail-parser and Python's `email` read:
    // so does this, within a line. It is looked for at every `=?` of a value, so the search
    // is bounded (RFC 2047 allows 75 bytes; some senders write more).
    let end = text
        .iter()
        .take(MAX_ENCODED_WORD)
        .take_while(|&&b| b != b'\r' && b != b'\n')
        .zip(text.iter().skip(1))
        .position(|(&a, &b)| a == b'?' && b == b'=')?;
    let text = text.get(..end)?;
    let bytes = match encoding.to_ascii_uppercase() {
        b'B' => decode_base64_lenient(text),
        b'Q' => {
            let mut out = Vec::with_capacity(text.len());
            let mut k = 0;
            while k < text.len() {
                let b = text.get(k).copied().unwrap_or_default();
                let hex = |j: usize| {
                    text.get(j)
                        .and_then(|&c| char::from(c).to_digit(16))
                        .map(|d| d as u8)
                };
                match (b, hex(k + 1), hex(k + 2)) {
                    (b'=', Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        k += 3;
                    }
                    (b'_', _, _) => {
                        out.push(b' ');
                        k += 1;
                    }
                    _ => {
                        out.push(b);
                        k += 1;
                    }
                }
            }
            out
        }
        _ => return None,
    };
    Some((charset, bytes, 2 + q1 + 3 + end + 2))
}

/// Undoes `format=flowed` (RFC 3676): a line ending in a space continues on the next line
/// of the same quote depth. Space-stuffing (a leading space added by the sender) is
/// removed, and `-- ` stays a line of its own. Mail apps (Apple Mail, Thunderbird) send
/// this; unflowed, sentences are whole again.
///
/// The space before a soft break is kept even with `delsp=yes`, where RFC 3676 deletes
/// it: senders that declare `delsp=yes` still break lines at spaces (MimeKit's test message
/// for issue 1130 is one), and deleting the space would glue two words together, which
/// hurts every later stage more than an extra space inside a word that was split.
pub(crate) fn unflow(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<usize> = None;
    for raw_line in text.split('\n') {
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let depth = line.bytes().take_while(|b| *b == b'>').count();
        let content = line.get(depth..).unwrap_or("");
        let content = content.strip_prefix(' ').unwrap_or(content);
        let joins = open == Some(depth);
        if !joins && open.is_some() {
            out.push('\n');
        }
        if !joins {
            out.push_str(line.get(..depth).unwrap_or(""));
            if depth > 0 {
                out.push(' ');
            }
        }
        let flowed = content.ends_with(' ') && content != "-- ";
        if flowed {
            out.push_str(content);
            open = Some(depth);
        } else {
            out.push_str(content);
            out.push('\n');
            open = None;
        }
    }
    // The loop adds a line end after the last line, which had none.
    if out.ends_with('\n') && !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// Splits a media type with parameters (`text/plain; charset=iso-8859-1`, as hosts and
/// MeMo's `encodingFormat` give it) into the lowercased type and the charset. An empty type
/// is `application/octet-stream`, as MIME treats an unknown one.
pub(crate) fn split_media_type(media_type: &str) -> (String, Option<String>) {
    let mut parts = media_type.split(';');
    let base = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    });
    let base = if base.is_empty() {
        "application/octet-stream".to_string()
    } else {
        base
    };
    (base, charset)
}

/// Line ends as `\n`: mail arrives with CRLF, LF and now and then a lone CR. One pass.
pub(crate) fn normalize_newlines(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut crs = memchr::memchr_iter(b'\r', bytes).peekable();
    if crs.peek().is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in crs {
        out.push_str(text.get(last..i).unwrap_or(""));
        if bytes.get(i + 1) != Some(&b'\n') {
            out.push('\n');
        }
        last = i + 1;
    }
    out.push_str(text.get(last..).unwrap_or(""));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_decoders() {
        assert_eq!(decode_base64_lenient(b"SGVq\r\nIGRp!!Zw=="), b"Hej dig");
        assert_eq!(decode_base64_lenient(b"SGVqIA==SGVq"), b"Hej Hej");
        assert_eq!(decode_base64_lenient(b"SGVqIA"), b"Hej ");
        assert_eq!(
            decode_qp_lenient(b"S=C3=B8ren =\r\nkom=ZZ"),
            "Søren kom=ZZ".as_bytes()
        );
        assert_eq!(decode_qp_lenient(b"a=\nb="), b"ab=");
        // Spaces or tabs between `=` and the line's end are padding of a soft break.
        assert_eq!(
            decode_qp_lenient(b"Aar= \r\nhus Aar=\t \nhus"),
            b"Aarhus Aarhus"
        );
        assert_eq!(decode_qp_lenient(b"a= b"), b"a= b");
    }

    #[test]
    fn charsets_by_label_and_fallback() {
        assert_eq!(decode_charset(b"s\xf8ger", Some("ISO-8859-1")), "søger");
        assert_eq!(decode_charset(b"\x80 \x96", Some("windows-1252")), "€ –");
        assert_eq!(decode_charset(b"\xa4", Some("iso-8859-15")), "€");
        assert_eq!(decode_charset("søger".as_bytes(), None), "søger");
        assert_eq!(decode_charset(b"s\xf8ger", None), "søger");
        assert_eq!(
            decode_charset(b"s\xf8ger", Some("no-such-charset")),
            "søger"
        );
    }

    #[test]
    fn encoded_words_join_within_a_charset() {
        let d = |v: &str| decode_encoded_words(v.as_bytes());
        // A UTF-8 character split over two words, Q and B.
        assert_eq!(d("=?utf-8?q?S=C3?= =?utf-8?q?=B8ren?="), "Søren");
        assert_eq!(
            d("=?UTF-8?B?U8M=?=\r\n =?utf-8?B?uHJlbg==?= Hansen"),
            "Søren Hansen"
        );
        // Unknown charsets: UTF-8, else Windows-1252; the language suffix is ignored.
        assert_eq!(d("=?x-unknown?q?S=F8ren?="), "Søren");
        assert_eq!(
            d("=?iso-8859-1*da?Q?Ans=F8gning_om?= st\u{f8}tte"),
            "Ansøgning om støtte"
        );
        // Different charsets are decoded apart; text between words stays, folded to a space.
        assert_eq!(
            d("Re: =?iso-8859-1?q?S=F8ren?=\r\n\t=?utf-8?q?_=C3=A6?= og"),
            "Re: Søren æ og"
        );
        // Not encoded words: as written.
        assert_eq!(d("=?utf-8?x?abc?= =?broken"), "=?utf-8?x?abc?= =?broken");
        // Spaces inside a word (not RFC 2047, but sent, and read by mail-parser and Python).
        assert_eq!(
            d("Vedr. =?iso-8859-1?Q?om st=F8tte til b=F8rn?="),
            "Vedr. om støtte til børn"
        );
        // A charset only mail-parser knows.
        assert_eq!(d("=?utf-7?q?+AOY-?= og"), "æ og");
        // Declared UTF-8 cut off inside a character: U+FFFD, not Windows-1252 mojibake.
        assert_eq!(d("=?utf-8?q?Ans=C3=B8gning_S=C3?="), "Ansøgning S\u{FFFD}");
        assert_eq!(d(""), "");
        // Linear: a value of unfinished words is not searched to its end at every `=?`.
        let hostile = "=?utf-8?q?x".repeat(6_000);
        assert!(d(&hostile).len() <= hostile.len());
        let no_end = format!("=?utf-8?q?{}", "x".repeat(60_000));
        assert_eq!(d(&no_end), no_end);
    }

    #[test]
    fn meta_charsets() {
        assert_eq!(
            meta_charset(b"<html><HEAD><Meta Charset=\"ISO-8859-15\"></head>"),
            Some("ISO-8859-15")
        );
        let http_equiv =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">";
        assert_eq!(meta_charset(http_equiv), Some("windows-1252"));
        assert_eq!(
            meta_charset(b"<meta name=x><meta charset='koi8-r'>"),
            Some("koi8-r")
        );
        assert_eq!(
            meta_charset(b"<meta name=\"viewport\"><p>charset=x</p>"),
            None
        );
        assert_eq!(meta_charset(b"<p>no meta</p>"), None);
        // What a browser's prescan does: no UTF-16 from an ASCII-readable <meta>.
        for label in [
            "unicode",
            "utf-16",
            "UTF-16LE",
            "utf-16be",
            "no-such-charset",
        ] {
            let html = format!(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset={label}\">"
            );
            assert_eq!(meta_charset(html.as_bytes()), None, "{label}");
        }
        assert_eq!(
            meta_charset(b"<meta charset=\"x-user-defined\">"),
            Some("windows-1252")
        );
        // An unusable label is skipped for the next <meta>, as a browser does.
        assert_eq!(
            meta_charset(
                b"<meta charset=\"x-mac-foo\"><meta content=\"text/html; charset=koi8-r\">"
            ),
            Some("koi8-r")
        );
        assert_eq!(meta_charset(b"<meta charset="), None);
    }

    #[test]
    fn mixed_utf8_and_latin1() {
        assert_eq!(utf8_or_1252("yötä ".as_bytes()), "yötä ");
        let mut mixed = "Søren: ".as_bytes().to_vec();
        mixed.extend_from_slice(b"s\xf8ger \x80");
        assert_eq!(utf8_or_1252(&mixed), "Søren: søger €");
    }

    #[test]
    fn flowed_text_is_joined() {
        let cases = [
            (
                "Det er en \nlang linje.\nNy linje",
                "Det er en lang linje.\nNy linje",
            ),
            ("there is \na test", "there is a test"),
            (
                "> citat der \n> fortsætter\nsvar",
                "> citat der fortsætter\nsvar",
            ),
            (" From stuffed\n-- \nJens", "From stuffed\n-- \nJens"),
            ("slut \n", "slut \n"),
        ];
        for (input, want) in cases {
            assert_eq!(unflow(input), want, "{input:?}");
        }
    }

    #[test]
    fn media_types_with_parameters() {
        assert_eq!(
            split_media_type("Text/Plain; charset=\"ISO-8859-1\""),
            ("text/plain".to_string(), Some("ISO-8859-1".to_string()))
        );
        assert_eq!(
            split_media_type(""),
            ("application/octet-stream".to_string(), None)
        );
    }

    #[test]
    fn newlines() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(normalize_newlines("æ\r\r\nø\r"), "æ\n\nø\n");
        assert_eq!(normalize_newlines("ingen"), "ingen");
    }
}
