//! A fast hash for maps keyed by our own content.

use std::collections::HashMap;

/// A map with [`FastHash`].
pub type FastMap<K, V> = HashMap<K, V, FastHash>;

/// A set with [`FastHash`].
pub type FastSet<T> = std::collections::HashSet<T, FastHash>;

/// FxHash's multiply-rotate: the index hashes millions of short words and the
/// preview looks up tens of thousands of paths after each save, which std's
/// DoS-resistant SipHash makes slow for no gain (the keys are our own content).
#[derive(Default, Clone, Copy)]
pub struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        for &byte in chunks.remainder() {
            self.add(u64::from(byte));
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}
