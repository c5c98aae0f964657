//! [`KleCode`]: a position in the KLE journal plan (`NN`, `NN.NN` or `NN.NN.NN`).

use std::fmt;

use serde::Serialize;

use crate::{Error, ErrorKind, Result};

/// `Debug` as `Name(shown)`, `FromStr` by `parse`, and serde as the string that `Display`
/// writes: codes and facets travel as `"27.24.00"` and `"Ø34"` in JSON and TOML.
macro_rules! string_value {
    ($t:ident) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({self})", stringify!($t))
            }
        }

        impl std::str::FromStr for $t {
            type Err = $crate::Error;

            fn from_str(s: &str) -> $crate::Result<$t> {
                $t::parse(s)
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                $t::parse(&s).map_err(|e| serde::de::Error::custom(e.message()))
            }
        }
    };
}
pub(crate) use string_value;

/// The three levels of the KLE plan.
///
/// The level matters for decisions: when the model is unsure of the emne it may still be sure
/// of the gruppe or hovedgruppe, and a clerk can act on "it is a 32.18 matter".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// `NN`, e.g. `00` Kommunens styrelse: one of about 37 main groups.
    Hovedgruppe,
    /// `NN.NN`, e.g. `00.01`: a group inside a hovedgruppe.
    Gruppe,
    /// `NN.NN.NN`, e.g. `00.01.00`: the subject a document is journaled under.
    Emne,
}

impl Level {
    /// The Danish name used in KL's files and in JSON output (`hovedgruppe`, `gruppe`, `emne`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Hovedgruppe => "hovedgruppe",
            Level::Gruppe => "gruppe",
            Level::Emne => "emne",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A KLE code: hovedgruppe `NN`, gruppe `NN.NN` or emne `NN.NN.NN`.
///
/// A small `Copy` value (no allocation), so that labels, taxonomies and decisions can pass
/// codes around freely. Codes order as the plan reads: `00` < `00.01` < `00.01.00` <
/// `00.01.05` < `00.02` < `01`.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::kle::{KleCode, Level};
/// let emne: KleCode = "27.24.00".parse()?;
/// assert_eq!(emne.level(), Level::Emne);
/// assert_eq!(emne.parent().map(|c| c.to_string()).as_deref(), Some("27.24"));
/// assert!(KleCode::parse("27")?.is_prefix_of(&emne));
/// assert!(KleCode::parse("27.4").is_err());
/// # Ok(()) }
/// # example().unwrap();
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KleCode {
    // Field order gives the plan's order; `emne` is only ever set together with `gruppe`.
    hovedgruppe: u8,
    gruppe: Option<u8>,
    emne: Option<u8>,
}

impl KleCode {
    /// Parses `NN`, `NN.NN` or `NN.NN.NN` (ASCII digits, two per part; surrounding whitespace
    /// is ignored). Anything else is an [`ErrorKind::InvalidInput`] error that quotes the
    /// (shortened) input, so a wrong label in a rule file or training set is easy to find.
    pub fn parse(s: &str) -> Result<KleCode> {
        let t = s.trim();
        let mut parts = [None; 3];
        for (i, part) in t.split('.').enumerate() {
            let slot = parts.get_mut(i).ok_or_else(|| bad_code(s))?;
            *slot = Some(two_digits(part).ok_or_else(|| bad_code(s))?);
        }
        match parts {
            [Some(hovedgruppe), gruppe, emne] => Ok(KleCode {
                hovedgruppe,
                gruppe,
                emne,
            }),
            _ => Err(bad_code(s)),
        }
    }

    /// The level: hovedgruppe, gruppe or emne.
    pub fn level(&self) -> Level {
        match (self.gruppe, self.emne) {
            (None, _) => Level::Hovedgruppe,
            (Some(_), None) => Level::Gruppe,
            (Some(_), Some(_)) => Level::Emne,
        }
    }

    /// The code one level up (`27.24.00` → `27.24` → `27`), `None` for a hovedgruppe.
    pub fn parent(&self) -> Option<KleCode> {
        match (self.gruppe, self.emne) {
            (None, _) => None,
            (Some(_), None) => Some(KleCode {
                gruppe: None,
                ..*self
            }),
            (Some(_), Some(_)) => Some(KleCode {
                emne: None,
                ..*self
            }),
        }
    }

    /// The hovedgruppe this code belongs to (itself for a hovedgruppe).
    pub fn hovedgruppe(&self) -> KleCode {
        KleCode {
            hovedgruppe: self.hovedgruppe,
            gruppe: None,
            emne: None,
        }
    }

    /// The gruppe this code belongs to (itself for a gruppe); `None` for a hovedgruppe.
    pub fn gruppe(&self) -> Option<KleCode> {
        self.gruppe.map(|g| KleCode {
            hovedgruppe: self.hovedgruppe,
            gruppe: Some(g),
            emne: None,
        })
    }

    /// The code at `level` above or at this one (`27.24.00` at [`Level::Gruppe`] is
    /// `27.24`); `None` when `level` is below this code's own level.
    pub fn at_level(&self, level: Level) -> Option<KleCode> {
        match level {
            Level::Hovedgruppe => Some(self.hovedgruppe()),
            Level::Gruppe => self.gruppe(),
            Level::Emne => (self.level() == Level::Emne).then_some(*self),
        }
    }

    /// Whether this code is `other` or one of its ancestors: `27` and `27.24` are prefixes of
    /// `27.24.00`; `27.2` is not a code, and `27.24` is not a prefix of `27.25.00`.
    pub fn is_prefix_of(&self, other: &KleCode) -> bool {
        other.at_level(self.level()).as_ref() == Some(self)
    }

    /// The numbers of the parts present: `[27, 24, 0]` for `27.24.00`, `[27]` for `27`.
    pub fn parts(&self) -> Vec<u8> {
        std::iter::once(self.hovedgruppe)
            .chain(self.gruppe)
            .chain(self.emne)
            .collect()
    }
}

fn two_digits(part: &str) -> Option<u8> {
    match part.as_bytes() {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

fn bad_code(s: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "{} is not a KLE code (expected NN, NN.NN or NN.NN.NN, e.g. 27.24.00)",
            quote(s)
        ),
    )
}

/// The input quoted for an error message, cut at 40 characters: labels and codes are not
/// personal data, but a caller may pass anything, and messages must stay short.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = s.chars().take(MAX).collect();
    if s.chars().nth(MAX).is_some() {
        out.push('…');
    }
    format!("{out:?}")
}

impl fmt::Display for KleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.hovedgruppe)?;
        if let Some(g) = self.gruppe {
            write!(f, ".{g:02}")?;
        }
        if let Some(e) = self.emne {
            write!(f, ".{e:02}")?;
        }
        Ok(())
    }
}

string_value!(KleCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_levels_and_rejects_the_rest() {
        let good = [
            ("00", Level::Hovedgruppe, "00"),
            ("27.24", Level::Gruppe, "27.24"),
            ("27.24.00", Level::Emne, "27.24.00"),
            (" 32.18.02\n", Level::Emne, "32.18.02"),
            ("99.99.99", Level::Emne, "99.99.99"),
        ];
        for (input, level, shown) in good {
            let code = KleCode::parse(input).unwrap();
            assert_eq!(code.level(), level, "{input}");
            assert_eq!(code.to_string(), shown, "{input}");
        }
        let bad = [
            "",
            "2",
            "027",
            "27.",
            ".27",
            "27.4",
            "27.24.0",
            "27.24.000",
            "27.24.00.00",
            "27-24-00",
            "27,24",
            "2a.24",
            "٢٧.24",
            "27..24",
            "27.24.00-G01",
            "27 .24",
        ];
        for input in bad {
            let err = KleCode::parse(input).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{input}");
            assert!(err.to_string().contains("is not a KLE code"), "{err}");
        }
    }

    #[test]
    fn hierarchy_and_prefixes() {
        let emne = KleCode::parse("32.18.02").unwrap();
        let gruppe = KleCode::parse("32.18").unwrap();
        let hoved = KleCode::parse("32").unwrap();
        assert_eq!(emne.parent(), Some(gruppe));
        assert_eq!(gruppe.parent(), Some(hoved));
        assert_eq!(hoved.parent(), None);
        assert_eq!(emne.gruppe(), Some(gruppe));
        assert_eq!(hoved.gruppe(), None);
        assert_eq!(emne.hovedgruppe(), hoved);
        assert_eq!(gruppe.at_level(Level::Emne), None);
        for (a, b, expected) in [
            (hoved, emne, true),
            (gruppe, emne, true),
            (emne, emne, true),
            (emne, gruppe, false),
            (KleCode::parse("32.19").unwrap(), emne, false),
            (KleCode::parse("31").unwrap(), gruppe, false),
        ] {
            assert_eq!(a.is_prefix_of(&b), expected, "{a} prefix of {b}");
        }
        assert_eq!(emne.parts(), vec![32, 18, 2]);
    }

    #[test]
    fn orders_as_the_plan_reads() {
        let mut codes: Vec<KleCode> = ["01", "00.02", "00.01.05", "00", "00.01", "00.01.00"]
            .iter()
            .map(|s| KleCode::parse(s).unwrap())
            .collect();
        codes.sort();
        let shown: Vec<String> = codes.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["00", "00.01", "00.01.00", "00.01.05", "00.02", "01"]
        );
    }

    #[test]
    fn serde_round_trip_and_long_inputs_are_cut_in_errors() {
        let code = KleCode::parse("27.24.00").unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, "\"27.24.00\"");
        assert_eq!(serde_json::from_str::<KleCode>(&json).unwrap(), code);
        assert!(serde_json::from_str::<KleCode>("\"27.4\"").is_err());
        let err = KleCode::parse(&"x".repeat(500)).unwrap_err();
        assert!(err.to_string().len() < 150, "{err}");
    }
}
