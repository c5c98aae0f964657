//! Redaction of a host's own text: identifiers masked before the text is shown, logged or
//! sent on.

use std::ffi::c_char;

use crate::decision::redact::{redact, Mask, RedactOptions};
use crate::decision::refs::RefKind;
use crate::ffi::input::{copy_out, text, Failure};
use crate::ffi::status::{boundary, signatur_status};

/// How `signatur_text_redact` masks identifiers.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_redaction {
    /// Personal kinds (CPR, phone, e-mail, IBAN, bank account) keep their shape with digits
    /// replaced by `X` (`070761-4285` becomes `XXXXXX-XXXX`); the text keeps its byte length,
    /// so offsets stay valid. Case numbers, KLE codes, CVR and P-numbers stay readable.
    PersonalShape = 0,
    /// Personal kinds are replaced by a label such as `[CPR]`; the others stay readable.
    PersonalLabel = 1,
    /// Every kind, case numbers and CVR numbers included, is replaced by a label: for text
    /// that leaves the municipality.
    AllLabel = 2,
}

/// Copies the UTF-8 text `(utf8, len)` into `buf` with the identifiers found in it masked as
/// `redaction` (a `SIGNATUR_REDACTION_*` value) says, NUL-terminated.
///
/// On `SIGNATUR_STATUS_OK`, `*out_len` is the redacted text's length without the NUL. With
/// `SIGNATUR_REDACTION_PERSONAL_SHAPE` it equals `len`, so a buffer of `len + 1` bytes
/// always suffices. When the buffer is too small, the status is
/// `SIGNATUR_STATUS_BUFFER_TOO_SMALL`, `buf` is untouched and `*out_len` is the length
/// needed without the NUL (`buf` may be NULL with `buf_len` 0 to ask for it).
///
/// Thread safety: may be called from any number of threads at once.
///
/// # Safety
///
/// `utf8` must be NULL (only with `len` 0) or point to `len` readable bytes; `buf` NULL or
/// valid for `buf_len` byte writes and not overlapping `utf8`; `out_len` writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_text_redact(
    utf8: *const u8,
    len: usize,
    redaction: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_text_redact", || {
        // SAFETY: the caller guarantees `utf8` points to `len` readable bytes or is NULL.
        let input = unsafe { text(utf8, len, "utf8") }?;
        let options = match redaction {
            r if r == signatur_redaction::PersonalShape as u32 => RedactOptions::default(),
            r if r == signatur_redaction::PersonalLabel as u32 => {
                let mut o = RedactOptions::default();
                for kind in RefKind::ALL.into_iter().filter(|k| k.is_personal()) {
                    o.set(kind, Mask::Label);
                }
                o
            }
            r if r == signatur_redaction::AllLabel as u32 => RedactOptions::all(Mask::Label),
            r => {
                return Err(Failure::new(
                    signatur_status::InvalidInput,
                    format!("redaction {r} is not a SIGNATUR_REDACTION_* value"),
                ))
            }
        };
        let redacted = redact(input, &options);
        // SAFETY: the caller guarantees `buf` is NULL or writable for `buf_len` bytes and
        // `out_len` writable; `copy_out` checks both for NULL.
        unsafe { copy_out(redacted.as_bytes(), buf, buf_len, out_len, "buf") }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_keeps_the_length_and_labels_need_a_bigger_buffer() {
        let input = "Ring 86 12 34 56 om sag 27.24.00-G01-5-19";
        let mut buf = vec![0 as c_char; input.len() + 1];
        let mut n = 0usize;
        // SAFETY: `input`, `buf` and `n` are live locals of the stated sizes.
        unsafe {
            let status = signatur_text_redact(
                input.as_ptr(),
                input.len(),
                0,
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
            );
            assert_eq!(status, signatur_status::Ok);
            assert_eq!(n, input.len());
            let out = std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n);
            assert_eq!(out, "Ring XX XX XX XX om sag 27.24.00-G01-5-19".as_bytes());
            let status = signatur_text_redact(
                input.as_ptr(),
                input.len(),
                2,
                std::ptr::null_mut(),
                0,
                &mut n,
            );
            assert_eq!(status, signatur_status::BufferTooSmall);
            assert_eq!(n, "Ring [TELEFON] om sag [SAGSNUMMER]".len());
            let status = signatur_text_redact(
                input.as_ptr(),
                input.len(),
                7,
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
            );
            assert_eq!(status, signatur_status::InvalidInput);
        }
    }
}
