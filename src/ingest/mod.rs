//! Ingestion: turning what a municipality receives into a [`Message`](crate::Message).
//!
//! The first stage of the pipeline. Every later stage sees only a `Message`, whatever
//! came in:
//!
//! - raw RFC 5322/MIME bytes (an `.eml` file, one message of an mbox or Maildir):
//!   [`Message::from_bytes`](crate::Message::from_bytes), built on Stalwart's `mail-parser`
//!   with body selection, HTML to text, charset repair for Danish mail and attachment text on
//!   top;
//! - mailboxes: [`read_inputs`] (and [`read_mbox`], [`read_maildir`], [`read_tree`]) yield one
//!   `(source, Result<Message>)` per message, so one broken message never stops a run;
//! - fields a host parsed itself (a C# system with MimeKit): [`MessageBuilder`];
//! - plain text: [`Message::from_text`](crate::Message::from_text);
//! - Digital Post MeMo XML: [`memo`].
//!
//! Each body is split into what the sender wrote now, the quoted history and the signature
//! (see [`Body`](crate::Body)); later stages weigh them differently.
//!
//! All of it works within [`Limits`]: a hostile message costs bounded time and memory, and
//! what was cut is listed in [`Message::truncations`](crate::Message::truncations).

pub(crate) mod attachment;
mod builder;
pub(crate) mod decode;
mod entities;
mod fields;
mod html;
pub(crate) mod limits;
pub mod mailbox;
pub mod memo;
pub(crate) mod mime;
mod prepare;
mod quote;

pub use builder::MessageBuilder;
pub use html::html_to_text;
pub use limits::Limits;
pub use mailbox::{
    files_below, read_inputs, read_inputs_with, read_maildir, read_mbox, read_tree, Item, Messages,
    MAX_TREE_DEPTH, NOT_MAIL,
};
pub use quote::MAX_SIGNATURE_LINES;
