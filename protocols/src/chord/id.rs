//! Chord identifiers: SHA-1 digests reduced to `M` bits, and the arithmetic
//! mod `2^M` that finger tables and ring intervals need.
//!
//! **Reduction rule.** The 20-byte SHA-1 digest is read as a big-endian
//! unsigned integer and reduced mod `2^M`, i.e. only its low `M` bits are
//! kept (Python: `int.from_bytes(sha1(x).digest(), 'big') % 2**M`). With
//! `M = 160` the identifier is the whole digest.
//!
//! **What is hashed.** A node's name is the text `host:port` of its endpoint
//! (`127.0.0.1:43544`; IPv6 hosts in brackets, `[::1]:43544`, as
//! [`SocketAddr`]'s `Display` writes them); a key is its own UTF-8 text
//! (the course's `PlayerId + Year`, e.g. `tomfarris/25138611948`).

use rand::RngCore;
use sha1::{Digest, Sha1};
use std::fmt;
use std::net::SocketAddr;

/// An identifier on the ring: an unsigned integer below `2^M` for some
/// [`IdSpace`] with `M <= 160`. Ordered numerically.
///
/// Stored as a 32-bit high part and a 128-bit low part so that comparisons
/// and additions are a couple of machine operations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id {
    // Field order matters: the derived `Ord` compares `hi` first.
    hi: u32,
    lo: u128,
}

impl Id {
    /// Zero.
    pub const ZERO: Id = Id { hi: 0, lo: 0 };

    /// The identifier of a 160-bit big-endian integer (not reduced).
    pub fn from_be_bytes(bytes: [u8; 20]) -> Id {
        let mut hi = [0u8; 4];
        let mut lo = [0u8; 16];
        hi.copy_from_slice(&bytes[..4]);
        lo.copy_from_slice(&bytes[4..]);
        Id {
            hi: u32::from_be_bytes(hi),
            lo: u128::from_be_bytes(lo),
        }
    }

    /// The 160-bit big-endian form.
    pub fn to_be_bytes(self) -> [u8; 20] {
        let mut out = [0u8; 20];
        out[..4].copy_from_slice(&self.hi.to_be_bytes());
        out[4..].copy_from_slice(&self.lo.to_be_bytes());
        out
    }

    /// A small identifier (not reduced: use [`IdSpace::from_u128`] for that).
    pub const fn from_u128(value: u128) -> Id {
        Id { hi: 0, lo: value }
    }

    /// The value, if it fits in 128 bits.
    pub fn to_u128(self) -> Option<u128> {
        (self.hi == 0).then_some(self.lo)
    }

    /// The number of significant bits (0 for zero, 160 if the top bit is set).
    pub fn bit_len(self) -> u32 {
        if self.hi != 0 {
            160 - self.hi.leading_zeros()
        } else {
            128 - self.lo.leading_zeros()
        }
    }

    /// The top 64 of the 160 bits, shifted so that the top bit of an `M`-bit
    /// space lands on bit 63: order-preserving (`a <= b` implies
    /// `a.prefix64(m) <= b.prefix64(m)`), and one-to-one when `M <= 64`.
    pub(crate) fn prefix64(self, bits: u32) -> u64 {
        if bits >= 96 {
            // self >> (bits - 64), computed from self >> 32 (fits in 128 bits).
            let wide = (u128::from(self.hi) << 96) | (self.lo >> 32);
            (wide >> (bits - 96)) as u64
        } else if bits >= 64 {
            (self.lo >> (bits - 64)) as u64
        } else {
            (self.lo << (64 - bits)) as u64
        }
    }

    /// `self + other` mod `2^160`.
    fn wrapping_add(self, other: Id) -> Id {
        let (lo, carry) = self.lo.overflowing_add(other.lo);
        let hi = self
            .hi
            .wrapping_add(other.hi)
            .wrapping_add(u32::from(carry));
        Id { hi, lo }
    }

    /// `self - other` mod `2^160`.
    fn wrapping_sub(self, other: Id) -> Id {
        let (lo, borrow) = self.lo.overflowing_sub(other.lo);
        let hi = self
            .hi
            .wrapping_sub(other.hi)
            .wrapping_sub(u32::from(borrow));
        Id { hi, lo }
    }

    fn and(self, mask: Id) -> Id {
        Id {
            hi: self.hi & mask.hi,
            lo: self.lo & mask.lo,
        }
    }
}

/// Decimal.
impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hi == 0 {
            return write!(f, "{}", self.lo);
        }
        // Schoolbook division of the big-endian bytes by 10^19.
        const CHUNK: u64 = 10_000_000_000_000_000_000;
        let mut limbs = [u64::from(self.hi), 0, 0];
        limbs[1] = (self.lo >> 64) as u64;
        limbs[2] = self.lo as u64;
        let mut chunks = Vec::new();
        while limbs.iter().any(|&l| l != 0) {
            let mut rem: u128 = 0;
            for limb in &mut limbs {
                let cur = (rem << 64) | u128::from(*limb);
                *limb = (cur / u128::from(CHUNK)) as u64;
                rem = cur % u128::from(CHUNK);
            }
            chunks.push(rem as u64);
        }
        let mut text = String::new();
        for (i, chunk) in chunks.iter().rev().enumerate() {
            if i == 0 {
                text.push_str(&chunk.to_string());
            } else {
                text.push_str(&format!("{chunk:019}"));
            }
        }
        f.pad(&text)
    }
}

/// 40 hex digits (the whole 160-bit field, as `sha1().hexdigest()` prints).
impl fmt::LowerHex for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}{:032x}", self.hi, self.lo)
    }
}

/// An `M` outside `1..=160`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadBits(pub u32);

impl fmt::Display for BadBits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "identifier bits M = {} is outside 1..=160", self.0)
    }
}

impl std::error::Error for BadBits {}

/// The identifier space `0 .. 2^M`: the modulus every operation reduces by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdSpace {
    bits: u32,
    mask: Id,
}

impl IdSpace {
    /// The full SHA-1 width, 160 bits (the course's normal `M`).
    pub const SHA1_BITS: u32 = 160;
    /// The course's test width, `M = 3` (8 identifiers).
    pub const TEST_BITS: u32 = 3;

    /// The space of `M`-bit identifiers, `M` in `1..=160`.
    pub fn new(bits: u32) -> Result<IdSpace, BadBits> {
        if !(1..=Self::SHA1_BITS).contains(&bits) {
            return Err(BadBits(bits));
        }
        let mask = if bits >= 128 {
            Id {
                hi: if bits == 160 {
                    u32::MAX
                } else {
                    (1u32 << (bits - 128)) - 1
                },
                lo: u128::MAX,
            }
        } else {
            Id {
                hi: 0,
                lo: (1u128 << bits) - 1,
            }
        };
        Ok(IdSpace { bits, mask })
    }

    /// The 160-bit space.
    pub fn sha1() -> IdSpace {
        IdSpace {
            bits: Self::SHA1_BITS,
            mask: Id {
                hi: u32::MAX,
                lo: u128::MAX,
            },
        }
    }

    /// `M`.
    pub fn bits(self) -> u32 {
        self.bits
    }

    /// The largest identifier, `2^M - 1`.
    pub fn max(self) -> Id {
        self.mask
    }

    /// `id mod 2^M`.
    pub fn reduce(self, id: Id) -> Id {
        id.and(self.mask)
    }

    /// Whether `id < 2^M`.
    pub fn contains(self, id: Id) -> bool {
        id <= self.mask
    }

    /// `value mod 2^M`.
    pub fn from_u128(self, value: u128) -> Id {
        self.reduce(Id::from_u128(value))
    }

    /// SHA-1 of `bytes`, reduced to `M` bits (see the module docs).
    pub fn hash(self, bytes: &[u8]) -> Id {
        let digest: [u8; 20] = Sha1::digest(bytes).into();
        self.reduce(Id::from_be_bytes(digest))
    }

    /// A key's identifier: SHA-1 of its UTF-8 text.
    pub fn key_id(self, key: &str) -> Id {
        self.hash(key.as_bytes())
    }

    /// A node's identifier: SHA-1 of the text `host:port`.
    pub fn node_id(self, addr: SocketAddr) -> Id {
        self.hash(addr.to_string().as_bytes())
    }

    /// `(a + b) mod 2^M`.
    pub fn add(self, a: Id, b: Id) -> Id {
        self.reduce(a.wrapping_add(b))
    }

    /// `(a - b) mod 2^M`: the clockwise distance from `b` to `a`.
    pub fn sub(self, a: Id, b: Id) -> Id {
        self.reduce(a.wrapping_sub(b))
    }

    /// `2^k mod 2^M` (zero when `k >= M`).
    pub fn pow2(self, k: u32) -> Id {
        if k >= self.bits {
            Id::ZERO
        } else if k >= 128 {
            Id {
                hi: 1 << (k - 128),
                lo: 0,
            }
        } else {
            Id { hi: 0, lo: 1 << k }
        }
    }

    /// `(a + 2^k) mod 2^M`.
    pub fn add_pow2(self, a: Id, k: u32) -> Id {
        self.add(a, self.pow2(k))
    }

    /// A uniformly random identifier (160 random bits, reduced): the model of
    /// a SHA-1 output the paper's simulations use.
    pub fn random<R: RngCore + ?Sized>(self, rng: &mut R) -> Id {
        let mut bytes = [0u8; 20];
        rng.fill_bytes(&mut bytes);
        self.reduce(Id::from_be_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn space(bits: u32) -> IdSpace {
        IdSpace::new(bits).unwrap()
    }

    /// The data README's vectors: SHA-1 hex, and the id mod 2^3 and 2^7.
    const VECTORS: [(&str, &str, u128, u128); 4] = [
        (
            "tomfarris/25138611948",
            "f13da84b50758ff71224bc056fdd83df007dff2f",
            7,
            47,
        ),
        (
            "tomfarris/25138611947",
            "29a48ace6f447f5ae5c29d79729644356ef73c68",
            0,
            104,
        ),
        (
            "tomfarris/25138611946",
            "d74b6b61de1c9d830f2e804151e17da84a83f9d1",
            1,
            81,
        ),
        (
            "billanderson/25085341958",
            "e23185adc48a927213df7085fe66ad0da03fdcdc",
            4,
            92,
        ),
    ];

    #[test]
    fn sha1_vectors_from_the_data_readme() {
        for (key, hex, mod8, mod128) in VECTORS {
            assert_eq!(format!("{:x}", IdSpace::sha1().key_id(key)), hex, "{key}");
            assert_eq!(space(3).key_id(key), Id::from_u128(mod8), "{key}");
            assert_eq!(space(7).key_id(key), Id::from_u128(mod128), "{key}");
        }
    }

    #[test]
    fn node_ids_hash_host_colon_port() {
        let addr: SocketAddr = "127.0.0.1:43544".parse().unwrap();
        let s = IdSpace::sha1();
        assert_eq!(s.node_id(addr), s.hash(b"127.0.0.1:43544"));
        let v6: SocketAddr = "[::1]:43544".parse().unwrap();
        assert_eq!(s.node_id(v6), s.hash(b"[::1]:43544"));
    }

    #[test]
    fn bits_outside_1_to_160_are_refused() {
        assert_eq!(IdSpace::new(0), Err(BadBits(0)));
        assert_eq!(IdSpace::new(161), Err(BadBits(161)));
        assert_eq!(IdSpace::new(160).unwrap(), IdSpace::sha1());
        assert_eq!(space(3).max(), Id::from_u128(7));
        assert_eq!(space(128).max(), Id::from_u128(u128::MAX));
        assert_eq!(space(129).max().bit_len(), 129);
    }

    #[test]
    fn arithmetic_wraps_at_2_to_the_m() {
        let s = space(3);
        let n = |v| Id::from_u128(v);
        assert_eq!(s.add(n(6), n(3)), n(1));
        assert_eq!(s.sub(n(1), n(3)), n(6));
        assert_eq!(s.add_pow2(n(6), 2), n(2));
        assert_eq!(s.pow2(3), Id::ZERO);
        let big = IdSpace::sha1();
        assert_eq!(big.add(big.max(), n(1)), Id::ZERO);
        assert_eq!(big.sub(Id::ZERO, n(1)), big.max());
        assert_eq!(big.pow2(159).bit_len(), 160);
        // A carry from the low 128 bits into the high 32.
        assert_eq!(big.add_pow2(n(u128::MAX), 0), big.pow2(128));
    }

    #[test]
    fn display_is_decimal_and_hex_is_40_digits() {
        assert_eq!(Id::from_u128(6).to_string(), "6");
        assert_eq!(
            IdSpace::sha1().max().to_string(),
            "1461501637330902918203684832716283019655932542975"
        );
        assert_eq!(
            IdSpace::sha1().pow2(128).to_string(),
            "340282366920938463463374607431768211456"
        );
        assert_eq!(
            format!("{:x}", Id::from_u128(255)),
            format!("{:0>40}", "ff")
        );
    }

    fn arb_id() -> impl Strategy<Value = Id> {
        proptest::array::uniform20(any::<u8>()).prop_map(Id::from_be_bytes)
    }

    proptest! {
        #[test]
        fn add_and_sub_agree_with_u128_below_128_bits(
            bits in 1u32..=127, a in any::<u128>(), b in any::<u128>(),
        ) {
            let s = space(bits);
            let m = (1u128 << bits) - 1;
            let (x, y) = (s.from_u128(a), s.from_u128(b));
            prop_assert_eq!(s.add(x, y), Id::from_u128((a & m).wrapping_add(b & m) & m));
            prop_assert_eq!(s.sub(x, y), Id::from_u128((a & m).wrapping_sub(b & m) & m));
        }

        #[test]
        fn sub_undoes_add(bits in 1u32..=160, a in arb_id(), b in arb_id()) {
            let s = space(bits);
            let (a, b) = (s.reduce(a), s.reduce(b));
            prop_assert_eq!(s.sub(s.add(a, b), b), a);
            prop_assert!(s.contains(s.add(a, b)));
        }

        #[test]
        fn bytes_round_trip(a in arb_id()) {
            prop_assert_eq!(Id::from_be_bytes(a.to_be_bytes()), a);
        }

        #[test]
        fn prefix64_preserves_order(bits in 1u32..=160, a in arb_id(), b in arb_id()) {
            let s = space(bits);
            let (a, b) = (s.reduce(a), s.reduce(b));
            if a <= b {
                prop_assert!(a.prefix64(bits) <= b.prefix64(bits));
            }
            if bits <= 64 {
                prop_assert_eq!(a == b, a.prefix64(bits) == b.prefix64(bits));
            }
        }
    }
}
