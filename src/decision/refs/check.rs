//! Check digits and calendar rules of Danish identifiers and IBANs.
//!
//! Public so that a host can validate a number it already holds (a MeMo sender's CPR
//! number, a CVR number typed into a form) by exactly the rules [`find`](super::find) uses.
//! Every function takes the compact form (digits only, or an IBAN without spaces) and
//! answers `false`/`None` for input of the wrong shape instead of panicking.
//!
//! Sources: cpr.dk, "Opbygning af CPR-nummeret" and "Personnumre uden kontrolciffer";
//! Erhvervsstyrelsen, "Modulus 11 kontrol"; ISO 13616 (IBAN).

/// The ten digits of `s` as numbers, if `s` is exactly ten ASCII digits.
fn ten_digits(s: &str) -> Option<[u32; 10]> {
    digits_of::<10>(s)
}

/// The `N` digits of `s` as numbers, if `s` is exactly `N` ASCII digits.
fn digits_of<const N: usize>(s: &str) -> Option<[u32; N]> {
    let bytes = s.as_bytes();
    if bytes.len() != N {
        return None;
    }
    let mut out = [0u32; N];
    for (slot, &b) in out.iter_mut().zip(bytes) {
        if !b.is_ascii_digit() {
            return None;
        }
        *slot = u32::from(b - b'0');
    }
    Some(out)
}

/// Whether the weighted digit sum is divisible by 11.
fn weighted_mod11(digits: &[u32], weights: &[u32]) -> bool {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    sum.is_multiple_of(11)
}

/// Whether `year` is a leap year in the Gregorian calendar.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in `month` (1–12) of `year`, or `None` for a month out of range.
pub fn days_in_month(year: i32, month: u32) -> Option<u32> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if is_leap_year(year) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// The full birth year of a CPR number from its two-digit year `yy` and its seventh digit.
///
/// The century rule of the CPR office: seventh digit 0–3 → 1900–1999; 4 or 9 → 2000–2036
/// when `yy` ≤ 36, else 1937–1999; 5–8 → 2000–2057 when `yy` ≤ 57, else 1858–1899.
pub fn cpr_century_year(yy: u32, seventh: u32) -> Option<i32> {
    let yy = i32::try_from(yy).ok().filter(|y| *y < 100)?;
    let base = match seventh {
        0..=3 => 1900,
        4 | 9 if yy <= 36 => 2000,
        4 | 9 => 1900,
        5..=8 if yy <= 57 => 2000,
        5..=8 => 1800,
        _ => return None,
    };
    Some(base + yy)
}

/// The birth date `(year, month, day)` of a CPR number given as ten digits, if it is a real
/// calendar date under the century rule of the seventh digit.
///
/// This is what makes ten digits a CPR number; the check digit is not (see [`cpr_mod11`]).
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::decision::refs::check::cpr_birth_date;
/// assert_eq!(cpr_birth_date("2902004321"), Some((2000, 2, 29))); // 7th digit 4, YY ≤ 36
/// assert_eq!(cpr_birth_date("2902001321"), None); // 7th digit 1: 1900, not a leap year
/// # Ok(()) }
/// # example().unwrap();
/// ```
pub fn cpr_birth_date(digits: &str) -> Option<(i32, u32, u32)> {
    let d = ten_digits(digits)?;
    let day = d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let year = cpr_century_year(d[4] * 10 + d[5], d[6])?;
    let last = days_in_month(year, month)?;
    (1..=last).contains(&day).then_some((year, month, day))
}

/// Whether a CPR number (ten digits) passes modulus 11 with weights 4 3 2 7 6 5 4 3 2 1.
///
/// All numbers issued before 1 October 2007 pass; since then numbers that fail are issued
/// (so far for birth dates of 1 January), and the CPR office requires systems to accept
/// them. A failing check therefore lowers confidence and never rejects a number.
pub fn cpr_mod11(digits: &str) -> bool {
    ten_digits(digits).is_some_and(|d| weighted_mod11(&d, &[4, 3, 2, 7, 6, 5, 4, 3, 2, 1]))
}

/// Whether a CVR number (eight digits, not starting with 0) passes modulus 11 with weights
/// 2 7 6 5 4 3 2 1, as every CVR number does (Erhvervsstyrelsen).
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::decision::refs::check::cvr_mod11;
/// assert!(cvr_mod11("13748136"));
/// assert!(!cvr_mod11("13748137"));
/// # Ok(()) }
/// # example().unwrap();
/// ```
pub fn cvr_mod11(digits: &str) -> bool {
    digits_of::<8>(digits)
        .is_some_and(|d| d[0] != 0 && weighted_mod11(&d, &[2, 7, 6, 5, 4, 3, 2, 1]))
}

/// Whether a P-number (ten digits) passes modulus 11 with the weights Erhvervsstyrelsen's
/// rule gives ten digits (4 3 2 7 6 5 4 3 2 1).
///
/// Some series of P-numbers were issued with a wrongly coded check digit, so a failing check
/// must never reject a P-number; it is reported, not enforced.
pub fn p_number_mod11(digits: &str) -> bool {
    ten_digits(digits).is_some_and(|d| weighted_mod11(&d, &[4, 3, 2, 7, 6, 5, 4, 3, 2, 1]))
}

/// The length of an IBAN of `country` (two uppercase letters), for the countries of the
/// SWIFT IBAN registry that mail to a Danish municipality plausibly carries.
///
/// Knowing the length lets the scanner stop exactly where the IBAN ends even when the
/// printed form (groups of four) runs into the next word.
pub fn iban_length(country: &str) -> Option<usize> {
    let len = match country {
        "NO" => 15,
        "BE" => 16,
        "DK" | "FO" | "GL" | "FI" | "NL" => 18,
        "MK" | "SI" => 19,
        "AT" | "BA" | "EE" | "KZ" | "LT" | "LU" | "XK" => 20,
        "CH" | "HR" | "LI" | "LV" => 21,
        "BG" | "BH" | "CR" | "DE" | "GB" | "GE" | "IE" | "ME" | "RS" | "VA" => 22,
        "AE" | "GI" | "IL" | "IQ" | "TL" => 23,
        "AD" | "CZ" | "ES" | "MD" | "PK" | "RO" | "SA" | "SE" | "SK" | "TN" | "VG" => 24,
        "PT" | "ST" => 25,
        "IS" | "TR" => 26,
        "FR" | "GR" | "IT" | "MC" | "MR" | "SM" => 27,
        "AL" | "AZ" | "BY" | "CY" | "DO" | "GT" | "HU" | "LB" | "PL" | "SV" => 28,
        "BR" | "EG" | "PS" | "QA" | "UA" => 29,
        "JO" | "KW" | "MU" => 30,
        "MT" | "SC" => 31,
        "LC" => 32,
        _ => return None,
    };
    Some(len)
}

/// Whether a compact IBAN (uppercase letters and digits, no spaces) passes the ISO 13616
/// check: the first four characters moved to the end, letters as 10–35, the number
/// mod 97 equals 1. Also checks the length of the country when it is known.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::decision::refs::check::iban_mod97;
/// assert!(iban_mod97("DK5000400440116243"));
/// assert!(!iban_mod97("DK5000400440116244"));
/// # Ok(()) }
/// # example().unwrap();
/// ```
pub fn iban_mod97(iban: &str) -> bool {
    let bytes = iban.as_bytes();
    if bytes.len() < 15 || bytes.len() > 34 {
        return false;
    }
    let (head, rest) = bytes.split_at(4);
    if let Some(country) = iban.get(..2) {
        if iban_length(country).is_some_and(|len| len != bytes.len()) {
            return false;
        }
    }
    let mut rem: u32 = 0;
    for &b in rest.iter().chain(head) {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if value >= 10 {
            (rem * 100 + value) % 97
        } else {
            (rem * 10 + value) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn century_rule_table() {
        // (yy, seventh digit, year)
        let table = [
            (90, 0, Some(1990)),
            (5, 3, Some(1905)),
            (36, 4, Some(2036)),
            (37, 4, Some(1937)),
            (36, 9, Some(2036)),
            (37, 9, Some(1937)),
            (57, 5, Some(2057)),
            (58, 5, Some(1858)),
            (57, 8, Some(2057)),
            (99, 8, Some(1899)),
            (10, 10, None),
            (100, 0, None),
        ];
        for (yy, seventh, want) in table {
            assert_eq!(cpr_century_year(yy, seventh), want, "yy={yy} 7th={seventh}");
        }
    }

    #[test]
    fn checks_reject_wrong_shapes() {
        assert!(!cpr_mod11("123"));
        assert!(!cvr_mod11("1374813a"));
        assert!(!cvr_mod11("03748136"));
        assert!(!iban_mod97("DK50"));
        assert!(!iban_mod97("dk5000400440116243"));
        assert_eq!(cpr_birth_date("01019O1234"), None);
        assert_eq!(days_in_month(2024, 13), None);
    }

    #[test]
    fn iban_examples_from_several_countries() {
        for good in [
            "DK5000400440116243",
            "GB82WEST12345698765432",
            "DE89370400440532013000",
            "NO9386011117947",
            "FR1420041010050500013M02606",
        ] {
            assert!(iban_mod97(good), "{good}");
        }
        // Right check digits, wrong length for the country.
        assert!(!iban_mod97("DK500040044011624"));
    }
}
