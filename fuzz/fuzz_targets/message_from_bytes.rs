//! Raw RFC 5322/MIME bytes through `Message::from_bytes_with`, under the default `Limits`
//! or tight ones (chosen by the input's length, so both see every shape), then what the
//! router does next with a message: references and the sensitivity flag.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signatur::decision::{refs, sensitive};
use signatur::ingest::Limits;
use signatur::Message;

fuzz_target!(|data: &[u8]| {
    let limits = if data.len() % 2 == 0 {
        Limits::default()
    } else {
        Limits {
            max_parts: 8,
            max_body_text_bytes: 2048,
            max_attachment_text_bytes: 1024,
            max_attachments: 4,
            max_nesting_depth: 3,
            max_headers: 16,
            max_decompressed_bytes: 64 * 1024,
            max_attachment_depth: 1,
            max_document_objects: 256,
            ..Limits::default()
        }
    };
    if let Ok(msg) = Message::from_bytes_with(data, &limits) {
        assert!(msg.body.text.len() <= limits.max_body_text_bytes);
        let found = refs::find_in_message(&msg);
        let _ = sensitive::assess_found(&msg, &found);
    }
});
