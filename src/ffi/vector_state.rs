//! Clearing the upper halves of the vector registers after tract's assembly kernels.
//!
//! tract-linalg 0.23.9's x86-64 matrix kernels (the `x86_64/avx512/*.S.j2` and
//! `x86_64/fma/*.S.j2` templates, each family ending in its `postamble.j2`) return without
//! `vzeroupper`, so after a run the upper halves of the YMM/ZMM registers are "dirty".
//! Until something clears them, instructions in the legacy SSE encoding — which is what
//! Rust emits for the baseline x86-64 target, in this crate, in `std` and in tract's own
//! packing code — pay a penalty whose size depends on the processor (a false dependency
//! per instruction on recent Intel cores, a state transition on older ones, none on AMD).
//! On this project's Xeon (issue #18, stop 31, a temporary probe): tract's copy of a
//! gathered `[704, 20]` block into 16-row panels took 3.7 µs from a clean state and 85–90
//! µs after a run of `avx512_mmm_f32_16x1`, and 3.7 µs again after one `vzeroupper`.
//! Intel's guidance, and what oneDNN and BLIS do, is a `vzeroupper` when leaving AVX code;
//! tract does not, so [`crate::model`]'s runtime does it after each run.
//!
//! This file imports nothing from the crate: `model` calls it, and `ffi` is otherwise the
//! layer above `model`.

/// Clears the upper halves of the vector registers (`vzeroupper`) on an x86-64 processor
/// with AVX, which is what the code after tract's kernels needs; does nothing elsewhere.
///
/// One instruction and a cached feature test. Not inlined, so the clobbers below are
/// honoured at a call boundary rather than spread into the caller's loops.
#[inline(never)]
pub(crate) fn clear_upper_halves() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX and the OS saves its state (the macro tests both),
        // so the instruction exists.
        // `vzeroupper` writes only registers 0–15 of the vector file (bits 128 and up), no
        // memory and no flags. The block declares those registers clobbered, so even in a
        // build with AVX enabled the compiler keeps no live value in them across it.
        unsafe {
            std::arch::asm!(
                "vzeroupper",
                out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
                out("xmm4") _, out("xmm5") _, out("xmm6") _, out("xmm7") _,
                out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
                out("xmm12") _, out("xmm13") _, out("xmm14") _, out("xmm15") _,
                options(nomem, nostack, preserves_flags),
            )
        }
    }
}
