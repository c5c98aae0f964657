//! [`MessageBuilder`]: a [`Message`] from fields, for hosts that parsed the mail themselves.
//!
//! A C# system built on MimeKit, or an ESDH that stores mail as fields, has subject, body,
//! addresses and attachments already. Serialising them back to MIME only for libsignatur to
//! parse them again would waste time and lose nothing but accuracy; the builder takes the
//! fields and applies the same processing as [`Message::from_bytes`]: HTML converted to
//! text, the body split into new text, quoted history and signature, text extracted from
//! text-like attachments, and the same [`Limits`].

use crate::error::{Error, ErrorKind, Result};
use crate::message::{Address, Attachment, BodySource, Channel, Extraction, Header, Message};

use super::attachment::Kind;
use super::decode::{decode_charset, normalize_newlines, split_media_type};
use super::html::html_to_text;
use super::limits::{cut_header_value, cut_text, Cuts, Limits};
use super::mime::make_body;

/// An attachment as the host has it.
#[derive(Clone)]
enum Content {
    Bytes(Vec<u8>),
    Text(String),
}

#[derive(Clone)]
struct PendingAttachment {
    name: Option<String>,
    media_type: String,
    content: Content,
}

/// Builds a [`Message`] from fields a host already has.
///
/// Every setter takes `self` and returns it, so calls chain; [`MessageBuilder::build`]
/// checks and converts.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::ingest::MessageBuilder;
/// let msg = MessageBuilder::new()
///     .subject("Ansøgning om parkeringstilladelse")
///     .sender("anne@example.dk", Some("Anne Sørensen"))
///     .to("post@kommune.dk", None)
///     .date("Fri, 3 May 2024 10:12:00 +0200")
///     .html_body("<p>Hej</p><p>Jeg s&oslash;ger om en tilladelse.</p><p>Mvh<br>Anne</p>")
///     .attachment_bytes(Some("kort.txt"), "text/plain; charset=iso-8859-1", b"K\xf8benhavn")
///     .build()?;
/// assert_eq!(msg.body.new_text, "Hej\n\nJeg søger om en tilladelse.");
/// assert_eq!(msg.body.signature, "Mvh\nAnne");
/// assert_eq!(msg.timestamp, Some(1_714_723_920));
/// assert_eq!(msg.attachments[0].text.as_deref(), Some("København"));
/// # Ok(()) }
/// # example().unwrap();
/// ```
#[derive(Clone, Default)]
pub struct MessageBuilder {
    channel: Option<Channel>,
    subject: String,
    text: Option<String>,
    html: Option<String>,
    sender: Option<Address>,
    to: Vec<Address>,
    cc: Vec<Address>,
    date: Option<String>,
    message_id: Option<String>,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    headers: Vec<Header>,
    attachments: Vec<PendingAttachment>,
    limits: Limits,
}

impl MessageBuilder {
    /// An empty builder with default [`Limits`] and channel [`Channel::Email`].
    pub fn new() -> MessageBuilder {
        MessageBuilder::default()
    }

    /// How the message arrived, when it was not e-mail (a web form: [`Channel::Other`]).
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = Some(channel);
        self
    }

    /// The subject, already decoded.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    /// The plain-text body. Preferred over an HTML body when both are given, as in MIME.
    pub fn text_body(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// The HTML body; converted to readable text when no plain-text body is given.
    pub fn html_body(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    /// The sender's address and display name.
    pub fn sender(mut self, address: impl Into<String>, name: Option<&str>) -> Self {
        self.sender = Some(Address::new(address, name.map(str::to_string)));
        self
    }

    /// Adds a `To` recipient; which shared mailbox a message was sent to matters for
    /// routing.
    pub fn to(mut self, address: impl Into<String>, name: Option<&str>) -> Self {
        self.to
            .push(Address::new(address, name.map(str::to_string)));
        self
    }

    /// Adds a `Cc` recipient.
    pub fn cc(mut self, address: impl Into<String>, name: Option<&str>) -> Self {
        self.cc
            .push(Address::new(address, name.map(str::to_string)));
        self
    }

    /// The date, as RFC 3339 (`2024-05-03T10:12:00+02:00`, what .NET's `DateTimeOffset`
    /// writes with the `o` format) or RFC 5322 (`Fri, 3 May 2024 10:12:00 +0200`, what a
    /// `Date` header holds). [`MessageBuilder::build`] fails on anything else.
    pub fn date(mut self, date: impl Into<String>) -> Self {
        self.date = Some(date.into());
        self
    }

    /// The Message-ID, with or without angle brackets.
    pub fn message_id(mut self, id: impl Into<String>) -> Self {
        self.message_id = Some(strip_brackets(&id.into()));
        self
    }

    /// Adds an `In-Reply-To` id.
    pub fn in_reply_to(mut self, id: impl Into<String>) -> Self {
        self.in_reply_to.push(strip_brackets(&id.into()));
        self
    }

    /// Adds a `References` id.
    pub fn reference(mut self, id: impl Into<String>) -> Self {
        self.references.push(strip_brackets(&id.into()));
        self
    }

    /// Adds a raw header, for rules that look at headers (`X-Priority`, `List-Id`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push(Header {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Adds an attachment by its bytes. `media_type` may carry a charset
    /// (`text/plain; charset=iso-8859-1`), which is used to read text-like content.
    pub fn attachment_bytes(mut self, name: Option<&str>, media_type: &str, bytes: &[u8]) -> Self {
        self.attachments.push(PendingAttachment {
            name: name.map(str::to_string),
            media_type: media_type.to_string(),
            content: Content::Bytes(bytes.to_vec()),
        });
        self
    }

    /// Adds an attachment whose text the host extracted already (a PDF it read itself).
    pub fn attachment_text(
        mut self,
        name: Option<&str>,
        media_type: &str,
        text: impl Into<String>,
    ) -> Self {
        self.attachments.push(PendingAttachment {
            name: name.map(str::to_string),
            media_type: media_type.to_string(),
            content: Content::Text(text.into()),
        });
        self
    }

    /// The limits to apply instead of the defaults.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Checks the fields and builds the message.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`] when the date is neither RFC 3339 nor RFC 5322.
    pub fn build(self) -> Result<Message> {
        let limits = self.limits;
        let mut cuts = Cuts::default();
        let (date, timestamp) = match self.date.as_deref().map(str::trim) {
            None | Some("") => (None, None),
            Some(d) => {
                let parsed = mail_parser::DateTime::parse_rfc3339(d)
                    .or_else(|| mail_parser::DateTime::parse_rfc822(d))
                    .filter(mail_parser::DateTime::is_valid)
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidInput,
                            "the date is neither RFC 3339 nor RFC 5322",
                        )
                    })?;
                (Some(parsed.to_rfc3339()), Some(parsed.to_timestamp()))
            }
        };

        let max = limits.max_body_text_bytes;
        let (text, source) = match (self.text.filter(|t| !t.trim().is_empty()), self.html) {
            (Some(t), _) => {
                let mut t = normalize_newlines(&t).into_owned();
                let len = t.len();
                if cut_text(&mut t, max) {
                    cuts.record("body_text", max, len);
                }
                (t.trim().to_string(), BodySource::Builder)
            }
            (None, Some(h)) => {
                let (t, cut) = html_to_text(&h, max);
                if cut {
                    cuts.record("body_text", max, h.len());
                }
                (t, BodySource::Html)
            }
            (None, None) => (String::new(), BodySource::None),
        };

        let total = self.attachments.len();
        if total > limits.max_attachments {
            cuts.record("attachments", limits.max_attachments, total);
        }
        let deadline = std::time::Instant::now() + limits.max_extraction_time;
        let attachments = self
            .attachments
            .into_iter()
            .take(limits.max_attachments)
            .map(|a| attachment(a, &limits, &mut cuts, deadline))
            .collect();

        let header_count = self.headers.len();
        let mut headers = self.headers;
        if header_count > limits.max_headers {
            headers.truncate(limits.max_headers);
            cuts.record("headers", limits.max_headers, header_count);
        }
        for h in &mut headers {
            cut_header_value(&mut h.value, &limits, &mut cuts);
        }
        let mut subject = self.subject.trim().to_string();
        cut_header_value(&mut subject, &limits, &mut cuts);

        Ok(Message {
            channel: self.channel.unwrap_or(Channel::Email),
            subject,
            sender: self.sender,
            to: self.to,
            cc: self.cc,
            date,
            timestamp,
            message_id: self.message_id.filter(|m| !m.is_empty()),
            in_reply_to: self.in_reply_to,
            references: self.references,
            body: make_body(text, source),
            attachments,
            headers,
            truncations: cuts.into_vec(),
            ..Message::default()
        })
    }
}

fn strip_brackets(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

fn attachment(
    a: PendingAttachment,
    limits: &Limits,
    cuts: &mut Cuts,
    deadline: std::time::Instant,
) -> Attachment {
    let (media_type, charset) = split_media_type(&a.media_type);
    let max = limits.max_attachment_text_bytes;
    let mut document = None;
    let (size, text) = match a.content {
        Content::Text(t) => (t.len() as u64, Some(t)),
        Content::Bytes(b) => {
            // RTF is `text/*` but markup: its extractor reads it (see `is_rtf`).
            let kind = if super::mime::is_text_like(&media_type)
                && !super::attachment::is_rtf(&b, &media_type)
            {
                None
            } else {
                Kind::detect(&b, &media_type, a.name.as_deref())
            };
            let text = if let Some(kind) = kind {
                document = Some(super::attachment::extract(kind, &b, limits, deadline, 0));
                None
            } else if media_type == "text/html" {
                let s = decode_charset(&b, charset.as_deref());
                Some(html_to_text(&s, max.saturating_add(1)).0)
            } else if super::mime::is_text_like(&media_type) {
                Some(normalize_newlines(&decode_charset(&b, charset.as_deref())).into_owned())
            } else {
                None
            };
            (b.len() as u64, text)
        }
    };
    let mut out = Attachment {
        name: a.name.filter(|n| !n.trim().is_empty()),
        media_type,
        size,
        text: None,
        pages: None,
        extraction: Extraction::NotText,
    };
    if let Some(found) = document {
        if matches!(found.extraction, Extraction::Truncated { .. }) {
            cuts.record("attachment_text", max, max + 1);
        }
        out.text = found.text;
        out.pages = found.pages;
        out.extraction = found.extraction;
    }
    if let Some(mut t) = text {
        let len = t.len();
        out.extraction = if cut_text(&mut t, max) {
            cuts.record("attachment_text", max, len);
            Extraction::Truncated { limit: max as u64 }
        } else {
            Extraction::Extracted
        };
        out.text = Some(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_preferred_and_split() {
        let m = MessageBuilder::new()
            .text_body("Ja tak\r\n\r\nSendt fra min iPhone")
            .html_body("<p>ignored</p>")
            .build()
            .unwrap();
        assert_eq!(m.body.text, "Ja tak\n\nSendt fra min iPhone");
        assert_eq!(m.body.new_text, "Ja tak");
        assert_eq!(m.body.signature, "Sendt fra min iPhone");
        assert_eq!(m.body.source, BodySource::Builder);
        assert_eq!(m.channel, Channel::Email);
    }

    #[test]
    fn dates_in_both_forms_and_bad_dates() {
        let m = MessageBuilder::new()
            .date("2024-05-03T10:12:00+02:00")
            .build()
            .unwrap();
        assert_eq!(m.date.as_deref(), Some("2024-05-03T10:12:00+02:00"));
        assert_eq!(m.timestamp, Some(1_714_723_920));
        let err = MessageBuilder::new().date("i går").build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn fields_and_attachments() {
        let m = MessageBuilder::new()
            .subject("  Emne ")
            .to("a@example.dk", None)
            .cc("b@example.dk", Some("B"))
            .message_id("<id@x>")
            .in_reply_to("<r@x>")
            .reference("q@x")
            .header("X-Priority", "1")
            .attachment_bytes(Some("a.pdf"), "Application/PDF", b"%PDF")
            .attachment_bytes(
                None,
                "text/html; charset=utf-8",
                "<p>Bil&aring;g</p>".as_bytes(),
            )
            .attachment_text(Some("scan.pdf"), "application/pdf", "OCR-tekst")
            .channel(Channel::ScannedLetter)
            .build()
            .unwrap();
        assert_eq!(m.subject, "Emne");
        assert_eq!(m.message_id.as_deref(), Some("id@x"));
        assert_eq!(m.in_reply_to, ["r@x"]);
        assert_eq!(m.references, ["q@x"]);
        assert_eq!(m.header("x-priority"), Some("1"));
        assert_eq!(m.channel, Channel::ScannedLetter);
        assert_eq!(m.attachments[0].media_type, "application/pdf");
        // Four bytes are no PDF: unreadable, and the message is built all the same.
        assert!(matches!(
            m.attachments[0].extraction,
            Extraction::Unreadable { .. }
        ));
        assert_eq!(m.attachments[0].size, 4);
        assert_eq!(m.attachments[1].text.as_deref(), Some("Bilåg"));
        assert_eq!(m.attachments[2].text.as_deref(), Some("OCR-tekst"));
        assert_eq!(m.body.source, BodySource::None);
    }

    #[test]
    fn text_rtf_bytes_are_read_as_rtf() {
        let rtf = br"{\rtf1\ansi\ansicpg1252\pard K\'e6re kommune\par}";
        let m = MessageBuilder::new()
            .attachment_bytes(Some("brev.rtf"), "text/rtf", rtf)
            .attachment_bytes(Some("brev.txt"), "text/plain", rtf)
            .build()
            .unwrap();
        for a in &m.attachments {
            assert_eq!(a.text.as_deref(), Some("Kære kommune"));
            assert_eq!(a.extraction, Extraction::Extracted);
        }
    }

    #[test]
    fn limits_apply() {
        let limits = Limits {
            max_body_text_bytes: 10,
            max_attachments: 1,
            ..Limits::default()
        };
        let m = MessageBuilder::new()
            .text_body("en to tre fire fem seks")
            .attachment_text(None, "text/plain", "a")
            .attachment_text(None, "text/plain", "b")
            .limits(limits)
            .build()
            .unwrap();
        assert!(m.body.text.len() <= 10);
        assert_eq!(m.attachments.len(), 1);
        let what: Vec<&str> = m.truncations.iter().map(|t| t.what.as_str()).collect();
        assert_eq!(what, ["body_text", "attachments"]);
    }
}
