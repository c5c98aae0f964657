//! Training from a labelled data set on disk, and the owned byte buffer the model file comes
//! back in.

use crate::eval::prepare;
use crate::eval::{Dataset, TextMode};
use crate::features::{FeatureConfig, Featurizer, Field};
use crate::ffi::input::{object, object_mut, text, Failure, Out};
use crate::ffi::status::{boundary, free_boxed, signatur_status};
use crate::train::train_prepared;
use crate::train::{TrainOptions, MAX_ENSEMBLE};

/// Bytes owned by the library (a trained model file).
///
/// Thread safety: immutable; may be read from any number of threads at once. Free it with
/// `signatur_bytes_free`.
pub struct signatur_bytes {
    data: Vec<u8>,
}

impl signatur_bytes {
    /// Wraps bytes to hand to C.
    pub(crate) fn new(data: Vec<u8>) -> signatur_bytes {
        signatur_bytes { data }
    }
}

/// Options for `signatur_train_from_path`.
///
/// Thread safety: must not be used by two threads at once while being modified. Free it
/// with `signatur_train_options_free`.
pub struct signatur_train_options {
    train: TrainOptions,
    features: FeatureConfig,
    mode: TextMode,
}

/// The most epochs a caller may ask for: bounds the work of one call.
const MAX_EPOCHS: u32 = 1000;

/// The largest hidden size of a low-rank model: bounds the model's memory.
const MAX_HIDDEN: u32 = 1024;

/// Creates training options with the defaults of `signatur train` (seed 42, Danish
/// stemming, 2^18 hash buckets, thresholds for 95 % precision, files read as RFC 5322 mail
/// or MeMo XML).
///
/// On `SIGNATUR_STATUS_OK`, `*out_options` is new, to be freed with
/// `signatur_train_options_free`.
///
/// # Safety
///
/// `out_options` must point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_new(
    out_options: *mut *mut signatur_train_options,
) -> signatur_status {
    boundary("signatur_train_options_new", || {
        let out = Out::new(out_options, "out_options")?;
        let o = Box::new(signatur_train_options {
            train: TrainOptions::default(),
            features: FeatureConfig::default(),
            mode: TextMode::Mail,
        });
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { out.write(Box::into_raw(o)) };
        Ok(())
    })
}

/// Runs `f` on the options behind `options`.
///
/// # Safety
///
/// `options` must be NULL or live options not used by another thread.
unsafe fn update(
    function: &'static str,
    options: *mut signatur_train_options,
    f: impl FnOnce(&mut signatur_train_options) -> Result<(), Failure>,
) -> signatur_status {
    boundary(function, || {
        // SAFETY: the caller guarantees NULL or live options used by this thread only.
        f(unsafe { object_mut(options, "options") }?)
    })
}

/// Changes a copy of the options' feature configuration with `change` and keeps it only
/// if it validates, so a refused value leaves the options as they were.
fn set_features(
    o: &mut signatur_train_options,
    change: impl FnOnce(&mut FeatureConfig),
) -> Result<(), Failure> {
    let mut features = o.features.clone();
    change(&mut features);
    features.validate()?;
    o.features = features;
    Ok(())
}

/// Sets a named feature setting (a stemmer, a stop-word list) to the UTF-8 text `name`
/// with `set`, as [`set_features`] does.
///
/// # Safety
///
/// `options` NULL or live options not used by another thread; `name` NULL (only with `len`
/// 0) or readable for `len` bytes.
unsafe fn set_named_feature(
    function: &'static str,
    options: *mut signatur_train_options,
    name: *const u8,
    len: usize,
    set: impl FnOnce(&mut FeatureConfig, &str),
) -> signatur_status {
    let change = |o: &mut signatur_train_options| {
        // SAFETY: the caller guarantees `name` is readable for `len` bytes or NULL.
        let name = unsafe { text(name, len, "name") }?;
        set_features(o, |f| set(f, name))
    };
    // SAFETY: forwarded from this function's contract.
    unsafe { update(function, options, change) }
}

/// Sets the seed for splitting, ordering and initialisation: the same data, options and
/// seed give the same model.
///
/// # Safety
///
/// `options` must be live options not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_seed(
    options: *mut signatur_train_options,
    seed: u64,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        update("signatur_train_options_set_seed", options, |o| {
            o.train.seed = seed;
            Ok(())
        })
    }
}

/// Sets the number of passes over the data (1 to 1000).
///
/// # Safety
///
/// `options` must be live options not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_epochs(
    options: *mut signatur_train_options,
    epochs: u32,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        update("signatur_train_options_set_epochs", options, |o| {
            if !(1..=MAX_EPOCHS).contains(&epochs) {
                return Err(Failure::new(
                    signatur_status::InvalidInput,
                    format!("epochs {epochs} is outside 1..={MAX_EPOCHS}"),
                ));
            }
            o.train.epochs = epochs;
            Ok(())
        })
    }
}

/// Sets the precision the abstain thresholds are chosen to reach on held-out data, in
/// `(0, 1]`: higher means fewer automatic decisions, and fewer wrong ones.
///
/// # Safety
///
/// `options` must be live options not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_target_precision(
    options: *mut signatur_train_options,
    precision: f32,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        update(
            "signatur_train_options_set_target_precision",
            options,
            |o| {
                if !(precision > 0.0 && precision <= 1.0) {
                    return Err(Failure::new(
                        signatur_status::InvalidInput,
                        format!("target precision {precision} is not in (0, 1]"),
                    ));
                }
                o.train.target_precision = precision;
                Ok(())
            },
        )
    }
}

/// Sets the hidden size of a low-rank model (0: a linear model; at most 1024). Without
/// this call the model is linear up to 256 labels in total and low-rank above.
///
/// # Safety
///
/// `options` must be live options not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_hidden(
    options: *mut signatur_train_options,
    hidden: u32,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        update("signatur_train_options_set_hidden", options, |o| {
            if hidden > MAX_HIDDEN {
                return Err(Failure::new(
                    signatur_status::InvalidInput,
                    format!("hidden size {hidden} is above {MAX_HIDDEN}"),
                ));
            }
            o.train.hidden = Some(hidden as usize);
            Ok(())
        })
    }
}

/// Sets the number of hash buckets to `2^bits` (8 to 24): fewer make a smaller model that
/// confuses more words.
///
/// # Safety
///
/// `options` must be live options not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_hash_bits(
    options: *mut signatur_train_options,
    bits: u32,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        update("signatur_train_options_set_hash_bits", options, |o| {
            // Checked as given: narrowed first, 300 would be reported as 255.
            let bits = u8::try_from(bits).map_err(|_| {
                Failure::new(
                    signatur_status::InvalidInput,
                    format!("hash_bits {bits} is outside 8..=24"),
                )
            })?;
            set_features(o, |f| f.hash_bits = bits)
        })
    }
}

/// Sets the stemmer by name (UTF-8): `danish` (the default), `english` or `none`.
///
/// # Safety
///
/// `options` must be live options not used by another thread; `name` NULL (only with
/// `len` 0) or readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_stemmer(
    options: *mut signatur_train_options,
    name: *const u8,
    len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        set_named_feature(
            "signatur_train_options_set_stemmer",
            options,
            name,
            len,
            |f, n| f.stemmer = n.to_string(),
        )
    }
}

/// Sets by name (UTF-8) which stop words are left out of the word features:
/// `danish+english` (the default), `danish`, `english` or `none` (every word counts; for a
/// mailbox of English prose, see docs/cli.md).
///
/// # Safety
///
/// `options` must be live options not used by another thread; `name` NULL (only with
/// `len` 0) or readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_stop_words(
    options: *mut signatur_train_options,
    name: *const u8,
    len: usize,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        set_named_feature(
            "signatur_train_options_set_stop_words",
            options,
            name,
            len,
            |f, n| f.stop_words = n.to_string(),
        )
    }
}

/// Sets how message files are read: 1 reads each file as the plain UTF-8 text of a
/// message's body; 0 (the default) as RFC 5322 mail, or MeMo XML when it looks like it.
///
/// # Safety
///
/// `options` must be live options not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_plain_text(
    options: *mut signatur_train_options,
    plain_text: u8,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        update("signatur_train_options_set_plain_text", options, |o| {
            o.mode = if plain_text != 0 {
                TextMode::PlainText
            } else {
                TextMode::Mail
            };
            Ok(())
        })
    }
}

/// Sets how many linear models are trained side by side, each with an example order and
/// blankout of its own, and averaged into the one model (1 to 16; the default 2; 1 trains
/// one). The average of linear models is a linear model: the file and the time per decision
/// are those of one. The members train in waves of one to two per core, each with a weight
/// table of its own (21 MB for 20 labels at 2^18 buckets), so their SGD takes about
/// `max(1, members / cores)` times as long as one model's. A low-rank model always trains
/// one.
///
/// # Safety
///
/// `options` must be live options not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_ensemble(
    options: *mut signatur_train_options,
    members: u32,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        update("signatur_train_options_set_ensemble", options, |o| {
            if !(1..=MAX_ENSEMBLE).contains(&members) {
                return Err(Failure::new(
                    signatur_status::InvalidInput,
                    format!("ensemble {members} is outside 1..={MAX_ENSEMBLE}"),
                ));
            }
            o.train.ensemble = members;
            Ok(())
        })
    }
}

/// Sets the weight of the shared word space, relative to each field's own weight (finite
/// and at least 0; the default 1): the words of the subject, the body, the quotes and the
/// attachments' text also count as words of no particular field. 0 turns it off and trains
/// a model that library versions before the shared space can read.
///
/// # Safety
///
/// `options` must be live options not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_shared_words(
    options: *mut signatur_train_options,
    weight: f32,
) -> signatur_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        update("signatur_train_options_set_shared_words", options, |o| {
            set_features(o, |f| f.shared_words = weight)
        })
    }
}

/// Sets the weight of the field named by the UTF-8 text `(name, len)` (finite and at least
/// 0; 0 turns the field off): `subject`, `body`, `quoted`, `sender`, `recipient`,
/// `attachment_name`, `attachment_text` or `headers`, as `signatur train --field-weight`
/// takes them. The defaults are 1.5, 1, 0.5, 1, 1, 0.7, 0.8 and 0.5.
///
/// # Safety
///
/// `options` must be live options not used by another thread; `name` NULL (only with
/// `len` 0) or readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_set_field_weight(
    options: *mut signatur_train_options,
    name: *const u8,
    len: usize,
    weight: f32,
) -> signatur_status {
    boundary("signatur_train_options_set_field_weight", || {
        // SAFETY: the caller guarantees live options used by this thread only.
        let o = unsafe { object_mut(options, "options") }?;
        // SAFETY: the caller guarantees `name` is readable for `len` bytes or NULL.
        let name = unsafe { text(name, len, "name") }?;
        let field = Field::from_name(name).ok_or_else(|| {
            Failure::new(
                signatur_status::InvalidInput,
                format!("unknown field {name:?}"),
            )
        })?;
        set_features(o, |f| *f.fields.get_mut(field) = weight)
    })
}

/// Frees training options. NULL is a no-op; must not be called twice for the same options.
///
/// # Safety
///
/// `options` must be NULL or options from `signatur_train_options_new` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_options_free(options: *mut signatur_train_options) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_boxed("signatur_train_options_free", options) }
}

/// Trains a model from the labelled data set at the UTF-8 path `(data_path, len)`: a
/// directory with one folder of messages per label (one head, `label`), or a CSV / JSON
/// Lines manifest with a `path` column and one column per head, as `signatur train`
/// reads. Files that fail to parse are skipped and counted in the model's summary
/// (`signatur_model_summary_json` after loading it).
///
/// Blocks until done; reading, featurising and the averaged models' training use all
/// cores. On `SIGNATUR_STATUS_OK`, `*out_model` holds the bytes of the model file, to be
/// written to disk or loaded with `signatur_model_from_bytes`, and freed with
/// `signatur_bytes_free`; on failure nothing is written (`SIGNATUR_STATUS_IO` for a missing path, `SIGNATUR_STATUS_TRAINING` when no
/// model can be learnt from the data).
///
/// Thread safety: may be called from any number of threads at once.
///
/// # Safety
///
/// `data_path` must be NULL (only with `len` 0) or point to `len` readable bytes;
/// `options` must be live options not modified during the call; `out_model` must point to a
/// writable pointer.
#[no_mangle]
pub unsafe extern "C" fn signatur_train_from_path(
    data_path: *const u8,
    len: usize,
    options: *const signatur_train_options,
    out_model: *mut *mut signatur_bytes,
) -> signatur_status {
    boundary("signatur_train_from_path", || {
        let out = Out::new(out_model, "out_model")?;
        // SAFETY: the caller guarantees live options not modified during the call.
        let o = unsafe { object(options, "options") }?;
        // SAFETY: the caller guarantees `data_path` is readable for `len` bytes or NULL.
        let path = unsafe { text(data_path, len, "data_path") }?;
        if path.is_empty() {
            return Err(Failure::new(
                signatur_status::InvalidInput,
                "`data_path` is empty",
            ));
        }
        let dataset = Dataset::load(path)?;
        let featurizer = Featurizer::new(&o.features)?;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let prepared = prepare(&dataset, &featurizer, o.mode, threads, None);
        let (model, _report) = train_prepared(&prepared, &dataset.heads, &o.features, &o.train)?;
        let data = model.to_onnx()?;
        // SAFETY: `out` was checked and the caller guarantees it is writable.
        unsafe { out.write(Box::into_raw(Box::new(signatur_bytes { data }))) };
        Ok(())
    })
}

/// The bytes: `*out_data` points to `*out_len` bytes owned by `bytes`, valid until it is
/// freed.
///
/// # Safety
///
/// `bytes` must be a live buffer; `out_data` and `out_len` writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_bytes_data(
    bytes: *const signatur_bytes,
    out_data: *mut *const u8,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_bytes_data", || {
        let (out_data, out_len) = (
            Out::new(out_data, "out_data")?,
            Out::new(out_len, "out_len")?,
        );
        // SAFETY: the caller guarantees a live buffer.
        let b = unsafe { object(bytes, "bytes") }?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe {
            out_data.write(b.data.as_ptr());
            out_len.write(b.data.len());
        }
        Ok(())
    })
}

/// Frees bytes from the library. NULL is a no-op; must not be called twice for the same
/// buffer.
///
/// # Safety
///
/// `bytes` must be NULL or a buffer from this library not freed yet.
#[no_mangle]
pub unsafe extern "C" fn signatur_bytes_free(bytes: *mut signatur_bytes) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_boxed("signatur_bytes_free", bytes) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::status::signatur_last_error;

    fn last_error() -> String {
        let mut buf = [0u8; 256];
        let mut n = 0usize;
        // SAFETY: `buf` and `n` are live locals; `buf` holds `buf.len()` bytes.
        let status = unsafe { signatur_last_error(buf.as_mut_ptr().cast(), buf.len(), &mut n) };
        assert_eq!(status, signatur_status::Ok);
        String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned()
    }

    #[test]
    fn hash_bits_out_of_range_are_reported_as_given() {
        let mut o: *mut signatur_train_options = std::ptr::null_mut();
        // SAFETY: `o` is a live local; the options are used by this thread only and freed
        // once.
        unsafe {
            assert_eq!(signatur_train_options_new(&mut o), signatur_status::Ok);
            for bits in [300u32, 256, 25, 7] {
                assert_eq!(
                    signatur_train_options_set_hash_bits(o, bits),
                    signatur_status::InvalidInput
                );
                let msg = last_error();
                assert!(
                    msg.contains(&format!("hash_bits {bits} is outside 8..=24")),
                    "{bits}: {msg}"
                );
            }
            assert_eq!(
                signatur_train_options_set_hash_bits(o, 20),
                signatur_status::Ok
            );
            assert_eq!((*o).features.hash_bits, 20);
            signatur_train_options_free(o);
        }
    }
}
