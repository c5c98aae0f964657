//! Header fields of a parsed message: raw headers, addresses, ids and the date, in the
//! shapes of [`crate::message`].

use mail_parser::parsers::MessageStream;
use mail_parser::{HeaderName, HeaderValue};

use crate::ingest::decode::decode_encoded_words;
use crate::message::{Address, Header};

/// The header list of a header block: names as mail-parser knows them, values unfolded
/// with encoded words decoded, at most `max` of them. Returns the list and the number of
/// fields there were.
pub(crate) fn raw_headers(
    headers: &[mail_parser::Header<'_>],
    raw: &[u8],
    max: usize,
) -> (Vec<Header>, usize) {
    let list: Vec<Header> = headers
        .iter()
        .filter(|h| is_field(h, raw))
        .take(max)
        .map(|h| Header {
            name: h.name.as_str().to_string(),
            value: header_text(raw, h.offset_start as usize, h.offset_end as usize),
        })
        .collect();
    let count = if list.len() < max {
        list.len()
    } else {
        headers.iter().filter(|h| is_field(h, raw)).count()
    };
    (list, count)
}

/// Whether mail-parser's header is a real `name: value` field. At the end of the input
/// mail-parser takes a line without a colon for a header name; that is not a field.
pub(crate) fn is_field(h: &mail_parser::Header<'_>, raw: &[u8]) -> bool {
    raw.get(h.offset_field as usize..h.offset_start as usize)
        .is_some_and(|name| name.contains(&b':'))
}

/// The value of a header field from its raw bytes: unfolded, trimmed, RFC 2047 decoded.
pub(crate) fn header_text(raw: &[u8], start: usize, end: usize) -> String {
    let bytes = raw.get(start..end).unwrap_or_default().trim_ascii();
    let encoded_word = memchr::memchr_iter(b'=', bytes).any(|i| bytes.get(i + 1) == Some(&b'?'));
    if encoded_word {
        // mail-parser's unstructured parser unfolds and decodes encoded words; it needs the
        // line end that ends the field.
        let mut owned = Vec::with_capacity(bytes.len() + 1);
        owned.extend_from_slice(bytes);
        owned.push(b'\n');
        let parsed = match MessageStream::new(&owned).parse_unstructured() {
            HeaderValue::Text(t) => t.trim().to_string(),
            _ => String::new(),
        };
        return better_decoded(parsed, bytes);
    }
    // Unfold: a line break and the white space after it are one space.
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(nl) = memchr::memchr(b'\n', rest) {
        let line = rest.get(..nl).unwrap_or_default();
        out.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        rest = rest.get(nl + 1..).unwrap_or_default();
        let indent = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        rest = rest.get(indent..).unwrap_or_default();
        out.push(b' ');
    }
    out.extend_from_slice(rest);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// mail-parser's decoding of a value with encoded words, or [`decode_encoded_words`]'
/// when that has fewer replacement characters: mail-parser decodes adjacent encoded words
/// one by one (a UTF-8 character split between two gives two U+FFFD) and gives U+FFFD for
/// a charset it does not know.
fn better_decoded(parsed: String, raw_value: &[u8]) -> String {
    if !parsed.contains('\u{FFFD}') {
        return parsed;
    }
    let ours = decode_encoded_words(raw_value);
    choose(parsed, ours.trim())
}

/// `ours` in place of mail-parser's `parsed` when it is better: not empty (an empty
/// re-read means the offsets did not point into the bytes), with fewer replacement
/// characters, and with no encoded word left that mail-parser decoded (a charset
/// encoding_rs lacks, such as UTF-7, or a word over the decoder's length bound).
fn choose(parsed: String, ours: &str) -> String {
    let bad = |t: &str| t.matches('\u{FFFD}').count();
    let words = |t: &str| t.matches("=?").count();
    if !ours.is_empty() && bad(ours) < bad(&parsed) && words(ours) <= words(&parsed) {
        ours.to_string()
    } else {
        parsed
    }
}

/// The subject, as [`text`] gives it, but decoded from the raw field by
/// [`header_text`] when mail-parser's decoding has replacement characters.
pub(crate) fn subject(headers: &[mail_parser::Header<'_>], raw: &[u8]) -> Option<String> {
    let parsed = text(headers, HeaderName::Subject)?.to_string();
    if !parsed.contains('\u{FFFD}') {
        return Some(parsed);
    }
    let ours = headers
        .iter()
        .rev()
        .find(|h| h.name == HeaderName::Subject && is_field(h, raw))
        .map(|f| header_text(raw, f.offset_start as usize, f.offset_end as usize))
        .unwrap_or_default();
    Some(choose(parsed, &ours))
}

/// The value of the last header named `name`: mail-parser's choice when a header repeats.
fn last_value<'a, 'x>(
    headers: &'a [mail_parser::Header<'x>],
    name: &HeaderName<'_>,
) -> Option<&'a HeaderValue<'x>> {
    headers
        .iter()
        .rev()
        .find(|h| &h.name == name)
        .map(|h| &h.value)
}

/// The text of a header that mail-parser parsed as text (the last one, as mail-parser does).
pub(crate) fn text<'a>(
    headers: &'a [mail_parser::Header<'_>],
    name: HeaderName<'_>,
) -> Option<&'a str> {
    match last_value(headers, &name)? {
        HeaderValue::Text(t) => Some(t.as_ref()),
        HeaderValue::TextList(list) => list.first().map(|t| t.as_ref()),
        _ => None,
    }
}

/// Ids of a message-id header (`In-Reply-To`, `References`), without angle brackets, from
/// every occurrence of the header.
pub(crate) fn ids(headers: &[mail_parser::Header<'_>], name: HeaderName<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for h in headers.iter().filter(|h| h.name == name) {
        match &h.value {
            HeaderValue::Text(t) => push_id(&mut out, t),
            HeaderValue::TextList(list) => list.iter().for_each(|t| push_id(&mut out, t)),
            _ => {}
        }
    }
    out
}

fn push_id(out: &mut Vec<String>, id: &str) {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    if !id.is_empty() {
        out.push(id.to_string());
    }
}

/// Every mailbox of every occurrence of an address header, groups flattened.
pub(crate) fn addresses(headers: &[mail_parser::Header<'_>], name: HeaderName<'_>) -> Vec<Address> {
    let mut out = Vec::new();
    for h in headers.iter().filter(|h| h.name == name) {
        if let HeaderValue::Address(a) = &h.value {
            for addr in a.iter() {
                if let Some(a) = address(addr) {
                    out.push(a);
                }
            }
        }
    }
    out
}

/// One mailbox; `None` when it has neither address nor name.
fn address(addr: &mail_parser::Addr<'_>) -> Option<Address> {
    let name = addr
        .name
        .as_ref()
        .map(|n| n.trim().trim_matches('"').trim().to_string())
        .filter(|n| !n.is_empty());
    let address = addr
        .address
        .as_ref()
        .map(|a| a.trim().to_string())
        .unwrap_or_default();
    if name.is_none() && address.is_empty() {
        return None;
    }
    Some(Address { name, address })
}

/// The sender: the first mailbox of `From`, else of `Sender`.
pub(crate) fn sender(headers: &[mail_parser::Header<'_>]) -> Option<Address> {
    let last = |name: HeaderName<'static>| match last_value(headers, &name) {
        Some(HeaderValue::Address(a)) => a.iter().find_map(address),
        _ => None,
    };
    last(HeaderName::From).or_else(|| last(HeaderName::Sender))
}

/// The `Date` as RFC 3339 and Unix time, when it is a real date.
pub(crate) fn date(headers: &[mail_parser::Header<'_>]) -> Option<(String, i64)> {
    match last_value(headers, &HeaderName::Date)? {
        HeaderValue::DateTime(d) if d.is_valid() => Some((d.to_rfc3339(), d.to_timestamp())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_unfolded_and_decoded() {
        let raw = b"X: a\r\n\tb\r\n";
        assert_eq!(header_text(raw, 2, raw.len()), "a b");
        let raw = b"X: =?iso-8859-1?q?S=F8ren?= =?utf-8?b?w6ZibGVy?=\n";
        assert_eq!(header_text(raw, 2, raw.len()), "Sørenæbler");
        let raw = b"X:   plain  \n";
        assert_eq!(header_text(raw, 2, raw.len()), "plain");
        assert_eq!(header_text(b"", 5, 9), "");
    }
}
