//! The C ABI: libsignatur for hosts written in C, C#, Java or anything else that can call C.
//!
//! The header `include/signatur.h` is generated from this module by cbindgen (run
//! `scripts/gen-header.sh`; a test fails when the committed header is stale). The design
//! follows rustls-ffi and SQLite:
//!
//! * one prefix, `signatur_` (`SIGNATUR_` for constants); functions are named
//!   `signatur_<type>_<verb>`; every type is an opaque handle;
//! * every fallible function returns a [`signatur_status`](status::signatur_status), 0 on
//!   success, and writes its outputs only on success (the one exception: the needed length
//!   on `SIGNATUR_STATUS_BUFFER_TOO_SMALL`); `signatur_last_error` gives a detailed message
//!   for the calling thread after any failure, also one before any handle exists, and
//!   `signatur_status_str` a static text per status;
//! * text goes in as `(const uint8_t *utf8, size_t len)`; invalid UTF-8 and a NULL pointer
//!   with a length are statuses; NULL with length 0 is the empty text;
//! * every handle has its own `_free`; `_free(NULL)` does nothing; memory from the library
//!   is never released with the host's `free()`; borrowed texts are NUL-terminated and
//!   live as long as the handle that lent them;
//! * no panic crosses the boundary: every body runs inside one panic boundary
//!   ([`status`]) that turns a panic into `SIGNATUR_STATUS_PANIC`;
//! * the model is shared by any number of threads; only `signatur_model_learn` and
//!   `signatur_model_remember` change it (behind its `const` pointer, under a lock); a
//!   decision owns what it reports, so the model and the message may be freed before it;
//! * no `bool` in signatures (C# marshals it as 4 bytes): flags are `uint8_t`; integers
//!   have fixed widths; enumerations are `uint32_t` constants.
//!
//! Everything `unsafe` in the crate lives in this module, and every `unsafe` block says why
//! it is sound. That is why `vector_state`, which the model's runtime calls after each
//! tract run, and `pages`, which it calls once per loaded model, are here too, though no
//! part of the C ABI: they are the crate's other boundaries with foreign code (tract's
//! assembly kernels, the kernel's memory management).

// The C names are the API: `signatur_model`, not `SignaturModel`.
#![allow(non_camel_case_types)]

// The order of these declarations is the order of the header (cbindgen follows it); each
// stands alone so that rustfmt keeps it.

// Status codes, the last error message, the panic boundary.
pub mod status;

// The library's version.
pub mod version;

// Loading models and classifying.
pub mod model;

// Options for a classification.
pub mod options;

// The host's case directory, as a callback.
pub mod directory;

// Messages from bytes, text and MeMo XML.
pub mod message;

// Messages from fields.
pub mod builder;

// Reading a decision.
pub mod decision;

// Redacting text.
pub mod text;

// Training.
pub mod train;

// Learning from corrections and exporting the updated model.
pub mod learn;

// Argument checking shared by the modules above.
mod input;

// The vector registers as tract's assembly kernels leave them (not part of the C ABI).
pub(crate) mod vector_state;

// Huge pages for the table tract gathers from (not part of the C ABI).
pub(crate) mod pages;
