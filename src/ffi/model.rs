//! The model handle: loading, what the model knows (heads and labels), and classifying.

use std::ffi::c_char;
use std::sync::Arc;

use crate::decision::Router;
use crate::ffi::decision::signatur_decision;
use crate::ffi::input::{bytes, object, text, CText, Failure, Out};
use crate::ffi::message::signatur_message;
use crate::ffi::options::signatur_classify_options;
use crate::ffi::status::{boundary, boundary_or, signatur_status};
use crate::model::{Classifier, ClassifyOptions};

/// A loaded model, ready to classify.
///
/// Thread safety: may be used from any number of threads at once. Load it once and share
/// it: loading builds an optimised inference plan, which costs far more than a
/// classification. It is handed out as `const signatur_model *` but is not immutable:
/// `signatur_model_learn` and `signatur_model_remember` change it in place through that
/// pointer (the ABI keeps `const` so one shared handle serves every call). Such a change is
/// made under a lock: classifications on other threads during it see the model before or
/// after the change, never a mix, and every call that starts after it has returned sees
/// it. Free it with `signatur_model_free` after the last call that uses it has
/// returned; decisions already made stay valid after the model is freed.
pub struct signatur_model {
    /// The model behind the router that adds the message's own data and the references.
    router: Router,
    heads: Vec<HeadTexts>,
    summary_json: CText,
}

/// The NUL-terminated names of a head and its labels.
struct HeadTexts {
    name: CText,
    labels: Vec<CText>,
}

impl signatur_model {
    /// Wraps a classifier, preparing the texts the accessors lend out.
    fn new(classifier: Classifier) -> Result<signatur_model, Failure> {
        let heads = classifier
            .heads()
            .iter()
            .map(|h| HeadTexts {
                name: CText::new(&h.name),
                labels: h.labels.iter().map(|l| CText::new(l)).collect(),
            })
            .collect();
        let summary = serde_json::to_string(classifier.summary()).map_err(|e| {
            Failure::new(
                signatur_status::Other,
                format!("the model summary could not be written as JSON: {e}"),
            )
        })?;
        Ok(signatur_model {
            router: Router::new(Arc::new(classifier)),
            heads,
            summary_json: CText::new(&summary),
        })
    }

    /// The classifier behind the router.
    pub(crate) fn classifier(&self) -> Result<&Classifier, Failure> {
        self.router
            .classifier()
            .ok_or_else(|| Failure::new(signatur_status::Other, "the model handle has no model"))
    }

    /// The head at `head`, or an out-of-range failure.
    fn head(&self, head: usize) -> Result<&HeadTexts, Failure> {
        self.heads
            .get(head)
            .ok_or_else(|| Failure::out_of_range("head", head, self.heads.len()))
    }
}

/// Hands a new model to C as a `const` pointer owning one reference.
///
/// # Safety
///
/// `out` must be valid for a write.
unsafe fn hand_out(classifier: Classifier, out: Out<*const signatur_model>) -> Result<(), Failure> {
    let model = Arc::new(signatur_model::new(classifier)?);
    // SAFETY: forwarded from this function's contract.
    unsafe { out.write(Arc::into_raw(model)) };
    Ok(())
}

/// Loads a model file (what `signatur train` writes) from the UTF-8 path `(path, path_len)`.
///
/// On `SIGNATUR_STATUS_OK`, `*out_model` is the model, to be freed with
/// `signatur_model_free`; on failure nothing is written and `signatur_last_error` says why
/// (`SIGNATUR_STATUS_IO` for a missing file, `SIGNATUR_STATUS_INVALID_MODEL` for a file that
/// is not a libsignatur model or is truncated).
///
/// # Safety
///
/// `path` must be NULL (only with `path_len` 0) or point to `path_len` readable bytes;
/// `out_model` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_load(
    path: *const u8,
    path_len: usize,
    out_model: *mut *const signatur_model,
) -> signatur_status {
    boundary("signatur_model_load", || {
        let out = Out::new(out_model, "out_model")?;
        // SAFETY: the caller guarantees `path` points to `path_len` readable bytes or is NULL.
        let path = unsafe { text(path, path_len, "path") }?;
        if path.is_empty() {
            return Err(Failure::new(
                signatur_status::InvalidInput,
                "`path` is empty",
            ));
        }
        let classifier = Classifier::load(path)?;
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { hand_out(classifier, out) }
    })
}

/// Loads a model from the `len` bytes of a model file (one stored in a database, or from
/// `signatur_train_from_path`). The bytes are not kept; the caller may free them afterwards.
///
/// On `SIGNATUR_STATUS_OK`, `*out_model` is the model, to be freed with
/// `signatur_model_free`; on failure nothing is written.
///
/// # Safety
///
/// `data` must be NULL (only with `len` 0) or point to `len` readable bytes; `out_model`
/// must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_from_bytes(
    data: *const u8,
    len: usize,
    out_model: *mut *const signatur_model,
) -> signatur_status {
    boundary("signatur_model_from_bytes", || {
        let out = Out::new(out_model, "out_model")?;
        // SAFETY: the caller guarantees `data` points to `len` readable bytes or is NULL.
        let data = unsafe { bytes(data, len, "data") }?;
        let classifier = Classifier::from_bytes(data)?;
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { hand_out(classifier, out) }
    })
}

/// Releases the caller's reference to a model. NULL is a no-op. Must not be called twice
/// for the same model, nor while another thread is still inside a call that uses it.
/// Decisions made with the model do not depend on it and stay valid.
///
/// # Safety
///
/// `model` must be NULL or a model from this library that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_free(model: *const signatur_model) {
    boundary_or("signatur_model_free", (), || {
        if !model.is_null() {
            // SAFETY: the caller guarantees this pointer came from `Arc::into_raw` in
            // `hand_out` and that its reference is released once.
            drop(unsafe { Arc::from_raw(model) });
        }
    })
}

/// The number of heads (`unit`, `kle`, `facet`, `label` …) the model decides; 0 for NULL.
///
/// # Safety
///
/// `model` must be NULL or a live model.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_head_count(model: *const signatur_model) -> usize {
    boundary_or("signatur_model_head_count", 0, || {
        // SAFETY: the caller guarantees NULL or a live model.
        unsafe { model.as_ref() }.map_or(0, |m| m.heads.len())
    })
}

/// The name of head `head` (0-based): a NUL-terminated UTF-8 string owned by the model,
/// valid until the model is freed; `*out_len` is its length without the NUL.
///
/// # Safety
///
/// `model` must be a live model; `out_name` and `out_len` writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_head_name(
    model: *const signatur_model,
    head: usize,
    out_name: *mut *const c_char,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_model_head_name", || {
        let (out_name, out_len) = (
            Out::new(out_name, "out_name")?,
            Out::new(out_len, "out_len")?,
        );
        // SAFETY: the caller guarantees a live model.
        let m = unsafe { object(model, "model") }?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe { m.head(head)?.name.lend(out_name, out_len) };
        Ok(())
    })
}

/// The number of labels head `head` chooses from; 0 for NULL or an index out of range.
///
/// # Safety
///
/// `model` must be NULL or a live model.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_label_count(
    model: *const signatur_model,
    head: usize,
) -> usize {
    boundary_or("signatur_model_label_count", 0, || {
        // SAFETY: the caller guarantees NULL or a live model.
        unsafe { model.as_ref() }
            .and_then(|m| m.heads.get(head))
            .map_or(0, |h| h.labels.len())
    })
}

/// The name of label `label` of head `head`: a NUL-terminated UTF-8 string owned by the
/// model, valid until the model is freed; `*out_len` is its length without the NUL.
///
/// # Safety
///
/// `model` must be a live model; `out_name` and `out_len` writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_label_name(
    model: *const signatur_model,
    head: usize,
    label: usize,
    out_name: *mut *const c_char,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_model_label_name", || {
        let (out_name, out_len) = (
            Out::new(out_name, "out_name")?,
            Out::new(out_len, "out_len")?,
        );
        // SAFETY: the caller guarantees a live model.
        let h = unsafe { object(model, "model") }?.head(head)?;
        let l = h
            .labels
            .get(label)
            .ok_or_else(|| Failure::out_of_range("label", label, h.labels.len()))?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe { l.lend(out_name, out_len) };
        Ok(())
    })
}

/// How the model came to be, as a JSON object (`messages`, `heldout`, `trained_at`,
/// `library_version`, `warnings` …): a NUL-terminated UTF-8 string owned by the model,
/// valid until the model is freed.
///
/// # Safety
///
/// `model` must be a live model; `out_json` and `out_len` writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_summary_json(
    model: *const signatur_model,
    out_json: *mut *const c_char,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_model_summary_json", || {
        let (out_json, out_len) = (
            Out::new(out_json, "out_json")?,
            Out::new(out_len, "out_len")?,
        );
        // SAFETY: the caller guarantees a live model.
        let m = unsafe { object(model, "model") }?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe { m.summary_json.lend(out_json, out_len) };
        Ok(())
    })
}

/// Classifies `message` with `options` into a new decision written to `out`.
///
/// # Safety
///
/// `model`, `message` and `options` NULL or live; `out` valid for a write.
unsafe fn classify(
    model: *const signatur_model,
    message: *const signatur_message,
    options: Option<&signatur_classify_options>,
    out: Out<*mut signatur_decision>,
) -> Result<(), Failure> {
    // SAFETY: the caller guarantees NULL or a live model and message.
    let (m, msg) = unsafe { (object(model, "model")?, object(message, "message")?) };
    let defaults = ClassifyOptions::default();
    let classify_options = options.map_or(&defaults, |o| &o.options);
    // Unmasked: the decision keeps clear values for `signatur_decision_reference_value` and
    // masks them everywhere else.
    let decision = match options.and_then(|o| o.directory.as_ref()) {
        Some((directory, dir_options)) => m
            .router
            .clone()
            .with_case_directory(directory.clone())
            .with_directory_options(*dir_options)
            .decide(&msg.message, classify_options, true)?,
        None => m.router.decide(&msg.message, classify_options, true)?,
    };
    let handle = signatur_decision::new(decision);
    // SAFETY: forwarded from this function's contract.
    unsafe { out.write(Box::into_raw(Box::new(handle))) };
    Ok(())
}

/// Classifies a message with the default options (3 labels and 5 explanation words per
/// head, the model's thresholds), as `signatur classify` does: a Digital Post message that
/// names its KLE emne, facet or case is decided by that, the model decides the rest, and the
/// references and the sensitive flag are added.
///
/// On `SIGNATUR_STATUS_OK`, `*out_decision` is a new decision, to be freed with
/// `signatur_decision_free`; on failure nothing is written.
///
/// Thread safety: any number of threads may classify with the same model (and the same
/// message) at once.
///
/// # Safety
///
/// `model` and `message` must be live handles; `out_decision` must point to a writable
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_classify(
    model: *const signatur_model,
    message: *const signatur_message,
    out_decision: *mut *mut signatur_decision,
) -> signatur_status {
    boundary("signatur_model_classify", || {
        let out = Out::new(out_decision, "out_decision")?;
        // SAFETY: forwarded from this function's contract; `out` was checked.
        unsafe { classify(model, message, None, out) }
    })
}

/// Classifies a message with `options` (see `signatur_classify_options_new`). With a case
/// directory set on them (`signatur_classify_options_set_case_directory`) the directory is
/// asked first, after the message's own data, for the cited case numbers and the thread.
///
/// On `SIGNATUR_STATUS_OK`, `*out_decision` is a new decision, to be freed with
/// `signatur_decision_free`; on failure nothing is written.
///
/// # Safety
///
/// `model`, `message` and `options` must be live handles (`options` not modified during
/// the call); `out_decision` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_classify_with(
    model: *const signatur_model,
    message: *const signatur_message,
    options: *const signatur_classify_options,
    out_decision: *mut *mut signatur_decision,
) -> signatur_status {
    boundary("signatur_model_classify_with", || {
        let out = Out::new(out_decision, "out_decision")?;
        // SAFETY: the caller guarantees NULL or live options not modified during the call.
        let options = unsafe { object(options, "options") }?;
        // SAFETY: forwarded from this function's contract; `out` was checked.
        unsafe { classify(model, message, Some(options), out) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_may_be_shared_between_threads() {
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<signatur_model>();
    }

    #[test]
    fn garbage_is_an_invalid_model_and_nothing_is_written() {
        let junk = b"not a model";
        let mut out: *const signatur_model = std::ptr::null();
        // SAFETY: `junk` and `out` are live locals.
        let status = unsafe { signatur_model_from_bytes(junk.as_ptr(), junk.len(), &mut out) };
        assert_eq!(status, signatur_status::InvalidModel);
        assert!(out.is_null());
        // SAFETY: NULL handles are allowed and return 0.
        assert_eq!(unsafe { signatur_model_head_count(std::ptr::null()) }, 0);
    }
}
