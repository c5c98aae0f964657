//! The `File`s of a MeMo body: base64 decoding, media types, and text extraction.
//!
//! Text-like files (`text/*`, XML, JSON; HTML converted to text) are read here; PDF, Office,
//! RTF files and images go to [`crate::ingest::attachment`] like e-mail attachments. Other
//! files are described (name, type, size) and get [`Extraction::NotText`].

use std::time::Instant;

use super::model::{DocumentKind, FileInfo};
use super::xml::Element;
use crate::ingest::attachment::{self, is_rtf, Kind, Outcome};
use crate::ingest::decode::normalize_newlines;
use crate::ingest::html_to_text;
use crate::ingest::limits::cut_text;
use crate::ingest::mime::is_text_like;
use crate::ingest::Limits;
use crate::message::Extraction;

/// One decoded `File`: its description, and its bytes when it is text-like and was kept.
#[derive(Clone)]
pub(crate) struct Payload {
    /// What [`Memo::documents`](super::Memo::documents) shows.
    pub(crate) info: FileInfo,
    /// Which document it belongs to.
    pub(crate) kind: DocumentKind,
    /// The `charset` parameter of `encodingFormat`, if any.
    charset: Option<String>,
    /// The decoded bytes, for text-like files only.
    bytes: Option<Vec<u8>>,
    /// Why the file's bytes cannot be had: no `content` element at all, or content that is
    /// not base64. The message is still read, with this file unreadable, as a damaged
    /// e-mail attachment is.
    broken: Option<String>,
}

impl Payload {
    /// Whether the file's content is missing or damaged (see [`Payload::text`]).
    pub(crate) fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    /// Whether this file's text can be read as it is (`text/plain`, `text/html`, XML, …).
    /// RTF (`text/rtf`, or content that starts `{\rtf`) is not: it is markup, read by the
    /// RTF extractor in [`Payload::document_text`].
    pub(crate) fn is_text(&self) -> bool {
        is_text_like(&self.info.media_type)
            && !is_rtf(
                self.bytes.as_deref().unwrap_or_default(),
                &self.info.media_type,
            )
    }

    /// Whether this is HTML, which is converted to text.
    pub(crate) fn is_html(&self) -> bool {
        is_html(&self.info.media_type)
    }

    /// Whether this is `text/plain` (and not RTF under that type).
    pub(crate) fn is_plain(&self) -> bool {
        self.info.media_type == "text/plain" && self.is_text()
    }

    /// The text of a document file (PDF, Office, RTF, an image), read as an e-mail
    /// attachment's is; `None` for text-like files and files of other kinds.
    pub(crate) fn document_text(&self, limits: &Limits, deadline: Instant) -> Option<Outcome> {
        if self.is_text() {
            return None;
        }
        let bytes = self.bytes.as_deref()?;
        let name = self.info.filename.as_deref();
        let kind = Kind::detect(bytes, &self.info.media_type, name)?;
        Some(attachment::extract(kind, bytes, limits, deadline, 0))
    }

    /// The file's text (HTML converted to text, line ends as `\n`) cut to `max_bytes`, how
    /// extracting it went, and how large the text was (for HTML: the HTML) when it was cut.
    pub(crate) fn text(&self, max_bytes: usize) -> (Option<String>, Extraction, usize) {
        if let Some(reason) = &self.broken {
            let reason = reason.clone();
            return (None, Extraction::Unreadable { reason }, 0);
        }
        let Some(bytes) = self.bytes.as_deref().filter(|_| self.is_text()) else {
            return (None, Extraction::NotText, 0);
        };
        let decoded = decode_charset(bytes, self.charset.as_deref());
        let (mut text, seen) = if self.is_html() {
            // One byte over the limit, so that `cut_text` below sees and reports the cut.
            let (text, _) = html_to_text(&decoded, max_bytes.saturating_add(1));
            (text, decoded.len())
        } else {
            let text = normalize_newlines(&decoded).into_owned();
            let len = text.len();
            (text, len)
        };
        if cut_text(&mut text, max_bytes) {
            let limit = max_bytes as u64;
            return (Some(text), Extraction::Truncated { limit }, seen);
        }
        (Some(text), Extraction::Extracted, seen)
    }
}

/// Decodes one `File` element. `path` (`MainDocument[1]/File[2]`) names it in the reason a
/// damaged file is unreadable; the bytes are kept only when `keep` is set and the file's
/// text can be read.
pub(crate) fn decode_file(file: &Element, kind: DocumentKind, path: &str, keep: bool) -> Payload {
    let format = file.text_of("encodingFormat").unwrap_or_default();
    let (media_type, charset) = split_media_type(&format);
    let (bytes, broken) = match file.child("content").map(|c| base64(&c.text)) {
        Some(Ok(bytes)) => (bytes, None),
        Some(Err(why)) => (
            Vec::new(),
            Some(format!("invalid base64 in {path}/content: {why}")),
        ),
        None => (
            Vec::new(),
            Some("the File has no content element".to_string()),
        ),
    };
    let info = FileInfo {
        media_type,
        filename: file.text_of("filename"),
        language: file.text_of("language"),
        size: bytes.len() as u64,
    };
    let readable = is_text_like(&info.media_type)
        || Kind::detect(&bytes, &info.media_type, info.filename.as_deref()).is_some();
    Payload {
        info,
        kind,
        charset,
        bytes: (keep && readable).then_some(bytes),
        broken,
    }
}

/// `text/html; charset=UTF-8` → (`text/html`, `Some("UTF-8")`). An empty or missing
/// `encodingFormat` is `application/octet-stream`, as MIME treats an unknown type.
fn split_media_type(format: &str) -> (String, Option<String>) {
    let mut parts = format.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_string())
    });
    let essence = if essence.is_empty() {
        "application/octet-stream".to_string()
    } else {
        essence
    };
    (essence, charset)
}

fn is_html(media_type: &str) -> bool {
    media_type == "text/html" || media_type == "application/xhtml+xml"
}

/// Text from bytes: a byte-order mark wins; else the declared charset; else UTF-8 with
/// stray bytes read as Windows-1252 (the ingest module's rule for mail).
fn decode_charset(bytes: &[u8], charset: Option<&str>) -> String {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, bom)) => {
            let rest = bytes.get(bom..).unwrap_or_default();
            enc.decode_without_bom_handling(rest).0.into_owned()
        }
        None => crate::ingest::decode::decode_charset(bytes, charset),
    }
}

/// Decodes `xs:base64Binary`: whitespace (line breaks) allowed anywhere, padding optional.
///
/// Uses mail-parser's decoder (already a dependency, pinned) and adds the checks it leaves
/// out, so that a damaged file is reported rather than silently shortened.
fn base64(text: &str) -> std::result::Result<Vec<u8>, String> {
    let significant = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'='))
        .count();
    if significant % 4 == 1 {
        return Err(format!(
            "{significant} base64 digits cannot encode whole bytes (truncated?)"
        ));
    }
    if let Some(pos) = text
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b"+/= \t\r\n".contains(&b)))
    {
        return Err(format!("a character that is not base64 at offset {pos}"));
    }
    mail_parser::decoders::base64::base64_decode(text.as_bytes())
        .ok_or_else(|| "undecodable base64".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_accepts_line_breaks_and_missing_padding_and_rejects_damage() {
        assert_eq!(base64("VGhpcyBpcyBhIHRlc3Q=").unwrap(), b"This is a test");
        assert_eq!(
            base64("VGhp\r\ncyBp cyBh\tIHRl\nc3Q").unwrap(),
            b"This is a test"
        );
        assert_eq!(base64("").unwrap(), b"");
        assert_eq!(base64("  \n ").unwrap(), b"");
        let err = base64("VGhpcyBpc*yBhIHRlc3Q=").unwrap_err();
        assert!(err.contains("offset 9"), "{err}");
        let err = base64("VGhpc").unwrap_err();
        assert!(err.contains("truncated"), "{err}");
        assert!(base64("æøå").is_err());
    }

    #[test]
    fn media_types_are_split_from_their_parameters() {
        assert_eq!(
            split_media_type(" Text/HTML; charset=\"ISO-8859-1\" "),
            ("text/html".to_string(), Some("ISO-8859-1".to_string()))
        );
        assert_eq!(split_media_type("").0, "application/octet-stream");
    }

    #[test]
    fn charsets_are_honoured_with_a_windows_1252_fallback() {
        assert_eq!(decode_charset("Søren".as_bytes(), None), "Søren");
        assert_eq!(decode_charset(b"S\xf8ren", None), "Søren");
        assert_eq!(decode_charset(b"S\xf8ren", Some("iso-8859-1")), "Søren");
        assert_eq!(decode_charset(b"\xEF\xBB\xBFhej", None), "hej");
        assert_eq!(decode_charset("æ".as_bytes(), Some("no-such-charset")), "æ");
        let utf16: Vec<u8> = [0xFF, 0xFE, b'h', 0, 0xE6, 0].to_vec();
        assert_eq!(decode_charset(&utf16, Some("utf-8")), "hæ");
    }
}
