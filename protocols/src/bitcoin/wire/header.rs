//! The 24-byte message header: magic, command, payload length, checksum.

use super::super::compact::MAX_SIZE;
use super::super::error::Error;
use super::super::hash::sha256d;
use super::super::reader::Reader;
use std::fmt;

/// Size of a message header.
pub const HEADER_LEN: usize = 24;

/// Largest payload a message may carry (Bitcoin Core's 32 MiB `MAX_SIZE`).
pub const MAX_PAYLOAD: u64 = MAX_SIZE;

/// A command name: up to 12 ASCII bytes, NUL-padded.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Command([u8; 12]);

impl Command {
    /// The command `name` (printable ASCII, at most 12 bytes), or `None`.
    pub fn new(name: &str) -> Option<Command> {
        let bytes = name.as_bytes();
        if bytes.len() > 12 || !bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
            return None;
        }
        let mut out = [0u8; 12];
        out[..bytes.len()].copy_from_slice(bytes);
        Some(Command(out))
    }

    /// A command from the wire: printable ASCII, then only NULs (the rule of
    /// Bitcoin Core's `IsCommandValid`).
    pub fn from_bytes(bytes: [u8; 12]) -> Result<Command, Error> {
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(12);
        let (name, pad) = bytes.split_at(len);
        if name.iter().all(|b| (0x20..0x7f).contains(b)) && pad.iter().all(|&b| b == 0) {
            Ok(Command(bytes))
        } else {
            Err(Error::BadCommand { command: bytes })
        }
    }

    /// A command from bytes known to be valid (the codec's own names).
    pub(crate) const fn from_array(bytes: [u8; 12]) -> Command {
        Command(bytes)
    }

    /// The 12 bytes on the wire.
    pub fn as_bytes(&self) -> &[u8; 12] {
        &self.0
    }

    /// The name without padding.
    pub fn name(&self) -> &str {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(12);
        // Checked to be ASCII on construction.
        std::str::from_utf8(&self.0[..len]).unwrap_or("")
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command({:?})", self.name())
    }
}

/// A decoded message header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageHeader {
    /// Network magic.
    pub magic: [u8; 4],
    /// The command.
    pub command: Command,
    /// Payload length in bytes (at most [`MAX_PAYLOAD`]).
    pub length: u32,
    /// First 4 bytes of the payload's double SHA-256.
    pub checksum: [u8; 4],
}

impl MessageHeader {
    /// Reads a header, checking the magic against `magic` and the length
    /// against [`MAX_PAYLOAD`] (the command is checked too).
    pub fn decode(r: &mut Reader<'_>, magic: [u8; 4]) -> Result<Self, Error> {
        let got: [u8; 4] = r.array("message.magic")?;
        if got != magic {
            return Err(Error::WrongMagic {
                expected: magic,
                got,
            });
        }
        let command = Command::from_bytes(r.array("message.command")?)?;
        let length = r.u32_le("message.length")?;
        if u64::from(length) > MAX_PAYLOAD {
            return Err(Error::TooLarge {
                field: "message.length",
                claimed: u64::from(length),
                max: MAX_PAYLOAD,
            });
        }
        let checksum = r.array("message.checksum")?;
        Ok(MessageHeader {
            magic,
            command,
            length,
            checksum,
        })
    }

    /// The 24 bytes on the wire.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[..4].copy_from_slice(&self.magic);
        b[4..16].copy_from_slice(&self.command.0);
        b[16..20].copy_from_slice(&self.length.to_le_bytes());
        b[20..].copy_from_slice(&self.checksum);
        b
    }
}

/// The checksum of `payload`: the first 4 bytes of its double SHA-256.
pub fn checksum(payload: &[u8]) -> [u8; 4] {
    let h = sha256d(payload);
    [h.0[0], h.0[1], h.0[2], h.0[3]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_ascii_then_nul_padding() {
        let c = Command::new("verack").unwrap();
        assert_eq!(&c.as_bytes()[..7], b"verack\0");
        assert_eq!(c.name(), "verack");
        assert!(Command::new("thirteen-char").is_none());
        let mut gap = *c.as_bytes();
        gap[8] = b'x';
        assert_eq!(
            Command::from_bytes(gap),
            Err(Error::BadCommand { command: gap })
        );
        assert!(Command::from_bytes(*b"\x01\0\0\0\0\0\0\0\0\0\0\0").is_err());
        assert_eq!(checksum(b""), [0x5d, 0xf6, 0xe0, 0xe2]);
    }
}
