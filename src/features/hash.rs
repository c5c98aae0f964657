//! The feature hash: fast, seeded, and the same on every platform.
//!
//! A model file stores only hashed feature ids, never the strings they came from, so the
//! hash must give the same ids on every machine that reads the file: little-endian reads,
//! no randomised state, and a documented algorithm (an FxHash-style word loop with a
//! MurmurHash3 `fmix64` finaliser).

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
#[inline]
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hashes `bytes` under `seed` (the model's hash seed mixed with a feature namespace).
#[inline]
pub fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    fmix64(h)
}

/// Combines two hashes in order (`a` then `b`): for word bigrams.
#[inline]
pub fn combine(a: u64, b: u64) -> u64 {
    fmix64(a.rotate_left(23) ^ b.wrapping_mul(K))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_stable_across_versions_and_platforms() {
        // Pinned values: a change here breaks every model file ever written.
        assert_eq!(hash_bytes(0, b""), fmix64(0));
        assert_eq!(hash_bytes(1, b"byggesag"), hash_bytes(1, b"byggesag"));
        assert_ne!(hash_bytes(1, b"byggesag"), hash_bytes(2, b"byggesag"));
        assert_ne!(combine(1, 2), combine(2, 1));
        assert_eq!(hash_bytes(42, b"ans\xc3\xb8gning"), 0xd09b_f70b_1d98_35eb);
    }
}
