//! A cursor over bytes whose every read names the field it reads, so a
//! short input fails with [`Error::Truncated`] saying where.

use super::error::Error;
use super::hash::Hash256;

/// Reads little-endian fields from a byte slice, front to back.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// Offset of the next byte to read.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The whole input (read and unread).
    pub fn input(&self) -> &'a [u8] {
        self.bytes
    }

    /// The next `n` bytes, for `field`.
    #[inline]
    pub fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], Error> {
        match self.bytes.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(slice) => {
                self.pos += n;
                Ok(slice)
            }
            None => Err(Error::Truncated {
                field,
                needed: n as u64,
                have: self.remaining() as u64,
            }),
        }
    }

    /// The next `N` bytes as an array.
    #[inline]
    pub fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], Error> {
        let slice = self.take(N, field)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// One byte.
    #[inline]
    pub fn u8(&mut self, field: &'static str) -> Result<u8, Error> {
        Ok(self.array::<1>(field)?[0])
    }

    /// A boolean byte (0 or 1; anything else is [`Error::BadBool`]).
    pub fn bool(&mut self, field: &'static str) -> Result<bool, Error> {
        match self.u8(field)? {
            0 => Ok(false),
            1 => Ok(true),
            value => Err(Error::BadBool { field, value }),
        }
    }

    /// A little-endian `u16`.
    #[inline]
    pub fn u16_le(&mut self, field: &'static str) -> Result<u16, Error> {
        self.array(field).map(u16::from_le_bytes)
    }

    /// A big-endian `u16` (the port of a network address).
    pub fn u16_be(&mut self, field: &'static str) -> Result<u16, Error> {
        self.array(field).map(u16::from_be_bytes)
    }

    /// A little-endian `u32`.
    #[inline]
    pub fn u32_le(&mut self, field: &'static str) -> Result<u32, Error> {
        self.array(field).map(u32::from_le_bytes)
    }

    /// A little-endian `i32`.
    #[inline]
    pub fn i32_le(&mut self, field: &'static str) -> Result<i32, Error> {
        self.array(field).map(i32::from_le_bytes)
    }

    /// A little-endian `u64`.
    #[inline]
    pub fn u64_le(&mut self, field: &'static str) -> Result<u64, Error> {
        self.array(field).map(u64::from_le_bytes)
    }

    /// A little-endian `i64`.
    pub fn i64_le(&mut self, field: &'static str) -> Result<i64, Error> {
        self.array(field).map(i64::from_le_bytes)
    }

    /// A 32-byte hash in wire order.
    #[inline]
    pub fn hash(&mut self, field: &'static str) -> Result<Hash256, Error> {
        self.array(field).map(Hash256)
    }

    /// Fails with [`Error::TrailingBytes`] unless every byte was read.
    pub fn finish(&self, field: &'static str) -> Result<(), Error> {
        match self.remaining() {
            0 => Ok(()),
            extra => Err(Error::TrailingBytes {
                field,
                extra: extra as u64,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_the_field_that_ran_out() {
        let mut r = Reader::new(&[1, 0, 0, 0, 0xff, 0x02]);
        assert_eq!(r.u32_le("a"), Ok(1));
        assert_eq!(
            r.u32_le("version"),
            Err(Error::Truncated {
                field: "version",
                needed: 4,
                have: 2
            })
        );
        assert_eq!(r.u16_be("port"), Ok(0xff02));
        assert_eq!(r.finish("x"), Ok(()));
        let mut r = Reader::new(&[2, 7]);
        assert_eq!(
            r.bool("relay"),
            Err(Error::BadBool {
                field: "relay",
                value: 2
            })
        );
        assert_eq!(
            r.finish("msg"),
            Err(Error::TrailingBytes {
                field: "msg",
                extra: 1
            })
        );
        assert!(Reader::new(&[]).take(usize::MAX, "huge").is_err());
    }
}
