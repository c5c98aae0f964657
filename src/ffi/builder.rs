//! The message builder: a message from fields a host already parsed (MimeKit, JavaMail, an
//! ESDH's own store), without serialising them back to MIME.

use crate::ffi::input::{bytes, object, object_mut, text, Failure, Out};
use crate::ffi::message::{hand_out, signatur_message};
use crate::ffi::status::{boundary, free_boxed, signatur_status};
use crate::ingest::MessageBuilder;
use crate::message::Channel;

/// Collects the fields of a message; `signatur_message_builder_build` makes the message.
///
/// Thread safety: must not be used by two threads at once (setters modify it). Free it
/// with `signatur_message_builder_free`.
pub struct signatur_message_builder {
    builder: MessageBuilder,
}

impl signatur_message_builder {
    /// Applies `f` to the builder in place.
    fn update(&mut self, f: impl FnOnce(MessageBuilder) -> MessageBuilder) {
        let b = std::mem::take(&mut self.builder);
        self.builder = f(b);
    }
}

/// How a message reached the municipality, for `signatur_message_builder_set_channel`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_channel {
    /// Ordinary e-mail (the default).
    Email = 0,
    /// Digital Post.
    DigitalPost = 1,
    /// A scanned paper letter.
    ScannedLetter = 2,
    /// Anything else (a web form, a chat).
    Other = 3,
}

/// Creates an empty builder (channel e-mail, default size limits).
///
/// On `SIGNATUR_STATUS_OK`, `*out_builder` is a new builder, to be freed with
/// `signatur_message_builder_free`.
///
/// # Safety
///
/// `out_builder` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_new(
    out_builder: *mut *mut signatur_message_builder,
) -> signatur_status {
    boundary("signatur_message_builder_new", || {
        let out = Out::new(out_builder, "out_builder")?;
        let b = Box::new(signatur_message_builder {
            builder: MessageBuilder::new(),
        });
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { out.write(Box::into_raw(b)) };
        Ok(())
    })
}

/// Runs `f` on the builder behind `builder` with the text `(ptr, len)`.
///
/// # Safety
///
/// `builder` must be NULL or a live builder not used by another thread; `ptr` NULL (with
/// `len` 0) or `len` readable bytes.
unsafe fn set_text(
    function: &'static str,
    builder: *mut signatur_message_builder,
    ptr: *const u8,
    len: usize,
    what: &'static str,
    f: impl FnOnce(MessageBuilder, &str) -> MessageBuilder,
) -> signatur_status {
    boundary(function, || {
        // SAFETY: the caller guarantees a live builder used by this thread only.
        let b = unsafe { object_mut(builder, "builder") }?;
        // SAFETY: the caller guarantees `ptr` points to `len` readable bytes or is NULL.
        let value = unsafe { text(ptr, len, what) }?;
        b.update(|m| f(m, value));
        Ok(())
    })
}

/// Sets the subject (UTF-8, already decoded), replacing an earlier one.
///
/// # Safety
///
/// `builder` must be a live builder not used by another thread; `utf8` NULL (only with
/// `len` 0) or `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_set_subject(
    builder: *mut signatur_message_builder,
    utf8: *const u8,
    len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        set_text(
            "signatur_message_builder_set_subject",
            builder,
            utf8,
            len,
            "utf8",
            |m, s| m.subject(s),
        )
    }
}

/// Sets the plain-text body (UTF-8). Preferred over an HTML body when both are set, as in
/// MIME.
///
/// # Safety
///
/// As for `signatur_message_builder_set_subject`.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_set_text_body(
    builder: *mut signatur_message_builder,
    utf8: *const u8,
    len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        set_text(
            "signatur_message_builder_set_text_body",
            builder,
            utf8,
            len,
            "utf8",
            |m, s| m.text_body(s),
        )
    }
}

/// Sets the HTML body (UTF-8); converted to readable text when no plain-text body is set.
///
/// # Safety
///
/// As for `signatur_message_builder_set_subject`.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_set_html_body(
    builder: *mut signatur_message_builder,
    utf8: *const u8,
    len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        set_text(
            "signatur_message_builder_set_html_body",
            builder,
            utf8,
            len,
            "utf8",
            |m, s| m.html_body(s),
        )
    }
}

/// Sets the date: RFC 3339 (`2024-05-03T10:12:00+02:00`, .NET's `"o"` format) or RFC 5322
/// (`Fri, 3 May 2024 10:12:00 +0200`). Another form makes `signatur_message_builder_build`
/// fail with `SIGNATUR_STATUS_INVALID_INPUT`.
///
/// # Safety
///
/// As for `signatur_message_builder_set_subject`.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_set_date(
    builder: *mut signatur_message_builder,
    utf8: *const u8,
    len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        set_text(
            "signatur_message_builder_set_date",
            builder,
            utf8,
            len,
            "utf8",
            |m, s| m.date(s),
        )
    }
}

/// Sets the Message-ID, with or without angle brackets.
///
/// # Safety
///
/// As for `signatur_message_builder_set_subject`.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_set_message_id(
    builder: *mut signatur_message_builder,
    utf8: *const u8,
    len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        set_text(
            "signatur_message_builder_set_message_id",
            builder,
            utf8,
            len,
            "utf8",
            |m, s| m.message_id(s),
        )
    }
}

/// Which list of addresses an address call adds to.
#[derive(Clone, Copy)]
enum Role {
    Sender,
    To,
    Cc,
}

/// Sets the sender or adds a recipient: `(address, name)` in UTF-8; an empty name (NULL
/// with length 0) means none.
///
/// # Safety
///
/// `builder` a live builder not used by another thread; the texts NULL (with length 0) or
/// readable for their lengths.
unsafe fn address(
    function: &'static str,
    builder: *mut signatur_message_builder,
    role: Role,
    address: (*const u8, usize),
    name: (*const u8, usize),
) -> signatur_status {
    boundary(function, || {
        // SAFETY: the caller guarantees a live builder used by this thread only.
        let b = unsafe { object_mut(builder, "builder") }?;
        // SAFETY: the caller guarantees both texts are readable for their lengths or NULL.
        let (address, name) = unsafe {
            (
                text(address.0, address.1, "address")?,
                text(name.0, name.1, "name")?,
            )
        };
        let name = (!name.is_empty()).then_some(name);
        b.update(|m| match role {
            Role::Sender => m.sender(address, name),
            Role::To => m.to(address, name),
            Role::Cc => m.cc(address, name),
        });
        Ok(())
    })
}

/// Sets the sender's address and display name (`name` may be NULL with `name_len` 0).
///
/// # Safety
///
/// `builder` must be a live builder not used by another thread; `address` and `name` NULL
/// (only with length 0) or readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_set_sender(
    builder: *mut signatur_message_builder,
    address: *const u8,
    address_len: usize,
    name: *const u8,
    name_len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        self::address(
            "signatur_message_builder_set_sender",
            builder,
            Role::Sender,
            (address, address_len),
            (name, name_len),
        )
    }
}

/// Adds a `To` recipient: which shared mailbox a message was sent to matters for routing.
///
/// # Safety
///
/// As for `signatur_message_builder_set_sender`.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_add_to(
    builder: *mut signatur_message_builder,
    address: *const u8,
    address_len: usize,
    name: *const u8,
    name_len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        self::address(
            "signatur_message_builder_add_to",
            builder,
            Role::To,
            (address, address_len),
            (name, name_len),
        )
    }
}

/// Adds a `Cc` recipient.
///
/// # Safety
///
/// As for `signatur_message_builder_set_sender`.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_add_cc(
    builder: *mut signatur_message_builder,
    address: *const u8,
    address_len: usize,
    name: *const u8,
    name_len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        self::address(
            "signatur_message_builder_add_cc",
            builder,
            Role::Cc,
            (address, address_len),
            (name, name_len),
        )
    }
}

/// Adds a raw header (`X-Priority`, `List-Id`) for rules that look at headers.
///
/// # Safety
///
/// `builder` must be a live builder not used by another thread; `name` and `value` NULL
/// (only with length 0) or readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_add_header(
    builder: *mut signatur_message_builder,
    name: *const u8,
    name_len: usize,
    value: *const u8,
    value_len: usize,
) -> signatur_status {
    boundary("signatur_message_builder_add_header", || {
        // SAFETY: the caller guarantees a live builder used by this thread only.
        let b = unsafe { object_mut(builder, "builder") }?;
        // SAFETY: the caller guarantees both texts are readable for their lengths or NULL.
        let (name, value) = unsafe {
            (
                text(name, name_len, "name")?,
                text(value, value_len, "value")?,
            )
        };
        b.update(|m| m.header(name, value));
        Ok(())
    })
}

/// Adds an attachment by its bytes. `media_type` may carry a charset
/// (`text/plain; charset=iso-8859-1`), used to read text-like content; `name` (the file
/// name) may be NULL with `name_len` 0. The bytes are copied.
///
/// # Safety
///
/// `builder` must be a live builder not used by another thread; every pointer NULL (only
/// with length 0) or readable for its length.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_add_attachment(
    builder: *mut signatur_message_builder,
    name: *const u8,
    name_len: usize,
    media_type: *const u8,
    media_type_len: usize,
    data: *const u8,
    data_len: usize,
) -> signatur_status {
    boundary("signatur_message_builder_add_attachment", || {
        // SAFETY: the caller guarantees a live builder used by this thread only.
        let b = unsafe { object_mut(builder, "builder") }?;
        // SAFETY: the caller guarantees every pointer is readable for its length or NULL.
        let (name, media_type, data) = unsafe {
            (
                text(name, name_len, "name")?,
                text(media_type, media_type_len, "media_type")?,
                bytes(data, data_len, "data")?,
            )
        };
        let name = (!name.is_empty()).then_some(name);
        b.update(|m| m.attachment_bytes(name, media_type, data));
        Ok(())
    })
}

/// Adds an attachment whose text the host extracted already (a PDF it read itself).
///
/// # Safety
///
/// As for `signatur_message_builder_add_attachment`, with `utf8` the text.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_add_attachment_text(
    builder: *mut signatur_message_builder,
    name: *const u8,
    name_len: usize,
    media_type: *const u8,
    media_type_len: usize,
    utf8: *const u8,
    utf8_len: usize,
) -> signatur_status {
    boundary("signatur_message_builder_add_attachment_text", || {
        // SAFETY: the caller guarantees a live builder used by this thread only.
        let b = unsafe { object_mut(builder, "builder") }?;
        // SAFETY: the caller guarantees every pointer is readable for its length or NULL.
        let (name, media_type, body) = unsafe {
            (
                text(name, name_len, "name")?,
                text(media_type, media_type_len, "media_type")?,
                text(utf8, utf8_len, "utf8")?,
            )
        };
        let name = (!name.is_empty()).then_some(name);
        b.update(|m| m.attachment_text(name, media_type, body));
        Ok(())
    })
}

/// Sets how the message arrived: one of the `SIGNATUR_CHANNEL_*` values. Another value
/// fails with `SIGNATUR_STATUS_INVALID_INPUT`.
///
/// # Safety
///
/// `builder` must be a live builder not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_set_channel(
    builder: *mut signatur_message_builder,
    channel: u32,
) -> signatur_status {
    boundary("signatur_message_builder_set_channel", || {
        // SAFETY: the caller guarantees a live builder used by this thread only.
        let b = unsafe { object_mut(builder, "builder") }?;
        let channel = match channel {
            c if c == signatur_channel::Email as u32 => Channel::Email,
            c if c == signatur_channel::DigitalPost as u32 => Channel::DigitalPost,
            c if c == signatur_channel::ScannedLetter as u32 => Channel::ScannedLetter,
            c if c == signatur_channel::Other as u32 => Channel::Other,
            c => {
                return Err(Failure::new(
                    signatur_status::InvalidInput,
                    format!("channel {c} is not a SIGNATUR_CHANNEL_* value"),
                ))
            }
        };
        b.update(|m| m.channel(channel));
        Ok(())
    })
}

/// Builds a message from the fields set so far: HTML converted to text, the body split
/// into new text, quoted history and signature, text extracted from text-like attachments,
/// size limits applied. The builder is not changed and may build again.
///
/// On `SIGNATUR_STATUS_OK`, `*out_message` is a new message, to be freed with
/// `signatur_message_free`; on failure (`SIGNATUR_STATUS_INVALID_INPUT` for a date in
/// neither accepted form) nothing is written.
///
/// # Safety
///
/// `builder` must be a live builder not modified by another thread during the call;
/// `out_message` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_build(
    builder: *const signatur_message_builder,
    out_message: *mut *mut signatur_message,
) -> signatur_status {
    boundary("signatur_message_builder_build", || {
        let out = Out::new(out_message, "out_message")?;
        // SAFETY: the caller guarantees a live builder that nobody modifies during the call.
        let b = unsafe { object(builder, "builder") }?;
        let message = b.builder.clone().build()?;
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { hand_out(message, out) };
        Ok(())
    })
}

/// Frees a builder. NULL is a no-op; must not be called twice for the same builder.
///
/// # Safety
///
/// `builder` must be NULL or a builder from `signatur_message_builder_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn signatur_message_builder_free(builder: *mut signatur_message_builder) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_boxed("signatur_message_builder_free", builder) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::message::signatur_message_free;

    #[test]
    fn builds_from_fields_and_rejects_a_bad_channel_and_date() {
        let mut b: *mut signatur_message_builder = std::ptr::null_mut();
        // SAFETY: every pointer below is a live local or a handle made here, freed once.
        unsafe {
            assert_eq!(signatur_message_builder_new(&mut b), signatur_status::Ok);
            let s = "Ansøgning";
            assert_eq!(
                signatur_message_builder_set_subject(b, s.as_ptr(), s.len()),
                signatur_status::Ok
            );
            let a = "anne@example.dk";
            let status =
                signatur_message_builder_set_sender(b, a.as_ptr(), a.len(), std::ptr::null(), 0);
            assert_eq!(status, signatur_status::Ok);
            assert_eq!(
                signatur_message_builder_set_channel(b, 99),
                signatur_status::InvalidInput
            );
            let mut m: *mut signatur_message = std::ptr::null_mut();
            assert_eq!(
                signatur_message_builder_build(b, &mut m),
                signatur_status::Ok
            );
            let msg = &(*m).message;
            assert_eq!(msg.subject, "Ansøgning");
            assert_eq!(msg.sender.as_ref().map(|s| s.name.is_none()), Some(true));
            signatur_message_free(m);
            let d = "yesterday";
            assert_eq!(
                signatur_message_builder_set_date(b, d.as_ptr(), d.len()),
                signatur_status::Ok
            );
            let mut m2: *mut signatur_message = std::ptr::null_mut();
            assert_eq!(
                signatur_message_builder_build(b, &mut m2),
                signatur_status::InvalidInput
            );
            assert!(m2.is_null());
            signatur_message_builder_free(b);
        }
    }
}
