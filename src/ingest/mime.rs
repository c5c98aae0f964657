//! RFC 5322/MIME bytes → [`Message`], with mail-parser doing the MIME work.
//!
//! On top of mail-parser: the bounds of [`super::prepare`], the choice of body (the
//! `text/plain` parts mail-parser selects, HTML converted to text where there is no plain
//! part or only an empty one), charset repair ([`super::decode`]), attachments with
//! extracted text, and the split of the body into new text, quoted history and signature
//! ([`super::quote`]).
//!
//! # Errors and what is not an error
//!
//! The header block is read as mail-parser reads it: up to the first blank line, skipping
//! lines that are not `Name: value` fields; the body is what follows the blank line.
//! CPython's `email` package instead starts the body at the first such line (its
//! `msg_35.txt` and `msg_47.txt` have a body there and an empty one here). Skipping is
//! kept because the usual such line is a header value folded without indentation (an
//! Exchange diagnostics field, MimeKit's `issue358.txt`), with fields after it, the
//! `Content-Type` among them, that starting the body there would lose.
//!
//! When that finds nothing (no header field, no body, no attachment), as for empty input,
//! a line of text without a colon, or binary garbage without line structure, the result is
//! an [`ErrorKind::Parse`] error: a program that journals mail should know that it was not
//! handed mail rather than get an empty guess. Text that is not mail belongs in
//! [`Message::from_text`]. Everything else, however broken, gives a
//! `Message` with what could be read: a missing boundary, a bad base64 body or a wrong
//! charset are not errors.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::time::Instant;

use mail_parser::{HeaderName, MessageParser, MessagePart, MimeHeaders, PartType};
use once_cell::sync::Lazy;

use super::attachment::{self, Kind};
use super::decode::{
    decode_base64_lenient, decode_charset, decode_qp_lenient, meta_charset, normalize_newlines,
    repair_text, unflow,
};
use super::fields;
use super::html::html_to_text;
use super::limits::{cut_header_value, cut_text, Cuts, Limits};
use super::prepare::prepare;
use super::quote;
use crate::error::{Error, ErrorKind, Result};
use crate::message::{Attachment, Body, BodySource, Channel, Extraction, Message};

/// One parser for the process: it holds only configuration. It parses the fields a
/// `Message` takes from parsed values and the MIME fields; every other field (`Received`
/// above all, a third of mail-parser's time on the SpamAssassin corpus) is only skipped
/// over, since [`Message::headers`] is read from the raw bytes anyway.
static PARSER: Lazy<MessageParser> = Lazy::new(|| {
    MessageParser::new()
        .header_content_type(HeaderName::ContentType)
        .header_content_type(HeaderName::ContentDisposition)
        .header_text(HeaderName::ContentTransferEncoding)
        .header_address(HeaderName::From)
        .header_address(HeaderName::Sender)
        .header_address(HeaderName::To)
        .header_address(HeaderName::Cc)
        .header_date(HeaderName::Date)
        .header_text(HeaderName::Subject)
        .header_id(HeaderName::MessageId)
        .header_id(HeaderName::InReplyTo)
        .header_id(HeaderName::References)
        .default_header_ignore()
});

impl Message {
    /// Parses a raw RFC 5322/MIME message (an `.eml` file, one message of an mbox or a
    /// Maildir) within the default [`Limits`].
    ///
    /// Stalwart's `mail-parser` does the MIME work; on top of it come the input bounds of
    /// [`Limits`], the choice of body (the `text/plain` parts, HTML converted to text where
    /// there is none or only an empty one), charset repair for Latin-1 and Windows-1252
    /// mail that declares no or the wrong charset, attachments with their text, and the
    /// split of the body into new text, quoted history and signature. A leading mbox
    /// `From ` line is skipped.
    /// See [`Message::from_bytes_with`] for errors.
    ///
    /// ```
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let raw = b"From: =?iso-8859-1?q?S=F8ren?= <soren@example.dk>\r\n\
    /// To: post@kommune.dk\r\nSubject: Bolig\r\n\r\nJeg s\xf8ger bolig.\r\n\r\nMvh\r\nS\xf8ren\r\n";
    /// let msg = signatur::Message::from_bytes(raw)?;
    /// assert_eq!(msg.sender.as_ref().and_then(|a| a.name.as_deref()), Some("Søren"));
    /// assert_eq!(msg.to[0].address, "post@kommune.dk");
    /// assert_eq!(msg.body.new_text, "Jeg søger bolig.");
    /// assert_eq!(msg.body.signature, "Mvh\nSøren");
    /// # Ok(()) }
    /// # example().unwrap();
    /// ```
    pub fn from_bytes(raw: &[u8]) -> Result<Message> {
        Message::from_bytes_with(raw, &Limits::default())
    }

    /// Parses a raw message within `limits`; anything cut is listed in
    /// [`Message::truncations`].
    ///
    /// The header block is read as mail-parser reads it: up to the first blank line,
    /// skipping lines that are not `Name: value` fields (CPython's `email` package starts
    /// the body at the first one instead, losing the fields after a header value folded
    /// without indentation); the body is what follows. A missing boundary, a bad base64
    /// body or a wrong charset are not errors: the message holds what could be read.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Parse`] when nothing was found: no header
    /// field, no body and no attachment (empty input, a line of text without a colon,
    /// binary garbage without line structure). A program that journals mail should know
    /// that it was not handed mail rather than get an empty guess; text that is not mail
    /// belongs in [`Message::from_text`]. Also when the header block holds a NUL byte or
    /// many control bytes: a binary file (a UTF-16 text file fails here too).
    pub fn from_bytes_with(raw: &[u8], limits: &Limits) -> Result<Message> {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::new(
                ErrorKind::Parse,
                "empty input: no header fields and no body",
            ));
        }
        if let Some(why) = binary_header(raw) {
            return Err(Error::new(
                ErrorKind::Parse,
                format!("{why} in the header block: binary data, not an RFC 5322 message"),
            ));
        }
        let prepared = prepare(raw, limits);
        let parsed = PARSER.parse(prepared.bytes.as_ref()).ok_or_else(|| {
            Error::new(
                ErrorKind::Parse,
                "no header field and no body found: not an RFC 5322 message",
            )
        })?;
        let msg = convert(parsed, limits, prepared.cuts);
        if msg.headers.is_empty() && msg.body.text.is_empty() && msg.attachments.is_empty() {
            return Err(Error::new(
                ErrorKind::Parse,
                "no header field and no body found: not an RFC 5322 message",
            ));
        }
        Ok(msg)
    }

    /// A message from plain text a host received some other way (a web form, a chat): the
    /// text is the body, split into new text, quoted history and signature like a mail
    /// body. The channel is [`Channel::Other`].
    ///
    /// ```
    /// let msg = signatur::Message::from_text("Hej\n\nJeg flytter.\n\nMvh\nAnne");
    /// assert_eq!(msg.body.new_text, "Hej\n\nJeg flytter.");
    /// assert_eq!(msg.channel, signatur::Channel::Other);
    /// ```
    pub fn from_text(text: &str) -> Message {
        let limits = Limits::default();
        let mut cuts = Cuts::default();
        let mut body = normalize_newlines(text).into_owned();
        let total = body.len();
        if cut_text(&mut body, limits.max_body_text_bytes) {
            cuts.record("body_text", limits.max_body_text_bytes, total);
        }
        Message {
            channel: Channel::Other,
            body: make_body(body, BodySource::Plain),
            truncations: cuts.into_vec(),
            ..Message::default()
        }
    }
}

/// A [`Body`] with its text split.
pub(crate) fn make_body(text: String, source: BodySource) -> Body {
    let split = quote::split(&text);
    Body {
        new_text: split.new_text,
        quoted: split.quoted,
        signature: split.signature,
        source: if text.is_empty() {
            BodySource::None
        } else {
            source
        },
        text,
    }
}

type Parsed<'x> = mail_parser::Message<'x>;

/// Builds the [`Message`] from mail-parser's result.
fn convert(parsed: Parsed<'_>, limits: &Limits, mut cuts: Cuts) -> Message {
    let raw: &[u8] = &parsed.raw_message;
    let root_headers = parsed
        .parts
        .first()
        .map(|p| p.headers.as_slice())
        .unwrap_or_default();

    let (mut headers, header_count) = fields::raw_headers(root_headers, raw, limits.max_headers);
    if header_count > limits.max_headers {
        cuts.record("headers", limits.max_headers, header_count);
    }
    for h in &mut headers {
        cut_header_value(&mut h.value, limits, &mut cuts);
    }
    let mut subject = fields::subject(root_headers, raw)
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    cut_header_value(&mut subject, limits, &mut cuts);
    let date = fields::date(root_headers);
    let mut msg = Message {
        channel: Channel::Email,
        subject,
        sender: fields::sender(root_headers),
        to: fields::addresses(root_headers, HeaderName::To),
        cc: fields::addresses(root_headers, HeaderName::Cc),
        date: date.as_ref().map(|(s, _)| s.clone()),
        timestamp: date.map(|(_, t)| t),
        message_id: fields::text(root_headers, HeaderName::MessageId)
            .map(|s| {
                s.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
            .filter(|s| !s.is_empty()),
        in_reply_to: fields::ids(root_headers, HeaderName::InReplyTo),
        references: fields::ids(root_headers, HeaderName::References),
        headers,
        ..Message::default()
    };

    let (text, source, body_part) =
        body_text(&parsed, limits.max_body_text_bytes, &mut cuts, "body_text");
    msg.body = make_body(text, source);
    let depth = Depth {
        deadline: Instant::now() + limits.max_extraction_time,
        level: 0,
    };
    msg.attachments = attachments(&parsed, body_part, limits, &mut cuts, depth);
    msg.truncations = cuts.into_vec();
    dismantle(parsed);
    msg
}

/// The text a text part holds, before HTML conversion.
enum PartText<'a> {
    Plain(Cow<'a, str>),
    Html(Cow<'a, str>),
}

/// The text of a `text/*` part (or another text-like type, or a multipart whose boundary
/// was not found), charset repaired. A part whose
/// transfer encoding mail-parser could not decode (a blank line inside base64, a stray
/// character) is decoded again leniently from the raw bytes; mail-parser would hand over
/// the undecoded base64.
fn part_text<'a>(part: &'a MessagePart<'_>, raw: &[u8]) -> Option<PartText<'a>> {
    let media = media_type(part);
    if part.is_encoding_problem {
        if !(media.starts_with("text/") || is_text_like(&media)) {
            return None;
        }
        let bytes = redecode(part, raw)?;
        let mut charset = part.content_type().and_then(|c| c.attribute("charset"));
        if media == "text/html" && charset.is_none() {
            charset = meta_charset(&bytes);
        }
        let text = Cow::Owned(decode_charset(&bytes, charset));
        return Some(if media == "text/html" {
            PartText::Html(text)
        } else {
            PartText::Plain(text)
        });
    }
    match &part.body {
        PartType::Text(t) => {
            let text = repair_text(t, part, raw, false);
            let ct = part.content_type();
            let param = |name: &str| ct.and_then(|c| c.attribute(name)).map(str::trim);
            if param("format").is_some_and(|f| f.eq_ignore_ascii_case("flowed")) {
                return Some(PartText::Plain(Cow::Owned(unflow(&text))));
            }
            Some(PartText::Plain(text))
        }
        PartType::Html(h) => Some(PartText::Html(repair_text(h, part, raw, true))),
        PartType::Binary(b) | PartType::InlineBinary(b)
            if is_text_like(&media) || media.starts_with("multipart/") =>
        {
            let charset = part.content_type().and_then(|c| c.attribute("charset"));
            Some(PartText::Plain(Cow::Owned(decode_charset(b, charset))))
        }
        _ => None,
    }
}

/// The content of a part whose encoding mail-parser gave up on, decoded leniently by its
/// declared `Content-Transfer-Encoding`; the raw bytes when it declares none.
fn redecode(part: &MessagePart<'_>, raw: &[u8]) -> Option<Vec<u8>> {
    let body = raw.get(part.offset_body as usize..part.offset_end as usize)?;
    let cte = fields::text(&part.headers, HeaderName::ContentTransferEncoding)
        .map(|c| c.trim().to_ascii_lowercase());
    Some(match cte.as_deref() {
        Some("base64") => decode_base64_lenient(body),
        Some("quoted-printable") => decode_qp_lenient(body),
        _ => body.to_vec(),
    })
}

/// Readable text from a part's text: plain text with `\n` line ends, HTML converted.
/// Returns the text, whether it was cut at `room`, and whether it came from HTML.
fn readable(text: PartText<'_>, room: usize) -> (String, bool, bool) {
    match text {
        PartText::Plain(t) => {
            let mut t = normalize_newlines(&t).into_owned();
            let cut = cut_text(&mut t, room);
            (t, cut, false)
        }
        PartText::Html(h) => {
            let (t, cut) = html_to_text(&h, room);
            (t, cut, true)
        }
    }
}

/// The readable text of a message: its body parts as mail-parser selected them (plain text
/// preferred), HTML converted, joined by blank lines, cut at `limit`. When the plain parts
/// hold no text, the HTML alternatives are the body. When there is none, the first unnamed
/// inline text part among the attachments is the body
/// (a lone `text/x-usenet-faq` part, a text part whose base64 mail-parser could not read);
/// its id is returned so that it is not listed as an attachment too.
fn body_text(
    m: &Parsed<'_>,
    limit: usize,
    cuts: &mut Cuts,
    what: &str,
) -> (String, BodySource, Option<u32>) {
    let raw: &[u8] = &m.raw_message;
    let mut text = String::new();
    let mut source = BodySource::None;
    let mut seen = 0usize;
    let mut cut = false;
    let mut add = |part: &MessagePart<'_>, text: &mut String, source: &mut BodySource| -> bool {
        let Some(pt) = part_text(part, raw) else {
            return false;
        };
        seen += match &pt {
            PartText::Plain(t) | PartText::Html(t) => t.len(),
        };
        let (mut piece, was_cut, html) = readable(pt, limit.saturating_sub(text.len()));
        cut |= was_cut;
        if piece.trim().is_empty() {
            return false;
        }
        if !html {
            *source = BodySource::Plain;
        } else if *source == BodySource::None {
            *source = BodySource::Html;
        }
        if text.is_empty() {
            // The usual case, one body part: keep its string instead of copying it.
            let end = piece.trim_end_matches('\n').len();
            piece.truncate(end);
            let start = piece.len() - piece.trim_start_matches('\n').len();
            piece.drain(..start);
            *text = piece;
        } else {
            text.push_str("\n\n");
            text.push_str(piece.trim_matches('\n'));
        }
        true
    };
    for &id in &m.text_body {
        if let Some(part) = m.parts.get(id as usize) {
            add(part, &mut text, &mut source);
            if text.len() >= limit {
                break;
            }
        }
    }
    // An empty (or blank) `text/plain` alternative next to the HTML one that holds the
    // letter, as some mailers and bulk senders make: the HTML alternative is the body.
    // mail-parser lists it only in `html_body`.
    if text.is_empty() {
        for &id in &m.html_body {
            if m.text_body.contains(&id) {
                continue;
            }
            if let Some(part) = m.parts.get(id as usize) {
                add(part, &mut text, &mut source);
                if text.len() >= limit {
                    break;
                }
            }
        }
    }
    let mut used = None;
    if text.is_empty() {
        for &id in &m.attachments {
            let Some(part) = m.parts.get(id as usize) else {
                continue;
            };
            let unnamed = part.attachment_name().is_none()
                && !part
                    .content_disposition()
                    .is_some_and(|d| d.is_attachment());
            let textual = match &part.body {
                PartType::Text(_) | PartType::Html(_) => true,
                // A multipart without a usable boundary: its content is all there is.
                PartType::Binary(_) => media_type(part).starts_with("multipart/"),
                _ => false,
            };
            if unnamed && textual && add(part, &mut text, &mut source) {
                used = Some(id);
                break;
            }
        }
    }
    let cut = cut || text.len() > limit;
    if cut {
        cut_text(&mut text, limit);
        cuts.record(what, limit, seen.max(text.len() + 1));
    }
    (text, source, used)
}

/// Where attachment extraction stands: when it must stop, and how deep in attachments of
/// attachments it is.
#[derive(Clone, Copy)]
struct Depth {
    /// Shared by every attachment of the message, nested ones included.
    deadline: Instant,
    /// 0 for the message's own attachments, 1 for those of a forwarded mail, …
    level: usize,
}

/// The attachments of the message, in mail-parser's order, without the part that became
/// the body (`body_part`).
fn attachments(
    m: &Parsed<'_>,
    body_part: Option<u32>,
    limits: &Limits,
    cuts: &mut Cuts,
    depth: Depth,
) -> Vec<Attachment> {
    let raw: &[u8] = &m.raw_message;
    let ids: Vec<u32> = m
        .attachments
        .iter()
        .copied()
        .filter(|id| Some(*id) != body_part)
        .collect();
    if ids.len() > limits.max_attachments {
        cuts.record("attachments", limits.max_attachments, ids.len());
    }
    let limit = limits.max_attachment_text_bytes;
    let mut out = Vec::with_capacity(ids.len().min(limits.max_attachments));
    for id in ids.into_iter().take(limits.max_attachments) {
        let Some(part) = m.parts.get(id as usize) else {
            continue;
        };
        let mut a = Attachment {
            name: part
                .attachment_name()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            media_type: media_type(part),
            size: part.len() as u64,
            text: None,
            pages: None,
            extraction: Extraction::NotText,
        };
        // A text part's size as it was sent (transfer encoding undone, charset not):
        // mail-parser holds the text as UTF-8, up to three times as long as Latin-1 bytes.
        if let PartType::Text(_) | PartType::Html(_) = &part.body {
            if let Some(bytes) = redecode(part, raw) {
                a.size = bytes.len() as u64;
            }
        }
        // RTF under `text/rtf` (or RTF content under another text type) is markup: the RTF
        // extractor reads it below, as it reads `application/rtf`.
        let rtf = match &part.body {
            PartType::Text(t) => attachment::is_rtf(t.as_bytes(), &a.media_type),
            _ => false,
        };
        // The text, whether it was cut, and how long the source text was.
        let text = match &part.body {
            _ if rtf => None,
            PartType::Message(nested) => {
                a.size = u64::from(part.offset_end.saturating_sub(part.offset_body));
                let (t, cut) = summary(nested, limits, depth);
                let len = t.len() + usize::from(cut);
                Some((t, cut, len))
            }
            _ => part_text(part, raw).map(|t| {
                let len = match &t {
                    PartText::Plain(s) | PartText::Html(s) => s.len(),
                };
                let (t, cut, _) = readable(t, limit);
                (t, cut, len)
            }),
        };
        let mut redecoded = None;
        if part.is_encoding_problem && !matches!(part.body, PartType::Message(_)) {
            if let Some(bytes) = redecode(part, raw) {
                a.size = bytes.len() as u64;
                redecoded = Some(bytes);
            }
            if text.is_none() {
                a.extraction = Extraction::Unreadable {
                    reason: "the transfer encoding is broken; the content was decoded leniently"
                        .into(),
                };
            }
        }
        if let Some((mut t, cut, len)) = text {
            a.extraction = if cut | cut_text(&mut t, limit) {
                cuts.record("attachment_text", limit, len.max(t.len() + 1));
                Extraction::Truncated {
                    limit: limit as u64,
                }
            } else {
                Extraction::Extracted
            };
            a.text = Some(t);
        } else if let Some(bytes) = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                Some(Cow::Borrowed(redecoded.as_deref().unwrap_or(b)))
            }
            _ if rtf => redecoded
                .map(Cow::Owned)
                .or_else(|| redecode(part, raw).map(Cow::Owned)),
            _ => None,
        } {
            let bytes = bytes.as_ref();
            if let Some(kind) = Kind::detect(bytes, &a.media_type, a.name.as_deref()) {
                let found = attachment::extract(kind, bytes, limits, depth.deadline, depth.level);
                if matches!(found.extraction, Extraction::Truncated { .. }) {
                    cuts.record("attachment_text", limit, limit + 1);
                }
                a.text = found.text;
                a.pages = found.pages;
                a.extraction = found.extraction;
            }
        }
        out.push(a);
    }
    out
}

/// A nested message as text: its subject, a blank line, its body, then the text of its
/// own attachments (while [`Limits::max_attachment_depth`] allows); and whether its body
/// was cut at the attachment text limit.
fn summary(nested: &Parsed<'_>, limits: &Limits, depth: Depth) -> (String, bool) {
    let limit = limits.max_attachment_text_bytes;
    let headers = nested
        .parts
        .first()
        .map(|p| p.headers.as_slice())
        .unwrap_or_default();
    let subject = fields::subject(headers, &nested.raw_message).unwrap_or_default();
    let subject = subject.trim();
    let mut body_cuts = Cuts::default();
    let (body, _, body_part) = body_text(nested, limit, &mut body_cuts, "attachment_text");
    let mut cut = !body_cuts.into_vec().is_empty();
    let mut text = match (subject.is_empty(), body.is_empty()) {
        (true, _) => body,
        (false, true) => subject.to_string(),
        (false, false) => format!("{subject}\n\n{body}"),
    };
    let inner = Depth {
        level: depth.level + 1,
        ..depth
    };
    if inner.level <= limits.max_attachment_depth && text.len() < limit {
        let mut inner_cuts = Cuts::default();
        for a in attachments(nested, body_part, limits, &mut inner_cuts, inner) {
            if let Some(t) = a.text.filter(|t| !t.trim().is_empty()) {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&t);
            }
            if text.len() > limit {
                cut = true;
                break;
            }
        }
    }
    (text, cut)
}

/// `type/subtype`, lowercased; mail-parser's kind of part when there is no Content-Type.
fn media_type(part: &mail_parser::MessagePart<'_>) -> String {
    if let Some(ct) = part.content_type() {
        let t = ct.ctype().trim();
        let sub = ct.subtype().map(str::trim).unwrap_or("");
        if !t.is_empty() {
            let mut s = if sub.is_empty() {
                t.to_string()
            } else {
                format!("{t}/{sub}")
            };
            s.make_ascii_lowercase();
            return s;
        }
    }
    match part.body {
        PartType::Text(_) => "text/plain",
        PartType::Html(_) => "text/html",
        PartType::Message(_) => "message/rfc822",
        PartType::Multipart(_) => "multipart/mixed",
        PartType::Binary(_) | PartType::InlineBinary(_) => "application/octet-stream",
    }
    .to_string()
}

/// Non-`text/*` types whose content is text a reader can use.
pub(crate) fn is_text_like(media_type: &str) -> bool {
    media_type.starts_with("text/")
        || matches!(
            media_type,
            "application/json"
                | "application/xml"
                | "application/csv"
                | "application/x-csv"
                | "application/ics"
                | "application/x-yaml"
                | "application/yaml"
                // Delivery and read reports: header-like text that rules read.
                | "message/delivery-status"
                | "message/global-delivery-status"
                | "message/disposition-notification"
                | "message/feedback-report"
        )
        || media_type.ends_with("+xml")
        || media_type.ends_with("+json")
}

/// Drops a parsed message without recursion: nested messages are taken out one level at a
/// time, so a deeply nested message cannot overflow the stack in `Drop`.
fn dismantle(m: Parsed<'_>) {
    let mut stack = VecDeque::from([m]);
    while let Some(mut m) = stack.pop_front() {
        for part in &mut m.parts {
            if matches!(part.body, PartType::Message(_)) {
                if let PartType::Message(inner) = std::mem::take(&mut part.body) {
                    stack.push_back(inner);
                }
            }
        }
    }
}

/// Why the header block of `raw` (up to the blank line that ends it, at most the first
/// 4 KB) cannot be mail, if it cannot: header fields are text (RFC 5322, RFC 2047), so a
/// NUL there, or many control bytes, means a binary file (an executable, an archive, an
/// image) that mail-parser would otherwise read as garbage header fields and a body. ESC
/// is not counted (raw ISO-2022-JP subjects use it), and a few stray control bytes are
/// allowed: at least 8, and more than 2 % of the block, are needed.
fn binary_header(raw: &[u8]) -> Option<String> {
    let first = &raw[..raw.len().min(4096)];
    let head = &first[..super::prepare::header_block_end(first, 0)];
    if head.contains(&0) {
        return Some("a NUL byte".to_string());
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    (control >= 8 && control * 50 > head.len()).then(|| format!("{control} control bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_empty_input_are_errors_not_panics() {
        for input in [&b""[..], b"   \r\n ", b"just some words without any colon"] {
            let err = Message::from_bytes(input).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Parse, "{input:?}");
        }
        // Binary files are refused, not read as garbage header fields.
        let noise: Vec<u8> = (0..5000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0: x\n\nbody";
        let gzip = b"\x1f\x8b\x08\x08\xd3\x1b\x0c\x65\x00\x03mail.eml\x00\xed\x5d: y";
        for input in [&noise[..], elf, gzip] {
            let err = Message::from_bytes(input).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Parse);
            assert!(err.to_string().contains("binary data"), "{err}");
        }
        // Control bytes in a body (ISO-2022-JP escapes, a stray form feed) are fine, and so
        // are raw ISO-2022-JP header fields, a stray control byte in a short header, and a
        // header block ended by a CRLF blank line after LF lines.
        let m = Message::from_bytes(b"Subject: hej\r\n\r\n\x1b$B0l\x1b(B\x0c tekst\r\n").unwrap();
        assert_eq!(m.subject, "hej");
        Message::from_bytes(b"Subject: \x1b$B0l\x1b(B\n\nx\n").unwrap();
        Message::from_bytes(b"Subject: a\x01b\n\nx\n").unwrap();
        let mut body = b"Subject: hej\n\r\n".to_vec();
        body.extend(std::iter::repeat_n(b"\x1b$B0l\x1b(B\x01\x02\x03 ".as_slice(), 100).flatten());
        Message::from_bytes(&body).unwrap();
    }

    #[test]
    fn headers_only_and_body_only() {
        let m = Message::from_bytes(b"Subject: kun emne\r\n").unwrap();
        assert_eq!(m.subject, "kun emne");
        assert_eq!(m.body.source, BodySource::None);
        let m = Message::from_bytes(b"\r\nKun tekst\r\n").unwrap();
        assert!(m.headers.is_empty());
        assert_eq!(m.body.text, "Kun tekst");
    }

    #[test]
    fn fields_are_filled() {
        let raw = b"From: \"Hansen, Jens\" <Jens.Hansen@Example.DK>\r\n\
Sender: sekretariat@example.dk\r\n\
To: Post <post@kommune.dk>, Byg <byg@kommune.dk>\r\n\
Cc: undisclosed:;, kopi@example.dk\r\n\
Date: Fri, 3 May 2024 10:12:00 +0200\r\n\
Message-ID: <abc@example.dk>\r\n\
In-Reply-To: <x@y>\r\n\
References: <w@y>\r\n <x@y>\r\n\
X-Folded: en\r\n\tto\r\n\
Subject: =?utf-8?q?Byggetilladelse_p=C3=A5_Lyngvej?=\r\n\r\nHej\r\n";
        let m = Message::from_bytes(raw).unwrap();
        assert_eq!(m.subject, "Byggetilladelse på Lyngvej");
        let s = m.sender.as_ref().unwrap();
        assert_eq!(s.name.as_deref(), Some("Hansen, Jens"));
        assert_eq!(s.address, "Jens.Hansen@Example.DK");
        assert_eq!(m.sender_domain().as_deref(), Some("example.dk"));
        assert_eq!(m.to.len(), 2);
        assert_eq!(m.to[1].address, "byg@kommune.dk");
        assert_eq!(
            m.cc.iter().map(|a| a.address.as_str()).collect::<Vec<_>>(),
            ["kopi@example.dk"]
        );
        assert_eq!(m.date.as_deref(), Some("2024-05-03T10:12:00+02:00"));
        assert_eq!(m.timestamp, Some(1_714_723_920));
        assert_eq!(m.message_id.as_deref(), Some("abc@example.dk"));
        assert_eq!(m.in_reply_to, ["x@y"]);
        assert_eq!(m.references, ["w@y", "x@y"]);
        assert_eq!(m.header("x-folded"), Some("en to"));
        assert_eq!(m.header("Subject"), Some("Byggetilladelse på Lyngvej"));
        assert_eq!(m.headers.len(), 10);
        assert_eq!(m.body.text, "Hej");
        assert_eq!(m.body.source, BodySource::Plain);
        assert!(m.truncations.is_empty());
    }

    #[test]
    fn sender_falls_back_to_sender_header() {
        let m = Message::from_bytes(b"Sender: post@example.dk\r\nSubject: x\r\n\r\nb").unwrap();
        assert_eq!(m.sender.unwrap().address, "post@example.dk");
    }

    #[test]
    fn html_only_body_is_converted_and_plain_is_preferred() {
        let raw = b"Content-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\n\
Content-Type: text/html; charset=utf-8\r\n\r\n<p>HTML</p>\r\n--x\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nPlain\r\n--x--\r\n";
        let m = Message::from_bytes(raw).unwrap();
        assert_eq!(m.body.text, "Plain");
        assert_eq!(m.body.source, BodySource::Plain);
        let raw = b"Content-Type: text/html\r\n\r\n<html><head><style>x</style></head><body>K&aelig;re <b>borger</b></body></html>";
        let m = Message::from_bytes(raw).unwrap();
        assert_eq!(m.body.text, "Kære borger");
        assert_eq!(m.body.source, BodySource::Html);
    }

    #[test]
    fn undeclared_latin1_body_is_repaired() {
        let m = Message::from_bytes(b"Subject: x\r\n\r\nJeg s\xf8ger om \xe6ndring \x96 tak\r\n")
            .unwrap();
        assert_eq!(m.body.text, "Jeg søger om ændring – tak");
        let raw = b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nS=F8ren\r\n";
        assert_eq!(Message::from_bytes(raw).unwrap().body.text, "Søren");
        let raw = b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nS\xf8ren\r\n";
        assert_eq!(Message::from_bytes(raw).unwrap().body.text, "Søren");
    }

    #[test]
    fn html_parts_are_charset_repaired() {
        // No charset anywhere: Latin-1 bytes are read as Windows-1252, as for text/plain.
        let raw = b"Content-Type: text/html\r\n\r\n<p>Jeg s\xf8ger om \xe6ndring.</p>\r\n";
        assert_eq!(
            Message::from_bytes(raw).unwrap().body.text,
            "Jeg søger om ændring."
        );
        // A <meta> charset counts when MIME declares none (ISO-8859-15: 0xA4 is €, not ¤).
        let raw = b"Content-Type: text/html\r\n\r\n<html><head><meta charset=\"iso-8859-15\"></head><body>Pris 5 \xa4, s\xf8ger</body></html>\r\n";
        assert_eq!(
            Message::from_bytes(raw).unwrap().body.text,
            "Pris 5 €, søger"
        );
        let raw = b"Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><head><meta http-equiv=3D\"Content-Type\" content=3D\"text/html; charset=3Diso-8859-15\"></head><body>5 =A4 s=F8ger</body></html>\r\n";
        assert_eq!(Message::from_bytes(raw).unwrap().body.text, "5 € søger");
        // An HTML attachment goes the same way.
        let raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nSe bilag.\r\n--b\r\n\
Content-Type: text/html\r\nContent-Disposition: attachment; filename=\"side.html\"\r\n\r\n<p>Jeg s\xf8ger</p>\r\n--b--\r\n";
        let m = Message::from_bytes(raw).unwrap();
        assert_eq!(m.attachments[0].text.as_deref(), Some("Jeg søger"));
    }

    #[test]
    fn unknown_charset_labels_are_repaired() {
        for label in ["unknown-8bit", "x-unknown", "\"iso-8859-1 \""] {
            let raw = format!("Content-Type: text/plain; charset={label}\r\n\r\n");
            let mut raw = raw.into_bytes();
            raw.extend_from_slice(b"Jeg s\xf8ger\r\n");
            assert_eq!(
                Message::from_bytes(&raw).unwrap().body.text,
                "Jeg søger",
                "{label}"
            );
        }
        // A label mail-parser knows is honoured as before.
        let raw = b"Content-Type: text/plain; charset=macintosh\r\n\r\nJeg s\xbfger\r\n";
        assert_eq!(Message::from_bytes(raw).unwrap().body.text, "Jeg søger");
    }

    #[test]
    fn empty_plain_alternative_gives_way_to_html() {
        let raw = b"Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n\r\n \r\n--b\r\n\
Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Jeg s\xc3\xb8ger om byggetilladelse.</p></body></html>\r\n--b--\r\n";
        let m = Message::from_bytes(raw).unwrap();
        assert_eq!(m.body.text, "Jeg søger om byggetilladelse.");
        assert_eq!(m.body.source, BodySource::Html);
        assert!(m.attachments.is_empty(), "{:?}", m.attachments);
    }

    #[test]
    fn text_rtf_attachments_are_read_as_rtf() {
        let rtf = br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Calibri;}}\pard K\'e6re kommune\par Jeg s\'f8ger om st\'f8tte.\par}";
        for header in [
            &b"Content-Type: text/rtf; name=\"brev.rtf\"\r\nContent-Disposition: attachment; filename=\"brev.rtf\""[..],
            b"Content-Type: text/plain; name=\"brev.txt\"\r\nContent-Disposition: attachment; filename=\"brev.txt\"",
            b"Content-Type: application/rtf; name=\"brev.rtf\"",
        ] {
            let mut raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nSe bilag.\r\n--b\r\n"
                .to_vec();
            raw.extend_from_slice(header);
            raw.extend_from_slice(b"\r\n\r\n");
            raw.extend_from_slice(rtf);
            raw.extend_from_slice(b"\r\n--b--\r\n");
            let m = Message::from_bytes(&raw).unwrap();
            let a = &m.attachments[0];
            let text = a.text.as_deref().unwrap_or_default();
            assert!(text.contains("Kære kommune"), "{text:?}");
            assert!(text.contains("Jeg søger om støtte."), "{text:?}");
            assert!(!text.contains("rtf1"), "{text:?}");
            assert_eq!(a.extraction, Extraction::Extracted);
        }
    }

    #[test]
    fn a_character_split_between_encoded_words_is_whole() {
        let raw = b"Subject: =?utf-8?q?Ans=C3=B8gning_fra_S=C3?=\r\n =?utf-8?q?=B8ren?=\r\nX-Note: =?x-unknown?q?S=F8ren?=\r\n\r\nHej\r\n";
        let m = Message::from_bytes(raw).unwrap();
        assert_eq!(m.subject, "Ansøgning fra Søren");
        assert_eq!(m.header("Subject"), Some("Ansøgning fra Søren"));
        assert_eq!(m.header("X-Note"), Some("Søren"));
        // A raw Latin-1 byte beside a word with spaces in it (mail-parser: `Ans\u{FFFD}gning`).
        let m = Message::from_bytes(
            b"Subject: Vedr. Ans\xf8gning =?iso-8859-1?Q?om st=F8tte til b=F8rn?=\r\n\r\nx",
        )
        .unwrap();
        assert_eq!(m.subject, "Vedr. Ansøgning om støtte til børn");
        // In a forwarded message's subject too (the attachment's text starts with it).
        let raw = b"Subject: Fwd\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSe nedenfor\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: =?utf-8?q?S=C3?= =?utf-8?q?=B8ren?=\r\n\r\nHej\r\n--b--\r\n";
        let m = Message::from_bytes(raw).unwrap();
        let texts: Vec<&str> = m
            .attachments
            .iter()
            .filter_map(|a| a.text.as_deref())
            .collect();
        assert!(
            texts.iter().any(|t| t.starts_with("Søren\n\nHej")),
            "{texts:?}"
        );
        // Without a replacement character, mail-parser's decoding stands.
        let m =
            Message::from_bytes(b"Subject: =?iso-8859-1?q?S=F8ren?= =?utf-8?q?_=C3=A6?=\r\n\r\nx")
                .unwrap();
        assert_eq!(m.subject, "Søren æ");
    }

    #[test]
    fn text_attachment_size_is_the_decoded_byte_count() {
        let latin1 = b"\xe6\xf8\xe5".repeat(100);
        for header in [
            &b"Content-Type: text/plain; charset=iso-8859-1; name=\"a.txt\""[..],
            b"Content-Type: text/plain; name=\"a.txt\"",
        ] {
            let mut raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nSe bilag.\r\n--b\r\n"
                .to_vec();
            raw.extend_from_slice(header);
            raw.extend_from_slice(
                b"\r\nContent-Disposition: attachment; filename=\"a.txt\"\r\n\r\n",
            );
            raw.extend_from_slice(&latin1);
            raw.extend_from_slice(b"\r\n--b--\r\n");
            let m = Message::from_bytes(&raw).unwrap();
            let a = &m.attachments[0];
            assert_eq!(a.size, 300);
            assert_eq!(a.text.as_deref(), Some("æøå".repeat(100).as_str()));
        }
        // Base64: the decoded bytes, not the encoded ones.
        let raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nSe bilag.\r\n--b\r\n\
Content-Type: text/plain; charset=iso-8859-1; name=\"b.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n5vjl\r\n--b--\r\n";
        let m = Message::from_bytes(raw).unwrap();
        assert_eq!(m.attachments[0].size, 3);
    }

    #[test]
    fn attachments_have_names_types_sizes_and_text() {
        let raw = "Subject: bilag\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
Content-Type: text/plain\r\n\r\nSe bilag\r\n--b\r\n\
Content-Type: Application/PDF; name=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b\r\n\
Content-Type: text/csv; charset=utf-8\r\nContent-Disposition: attachment; filename*=utf-8''b%C3%B8rn.csv\r\n\r\nnavn;alder\r\nJens;7\r\n--b\r\n\
Content-Type: message/rfc822\r\n\r\nSubject: Videresendt\r\n\r\nIndre tekst\r\n--b--\r\n";
        let m = Message::from_bytes(raw.as_bytes()).unwrap();
        assert_eq!(m.body.text, "Se bilag");
        assert_eq!(m.attachments.len(), 3, "{:?}", m.attachments);
        let pdf = &m.attachments[0];
        assert_eq!(pdf.name.as_deref(), Some("a.pdf"));
        assert_eq!(pdf.media_type, "application/pdf");
        assert_eq!(pdf.size, 5);
        // `%PDF-` and nothing more: unreadable, and the rest of the message is read.
        assert!(matches!(pdf.extraction, Extraction::Unreadable { .. }));
        let csv = &m.attachments[1];
        assert_eq!(csv.name.as_deref(), Some("børn.csv"));
        assert_eq!(csv.text.as_deref(), Some("navn;alder\nJens;7"));
        assert_eq!(csv.extraction, Extraction::Extracted);
        let nested = &m.attachments[2];
        assert_eq!(nested.media_type, "message/rfc822");
        assert_eq!(nested.text.as_deref(), Some("Videresendt\n\nIndre tekst"));
    }

    #[test]
    fn limits_cut_and_record() {
        let limits = Limits {
            max_body_text_bytes: 50,
            max_attachment_text_bytes: 10,
            max_attachments: 1,
            ..Limits::default()
        };
        let raw = format!(
            "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n{}\r\n--b\r\nContent-Type: text/plain; name=a.txt\r\n\r\n{}\r\n--b\r\nContent-Type: text/plain; name=b.txt\r\n\r\nx\r\n--b--\r\n",
            "ord ".repeat(100),
            "bilag ".repeat(10)
        );
        let m = Message::from_bytes_with(raw.as_bytes(), &limits).unwrap();
        assert!(m.body.text.len() <= 50);
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(
            m.attachments[0].extraction,
            Extraction::Truncated { limit: 10 }
        );
        let what: Vec<&str> = m.truncations.iter().map(|t| t.what.as_str()).collect();
        assert_eq!(what, ["body_text", "attachments", "attachment_text"]);
        assert_eq!(m.truncations[1].actual, 2);
    }

    #[test]
    fn from_text_splits() {
        let m = Message::from_text("Ja tak\r\n\r\n-----Oprindelig meddelelse-----\r\nGammel");
        assert_eq!(m.body.new_text, "Ja tak");
        assert_eq!(m.body.quoted, "-----Oprindelig meddelelse-----\nGammel");
        assert_eq!(m.body.source, BodySource::Plain);
        assert_eq!(Message::from_text("").body.source, BodySource::None);
    }
}
