//! Snowball stemming through `rust-stemmers`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::{Error, ErrorKind};

/// Which stemmer a model uses. Stored in the model file, so a model always stems as it was
/// trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum StemmerKind {
    /// Snowball Danish: `ansøgningen`, `ansøgninger` → `ansøgning`.
    #[default]
    Danish,
    /// Snowball English (Porter 2).
    English,
    /// No stemming.
    None,
}

impl StemmerKind {
    /// The name stored in model files and accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            StemmerKind::Danish => "danish",
            StemmerKind::English => "english",
            StemmerKind::None => "none",
        }
    }
}

impl fmt::Display for StemmerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StemmerKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<StemmerKind, Error> {
        match s.to_ascii_lowercase().as_str() {
            "danish" | "da" => Ok(StemmerKind::Danish),
            "english" | "en" => Ok(StemmerKind::English),
            "none" => Ok(StemmerKind::None),
            other => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("unknown stemmer {other:?} (expected danish, english or none)"),
            )),
        }
    }
}

/// A ready stemmer. Cheap to share between threads.
pub struct Stemmer {
    kind: StemmerKind,
    inner: Option<rust_stemmers::Stemmer>,
}

impl Stemmer {
    /// A stemmer of the given kind.
    pub fn new(kind: StemmerKind) -> Stemmer {
        let inner = match kind {
            StemmerKind::Danish => Some(rust_stemmers::Stemmer::create(
                rust_stemmers::Algorithm::Danish,
            )),
            StemmerKind::English => Some(rust_stemmers::Stemmer::create(
                rust_stemmers::Algorithm::English,
            )),
            StemmerKind::None => None,
        };
        Stemmer { kind, inner }
    }

    /// Which kind this is.
    pub fn kind(&self) -> StemmerKind {
        self.kind
    }

    /// The stem of a lowercase word.
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        match &self.inner {
            Some(s) => s.stem(word),
            None => Cow::Borrowed(word),
        }
    }
}

impl fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stemmer({})", self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_inflections_share_a_stem() {
        let s = Stemmer::new(StemmerKind::Danish);
        assert_eq!(s.stem("ansøgningen"), s.stem("ansøgninger"));
        assert_eq!(s.stem("byggesagen"), s.stem("byggesager"));
        let none = Stemmer::new(StemmerKind::None);
        assert_eq!(none.stem("ansøgningen"), "ansøgningen");
    }

    #[test]
    fn kinds_round_trip_and_reject_unknown() {
        for k in [StemmerKind::Danish, StemmerKind::English, StemmerKind::None] {
            assert_eq!(k.as_str().parse::<StemmerKind>().ok(), Some(k));
        }
        assert!("klingon".parse::<StemmerKind>().is_err());
    }
}
