//! A bounded element tree of KL's XML, with line numbers and mixed content kept in order.
//!
//! KL's guidance texts are XHTML (`<p>Se også <b>27.24</b> …</p>`), so text and child
//! elements must stay interleaved, and a bad file must be reported by line: each element
//! records the line its start tag is on. This is the only module of `kle` that sees
//! quick-xml's types.
//!
//! quick-xml reads no DTD and expands only the five predefined entities and character
//! references; anything else is an error, so there are no external entities and no entity
//! bombs. Nesting depth and element count are bounded; the caller bounds the size.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::source::LineIndex;
use crate::{Error, ErrorKind, Result};

/// The deepest nesting accepted (KL's emneplan needs about 10 levels).
const MAX_DEPTH: usize = 64;
/// The most elements accepted in one document (KL's full plan has a few hundred thousand).
const MAX_ELEMENTS: usize = 4_000_000;

/// A piece of an element's content.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// A child element.
    Element(Element),
    /// Text (with references resolved).
    Text(String),
    /// Text that was only whitespace, kept as one space without storing it.
    Space,
}

/// An element: local name (no namespace prefix), the line of its start tag, its content.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) line: usize,
    pub(crate) content: Vec<Node>,
}

impl Element {
    /// Child elements in document order.
    pub(crate) fn elements(&self) -> impl Iterator<Item = &Element> + '_ {
        self.content.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Child elements named `name`.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.name == name)
    }

    /// The first child element named `name`.
    pub(crate) fn first(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first element named `name` at any depth below this one (depth-first).
    pub(crate) fn find(&self, name: &str) -> Option<&Element> {
        self.elements().find_map(|e| {
            if e.name == name {
                Some(e)
            } else {
                e.find(name)
            }
        })
    }

    /// The element's own text (not its children's), whitespace collapsed and trimmed.
    pub(crate) fn own_text(&self) -> String {
        let mut out = String::new();
        for node in &self.content {
            match node {
                Node::Text(t) => out.push_str(t),
                Node::Space => out.push(' '),
                Node::Element(_) => {}
            }
        }
        collapse(&out)
    }

    /// The own text of the first child named `name`, `None` when absent or empty.
    pub(crate) fn text_of(&self, name: &str) -> Option<String> {
        let text = self.first(name)?.own_text();
        (!text.is_empty()).then_some(text)
    }
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes by byte-order mark, then by the declaration's `encoding`, else as UTF-8.
/// Undecodable bytes are an error naming the line, never replaced.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>> {
    let (encoding, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, bom)) => (enc, bytes.get(bom..).unwrap_or_default()),
        None => (declared(bytes).unwrap_or(encoding_rs::UTF_8), bytes),
    };
    if encoding == encoding_rs::UTF_8 {
        return std::str::from_utf8(body).map(Cow::Borrowed).map_err(|e| {
            let line = 1 + body
                .get(..e.valid_up_to())
                .map_or(0, |b| memchr::memchr_iter(b'\n', b).count());
            Error::new(ErrorKind::Utf8, format!("line {line}: not valid UTF-8"))
        });
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Parse,
                format!(
                    "not valid {} (as the XML declaration says)",
                    encoding.name()
                ),
            )
        })
}

/// The encoding named in a leading `<?xml … encoding="…"?>`, if it is one `encoding_rs`
/// knows and not UTF-16 (a declaration readable as ASCII cannot be UTF-16 without a BOM).
fn declared(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..bytes.len().min(200))?;
    let end = memchr::memmem::find(head, b"?>")?;
    let decl = std::str::from_utf8(head.get(..end)?)
        .ok()?
        .strip_prefix("<?xml")?;
    let (_, after) = decl.split_once("encoding")?;
    let value = after.trim_start().strip_prefix('=')?.trim_start();
    let label = value.get(1..)?.split(['"', '\'']).next()?;
    encoding_rs::Encoding::for_label(label.trim().as_bytes())
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE)
}

/// Parses a whole document into its root element.
pub(crate) fn parse(text: &str) -> Result<Element> {
    let lines = LineIndex::new(text);
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let mut count = 0usize;
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let pos = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            Error::with_source(
                ErrorKind::Parse,
                format!(
                    "line {}: not well-formed XML{}: {e}",
                    lines.line(pos),
                    path(&stack)
                ),
                e,
            )
        })?;
        let line = lines.line(at);
        match event {
            Event::Start(start) | Event::Empty(start)
                if root.is_some() || count >= MAX_ELEMENTS =>
            {
                let why = if root.is_some() {
                    format!("a second root element <{}>", start.local_name().as_ref())
                } else {
                    format!("more than {MAX_ELEMENTS} elements")
                };
                return Err(Error::new(ErrorKind::Parse, format!("line {line}: {why}")));
            }
            Event::Start(start) => {
                count += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(Error::new(
                        ErrorKind::TooLarge,
                        format!(
                            "line {line}: elements nested deeper than {MAX_DEPTH}{}",
                            path(&stack)
                        ),
                    ));
                }
                stack.push(open(&start, line));
            }
            Event::Empty(start) => {
                count += 1;
                attach(open(&start, line), &mut stack, &mut root);
            }
            Event::End(_) => {
                // quick-xml checks that end tags match, so the stack is never empty here.
                if let Some(done) = stack.pop() {
                    attach(done, &mut stack, &mut root);
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content(), line)?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content(), line)?,
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r).map(String::from)
                };
                let Some(s) = resolved else {
                    return Err(Error::new(
                        ErrorKind::Parse,
                        format!(
                            "line {line}: unknown or invalid reference &{};{}",
                            &*r,
                            path(&stack)
                        ),
                    ));
                };
                push_text(&mut stack, &s, line)?;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(Error::new(
            ErrorKind::Parse,
            format!(
                "line {}: the file ends inside <{}> (truncated?)",
                lines.line(text.len()),
                open.name
            ),
        ));
    }
    root.ok_or_else(|| Error::new(ErrorKind::Parse, "no root element (empty file?)"))
}

fn open(start: &quick_xml::events::BytesStart<'_>, line: usize) -> Element {
    Element {
        name: start.local_name().as_ref().to_string(),
        line,
        content: Vec::new(),
    }
}

fn attach(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.content.push(Node::Element(element)),
        None => *root = Some(element),
    }
}

fn push_text(stack: &mut [Element], text: &str, line: usize) -> Result<()> {
    let Some(parent) = stack.last_mut() else {
        if text.trim().is_empty() {
            return Ok(());
        }
        return Err(Error::new(
            ErrorKind::Parse,
            format!("line {line}: text outside the root element"),
        ));
    };
    match parent.content.last_mut() {
        Some(Node::Text(t)) => t.push_str(text),
        Some(Node::Space) if !text.trim().is_empty() => {
            parent.content.pop();
            parent.content.push(Node::Text(format!(" {text}")));
        }
        _ if text.trim().is_empty() => {
            if !matches!(parent.content.last(), Some(Node::Space)) {
                parent.content.push(Node::Space);
            }
        }
        _ => parent.content.push(Node::Text(text.to_string())),
    }
    Ok(())
}

/// ` in KLE-Emneplan/Hovedgruppe/Gruppe` for messages: element names only.
fn path(stack: &[Element]) -> String {
    if stack.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = stack.iter().map(|e| e.name.as_str()).collect();
    format!(" in {}", names.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_mixed_content_in_order_with_lines() {
        let xml = "<?xml version=\"1.0\"?>\n<a:Root xmlns:a=\"urn:x\">\n  <p>Se <b>27.24</b> og&#32;<i>x</i> &amp; y</p>\n</a:Root>";
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "Root");
        assert_eq!(root.line, 2);
        let p = root.first("p").unwrap();
        assert_eq!(p.line, 3);
        assert_eq!(p.own_text(), "Se og & y");
        let kinds: Vec<&str> = p
            .content
            .iter()
            .map(|n| match n {
                Node::Element(e) => e.name.as_str(),
                Node::Text(_) => "text",
                Node::Space => "space",
            })
            .collect();
        assert_eq!(kinds, ["text", "b", "text", "i", "text"]);
        assert_eq!(root.find("i").map(|e| e.own_text()).as_deref(), Some("x"));
    }

    #[test]
    fn bad_documents_name_the_line() {
        let cases = [
            ("<a>\n<b>\n</a>", "line 3"),
            ("<a>\n<b>", "ends inside <b>"),
            ("", "no root element"),
            ("<a/>\n<b/>", "line 2: a second root"),
            (
                "<a>\n&foo;</a>",
                "line 2: unknown or invalid reference &foo;",
            ),
        ];
        for (xml, expected) in cases {
            let err = parse(xml).unwrap_err();
            assert!(err.to_string().contains(expected), "{xml:?}: {err}");
        }
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(parse(&deep).unwrap_err().kind(), ErrorKind::TooLarge);
        let xxe = "<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>";
        assert!(parse(xxe).unwrap_err().to_string().contains("&x;"));
    }

    #[test]
    fn decodes_by_bom_and_declaration() {
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>").unwrap(), "<a/>");
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xD834</a>";
        assert!(decode(latin1).unwrap().contains("<a>Ø34</a>"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<a>Ø34</a>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "<a>Ø34</a>");
        let err = decode(b"<a>\n\n\xD8</a>").unwrap_err();
        assert!(err.to_string().contains("line 3: not valid UTF-8"), "{err}");
    }
}
