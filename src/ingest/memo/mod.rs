//! Digital Post: MeMo XML messages (versions 1.1 and 1.2) as [`Message`]s.
//!
//! Much citizen and business mail reaches a municipality through the national Digital Post
//! solution as a MeMo message (namespace `https://DigitalPost.dk/MeMo-1`). [`Message::from_memo`]
//! reads one into the same [`Message`] an e-mail becomes, with channel
//! [`Channel::DigitalPost`], so that rules, features and the model treat both alike:
//!
//! | `Message` field | from MeMo |
//! |---|---|
//! | `subject` | `MessageHeader/label` |
//! | `sender` | `Sender`: name = `label`, address = `senderID` |
//! | `to` | `Recipient`: name = `label`, address = `recipientID` |
//! | `message_id` | `messageUUID` |
//! | `in_reply_to`, `references` | `ReplyData/messageUUID` (and `replyUUID`) of other messages |
//! | `date`, `timestamp` | `MessageBody/createdDateTime` (no zone given: read as UTC) |
//! | `body` | the first `text/plain` file of `MainDocument`, else its first `text/html` file as text; with neither (a PDF-only letter, a NemSMS), the header's `notification` |
//! | `attachments` | every other `File` of every document, with text for text-like ones |
//! | `memo` | everything else, as a [`Memo`]: id types, attention data, `ContentData` (CPR, CVR, `CaseID`, `KLEdata`, `FORMdata`, …), `ForwardData`, `ReplyData`, flags |
//!
//! When the sender filled in `KLEdata`, a `CaseID` or `ReplyData` with a case id,
//! [`Memo::deterministic`] returns those labels with confidence 1 and the field they came
//! from: no model is needed.
//!
//! ```
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use signatur::ingest::memo::{IdType, MessageType};
//!
//! let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
//! <memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">
//!   <memo:MessageHeader>
//!     <memo:messageType>DIGITALPOST</memo:messageType>
//!     <memo:messageUUID>6d3c8f0e-2b9a-4c1d-8e7f-0a1b2c3d4e5f</memo:messageUUID>
//!     <memo:label>Klage over afgørelse</memo:label>
//!     <memo:Sender><memo:senderID>13748136</memo:senderID><memo:idType>CVR</memo:idType>
//!       <memo:label>Eksempel ApS</memo:label></memo:Sender>
//!     <memo:Recipient><memo:recipientID>29189846</memo:recipientID>
//!       <memo:idType>CVR</memo:idType></memo:Recipient>
//!   </memo:MessageHeader>
//!   <memo:MessageBody>
//!     <memo:createdDateTime>2024-05-03T12:00:00Z</memo:createdDateTime>
//!     <memo:MainDocument><memo:File>
//!       <memo:encodingFormat>text/plain</memo:encodingFormat>
//!       <memo:filename>klage.txt</memo:filename>
//!       <memo:content>Vmkga2xhZ2VyIG92ZXIgYWZnw7hyZWxzZW4u</memo:content>
//!     </memo:File></memo:MainDocument>
//!   </memo:MessageBody>
//! </memo:Message>"#;
//! let msg = signatur::Message::from_memo(xml.as_bytes())?;
//! assert_eq!(msg.subject, "Klage over afgørelse");
//! assert_eq!(msg.body.text, "Vi klager over afgørelsen.");
//! assert_eq!(msg.timestamp, Some(1_714_737_600));
//! let memo = msg.memo.as_ref().ok_or("not MeMo")?;
//! assert_eq!(memo.message_type, MessageType::DigitalPost);
//! let sender = memo.sender.as_ref().ok_or("no sender")?;
//! assert_eq!(sender.id_type, Some(IdType::Cvr));
//! # Ok(()) }
//! # example().unwrap();
//! ```
//!
//! ## Limits and hostile input
//!
//! [`Limits`] bounds the work: an XML document larger than `max_message_bytes` is refused
//! with [`ErrorKind::TooLarge`] (XML cannot be cut and still parse; raise the limit for
//! Digital Post letters with large enclosures, whose base64 makes them a third larger than
//! the files), the body and attachment texts are cut to `max_body_text_bytes` and
//! `max_attachment_text_bytes`, and at most `max_attachments` files are listed; every cut is
//! recorded in [`Message::truncations`]. Nesting deeper than 32 elements or more than 50,000
//! elements is refused as [`ErrorKind::TooLarge`] (a real MeMo message nests 8 deep and has
//! a few hundred).
//!
//! quick-xml, the XML reader, reads no DTD and expands no entities but the five predefined
//! ones and character references: external entities (XXE) and entity-expansion bombs cannot
//! happen. Malformed XML, a root other than MeMo's `Message`, and a missing `memoVersion`,
//! `MessageHeader`, `messageType` or `messageUUID` are [`ErrorKind::Parse`] errors that name
//! the element (never its text); nothing panics. A file with invalid base64 or no content
//! does not lose the letter: it is listed as an attachment whose extraction is
//! [`Extraction::Unreadable`], with a reason that
//! names the element, and the letter's text comes from its other files.

mod content;
mod model;
mod read;
mod routing;
mod xml;

pub use model::{
    Action, AdditionalContentData, AttentionData, CaseId, ContactDetail, ContactPoint, ContentData,
    CprData, CvrData, Document, DocumentKind, FileInfo, FormData, ForwardData, IdType, Identified,
    KleData, LabelValue, Memo, MemoVersion, MessageType, MotorVehicle, Party, PostalAddress,
    ReplyData, Representative,
};
pub use routing::{MemoLabel, MemoRouting};

use super::limits::{cut_header_value, cut_text, Cuts};
use super::mime::make_body;
use super::Limits;
use crate::message::{Address, Attachment, Body, BodySource, Channel, Extraction, Message};
use crate::{Error, ErrorKind, Result};
use content::Payload;

/// How deep elements may nest; MeMo itself needs about 8 levels.
const MAX_XML_DEPTH: usize = 32;
/// How many elements one document may have; MeMo messages have a few hundred.
const MAX_XML_ELEMENTS: usize = 50_000;

/// Whether `bytes` look like a MeMo message: an XML document whose root is `Message` and
/// that names the MeMo namespace or a `memoVersion`, within its first 4 KiB.
///
/// A cheap sniff for callers that get files of several kinds (the command line, a drop
/// folder); [`Message::from_memo`] does the real check.
///
/// ```
/// use signatur::ingest::memo::looks_like_memo;
/// assert!(looks_like_memo(br#"<?xml version="1.0"?><memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.1"/>"#));
/// assert!(!looks_like_memo(b"From: a@b.dk\r\nSubject: <Message>\r\n\r\nhej"));
/// ```
pub fn looks_like_memo(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let head = String::from_utf8_lossy(head);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if !head.starts_with('<') {
        return false;
    }
    let Some(root) = first_element_name(head) else {
        return false;
    };
    let local = root.rsplit(':').next().unwrap_or(root);
    local == "Message" && (head.contains("DigitalPost.dk/MeMo-1") || head.contains("memoVersion"))
}

/// The name of the first element, skipping the declaration, comments and processing
/// instructions.
fn first_element_name(mut s: &str) -> Option<&str> {
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix("<?") {
            s = rest.split_once("?>")?.1;
        } else if let Some(rest) = s.strip_prefix("<!--") {
            s = rest.split_once("-->")?.1;
        } else if let Some(rest) = s.strip_prefix("<!") {
            s = rest.split_once('>')?.1;
        } else {
            let rest = s.strip_prefix('<')?;
            let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
            return rest.get(..end);
        }
    }
}

impl Message {
    /// Reads a MeMo (Digital Post) XML message, version 1.1 or 1.2, with default [`Limits`].
    ///
    /// See [`crate::ingest::memo`] for how MeMo fields map onto a `Message`; the MeMo
    /// fields themselves are on [`Message::memo`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Parse`] for malformed XML or a document that is not MeMo;
    /// [`ErrorKind::TooLarge`] when the XML exceeds the limits. A file with invalid base64
    /// is not an error: it is listed as an attachment whose extraction is
    /// [`Extraction::Unreadable`], and the letter is read from its other files.
    pub fn from_memo(xml: &[u8]) -> Result<Message> {
        Message::from_memo_with(xml, &Limits::default())
    }

    /// Reads a MeMo message within `limits` (see [`crate::ingest::memo`] for which limit
    /// bounds what).
    ///
    /// # Errors
    ///
    /// As [`Message::from_memo`].
    pub fn from_memo_with(xml: &[u8], limits: &Limits) -> Result<Message> {
        if xml.len() > limits.max_message_bytes {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!(
                    "MeMo XML of {} bytes exceeds the limit of {} bytes (max_message_bytes)",
                    xml.len(),
                    limits.max_message_bytes
                ),
            ));
        }
        let text = xml::decode(xml)?;
        let shape = xml::TreeLimits {
            max_depth: MAX_XML_DEPTH,
            max_elements: MAX_XML_ELEMENTS,
        };
        let root = xml::parse(&text, shape)?;
        // One more file than attachments may be kept: the one that becomes the body.
        let max_files = limits.max_attachments.saturating_add(1);
        let (memo, files) = read::memo(&root, max_files)?;
        drop(root);
        Ok(build(memo, files, limits))
    }
}

/// Puts the channel-neutral fields together from the parsed MeMo message.
fn build(memo: Memo, files: read::Files, limits: &Limits) -> Message {
    let mut cuts = Cuts::default();
    let mut kept = files.kept;
    let body_file = body_file(&kept).map(|i| kept.remove(i));
    let body = body(&memo, body_file.as_ref(), limits, &mut cuts);
    let listed = files.seen - usize::from(body_file.is_some());
    if listed > limits.max_attachments {
        cuts.record("attachments", limits.max_attachments, listed);
        kept.truncate(limits.max_attachments);
    }
    let deadline = std::time::Instant::now() + limits.max_extraction_time;
    let attachments = kept
        .iter()
        .map(|p| attachment(p, limits, &mut cuts, deadline))
        .collect();
    let (date, timestamp) = memo.created.as_deref().and_then(date).unzip();
    let (in_reply_to, references) = thread(&memo);
    // Bounded as a mail's subject is: it is scanned for references and case numbers.
    let mut subject = memo.label.clone().unwrap_or_default();
    cut_header_value(&mut subject, limits, &mut cuts);
    Message {
        channel: Channel::DigitalPost,
        subject,
        sender: memo.sender.as_ref().map(address),
        to: memo.recipient.as_ref().map(address).into_iter().collect(),
        date,
        timestamp,
        message_id: Some(memo.uuid.clone()),
        in_reply_to,
        references,
        body,
        attachments,
        truncations: cuts.into_vec(),
        memo: Some(memo),
        ..Message::default()
    }
}

/// The file that is the letter's text: the main document's first `text/plain` file, else
/// its first HTML file. A damaged one is not taken: it stays among the attachments,
/// unreadable, so that the damage shows.
fn body_file(files: &[Payload]) -> Option<usize> {
    let main = |p: &&Payload| p.kind == DocumentKind::Main && !p.is_broken();
    let plain = files.iter().position(|p| main(&p) && p.is_plain());
    plain.or_else(|| files.iter().position(|p| main(&p) && p.is_html()))
}

fn body(memo: &Memo, file: Option<&Payload>, limits: &Limits, cuts: &mut Cuts) -> Body {
    let max = limits.max_body_text_bytes;
    let from_file = file.and_then(|f| {
        let (text, _, full) = f.text(max);
        text.map(|t| (t, full))
    });
    let (text, full) = match from_file.filter(|(t, _)| !t.trim().is_empty()) {
        Some(found) => found,
        None => {
            let mut note = memo.notification.clone().unwrap_or_default();
            let full = note.len();
            cut_text(&mut note, max);
            (note, full)
        }
    };
    if full > text.len() {
        cuts.record("body_text", max, full);
    }
    // Split into new text, quoted history and signature as for e-mail.
    make_body(text, BodySource::Memo)
}

fn attachment(
    p: &Payload,
    limits: &Limits,
    cuts: &mut Cuts,
    deadline: std::time::Instant,
) -> Attachment {
    let max = limits.max_attachment_text_bytes;
    let (text, extraction, pages) = match p.document_text(limits, deadline) {
        Some(found) => {
            if matches!(found.extraction, Extraction::Truncated { .. }) {
                cuts.record("attachment_text", max, max + 1);
            }
            (found.text, found.extraction, found.pages)
        }
        None => {
            let (text, extraction, full) = p.text(max);
            if full > max {
                cuts.record("attachment_text", max, full);
            }
            (text, extraction, None)
        }
    };
    Attachment {
        name: p.info.filename.clone(),
        media_type: p.info.media_type.clone(),
        size: p.info.size,
        text,
        pages,
        extraction,
    }
}

fn address(party: &Party) -> Address {
    Address::new(party.id.clone().unwrap_or_default(), party.label.clone())
}

/// `createdDateTime` as RFC 3339 and a Unix timestamp; `None` when it is not a valid date.
fn date(value: &str) -> Option<(String, i64)> {
    let dt = mail_parser::DateTime::parse_rfc3339(value.trim())?;
    dt.is_valid().then(|| (dt.to_rfc3339(), dt.to_timestamp()))
}

/// `in_reply_to`: the other messages named by `ReplyData/messageUUID`; `references`: those
/// and the messages they replied to (`replyUUID`), each once, this message excluded.
fn thread(memo: &Memo) -> (Vec<String>, Vec<String>) {
    let mut in_reply_to: Vec<String> = Vec::new();
    let mut references: Vec<String> = Vec::new();
    let other = |id: &Option<String>| id.clone().filter(|id| !id.eq_ignore_ascii_case(&memo.uuid));
    for r in &memo.replies {
        if let Some(id) = other(&r.message_uuid) {
            if !in_reply_to.contains(&id) {
                in_reply_to.push(id);
            }
        }
        for id in [other(&r.message_uuid), other(&r.reply_uuid)]
            .into_iter()
            .flatten()
        {
            if !references.contains(&id) {
                references.push(id);
            }
        }
    }
    (in_reply_to, references)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_finds_memo_roots_only() {
        let yes: [&[u8]; 4] = [
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- x --><memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\">",
            b"<Message xmlns=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.1\">",
            b"  <Message memoVersion=\"1.2\"><MessageHeader/></Message>",
            b"<?xml version=\"1.0\"?><!DOCTYPE Message><m:Message memoVersion=\"1.2\"/>",
        ];
        for bytes in yes {
            assert!(looks_like_memo(bytes), "{}", String::from_utf8_lossy(bytes));
        }
        let no: [&[u8]; 5] = [
            b"<?xml version=\"1.0\"?><KLE-Emneplan/>",
            b"<Message><body/></Message>",
            b"Subject: <memo:Message memoVersion=\"1.2\">",
            b"",
            b"<?xml unterminated",
        ];
        for bytes in no {
            assert!(
                !looks_like_memo(bytes),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn text_rtf_files_are_read_as_rtf() {
        // base64 of {\rtf1\ansi\ansicpg1252\pard K\'e6re kommune\par Jeg s\'f8ger.\par}
        let rtf = "e1xydGYxXGFuc2lcYW5zaWNwZzEyNTJccGFyZCBLXCdlNnJlIGtvbW11bmVcc\
GFyIEplZyBzXCdmOGdlci5ccGFyfQ==";
        let file = |format: &str, name: &str, content: &str| {
            format!(
                "<memo:File><memo:encodingFormat>{format}</memo:encodingFormat>\
<memo:filename>{name}</memo:filename><memo:content>{content}</memo:content></memo:File>"
            )
        };
        let xml = format!(
            "<memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.2\">\
<memo:MessageHeader><memo:messageType>DIGITALPOST</memo:messageType>\
<memo:messageUUID>6d3c8f0e-2b9a-4c1d-8e7f-0a1b2c3d4e5f</memo:messageUUID>\
<memo:label>Klage</memo:label></memo:MessageHeader><memo:MessageBody>\
<memo:MainDocument>{}</memo:MainDocument>\
<memo:AdditionalDocument>{}{}</memo:AdditionalDocument></memo:MessageBody></memo:Message>",
            file("text/plain", "a.txt", "U2UgYnJldi4="),
            file("text/rtf", "brev.rtf", rtf),
            file("text/plain", "brev.txt", rtf),
        );
        let m = Message::from_memo(xml.as_bytes()).unwrap();
        assert_eq!(m.body.text, "Se brev.");
        assert_eq!(m.attachments.len(), 2);
        for a in &m.attachments {
            let text = a.text.as_deref().unwrap_or_default();
            assert!(text.contains("Kære kommune"), "{text:?}");
            assert!(!text.contains("rtf1"), "{text:?}");
            assert_eq!(a.extraction, Extraction::Extracted);
        }
    }

    #[test]
    fn created_date_becomes_rfc3339_and_timestamp() {
        assert_eq!(
            date("2018-05-03T12:00:00Z"),
            Some(("2018-05-03T12:00:00Z".to_string(), 1_525_348_800))
        );
        assert_eq!(
            date("2018-05-03T14:00:00+02:00"),
            Some(("2018-05-03T14:00:00+02:00".to_string(), 1_525_348_800))
        );
        assert_eq!(
            date("2018-05-03T12:00:00.123"),
            Some(("2018-05-03T12:00:00Z".to_string(), 1_525_348_800))
        );
        assert_eq!(date("i morgen"), None);
        assert_eq!(date("2018-13-03T12:00:00Z"), None);
    }
}
