//! Documents made in code from text, for tests, benches and the attachment experiment
//! (`#[path]`-included by each): a minimal PDF writer, a DOCX written with the zip crate,
//! and a MIME message carrying one of them as a base64 attachment.
//!
//! The committed fixtures in tests/fixtures/attachments/ come from LibreOffice; these are
//! for what fixtures cannot be: a document of any size made from any text (20news
//! messages, a 1 MB letter), and crafted files too large to commit.

#![allow(dead_code)]

use std::io::Write;

/// A PDF of `text` in 10-point Helvetica with WinAnsi encoding: lines of at most 95
/// characters, 64 lines a page, content streams uncompressed. Characters outside
/// Windows-1252 become `?`.
pub fn pdf(text: &str) -> Vec<u8> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + word.chars().count() >= 95 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    let pages: Vec<&[String]> = lines.chunks(64).collect();
    let n = pages.len().max(1);
    // Objects: 1 catalog, 2 pages, 3 font, then a page and its content per page.
    let mut objs: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            (0..n)
                .map(|i| format!("{} 0 R", 4 + 2 * i))
                .collect::<Vec<_>>()
                .join(" ")
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    for (i, page) in pages.iter().enumerate() {
        let mut content = b"BT /F1 10 Tf 12 TL 50 800 Td\n".to_vec();
        for line in page.iter() {
            content.push(b'(');
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(line);
            for &b in bytes.iter() {
                match b {
                    b'(' | b')' | b'\\' => content.extend_from_slice(&[b'\\', b]),
                    0x20..=0x7e => content.push(b),
                    _ => content.extend_from_slice(format!("\\{b:03o}").as_bytes()),
                }
            }
            content.extend_from_slice(b") Tj T*\n");
        }
        content.extend_from_slice(b"ET");
        objs.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(&content);
        stream.extend_from_slice(b"\nendstream");
        objs.push(stream);
    }
    assemble(&objs)
}

/// A PDF file from object bodies numbered 1, 2, …, the first being the catalog.
pub fn assemble(objs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe6\xf8\xe5\n".to_vec();
    let mut offsets = Vec::with_capacity(objs.len());
    for (i, body) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Escapes text for XML content.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A DOCX whose body is `text`, one paragraph per line, as zip members deflated.
pub fn docx(text: &str) -> Vec<u8> {
    let mut body = String::new();
    for line in text.lines() {
        body.push_str("<w:p><w:r><w:t xml:space=\"preserve\">");
        body.push_str(&xml_escape(line));
        body.push_str("</w:t></w:r></w:p>");
    }
    docx_with_body(&body)
}

/// A DOCX with `body` (WordprocessingML paragraphs) as the content of `w:body`.
pub fn docx_with_body(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip_package(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document.as_bytes()),
    ])
}

/// A zip package of `(name, content)` members, deflated.
pub fn zip_package(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in members {
        w.start_file(*name, opts).expect("zip member");
        w.write_all(content).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// Standard base64 with line breaks every 76 characters, as MIME writes it.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + bytes.len() / 57 * 2 + 4);
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A MIME message with `headers` (`Name: value` lines), a plain-text `body` and one
/// base64 attachment.
pub fn mail(headers: &str, body: &str, name: &str, media_type: &str, bytes: &[u8]) -> Vec<u8> {
    format!(
        "{headers}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=-bilag-=\"\r\n\r\n\
--=-bilag-=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n\
--=-bilag-=\r\nContent-Type: {media_type}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--=-bilag-=--\r\n",
        base64(bytes)
    )
    .into_bytes()
}
