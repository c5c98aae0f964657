//! The text of attached files: PDF, Office documents (DOCX, ODT, XLSX, ODS), RTF, Outlook
//! `.msg` files, and with the `ocr` feature images and scanned PDFs.
//!
//! Much municipal mail says little more than "se vedhæftede": the application, complaint or
//! invoice is the attachment, so its text decides where the mail goes. It becomes
//! [`Attachment::text`](crate::Attachment::text), which the features read as a space of
//! their own.
//!
//! Attachment parsers are where real input crashes libraries, so every extractor here
//! runs
//!
//! - behind a panic boundary (`catch_unwind`): a panic in a parser marks the attachment
//!   unreadable and the message is still parsed;
//! - within the limits of [`Limits`]: a deadline shared by all attachments of a message
//!   (checked inside every loop), a budget of decompressed bytes per attachment (zip
//!   members are checked by their declared size and stopped at their actual size; PDF
//!   streams are inflated with a cap), the output limit `max_attachment_text_bytes` (an
//!   extractor stops when it is reached), a cap on PDF objects, and a nesting depth for
//!   attachments inside attachments.
//!
//! A failure or a limit gives [`Extraction::Unreadable`] with a reason that contains
//! nothing from the file. Images and PDFs without a text layer give
//! [`Extraction::NoTextLayer`] unless the `ocr` feature ran Tesseract on them.

mod msg;
#[cfg(feature = "ocr")]
mod ocr;
mod office;
mod pdf;
mod rtf;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use super::limits::Limits;
use crate::message::Extraction;

/// What extraction made of one attachment.
pub(crate) struct Outcome {
    /// The text, when there is some.
    pub(crate) text: Option<String>,
    /// How it went.
    pub(crate) extraction: Extraction,
    /// The number of pages, for a PDF.
    pub(crate) pages: Option<u32>,
}

/// The kinds of file whose text this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A PDF.
    Pdf,
    /// Word's Office Open XML (`.docx`).
    Docx,
    /// Excel's Office Open XML (`.xlsx`).
    Xlsx,
    /// An OpenDocument text, spreadsheet or presentation (`.odt`, `.ods`, `.odp`).
    OpenDocument,
    /// Rich Text Format.
    Rtf,
    /// An Outlook message saved as a file (`.msg`).
    Msg,
    /// A raster image (PNG, JPEG, TIFF, GIF, BMP, WebP): text only through OCR.
    Image,
}

/// Whether a file is RTF by its media type or its first bytes. `text/rtf` is a `text/*`
/// type, but its content is markup: every path that reads text-like files as they are
/// (mail and `.msg` attachments, MeMo files, the builder's bytes) asks this first and
/// hands RTF to [`Kind::Rtf`]'s extractor instead.
pub(crate) fn is_rtf(bytes: &[u8], media_type: &str) -> bool {
    matches!(media_type, "text/rtf" | "application/rtf") || bytes.starts_with(b"{\\rtf")
}

impl Kind {
    /// The kind of an attachment from its first bytes, its media type and its name, in
    /// that order of trust: senders' mail programs often say `application/octet-stream`.
    pub(crate) fn detect(bytes: &[u8], media_type: &str, name: Option<&str>) -> Option<Kind> {
        let ext = name
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if bytes.starts_with(b"%PDF-") || find(bytes.get(..1024).unwrap_or(bytes), b"%PDF-") {
            return Some(Kind::Pdf);
        }
        if bytes.starts_with(b"{\\rtf") {
            return Some(Kind::Rtf);
        }
        if msg::is_msg(bytes) {
            return Some(Kind::Msg);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return office::package_kind(bytes, media_type, &ext);
        }
        let image = bytes.starts_with(b"\x89PNG\r\n\x1a\n")
            || bytes.starts_with(b"\xff\xd8\xff")
            || bytes.starts_with(b"II*\0")
            || bytes.starts_with(b"MM\0*")
            || bytes.starts_with(b"GIF87a")
            || bytes.starts_with(b"GIF89a")
            || bytes.starts_with(b"BM")
            || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"));
        if image && (media_type.starts_with("image/") || media_type == "application/octet-stream") {
            return Some(Kind::Image);
        }
        // Declared but not recognised by content: let the extractor say what is wrong.
        match (media_type, ext.as_str()) {
            ("application/pdf", _) | (_, "pdf") => Some(Kind::Pdf),
            ("application/rtf" | "text/rtf", _) | (_, "rtf") => Some(Kind::Rtf),
            ("application/vnd.ms-outlook", _) | (_, "msg") => Some(Kind::Msg),
            (m, _) if m.starts_with("image/") && m != "image/svg+xml" => Some(Kind::Image),
            (m, e) => office::declared_kind(m, e),
        }
    }
}

/// Why an extractor stopped without text. The strings never quote the file.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A limit of [`Limits`] was reached.
    Limit(String),
    /// The file is damaged or not what it claims to be.
    Broken(String),
    /// There is no text to read without OCR (an image, a scan without a text layer).
    NoTextLayer(String),
}

/// The limits one extraction works within, and what it has used of them.
pub(crate) struct Budget {
    deadline: Instant,
    /// Decompressed bytes still allowed.
    inflate_left: usize,
    max_inflate: usize,
    /// Calls of [`Budget::tick`] since the clock was last read.
    ticks: u32,
    /// The limits, for extractors with limits of their own (PDF objects, OCR).
    pub(crate) limits: Limits,
}

impl Budget {
    /// A budget that ends at `deadline`.
    pub(crate) fn new(limits: &Limits, deadline: Instant) -> Budget {
        Budget {
            deadline,
            inflate_left: limits.max_decompressed_bytes,
            max_inflate: limits.max_decompressed_bytes,
            ticks: 0,
            limits: limits.clone(),
        }
    }

    /// Fails when the deadline has passed.
    pub(crate) fn check_time(&self) -> Result<(), Failure> {
        if Instant::now() >= self.deadline {
            return Err(Failure::Limit(format!(
                "time limit for attachment extraction reached ({} ms per message)",
                self.limits.max_extraction_time.as_millis()
            )));
        }
        Ok(())
    }

    /// Called once per step of a loop: reads the clock every 1,024 steps.
    pub(crate) fn tick(&mut self) -> Result<(), Failure> {
        self.ticks += 1;
        if self.ticks >= 1024 {
            self.ticks = 0;
            self.check_time()?;
        }
        Ok(())
    }

    /// Decompressed bytes still allowed.
    pub(crate) fn inflate_left(&self) -> usize {
        self.inflate_left
    }

    /// Counts `n` decompressed bytes; fails when they exceed what is left.
    pub(crate) fn inflate(&mut self, n: usize) -> Result<(), Failure> {
        if n > self.inflate_left {
            self.inflate_left = 0;
            return Err(self.inflate_failure());
        }
        self.inflate_left -= n;
        Ok(())
    }

    /// The failure for a file that decompresses to more than the budget.
    pub(crate) fn inflate_failure(&self) -> Failure {
        Failure::Limit(format!(
            "decompresses to more than the limit of {} bytes (a decompression bomb?)",
            self.max_inflate
        ))
    }

    /// The deadline.
    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }
}

/// Text being extracted: stops growing at the output limit, and remembers that it did.
pub(crate) struct TextOut {
    buf: String,
    max: usize,
    full: bool,
}

impl TextOut {
    /// An empty text that may grow to `max` bytes.
    pub(crate) fn new(max: usize) -> TextOut {
        TextOut {
            buf: String::new(),
            max,
            full: false,
        }
    }

    /// Whether the limit was reached: extractors stop then.
    pub(crate) fn is_full(&self) -> bool {
        self.full
    }

    /// Appends `s`, or as much of it as fits at a character boundary.
    pub(crate) fn push_str(&mut self, s: &str) {
        if self.full {
            return;
        }
        let room = self.max.saturating_sub(self.buf.len());
        if s.len() <= room {
            self.buf.push_str(s);
            return;
        }
        let mut end = room;
        while end > 0 && !s.is_char_boundary(end) {
            end -= 1;
        }
        self.buf.push_str(s.get(..end).unwrap_or(""));
        self.full = true;
    }

    /// Appends one character.
    pub(crate) fn push(&mut self, c: char) {
        if !self.full && self.buf.len() + c.len_utf8() <= self.max {
            self.buf.push(c);
        } else {
            self.full = true;
        }
    }

    /// Ends the current line, unless the text is empty or already ends one.
    pub(crate) fn newline(&mut self) {
        if !self.buf.is_empty() && !self.buf.ends_with('\n') {
            self.push('\n');
        }
    }

    /// Separates words with a space, unless there is whitespace already.
    pub(crate) fn space(&mut self) {
        if !self.buf.is_empty() && !self.buf.ends_with(char::is_whitespace) {
            self.push(' ');
        }
    }

    /// Whether any letter or digit was written.
    pub(crate) fn has_words(&self) -> bool {
        self.buf.chars().any(char::is_alphanumeric)
    }

    /// The text, with runs of blank lines reduced to one and trailing spaces removed.
    pub(crate) fn finish(self) -> (String, bool) {
        let mut out = String::with_capacity(self.buf.len());
        let mut blank = 0usize;
        for line in self.buf.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                blank += 1;
                continue;
            }
            if !out.is_empty() {
                out.push_str(if blank > 0 { "\n\n" } else { "\n" });
            }
            blank = 0;
            out.push_str(line);
        }
        (out, self.full)
    }
}

/// What an extractor found besides its text.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The number of pages, for a PDF.
    pub(crate) pages: Option<u32>,
    /// Whether the text came from OCR rather than from the file's own text.
    pub(crate) ocr: bool,
}

/// Extracts the text of one attachment of kind `kind` within `limits`, behind a panic
/// boundary, stopping at `deadline`. `depth` is how deep the attachment sits in other
/// attachments (0 for one attached to the message itself).
pub(crate) fn extract(
    kind: Kind,
    bytes: &[u8],
    limits: &Limits,
    deadline: Instant,
    depth: usize,
) -> Outcome {
    if depth > limits.max_attachment_depth {
        return unreadable(format!(
            "nested in attachments deeper than the limit of {}",
            limits.max_attachment_depth
        ));
    }
    guarded(kind.name(), limits, deadline, |budget, out| match kind {
        Kind::Pdf => pdf::extract(bytes, budget, out),
        Kind::Docx => office::docx(bytes, budget, out),
        Kind::Xlsx => office::xlsx(bytes, budget, out),
        Kind::OpenDocument => office::open_document(bytes, budget, out),
        Kind::Rtf => rtf::extract(bytes, budget, out),
        Kind::Msg => msg::extract(bytes, depth, budget, out),
        Kind::Image => image(bytes, budget, out),
    })
}

/// Runs `extractor` behind a panic boundary within `limits` and turns its result into an
/// [`Outcome`].
fn guarded(
    what: &str,
    limits: &Limits,
    deadline: Instant,
    extractor: impl FnOnce(&mut Budget, &mut TextOut) -> Result<Found, Failure>,
) -> Outcome {
    let max = limits.max_attachment_text_bytes;
    let mut budget = Budget::new(limits, deadline);
    if let Err(Failure::Limit(reason)) = budget.check_time() {
        return unreadable(reason);
    }
    let mut out = TextOut::new(max);
    // The extractors keep no state that a panic could leave half-changed: the budget and
    // the text are dropped unless the extractor returned.
    let result = catch_unwind(AssertUnwindSafe(|| extractor(&mut budget, &mut out)));
    let found = match result {
        Ok(Ok(found)) => found,
        Ok(Err(Failure::Limit(reason) | Failure::Broken(reason))) => return unreadable(reason),
        Ok(Err(Failure::NoTextLayer(reason))) => {
            return Outcome {
                text: None,
                extraction: Extraction::NoTextLayer { reason },
                pages: None,
            }
        }
        Err(_) => {
            return unreadable(format!(
                "the {what} reader failed on this file (it panicked)"
            ))
        }
    };
    let (text, full) = out.finish();
    let extraction = if full {
        Extraction::Truncated { limit: max as u64 }
    } else if found.ocr {
        Extraction::Ocr
    } else {
        Extraction::Extracted
    };
    Outcome {
        text: Some(text),
        extraction,
        pages: found.pages,
    }
}

/// An outcome without text, for `reason`.
fn unreadable(reason: String) -> Outcome {
    Outcome {
        text: None,
        extraction: Extraction::Unreadable { reason },
        pages: None,
    }
}

impl Kind {
    /// The kind's name in reasons.
    fn name(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Docx => "DOCX",
            Kind::Xlsx => "XLSX",
            Kind::OpenDocument => "OpenDocument",
            Kind::Rtf => "RTF",
            Kind::Msg => "Outlook .msg",
            Kind::Image => "image",
        }
    }
}

/// An image: OCR with the `ocr` feature, else no text.
#[cfg(not(feature = "ocr"))]
fn image(_bytes: &[u8], _budget: &mut Budget, _out: &mut TextOut) -> Result<Found, Failure> {
    Err(no_ocr())
}

/// An image: OCR with the `ocr` feature, else no text.
#[cfg(feature = "ocr")]
fn image(bytes: &[u8], budget: &mut Budget, out: &mut TextOut) -> Result<Found, Failure> {
    let text = ocr::image(bytes, budget)?;
    if !text.chars().any(char::is_alphanumeric) {
        return Err(Failure::NoTextLayer(
            "OCR found no text in the image".into(),
        ));
    }
    out.push_str(&text);
    Ok(Found {
        pages: None,
        ocr: true,
    })
}

/// The status of an image or a scan when this build has no OCR.
#[cfg(not(feature = "ocr"))]
pub(crate) fn no_ocr() -> Failure {
    Failure::NoTextLayer("OCR was not done: this build has no `ocr` feature".into())
}

/// Whether `needle` occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_detected_by_content_before_type_and_name() {
        assert_eq!(
            Kind::detect(b"%PDF-1.7\n", "application/octet-stream", None),
            Some(Kind::Pdf)
        );
        assert_eq!(
            Kind::detect(b"{\\rtf1\\ansi x}", "application/msword", Some("a.doc")),
            Some(Kind::Rtf)
        );
        assert_eq!(
            Kind::detect(b"\x89PNG\r\n\x1a\n....", "image/png", None),
            Some(Kind::Image)
        );
        assert_eq!(
            Kind::detect(b"garbage", "application/pdf", None),
            Some(Kind::Pdf)
        );
        assert_eq!(Kind::detect(b"garbage", "application/zip", None), None);
        assert_eq!(Kind::detect(b"<svg/>", "image/svg+xml", None), None);
    }

    #[test]
    fn text_out_stops_at_its_limit_on_a_char_boundary() {
        let mut t = TextOut::new(5);
        t.push_str("æø");
        assert!(!t.is_full());
        t.push_str("åx");
        assert!(t.is_full());
        t.push_str("more");
        assert_eq!(t.finish(), ("æø".to_string(), true));
        let mut t = TextOut::new(100);
        t.push_str("a  ");
        t.newline();
        t.newline();
        t.push_str("\n\n\nb");
        t.space();
        t.push('c');
        assert_eq!(t.finish().0, "a\n\nb c");
    }

    #[test]
    fn budget_counts_inflated_bytes_and_time() {
        let limits = Limits {
            max_decompressed_bytes: 10,
            ..Limits::default()
        };
        let mut b = Budget::new(&limits, Instant::now() + std::time::Duration::from_secs(60));
        assert!(b.inflate(6).is_ok());
        assert_eq!(b.inflate_left(), 4);
        assert!(matches!(b.inflate(5), Err(Failure::Limit(_))));
        let past = Budget::new(&limits, Instant::now());
        assert!(matches!(past.check_time(), Err(Failure::Limit(_))));
    }

    #[test]
    fn a_panicking_extractor_is_contained() {
        let limits = Limits::default();
        let deadline = Instant::now() + limits.max_extraction_time;
        let o = guarded("test", &limits, deadline, |_, out| {
            out.push_str("halvt");
            let v: Vec<u8> = Vec::new();
            // An index out of bounds, as a parser bug would make one.
            let i = v.len() + 3;
            Ok(Found {
                pages: Some(u32::from(v[i])),
                ocr: false,
            })
        });
        assert!(o.text.is_none());
        match o.extraction {
            Extraction::Unreadable { reason } => assert!(reason.contains("panicked"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_exhausted_deadline_or_depth_is_unreadable_without_running() {
        let limits = Limits::default();
        let o = extract(Kind::Rtf, b"{\\rtf1 hej}", &limits, Instant::now(), 0);
        assert!(matches!(o.extraction, Extraction::Unreadable { .. }));
        let later = Instant::now() + limits.max_extraction_time;
        let deep = limits.max_attachment_depth + 1;
        let o = extract(Kind::Rtf, b"{\\rtf1 hej}", &limits, later, deep);
        assert!(matches!(o.extraction, Extraction::Unreadable { .. }));
        let o = extract(Kind::Rtf, b"{\\rtf1 hej}", &limits, later, 0);
        assert_eq!(o.text.as_deref(), Some("hej"));
    }
}
