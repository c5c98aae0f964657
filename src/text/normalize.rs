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
        Cow::Owned(nfkc.to_lowercase())
    } else {
        nfkc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
