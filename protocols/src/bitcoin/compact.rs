//! CompactSize (Bitcoin's variable-length integer) and the bounded readers
//! built on it: a count is checked against its protocol limit *and* against
//! the bytes actually left before anything is allocated for it.

use super::error::Error;
use super::reader::Reader;

/// Bitcoin Core's `MAX_SIZE`: the largest length any CompactSize-prefixed
/// field may claim, and the largest message payload (32 MiB).
pub const MAX_SIZE: u64 = 0x0200_0000;

/// Appends the CompactSize encoding of `n`.
pub fn write_compact(out: &mut Vec<u8>, n: u64) {
    match n {
        0..=0xfc => out.push(n as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xfe);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}

/// Bytes the CompactSize encoding of `n` takes.
pub fn compact_len(n: u64) -> usize {
    match n {
        0..=0xfc => 1,
        0xfd..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

/// Appends `bytes` prefixed with their length.
pub fn write_var_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_compact(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

impl<'a> Reader<'a> {
    /// A CompactSize in its shortest form (a longer one is
    /// [`Error::NonCanonical`], as in Bitcoin Core).
    #[inline]
    pub fn compact(&mut self, field: &'static str) -> Result<u64, Error> {
        let (value, min) = match self.u8(field)? {
            0xfd => (u64::from(self.u16_le(field)?), 0xfd),
            0xfe => (u64::from(self.u32_le(field)?), 0x1_0000),
            0xff => (self.u64_le(field)?, 0x1_0000_0000),
            small => return Ok(u64::from(small)),
        };
        if value < min {
            return Err(Error::NonCanonical { field });
        }
        Ok(value)
    }

    /// A count of elements that each take at least `min_len` bytes: over
    /// `max` is [`Error::TooMany`]; more than the remaining bytes can hold is
    /// [`Error::Truncated`]. So `Vec::with_capacity(count)` is bounded by
    /// the input's size.
    #[inline]
    pub fn count(&mut self, field: &'static str, max: u64, min_len: u64) -> Result<usize, Error> {
        let count = self.compact(field)?;
        if count > max {
            return Err(Error::TooMany { field, count, max });
        }
        let needed = count.saturating_mul(min_len);
        let have = self.remaining() as u64;
        if needed > have {
            return Err(Error::Truncated {
                field,
                needed,
                have,
            });
        }
        // count <= have <= usize::MAX here (min_len >= 1) or count <= max.
        usize::try_from(count).map_err(|_| Error::TooMany { field, count, max })
    }

    /// CompactSize-prefixed bytes of at most `max` bytes.
    #[inline]
    pub fn var_bytes(&mut self, field: &'static str, max: u64) -> Result<&'a [u8], Error> {
        let claimed = self.compact(field)?;
        if claimed > max {
            return Err(Error::TooLarge {
                field,
                claimed,
                max,
            });
        }
        match usize::try_from(claimed) {
            Ok(len) => self.take(len, field),
            Err(_) => Err(Error::TooLarge {
                field,
                claimed,
                max,
            }),
        }
    }

    /// A CompactSize-prefixed UTF-8 string of at most `max` bytes.
    pub fn var_str(&mut self, field: &'static str, max: u64) -> Result<String, Error> {
        let bytes = self.var_bytes(field, max)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| Error::BadUtf8 { field })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_sizes_round_trip_at_every_boundary() {
        for n in [
            0,
            0xfc,
            0xfd,
            0xffff,
            0x1_0000,
            0xffff_ffff,
            0x1_0000_0000,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            write_compact(&mut out, n);
            assert_eq!(out.len(), compact_len(n));
            let mut r = Reader::new(&out);
            assert_eq!(r.compact("n"), Ok(n));
            assert_eq!(r.remaining(), 0);
        }
    }

    #[test]
    fn long_forms_of_small_values_are_rejected() {
        for bytes in [
            &[0xfd, 0xfc, 0x00][..],
            &[0xfe, 0xff, 0xff, 0, 0],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        ] {
            assert_eq!(
                Reader::new(bytes).compact("n"),
                Err(Error::NonCanonical { field: "n" })
            );
        }
    }

    #[test]
    fn counts_are_bounded_by_limit_and_by_bytes_left() {
        let mut max = vec![0xff];
        max.extend_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(
            Reader::new(&max).count("inv.count", 50_000, 36),
            Err(Error::TooMany {
                field: "inv.count",
                count: u64::MAX,
                max: 50_000
            })
        );
        assert_eq!(
            Reader::new(&max).count("x", u64::MAX, 1),
            Err(Error::Truncated {
                field: "x",
                needed: u64::MAX,
                have: 0
            })
        );
        assert_eq!(
            Reader::new(&max).var_bytes("script", MAX_SIZE),
            Err(Error::TooLarge {
                field: "script",
                claimed: u64::MAX,
                max: MAX_SIZE
            })
        );
        assert_eq!(Reader::new(&[2, 1, 2]).count("c", 10, 1), Ok(2));
        assert_eq!(
            Reader::new(&[2, 0xff, 0xfe]).var_str("s", 10).unwrap_err(),
            Error::BadUtf8 { field: "s" }
        );
    }
}
