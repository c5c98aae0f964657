//! Words after UAX #29, with numbers replaced by classes.
//!
//! Numbers are where personal data hides (CPR numbers, phone numbers, account numbers) and
//! where features overfit (a case number seen once). The tokenizer therefore never lets the
//! digits of a long number through: it says what *kind* of number it saw (`#cpr`, `#date`,
//! `#n8`). KLE codes, which name a subject, and numbers of at most four digits (`486`,
//! `§ 42`, a postal code), which cannot identify anyone, keep their digits.

use crate::text::word_indices;

/// The class of a number, as far as a cheap look can tell.
///
/// This is a featurisation aid, not a detector: [`crate::decision::refs`] does the careful
/// work (checksums, context words) for references that are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NumberClass {
    /// `DDMMYY-SSSS`, `DDMMYY SSSS` or ten digits starting with a valid day and month.
    Cpr,
    /// A dotted date (`12.05.2023`, `1.2.24`).
    Date,
    /// `NN.NN.NN`: a KLE emne (or a short date; the two cannot be told apart by shape).
    Kle,
    /// A four-digit year between 1900 and 2099.
    Year,
    /// Exactly eight digits: a phone, CVR or account number.
    Eight,
    /// A number of at most four digits that is none of the above: kept as written.
    Short,
    /// Any other number, by its count of digits (5, or 6 meaning six or more).
    Digits(u8),
}

impl NumberClass {
    /// The token that stands for the class in features.
    pub fn token(self) -> &'static str {
        match self {
            NumberClass::Cpr => "#cpr",
            NumberClass::Date => "#date",
            NumberClass::Kle => "#kle",
            NumberClass::Year => "#year",
            NumberClass::Eight => "#n8",
            NumberClass::Short => "#short",
            NumberClass::Digits(5) => "#n5",
            NumberClass::Digits(_) => "#n6",
        }
    }
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word (letters, possibly with digits such as `g01`).
    Word,
    /// A number, replaced by its class.
    Number(NumberClass),
}

/// One token: a byte span into the text it came from, and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// What it is.
    pub kind: TokenKind,
}

impl Token {
    /// The text that features use: the word itself, the KLE code, or the number class.
    pub fn feature_text<'t>(&self, text: &'t str) -> &'t str {
        match self.kind {
            TokenKind::Word => text.get(self.start..self.end).unwrap_or(""),
            TokenKind::Number(NumberClass::Kle | NumberClass::Short) => {
                text.get(self.start..self.end).unwrap_or("")
            }
            TokenKind::Number(class) => class.token(),
        }
    }
}

/// Splits `text` (normalised: see [`crate::text::normalize()`]) into tokens, calling `each`
/// for each in order.
///
/// A callback rather than a `Vec` so the feature stage can hash as it goes without an
/// allocation per message.
pub fn tokenize(text: &str, mut each: impl FnMut(Token)) {
    let mut words = word_indices(text).peekable();
    while let Some((start, word)) = words.next() {
        let end = start + word.len();
        if !word.bytes().next().is_some_and(|b| b.is_ascii_digit()) || has_letter(word) {
            each(Token {
                start,
                end,
                kind: TokenKind::Word,
            });
            continue;
        }
        // A six-digit date followed by four digits, with a hyphen, a space or nothing
        // between: a CPR number written as two words.
        if word.len() == 6 && all_digits(word) && ddmm_valid(word.as_bytes()) {
            if let Some(&(next_start, next)) = words.peek() {
                let gap = text.get(end..next_start).unwrap_or("x");
                if next.len() == 4
                    && all_digits(next)
                    && (gap == "-" || gap == " " || gap.is_empty())
                {
                    words.next();
                    each(Token {
                        start,
                        end: next_start + next.len(),
                        kind: TokenKind::Number(NumberClass::Cpr),
                    });
                    continue;
                }
            }
        }
        each(Token {
            start,
            end,
            kind: TokenKind::Number(classify_number(word)),
        });
    }
}

fn has_letter(word: &str) -> bool {
    word.chars().any(char::is_alphabetic)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether the first four bytes are a plausible DDMM.
fn ddmm_valid(d: &[u8]) -> bool {
    if d.len() < 4 {
        return false;
    }
    let day = (d[0] - b'0') * 10 + (d[1] - b'0');
    let month = (d[2] - b'0') * 10 + (d[3] - b'0');
    let max_day = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 29,
        _ => return false,
    };
    (1..=max_day).contains(&day)
}

fn classify_number(word: &str) -> NumberClass {
    let groups: Vec<&str> = word.split(['.', ',']).collect();
    if groups.len() == 3 && groups.iter().all(|g| all_digits(g)) {
        let lens = [groups[0].len(), groups[1].len(), groups[2].len()];
        if lens == [2, 2, 2] {
            return NumberClass::Kle;
        }
        if word.contains('.')
            && !word.contains(',')
            && lens[0] <= 2
            && lens[1] <= 2
            && (lens[2] == 2 || lens[2] == 4)
        {
            return NumberClass::Date;
        }
    }
    let digits = word.bytes().filter(u8::is_ascii_digit).count();
    let plain = all_digits(word);
    if plain && digits == 10 && ddmm_valid(word.as_bytes()) {
        return NumberClass::Cpr;
    }
    if plain && digits == 8 {
        return NumberClass::Eight;
    }
    if plain && digits == 4 && (word.starts_with("19") || word.starts_with("20")) {
        return NumberClass::Year;
    }
    if digits <= 4 {
        // Short numbers are not identifiers and often carry the topic (`486`, `§ 42`,
        // postal codes): they stay as they are.
        return NumberClass::Short;
    }
    NumberClass::Digits(digits.clamp(5, 6) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature_texts(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(text, |t| out.push(t.feature_text(text).to_string()));
        out
    }

    #[test]
    fn numbers_become_classes_and_digits_never_leak() {
        let text = "cpr 010190-1234 og 0101901234 eller 010190 1234, tlf 12345678, sag 27.24.00-g01-5-19 den 12.05.2023 i 2024 kl 10";
        let toks = feature_texts(text);
        assert_eq!(
            toks,
            [
                "cpr", "#cpr", "og", "#cpr", "eller", "#cpr", "tlf", "#n8", "sag", "27.24.00",
                "g01", "5", "19", "den", "#date", "i", "#year", "kl", "10"
            ]
        );
    }

    #[test]
    fn invalid_dates_are_not_cpr() {
        assert_eq!(feature_texts("321390-1234"), ["#n6", "1234"]);
        assert_eq!(feature_texts("9999999999"), ["#n6"]);
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "ærø byggesag";
        let mut spans = Vec::new();
        tokenize(text, |t| spans.push(&text[t.start..t.end]));
        assert_eq!(spans, ["ærø", "byggesag"]);
    }

    #[test]
    fn amounts_are_numbers() {
        assert_eq!(feature_texts("1.234.567,00 kr"), ["#n6", "kr"]);
    }
}
