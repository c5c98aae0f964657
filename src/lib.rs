//! # libsignatur
//!
//! Sorts and journals incoming mail for Danish municipalities. Given a message (an e-mail,
//! a Digital Post MeMo message, a scanned letter's text) libsignatur says which unit handles
//! it, how it is journaled (KLE emne and handling facet), which case and persons it refers
//! to, and how sure it is. When it is unsure it abstains and hands the message to a person.
//!
//! The modules follow the path a message walks:
//!
//! 1. [`ingest`]: raw MIME bytes, mailboxes, host-parsed fields → [`Message`];
//! 2. `text`: normalisation, tokenizing, stemming;
//! 3. `features`: hashed feature vectors per field, and a word space the texts share;
//! 4. [`model`]: what a model is and how it runs: parameters, the ONNX file, inference
//!    through tract, the [`Classifier`] and online learning from corrections; beside it,
//!    [`train`] makes models (SGD, calibration, the KLE ranker and keyword model) and
//!    [`eval`] judges them (data sets, metrics, folds, forward splits). The dependencies run one way: `eval` → `train` →
//!    `model`;
//! 5. `decision`: labels, confidence, abstaining, references and personal data;
//! 6. `ffi`: the C ABI.
//!
//! ## Example
//!
//! ```
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let raw = b"From: Jens <jens@example.dk>\r\nTo: post@kommune.dk\r\n\
//! Subject: =?utf-8?q?Ans=C3=B8gning?=\r\n\r\nHej, jeg s\xc3\xb8ger om tilskud.\r\n";
//! let msg = signatur::Message::from_bytes(raw)?;
//! assert_eq!(msg.subject, "Ansøgning");
//! assert_eq!(msg.sender_domain().as_deref(), Some("example.dk"));
//! # Ok(()) }
//! # example().unwrap();
//! ```
//!
//! ## Personal data
//!
//! Nothing in this crate logs. `Debug` output of messages is redacted, and error messages
//! never quote the input's text.
#![deny(missing_docs)]
#![forbid(unsafe_op_in_unsafe_fn)]
// `unsafe` belongs in `ffi` only (docs/CONVENTIONS: the C boundary), and the compiler says so.
#![deny(unsafe_code)]

pub mod decision;
pub mod error;
pub mod eval;
pub mod features;
#[allow(unsafe_code)]
pub mod ffi;
pub mod ingest;
pub mod kle;
pub mod message;
pub mod model;
mod prefetch;
pub mod text;
pub mod train;

pub use decision::Decision;
pub use error::{Error, ErrorKind, Result};
pub use message::{
    Address, Attachment, Body, BodySource, Channel, Extraction, Header, Message, Truncation,
};
pub use model::{Classifier, ClassifyOptions, LearnOptions, Model};
