//! Outlook `.msg` files: a forwarded mail saved by Outlook, as a Compound File Binary
//! (structured storage) read with the `cfb` crate. Its text is read like a forwarded
//! `message/rfc822` part's: the subject, a blank line, the body (plain text, else the
//! HTML body converted), then the text of its attachments, each read by the extractor for
//! its kind one level deeper.
//!
//! The MAPI properties used ([MS-OXMSG]): `__substg1.0_0037` subject, `_1000` body,
//! `_1013` HTML body; attachments in `__attach_version1.0_#N` storages with `_3707` (long)
//! or `_3704` file name, `_370E` media type and `_3701` data. Strings are `001F` (UTF-16LE)
//! or `001E` (8-bit, read as Windows-1252). Attached messages stored as sub-storages
//! (`3701000D`) are not read.

use std::io::{Cursor, Read};

use cfb::CompoundFile;

use super::{Budget, Failure, Found, Kind, TextOut};
use crate::ingest::html_to_text;
use crate::message::Extraction;

/// The first bytes of every Compound File Binary file.
pub(super) const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Whether a CFB file holds MAPI properties (an Outlook message) rather than a Word or
/// Excel document: its directory names `__substg1.0_` streams (UTF-16LE).
pub(super) fn is_msg(bytes: &[u8]) -> bool {
    const NAME: &[u8] = b"_\0_\0s\0u\0b\0s\0t\0g\x001\0.\x000\0_\0";
    bytes.starts_with(CFB_MAGIC) && super::find(bytes, NAME)
}

type Msg<'a> = CompoundFile<Cursor<&'a [u8]>>;

/// Reads the stream at `path` within the budget; `None` when there is none.
fn stream(msg: &mut Msg<'_>, path: &str, budget: &mut Budget) -> Result<Option<Vec<u8>>, Failure> {
    if !msg.is_stream(path) {
        return Ok(None);
    }
    let len = msg.entry(path).map(|e| e.len()).unwrap_or(0);
    let left = budget.inflate_left();
    if usize::try_from(len).map_or(true, |len| len > left) {
        return Err(budget.inflate_failure());
    }
    let mut data = Vec::new();
    msg.open_stream(path)
        .and_then(|s| s.take(len).read_to_end(&mut data))
        .map_err(|e| Failure::Broken(format!("a stream of the .msg file cannot be read: {e}")))?;
    budget.inflate(data.len())?;
    Ok(Some(data))
}

/// The string property `id` (four hex digits) of the object at `storage`.
fn string(
    msg: &mut Msg<'_>,
    storage: &str,
    id: &str,
    budget: &mut Budget,
) -> Result<Option<String>, Failure> {
    if let Some(utf16) = stream(msg, &format!("{storage}/__substg1.0_{id}001F"), budget)? {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let s = String::from_utf16_lossy(&units);
        return Ok(Some(s.trim_end_matches('\0').to_string()));
    }
    if let Some(bytes) = stream(msg, &format!("{storage}/__substg1.0_{id}001E"), budget)? {
        let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
        return Ok(Some(s.trim_end_matches('\0').to_string()));
    }
    Ok(None)
}

/// Extracts the text of an Outlook message into `out`; `depth` is its own depth among
/// attachments, its attachments are read one deeper.
pub(super) fn extract(
    bytes: &[u8],
    depth: usize,
    budget: &mut Budget,
    out: &mut TextOut,
) -> Result<Found, Failure> {
    let max = budget.limits.max_document_objects;
    let mut msg = CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| Failure::Broken(format!("not a readable .msg file: {e}")))?;
    let entries = msg.walk().take(max.saturating_add(1)).count();
    if entries > max {
        return Err(Failure::Limit(format!(
            "the .msg file has more than the limit of {max} entries"
        )));
    }
    if let Some(subject) = string(&mut msg, "", "0037", budget)? {
        out.push_str(subject.trim());
        out.push_str("\n\n");
    }
    match string(&mut msg, "", "1000", budget)? {
        Some(body) => out.push_str(&crate::ingest::decode::normalize_newlines(&body)),
        None => {
            if let Some(html) = stream(&mut msg, "/__substg1.0_10130102", budget)? {
                let html = crate::ingest::decode::decode_charset(&html, None);
                out.push_str(&html_to_text(&html, budget.limits.max_attachment_text_bytes).0);
            }
        }
    }
    let mut storages: Vec<String> = msg
        .read_root_storage()
        .filter(|e| e.is_storage() && e.name().starts_with("__attach_version1.0_#"))
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    storages.sort();
    for storage in storages {
        budget.check_time()?;
        if out.is_full() {
            break;
        }
        let Some(data) = stream(&mut msg, &format!("{storage}/__substg1.0_37010102"), budget)?
        else {
            continue;
        };
        let name = match string(&mut msg, &storage, "3707", budget)? {
            Some(n) => Some(n),
            None => string(&mut msg, &storage, "3704", budget)?,
        };
        let media = string(&mut msg, &storage, "370E", budget)?
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "application/octet-stream".into());
        let text = if crate::ingest::mime::is_text_like(&media) && !super::is_rtf(&data, &media) {
            let t = crate::ingest::decode::decode_charset(&data, None);
            Some(crate::ingest::decode::normalize_newlines(&t).into_owned())
        } else if let Some(kind) = Kind::detect(&data, &media, name.as_deref()) {
            let found = super::extract(kind, &data, &budget.limits, budget.deadline(), depth + 1);
            match found.extraction {
                Extraction::Extracted | Extraction::Truncated { .. } | Extraction::Ocr => {
                    found.text
                }
                _ => None,
            }
        } else {
            None
        };
        if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
            out.newline();
            out.push('\n');
            out.push_str(&t);
        }
    }
    Ok(Found::default())
}
