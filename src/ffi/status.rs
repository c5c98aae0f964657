//! Status codes, the thread-local last error message, and the panic boundary every entry
//! point runs inside.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use crate::ffi::input::{copy_out, Failure};
use crate::ErrorKind;

/// What a call did: `SIGNATUR_STATUS_OK` (0) or why it failed.
///
/// Every fallible function returns one. After a failure, `signatur_last_error` gives a
/// detailed message and `signatur_status_str` a short static text. Codes are stable: new
/// codes may be added in minor versions, existing ones never change their value, so treat
/// an unknown code as a failure.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_status {
    /// Success; the outputs were written.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// Text that must be UTF-8 was not.
    InvalidUtf8 = 2,
    /// The caller's buffer is too small; the needed length was written to `*out_len`.
    BufferTooSmall = 3,
    /// An index (head, label, reference …) is out of range.
    OutOfRange = 4,
    /// Reading or writing a file failed.
    Io = 5,
    /// The input could not be read as what it claims to be (a broken message, bad XML).
    Parse = 6,
    /// An argument is out of range or inconsistent (a bad date, a bad threshold).
    InvalidInput = 7,
    /// The input exceeds a limit and could not be processed even partially.
    TooLarge = 8,
    /// The model file is not a libsignatur model, or is corrupt or truncated.
    InvalidModel = 9,
    /// The model file was written by a newer format version than this library reads.
    UnsupportedModelVersion = 10,
    /// Training could not produce a model from the given data.
    Training = 11,
    /// Running the model failed.
    Inference = 12,
    /// A configuration (feature options, rules) is invalid.
    Config = 13,
    /// A bug in libsignatur was caught at the boundary (a Rust panic); the call had no effect
    /// on its outputs and the library remains usable.
    Panic = 14,
    /// A failure no other code describes; the message says what.
    Other = 15,
}

impl signatur_status {
    /// The static text for the status, NUL-terminated for C.
    fn text(self) -> &'static str {
        match self {
            signatur_status::Ok => "ok\0",
            signatur_status::NullArgument => "a required pointer argument is NULL\0",
            signatur_status::InvalidUtf8 => "text is not valid UTF-8\0",
            signatur_status::BufferTooSmall => "the buffer is too small\0",
            signatur_status::OutOfRange => "an index is out of range\0",
            signatur_status::Io => "I/O error\0",
            signatur_status::Parse => "parse error\0",
            signatur_status::InvalidInput => "invalid input\0",
            signatur_status::TooLarge => "input too large\0",
            signatur_status::InvalidModel => "invalid model file\0",
            signatur_status::UnsupportedModelVersion => "unsupported model format version\0",
            signatur_status::Training => "training failed\0",
            signatur_status::Inference => "inference failed\0",
            signatur_status::Config => "invalid configuration\0",
            signatur_status::Panic => "internal error (a panic was caught)\0",
            signatur_status::Other => "error\0",
        }
    }

    /// Every status, in code order.
    const ALL: [signatur_status; 16] = [
        signatur_status::Ok,
        signatur_status::NullArgument,
        signatur_status::InvalidUtf8,
        signatur_status::BufferTooSmall,
        signatur_status::OutOfRange,
        signatur_status::Io,
        signatur_status::Parse,
        signatur_status::InvalidInput,
        signatur_status::TooLarge,
        signatur_status::InvalidModel,
        signatur_status::UnsupportedModelVersion,
        signatur_status::Training,
        signatur_status::Inference,
        signatur_status::Config,
        signatur_status::Panic,
        signatur_status::Other,
    ];

    /// The status with code `code`, if there is one.
    fn from_code(code: u32) -> Option<signatur_status> {
        signatur_status::ALL.into_iter().find(|s| *s as u32 == code)
    }
}

impl From<ErrorKind> for signatur_status {
    /// Each error kind of the Rust API has its own status; a kind added later maps to
    /// `Other` until it gets one (its message still says what happened).
    fn from(kind: ErrorKind) -> signatur_status {
        match kind {
            ErrorKind::Io => signatur_status::Io,
            ErrorKind::Parse => signatur_status::Parse,
            ErrorKind::InvalidInput => signatur_status::InvalidInput,
            ErrorKind::TooLarge => signatur_status::TooLarge,
            ErrorKind::InvalidModel => signatur_status::InvalidModel,
            ErrorKind::UnsupportedModelVersion => signatur_status::UnsupportedModelVersion,
            ErrorKind::Training => signatur_status::Training,
            ErrorKind::Inference => signatur_status::Inference,
            ErrorKind::Config => signatur_status::Config,
            ErrorKind::Utf8 => signatur_status::InvalidUtf8,
            // A kind added to the Rust API before it gets its own code here.
            #[allow(unreachable_patterns)]
            _ => signatur_status::Other,
        }
    }
}

thread_local! {
    /// The message of the most recent failed call on this thread.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records `message` as this thread's last error. Quietly does nothing while the thread is
/// being torn down (its thread-locals are gone then).
fn set_last_error(message: String) {
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = message;
        }
    });
}

/// Whether a failure inside the boundary is recorded as the thread's last error.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Record {
    Yes,
    No,
}

/// How many C ABI calls are in flight in the process, on all threads (a callback may call
/// in again, which counts twice).
///
/// Process-wide rather than per thread: a call may run its work on worker threads
/// (`signatur_train_from_path` reads and trains on scoped threads), and a panic there is
/// as likely to quote message text as one on the calling thread.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Makes panics during a C ABI call print where they happened and nothing else.
///
/// Rust's panic hook runs before `catch_unwind` returns, and the default one prints the
/// panic's message to stderr; a message such as a failed string slice quotes the text
/// being processed, which may hold a CPR number. So the first call into the C ABI puts a
/// hook in front of the one in place: while any call is in flight ([`IN_FLIGHT`]), a panic
/// on any thread, the call's workers included, prints only its location; when none is, the
/// hook hands the panic to the hook that was there before, so a host's own hook and Rust
/// code beside libsignatur keep their behaviour. (A panic of the host's own Rust code on
/// another thread during a call is quieted too: a missing message is the safe mistake.)
fn quiet_panics_inside_calls() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Under the fuzzer (`cargo fuzz` builds with `--cfg fuzzing`) the hook in place
            // is libFuzzer's, which makes any panic a finding, also one that the library
            // catches further in (a directory callback's answer, an attachment): it must
            // see every panic.
            if IN_FLIGHT.load(Ordering::SeqCst) > 0 && !cfg!(fuzzing) {
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                eprintln!("libsignatur: internal error{at} (message withheld: it may quote personal data)");
            } else {
                previous(info);
            }
        }));
    });
}

/// Counts a C ABI call as in flight while it lives.
struct Inside;

impl Inside {
    fn enter() -> Inside {
        quiet_panics_inside_calls();
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        Inside
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The one panic boundary: runs `body`, turning a returned failure into its status and a
/// panic into `SIGNATUR_STATUS_PANIC`.
fn run(
    function: &'static str,
    record: Record,
    body: impl FnOnce() -> Result<(), Failure>,
) -> signatur_status {
    let _inside = Inside::enter();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => signatur_status::Ok,
        Ok(Err(failure)) => {
            let status = failure.status;
            if record == Record::Yes {
                set_last_error(format!("{function}: {}", failure.message));
            }
            status
        }
        Err(payload) => {
            // The payload is not shown: a panic message may quote the text being processed.
            // Dropping it may itself panic; that must not unwind into C either.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            set_last_error(format!(
                "{function}: internal error: a panic was stopped at the C ABI boundary \
                 (a bug in libsignatur; please report it)"
            ));
            signatur_status::Panic
        }
    }
}

/// Runs the body of a fallible entry point: failures become statuses and are recorded as
/// the thread's last error (prefixed with `function`), panics become
/// `SIGNATUR_STATUS_PANIC`.
pub(crate) fn boundary(
    function: &'static str,
    body: impl FnOnce() -> Result<(), Failure>,
) -> signatur_status {
    run(function, Record::Yes, body)
}

/// Runs the body of an infallible entry point (a count, a free function): a panic records
/// the last error and gives `fallback`.
pub(crate) fn boundary_or<T>(function: &'static str, fallback: T, body: impl FnOnce() -> T) -> T {
    let mut value = None;
    run(function, Record::Yes, || {
        value = Some(body());
        Ok(())
    });
    value.unwrap_or(fallback)
}

/// The body of every `_free` function for a boxed handle: NULL is a no-op, a panic while
/// dropping is contained.
///
/// # Safety
///
/// `handle` must be NULL or a pointer from `Box::into_raw` that was not freed yet.
pub(crate) unsafe fn free_boxed<T>(function: &'static str, handle: *mut T) {
    boundary_or(function, (), || {
        if !handle.is_null() {
            // SAFETY: the caller guarantees a live pointer from `Box::into_raw`, freed once.
            drop(unsafe { Box::from_raw(handle) });
        }
    })
}

/// The static text describing `status`: a NUL-terminated string in static storage, valid
/// for the life of the process; never free it.
///
/// An unknown code gives "unknown status". Thread safety: may be called from any number of
/// threads at once.
#[no_mangle]
pub extern "C" fn signatur_status_str(status: u32) -> *const c_char {
    boundary_or("signatur_status_str", c"unknown status".as_ptr(), || {
        match signatur_status::from_code(status) {
            Some(s) => s.text().as_ptr().cast(),
            None => c"unknown status".as_ptr(),
        }
    })
}

/// Copies the detailed message of the most recent failed call on the calling thread into
/// `buf`, NUL-terminated.
///
/// The message is thread-local, so it is available after any failure, including a failure
/// to create the first handle. It names the function that failed and says why; it never
/// quotes message text. It stays until the next failure on the same thread (successful
/// calls do not clear it); before any failure it is the empty string.
///
/// On `SIGNATUR_STATUS_OK`, the whole message and a NUL after it (the message's length plus
/// one bytes, at most `len`) were written to `buf` and `*out_len` is the message's length
/// without the NUL. When the buffer is too small
/// (`len < message length + 1`; `buf` may be NULL with `len` 0 to ask for the length), the
/// status is `SIGNATUR_STATUS_BUFFER_TOO_SMALL`, `buf` is untouched and `*out_len` is the
/// message's length without the NUL: the one output written on failure. This function's
/// own failures never replace the stored message.
///
/// Thread safety: may be called from any number of threads at once; each sees its own
/// message.
///
/// # Safety
///
/// `buf` must be NULL or point to `len` writable bytes; `out_len` must point to a writable
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn signatur_last_error(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> signatur_status {
    run("signatur_last_error", Record::No, || {
        let message = LAST_ERROR
            .try_with(|cell| cell.try_borrow().map(|s| s.clone()).unwrap_or_default())
            .unwrap_or_default();
        // SAFETY: the caller guarantees `buf` points to `len` writable bytes (or is NULL) and
        // `out_len` to a writable size_t; `copy_out` checks both for NULL first.
        unsafe { copy_out(message.as_bytes(), buf, len, out_len, "buf") }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        LAST_ERROR.with(|c| c.borrow().clone())
    }

    #[test]
    fn every_code_round_trips_and_has_text() {
        for (i, s) in signatur_status::ALL.iter().enumerate() {
            assert_eq!(*s as u32, i as u32);
            assert_eq!(signatur_status::from_code(i as u32), Some(*s));
            assert!(s.text().ends_with('\0') && s.text().len() > 1);
        }
        assert_eq!(signatur_status::from_code(999), None);
    }

    #[test]
    fn a_panic_inside_a_call_prints_where_but_not_what() {
        // Run in a child process, whose stderr is not libtest's to capture.
        const CHILD: &str = "SIGNATUR_TEST_PANIC_CHILD";
        if std::env::var_os(CHILD).is_some() {
            let _ = boundary("signatur_test", || panic!("secret 070761-4285"));
            // On a worker thread of a call, as `signatur_train_from_path` has them.
            let _ = boundary("signatur_test", || {
                let worker = std::thread::spawn(|| panic!("secret 150390-0005"));
                assert!(worker.join().is_err());
                Ok(())
            });
            // Outside a call, the hook that was in place before (Rust's default) runs.
            let _ = std::panic::catch_unwind(|| panic!("outside the ABI"));
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "ffi::status::tests::a_panic_inside_a_call_prints_where_but_not_what",
                "--exact",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stderr.contains("libsignatur: internal error at src/ffi/status.rs:"),
            "{stderr}"
        );
        assert!(!stderr.contains("070761"), "{stderr}");
        assert!(!stderr.contains("150390"), "{stderr}");
        assert_eq!(
            stderr.matches("libsignatur: internal error at ").count(),
            2,
            "{stderr}"
        );
        assert!(stderr.contains("outside the ABI"), "{stderr}");
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message_without_the_payload() {
        let status = boundary("signatur_test", || panic!("secret 070761-4285"));
        assert_eq!(status, signatur_status::Panic);
        let msg = last_error();
        assert!(msg.starts_with("signatur_test: internal error"), "{msg}");
        assert!(!msg.contains("070761"), "{msg}");
        assert_eq!(boundary_or("signatur_test", 7usize, || panic!("boom")), 7);
    }

    #[test]
    fn failures_are_recorded_with_the_function_name() {
        let status = boundary("signatur_x", || {
            Err(Failure::new(signatur_status::Parse, "bad"))
        });
        assert_eq!(status, signatur_status::Parse);
        assert_eq!(last_error(), "signatur_x: bad");
        assert_eq!(boundary("signatur_x", || Ok(())), signatur_status::Ok);
        assert_eq!(
            last_error(),
            "signatur_x: bad",
            "success keeps the last message"
        );
    }

    #[test]
    fn error_kinds_map_to_their_own_statuses() {
        assert_eq!(
            signatur_status::from(ErrorKind::Utf8),
            signatur_status::InvalidUtf8
        );
        assert_eq!(
            signatur_status::from(ErrorKind::InvalidModel),
            signatur_status::InvalidModel
        );
        assert_eq!(signatur_status::from(ErrorKind::Io), signatur_status::Io);
    }
}
