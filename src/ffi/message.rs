//! Messages: from raw RFC 5322 bytes, from plain text, from MeMo XML. Messages from fields
//! are built with the builder in [`crate::ffi::builder`].

use crate::ffi::input::{bytes, text, Out};
use crate::ffi::status::{boundary, free_boxed, signatur_status};
use crate::message::Message;

/// A parsed message, ready to classify.
///
/// Thread safety: immutable once created; may be used from any number of threads at once
/// (classified by several threads at the same time). Free it with `signatur_message_free`
/// once, after the last call that uses it has returned. Decisions made from it keep what
/// they need, so it may be freed before them.
pub struct signatur_message {
    /// The message.
    pub(crate) message: Message,
}

impl signatur_message {
    /// A handle for C owning `message`.
    pub(crate) fn into_raw(message: Message) -> *mut signatur_message {
        Box::into_raw(Box::new(signatur_message { message }))
    }
}

/// Writes a new message handle for `message` to `out`.
///
/// # Safety
///
/// `out` must be valid for a write.
pub(crate) unsafe fn hand_out(message: Message, out: Out<*mut signatur_message>) {
    // SAFETY: forwarded from this function's contract.
    unsafe { out.write(signatur_message::into_raw(message)) }
}

/// Parses a raw RFC 5322 / MIME message (what a `.eml` file holds) of `len` bytes.
///
/// The bytes are not required to be UTF-8: charsets and transfer encodings are decoded as
/// a mail client would. Size limits apply (25 MiB per message by default); what was cut is
/// remembered and the message is still usable.
///
/// On `SIGNATUR_STATUS_OK`, `*out_message` is a new message, to be freed with
/// `signatur_message_free`; on failure nothing is written. Fails with
/// `SIGNATUR_STATUS_PARSE` when the input has neither a header field nor a body.
///
/// # Safety
///
/// `raw` must be NULL (only with `len` 0) or point to `len` readable bytes;
/// `out_message` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_from_bytes(
    raw: *const u8,
    len: usize,
    out_message: *mut *mut signatur_message,
) -> signatur_status {
    boundary("signatur_message_from_bytes", || {
        let out = Out::new(out_message, "out_message")?;
        // SAFETY: the caller guarantees `raw` points to `len` readable bytes or is NULL.
        let raw = unsafe { bytes(raw, len, "raw") }?;
        let message = Message::from_bytes(raw)?;
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { hand_out(message, out) };
        Ok(())
    })
}

/// A message from plain UTF-8 text (a web form, a chat, the text of a scanned letter): the
/// text is the body, split into new text, quoted history and signature like a mail body.
/// NULL with `len` 0 is the empty text.
///
/// On `SIGNATUR_STATUS_OK`, `*out_message` is a new message, to be freed with
/// `signatur_message_free`; on failure nothing is written. Fails with
/// `SIGNATUR_STATUS_INVALID_UTF8` when the text is not UTF-8.
///
/// # Safety
///
/// `utf8` must be NULL (only with `len` 0) or point to `len` readable bytes;
/// `out_message` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_from_text(
    utf8: *const u8,
    len: usize,
    out_message: *mut *mut signatur_message,
) -> signatur_status {
    boundary("signatur_message_from_text", || {
        let out = Out::new(out_message, "out_message")?;
        // SAFETY: the caller guarantees `utf8` points to `len` readable bytes or is NULL.
        let text = unsafe { text(utf8, len, "utf8") }?;
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { hand_out(Message::from_text(text), out) };
        Ok(())
    })
}

/// Parses a Digital Post message: MeMo 1.1 or 1.2 XML of `len` bytes (any encoding the XML
/// declares). No DTDs or external entities are processed.
///
/// On `SIGNATUR_STATUS_OK`, `*out_message` is a new message, to be freed with
/// `signatur_message_free`; on failure nothing is written (`SIGNATUR_STATUS_PARSE` for XML
/// that is not a MeMo message).
///
/// # Safety
///
/// `xml` must be NULL (only with `len` 0) or point to `len` readable bytes; `out_message`
/// must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_from_memo(
    xml: *const u8,
    len: usize,
    out_message: *mut *mut signatur_message,
) -> signatur_status {
    boundary("signatur_message_from_memo", || {
        let out = Out::new(out_message, "out_message")?;
        // SAFETY: the caller guarantees `xml` points to `len` readable bytes or is NULL.
        let xml = unsafe { bytes(xml, len, "xml") }?;
        let message = Message::from_memo(xml)?;
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { hand_out(message, out) };
        Ok(())
    })
}

/// Frees a message. NULL is a no-op. Must not be called twice for the same message, nor
/// while another thread still uses it; decisions made from it stay valid.
///
/// # Safety
///
/// `message` must be NULL or a message from this library that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_free(message: *mut signatur_message) {
    // SAFETY: forwarded from this function's contract (`into_raw` boxes the handle).
    unsafe { free_boxed("signatur_message_free", message) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_may_be_shared_between_threads() {
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<signatur_message>();
    }

    #[test]
    fn null_out_pointer_is_a_status_and_leaks_nothing() {
        let text = "Hej";
        // SAFETY: `text` is live for the call; the NULL output is checked, never written.
        let status =
            unsafe { signatur_message_from_text(text.as_ptr(), text.len(), std::ptr::null_mut()) };
        assert_eq!(status, signatur_status::NullArgument);
    }

    #[test]
    fn empty_raw_input_is_a_parse_error_and_null_text_is_empty() {
        let mut out: *mut signatur_message = std::ptr::null_mut();
        // SAFETY: NULL with length 0 is allowed; `out` is a live pointer slot.
        let status = unsafe { signatur_message_from_bytes(std::ptr::null(), 0, &mut out) };
        assert_eq!(status, signatur_status::Parse);
        assert!(out.is_null(), "nothing is written on failure");
        // SAFETY: as above.
        let status = unsafe { signatur_message_from_text(std::ptr::null(), 0, &mut out) };
        assert_eq!(status, signatur_status::Ok);
        assert!(!out.is_null());
        // SAFETY: `out` is a live handle made above, freed once.
        unsafe { signatur_message_free(out) };
    }
}
