//! The host's case directory as a C callback (in the style of rustls-ffi: a function
//! pointer and a `void *userdata` the library hands back on every call).
//!
//! The host creates a `signatur_case_directory` from its callback, sets it on classify
//! options, and classifies with `signatur_model_classify_with`. For every case number a
//! message cites, and for the Message-IDs of the thread it continues, the library calls the
//! callback; the callback fills in a `signatur_case_answer` with `signatur_case_answer_set`
//! and returns a `signatur_case_lookup_result`. A known case decides the `unit`, `kle` and
//! `facet` heads; anything else (unknown, a failure, a timeout, an unusable answer) leaves
//! them to the model, with the reason in the decision's `case_notes`.

use std::ffi::c_void;
use std::sync::Arc;
use std::time::Duration;

use crate::decision::cases::MAX_ANSWER_FIELD;
use crate::decision::directory::{
    CaseDirectory, CaseInfo, CaseQuery, DirectoryOptions, LookupError,
};
use crate::ffi::input::{object, object_mut, text, Failure, Out};
use crate::ffi::options::signatur_classify_options;
use crate::ffi::status::{boundary, signatur_status};

/// What a case lookup callback returns.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_case_lookup_result {
    /// The case is known; the answer holds at least one of unit, KLE emne and facet.
    Found = 1,
    /// The directory does not know it.
    Unknown = 2,
    /// The directory could not look it up (the reason may be set as
    /// `SIGNATUR_CASE_FIELD_REASON`). Any value other than these four counts as a failure too.
    Failed = 3,
    /// The directory did not answer in time.
    Timeout = 4,
}

/// What a lookup asks about.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_case_query {
    /// A case reference the message cites (`23.15.25-G01-23-24`, `2024-012345`) or a MeMo
    /// message's case id.
    Reference = 0,
    /// The Message-ID (without angle brackets) of a message the host may have journaled,
    /// named by this message's `In-Reply-To` or `References`.
    MessageId = 1,
}

/// A field of a case answer, for `signatur_case_answer_set`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_case_field {
    /// The case's reference in the records system.
    Reference = 0,
    /// The unit that owns the case.
    Unit = 1,
    /// The case's KLE emne (`05.07.02`).
    Kle = 2,
    /// The case's handling facet (`G01`).
    Facet = 3,
    /// The case's title.
    Title = 4,
    /// Why the lookup failed or timed out (shown in the decision: no personal data).
    Reason = 5,
}

/// A case lookup callback.
///
/// `userdata` is the pointer given to `signatur_case_directory_new`; `query` a
/// `signatur_case_query`; `(key, key_len)` the UTF-8 text asked about, followed by a NUL
/// (not counted in `key_len`), valid during the call only; `answer` is filled in with
/// `signatur_case_answer_set` and valid during the call only. Returns a
/// `signatur_case_lookup_result`.
///
/// Thread safety: the library may call it from any thread that classifies, and from
/// several threads at once; the callback and `userdata` must allow that. It must return
/// (not throw a C++ exception, not `longjmp` out), and should return within the
/// directory's timeout: a later answer is not used.
pub type signatur_case_lookup_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        query: u32,
        key: *const u8,
        key_len: usize,
        answer: *mut signatur_case_answer,
    ) -> u32,
>;

/// The answer a lookup callback fills in: lent to the callback for one call, never
/// created or freed by the host.
///
/// Thread safety: belongs to the one callback call it was lent to.
pub struct signatur_case_answer {
    info: CaseInfo,
    reason: Option<String>,
    /// The first thing wrong with what the callback set, if anything.
    error: Option<String>,
}

/// A case directory: the host's callback and its `userdata`.
///
/// Thread safety: immutable; may be used from any number of threads at once, so the
/// callback is called from several threads at once (see `signatur_case_lookup_callback`).
/// Free it with `signatur_case_directory_free`; options it was set on keep their own
/// reference, so it may be freed before them. `userdata` must stay valid until the
/// directory and every options object it was set on are freed.
pub struct signatur_case_directory {
    pub(crate) directory: Arc<CallbackDirectory>,
    pub(crate) options: DirectoryOptions,
}

/// The host's `userdata` pointer.
struct UserData(*mut c_void);

// SAFETY: the library never dereferences `userdata`; it only hands it back to the host's
// callback, whose documented contract is to be callable from any thread, at once.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// A [`CaseDirectory`] that asks a C callback.
pub(crate) struct CallbackDirectory {
    callback:
        unsafe extern "C" fn(*mut c_void, u32, *const u8, usize, *mut signatur_case_answer) -> u32,
    userdata: UserData,
}

impl CaseDirectory for CallbackDirectory {
    fn lookup(&self, query: CaseQuery<'_>) -> Result<Option<CaseInfo>, LookupError> {
        let kind = match query {
            CaseQuery::Reference(_) => signatur_case_query::Reference,
            CaseQuery::MessageId(_) => signatur_case_query::MessageId,
        };
        let key = query.key();
        let mut bytes = Vec::with_capacity(key.len() + 1);
        bytes.extend_from_slice(key.as_bytes());
        bytes.push(0);
        let mut answer = signatur_case_answer {
            info: CaseInfo::default(),
            reason: None,
            error: None,
        };
        // SAFETY: the callback is the host's, called as documented: `bytes` holds
        // `key.len()` bytes and a NUL and lives past the call; `answer` is a live,
        // exclusively borrowed answer for the duration of the call; `userdata` is passed
        // back untouched.
        let result = unsafe {
            (self.callback)(
                self.userdata.0,
                kind as u32,
                bytes.as_ptr(),
                key.len(),
                &mut answer,
            )
        };
        let reason = || {
            answer
                .reason
                .clone()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        };
        match result {
            r if r == signatur_case_lookup_result::Found as u32 => match answer.error {
                Some(e) => Err(LookupError::failed(format!(
                    "the callback's answer was not usable ({e})"
                ))),
                None => Ok(Some(answer.info)),
            },
            r if r == signatur_case_lookup_result::Unknown as u32 => Ok(None),
            r if r == signatur_case_lookup_result::Timeout as u32 => Err(LookupError::timeout(
                format!("the callback reported a timeout{}", reason()),
            )),
            r if r == signatur_case_lookup_result::Failed as u32 => Err(LookupError::failed(
                format!("the callback reported a failure{}", reason()),
            )),
            other => Err(LookupError::failed(format!(
                "the callback returned {other}, which is no signatur_case_lookup_result"
            ))),
        }
    }
}

/// Creates a case directory that asks `callback`, passing it `userdata`.
///
/// `timeout_ms` bounds the time all lookups for one message may take together: a lookup
/// that returns later is treated as timed out and no further lookup starts (a running
/// callback is not interrupted, so it should bound its own queries); 0 means the default,
/// 1000 ms. At most 8 lookups are made per message.
///
/// On `SIGNATUR_STATUS_OK`, `*out_directory` is new, to be freed with
/// `signatur_case_directory_free`. `callback` NULL is `SIGNATUR_STATUS_NULL_ARGUMENT`;
/// `userdata` may be anything, NULL included.
///
/// # Safety
///
/// `callback` must be NULL or a function with the signature and the thread safety of
/// `signatur_case_lookup_callback`; `out_directory` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_case_directory_new(
    callback: signatur_case_lookup_callback,
    userdata: *mut c_void,
    timeout_ms: u32,
    out_directory: *mut *mut signatur_case_directory,
) -> signatur_status {
    boundary("signatur_case_directory_new", || {
        let out = Out::new(out_directory, "out_directory")?;
        let callback = callback.ok_or_else(|| Failure::null("callback"))?;
        let mut options = DirectoryOptions::default();
        if timeout_ms > 0 {
            options.timeout = Duration::from_millis(u64::from(timeout_ms));
        }
        let d = Box::new(signatur_case_directory {
            directory: Arc::new(CallbackDirectory {
                callback,
                userdata: UserData(userdata),
            }),
            options,
        });
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { out.write(Box::into_raw(d)) };
        Ok(())
    })
}

/// Frees a case directory. NULL is a no-op; must not be called twice for the same
/// directory. Options it was set on keep using it until they are freed.
///
/// # Safety
///
/// `directory` must be NULL or a directory from `signatur_case_directory_new` not freed
/// yet.
#[no_mangle]
pub unsafe extern "C" fn signatur_case_directory_free(directory: *mut signatur_case_directory) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::ffi::status::free_boxed("signatur_case_directory_free", directory) }
}

/// Sets one field of the answer a lookup callback is filling in, from the UTF-8 text
/// `(utf8, len)`, at most 512 bytes. Setting a field again replaces it.
///
/// Fails with `SIGNATUR_STATUS_INVALID_UTF8` or `SIGNATUR_STATUS_TOO_LARGE` (and an
/// unknown `field` with `SIGNATUR_STATUS_INVALID_INPUT`); the answer then remembers the
/// failure, and a lookup that returns `SIGNATUR_CASE_LOOKUP_RESULT_FOUND` with it counts
/// as failed. What a field holds is checked after the callback returns (a KLE code, a
/// facet, no control characters).
///
/// # Safety
///
/// `answer` must be the answer lent to the running callback (on the callback's thread);
/// `utf8` NULL (only with `len` 0) or readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn signatur_case_answer_set(
    answer: *mut signatur_case_answer,
    field: u32,
    utf8: *const u8,
    len: usize,
) -> signatur_status {
    boundary("signatur_case_answer_set", || {
        // SAFETY: the caller guarantees the answer lent to the running callback.
        let a = unsafe { object_mut(answer, "answer") }?;
        let failed = |a: &mut signatur_case_answer, f: Failure| {
            if a.error.is_none() {
                a.error = Some(f.message.clone());
            }
            Err(f)
        };
        let name = match field {
            0 => "reference",
            1 => "unit",
            2 => "kle",
            3 => "facet",
            4 => "title",
            5 => "reason",
            other => {
                let f = Failure::new(
                    signatur_status::InvalidInput,
                    format!("{other} is no signatur_case_field"),
                );
                return failed(a, f);
            }
        };
        if len > MAX_ANSWER_FIELD {
            let f = Failure::new(
                signatur_status::TooLarge,
                format!("the {name} is {len} bytes long (at most {MAX_ANSWER_FIELD})"),
            );
            return failed(a, f);
        }
        // SAFETY: the caller guarantees `utf8` is readable for `len` bytes or NULL.
        let value = match unsafe { text(utf8, len, name) } {
            Ok(v) => v.to_string(),
            Err(f) => return failed(a, f),
        };
        match field {
            0 => a.info.reference = value,
            1 => a.info.unit = Some(value),
            2 => a.info.kle = Some(value),
            3 => a.info.facet = Some(value),
            4 => a.info.title = Some(value),
            _ => a.reason = Some(value.chars().filter(|c| !c.is_control()).collect()),
        }
        Ok(())
    })
}

/// Sets the case directory classifications with these options ask (NULL removes it). The
/// options keep their own reference: the directory may be freed before them.
///
/// # Safety
///
/// `options` must be live options not used by another thread during the call;
/// `directory` NULL or a live directory.
#[no_mangle]
pub unsafe extern "C" fn signatur_classify_options_set_case_directory(
    options: *mut signatur_classify_options,
    directory: *const signatur_case_directory,
) -> signatur_status {
    boundary("signatur_classify_options_set_case_directory", || {
        // SAFETY: the caller guarantees live options used by this thread only.
        let o = unsafe { object_mut(options, "options") }?;
        if directory.is_null() {
            o.directory = None;
            return Ok(());
        }
        // SAFETY: the caller guarantees a live directory.
        let d = unsafe { object(directory, "directory") }?;
        o.directory = Some((d.directory.clone(), d.options));
        Ok(())
    })
}
