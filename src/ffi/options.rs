//! Options for one classification: how many labels and explanation words per head, and
//! run-time abstain thresholds.

use std::sync::Arc;

use crate::decision::directory::DirectoryOptions;
use crate::ffi::directory::CallbackDirectory;
use crate::ffi::input::{object_mut, text, Failure, Out};
use crate::ffi::status::{boundary, free_boxed, signatur_status};
use crate::model::ClassifyOptions;

/// Options for `signatur_model_classify_with`.
///
/// Thread safety: must not be modified while another thread uses it; once set up it may
/// be read by any number of threads at once (shared by concurrent classifications). Free
/// it with `signatur_classify_options_free`.
pub struct signatur_classify_options {
    pub(crate) options: ClassifyOptions,
    /// The host's case directory, set by `signatur_classify_options_set_case_directory`.
    pub(crate) directory: Option<(Arc<CallbackDirectory>, DirectoryOptions)>,
}

/// Creates options with the defaults of `signatur_model_classify`: 3 labels and 5
/// explanation words per head, the thresholds stored in the model.
///
/// On `SIGNATUR_STATUS_OK`, `*out_options` is new, to be freed with
/// `signatur_classify_options_free`.
///
/// # Safety
///
/// `out_options` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_classify_options_new(
    out_options: *mut *mut signatur_classify_options,
) -> signatur_status {
    boundary("signatur_classify_options_new", || {
        let out = Out::new(out_options, "out_options")?;
        let o = Box::new(signatur_classify_options {
            options: ClassifyOptions::default(),
            directory: None,
        });
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { out.write(Box::into_raw(o)) };
        Ok(())
    })
}

/// Sets how many labels per head a decision lists, most probable first (at least 1).
///
/// # Safety
///
/// `options` must be live options not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn signatur_classify_options_set_top_k(
    options: *mut signatur_classify_options,
    top_k: u32,
) -> signatur_status {
    boundary("signatur_classify_options_set_top_k", || {
        // SAFETY: the caller guarantees live options used by this thread only.
        let o = unsafe { object_mut(options, "options") }?;
        if top_k == 0 {
            return Err(Failure::new(
                signatur_status::InvalidInput,
                "top_k must be at least 1",
            ));
        }
        o.options.top_k = top_k as usize;
        Ok(())
    })
}

/// Sets how many explanation words per head a decision lists (0: none, which is faster).
///
/// # Safety
///
/// `options` must be live options not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn signatur_classify_options_set_explain(
    options: *mut signatur_classify_options,
    words: u32,
) -> signatur_status {
    boundary("signatur_classify_options_set_explain", || {
        // SAFETY: the caller guarantees live options used by this thread only.
        let o = unsafe { object_mut(options, "options") }?;
        o.options.explain = words as usize;
        Ok(())
    })
}

/// Overrides the abstain threshold of the head named `head` (UTF-8): the decision abstains
/// when the top probability is under `threshold`, which must lie in `[0, 1]`. A head name
/// the model does not have is ignored when classifying.
///
/// # Safety
///
/// `options` must be live options not used by another thread during the call; `head` NULL
/// (only with `head_len` 0) or readable for `head_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn signatur_classify_options_set_threshold(
    options: *mut signatur_classify_options,
    head: *const u8,
    head_len: usize,
    threshold: f32,
) -> signatur_status {
    boundary("signatur_classify_options_set_threshold", || {
        // SAFETY: the caller guarantees live options used by this thread only.
        let o = unsafe { object_mut(options, "options") }?;
        // SAFETY: the caller guarantees `head` is readable for `head_len` bytes or NULL.
        let head = unsafe { text(head, head_len, "head") }?;
        if !(0.0..=1.0).contains(&threshold) {
            return Err(Failure::new(
                signatur_status::InvalidInput,
                format!("threshold {threshold} is not in [0, 1]"),
            ));
        }
        o.options.thresholds.insert(head.to_string(), threshold);
        Ok(())
    })
}

/// Frees options. NULL is a no-op; must not be called twice for the same options.
///
/// # Safety
///
/// `options` must be NULL or options from `signatur_classify_options_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn signatur_classify_options_free(options: *mut signatur_classify_options) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_boxed("signatur_classify_options_free", options) }
}
