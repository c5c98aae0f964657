//! [`Limits`]: how much work one message may cause.
//!
//! A municipality's mailbox receives whatever anyone sends, including mail built to hurt a
//! parser: a 50 MB message, 10,000 MIME parts, messages nested in messages. Every constructor
//! in [`crate::ingest`] therefore works within limits, cuts what exceeds them, and records
//! each cut in [`Message::truncations`](crate::Message::truncations) so that nothing is lost
//! silently.

use std::time::Duration;

use crate::message::Truncation;

/// Upper bounds on the work done for one message.
///
/// The defaults suit a municipal mailbox: they keep every ordinary message whole (most mail
/// servers refuse messages above 25 MiB anyway) while a hostile one costs at most a few
/// hundred megabytes of memory and well under a second. Raise them only when a host knows its
/// input is bigger and trusted.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::ingest::Limits;
/// let limits = Limits { max_body_text_bytes: 64 * 1024, ..Limits::default() };
/// let raw = format!("Subject: long\r\n\r\n{}", "tekst ".repeat(20_000));
/// let msg = signatur::Message::from_bytes_with(raw.as_bytes(), &limits)?;
/// assert!(msg.body.text.len() <= 64 * 1024);
/// assert_eq!(msg.truncations[0].what, "body_text");
/// # Ok(()) }
/// # example().unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The raw message is cut to this many bytes before it is parsed (default 25 MiB, the
    /// common limit of mail servers, so a message that was delivered fits).
    pub max_message_bytes: usize,
    /// At most this many MIME parts are parsed, nested messages included (default 1,000;
    /// real mail has a handful, mailing-list digests a few hundred).
    pub max_parts: usize,
    /// The readable body text is cut to this many bytes (default 1 MiB: more than any letter
    /// a person writes, and all that routing and journaling need).
    pub max_body_text_bytes: usize,
    /// The text extracted from each attachment is cut to this many bytes (default 256 KiB).
    pub max_attachment_text_bytes: usize,
    /// At most this many attachments are listed (default 200).
    pub max_attachments: usize,
    /// A base64 or quoted-printable `message/rfc822` part whose content nests messages
    /// deeper than this is not decoded (default 20; real mail rarely nests beyond 3).
    /// mail-parser decodes and copies such parts by recursion, so this bounds the stack;
    /// nesting without a transfer encoding costs no recursion and counts against
    /// `max_parts` instead. The truncation's `actual` is an upper bound on the depth.
    pub max_nesting_depth: usize,
    /// At most this many header fields are kept per header block (default 1,000; real mail
    /// has 10 to 100).
    pub max_headers: usize,
    /// The subject (a mail's, a Digital Post letter's label, a host's) and each kept header
    /// value are cut to this many bytes, and in a message that gets the skeleton scan
    /// before parsing (one over 256 KiB, or one that nests messages or has very many parts)
    /// a MIME field (`Content-Type`, `Content-Disposition`, …) longer than this is left out
    /// (default 64 KiB; a real subject has under 200 bytes, a real MIME field under 1 KiB).
    /// The subject and headers are scanned for references and case numbers like the body,
    /// which has its own limit, and mail-parser joins RFC 2231 parameter continuations in
    /// quadratic time (in a message under 256 KiB that costs milliseconds). The truncation
    /// is `header_value`.
    pub max_header_value_bytes: usize,
    /// The time the text extraction of all attachments of one message may take together
    /// (default 5 s; a 1 MB PDF takes a few milliseconds). Extractors check it inside their
    /// loops; an attachment still unread when it runs out is marked unreadable.
    pub max_extraction_time: Duration,
    /// How many bytes one attachment may decompress to: zip members of an Office document,
    /// PDF streams (default 64 MiB). Stops zip bombs and PDF stream bombs; a member that
    /// declares more is not opened, and reading stops at the limit whatever it declared.
    pub max_decompressed_bytes: usize,
    /// How deep extraction goes into attachments of attachments: a forwarded mail's
    /// attachments are depth 1, a mail forwarded in that one depth 2 (default 3).
    pub max_attachment_depth: usize,
    /// The most objects a PDF, or entries a zip package or `.msg` file, may have for its
    /// text to be read (default 200,000; a 100-page report has a few thousand). Bounds the
    /// work of loading a document, which a deadline cannot interrupt.
    pub max_document_objects: usize,
    /// With the `ocr` feature: the time OCR may take for all attachments of one message
    /// together (default 60 s; Tesseract reads a page in 1 to 5 s).
    pub max_ocr_time: Duration,
    /// With the `ocr` feature: how many pages of a scanned PDF are read (default 5: the
    /// first pages say what a letter is about).
    pub max_ocr_pages: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_message_bytes: 25 * 1024 * 1024,
            max_parts: 1000,
            max_body_text_bytes: 1024 * 1024,
            max_attachment_text_bytes: 256 * 1024,
            max_attachments: 200,
            max_nesting_depth: 20,
            max_headers: 1000,
            max_header_value_bytes: 64 * 1024,
            max_extraction_time: Duration::from_secs(5),
            max_decompressed_bytes: 64 * 1024 * 1024,
            max_attachment_depth: 3,
            max_document_objects: 200_000,
            max_ocr_time: Duration::from_secs(60),
            max_ocr_pages: 5,
        }
    }
}

/// Records what was cut, merging repeated cuts of the same kind into one entry.
#[derive(Debug, Default)]
pub(crate) struct Cuts {
    list: Vec<Truncation>,
}

impl Cuts {
    /// Records that `what` exceeded `limit`; `actual` is how large it was (or at least was).
    /// A second cut of the same kind keeps the larger `actual`.
    pub(crate) fn record(&mut self, what: &str, limit: usize, actual: usize) {
        let (limit, actual) = (limit as u64, actual as u64);
        if let Some(t) = self.list.iter_mut().find(|t| t.what == what) {
            t.actual = t.actual.max(actual);
            return;
        }
        self.list.push(Truncation {
            what: what.to_string(),
            limit,
            actual,
        });
    }

    /// Adds every cut of `other`.
    pub(crate) fn extend(&mut self, other: Cuts) {
        for t in other.list {
            self.record(&t.what, t.limit as usize, t.actual as usize);
        }
    }

    pub(crate) fn into_vec(self) -> Vec<Truncation> {
        self.list
    }
}

/// Cuts a subject or header value to [`Limits::max_header_value_bytes`] (see
/// [`cut_text`]) and records it as `header_value`.
pub(crate) fn cut_header_value(text: &mut String, limits: &Limits, cuts: &mut Cuts) {
    let len = text.len();
    if cut_text(text, limits.max_header_value_bytes) {
        cuts.record("header_value", limits.max_header_value_bytes, len);
    }
}

/// Cuts `text` to at most `max` bytes at a character boundary, preferring the end of a line
/// or word so that the last token is not a fragment. Returns whether it cut.
pub(crate) fn cut_text(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    // Look back a little for a line or word end; never more than 256 bytes.
    let window_start = end.saturating_sub(256);
    let window = text.get(window_start..end).unwrap_or("");
    if let Some(pos) = window.rfind(['\n', ' ']) {
        end = window_start + pos;
    }
    text.truncate(end);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_text_respects_char_boundaries_and_words() {
        let mut s = "æøå æøå æøå".to_string();
        assert!(cut_text(&mut s, 8));
        assert_eq!(s, "æøå");
        let mut s = "ååå".to_string();
        assert!(cut_text(&mut s, 5));
        assert_eq!(s, "åå");
        let mut s = "kort".to_string();
        assert!(!cut_text(&mut s, 10));
        assert_eq!(s, "kort");
    }

    #[test]
    fn repeated_cuts_merge() {
        let mut c = Cuts::default();
        c.record("attachment_text", 10, 20);
        c.record("attachment_text", 10, 50);
        c.record("parts", 5, 6);
        let v = c.into_vec();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].actual, 50);
        assert_eq!(v[1].what, "parts");
    }
}
