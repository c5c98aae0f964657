//! A small, bounded element tree read from MeMo XML with quick-xml.
//!
//! This is the only module that sees quick-xml's types. It turns the bytes into an owned tree
//! of [`Element`]s so that the MeMo mapping can look fields up by name, in any order, with
//! or without namespace prefixes (`memo:label`, `label`, `kle:subjectKey`).
//!
//! Safety against hostile input:
//! - quick-xml does not read DTDs and never expands entities other than the five predefined
//!   ones and character references; an undefined entity is an error. So there are no
//!   external entities (XXE) and no entity expansion bombs ("billion laughs").
//! - The caller bounds the input size; this module bounds nesting depth and element count.
//! - Bytes are decoded by their byte-order mark or XML declaration (UTF-8 by default, UTF-16
//!   and the legacy single-byte charsets through `encoding_rs`); undecodable bytes are an
//!   error, never replaced silently.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::{Error, ErrorKind, Result};

/// One element: its local name, namespace, attributes, direct text and child elements.
#[derive(Clone, Default)]
pub(crate) struct Element {
    /// The local name (`label` for `memo:label`).
    pub(crate) name: String,
    /// The namespace URI, when the element is in one.
    pub(crate) namespace: Option<String>,
    /// Attributes other than namespace declarations, by local name, values unescaped.
    pub(crate) attributes: Vec<(String, String)>,
    /// The element's own text (text, CDATA and references), concatenated; not its children's.
    pub(crate) text: String,
    /// Child elements in document order.
    pub(crate) children: Vec<Element>,
}

impl std::fmt::Debug for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Redacted: element names only, never text or attribute values.
        f.debug_struct("Element")
            .field("name", &self.name)
            .field("children", &self.children.len())
            .finish_non_exhaustive()
    }
}

impl Element {
    /// The first child with local name `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children with local name `name`.
    pub(crate) fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`, if it has any.
    pub(crate) fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).and_then(Element::trimmed_text)
    }

    /// The element's trimmed text, `None` when empty.
    pub(crate) fn trimmed_text(&self) -> Option<String> {
        let t = self.text.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// The value of the attribute with local name `name`.
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Bounds on the shape of the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreeLimits {
    /// Deepest nesting of elements accepted (MeMo itself needs about 8).
    pub(crate) max_depth: usize,
    /// Most elements accepted in one document.
    pub(crate) max_elements: usize,
}

/// Decodes `bytes` to text by BOM, then XML declaration, then UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        return decode_as(encoding, body);
    }
    match declared_encoding(bytes) {
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            // A declaration that says UTF-16 without a BOM is read as bytes it cannot be:
            // the declaration itself was ASCII, so the document is really ASCII-compatible.
            Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
                decode_as(encoding_rs::UTF_8, bytes)
            }
            Some(enc) => decode_as(enc, bytes),
            // The label is input: not quoted (error messages never quote the input).
            None => Err(parse_error(format!(
                "the XML declaration names an unknown encoding ({} bytes)",
                label.len()
            ))),
        },
        None => decode_as(encoding_rs::UTF_8, bytes),
    }
}

fn decode_as<'a>(
    encoding: &'static encoding_rs::Encoding,
    bytes: &'a [u8],
) -> Result<Cow<'a, str>> {
    if encoding == encoding_rs::UTF_8 {
        return std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
            Error::new(
                ErrorKind::Parse,
                format!("the XML is not valid UTF-8 (at byte {})", e.valid_up_to()),
            )
        });
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Parse,
                format!("the XML is not valid {}", encoding.name()),
            )
        })
}

/// The `encoding` pseudo-attribute of a leading `<?xml …?>` declaration, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(256))?;
    let head = head.strip_prefix(b"<?xml")?;
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(head.get(..end)?).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl.get(at + "encoding".len()..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest.get(1..)?;
    let close = value.find(quote)?;
    Some(value.get(..close)?.trim().to_string())
}

/// Parses `xml` into its root element, enforcing `limits`.
pub(crate) fn parse(xml: &str, limits: TreeLimits) -> Result<Element> {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        // Where the next event starts, for messages that say where without saying what.
        let here = reader.buffer_position();
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((ns, ev)) => (namespace_of(ns), ev),
            Err(e) => {
                let at = reader.error_position();
                return Err(parse_error(format!(
                    "not well-formed XML at byte {at}: {}{}",
                    xml_error(&e),
                    inside(&stack)
                )));
            }
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(parse_error("a second root element after the first"));
            }
            Event::Start(start) => {
                elements += 1;
                check_shape(elements, stack.len() + 1, limits, &stack)?;
                stack.push(open(&start, namespace, &stack, here)?);
            }
            Event::Empty(start) => {
                elements += 1;
                check_shape(elements, stack.len() + 1, limits, &stack)?;
                let element = open(&start, namespace, &stack, here)?;
                close(element, &mut stack, &mut root);
            }
            Event::End(_) => match stack.pop() {
                Some(element) => close(element, &mut stack, &mut root),
                None => return Err(parse_error("a closing tag without an opening tag")),
            },
            Event::Text(text) => append_text(&mut stack, &text.xml10_content())?,
            Event::CData(data) => append_text(&mut stack, &data.xml10_content())?,
            Event::GeneralRef(reference) => {
                let resolved = if reference.is_char_ref() {
                    let c = reference.resolve_char_ref().map_err(|e| {
                        Error::with_source(
                            ErrorKind::Parse,
                            format!("invalid character reference{}", inside(&stack)),
                            e,
                        )
                    })?;
                    c.map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&reference).map(String::from)
                };
                match resolved {
                    Some(s) => append_text(&mut stack, &s)?,
                    None => {
                        // Where and how long, never the name: `&Ole cpr 070761-4285;` in
                        // a label that should have said `&amp;` is the message's text.
                        let len = reference.len() + 2;
                        return Err(parse_error(format!(
                            "undefined entity reference of {len} bytes at byte {here}{} \
                             (MeMo uses no DTD entities)",
                            inside(&stack)
                        )));
                    }
                }
            }
            Event::Eof => break,
            // Declarations, comments, processing instructions and a DOCTYPE carry nothing
            // MeMo needs; a DOCTYPE's entity definitions are never read or expanded.
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(parse_error(format!(
            "the document ends before {} elements are closed (truncated XML?)",
            stack.len()
        )));
    }
    root.ok_or_else(|| parse_error("no root element (empty document?)"))
}

fn namespace_of(ns: ResolveResult<'_>) -> Option<String> {
    match ns {
        ResolveResult::Bound(ns) => Some(ns.into_inner().to_string()),
        // An unbound prefix is tolerated: fields are matched by local name.
        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
    }
}

/// The element that `start`, the tag at byte `at`, opens.
fn open(
    start: &quick_xml::events::BytesStart<'_>,
    namespace: Option<String>,
    stack: &[Element],
    at: u64,
) -> Result<Element> {
    let name = start.local_name().as_ref().to_string();
    // The tag's name and attributes are input: the messages say where, not what.
    let mut attributes = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|_| {
            parse_error(format!(
                "a malformed attribute in the tag at byte {at}{}",
                inside(stack)
            ))
        })?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|_| {
                parse_error(format!(
                    "a malformed attribute value in the tag at byte {at}{}",
                    inside(stack)
                ))
            })?;
        attributes.push((
            attr.key.local_name().as_ref().to_string(),
            value.into_owned(),
        ));
    }
    Ok(Element {
        name,
        namespace,
        attributes,
        ..Element::default()
    })
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn append_text(stack: &mut [Element], text: &str) -> Result<()> {
    match stack.last_mut() {
        Some(element) => {
            element.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(parse_error("text outside the root element")),
    }
}

fn check_shape(elements: usize, depth: usize, limits: TreeLimits, stack: &[Element]) -> Result<()> {
    if depth > limits.max_depth {
        return Err(Error::new(
            ErrorKind::TooLarge,
            format!(
                "elements nested deeper than {} levels{}",
                limits.max_depth,
                inside(stack)
            ),
        ));
    }
    if elements > limits.max_elements {
        return Err(Error::new(
            ErrorKind::TooLarge,
            format!("more than {} elements", limits.max_elements),
        ));
    }
    Ok(())
}

/// ` at depth 3` for error messages. Not the elements' names: a tag name is input too, and
/// error messages never quote the input.
fn inside(stack: &[Element]) -> String {
    if stack.is_empty() {
        return String::new();
    }
    format!(" at depth {}", stack.len())
}

/// What is wrong, in words of this crate: quick-xml's own messages quote tag, attribute and
/// entity names from the input.
fn xml_error(e: &quick_xml::Error) -> String {
    use quick_xml::errors::IllFormedError;
    use quick_xml::Error as X;
    match e {
        // Syntax errors carry no input; their text is quick-xml's fixed wording.
        X::Syntax(syntax) => syntax.to_string(),
        X::IllFormed(IllFormedError::MismatchedEndTag { .. }) => {
            "a closing tag that does not match the open element".to_string()
        }
        X::IllFormed(IllFormedError::UnmatchedEndTag(_)) => {
            "a closing tag without an opening tag".to_string()
        }
        X::IllFormed(IllFormedError::MissingDeclVersion(_) | IllFormedError::UnknownVersion) => {
            "an XML declaration without a known version".to_string()
        }
        X::IllFormed(IllFormedError::UnclosedReference) => {
            "a `&` reference without its `;`".to_string()
        }
        X::IllFormed(_) => "ill-formed markup".to_string(),
        X::InvalidAttr(_) => "a malformed attribute".to_string(),
        X::Encoding(_) => "text that is not in the document's encoding".to_string(),
        X::Escape(_) => "a malformed `&` reference".to_string(),
        X::Namespace(_) => "a malformed namespace prefix or declaration".to_string(),
        _ => "malformed markup".to_string(),
    }
}

fn parse_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Parse, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: TreeLimits = TreeLimits {
        max_depth: 16,
        max_elements: 100,
    };

    #[test]
    fn reads_names_namespaces_attributes_and_text() {
        let xml = r#"<?xml version="1.0"?><m:Message xmlns:m="urn:x" v="1.2"><m:label>a &amp; b&#33;<![CDATA[<c>]]></m:label><plain/></m:Message>"#;
        let root = parse(xml, LIMITS).unwrap();
        assert_eq!(root.name, "Message");
        assert_eq!(root.namespace.as_deref(), Some("urn:x"));
        assert_eq!(root.attribute("v"), Some("1.2"));
        assert_eq!(
            root.attributes.len(),
            1,
            "xmlns declarations are not attributes"
        );
        assert_eq!(root.text_of("label").as_deref(), Some("a & b!<c>"));
        assert_eq!(
            root.child("plain").map(|p| p.namespace.is_none()),
            Some(true)
        );
    }

    #[test]
    fn malformed_documents_are_parse_errors_naming_where() {
        let cases = [
            (
                "<a><b></a>",
                "not well-formed XML at byte 6: a closing tag that does not",
            ),
            ("<a><b>", "ends before 2 elements are closed"),
            ("", "no root element"),
            ("<a/><b/>", "second root"),
            ("x<a/>", "outside the root"),
            (
                "<a>&ent;</a>",
                "undefined entity reference of 5 bytes at byte 3 at depth 1",
            ),
            (
                "<a b=\"1\" b=\"2\"/>",
                "malformed attribute in the tag at byte 0",
            ),
        ];
        for (xml, expected) in cases {
            let err = parse(xml, LIMITS).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Parse, "{xml}");
            assert!(err.to_string().contains(expected), "{xml}: {err}");
        }
    }

    #[test]
    fn errors_never_quote_the_input() {
        let cpr = "070761-4285";
        let cases = [
            format!("<a><label>Tom & Ole cpr {cpr}; tak</label></a>"),
            format!("<a><label>Tom &Ole_cpr_{cpr};</label></a>"),
            format!("<a><cpr{cpr}></a>"),
            format!("<a><b{cpr}>"),
            format!("<a><b c{cpr}=\"1\" c{cpr}=\"2\"/></a>"),
            format!("<a><b c=\"&x{cpr};\"/></a>"),
            format!("<?xml version=\"1.0\" encoding=\"{cpr}\"?><a/>"),
        ];
        for xml in &cases {
            let err = decode(xml.as_bytes())
                .and_then(|text| parse(&text, LIMITS))
                .unwrap_err();
            let shown = err.to_string();
            for needle in ["070761", "4285", "Ole", "cpr", "label", "tak"] {
                assert!(!shown.contains(needle), "{xml}: {shown}");
            }
        }
    }

    #[test]
    fn depth_and_count_are_bounded() {
        let deep = format!("{}{}", "<a>".repeat(17), "</a>".repeat(17));
        let err = parse(&deep, LIMITS).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLarge);
        assert!(err.to_string().contains("deeper than 16"), "{err}");
        let wide = format!("<a>{}</a>", "<b/>".repeat(100));
        let err = parse(&wide, LIMITS).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLarge);
        assert!(parse(&format!("<a>{}</a>", "<b/>".repeat(99)), LIMITS).is_ok());
    }

    #[test]
    fn doctype_entities_are_never_expanded() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#;
        let err = parse(xxe, LIMITS).unwrap_err();
        assert!(err.to_string().contains("undefined entity"), "{err}");
    }

    #[test]
    fn decodes_by_bom_and_declaration() {
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>").unwrap(), "<a/>");
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xF8</a>";
        assert!(decode(latin1).unwrap().contains("<a>ø</a>"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<a>æ</a>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "<a>æ</a>");
        let err = decode(b"<a>\xF8</a>").unwrap_err();
        assert!(
            err.to_string().contains("not valid UTF-8 (at byte 3)"),
            "{err}"
        );
        let err = decode(b"<?xml version='1.0' encoding='klingon'?><a/>").unwrap_err();
        assert!(err.to_string().contains("unknown encoding"), "{err}");
    }
}
