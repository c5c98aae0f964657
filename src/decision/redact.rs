//! Redaction: masking the identifiers [`find`] finds before text is shown or written.
//!
//! A CPR number is confidential (databeskyttelsesloven; the Data Protection Agency requires
//! encryption when one is e-mailed), and phone numbers, e-mail addresses and bank accounts
//! reach a person. Whatever libsignatur writes or shows (the CLI, explanations, examples in
//! an evaluation report) goes through [`redact`] or [`Reference::masked`] unless the caller
//! explicitly asks for the clear text.
//!
//! # What is masked by default
//!
//! [`RedactOptions::default`] masks the personal kinds ([`RefKind::is_personal`]: CPR,
//! phone, e-mail, IBAN, bank account) with [`Mask::Shape`] and keeps CVR and P-numbers, case
//! numbers and KLE codes, which are public or organisational and are what a clerk routes by.
//!
//! [`Mask::Shape`] replaces digits with `X` and keeps separators: `070761-4285` becomes
//! `XXXXXX-XXXX`, `+45 86 12 34 56` becomes `+45 XX XX XX XX` (the country code is not
//! personal), `jens.hansen@aarhus.dk` becomes `xxxxxxxxxxx@aarhus.dk` (the domain is an
//! organisation and matters for routing), `DK50 0040 0440 1162 43` becomes
//! `DKXX XXXX XXXX XXXX XX`. Nothing of the number survives, a reader still sees what kind
//! of identifier stood there, and the masked text has exactly the byte length of the
//! original, so spans found in the original still point at the same places in the masked
//! text. [`Mask::Label`] writes `[CPR]`, `[TELEFON]`, … instead.
//!
//! # Example
//!
//! ```
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use signatur::decision::redact::{redact, Mask, RedactOptions};
//! use signatur::decision::refs::RefKind;
//! let text = "Mit cpr-nr. er 070761-4285, sag 27.24.00-G01-5-19.";
//! assert_eq!(redact(text, &RedactOptions::default()), "Mit cpr-nr. er XXXXXX-XXXX, sag 27.24.00-G01-5-19.");
//! let labels = RedactOptions::default().with(RefKind::Cpr, Mask::Label);
//! assert_eq!(redact(text, &labels), "Mit cpr-nr. er [CPR], sag 27.24.00-G01-5-19.");
//! # Ok(()) }
//! # example().unwrap();
//! ```

use crate::decision::refs::{find, RefKind, Reference};
use crate::message::{Address, Message};

/// How one kind of identifier is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mask {
    /// Shown as written.
    Keep,
    /// Digits (and the letters of an e-mail's local part or an IBAN) replaced by `X`/`x`,
    /// separators kept; the masked text has the same byte length.
    Shape,
    /// Replaced by a label such as `[CPR]`.
    Label,
}

/// Which kinds are masked, and how.
///
/// The default masks every personal kind with [`Mask::Shape`]; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactOptions {
    masks: [Mask; RefKind::ALL.len()],
}

impl Default for RedactOptions {
    fn default() -> RedactOptions {
        let mut masks = [Mask::Keep; RefKind::ALL.len()];
        for kind in RefKind::ALL {
            if kind.is_personal() {
                if let Some(m) = masks.get_mut(kind.index()) {
                    *m = Mask::Shape;
                }
            }
        }
        RedactOptions { masks }
    }
}

impl RedactOptions {
    /// The same mask for every kind (`RedactOptions::all(Mask::Label)` hides case numbers
    /// and CVR numbers too, for text that leaves the municipality).
    pub fn all(mask: Mask) -> RedactOptions {
        RedactOptions {
            masks: [mask; RefKind::ALL.len()],
        }
    }

    /// These options with `kind` shown as `mask`.
    pub fn with(mut self, kind: RefKind, mask: Mask) -> RedactOptions {
        self.set(kind, mask);
        self
    }

    /// Shows `kind` as `mask`.
    pub fn set(&mut self, kind: RefKind, mask: Mask) {
        if let Some(m) = self.masks.get_mut(kind.index()) {
            *m = mask;
        }
    }

    /// How `kind` is shown.
    pub fn mask(&self, kind: RefKind) -> Mask {
        self.masks.get(kind.index()).copied().unwrap_or(Mask::Shape)
    }
}

/// The label [`Mask::Label`] writes for `kind`, in Danish as the clerks read it.
pub fn label(kind: RefKind) -> &'static str {
    match kind {
        RefKind::CaseNumber => "[SAGSNUMMER]",
        RefKind::KleCode => "[KLE]",
        RefKind::Cpr => "[CPR]",
        RefKind::Cvr => "[CVR]",
        RefKind::PNumber => "[P-NUMMER]",
        RefKind::Phone => "[TELEFON]",
        RefKind::Email => "[E-MAIL]",
        RefKind::Iban => "[IBAN]",
        RefKind::BankAccount => "[KONTONUMMER]",
    }
}

/// `s` with each character replaced by `x` once per byte, keeping the byte length.
fn cover(s: &str, out: &mut String) {
    for _ in 0..s.len() {
        out.push('x');
    }
}

/// The [`Mask::Shape`] form of `s`, an identifier of `kind` as written or normalised.
fn shape(kind: RefKind, s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    match kind {
        RefKind::Email => match s.split_once('@') {
            Some((local, domain)) => {
                cover(local, &mut out);
                out.push('@');
                out.push_str(domain);
            }
            None => cover(s, &mut out),
        },
        RefKind::Iban => {
            for (i, ch) in s.char_indices() {
                out.push(if i < 2 || !ch.is_ascii_alphanumeric() {
                    ch
                } else {
                    'X'
                });
            }
        }
        RefKind::Phone => {
            // The last eight digits are the number; a `+45`/`0045` before them is kept.
            let digits = s.bytes().filter(u8::is_ascii_digit).count();
            let mut seen = 0;
            for ch in s.chars() {
                if ch.is_ascii_digit() {
                    seen += 1;
                    out.push(if seen + 8 > digits { 'X' } else { ch });
                } else {
                    out.push(ch);
                }
            }
        }
        _ => {
            for ch in s.chars() {
                out.push(if ch.is_ascii_digit() { 'X' } else { ch });
            }
        }
    }
    out
}

impl Reference {
    /// The value as it may be shown by default: masked for personal kinds (a CPR number as
    /// `XXXXXX-XXXX`, a phone as `+45XXXXXXXX`, an e-mail as `xxxx@domain.dk`), as is for
    /// CVR, P-numbers, case numbers and KLE codes.
    pub fn masked(&self) -> String {
        self.masked_with(&RedactOptions::default())
    }

    /// The value shown as `options` says for its kind.
    pub fn masked_with(&self, options: &RedactOptions) -> String {
        match options.mask(self.kind) {
            Mask::Keep => self.value.clone(),
            Mask::Label => label(self.kind).to_string(),
            Mask::Shape if self.kind == RefKind::Cpr => "XXXXXX-XXXX".to_string(),
            Mask::Shape => shape(self.kind, &self.value),
        }
    }
}

/// `text` with every identifier found in it masked as `options` says.
pub fn redact(text: &str, options: &RedactOptions) -> String {
    redact_found(text, &find(text), options)
}

/// `text` with the given references (found in `text`, ordered and without overlaps, as
/// [`find`] returns them) masked as `options` says. For callers that already ran `find`.
///
/// References whose span does not fit `text` are skipped rather than trusted.
pub fn redact_found(text: &str, refs: &[Reference], options: &RedactOptions) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in refs {
        let (Some(before), Some(span)) = (text.get(pos..r.start), text.get(r.start..r.end)) else {
            continue;
        };
        out.push_str(before);
        match options.mask(r.kind) {
            Mask::Keep => out.push_str(span),
            Mask::Shape => out.push_str(&shape(r.kind, span)),
            Mask::Label => out.push_str(label(r.kind)),
        }
        pos = r.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}

/// Headers that identify messages for threading and are kept as they are.
const THREADING_HEADERS: [&str; 3] = ["message-id", "in-reply-to", "references"];

/// A copy of `msg` with identifiers masked in every text a person could read: subject, all
/// parts of the body, attachment texts, header values and addresses.
///
/// Message ids (and the `Message-ID`, `In-Reply-To` and `References` headers) are kept so
/// that threads still join. Display names are kept: libsignatur does not detect names.
pub fn redact_message(msg: &Message, options: &RedactOptions) -> Message {
    let mut out = msg.clone();
    let r = |s: &mut String| *s = redact(s, options);
    r(&mut out.subject);
    r(&mut out.body.text);
    r(&mut out.body.new_text);
    r(&mut out.body.quoted);
    r(&mut out.body.signature);
    for a in &mut out.attachments {
        if let Some(t) = a.text.as_mut() {
            r(t);
        }
    }
    for h in &mut out.headers {
        if !THREADING_HEADERS
            .iter()
            .any(|t| h.name.eq_ignore_ascii_case(t))
        {
            r(&mut h.value);
        }
    }
    let addresses = out.sender.iter_mut().chain(&mut out.to).chain(&mut out.cc);
    for Address { address, .. } in addresses {
        r(address);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_keep_byte_length() {
        for (kind, s, want) in [
            (RefKind::Cpr, "070761-4285", "XXXXXX-XXXX"),
            (RefKind::Phone, "+45 86 12 34 56", "+45 XX XX XX XX"),
            (RefKind::Phone, "0045 86123456", "0045 XXXXXXXX"),
            (RefKind::Email, "søren@kommune.dk", "xxxxxx@kommune.dk"),
            (
                RefKind::Iban,
                "DK50 0040 0440 1162 43",
                "DKXX XXXX XXXX XXXX XX",
            ),
            (
                RefKind::BankAccount,
                "reg.nr. 1234 kontonr. 12345678",
                "reg.nr. XXXX kontonr. XXXXXXXX",
            ),
        ] {
            let got = shape(kind, s);
            assert_eq!(got, want);
            assert_eq!(got.len(), s.len());
        }
    }

    #[test]
    fn options_per_kind() {
        let o = RedactOptions::default();
        assert_eq!(o.mask(RefKind::Cpr), Mask::Shape);
        assert_eq!(o.mask(RefKind::Cvr), Mask::Keep);
        let o = o.with(RefKind::Cvr, Mask::Label);
        assert_eq!(o.mask(RefKind::Cvr), Mask::Label);
        assert_eq!(
            RedactOptions::all(Mask::Keep).mask(RefKind::Cpr),
            Mask::Keep
        );
    }
}
