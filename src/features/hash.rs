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
        h = (h.rotate_left(5) ^ tail(rest)).wrapping_mul(K);
    }
    fmix64(h)
}

/// The 1 to 7 bytes of `rest`, little-endian, zero-padded to a `u64`: what copying them into
/// a zeroed `[u8; 8]` and reading that gives, without the copy. Most hashed keys are
/// character n-grams of 3 to 6 bytes, and perf put a third of the feature stage's hashing
/// on reading the copy back (the byte-wise copy's stores cannot be forwarded to one 8-byte
/// load).
#[inline]
fn tail(rest: &[u8]) -> u64 {
    let n = rest.len();
    if n >= 4 {
        // Two 4-byte reads that overlap in the middle when `n < 8`.
        let lo = u64::from(u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]));
        let hi = u64::from(u32::from_le_bytes([
            rest[n - 4],
            rest[n - 3],
            rest[n - 2],
            rest[n - 1],
        ]));
        lo | hi << (8 * (n - 4))
    } else {
        // First, middle and last byte (some the same when `n < 3`).
        u64::from(rest[0])
            | u64::from(rest[n / 2]) << (8 * (n / 2))
            | u64::from(rest[n - 1]) << (8 * (n - 1))
    }
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

    #[test]
    fn the_tail_reads_as_a_zero_padded_copy() {
        let bytes: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
        for start in 0..8 {
            for n in 1..8 {
                let rest = &bytes[start..start + n];
                let mut w = [0u8; 8];
                w[..n].copy_from_slice(rest);
                assert_eq!(tail(rest), u64::from_le_bytes(w), "{rest:?}");
            }
        }
        // Pinned from the copying version: n-grams of 3, 5 and 5 bytes.
        assert_eq!(hash_bytes(0, b"<an"), 0xe9dd_7d6e_ea93_7bd1);
        assert_eq!(hash_bytes(0, b"<byg>"), 0xe1cc_d595_b110_73a9);
        assert_eq!(hash_bytes(9, "øst>".as_bytes()), 0xa10a_b684_d6d9_4e0d);
    }
}
