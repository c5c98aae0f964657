//! The crate's one error type.
//!
//! Modelled on the `csv` crate: an opaque [`Error`] whose [`Error::kind`] returns a
//! `#[non_exhaustive]` [`ErrorKind`]. An opaque error can grow new details without
//! breaking users, and the kind maps one-to-one onto the status codes of the C ABI.

use std::fmt;

/// A boxed source error, kept for `Error::source`.
type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong, in a form a program can match on.
///
/// New kinds may be added in minor versions, so a `match` needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file or stream failed.
    Io,
    /// The input could not be read as what it claims to be (a broken MIME message, XML that
    /// is not well formed, a manifest line that does not parse).
    Parse,
    /// An argument is out of range or inconsistent (an empty training set, an unknown head).
    InvalidInput,
    /// The input exceeds a configured limit and could not be processed even partially.
    TooLarge,
    /// A model file is not a libsignatur model, or is corrupt or truncated.
    InvalidModel,
    /// A model file was written by a newer format version than this library reads.
    UnsupportedModelVersion,
    /// Training could not produce a model from the given data.
    Training,
    /// Running the model failed.
    Inference,
    /// A configuration file (rules, taxonomy) is invalid.
    Config,
    /// Text that must be UTF-8 is not.
    Utf8,
}

impl ErrorKind {
    /// A short, static description of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "I/O error",
            ErrorKind::Parse => "parse error",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::TooLarge => "input too large",
            ErrorKind::InvalidModel => "invalid model file",
            ErrorKind::UnsupportedModelVersion => "unsupported model format version",
            ErrorKind::Training => "training failed",
            ErrorKind::Inference => "inference failed",
            ErrorKind::Config => "invalid configuration",
            ErrorKind::Utf8 => "invalid UTF-8",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{kind}: {message}")]
struct Inner {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<BoxError>,
}

/// An error from libsignatur: a kind plus a readable message.
///
/// Messages never contain personal data from the input (no body text, no CPR numbers);
/// they name files, line numbers, limits and what was expected.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<Inner>);

impl Error {
    /// A new error of `kind` with a readable `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            source: None,
        }))
    }

    /// A new error that keeps `source` as its cause.
    pub fn with_source(
        kind: ErrorKind,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            source: Some(Box::new(source)),
        }))
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message without the kind prefix.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The same error with `context` (such as a file name) put in front of the message.
    pub fn context(mut self, context: impl fmt::Display) -> Error {
        self.0.message = format!("{context}: {}", self.0.message);
        self
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        let message = e.to_string();
        Error::with_source(ErrorKind::Io, message, e)
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_kind_and_message_and_context() {
        let e = Error::new(ErrorKind::Parse, "no header").context("a.eml");
        assert_eq!(e.kind(), ErrorKind::Parse);
        assert_eq!(e.to_string(), "parse error: a.eml: no header");
        assert_eq!(e.message(), "a.eml: no header");
    }

    #[test]
    fn io_error_keeps_source() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = Error::from(io);
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(std::error::Error::source(&e).is_some());
    }
}
