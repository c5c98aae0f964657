//! Learning from corrections through the C ABI: one call per confirmed message, and the
//! updated model as new model-file bytes.

use crate::ffi::input::{object, text, Failure, Out};
use crate::ffi::message::signatur_message;
use crate::ffi::model::signatur_model;
use crate::ffi::status::{boundary, signatur_status};
use crate::ffi::train::signatur_bytes;

/// One confirmed `(head, label)` pair of a correction: UTF-8 texts given as pointer and
/// length, like every text of this API.
#[repr(C)]
pub struct signatur_label {
    /// The head's name (`unit`, `kle`, `facet`, …).
    pub head: *const u8,
    /// Length of `head` in bytes.
    pub head_len: usize,
    /// The confirmed label.
    pub label: *const u8,
    /// Length of `label` in bytes.
    pub label_len: usize,
}

/// Learns from one message a person confirmed or corrected: `labels` holds `count`
/// `(head, label)` pairs (a subset of the model's heads is fine). The model is updated in
/// place and at once; a label it did not know is added to its head. Never pass the model's
/// own suggestions: it would reinforce its mistakes.
///
/// The labels `signatur_model_label_count` / `signatur_model_label_name` report are those
/// of the loaded file; labels added by corrections appear in decisions, and in the model
/// after `signatur_model_export` and loading the exported bytes.
///
/// On failure (`SIGNATUR_STATUS_INVALID_INPUT` for an unknown head, an empty label, a head
/// given twice, or a non-KLE label for a head of KLE codes) nothing is learned.
///
/// Corrections live in this process's memory until `signatur_model_export` and the host
/// writing the bytes out: those learned since the last export die with the process (an exit
/// or a crash). Keep the confirmed corrections; the way back is to replay them, with
/// `signatur_model_learn` on the last exported model, or as a full retraining with
/// `signatur retrain --model LAST.onnx --data … --corrections MANIFEST --out NEW.onnx`.
///
/// Thread safety: other threads may classify with the same model during the call; they see
/// the model before or after this correction, never a mix. Concurrent corrections are
/// applied one after the other.
///
/// # Safety
///
/// `model` and `message` must be live handles; `labels` must be NULL (only with `count` 0)
/// or point to `count` readable `signatur_label`s whose texts are readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_learn(
    model: *const signatur_model,
    message: *const signatur_message,
    labels: *const signatur_label,
    count: usize,
) -> signatur_status {
    boundary("signatur_model_learn", || {
        // SAFETY: forwarded from this function's contract.
        let (m, msg, pairs) = unsafe { confirmed(model, message, labels, count)? };
        m.classifier()?.learn(&msg.message, &pairs)?;
        Ok(())
    })
}

/// Keeps one confirmed message for replay without learning from it: give the model the
/// messages it was trained on (all, or a sample) after loading it, and each later
/// correction is followed by steps on some of them too. Without them, a run of corrections
/// for a few labels slowly erodes the labels that get none. Arguments, errors and thread
/// safety as `signatur_model_learn`, and a label the model does not know is refused
/// (`SIGNATUR_STATUS_INVALID_INPUT`: only a correction adds one). Remembered messages are
/// not corrections and are not counted as such in the exported model.
///
/// # Safety
///
/// As `signatur_model_learn`.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_remember(
    model: *const signatur_model,
    message: *const signatur_message,
    labels: *const signatur_label,
    count: usize,
) -> signatur_status {
    boundary("signatur_model_remember", || {
        // SAFETY: forwarded from this function's contract.
        let (m, msg, pairs) = unsafe { confirmed(model, message, labels, count)? };
        m.classifier()?.remember(&msg.message, &pairs)?;
        Ok(())
    })
}

/// The model, the message and the `(head, label)` pairs of a confirmed message.
type Confirmed<'a> = (
    &'a signatur_model,
    &'a signatur_message,
    Vec<(&'a str, &'a str)>,
);

/// The handles and `(head, label)` pairs of a confirmed message.
///
/// # Safety
///
/// As `signatur_model_learn`'s arguments; the results borrow from them.
unsafe fn confirmed<'a>(
    model: *const signatur_model,
    message: *const signatur_message,
    labels: *const signatur_label,
    count: usize,
) -> Result<Confirmed<'a>, Failure> {
    // SAFETY: forwarded from this function's contract.
    let (m, msg) = unsafe { (object(model, "model")?, object(message, "message")?) };
    if labels.is_null() && count > 0 {
        return Err(Failure::null("labels"));
    }
    let raw: &[signatur_label] = if count == 0 {
        &[]
    } else {
        if count > isize::MAX as usize / std::mem::size_of::<signatur_label>() {
            return Err(Failure::new(
                signatur_status::InvalidInput,
                format!("`count` {count} is larger than any array"),
            ));
        }
        if !labels.is_aligned() {
            return Err(Failure::new(
                signatur_status::InvalidInput,
                "`labels` is not aligned for signatur_label",
            ));
        }
        // SAFETY: not NULL, aligned and not too long (checked), and the caller guarantees
        // `count` readable labels.
        unsafe { std::slice::from_raw_parts(labels, count) }
    };
    let mut pairs = Vec::with_capacity(raw.len());
    for l in raw {
        // SAFETY: the caller guarantees each text is readable for its length.
        let (h, v) = unsafe {
            (
                text(l.head, l.head_len, "labels[].head")?,
                text(l.label, l.label_len, "labels[].label")?,
            )
        };
        pairs.push((h, v));
    }
    Ok((m, msg, pairs))
}

/// The model as it is now, with every correction learned, as the bytes of a new model file
/// (load them with `signatur_model_from_bytes`, or write them to disk). Its summary records
/// the lineage: the loaded model's `trained_at` as parent, and the corrections since the
/// last full training.
///
/// On `SIGNATUR_STATUS_OK`, `*out_model` holds the bytes, to be freed with
/// `signatur_bytes_free`; on failure nothing is written.
///
/// Export after corrections the host cannot afford to lose: until then they exist only in
/// this process (see `signatur_model_learn`). Write the bytes atomically, as libsignatur
/// writes its own model files: to a temporary file in the target's directory, fsync it,
/// rename it over the target and fsync the directory, so that a crash or a full disk never
/// leaves half a model where the old one was.
///
/// # Safety
///
/// `model` must be a live handle; `out_model` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_model_export(
    model: *const signatur_model,
    out_model: *mut *mut signatur_bytes,
) -> signatur_status {
    boundary("signatur_model_export", || {
        let out = Out::new(out_model, "out_model")?;
        // SAFETY: forwarded from this function's contract.
        let m = unsafe { object(model, "model") }?;
        let data = m.classifier()?.to_model()?.to_onnx()?;
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { out.write(Box::into_raw(Box::new(signatur_bytes::new(data)))) };
        Ok(())
    })
}
