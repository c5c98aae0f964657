//! Words that look like names, so that explanations do not show them.
//!
//! Danish writes common nouns in lower case: a capitalised word that does not start a
//! sentence or a line is almost always a proper noun (a person, a street, a firm). An
//! explanation shows the message's own words, and a name there is personal data written
//! where nobody asked for it, so such words are masked. This is a heuristic for display
//! only; features never depend on it.

use std::collections::HashSet;

use unicode_segmentation::UnicodeSegmentation;

use crate::text::normalize;

/// Adds to `out` the normalised form of every word of `text` that is capitalised (an
/// upper-case letter followed by a lower-case one: `Mette`, not `KLE`) and does not start a
/// sentence or a line.
pub fn add_proper_nouns(text: &str, out: &mut HashSet<String>) {
    for (start, word) in text.unicode_word_indices() {
        let mut chars = word.chars();
        let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
            continue;
        };
        if !(first.is_uppercase() && second.is_lowercase()) || starts_sentence(&text[..start]) {
            continue;
        }
        out.insert(normalize(word).into_owned());
    }
}

/// Whether a word after `before` starts a sentence or a line (or a list item: `- Tekst`).
/// A hyphen right before the word joins it to the one before (`Hans-Peter`): no start.
fn starts_sentence(before: &str) -> bool {
    let mut spaced = false;
    for c in before.chars().rev() {
        match c {
            '\n' | '\r' => return true,
            c if c.is_whitespace() => spaced = true,
            '.' | '!' | '?' | ':' | ';' | '"' | '«' | '»' | '(' => return true,
            '-' | '–' | '>' | '*' => return spaced,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let mut set = HashSet::new();
        add_proper_nouns(text, &mut set);
        let mut v: Vec<String> = set.into_iter().collect();
        v.sort();
        v
    }

    #[test]
    fn capitalised_words_inside_a_sentence_are_names() {
        assert_eq!(
            names("Hej Mette. Tak for brevet fra Anne Holm i går.\nJeg ringer til KLE."),
            ["anne", "holm", "mette"]
        );
    }

    #[test]
    fn both_parts_of_a_hyphenated_name_are_names() {
        assert_eq!(names("Tak til Hans-Peter for hjælpen."), ["hans", "peter"]);
        assert!(names("Punkter:\n- Ansøgning\n- Tegninger").is_empty());
    }

    #[test]
    fn sentence_and_line_starts_are_not() {
        assert!(
            names("Jeg søger om tilskud. Vi har brug for hjælp!\nMed venlig hilsen").is_empty()
        );
        assert!(names("").is_empty());
    }
}
