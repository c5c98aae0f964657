//! Checked conversions between C arguments and Rust values: pointers and lengths to slices
//! and strings, output pointers, borrowed texts and caller buffers.
//!
//! Every pointer is checked for NULL before anything is built from it
//! (`slice::from_raw_parts` with NULL is undefined behaviour even for length 0), and every
//! output pointer is checked before any work is done, so that a call either fails without
//! effect or writes all its outputs.

use std::ffi::c_char;
use std::ptr::NonNull;

use crate::ffi::status::signatur_status;
use crate::Error;

/// Why a call failed: its status and a message for `signatur_last_error`.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The status the call returns.
    pub(crate) status: signatur_status,
    /// The detailed message (without the function name, which the boundary adds).
    pub(crate) message: String,
}

impl Failure {
    /// A failure with `status` and `message`.
    pub(crate) fn new(status: signatur_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }

    /// A NULL argument named `what`.
    pub(crate) fn null(what: &str) -> Failure {
        Failure::new(signatur_status::NullArgument, format!("`{what}` is NULL"))
    }

    /// `index` of `what` is not below `count`.
    pub(crate) fn out_of_range(what: &str, index: usize, count: usize) -> Failure {
        Failure::new(
            signatur_status::OutOfRange,
            format!("{what} index {index} is out of range (there are {count})"),
        )
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::new(signatur_status::from(e.kind()), e.to_string())
    }
}

/// The `len` bytes at `ptr`; NULL with length 0 is the empty slice.
///
/// # Safety
///
/// When `ptr` is not NULL it must point to `len` readable bytes that stay unchanged for
/// the lifetime `'a` the caller picks (the duration of the C call).
pub(crate) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(what))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::new(
            signatur_status::InvalidInput,
            format!("`{what}` length {len} is larger than any object"),
        ));
    }
    // SAFETY: `ptr` is not NULL, `u8` has no alignment requirement, `len` fits an isize,
    // and the caller guarantees `len` readable bytes that outlive 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The UTF-8 text of `len` bytes at `ptr`; NULL with length 0 is the empty string.
///
/// # Safety
///
/// As for [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, Failure> {
    // SAFETY: forwarded from this function's own contract.
    let raw = unsafe { bytes(ptr, len, what) }?;
    std::str::from_utf8(raw).map_err(|e| {
        Failure::new(
            signatur_status::InvalidUtf8,
            format!(
                "`{what}` is not valid UTF-8 (the first bad byte is at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// The object behind a handle, shared.
///
/// # Safety
///
/// When not NULL, `ptr` must point to a live object of type `T` that is not written to
/// during `'a`.
pub(crate) unsafe fn object<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: the caller guarantees a NULL or a valid, live, unaliased-for-writes `T`.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(what))
}

/// The object behind a handle, exclusively.
///
/// # Safety
///
/// When not NULL, `ptr` must point to a live object of type `T` that nothing else reads or
/// writes during `'a`.
pub(crate) unsafe fn object_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: the caller guarantees a NULL or a valid `T` with no other access during 'a.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::null(what))
}

/// An output argument known not to be NULL. Checked before any work, written at the end.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks the output pointer `ptr`, named `what` in the message.
    pub(crate) fn new(ptr: *mut T, what: &str) -> Result<Out<T>, Failure> {
        NonNull::new(ptr)
            .map(Out)
            .ok_or_else(|| Failure::null(what))
    }

    /// Writes `value` without reading or dropping what was there.
    ///
    /// # Safety
    ///
    /// The pointer must be valid for a write of a `T` (alignment is not required).
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: not NULL (checked in `new`); the caller guarantees it is writable.
        unsafe { self.0.as_ptr().write_unaligned(value) }
    }
}

/// Text handed to C as a borrowed pointer: the UTF-8 bytes followed by one NUL, so that
/// `printf("%s")` works, while the length stays authoritative (a label may contain NUL).
#[derive(Debug, Clone)]
pub(crate) struct CText(Box<[u8]>);

impl CText {
    /// A NUL-terminated copy of `s`.
    pub(crate) fn new(s: &str) -> CText {
        let mut v = Vec::with_capacity(s.len() + 1);
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        CText(v.into_boxed_slice())
    }

    /// The text's length in bytes, without the NUL.
    pub(crate) fn len(&self) -> usize {
        self.0.len().saturating_sub(1)
    }

    /// Writes the borrowed pointer and the length to the outputs.
    ///
    /// # Safety
    ///
    /// Both outputs must be valid for writes.
    pub(crate) unsafe fn lend(&self, out_text: Out<*const c_char>, out_len: Out<usize>) {
        // SAFETY: forwarded from this function's contract.
        unsafe {
            out_text.write(self.0.as_ptr().cast());
            out_len.write(self.len());
        }
    }
}

/// Copies `text` and a NUL into the caller's buffer `(buf, len)` and its length (without
/// the NUL) to `*out_len`. When the buffer is too small, nothing is copied, `*out_len` gets
/// the length still, and the status is `BufferTooSmall`.
///
/// # Safety
///
/// `buf` must be NULL or valid for `len` byte writes; `out_len` NULL or valid for a write.
pub(crate) unsafe fn copy_out(
    text: &[u8],
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    what: &str,
) -> Result<(), Failure> {
    let out_len = Out::new(out_len, "out_len")?;
    if buf.is_null() && len > 0 {
        return Err(Failure::null(what));
    }
    if len <= text.len() {
        // SAFETY: checked not NULL; the caller guarantees it is writable.
        unsafe { out_len.write(text.len()) };
        return Err(Failure::new(
            signatur_status::BufferTooSmall,
            format!(
                "`{what}` holds {len} bytes; {} are needed (the text and its NUL)",
                text.len() + 1
            ),
        ));
    }
    // SAFETY: `buf` is not NULL (len > text.len() >= 0, so len > 0 and buf was checked) and
    // holds `len >= text.len() + 1` writable bytes; `text` is a separate Rust allocation, so
    // the ranges do not overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        buf.add(text.len()).write(0);
        out_len.write(text.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_with_zero_length_is_empty_and_null_with_length_fails() {
        // SAFETY: NULL pointers are never dereferenced by `bytes`.
        unsafe {
            assert_eq!(
                bytes(std::ptr::null(), 0, "x").map(<[u8]>::len).ok(),
                Some(0)
            );
            let err = bytes(std::ptr::null(), 3, "x").err().map(|f| f.status);
            assert_eq!(err, Some(signatur_status::NullArgument));
        }
    }

    #[test]
    fn bad_utf8_is_a_status() {
        let raw = b"K\xf8benhavn";
        // SAFETY: `raw` is a live array of `raw.len()` bytes.
        let err = unsafe { text(raw.as_ptr(), raw.len(), "subject") }.err();
        let err = err.map(|f| (f.status, f.message));
        assert_eq!(
            err.as_ref().map(|e| e.0),
            Some(signatur_status::InvalidUtf8)
        );
        assert!(err.is_some_and(|e| e.1.contains("offset 1")));
    }

    #[test]
    fn copy_out_reports_the_needed_length_and_leaves_a_small_buffer_alone() {
        let mut buf = [b'#' as c_char; 4];
        let mut n = 0usize;
        // SAFETY: `buf` holds 4 writable bytes and `n` is a live usize.
        let r = unsafe { copy_out(b"hello", buf.as_mut_ptr(), buf.len(), &mut n, "buf") };
        assert_eq!(
            r.err().map(|f| f.status),
            Some(signatur_status::BufferTooSmall)
        );
        assert_eq!(n, 5);
        assert!(buf.iter().all(|&c| c == b'#' as c_char));
        let mut big = [0 as c_char; 6];
        // SAFETY: as above, with 6 bytes.
        let r = unsafe { copy_out(b"hello", big.as_mut_ptr(), big.len(), &mut n, "buf") };
        assert!(r.is_ok());
        assert_eq!(n, 5);
        assert_eq!(big[5], 0);
    }
}
