//! PDF text with lopdf: objects, encryption (an empty user password, as "encrypted but
//! openable" PDFs have) and font encodings come from lopdf; the walk over each page's
//! content stream is ours, so that it checks the deadline and the output limit and puts
//! spaces and line breaks where the text moves.
//!
//! Text inside form XObjects (letterheads, stamps, templates) is followed up to
//! `MAX_FORM_DEPTH` forms deep.
//!
//! lopdf reads the whole file when it loads it, which no deadline can interrupt; its work
//! is bounded before it starts instead: the number of objects is counted first (refused
//! above [`Limits::max_document_objects`](crate::ingest::Limits::max_document_objects)), and each
//! stream it inflates while loading is capped at the attachment's budget of decompressed
//! bytes.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, LoadOptions, Object, Stream};

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

/// Form XObjects drawn inside form XObjects are followed this deep (templates and stamps
/// nest one or two levels).
const MAX_FORM_DEPTH: usize = 4;

/// What the names of a content stream refer to: its fonts' encodings and the resource
/// dictionaries holding its XObjects, innermost first (a form inherits its page's).
struct Scope<'d, 'p> {
    fonts: BTreeMap<Vec<u8>, Encoding<'d>>,
    resources: Vec<&'d Dictionary>,
    parent: Option<&'p Scope<'d, 'p>>,
}

impl<'d> Scope<'d, '_> {
    /// The encoding of the font named `name` here or in an enclosing scope.
    fn font(&self, name: &[u8]) -> Option<&Encoding<'d>> {
        self.fonts
            .get(name)
            .or_else(|| self.parent.and_then(|p| p.font(name)))
    }

    /// The form XObject named `name` here or in an enclosing scope.
    fn form(&self, doc: &'d Document, name: &[u8]) -> Option<&'d Stream> {
        let own = self.resources.iter().find_map(|r| {
            let xobjects = r.get_deref(b"XObject", doc).ok()?.as_dict().ok()?;
            let stream = xobjects.get_deref(name, doc).ok()?.as_stream().ok()?;
            let form = stream
                .dict
                .get(b"Subtype")
                .and_then(Object::as_name)
                .is_ok_and(|s| s == b"Form");
            form.then_some(stream)
        });
        own.or_else(|| self.parent.and_then(|p| p.form(doc, name)))
    }
}

/// The encodings of the fonts of a resource dictionary.
fn fonts<'d>(
    doc: &'d Document,
    resources: &[&'d Dictionary],
    left: usize,
) -> BTreeMap<Vec<u8>, Encoding<'d>> {
    let mut out = BTreeMap::new();
    for r in resources {
        let Ok(dict) = r.get_deref(b"Font", doc).and_then(Object::as_dict) else {
            continue;
        };
        for (name, font) in dict.iter() {
            let font = doc
                .dereference(font)
                .ok()
                .and_then(|(_, f)| f.as_dict().ok());
            // A font that cannot be read leaves its text out; the rest is still shown.
            if let Some(enc) = font.and_then(|f| f.get_font_encoding_with_limit(doc, left).ok()) {
                out.entry(name.clone()).or_insert(enc);
            }
        }
    }
    out
}

/// The text of one page.
fn page_text(
    doc: &Document,
    page: lopdf::ObjectId,
    budget: &mut Budget,
    out: &mut TextOut,
) -> Result<(), Failure> {
    let left = budget.inflate_left();
    let (own, inherited) = doc.get_page_resources(page).unwrap_or_default();
    let resources: Vec<&Dictionary> = own
        .into_iter()
        .chain(
            inherited
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        )
        .collect();
    let scope = Scope {
        fonts: fonts(doc, &resources, left),
        resources,
        parent: None,
    };
    let data = match doc.get_page_content_with_limit(page, left) {
        Ok(data) => data,
        Err(lopdf::Error::Decompress(_)) => return Err(budget.inflate_failure()),
        // A page with a damaged content stream: its neighbours may still be readable.
        Err(_) => return Ok(()),
    };
    budget.inflate(data.len())?;
    content_text(doc, &data, &scope, 0, budget, out)
}

/// The text a content stream shows, following the form XObjects it draws.
fn content_text(
    doc: &Document,
    data: &[u8],
    scope: &Scope<'_, '_>,
    depth: usize,
    budget: &mut Budget,
    out: &mut TextOut,
) -> Result<(), Failure> {
    let Ok(content) = Content::decode(data) else {
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
                    .and_then(|name| scope.font(name));
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
            "Do" if depth < MAX_FORM_DEPTH => {
                let name = op.operands.first().and_then(|o| o.as_name().ok());
                let Some(form) = name.and_then(|n| scope.form(doc, n)) else {
                    continue;
                };
                let data = match form.decompressed_content_with_limit(budget.inflate_left()) {
                    Ok(data) => data,
                    Err(lopdf::Error::Decompress(_)) => return Err(budget.inflate_failure()),
                    Err(_) => continue,
                };
                budget.inflate(data.len())?;
                let resources: Vec<&Dictionary> = form
                    .dict
                    .get_deref(b"Resources", doc)
                    .and_then(Object::as_dict)
                    .into_iter()
                    .collect();
                let inner = Scope {
                    fonts: fonts(doc, &resources, budget.inflate_left()),
                    resources,
                    parent: Some(scope),
                };
                out.newline();
                content_text(doc, &data, &inner, depth + 1, budget, out)?;
                pos.shown_y = None;
            }
            _ => {}
        }
    }
    out.newline();
    Ok(())
}

/// Shows one string in font encoding `enc`.
fn show(enc: &Encoding<'_>, bytes: &[u8], out: &mut TextOut) {
    let Ok(text) = Document::decode_text(enc, bytes) else {
        return;
    };
    // Control characters from broken encodings are dropped; tabs become spaces.
    if !text.contains(|c: char| c.is_control()) {
        out.push_str(&text);
        return;
    }
    for c in text.chars() {
        if c == '\t' {
            out.space();
        } else if !c.is_control() {
            out.push(c);
        }
    }
}
