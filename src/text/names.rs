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
    // A proper noun's first two characters are an upper-case letter and a lower-case one.
    // UAX #29 breaks before and after an ASCII space, tab, CR or LF, except that combining
    // marks, format characters and a joiner after one stay with it (WB4, WB3c) and an
    // ideographic space before one joins it (WB3d). So a word that starts with such a pair
    // lies inside one run between those bytes and starts at the same place when the run is
    // segmented alone: the names are the same, though a word that starts with a mark or a
    // joiner after a space, which is never a name, may be segmented differently. Only the
    // runs that hold such a pair are segmented, found by a scan of the bytes
    // ([`may_start_a_name`]); most of a text is never segmented.
    let b = text.as_bytes();
    // Runs before this byte were read already.
    let mut read_to = 0;
    for block in (0..b.len()).step_by(8) {
        let mut starts = may_start_a_name(b, block);
        while starts != 0 {
            let at = block + starts.trailing_zeros() as usize / 8;
            starts &= starts - 1;
            if at < read_to {
                continue;
            }
            let run_start = b[..at]
                .iter()
                .rposition(|&c| is_run_end(c))
                .map_or(0, |i| i + 1);
            let run_end = b[at..]
                .iter()
                .position(|&c| is_run_end(c))
                .map_or(b.len(), |i| at + i);
            read_to = run_end;
            let run = &text[run_start..run_end];
            if has_upper_then_lower(run) {
                for (start, word) in word_indices(run) {
                    if is_proper_noun(word, &text[..run_start + start]) {
                        insert_word(word, out);
                    }
                }
            }
        }
    }
}

/// The bytes that end a run of [`add_proper_nouns`]: UAX #29 breaks on both sides of them.
fn is_run_end(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// The high bit of each byte of a `u64`.
const HIGH: u64 = 0x8080_8080_8080_8080;
/// One in each byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Eight bytes of `b` from `at` as a little-endian `u64` (zeros past the end).
fn eight(b: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    let tail = b.get(at..).unwrap_or(&[]);
    let n = tail.len().min(8);
    bytes[..n].copy_from_slice(&tail[..n]);
    u64::from_le_bytes(bytes)
}

/// Per byte of `v`, the high bit set when the byte is ASCII and in `lo..=hi` (both
/// ASCII letters): adding to the low seven bits cannot carry into the next byte.
fn ascii_in(v: u64, lo: u8, hi: u8) -> u64 {
    let low = v & !HIGH;
    let at_least_lo = low + ONES * u64::from(0x80 - lo);
    let above_hi = low + ONES * u64::from(0x80 - hi - 1);
    at_least_lo & !above_hi & !v & HIGH
}

/// Of the eight bytes of `b` from `at`, as the high bit of each byte: where the run around
/// the byte may hold a proper noun. That is an ASCII upper-case letter before an ASCII
/// lower-case letter, and the first byte of every non-ASCII character: the run of a name
/// whose first or second letter is not ASCII (`Ærø`, `Hélène`) has one, and
/// [`has_upper_then_lower`] then checks the run's characters. Eight bytes in a few
/// arithmetic operations, without a branch per byte.
fn may_start_a_name(b: &[u8], at: usize) -> u64 {
    let v = eight(b, at);
    // The byte after each: the next eight bytes shifted down by one byte.
    let next = (v >> 8) | (u64::from(b.get(at + 8).copied().unwrap_or(0)) << 56);
    let upper_then_lower = ascii_in(v, b'A', b'Z') & ascii_in(next, b'a', b'z');
    // A non-ASCII character's first byte is `0b11xx_xxxx`.
    let lead = v & (v << 1) & HIGH;
    upper_then_lower | lead
}

/// Whether `run` has an upper-case character followed by a lower-case one.
fn has_upper_then_lower(run: &str) -> bool {
    let b = run.as_bytes();
    if run.is_ascii() {
        return b
            .windows(2)
            .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_lowercase());
    }
    let mut chars = run.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_uppercase() && chars.peek().is_some_and(|n| n.is_lowercase()) {
            return true;
        }
    }
    false
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

/// Adds a name found as one word to `out`, normalised, and also each of its parts when it
/// has any: word segmentation keeps `Hansen.pdf`, `Hansen's` and `Mette\u{AD}Hansen` as
/// one word, and the name must be hidden wherever it stands alone too.
fn insert_word<S: BuildHasher>(word: &str, out: &mut HashSet<String, S>) {
    if word.contains(|c: char| !c.is_alphanumeric()) {
        add_all_words(word, out);
    }
    out.insert(normalize(word).into_owned());
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
                insert_word(word, out);
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
            insert_word(word, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::samples::{demo_messages, random_texts, shared_mail};

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
        // Letters of both cases, blanks, line ends and punctuation; a combining mark, a
        // soft hyphen, a zero-width joiner and an alphabetic vowel sign, which UAX #29
        // attaches to the character before them (a space or a tab too); an ideographic
        // space, which joins a space after it; circled letters, upper- and lower-case and
        // pictographic (a joiner keeps one with what comes before); a digit and an
        // underscore, which join words; the ends of the ASCII letter ranges.
        random_texts(
            "aAbMeZzÆæøØåÅé \t\n\r.:-('\u{a0}Ωω\u{301}\u{ad}\u{200d}\u{93e}\u{3000}Ⓜⓔ1_",
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

    #[test]
    fn every_shared_corpus_file_gives_the_same_names() {
        shared_mail(both_ways);
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
