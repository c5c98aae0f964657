//! The library's version at run time, to check against the header's version macros.

use std::ffi::c_char;

use crate::ffi::status::boundary_or;

/// The version of the library that is linked, as `"MAJOR.MINOR.PATCH"`: a NUL-terminated
/// string in static storage, valid for the life of the process; never free it.
///
/// Compare it with `SIGNATUR_VERSION_MAJOR`/`_MINOR`/`_PATCH` from the header to detect a
/// program built against one version and run against another. Thread safety: may be called
/// from any number of threads at once.
#[no_mangle]
pub extern "C" fn signatur_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    boundary_or("signatur_version", VERSION.as_ptr().cast(), || {
        VERSION.as_ptr().cast()
    })
}
