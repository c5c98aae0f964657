//! One attachment through its text extractor: the first byte chooses the format (PDF, DOCX,
//! ODT, XLSX, ODS, RTF, Outlook `.msg`, a nested `message/rfc822`, HTML in a legacy charset),
//! the rest is the file, attached with `MessageBuilder::attachment_bytes` under the
//! default `Limits`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signatur::ingest::MessageBuilder;

/// `(file name, media type)` per format, indexed by the first byte.
const FORMATS: [(&str, &str); 9] = [
    ("a.pdf", "application/pdf"),
    (
        "a.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("a.odt", "application/vnd.oasis.opendocument.text"),
    (
        "a.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("a.ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("a.rtf", "application/rtf"),
    ("a.msg", "application/vnd.ms-outlook"),
    ("a.eml", "message/rfc822"),
    ("a.html", "text/html; charset=windows-1252"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&format, file)) = data.split_first() else {
        return;
    };
    let (name, media_type) = FORMATS[usize::from(format) % FORMATS.len()];
    let built = MessageBuilder::new()
        .subject("Ansøgning")
        .text_body("Se vedhæftede.")
        .attachment_bytes(Some(name), media_type, file)
        .build();
    if let Ok(msg) = built {
        assert!(!msg.attachments.is_empty());
    }
});
