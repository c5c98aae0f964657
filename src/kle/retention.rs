//! Retention hints KL attaches to emner and facets: keep or discard under the archives act,
//! and how long personal data may be kept.

use std::fmt;

use serde::Serialize;

use super::code::quote;
use crate::{Error, ErrorKind, Result};

/// `BevaringJaevnfoerArkivloven`: whether documents under this code are kept for the public
/// archives (`B`, bevares) or may be discarded (`K`, kasseres).
///
/// A records system uses this when a case is closed; libsignatur only carries it so that a
/// suggestion can show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Preservation {
    /// `B`: keep (bevares).
    Keep,
    /// `K`: may be discarded (kasseres).
    Discard,
}

impl Preservation {
    /// Parses KL's one-letter value (`B` or `K`, either case).
    pub fn parse(s: &str) -> Result<Preservation> {
        match s.trim() {
            "B" | "b" => Ok(Preservation::Keep),
            "K" | "k" => Ok(Preservation::Discard),
            _ => Err(Error::new(
                ErrorKind::Parse,
                format!("{} is not a preservation code (expected B or K)", quote(s)),
            )),
        }
    }

    /// KL's letter: `B` or `K`.
    pub fn as_str(self) -> &'static str {
        match self {
            Preservation::Keep => "B",
            Preservation::Discard => "K",
        }
    }
}

/// `SletningJaevnfoerPersondataloven`: how long personal data under this code may be kept,
/// an ISO-8601 / XML Schema duration such as `P1825D` or `P5Y`.
///
/// Stored by its parts, so that it prints back as written and can be compared roughly in
/// days without guessing a calendar.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RetentionPeriod {
    years: u32,
    months: u32,
    days: u32,
    hours: u32,
    minutes: u32,
    seconds: u32,
}

impl RetentionPeriod {
    /// Parses `PnYnMnDTnHnMnS` (integer parts, each optional, at least one present; a `T`
    /// must be followed by a time part). A negative duration is refused: a deletion deadline
    /// cannot lie in the past.
    pub fn parse(s: &str) -> Result<RetentionPeriod> {
        let bad = || {
            Error::new(
                ErrorKind::Parse,
                format!(
                    "{} is not an ISO-8601 duration (expected e.g. P1825D or P5Y)",
                    quote(s)
                ),
            )
        };
        let rest = s.trim().strip_prefix('P').ok_or_else(bad)?;
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) if !t.is_empty() => (d, Some(t)),
            Some(_) => return Err(bad()),
            None => (rest, None),
        };
        let mut p = RetentionPeriod::default();
        let mut any = false;
        for (text, units) in [(date, "YMD"), (time.unwrap_or(""), "HMS")] {
            let mut number = String::new();
            let mut allowed = units.chars();
            for c in text.chars() {
                if c.is_ascii_digit() {
                    number.push(c);
                    continue;
                }
                // Units must come in order, each at most once, each after a number.
                if !allowed.any(|u| u == c) || number.is_empty() {
                    return Err(bad());
                }
                let value: u32 = number.parse().map_err(|_| bad())?;
                number.clear();
                any = true;
                let slot = match (units, c) {
                    ("YMD", 'Y') => &mut p.years,
                    ("YMD", 'M') => &mut p.months,
                    ("YMD", _) => &mut p.days,
                    (_, 'H') => &mut p.hours,
                    (_, 'M') => &mut p.minutes,
                    _ => &mut p.seconds,
                };
                *slot = value;
            }
            if !number.is_empty() {
                return Err(bad());
            }
        }
        if any {
            Ok(p)
        } else {
            Err(bad())
        }
    }

    /// The length in days, counting a year as 365 and a month as 30 days (time parts are
    /// rounded down): good for comparing and showing, not for computing a legal deadline.
    pub fn approx_days(&self) -> u64 {
        u64::from(self.years) * 365
            + u64::from(self.months) * 30
            + u64::from(self.days)
            + (u64::from(self.hours) * 3600
                + u64::from(self.minutes) * 60
                + u64::from(self.seconds))
                / 86_400
    }
}

impl fmt::Display for RetentionPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P")?;
        for (value, unit) in [(self.years, 'Y'), (self.months, 'M'), (self.days, 'D')] {
            if value > 0 {
                write!(f, "{value}{unit}")?;
            }
        }
        // Each part is compared on its own: a sum of `u32`s from a file can overflow.
        if [self.hours, self.minutes, self.seconds]
            .iter()
            .any(|&v| v > 0)
        {
            f.write_str("T")?;
            for (value, unit) in [(self.hours, 'H'), (self.minutes, 'M'), (self.seconds, 'S')] {
                if value > 0 {
                    write!(f, "{value}{unit}")?;
                }
            }
        } else if [self.years, self.months, self.days].iter().all(|&v| v == 0) {
            f.write_str("0D")?;
        }
        Ok(())
    }
}

impl fmt::Debug for RetentionPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RetentionPeriod({self})")
    }
}

impl Serialize for RetentionPeriod {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Both retention hints of one code, each present only where the source has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Retention {
    /// Keep or discard under the archives act (`BevaringJaevnfoerArkivloven`).
    pub preservation: Option<Preservation>,
    /// How long personal data may be kept (`SletningJaevnfoerPersondataloven`).
    pub delete_after: Option<RetentionPeriod>,
}

impl Retention {
    /// Whether neither hint is present.
    pub fn is_empty(&self) -> bool {
        self.preservation.is_none() && self.delete_after.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_print_and_measure() {
        let cases = [
            ("P1825D", "P1825D", 1825),
            ("P5Y", "P5Y", 1825),
            ("P1Y6M", "P1Y6M", 545),
            ("P0D", "P0D", 0),
            ("PT48H", "PT48H", 2),
            ("P1DT12H", "P1DT12H", 1),
            (" P10Y ", "P10Y", 3650),
            // Parts whose sum overflows a u32 are each printed.
            ("PT4294967295H1S", "PT4294967295H1S", 178_956_970),
            ("P4294967295Y1D", "P4294967295Y1D", 1_567_663_062_676),
        ];
        for (input, shown, days) in cases {
            let p = RetentionPeriod::parse(input).unwrap();
            assert_eq!(p.to_string(), shown, "{input}");
            assert_eq!(p.approx_days(), days, "{input}");
        }
        for bad in [
            "", "P", "1825D", "P1825", "PD", "P5D1Y", "P1Y1Y", "PT", "P-5D", "P5W", "P1.5Y", "PT5D",
        ] {
            let err = RetentionPeriod::parse(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Parse, "{bad}");
        }
    }

    #[test]
    fn preservation_letters() {
        assert_eq!(Preservation::parse("B").unwrap(), Preservation::Keep);
        assert_eq!(Preservation::parse(" k").unwrap(), Preservation::Discard);
        assert_eq!(Preservation::Keep.as_str(), "B");
        assert!(Preservation::parse("X").is_err());
        assert!(Preservation::parse("").is_err());
    }
}
