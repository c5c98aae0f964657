//! Attachment text through the whole ingest path (a MIME message with a base64 attachment →
//! `Message::from_bytes`): real files made by LibreOffice, qpdf and pdftoppm from Danish
//! text (tests/fixtures/attachments/, remade by make.sh there), and crafted hostile files
//! generated here: zip bombs, deep nesting, PDF stream bombs and object floods, millions of
//! tiny runs, truncated and corrupt files. A bad attachment must never lose the mail.

mod common;
#[path = "make_documents/mod.rs"]
mod make_documents;

use signatur::features::{FeatureConfig, Featurizer, Field};
use signatur::ingest::{Limits, MessageBuilder};
use signatur::{Attachment, Extraction, Message};

use make_documents::{assemble, base64, docx_with_body, mail, pdf, zip_package};

const HEADERS: &str =
    "From: Søren Ågård <soren@example.dk>\r\nTo: byggesag@kommune.dk\r\nSubject: Carport\r\n";

fn fixture(name: &str) -> Vec<u8> {
    let path = common::fixture(&format!("attachments/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The message "se vedhæftede" with `bytes` attached as `name`, parsed within `limits`.
fn parse_with(name: &str, media_type: &str, bytes: &[u8], limits: &Limits) -> Message {
    let raw = mail(HEADERS, "Se vedhæftede.", name, media_type, bytes);
    let m = Message::from_bytes_with(&raw, limits).expect("the message parses");
    // Whatever happened to the attachment, the mail itself is whole.
    assert_eq!(m.subject, "Carport");
    assert_eq!(m.body.text, "Se vedhæftede.");
    assert_eq!(m.attachments.len(), 1, "{:?}", m.attachments);
    m
}

fn attached(name: &str, media_type: &str, bytes: &[u8]) -> Attachment {
    parse_with(name, media_type, bytes, &Limits::default())
        .attachments
        .remove(0)
}

fn text(a: &Attachment) -> &str {
    a.text
        .as_deref()
        .unwrap_or_else(|| panic!("no text: {:?}", a))
}

fn reason(a: &Attachment) -> &str {
    match &a.extraction {
        Extraction::Unreadable { reason } | Extraction::NoTextLayer { reason } => reason,
        other => panic!("expected a status with a reason, got {other:?}"),
    }
}

/// The letter of make.sh, as each format must give it back.
fn assert_letter(t: &str) {
    for phrase in [
        "Ansøgning om byggetilladelse til carport",
        "Kære Teknik og Miljø",
        "Jeg søger hermed om tilladelse til at opføre en carport på 28 m² ved vores hus på Æblevej 12 i Ølstykke.",
        "Carporten placeres 2,5 meter fra skellet mod naboen på Åløkkevej.",
        "Med venlig hilsen\nSøren Ågård",
    ] {
        let flat = t.replace('\n', " ");
        let phrase_flat = phrase.replace('\n', " ");
        assert!(
            t.contains(phrase) || flat.contains(&phrase_flat),
            "missing {phrase:?} in {t:?}"
        );
    }
}

#[test]
fn pdf_from_libreoffice_in_reading_order_with_page_count() {
    let a = attached(
        "ansøgning.pdf",
        "application/pdf",
        &fixture("ansoegning.pdf"),
    );
    assert_eq!(a.extraction, Extraction::Extracted);
    assert_eq!(a.pages, Some(1));
    let t = text(&a);
    assert_letter(t);
    // Reading order: heading, greeting, body, sign-off.
    let at = |s: &str| t.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(
        at("Ansøgning") < at("Kære")
            && at("Kære") < at("Grunden")
            && at("Grunden") < at("Søren Ågård")
    );
}

#[test]
fn a_two_page_pdf_from_libreoffice_keeps_its_pages_in_order() {
    let a = attached(
        "lang.pdf",
        "application/pdf",
        &fixture("ansoegning-lang.pdf"),
    );
    assert_eq!(a.extraction, Extraction::Extracted);
    assert_eq!(a.pages, Some(2));
    let t = text(&a);
    let starts: Vec<usize> = (1..=6)
        .map(|n| {
            t.find(&format!("Kopi {n}"))
                .unwrap_or_else(|| panic!("Kopi {n}"))
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    assert_eq!(t.matches("Med venlig hilsen").count(), 6);
}

#[test]
fn encrypted_but_openable_pdfs() {
    for name in ["ansoegning-aes128.pdf", "ansoegning-aes256.pdf"] {
        let bytes = fixture(name);
        assert!(
            bytes.windows(8).any(|w| w == b"/Encrypt"),
            "{name} is encrypted"
        );
        let a = attached(name, "application/pdf", &bytes);
        assert_eq!(a.extraction, Extraction::Extracted, "{name}");
        assert_eq!(a.pages, Some(1));
        assert_letter(text(&a));
    }
}

#[test]
fn docx_odt_and_rtf_from_libreoffice() {
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    for (name, media) in [
        ("ansoegning.docx", docx),
        ("ansoegning.odt", "application/vnd.oasis.opendocument.text"),
        ("ansoegning.rtf", "application/rtf"),
        // Mail programs often say nothing useful: the content decides.
        ("ansoegning.docx", "application/octet-stream"),
        ("ansoegning.rtf", "application/msword"),
    ] {
        let a = attached(name, media, &fixture(name));
        assert_eq!(a.extraction, Extraction::Extracted, "{name} as {media}");
        assert_eq!(a.pages, None);
        assert_letter(text(&a));
    }
}

#[test]
fn xlsx_and_ods_cells_from_libreoffice() {
    for (name, media) in [
        (
            "udgifter.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "udgifter.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ] {
        let a = attached(name, media, &fixture(name));
        assert_eq!(a.extraction, Extraction::Extracted, "{name}");
        let t = text(&a);
        let rows: Vec<Vec<&str>> = t
            .lines()
            .map(|l| {
                l.split('\t')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .collect();
        assert_eq!(
            rows,
            [
                vec!["Post", "Beløb"],
                vec!["Fliser til gårdsplads", "12500"],
                vec!["Skærmtag over indgang", "4250"],
                vec!["Årlig vedligeholdelse af tørrestativ", "1800"],
            ],
            "{name}: {t:?}"
        );
    }
}

#[cfg(not(feature = "ocr"))]
#[test]
fn image_only_scans_say_that_ocr_was_not_done() {
    let a = attached("scan.pdf", "application/pdf", &fixture("scan.pdf"));
    assert!(
        matches!(a.extraction, Extraction::NoTextLayer { .. }),
        "{:?}",
        a.extraction
    );
    assert!(a.text.is_none());
    let why = reason(&a);
    assert!(
        why.contains("no text layer") && why.contains("OCR was not done"),
        "{why}"
    );
    let a = attached("scan.png", "image/png", &fixture("scan.png"));
    assert!(
        reason(&a).contains("OCR was not done"),
        "{:?}",
        a.extraction
    );
}

#[cfg(feature = "ocr")]
#[test]
fn image_only_scans_are_read_by_tesseract() {
    for (name, media) in [("scan.pdf", "application/pdf"), ("scan.png", "image/png")] {
        let a = attached(name, media, &fixture(name));
        assert_eq!(a.extraction, Extraction::Ocr, "{name}");
        let t = text(&a);
        for word in [
            "Ansøgning",
            "byggetilladelse",
            "Ølstykke",
            "Æblevej",
            "Ågård",
        ] {
            assert!(t.contains(word), "{name}: {word} missing in {t:?}");
        }
    }
}

#[test]
fn forwarded_mail_with_a_pdf_is_read_recursively() {
    let inner = mail(
        "From: nabo@example.dk\r\nSubject: Indsigelse mod carport\r\n",
        "Jeg gør indsigelse, se brevet.",
        "brev.pdf",
        "application/pdf",
        &fixture("ansoegning.pdf"),
    );
    let raw = format!(
        "{HEADERS}Content-Type: multipart/mixed; boundary=ydre\r\n\r\n--ydre\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVideresendt til rette afdeling.\r\n--ydre\r\nContent-Type: message/rfc822\r\n\r\n{}\r\n--ydre--\r\n",
        String::from_utf8(inner).unwrap()
    );
    let m = Message::from_bytes(raw.as_bytes()).unwrap();
    assert_eq!(m.attachments.len(), 1);
    let a = &m.attachments[0];
    assert_eq!(a.media_type, "message/rfc822");
    let t = text(a);
    assert!(
        t.starts_with("Indsigelse mod carport\n\nJeg gør indsigelse, se brevet."),
        "{t}"
    );
    assert_letter(t);
}

#[test]
fn deeply_nested_mail_stops_at_the_attachment_depth() {
    // 40 forwarded mails in one another, each with a line of its own.
    let mut raw = "Subject: niveau 40\r\n\r\nTekst på niveau 40\r\n".to_string();
    for level in (0..40).rev() {
        raw = format!(
            "Subject: niveau {level}\r\nContent-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTekst på niveau {level}\r\n--b{level}\r\nContent-Type: message/rfc822\r\n\r\n{raw}\r\n--b{level}--\r\n"
        );
    }
    let m = Message::from_bytes(raw.as_bytes()).unwrap();
    assert_eq!(m.body.text, "Tekst på niveau 0");
    let t = text(&m.attachments[0]);
    let depth = Limits::default().max_attachment_depth;
    // The attachment holds levels 1 to 1 + depth; deeper ones are not read.
    assert!(t.contains(&format!("Tekst på niveau {}", 1 + depth)), "{t}");
    assert!(!t.contains(&format!("niveau {}", 2 + depth)), "{t}");
}

#[test]
fn zip_bomb_docx_is_stopped_by_declared_and_by_actual_size() {
    // 32 MiB of one run repeated: deflates to about 32 KiB.
    let run = "<w:r><w:t>bombe</w:t></w:r>";
    let body = format!("<w:p>{}</w:p>", run.repeat(32 * 1024 * 1024 / run.len()));
    let bomb = docx_with_body(&body);
    assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
    let limits = Limits {
        max_decompressed_bytes: 4 * 1024 * 1024,
        ..Limits::default()
    };
    let m = parse_with("bombe.docx", "application/octet-stream", &bomb, &limits);
    let why = reason(&m.attachments[0]);
    assert!(
        why.contains("declares") && why.contains("zip bomb"),
        "{why}"
    );

    // The same bomb with its sizes patched to claim 1,000 bytes: stopped while reading.
    let lying = patch_declared_sizes(bomb, 1000);
    let m = parse_with("bombe.docx", "application/octet-stream", &lying, &limits);
    assert!(
        matches!(m.attachments[0].extraction, Extraction::Unreadable { .. }),
        "{:?}",
        m.attachments[0].extraction
    );
    assert!(m.attachments[0].text.is_none());
}

/// Rewrites the uncompressed size of every member of a zip package, in its local header
/// (offset 22) and its central directory header (offset 24), to `size`.
fn patch_declared_sizes(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let le = size.to_le_bytes();
    let mut i = 0;
    while i + 46 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => zip[i + 22..i + 26].copy_from_slice(&le),
            b"PK\x01\x02" => zip[i + 24..i + 28].copy_from_slice(&le),
            _ => {}
        }
        i += 1;
    }
    zip
}

#[test]
fn millions_of_tiny_runs_stop_at_the_output_limit() {
    // Two million one-letter runs: 50 MB of XML in a package of well under 1 MB.
    let body = format!(
        "<w:p>{}</w:p>",
        "<w:r><w:t>a </w:t></w:r>".repeat(2_000_000)
    );
    let doc = docx_with_body(&body);
    let limits = Limits {
        max_attachment_text_bytes: 64 * 1024,
        ..Limits::default()
    };
    let m = parse_with("runs.docx", "application/octet-stream", &doc, &limits);
    let a = &m.attachments[0];
    assert_eq!(a.extraction, Extraction::Truncated { limit: 64 * 1024 });
    assert!(text(a).len() <= 64 * 1024);
    assert!(text(a).starts_with("a a a"));
    assert!(m.truncations.iter().any(|t| t.what == "attachment_text"));
}

#[test]
fn a_long_extraction_stops_at_the_deadline() {
    // 18 MB of RTF paragraphs with room for all their text: only the clock stops it.
    let mut rtf = String::from("{\\rtf1\\ansi ");
    rtf.push_str(&"linje\\par ".repeat(1_800_000));
    rtf.push('}');
    let limits = Limits {
        max_extraction_time: std::time::Duration::from_millis(1),
        max_attachment_text_bytes: 64 * 1024 * 1024,
        ..Limits::default()
    };
    let m = MessageBuilder::new()
        .subject("Lang")
        .attachment_bytes(Some("lang.rtf"), "application/rtf", rtf.as_bytes())
        .limits(limits)
        .build()
        .unwrap();
    assert_eq!(m.subject, "Lang");
    let why = reason(&m.attachments[0]);
    assert!(why.contains("time limit"), "{why}");
}

#[test]
fn pdf_with_a_huge_object_stream_is_bounded() {
    // An object stream that inflates to 16 MiB, against a budget of 2 MiB.
    let payload = vec![b' '; 16 * 1024 * 1024];
    let deflated = deflate(&payload);
    let mut objstm = format!(
        "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
        deflated.len()
    )
    .into_bytes();
    objstm.extend_from_slice(&deflated);
    objstm.extend_from_slice(b"\nendstream");
    let mut objs = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
    ];
    objs.push(objstm);
    let bomb = assemble(&objs);
    let limits = Limits {
        max_decompressed_bytes: 2 * 1024 * 1024,
        ..Limits::default()
    };
    let m = parse_with("bombe.pdf", "application/pdf", &bomb, &limits);
    assert!(
        matches!(m.attachments[0].extraction, Extraction::Unreadable { .. }),
        "{:?}",
        m.attachments[0].extraction
    );
}

/// Deflate (zlib) by way of a zip member: the zip crate is the one deflater at hand.
fn deflate(bytes: &[u8]) -> Vec<u8> {
    let zip = zip_package(&[("x", bytes)]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip[..])).unwrap();
    let member = archive.by_index_raw(0).unwrap();
    let start = member.data_start().unwrap() as usize;
    let raw = &zip[start..start + member.compressed_size() as usize];
    // zlib header, raw deflate, Adler-32 of the uncompressed bytes.
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut out = vec![0x78, 0x9c];
    out.extend_from_slice(raw);
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

#[test]
fn pdf_with_too_many_objects_is_refused_before_loading() {
    let n = Limits::default().max_document_objects + 10;
    let mut objs = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
    ];
    objs.extend(std::iter::repeat_n(b"null".to_vec(), n));
    let m = parse_with(
        "mange.pdf",
        "application/pdf",
        &assemble(&objs),
        &Limits::default(),
    );
    let why = reason(&m.attachments[0]);
    assert!(why.contains("objects") && why.contains("limit"), "{why}");
}

/// A one-page PDF showing `content` (a content stream) in Helvetica with WinAnsi encoding.
fn pdf_showing(content: &str) -> Vec<u8> {
    assemble(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes(),
    ])
}

#[test]
fn pdf_lines_word_gaps_and_kerning() {
    // Td down: a new line; TJ with a gap of a quarter em: a space; Td along the line: a space.
    let content = "BT /F1 12 Tf 72 700 Td (Ans\\370gning om) Tj 0 -14 Td [(carport) -250 (p\\345)] TJ 40 0 Td (\\306blevej) Tj ET";
    let a = attached("a.pdf", "application/pdf", &pdf_showing(content));
    assert_eq!(a.pages, Some(1));
    assert_eq!(text(&a), "Ansøgning om\ncarport på Æblevej");
    // Drawing without text: a page without a text layer.
    let a = attached(
        "b.pdf",
        "application/pdf",
        &pdf_showing("q 10 0 0 10 0 0 cm Q"),
    );
    assert!(
        matches!(a.extraction, Extraction::NoTextLayer { .. }),
        "{:?}",
        a.extraction
    );
}

/// A one-page PDF whose page draws form XObject 6 (`form`, a content stream with its own
/// font resources) after showing `page` text.
fn pdf_with_form(page: &str, form: &str) -> Vec<u8> {
    let page = format!("BT /F1 12 Tf 72 700 Td ({page}) Tj ET /Fm0 Do");
    assemble(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /Fm0 6 0 R >> >> /Contents 5 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{page}\nendstream", page.len()).into_bytes(),
        format!(
            "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F2 4 0 R >> /XObject << /Fm0 6 0 R >> >> /Length {} >>\nstream\n{form}\nendstream",
            form.len()
        )
        .into_bytes(),
    ])
}

#[test]
fn pdf_text_in_form_xobjects_and_a_self_drawing_form() {
    // A letterhead drawn as a form: its text comes after the page's own.
    let form = "BT /F2 10 Tf 72 800 Td (Teknik og Milj\\370, Ege Kommune) Tj ET";
    let a = attached(
        "skabelon.pdf",
        "application/pdf",
        &pdf_with_form("Afg\\370relse", form),
    );
    assert_eq!(text(&a), "Afgørelse\nTeknik og Miljø, Ege Kommune");
    // A form that draws itself 300 times: followed only MAX_FORM_DEPTH deep, and stopped by
    // the decompressed-bytes budget or the clock, never the stack.
    let form = format!("BT /F2 10 Tf (x) Tj ET {}", "/Fm0 Do ".repeat(300));
    let limits = Limits {
        max_extraction_time: std::time::Duration::from_millis(500),
        ..Limits::default()
    };
    let m = parse_with(
        "bombe.pdf",
        "application/pdf",
        &pdf_with_form("Side", &form),
        &limits,
    );
    let why = reason(&m.attachments[0]);
    assert!(why.contains("limit"), "{why}");
}

#[test]
fn broken_files_are_unreadable_and_the_mail_survives() {
    let pdf_bytes = fixture("ansoegning.pdf");
    let docx_bytes = fixture("ansoegning.docx");
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "halv.pdf",
            "application/pdf",
            pdf_bytes[..pdf_bytes.len() / 3].to_vec(),
        ),
        (
            "halv.docx",
            "application/octet-stream",
            docx_bytes[..docx_bytes.len() / 2].to_vec(),
        ),
        (
            "støj.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04 noise, not a package".to_vec(),
        ),
        ("tom.pdf", "application/pdf", Vec::new()),
        (
            "falsk.xlsx",
            "application/octet-stream",
            zip_package(&[("xl/workbook.xml", b"<workbook/>")]),
        ),
    ];
    for (name, media, bytes) in cases {
        let a = parse_with(name, media, &bytes, &Limits::default())
            .attachments
            .remove(0);
        assert!(
            matches!(a.extraction, Extraction::Unreadable { .. }),
            "{name}: {:?}",
            a.extraction
        );
        assert!(a.text.is_none(), "{name}");
        // The reason never quotes the file.
        assert!(!reason(&a).contains("Søren"), "{name}");
    }
}

#[test]
fn a_generated_pdf_and_docx_carry_text_and_pages() {
    let letter: String = (1..=150)
        .map(|i| format!("Linje {i}: Kommunen behandler ansøgningen om byggetilladelse på Åvej.\n"))
        .collect();
    let a = attached("lang.pdf", "application/pdf", &pdf(&letter));
    assert_eq!(a.pages, Some(3));
    assert!(
        text(&a).contains("Linje 150: Kommunen behandler ansøgningen om byggetilladelse på Åvej.")
    );
    let a = attached(
        "lang.docx",
        "application/octet-stream",
        &make_documents::docx(&letter),
    );
    assert!(text(&a).contains("Linje 1: Kommunen"));
    assert_eq!(a.extraction, Extraction::Extracted);
}

/// An Outlook message as a Compound File Binary file, with MAPI string properties
/// (UTF-16LE) and one attachment: written with the cfb crate, since no Debian tool writes
/// `.msg` files.
fn outlook_msg(subject: &str, body: &str, attachment: (&str, &[u8])) -> Vec<u8> {
    use std::io::Write;
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    let put = |cf: &mut cfb::CompoundFile<_>, path: &str, data: &[u8]| {
        cf.create_stream(path).unwrap().write_all(data).unwrap();
    };
    put(&mut cf, "/__substg1.0_0037001F", &utf16(subject));
    put(&mut cf, "/__substg1.0_1000001F", &utf16(body));
    cf.create_storage("/__attach_version1.0_#00000000").unwrap();
    put(
        &mut cf,
        "/__attach_version1.0_#00000000/__substg1.0_3707001F",
        &utf16(attachment.0),
    );
    put(
        &mut cf,
        "/__attach_version1.0_#00000000/__substg1.0_37010102",
        attachment.1,
    );
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

#[test]
fn outlook_msg_with_an_attached_docx() {
    let msg = outlook_msg(
        "VS: Byggetilladelse",
        "Hej\r\n\r\nHermed ansøgningen fra Søren.",
        ("ansøgning.docx", &fixture("ansoegning.docx")),
    );
    let a = attached("videresendt.msg", "application/octet-stream", &msg);
    assert_eq!(a.extraction, Extraction::Extracted);
    let t = text(&a);
    assert!(
        t.starts_with("VS: Byggetilladelse\n\nHej\n\nHermed ansøgningen fra Søren."),
        "{t}"
    );
    assert_letter(t);
    // A Word 97 file is also CFB, but holds no MAPI properties: not read.
    let mut doc = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    doc.create_stream("/WordDocument").unwrap();
    doc.flush().unwrap();
    let a = attached(
        "gammel.doc",
        "application/msword",
        &doc.into_inner().into_inner(),
    );
    assert_eq!(a.extraction, Extraction::NotText);
    // A truncated .msg is unreadable, the mail whole.
    let a = attached(
        "halv.msg",
        "application/vnd.ms-outlook",
        &msg[..msg.len() / 2],
    );
    assert!(
        matches!(a.extraction, Extraction::Unreadable { .. }),
        "{:?}",
        a.extraction
    );
}

#[test]
fn builder_and_memo_paths_extract_too() {
    let m = MessageBuilder::new()
        .subject("Ansøgning")
        .text_body("Se vedhæftede")
        .attachment_bytes(
            Some("ansøgning.odt"),
            "application/octet-stream",
            &fixture("ansoegning.odt"),
        )
        .build()
        .unwrap();
    assert_letter(text(&m.attachments[0]));

    let memo = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Message xmlns="https://DigitalPost.dk/MeMo-1" memoVersion="1.1" memoSchVersion="1.1.0">
  <MessageHeader>
    <messageType>DIGITALPOST</messageType>
    <messageUUID>8c2ea15d-61fb-4ba9-9366-42f8b194c114</messageUUID>
    <label>Carport</label>
    <mandatory>false</mandatory>
    <legalNotification>false</legalNotification>
    <Sender><senderID>12345678</senderID><idType>CVR</idType><label>Ågård Byg</label></Sender>
    <Recipient><recipientID>29189846</recipientID><idType>CVR</idType><label>Eksempel Kommune</label></Recipient>
  </MessageHeader>
  <MessageBody>
    <createdDateTime>2024-05-06T09:15:00Z</createdDateTime>
    <MainDocument>
      <File><encodingFormat>text/plain; charset=UTF-8</encodingFormat><filename>brev.txt</filename><language>da</language><content>{}</content></File>
    </MainDocument>
    <AdditionalDocument>
      <File><encodingFormat>application/pdf</encodingFormat><filename>ansøgning.pdf</filename><language>da</language><content>{}</content></File>
    </AdditionalDocument>
  </MessageBody>
</Message>"#,
        base64("Se vedhæftede.".as_bytes()),
        base64(&fixture("ansoegning.pdf"))
    );
    let m = Message::from_memo(memo.as_bytes()).unwrap();
    let a = m
        .attachments
        .iter()
        .find(|a| a.media_type == "application/pdf")
        .expect("the PDF is listed");
    assert_eq!(a.pages, Some(1));
    assert_letter(text(a));
}

#[test]
fn attachment_text_is_its_own_feature_space_with_its_weight() {
    let m = attached(
        "ansøgning.pdf",
        "application/pdf",
        &fixture("ansoegning.pdf"),
    );
    let mut msg = Message::default();
    msg.attachments = vec![m];
    let config = FeatureConfig::default();
    let f = Featurizer::new(&config).unwrap();
    let surfaces = f.surfaces(&msg);
    assert!(surfaces
        .iter()
        .any(|s| s.field == Field::AttachmentText && s.text.contains("carport")));
    assert!(!f.featurize(&msg).is_empty());
    // With its weight at zero the attachment's words are gone (its name and type remain).
    let mut off = config.clone();
    off.fields.attachment_text = 0.0;
    let f = Featurizer::new(&off).unwrap();
    assert!(!f
        .surfaces(&msg)
        .iter()
        .any(|s| s.field == Field::AttachmentText));
}
