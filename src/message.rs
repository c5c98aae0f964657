//! [`Message`]: the one shape every later stage of the pipeline sees.
//!
//! Whatever a municipality receives (an e-mail, a Digital Post MeMo message, a scanned
//! letter, a message a host system already parsed) is turned into a `Message` by the
//! constructors in [`crate::ingest`]. Features, the model, the decision and the C ABI only
//! ever see this type.
//!
//! `Debug` output is redacted: it shows counts, lengths and the sender's domain, never
//! subject, body or addresses, so a `{:?}` in a log cannot leak personal data.

use std::fmt;

use serde::Serialize;

/// How the message reached the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// Ordinary e-mail (RFC 5322 / MIME).
    #[default]
    Email,
    /// Digital Post, a MeMo XML message.
    DigitalPost,
    /// A scanned paper letter.
    ScannedLetter,
    /// Anything else (plain text handed in by a host, a web form).
    Other,
}

impl Channel {
    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::DigitalPost => "digital_post",
            Channel::ScannedLetter => "scanned_letter",
            Channel::Other => "other",
        }
    }
}

/// A mailbox: an address with an optional display name.
#[derive(Clone, PartialEq, Eq, Serialize, Default)]
pub struct Address {
    /// The display name (`Jens Hansen` in `Jens Hansen <jens@example.dk>`), decoded.
    pub name: Option<String>,
    /// The address itself, as written (may be empty when only a name was given).
    pub address: String,
}

impl Address {
    /// A new address with an optional display name.
    pub fn new(address: impl Into<String>, name: Option<String>) -> Address {
        Address {
            address: address.into(),
            name,
        }
    }

    /// The domain part of the address, lowercased (`example.dk`), if it has one.
    pub fn domain(&self) -> Option<String> {
        let at = self.address.rfind('@')?;
        let domain = self.address[at + 1..].trim().trim_end_matches('>');
        if domain.is_empty() {
            None
        } else {
            Some(domain.to_lowercase())
        }
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Redacted: the domain is an organisation, the local part and name are a person.
        match self.domain() {
            Some(d) => write!(f, "Address(…@{d})"),
            None => f.write_str("Address(…)"),
        }
    }
}

/// Where the readable body text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BodySource {
    /// A `text/plain` part.
    Plain,
    /// An HTML part converted to text (no plain part was present, or only an empty one).
    Html,
    /// The text of a Digital Post document.
    Memo,
    /// Given by the host through the builder.
    Builder,
    /// There was no readable body.
    #[default]
    None,
}

/// The readable body, split into what the sender wrote now and what came before.
///
/// `text` is the whole readable body. `new_text`, `quoted` and `signature` partition it:
/// later stages weigh what the sender wrote now above the history they quote.
#[derive(Clone, PartialEq, Eq, Serialize, Default)]
pub struct Body {
    /// The whole readable body text.
    pub text: String,
    /// What the sender wrote in this message, without quotes, forwarded chains or signature.
    pub new_text: String,
    /// Quoted replies and forwarded messages (`> ` lines, `-----Oprindelig meddelelse-----`).
    pub quoted: String,
    /// Sign-off, signature and disclaimers (`Med venlig hilsen …`, `Sendt fra min iPhone`).
    pub signature: String,
    /// Where `text` came from.
    pub source: BodySource,
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body")
            .field("text_len", &self.text.len())
            .field("new_text_len", &self.new_text.len())
            .field("quoted_len", &self.quoted.len())
            .field("signature_len", &self.signature.len())
            .field("source", &self.source)
            .finish()
    }
}

/// What happened when the text of an attachment was extracted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Extraction {
    /// Text was extracted.
    Extracted,
    /// Text was extracted but cut at a limit.
    Truncated {
        /// The limit, in bytes of text.
        limit: u64,
    },
    /// Text was recognised by OCR (the `ocr` feature) in an image or a scanned PDF: less
    /// exact than a text layer.
    Ocr,
    /// The attachment is not of a kind whose text this build extracts (a zip, a Word 97
    /// `.doc`, audio).
    NotText,
    /// An image, or a PDF without a text layer (a scanned letter): its text can only be
    /// read by OCR, and OCR was not done or found nothing. Routing then relies on the rest
    /// of the message.
    NoTextLayer {
        /// Why there is no text: `OCR was not done: this build has no ocr feature`, or
        /// what OCR found.
        reason: String,
    },
    /// Extraction was tried and failed; the message is still usable.
    Unreadable {
        /// Why, without content from the attachment.
        reason: String,
    },
}

/// A file attached to a message.
///
/// Its JSON (as `signatur parse` prints it) has one field more than the struct:
/// `text_len`, the length of `text` in characters (0 without text), so that what
/// extraction made of a PDF or a scan shows at a glance.
#[derive(Clone, PartialEq)]
pub struct Attachment {
    /// The file name, decoded (RFC 2047 and RFC 2231), if one was given.
    pub name: Option<String>,
    /// The media type, lowercased (`application/pdf`).
    pub media_type: String,
    /// The size of the decoded content in bytes.
    pub size: u64,
    /// The extracted text: of text-like attachments, PDFs with a text layer, Office
    /// documents, RTF, forwarded mail and Outlook `.msg` files (and with the `ocr` feature,
    /// of scans).
    pub text: Option<String>,
    /// The number of pages, for a PDF whose text was read: with the text's length it tells
    /// a one-page letter from a 200-page report.
    pub pages: Option<u32>,
    /// What happened when the text was extracted.
    pub extraction: Extraction,
}

impl Serialize for Attachment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Attachment", 7)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("media_type", &self.media_type)?;
        st.serialize_field("size", &self.size)?;
        st.serialize_field("text", &self.text)?;
        let len = self.text.as_deref().map_or(0, |t| t.chars().count());
        st.serialize_field("text_len", &len)?;
        match self.pages {
            Some(pages) => st.serialize_field("pages", &pages)?,
            None => st.skip_field("pages")?,
        }
        st.serialize_field("extraction", &self.extraction)?;
        st.end()
    }
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment")
            .field("media_type", &self.media_type)
            .field("size", &self.size)
            .field("text_len", &self.text.as_ref().map(|t| t.len()))
            .field("pages", &self.pages)
            .field("extraction", &self.extraction)
            .finish()
    }
}

/// One raw header: name and decoded value, in the order they appear.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The header name as written (`Subject`, `X-Mailer`).
    pub name: String,
    /// The unfolded value, with RFC 2047 encoded words decoded.
    pub value: String,
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Header({}: <{} bytes>)", self.name, self.value.len())
    }
}

/// Something that was cut because it exceeded a limit of [`crate::ingest::Limits`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Truncation {
    /// What was cut: `message_size`, `parts`, `body_text`, `attachment_text`, `attachments`,
    /// `headers`, `header_value`, `nesting`.
    pub what: String,
    /// The limit that applied.
    pub limit: u64,
    /// How large the input was (or at least was, where counting stopped).
    pub actual: u64,
}

/// One incoming message, whatever its channel.
///
/// Build one with [`Message::from_bytes`] (RFC 5322/MIME), the mailbox readers in
/// [`crate::ingest`], or [`crate::ingest::MessageBuilder`] for hosts that parsed the mail
/// themselves.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct Message {
    /// How it arrived.
    pub channel: Channel,
    /// The subject (MeMo: the header label), decoded.
    pub subject: String,
    /// The sender (`From`, falling back to `Sender`).
    pub sender: Option<Address>,
    /// `To` recipients: which shared mailbox it was sent to matters for routing.
    pub to: Vec<Address>,
    /// `Cc` recipients.
    pub cc: Vec<Address>,
    /// The date, as RFC 3339 with the sender's offset.
    pub date: Option<String>,
    /// The date as seconds since the Unix epoch.
    pub timestamp: Option<i64>,
    /// The Message-ID without angle brackets (MeMo: the message UUID).
    pub message_id: Option<String>,
    /// `In-Reply-To` message ids.
    pub in_reply_to: Vec<String>,
    /// `References` message ids.
    pub references: Vec<String>,
    /// The readable body.
    pub body: Body,
    /// Attached files, without their bytes.
    pub attachments: Vec<Attachment>,
    /// The raw headers, for rules.
    pub headers: Vec<Header>,
    /// What was cut because of a limit; empty when nothing was.
    pub truncations: Vec<Truncation>,
    /// The MeMo fields of a Digital Post message (sender and recipient id types, KLE data,
    /// case ids, reply data …), `None` for other channels. Rules and the decision read them;
    /// [`Memo::deterministic`](crate::ingest::memo::Memo::deterministic) turns the ones a
    /// sender filled in into a decision that needs no model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memo: Option<crate::ingest::memo::Memo>,
}

impl Message {
    /// The first header named `name` (ASCII case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The sender's domain, lowercased.
    pub fn sender_domain(&self) -> Option<String> {
        self.sender.as_ref().and_then(Address::domain)
    }

    /// Whether anything was cut because of a limit.
    pub fn is_truncated(&self) -> bool {
        !self.truncations.is_empty()
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Redacted by default: no subject, body or addresses in debug output.
        f.debug_struct("Message")
            .field("channel", &self.channel)
            .field("subject_len", &self.subject.len())
            .field("sender", &self.sender)
            .field("to", &self.to)
            .field("cc", &self.cc)
            .field("date", &self.date)
            .field("body", &self.body)
            .field("attachments", &self.attachments)
            .field("headers", &self.headers.len())
            .field("truncations", &self.truncations)
            .field("memo", &self.memo.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_is_lowercased_and_optional() {
        assert_eq!(
            Address::new("Jens@Aarhus.DK", None).domain().as_deref(),
            Some("aarhus.dk")
        );
        assert_eq!(Address::new("nobody", None).domain(), None);
        assert_eq!(Address::new("x@", None).domain(), None);
    }

    #[test]
    fn attachment_json_has_text_len_and_pages_only_when_known() {
        let mut a = Attachment {
            name: Some("brev.pdf".into()),
            media_type: "application/pdf".into(),
            size: 10,
            text: Some("Kære".into()),
            pages: Some(2),
            extraction: Extraction::Extracted,
        };
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"name":"brev.pdf","media_type":"application/pdf","size":10,"text":"Kære","text_len":4,"pages":2,"extraction":{"status":"extracted"}}"#
        );
        a.text = None;
        a.pages = None;
        a.extraction = Extraction::NoTextLayer {
            reason: "OCR was not done".into(),
        };
        let json = serde_json::to_string(&a).unwrap();
        assert!(
            json.contains(
                r#""text":null,"text_len":0,"extraction":{"status":"no_text_layer","reason""#
            ),
            "{json}"
        );
    }

    #[test]
    fn debug_output_is_redacted() {
        let m = Message {
            subject: "Ansøgning om hjælp, cpr 010190-1234".into(),
            sender: Some(Address::new(
                "jens.hansen@example.dk",
                Some("Jens Hansen".into()),
            )),
            body: Body {
                text: "Mit cpr-nummer er 010190-1234".into(),
                ..Body::default()
            },
            ..Message::default()
        };
        let dbg = format!("{m:?}");
        assert!(!dbg.contains("010190"), "{dbg}");
        assert!(!dbg.contains("Jens"), "{dbg}");
        assert!(!dbg.contains("jens.hansen"), "{dbg}");
        assert!(dbg.contains("example.dk"), "{dbg}");
    }
}
