//! Unicode normalisation and case folding.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Normalises `text` for matching: Unicode NFKC (so that `ﬁ`, full-width digits and
/// decomposed `å` compare equal to their plain forms) and lowercase.
///
/// Pure ASCII and already-normalised lowercase text is returned borrowed, which is the
/// common case and keeps featurisation cheap.
pub fn normalize(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(text.to_ascii_lowercase());
        }
        return Cow::Borrowed(text);
    }
    let nfkc: Cow<'_, str> = match is_nfkc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        _ => Cow::Owned(text.nfkc().collect()),
    };
    if nfkc.chars().any(char::is_uppercase) {
        Cow::Owned(lowercase(&nfkc))
    } else {
        nfkc
    }
}

/// `text.to_lowercase()`, with the runs of ASCII between non-ASCII characters lowercased a
/// run at a time: `str::to_lowercase` goes character by character after the first
/// non-ASCII one, and Danish text has one every few words (`æ`, `ø`, `å`), which made it
/// a few per cent of a decision on a Danish letter. A text with `Σ` is left to
/// `str::to_lowercase`, whose final-sigma rule looks at the letters around it.
fn lowercase(text: &str) -> String {
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(ascii);
        let start = out.len();
        out.push_str(run);
        // The bytes just pushed are ASCII, so lowercasing them in place keeps it UTF-8.
        out[start..].make_ascii_lowercase();
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_lowercase());
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_is_strs() {
        use crate::text::samples::{demo_messages, random_texts, shared_mail};
        let same = |t: &str| assert_eq!(lowercase(t), t.to_lowercase(), "{t:?}");
        for t in [
            "",
            "ÆRØ Å",
            "Σ",
            "ΟΔΟΣ ΟΔΟΣ.",
            "İstanbul",
            "ǅ",
            "Straße",
            "A\u{30a}B",
        ] {
            same(t);
        }
        // ASCII runs of every length between characters whose lowercase is longer (`İ`),
        // one of several characters (`ǅ` → `ǆ`), in another script, or a sigma.
        random_texts(
            "aB Z.\nÆøÅéİǅΩωΣς\u{30a}",
            100_000,
            40,
            0x9e37_79b9_7f4a_7c15,
            same,
        );
        demo_messages(same);
        shared_mail(same);
    }

    #[test]
    fn folds_case_and_compatibility_forms() {
        assert_eq!(normalize("ÆRØ Å"), "ærø å");
        // "a" + combining ring above composes to "å".
        assert_eq!(normalize("A\u{30a}rhus"), "århus");
        assert_eq!(normalize("ﬁl"), "fil");
        assert_eq!(normalize("ＡＢＣ１"), "abc1");
        assert!(matches!(normalize("plain text"), Cow::Borrowed(_)));
    }
}
