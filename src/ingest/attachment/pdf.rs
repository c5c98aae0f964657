//! PDF text with lopdf: objects, encryption (an empty user password, as "encrypted but
//! openable" PDFs have) and font encodings come from lopdf; the walk over each page's
//! content stream is ours, so that it checks the deadline and the output limit and puts
//! spaces and line breaks where the text moves.
//!
//! lopdf reads the whole file when it loads it, which no deadline can interrupt; its work
//! is bounded before it starts instead: the number of objects is counted first (refused
//! above [`Limits::max_document_objects`](crate::ingest::Limits::max_document_objects)), and each
//! stream it inflates while loading is capped at the attachment's budget of decompressed
//! bytes.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Document, Encoding, LoadOptions, Object};

use super::{Budget, Failure, Found, TextOut};

/// Extracts the text of a PDF into `out`, page by page in page order.
pub(super) fn extract(
    bytes: &[u8],
    budget: &mut Budget,
    out: &mut TextOut,
) -> Result<Found, Failure> {
    let max_objects = budget.limits.max_document_objects;
    // `N G obj` opens every object and `endobj` closes it: two matches per object.
    let objects = memchr::memmem::find_iter(bytes, b"obj").count() / 2;
    if objects > max_objects {
        return Err(Failure::Limit(format!(
            "has about {objects} objects, more than the limit of {max_objects}"
        )));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(budget.inflate_left()),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| load_failure(&e))?;
    budget.check_time()?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        if doc.is_encrypted() {
            return Err(Failure::Broken(
                "the PDF is encrypted and needs a password to be read".into(),
            ));
        }
        return Err(Failure::Broken("the PDF has no pages".into()));
    }
    let count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    for (&number, &page) in &pages {
        budget.check_time()?;
        if number > 1 {
            out.newline();
            out.push('\n');
        }
        page_text(&doc, page, budget, out)?;
        if out.is_full() {
            break;
        }
    }
    if !out.has_words() {
        return no_text_layer(bytes, count, budget, out);
    }
    Ok(Found {
        pages: Some(count),
        ocr: false,
    })
}

/// A PDF whose pages show no text: a scan. With the `ocr` feature its pages are read by
/// Tesseract; without it the status says that OCR was not done.
#[cfg(not(feature = "ocr"))]
fn no_text_layer(
    _bytes: &[u8],
    pages: u32,
    _budget: &mut Budget,
    _out: &mut TextOut,
) -> Result<Found, Failure> {
    Err(Failure::NoTextLayer(format!(
        "no text layer on its {pages} page(s) (a scan?); OCR was not done: this build has no `ocr` feature"
    )))
}

/// A PDF whose pages show no text: a scan. With the `ocr` feature its pages are read by
/// Tesseract; without it the status says that OCR was not done.
#[cfg(feature = "ocr")]
fn no_text_layer(
    bytes: &[u8],
    pages: u32,
    budget: &mut Budget,
    out: &mut TextOut,
) -> Result<Found, Failure> {
    let text = super::ocr::pdf(bytes, budget)?;
    if !text.chars().any(char::is_alphanumeric) {
        return Err(Failure::NoTextLayer(format!(
            "no text layer on its {pages} page(s), and OCR found no text"
        )));
    }
    out.push_str(&text);
    Ok(Found {
        pages: Some(pages),
        ocr: true,
    })
}

/// The reason for a PDF lopdf could not load; lopdf's own message may quote the file, so
/// only its kind is named.
fn load_failure(e: &lopdf::Error) -> Failure {
    match e {
        lopdf::Error::Decompress(_) => Failure::Limit(
            "a stream decompresses to more than the attachment's limit (a decompression bomb?)"
                .into(),
        ),
        lopdf::Error::InvalidPassword | lopdf::Error::AlreadyEncrypted => {
            Failure::Broken("the PDF is encrypted and needs a password to be read".into())
        }
        _ => Failure::Broken("not a readable PDF: its structure could not be parsed".into()),
    }
}

/// Where the text is: enough of the text state to tell a new line from a gap in a line.
#[derive(Default)]
struct Position {
    /// The vertical position of the current line (`Td`, `TD`, `Tm`, `T*` move it).
    y: f32,
    /// The vertical position where text was last shown.
    shown_y: Option<f32>,
    /// Whether the position moved since text was last shown.
    moved: bool,
    /// The leading (`TL`), which `T*` moves down by.
    leading: f32,
}

impl Position {
    /// Before text is shown: a line break when the line changed, a space when the text
    /// moved along the line.
    fn before_show(&mut self, out: &mut TextOut) {
        if let Some(last) = self.shown_y {
            if (self.y - last).abs() > 0.5 {
                out.newline();
            } else if self.moved {
                out.space();
            }
        }
        self.shown_y = Some(self.y);
        self.moved = false;
    }
}

/// The text of one page.
fn page_text(
    doc: &Document,
    page: lopdf::ObjectId,
    budget: &mut Budget,
    out: &mut TextOut,
) -> Result<(), Failure> {
    let left = budget.inflate_left();
    // A page whose fonts cannot be read still shows whatever text it can.
    let encodings: BTreeMap<Vec<u8>, Encoding<'_>> = doc
        .get_page_fonts(page)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, font)| Some((name, font.get_font_encoding_with_limit(doc, left).ok()?)))
        .collect();
    let data = match doc.get_page_content_with_limit(page, left) {
        Ok(data) => data,
        Err(lopdf::Error::Decompress(_)) => return Err(budget.inflate_failure()),
        // A page with a damaged content stream: its neighbours may still be readable.
        Err(_) => return Ok(()),
    };
    budget.inflate(data.len())?;
    let Ok(content) = Content::decode(&data) else {
        return Ok(());
    };
    let mut font: Option<&Encoding<'_>> = None;
    let mut pos = Position::default();
    for op in &content.operations {
        budget.tick()?;
        if out.is_full() {
            break;
        }
        let num = |i: usize| op.operands.get(i).and_then(|o| o.as_float().ok());
        match op.operator.as_str() {
            "BT" => {
                pos.y = 0.0;
                pos.moved = true;
            }
            "Tf" => {
                font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| encodings.get(name));
            }
            "TL" => pos.leading = num(0).unwrap_or(0.0),
            "Td" | "TD" => {
                let ty = num(1).unwrap_or(0.0);
                if op.operator == "TD" {
                    pos.leading = -ty;
                }
                pos.y += ty;
                pos.moved = true;
            }
            "Tm" => {
                pos.y = num(5).unwrap_or(pos.y);
                pos.moved = true;
            }
            "T*" => {
                pos.y -= if pos.leading == 0.0 { 1.0 } else { pos.leading };
                pos.moved = true;
            }
            "Tj" | "'" | "\"" | "TJ" => {
                if matches!(op.operator.as_str(), "'" | "\"") {
                    pos.y -= if pos.leading == 0.0 { 1.0 } else { pos.leading };
                    pos.moved = true;
                }
                let Some(enc) = font else { continue };
                pos.before_show(out);
                let operand = if op.operator == "\"" {
                    op.operands.get(2)
                } else {
                    op.operands.first()
                };
                match operand {
                    Some(Object::String(s, _)) => show(enc, s, out),
                    Some(Object::Array(items)) => {
                        for item in items {
                            match item {
                                Object::String(s, _) => show(enc, s, out),
                                // A move left of more than a fifth of an em: a word gap.
                                other => {
                                    if other.as_float().is_ok_and(|n| n < -200.0) {
                                        out.space();
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out.newline();
    Ok(())
}

/// Shows one string in font encoding `enc`.
fn show(enc: &Encoding<'_>, bytes: &[u8], out: &mut TextOut) {
    if let Ok(text) = Document::decode_text(enc, bytes) {
        // Control characters from broken encodings are dropped; tabs become spaces.
        for c in text.chars() {
            if c == '\t' {
                out.space();
            } else if !c.is_control() {
                out.push(c);
            }
        }
    }
}
