//! UAX #29 words, fast for Danish text.
//!
//! [`word_indices`] gives exactly the words of unicode-segmentation's
//! `unicode_word_indices`. That crate has a fast path for text that is ASCII as a whole,
//! but one `ø` anywhere sends the whole text through its Unicode tables, a binary search
//! per character: perf put that at about 45 % of a C ABI decision on Danish mail, in
//! the feature stage and in the name scan of explanations. Here the text goes line by line
//! (UAX #29 always breaks after a line feed, rule WB3a, so a line's words are the text's
//! words there), and a line whose only non-ASCII characters are the letters
//! of Latin-1 (`À`–`ÿ` without `×` and `÷`, which covers Danish, German, French and the
//! Nordic languages) is split by the rules those characters can meet. Any other line
//! goes through unicode-segmentation as before.
//!
//! The rules a Latin-1 line can meet are the ones unicode-segmentation's own ASCII path
//! implements: letters, digits and `_` join (WB5, WB8–WB10, WB13a/b); `.`, `'` and `:`
//! join two letters (WB6/WB7); `.`, `,`, `;` and `'` join two digits (WB11/WB12); no
//! other character is part of a word (spaces and CR LF form segments of their own, which
//! are not words). The Latin-1 letters are all `ALetter`, and no character of such a line
//! is `Extend`, `Format`, `ZWJ`, Hebrew or pictographic, so the rules for those (WB3c,
//! WB4, WB7a–c) cannot apply. The tests compare the two on random text over the
//! characters that matter, on every demo message, and (`tests/words.rs`) on every file
//! of the shared corpora. The equivalence is with the locked unicode-segmentation
//! version; an update of that crate runs the same tests.

use unicode_segmentation::{UnicodeSegmentation, UnicodeWordIndices};

/// The words of `text` with their byte offsets, as `text.unicode_word_indices()` gives
/// them (see the module documentation for why this is faster on Danish text).
pub fn word_indices(text: &str) -> WordIndices<'_> {
    WordIndices {
        text,
        end: 0,
        at: 0,
        slow: None,
    }
}

/// The iterator of [`word_indices`].
pub struct WordIndices<'t> {
    text: &'t str,
    /// Where the current line ends: after its line feed, or at the end of the text.
    end: usize,
    /// The next byte to read in a Latin-1 line (the line's end for any other line).
    at: usize,
    /// The current line's start and words when it is not Latin-1 alone.
    slow: Option<(usize, UnicodeWordIndices<'t>)>,
}

impl<'t> Iterator for WordIndices<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<(usize, &'t str)> {
        loop {
            if let Some((start, words)) = &mut self.slow {
                if let Some((s, word)) = words.next() {
                    return Some((*start + s, word));
                }
                self.slow = None;
            } else if let Some(word) = self.latin_word() {
                return Some(word);
            }
            if self.end >= self.text.len() {
                return None;
            }
            let start = self.end;
            let (end, latin) = line(&self.text.as_bytes()[start..]);
            self.end = start + end;
            if latin {
                self.at = start;
            } else {
                // Nothing left for the Latin-1 rules, so that `next` after the end stays
                // `None`.
                self.at = self.end;
                self.slow = Some((start, self.text[start..self.end].unicode_word_indices()));
            }
        }
    }
}

/// The length of the line at the start of `bytes` (through its line feed) and whether its
/// only non-ASCII characters are Latin-1 letters.
fn line(bytes: &[u8]) -> (usize, bool) {
    let len = memchr::memchr(b'\n', bytes).map_or(bytes.len(), |i| i + 1);
    let line = &bytes[..len];
    (len, line.is_ascii() || latin(line))
}

/// Whether the only non-ASCII characters of `line` are Latin-1 letters.
fn latin(line: &[u8]) -> bool {
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if b >= 0x80 {
            // `À`–`ÿ` are C3 80–C3 BF in UTF-8; C3 97 is `×` and C3 B7 is `÷`.
            if b != 0xC3 || matches!(line.get(i + 1), Some(0x97 | 0xB7)) {
                return false;
            }
            i += 1;
        }
        i += 1;
    }
    true
}

/// What a character of a Latin-1 line is, for the word rules, from its first byte.
#[derive(Clone, Copy, PartialEq)]
enum Class {
    Letter,
    Digit,
    /// `_` (`ExtendNumLet`): joins anything of a word, but no infix.
    Underscore,
    Other,
}

fn class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' | 0xC3 => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b'_' => Class::Underscore,
        _ => Class::Other,
    }
}

/// The class of the character that ends just before byte `i` of a Latin-1 line.
fn class_before(bytes: &[u8], i: usize) -> Class {
    match bytes[i - 1] {
        // The second byte of a Latin-1 letter.
        0x80..=0xBF => Class::Letter,
        b => class(b),
    }
}

impl<'t> WordIndices<'t> {
    /// The next word of the current Latin-1 line, if it has one left.
    fn latin_word(&mut self) -> Option<(usize, &'t str)> {
        let bytes = self.text.as_bytes();
        let end = self.end;
        let mut i = self.at;
        // A loop, not a recursion: a line of `_ _ _ …` has a segment without a word per
        // underscore.
        loop {
            while i < end && class(bytes[i]) == Class::Other {
                i += 1;
            }
            if i >= end {
                self.at = end;
                return None;
            }
            let start = i;
            let mut alphanumeric = false;
            while i < end {
                let b = bytes[i];
                match class(b) {
                    Class::Letter | Class::Digit => {
                        alphanumeric = true;
                        i += if b == 0xC3 { 2 } else { 1 };
                    }
                    Class::Underscore => i += 1,
                    Class::Other
                        if i + 1 < end && joins(b, class_before(bytes, i), class(bytes[i + 1])) =>
                    {
                        i += 1
                    }
                    Class::Other => break,
                }
            }
            // `_` alone is a segment but not a word; go on after it.
            if alphanumeric {
                self.at = i;
                return Some((start, &self.text[start..i]));
            }
        }
    }
}

/// Whether the punctuation `b` between characters of classes `before` and `after` is
/// inside a word (WB6/WB7 for letters, WB11/WB12 for digits).
fn joins(b: u8, before: Class, after: Class) -> bool {
    match b {
        b'.' | b'\'' => {
            (before == Class::Letter && after == Class::Letter)
                || (before == Class::Digit && after == Class::Digit)
        }
        b':' => before == Class::Letter && after == Class::Letter,
        b',' | b';' => before == Class::Digit && after == Class::Digit,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::samples::{demo_messages, random_texts};

    fn same(text: &str) {
        let ours: Vec<(usize, &str)> = word_indices(text).collect();
        let theirs: Vec<(usize, &str)> = text.unicode_word_indices().collect();
        assert_eq!(ours, theirs, "{text:?}");
    }

    #[test]
    fn plain_cases() {
        for text in [
            "",
            "\n",
            "Hej Anne, vi har modtaget din ansøgning om byggetilladelse.\r\nMvh. Søren",
            "e.g. 3.14 1,000 1;2 don't a:b a.1 1.a __ _a a_ _ _._ æ.ø ø'å Ø:Æ",
            "Grüße aus Köln, ça va? ÿ×ÿ ÿ÷ÿ × ÷",
            "line without end ø",
            "– tankestreg «citat» §42 ½ 10²",
            "nbsp\u{a0}here soft\u{ad}hyphen e\u{301}t",
        ] {
            same(text);
        }
    }

    #[test]
    fn random_text_over_the_characters_that_matter() {
        // Latin-1 letters, ASCII of every class, the joiners and line ends; then the same
        // with characters that send a line to unicode-segmentation (combining marks, other
        // punctuation and scripts), so that both paths and their seams are met.
        let latin = "aZ09_ .,;:'\"-\r\n\tøÆåéÿßÀ";
        let mixed = format!("{latin}×÷ª²\u{a0}\u{ad}\u{301}\u{2019}–«»Ωжﬁ");
        for alphabet in [latin, &mixed] {
            random_texts(alphabet, 50_000, 40, 0x9e37_79b9_7f4a_7c15, same);
        }
    }

    #[test]
    fn long_lines_without_words_and_calls_after_the_end() {
        same(&"_ ".repeat(100_000));
        same(&"_._".repeat(50_000));
        let mut words = word_indices("ø a\n× b");
        assert_eq!(words.by_ref().count(), 3);
        assert_eq!(words.next(), None);
        assert_eq!(words.next(), None);
    }

    #[test]
    fn every_demo_message() {
        demo_messages(same);
    }
}
