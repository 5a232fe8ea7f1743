//! Double SHA-256 and the 32-byte hashes Bitcoin names things by.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// A 32-byte hash in internal byte order (as it is on the wire). It displays
/// byte-reversed, as block explorers and Bitcoin Core show hashes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash256(pub [u8; 32]);

impl Hash256 {
    /// All zeros (the genesis block's previous hash, the coinbase's wtxid).
    pub const ZERO: Hash256 = Hash256([0; 32]);

    /// The bytes in internal (wire) order.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut reversed = self.0;
        reversed.reverse();
        f.write_str(&to_hex(&reversed))
    }
}

impl fmt::Debug for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash256({self})")
    }
}

/// A display-order hex string that is not 64 hex digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseHashError;

impl fmt::Display for ParseHashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a hash is 64 hex digits")
    }
}

impl std::error::Error for ParseHashError {}

impl FromStr for Hash256 {
    type Err = ParseHashError;

    /// Parses the display form (byte-reversed hex).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = from_hex(s).ok_or(ParseHashError)?;
        let mut out: [u8; 32] = bytes.try_into().map_err(|_| ParseHashError)?;
        out.reverse();
        Ok(Hash256(out))
    }
}

impl Serialize for Hash256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hash256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// SHA-256's initial state.
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The padding block that follows exactly 64 bytes of input.
const PAD_AFTER_64: [u8; 64] = {
    let mut b = [0u8; 64];
    b[0] = 0x80;
    b[62] = 0x02; // 512 bits
    b
};

fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// SHA-256 of a 32-byte input: a single compression of the input and its
/// padding, without the general hasher's buffering.
fn sha256_32(input: &[u8; 32]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(input);
    block[32] = 0x80;
    block[62] = 0x01; // 256 bits
    let mut state = IV;
    sha2::compress256(&mut state, &[block.into()]);
    state_bytes(&state)
}

/// Double SHA-256 of a 64-byte input (a merkle node's two children): three
/// compressions, with the padding blocks precomputed.
pub fn sha256d_64(input: &[u8; 64]) -> Hash256 {
    let mut state = IV;
    sha2::compress256(&mut state, &[(*input).into(), PAD_AFTER_64.into()]);
    Hash256(sha256_32(&state_bytes(&state)))
}

/// SHA-256 of SHA-256 of `bytes`: block hashes, txids, merkle nodes, checksums.
pub fn sha256d(bytes: &[u8]) -> Hash256 {
    Hash256(sha256_32(&sha256(bytes)))
}

/// [`sha256d`] of the concatenation of `parts`, without copying them together.
pub fn sha256d_parts(parts: &[&[u8]]) -> Hash256 {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    Hash256(sha256_32(&h.finalize().into()))
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Bytes of a hex string (either case; ASCII whitespace is ignored), or
/// `None` if it holds anything else or an odd number of digits.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| {
            char::from(b)
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok())
        })
        .collect::<Option<_>>()?;
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    Some(digits.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcuts_agree_with_the_general_hasher() {
        for len in [0usize, 1, 31, 32, 33, 55, 56, 63, 64, 65, 200] {
            let data: Vec<u8> = (0..len).map(|i| i as u8 ^ 0x5a).collect();
            assert_eq!(sha256d(&data).0, sha256(&sha256(&data)), "{len}");
        }
        let pair: [u8; 64] = std::array::from_fn(|i| i as u8);
        assert_eq!(sha256d_64(&pair).0, sha256(&sha256(&pair)));
    }

    #[test]
    fn empty_payload_checksum_is_the_known_constant() {
        assert_eq!(sha256d(b"").0[..4], [0x5d, 0xf6, 0xe0, 0xe2]);
        assert_eq!(sha256d_parts(&[b"ab", b"", b"c"]), sha256d(b"abc"));
    }

    #[test]
    fn display_is_byte_reversed_and_parses_back() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0x6f;
        bytes[31] = 0x01;
        let h = Hash256(bytes);
        let text = h.to_string();
        assert!(text.starts_with("01") && text.ends_with("6f"), "{text}");
        assert_eq!(text.parse::<Hash256>(), Ok(h));
        assert_eq!("12".parse::<Hash256>(), Err(ParseHashError));
        assert_eq!(from_hex("0aFf\n"), Some(vec![0x0a, 0xff]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }
}
