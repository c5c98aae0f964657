//! A hint to the processor to bring a cache line in before it is read.
//!
//! Used where a loop reads memory at random and knows the addresses ahead: weight rows of a
//! table far larger than the caches (`model`, `train`), and the per-thread stem cache of
//! featurisation (`features`).

/// Asks the processor to bring the cache line of `v` in (a hint: no effect on results,
/// and none where there is no prefetch instruction).
#[inline(always)]
pub(crate) fn prefetch<T>(v: &T) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    safe_arch::prefetch_t0(v);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = v;
}
