//! [`Facet`]: a KLE handling facet (handlingsfacet) such as `G01`, `P22` or `Ø34`.

use std::fmt;

use super::code::{quote, string_value};
use crate::{Error, ErrorKind, Result};

/// A handling facet: a category letter and two digits (`G01`, `P22`, `Ø34`).
///
/// The facet says what kind of handling a case is (a general case, a person case, an
/// economic matter …) and is the second part of an SBSYS case number
/// (`27.24.00-G01-5-19`). One of KL's categories is `Ø`, a non-ASCII letter: the letter is
/// stored as a `char`, never as a byte.
///
/// The category letters are not fixed here: which categories exist is data (KL's
/// `KLE-Handlingsfacetter` file), so any Latin letter `A`–`Z`, `Æ`, `Ø` or `Å` is accepted,
/// in either case, and stored in upper case.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::kle::Facet;
/// let f: Facet = "ø34".parse()?;
/// assert_eq!(f.category(), 'Ø');
/// assert_eq!(f.number(), 34);
/// assert_eq!(f.to_string(), "Ø34");
/// assert!(Facet::parse("G1").is_err());
/// # Ok(()) }
/// # example().unwrap();
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Facet {
    category: char,
    number: u8,
}

impl Facet {
    /// Parses a letter and two ASCII digits (`G01`, `p22`, `Ø34`; surrounding whitespace is
    /// ignored). Anything else is an [`ErrorKind::InvalidInput`] error quoting the input.
    pub fn parse(s: &str) -> Result<Facet> {
        let t = s.trim();
        let mut chars = t.chars();
        let letter = chars.next().and_then(category_letter);
        let digits = chars.as_str().as_bytes();
        match (letter, digits) {
            (Some(category), [a @ b'0'..=b'9', b @ b'0'..=b'9']) => Ok(Facet {
                category,
                number: (a - b'0') * 10 + (b - b'0'),
            }),
            _ => Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} is not a KLE handling facet (expected a letter and two digits, e.g. G01 or Ø34)",
                    quote(s)
                ),
            )),
        }
    }

    /// The category letter, upper case (`G`, `P`, `Ø`).
    pub fn category(&self) -> char {
        self.category
    }

    /// The number within the category (`1` for `G01`).
    pub fn number(&self) -> u8 {
        self.number
    }
}

/// Normalises a facet category letter (`ø` → `Ø`); `None` for anything that is not one.
///
/// Shared with the XML loader, whose `HandlingsfacetKategoriNr` is the bare letter.
pub(crate) fn category_letter(c: char) -> Option<char> {
    let upper = match c {
        'a'..='z' => c.to_ascii_uppercase(),
        'æ' => 'Æ',
        'ø' => 'Ø',
        'å' => 'Å',
        _ => c,
    };
    matches!(upper, 'A'..='Z' | 'Æ' | 'Ø' | 'Å').then_some(upper)
}

impl fmt::Display for Facet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:02}", self.category, self.number)
    }
}

string_value!(Facet);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_letters_including_the_danish_ones_in_either_case() {
        let good = [
            ("G01", 'G', 1, "G01"),
            ("P22", 'P', 22, "P22"),
            ("Ø34", 'Ø', 34, "Ø34"),
            ("ø34", 'Ø', 34, "Ø34"),
            ("a00", 'A', 0, "A00"),
            (" S99 ", 'S', 99, "S99"),
            ("æ05", 'Æ', 5, "Æ05"),
        ];
        for (input, letter, number, shown) in good {
            let f = Facet::parse(input).unwrap();
            assert_eq!((f.category(), f.number()), (letter, number), "{input}");
            assert_eq!(f.to_string(), shown);
        }
        let bad = [
            "", "G", "G1", "G001", "01", "1G1", "GG1", "É01", "Ö34", "O34x", "G-1", "G 01", "Ø3",
            "ØØ34", "27.24.00",
        ];
        for input in bad {
            let err = Facet::parse(input).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{input}");
            assert!(
                err.to_string().contains("not a KLE handling facet"),
                "{err}"
            );
        }
    }

    #[test]
    fn serde_and_ordering() {
        let f = Facet::parse("Ø34").unwrap();
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"Ø34\"");
        assert_eq!(
            serde_json::from_str::<Facet>("\"g01\"")
                .unwrap()
                .to_string(),
            "G01"
        );
        let mut v = [
            f,
            Facet::parse("P22").unwrap(),
            Facet::parse("A00").unwrap(),
        ];
        v.sort();
        assert_eq!(
            v.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["A00", "P22", "Ø34"]
        );
    }
}
