//! Proof of work: the compact "nBits" form of a 256-bit target, and the
//! check that a block hash, read as a little-endian 256-bit number, is at or
//! below it.

use super::hash::Hash256;
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// A 256-bit unsigned number as four 64-bit limbs, least significant first.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Target(pub [u64; 4]);

impl Target {
    /// Mainnet's easiest allowed target, 2^224 − 1 (nBits 0x1d00ffff is the
    /// largest compact form under it).
    pub const MAINNET_LIMIT: Target = Target([u64::MAX, u64::MAX, u64::MAX, 0x0000_0000_ffff_ffff]);

    /// The target in nBits, as Bitcoin Core's `SetCompact` reads it: the top
    /// byte is a length in bytes, the low 23 bits a mantissa, bit 23 a sign.
    pub fn from_bits(bits: u32) -> Result<Target, PowError> {
        let size = bits >> 24;
        let mut word = bits & 0x007f_ffff;
        if word == 0 {
            return Err(PowError::ZeroTarget { bits });
        }
        if bits & 0x0080_0000 != 0 {
            return Err(PowError::NegativeTarget { bits });
        }
        if size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32) {
            return Err(PowError::TargetOverflow { bits });
        }
        let mut limbs = [0u64; 4];
        if size <= 3 {
            word >>= 8 * (3 - size);
            limbs[0] = u64::from(word);
        } else {
            // word << 8·(size−3), spread over the limbs; bits above 256 are
            // zero because of the overflow check.
            let shift = 8 * (size - 3);
            let (limb, bit) = ((shift / 64) as usize, shift % 64);
            let wide = u128::from(word) << bit;
            for (k, part) in [wide as u64, (wide >> 64) as u64].into_iter().enumerate() {
                if let Some(slot) = limbs.get_mut(limb + k) {
                    *slot = part;
                }
            }
        }
        if limbs == [0; 4] {
            return Err(PowError::ZeroTarget { bits });
        }
        Ok(Target(limbs))
    }

    /// A hash read as a little-endian 256-bit number.
    pub fn from_hash(hash: &Hash256) -> Target {
        let mut limbs = [0u64; 4];
        for (limb, chunk) in limbs.iter_mut().zip(hash.0.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *limb = u64::from_le_bytes(b);
        }
        Target(limbs)
    }

    /// Whether `hash` (as a number) is at or below this target.
    pub fn is_met_by(&self, hash: &Hash256) -> bool {
        Target::from_hash(hash) <= *self
    }
}

impl PartialOrd for Target {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Target {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

impl fmt::Display for Target {
    /// 64 hex digits, most significant first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for limb in self.0.iter().rev() {
            write!(f, "{limb:016x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self})")
    }
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a header fails proof of work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "error", rename_all = "kebab-case")]
pub enum PowError {
    /// nBits encodes zero.
    ZeroTarget {
        /// The nBits.
        bits: u32,
    },
    /// nBits has its sign bit set.
    NegativeTarget {
        /// The nBits.
        bits: u32,
    },
    /// nBits encodes a number over 256 bits.
    TargetOverflow {
        /// The nBits.
        bits: u32,
    },
    /// The target is easier than the network allows.
    AboveLimit {
        /// The target.
        target: Target,
    },
    /// The hash is above the target: no proof of work.
    HashAboveTarget {
        /// The block hash.
        hash: Hash256,
        /// The target it misses.
        target: Target,
    },
}

impl fmt::Display for PowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PowError::ZeroTarget { bits } => write!(f, "nBits {bits:08x} encodes a zero target"),
            PowError::NegativeTarget { bits } => {
                write!(f, "nBits {bits:08x} encodes a negative target")
            }
            PowError::TargetOverflow { bits } => {
                write!(f, "nBits {bits:08x} encodes a target over 256 bits")
            }
            PowError::AboveLimit { target } => {
                write!(f, "target {target} is above the proof-of-work limit")
            }
            PowError::HashAboveTarget { hash, target } => {
                write!(f, "hash {hash} is above target {target}")
            }
        }
    }
}

impl std::error::Error for PowError {}

/// Checks `hash` against the target in `bits`, which must be within `limit`.
pub fn check(hash: &Hash256, bits: u32, limit: &Target) -> Result<Target, PowError> {
    let target = Target::from_bits(bits)?;
    if target > *limit {
        return Err(PowError::AboveLimit { target });
    }
    if !target.is_met_by(hash) {
        return Err(PowError::HashAboveTarget {
            hash: *hash,
            target,
        });
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesis_bits_decode_to_just_under_the_mainnet_limit() {
        let t = Target::from_bits(0x1d00_ffff).unwrap();
        assert!(t < Target::MAINNET_LIMIT);
        assert_eq!(
            t.to_string(),
            "00000000ffff0000000000000000000000000000000000000000000000000000"
        );
    }

    #[test]
    fn compact_edge_cases_follow_set_compact() {
        // Examples from Bitcoin Core's arith_uint256 tests.
        assert_eq!(Target::from_bits(0x0112_3456).unwrap().0, [0x12, 0, 0, 0]);
        assert_eq!(Target::from_bits(0x0200_8000).unwrap().0, [0x80, 0, 0, 0]);
        assert_eq!(
            Target::from_bits(0x0412_3456).unwrap().0,
            [0x1234_5600, 0, 0, 0]
        );
        assert_eq!(
            Target::from_bits(0x2012_3456).unwrap().0,
            [0, 0, 0, 0x0012_3456 << 40]
        );
        assert_eq!(
            Target::from_bits(0x0492_3456),
            Err(PowError::NegativeTarget { bits: 0x0492_3456 })
        );
        assert_eq!(
            Target::from_bits(0x0000_0000),
            Err(PowError::ZeroTarget { bits: 0 })
        );
        assert_eq!(
            Target::from_bits(0x0100_3456),
            Err(PowError::ZeroTarget { bits: 0x0100_3456 })
        );
        assert_eq!(
            Target::from_bits(0xff12_3456),
            Err(PowError::TargetOverflow { bits: 0xff12_3456 })
        );
        assert!(Target::from_bits(0x2200_00ff).is_ok());
        assert!(Target::from_bits(0x2200_0100).is_err());
    }

    #[test]
    fn comparison_is_numeric_from_the_top_limb() {
        let mut low = [0u8; 32];
        low[0] = 0xff; // least significant byte
        let mut high = [0u8; 32];
        high[31] = 1; // most significant byte
        let t = Target([0, 0, 0, 1 << 56]);
        assert!(t.is_met_by(&Hash256(low)));
        assert!(t.is_met_by(&Hash256(high)));
        assert!(!Target([u64::MAX, u64::MAX, u64::MAX, 0]).is_met_by(&Hash256(high)));
    }
}
