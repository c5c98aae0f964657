//! Words that look like names, so that explanations do not show them.
//!
//! Danish writes common nouns in lower case: a capitalised word that does not start a
//! sentence or a line is almost always a proper noun (a person, a street, a firm). An
//! explanation shows the message's own words, and a name there is personal data written
//! where nobody asked for it, so such words are masked. This is a heuristic for display
//! only; features never depend on it.

use std::collections::HashSet;
use std::hash::BuildHasher;

use crate::text::{normalize, word_indices};

/// Adds to `out` the normalised form of every word of `text` that is capitalised (an
/// upper-case letter followed by a lower-case one: `Mette`, not `KLE`) and does not start a
/// sentence or a line.
pub fn add_proper_nouns<S: BuildHasher>(text: &str, out: &mut HashSet<String, S>) {
    // Line by line: UAX #29 breaks at every line feed, so a line's words are the same in
    // the line as in the text, and a line without a possible name is not segmented.
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if may_hold_a_name(line) {
            for (start, word) in word_indices(line) {
                if is_proper_noun(word, &text[..at + start]) {
                    out.insert(normalize(word).into_owned());
                }
            }
        }
        at += line.len();
    }
}

/// Whether `word`, after the text `before`, is capitalised (an upper-case letter followed by
/// a lower-case one) and does not start a sentence.
fn is_proper_noun(word: &str, before: &str) -> bool {
    let mut chars = word.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return false;
    };
    first.is_uppercase() && second.is_lowercase() && !starts_sentence(before)
}

/// Whether `line` has an upper-case character followed by a lower-case one anywhere but
/// at its first character after spaces and tabs: the first two characters of every word
/// that [`add_proper_nouns`] takes are such a pair, and a word at that first position
/// starts a sentence. A scan of bytes for ASCII lines (most of 20 Newsgroups' are left out
/// by it), of characters for others.
fn may_hold_a_name(line: &str) -> bool {
    let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
    let b = line.as_bytes();
    if line.is_ascii() {
        return b
            .windows(2)
            .enumerate()
            .any(|(i, w)| i != lead && w[0].is_ascii_uppercase() && w[1].is_ascii_lowercase());
    }
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(&(_, next)) = chars.peek() {
            if i != lead && c.is_uppercase() && next.is_lowercase() {
                return true;
            }
        }
    }
    false
}

/// Adds to `out` every word of `text` (normalised): for text that is a name as a whole,
/// such as a display name or the local part of an address (`anne.holm`, split at its dots,
/// hyphens and underscores).
pub fn add_all_words<S: BuildHasher>(text: &str, out: &mut HashSet<String, S>) {
    for part in text.split(|c: char| !c.is_alphanumeric()) {
        if part.chars().count() >= 2 && part.chars().any(char::is_alphabetic) {
            out.insert(normalize(part).into_owned());
        }
    }
}

/// Adds to `out` every capitalised or upper-case word of `text`, at a line start or not:
/// for a signature, whose lines start with the sender's name.
pub fn add_capitalised_words<S: BuildHasher>(text: &str, out: &mut HashSet<String, S>) {
    for (_, word) in word_indices(text) {
        let mut chars = word.chars();
        if let (Some(first), Some(_)) = (chars.next(), chars.next()) {
            if first.is_uppercase() {
                out.insert(normalize(word).into_owned());
            }
        }
    }
}

/// Words before a colon that introduce a person (`Fra: Anne Holm`, `Sagsbehandler: …`).
const PERSON_LABELS: &[&str] = &[
    "afsender",
    "att",
    "attention",
    "bcc",
    "cc",
    "fra",
    "from",
    "kontakt",
    "kontaktperson",
    "modtager",
    "name",
    "navn",
    "sagsbehandler",
    "til",
    "to",
];

/// Abbreviations before a name (`Hr. Jensen`, `Att. Anne`).
const TITLES: &[&str] = &["att", "dr", "fr", "fru", "frk", "hr", "mr", "mrs", "ms"];

/// Whether a word after `before` starts a sentence, a line or a list item (`- Tekst` at a
/// line start). A hyphen right before the word joins it to the one before (`Hans-Peter`);
/// a colon after a word such as `Fra` or `Sagsbehandler`, and a full stop after a title
/// such as `Hr`, introduce a name.
fn starts_sentence(before: &str) -> bool {
    let trimmed = before.trim_end_matches([' ', '\t']);
    if trimmed.len() < before.len() && trimmed.is_empty() {
        return true;
    }
    let Some(last) = trimmed.chars().next_back() else {
        return true;
    };
    let rest = &trimmed[..trimmed.len() - last.len_utf8()];
    let word_before = || {
        let start = rest
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_alphabetic())
            .map_or(0, |(i, c)| i + c.len_utf8());
        rest[start..].to_lowercase()
    };
    match last {
        '\n' | '\r' => true,
        '!' | '?' | ';' | '"' | '«' | '»' | '(' => true,
        ':' => !PERSON_LABELS.contains(&word_before().as_str()),
        '.' => !TITLES.contains(&word_before().as_str()),
        // A list marker only at the start of a line.
        '-' | '–' | '*' | '>' if trimmed.len() < before.len() => {
            let line = rest.trim_end_matches([' ', '\t']);
            line.is_empty() || line.ends_with(['\n', '\r', '>'])
        }
        _ => false,
    }
}

/// [`add_proper_nouns`] as it was before it left lines out: every word of the text.
#[cfg(test)]
pub(crate) fn add_proper_nouns_every_word<S: BuildHasher>(
    text: &str,
    out: &mut HashSet<String, S>,
) {
    for (start, word) in word_indices(text) {
        if is_proper_noun(word, &text[..start]) {
            out.insert(normalize(word).into_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::samples::{demo_messages, random_texts};

    fn both_ways(text: &str) {
        let (mut fast, mut every) = (HashSet::new(), HashSet::new());
        add_proper_nouns(text, &mut fast);
        add_proper_nouns_every_word(text, &mut every);
        assert_eq!(fast, every, "{text:?}");
    }

    #[test]
    fn lines_left_out_hold_no_name() {
        for text in [
            "Hej Mette.\n  Anne skrev:\n\tOle\n'Mette\n(Anne) - Ole\n* Bo\nx Åse\n Æble og Øre\r\n",
            "\u{a0}Mette\nÅse ØRE Ærø\nHans-Peter\n",
            "",
            "Mette",
            "  Mette Hansen",
        ] {
            both_ways(text);
        }
        // Letters of both cases, blanks, line ends and punctuation.
        random_texts(
            "aAbMeÆæøØåÅé \t\n\r.:-('\u{a0}Ωω",
            100_000,
            30,
            0x2545_f491_4f6c_dd1d,
            both_ways,
        );
    }

    #[test]
    fn every_demo_message_gives_the_same_names() {
        demo_messages(both_ways);
    }

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
    fn titles_person_labels_and_dashes_inside_a_line_do_not_start_a_sentence() {
        assert_eq!(
            names("Kære Hr. Jensen\nFra: Anne Holm\nEmne: Ansøgning\nring - Mette svarer"),
            ["anne", "holm", "hr", "jensen", "mette"]
        );
        let mut set = HashSet::new();
        add_all_words("anne-holm_2", &mut set);
        add_capitalised_words("Mette Jensen\nsagsbehandler\nMORTEN", &mut set);
        let mut v: Vec<_> = set.into_iter().collect();
        v.sort();
        assert_eq!(v, ["anne", "holm", "jensen", "mette", "morten"]);
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
