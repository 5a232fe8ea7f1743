//! Bitcoin Core's `blk*.dat` files: records of network magic, a
//! little-endian `u32` length, and that many bytes of block.

use super::compact::MAX_SIZE;
use super::error::Error;
use super::reader::Reader;
use super::wire::Network;

/// The blocks of a `blk*.dat` file, in order; stops after the first error.
pub struct BlkDat<'a> {
    reader: Reader<'a>,
    magic: [u8; 4],
    failed: bool,
}

impl<'a> BlkDat<'a> {
    /// Records of `network` in `bytes`.
    pub fn new(bytes: &'a [u8], network: Network) -> Self {
        BlkDat {
            reader: Reader::new(bytes),
            magic: network.magic(),
            failed: false,
        }
    }

    fn record(&mut self) -> Result<&'a [u8], Error> {
        let got: [u8; 4] = self.reader.array("blkdat.magic")?;
        if got != self.magic {
            return Err(Error::WrongMagic {
                expected: self.magic,
                got,
            });
        }
        let len = self.reader.u32_le("blkdat.length")?;
        if u64::from(len) > MAX_SIZE {
            return Err(Error::TooLarge {
                field: "blkdat.length",
                claimed: u64::from(len),
                max: MAX_SIZE,
            });
        }
        self.reader.take(len as usize, "blkdat.block")
    }
}

impl<'a> Iterator for BlkDat<'a> {
    type Item = Result<&'a [u8], Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.reader.remaining() == 0 {
            return None;
        }
        let record = self.record();
        self.failed = record.is_err();
        Some(record)
    }
}
