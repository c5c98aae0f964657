//! Office documents: DOCX, XLSX and OpenDocument (ODT, ODS, ODP) are zip packages of XML.
//! The zip crate reads the package, quick-xml (no DTDs, no external entities) the XML.
//!
//! A zip bomb is stopped twice: a member whose declared size exceeds what is left of the
//! attachment's budget of decompressed bytes is not opened, and every member is read
//! through a counter that stops at the budget whatever the member declared.

use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::{find, Budget, Failure, Found, Kind, TextOut};

/// The kind of a zip package, from the member names in its central directory (stored
/// uncompressed, so found without unzipping), then from its declared type and extension.
pub(super) fn package_kind(bytes: &[u8], media_type: &str, ext: &str) -> Option<Kind> {
    if find(bytes, b"word/document.xml") {
        Some(Kind::Docx)
    } else if find(bytes, b"xl/workbook.xml") {
        Some(Kind::Xlsx)
    } else if find(
        bytes.get(..256).unwrap_or(bytes),
        b"application/vnd.oasis.opendocument",
    ) || find(bytes, b"content.xml")
    {
        Some(Kind::OpenDocument)
    } else {
        declared_kind(media_type, ext)
    }
}

/// The kind an attachment declares by media type or extension.
pub(super) fn declared_kind(media_type: &str, ext: &str) -> Option<Kind> {
    const OOXML: &str = "application/vnd.openxmlformats-officedocument.";
    if let Some(rest) = media_type.strip_prefix(OOXML) {
        if rest.starts_with("wordprocessingml.") {
            return Some(Kind::Docx);
        }
        if rest.starts_with("spreadsheetml.") {
            return Some(Kind::Xlsx);
        }
    }
    if media_type.starts_with("application/vnd.oasis.opendocument.") {
        return Some(Kind::OpenDocument);
    }
    match ext {
        "docx" | "docm" | "dotx" => Some(Kind::Docx),
        "xlsx" | "xlsm" | "xltx" => Some(Kind::Xlsx),
        "odt" | "ods" | "odp" | "ott" | "ots" => Some(Kind::OpenDocument),
        _ => None,
    }
}

type Package<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Opens a zip package after counting its entries.
fn open<'a>(bytes: &'a [u8], budget: &Budget) -> Result<Package<'a>, Failure> {
    let max = budget.limits.max_document_objects;
    // Each entry has one central directory header with this signature.
    let entries = memchr::memmem::find_iter(bytes, b"PK\x01\x02").count();
    if entries > max {
        return Err(Failure::Limit(format!(
            "the zip package has about {entries} entries, more than the limit of {max}"
        )));
    }
    ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Failure::Broken(format!("not a readable zip package: {e}")))
}

/// Counts what is read through it and fails the read past `left` bytes.
struct Bounded<R> {
    inner: R,
    left: usize,
    read: usize,
    exceeded: bool,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > self.left {
            self.exceeded = true;
            return Err(std::io::Error::other("decompressed size limit"));
        }
        self.left -= n;
        self.read += n;
        Ok(n)
    }
}

/// One parse event of a member, with text already unescaped.
enum Xml<'a> {
    Open(&'a BytesStart<'a>),
    Empty(&'a BytesStart<'a>),
    Close(&'a [u8]),
    Text(&'a str),
}

/// Streams the XML member `name` through `on`; `Ok(false)` when there is no such member.
/// `on` returns whether to go on. The deadline, the decompressed-bytes budget and the
/// output limit are checked as it goes.
fn each_event(
    package: &mut Package<'_>,
    name: &str,
    budget: &mut Budget,
    out: &mut TextOut,
    mut on: impl FnMut(Xml<'_>, &mut TextOut),
) -> Result<bool, Failure> {
    let member = match package.by_name(name) {
        Ok(m) => m,
        Err(zip::result::ZipError::FileNotFound) => return Ok(false),
        Err(e) => return Err(Failure::Broken(format!("cannot read {name}: {e}"))),
    };
    let left = budget.inflate_left();
    if usize::try_from(member.size()).map_or(true, |declared| declared > left) {
        return Err(Failure::Limit(format!(
            "{name} declares {} decompressed bytes, more than the {left} left of the limit (a zip bomb?)",
            member.size()
        )));
    }
    let bounded = Bounded {
        inner: member,
        left,
        read: 0,
        exceeded: false,
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(bounded));
    let mut buf = Vec::new();
    let result = loop {
        budget.tick()?;
        if out.is_full() {
            break Ok(());
        }
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => break Err(e),
        };
        match &event {
            Event::Start(s) => on(Xml::Open(s), out),
            Event::Empty(s) => on(Xml::Empty(s), out),
            Event::End(e) => on(Xml::Close(e.local_name().into_inner().as_bytes()), out),
            Event::Text(t) => on(Xml::Text(&t.xml10_content()), out),
            Event::CData(t) => on(Xml::Text(&t.xml10_content()), out),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        .map(String::from)
                };
                if let Some(s) = resolved {
                    on(Xml::Text(&s), out);
                }
            }
            Event::Eof => break Ok(()),
            _ => {}
        }
    };
    let bounded = reader.into_inner().into_inner();
    if bounded.exceeded {
        return Err(budget.inflate_failure());
    }
    budget.inflate(bounded.read)?;
    result.map_err(|e| Failure::Broken(format!("{name} is not well-formed XML: {e}")))?;
    Ok(true)
}

/// The local name of an element (`p` of `w:p`).
fn local<'a>(s: &'a BytesStart<'a>) -> &'a [u8] {
    s.local_name().into_inner().as_bytes()
}

/// A DOCX: the body text of `word/document.xml`, paragraph by paragraph, table cells
/// separated by tabs; deleted text (tracked changes) left out.
pub(super) fn docx(bytes: &[u8], budget: &mut Budget, out: &mut TextOut) -> Result<Found, Failure> {
    let mut package = open(bytes, budget)?;
    let mut in_text = false;
    let found = each_event(
        &mut package,
        "word/document.xml",
        budget,
        out,
        |ev, out| match ev {
            Xml::Open(s) if local(s) == b"t" => in_text = true,
            Xml::Close(b"t") => in_text = false,
            Xml::Text(t) if in_text => out.push_str(t),
            Xml::Empty(s) | Xml::Open(s) => match local(s) {
                b"tab" => out.push('\t'),
                b"br" | b"cr" => out.push('\n'),
                _ => {}
            },
            Xml::Close(b"p") => out.push('\n'),
            Xml::Close(b"tc") => out.push('\t'),
            _ => {}
        },
    )?;
    if !found {
        return Err(Failure::Broken(
            "the DOCX package has no word/document.xml".into(),
        ));
    }
    Ok(Found::default())
}

/// An OpenDocument file: the text of `content.xml` (paragraphs and headings; a
/// spreadsheet's cells separated by tabs, its rows by lines).
pub(super) fn open_document(
    bytes: &[u8],
    budget: &mut Budget,
    out: &mut TextOut,
) -> Result<Found, Failure> {
    let mut package = open(bytes, budget)?;
    // Text counts inside paragraphs and headings only, not in style or form definitions.
    let mut paragraphs = 0usize;
    // Inside a spreadsheet or table cell, paragraphs are separated by spaces, not lines.
    let mut cells = 0usize;
    let found = each_event(
        &mut package,
        "content.xml",
        budget,
        out,
        |ev, out| match ev {
            Xml::Open(s) if matches!(local(s), b"p" | b"h") => paragraphs += 1,
            Xml::Open(s) if local(s) == b"table-cell" => cells += 1,
            Xml::Close(b"p" | b"h") => {
                paragraphs = paragraphs.saturating_sub(1);
                if cells > 0 {
                    out.space();
                } else {
                    out.push('\n');
                }
            }
            Xml::Text(t) if paragraphs > 0 => out.push_str(t),
            Xml::Empty(s) | Xml::Open(s) => match local(s) {
                b"s" => out.push(' '),
                b"tab" => out.push('\t'),
                b"line-break" => out.push('\n'),
                _ => {}
            },
            Xml::Close(b"table-cell") => {
                cells = cells.saturating_sub(1);
                out.push('\t');
            }
            Xml::Close(b"table-row") => out.push('\n'),
            _ => {}
        },
    )?;
    if !found {
        return Err(Failure::Broken(
            "the OpenDocument package has no content.xml".into(),
        ));
    }
    Ok(Found::default())
}

/// An XLSX: the cells of its worksheets (`xl/worksheets/sheet1.xml`, `sheet2.xml`, …, in
/// that order, while the limits allow), shared strings resolved, cells separated by
/// tabs and rows by lines.
pub(super) fn xlsx(bytes: &[u8], budget: &mut Budget, out: &mut TextOut) -> Result<Found, Failure> {
    let mut package = open(bytes, budget)?;
    // The shared strings: their total size is bounded by the decompressed-bytes budget.
    let mut shared: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut in_t = false;
    let mut scratch = TextOut::new(usize::MAX);
    each_event(
        &mut package,
        "xl/sharedStrings.xml",
        budget,
        &mut scratch,
        |ev, _| match ev {
            Xml::Open(s) if local(s) == b"si" => current = Some(String::new()),
            Xml::Close(b"si") => shared.push(current.take().unwrap_or_default()),
            Xml::Open(s) if local(s) == b"t" => in_t = true,
            Xml::Close(b"t") => in_t = false,
            Xml::Text(t) if in_t => {
                if let Some(c) = current.as_mut() {
                    c.push_str(t);
                }
            }
            _ => {}
        },
    )?;
    let mut sheets: Vec<(u32, String)> = package
        .file_names()
        .filter_map(|n| {
            let n = n.ok()?;
            let number = n
                .strip_prefix("xl/worksheets/sheet")?
                .strip_suffix(".xml")?;
            Some((number.parse().ok()?, n.to_string()))
        })
        .collect();
    sheets.sort();
    if sheets.is_empty() {
        return Err(Failure::Broken("the XLSX package has no worksheet".into()));
    }
    for (_, sheet) in sheets {
        let mut cell_type: Option<String> = None;
        let mut in_value = false;
        let mut value = String::new();
        each_event(&mut package, &sheet, budget, out, |ev, out| match ev {
            Xml::Open(s) if local(s) == b"c" => {
                cell_type = s
                    .try_get_attribute("t")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned());
                value.clear();
            }
            Xml::Open(s) if matches!(local(s), b"v" | b"t") => in_value = true,
            Xml::Close(b"v" | b"t") => in_value = false,
            Xml::Text(t) if in_value => value.push_str(t),
            Xml::Close(b"c") => {
                let text = match cell_type.as_deref() {
                    Some("s") => value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| shared.get(i))
                        .map(String::as_str)
                        .unwrap_or(""),
                    _ => value.as_str(),
                };
                if !text.is_empty() {
                    out.push_str(text);
                    out.push('\t');
                }
            }
            Xml::Close(b"row") => out.push('\n'),
            _ => {}
        })?;
        out.push('\n');
        if out.is_full() {
            break;
        }
    }
    Ok(Found::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Limits;
    use std::io::Write;
    use std::time::{Duration, Instant};

    /// A zip package of `(name, content)` members, deflated.
    fn package(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(content).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn budget(limits: &Limits) -> Budget {
        Budget::new(limits, Instant::now() + Duration::from_secs(30))
    }

    #[test]
    fn docx_paragraphs_tabs_and_deleted_text() {
        let xml = br#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>K&#230;re </w:t></w:r><w:r><w:t>borger</w:t></w:r><w:del><w:r><w:delText>slettet</w:delText></w:r></w:del></w:p><w:p><w:r><w:t>a</w:t><w:tab/><w:t>&amp; b</w:t></w:r></w:p></w:body></w:document>"#;
        let bytes = package(&[("word/document.xml", xml)]);
        assert_eq!(
            package_kind(&bytes, "application/octet-stream", ""),
            Some(Kind::Docx)
        );
        let mut out = TextOut::new(1000);
        docx(&bytes, &mut budget(&Limits::default()), &mut out).unwrap();
        assert_eq!(out.finish().0, "Kære borger\na\t& b");
    }

    #[test]
    fn a_member_past_the_decompressed_limit_is_refused() {
        let big = vec![b' '; 100_000];
        let bytes = package(&[("word/document.xml", &big)]);
        let limits = Limits {
            max_decompressed_bytes: 10_000,
            ..Limits::default()
        };
        let mut out = TextOut::new(1000);
        let err = docx(&bytes, &mut budget(&limits), &mut out).unwrap_err();
        assert!(matches!(err, Failure::Limit(_)), "{err:?}");
    }

    #[test]
    fn xlsx_resolves_shared_strings() {
        let sst = br#"<sst><si><t>Bel&#248;b</t></si><si><r><t>Sk&#230;r</t></r><r><t>mtag</t></r></si></sst>"#;
        let sheet = br#"<worksheet><sheetData><row><c t="s"><v>1</v></c><c><v>4250</v></c></row><row><c t="inlineStr"><is><t>inline</t></is></c><c t="s"><v>0</v></c></row></sheetData></worksheet>"#;
        let bytes = package(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/sharedStrings.xml", sst),
            ("xl/worksheets/sheet1.xml", sheet),
        ]);
        let mut out = TextOut::new(1000);
        xlsx(&bytes, &mut budget(&Limits::default()), &mut out).unwrap();
        assert_eq!(out.finish().0, "Skærmtag\t4250\ninline\tBeløb");
    }

    #[test]
    fn broken_packages_are_broken() {
        let mut out = TextOut::new(1000);
        let err = docx(
            b"PK\x03\x04garbage",
            &mut budget(&Limits::default()),
            &mut out,
        );
        assert!(matches!(err, Err(Failure::Broken(_))));
        let bytes = package(&[("word/document.xml", b"<w:document></w:p>")]);
        let err = docx(&bytes, &mut budget(&Limits::default()), &mut out).unwrap_err();
        assert!(matches!(err, Failure::Broken(_)), "{err:?}");
    }
}
