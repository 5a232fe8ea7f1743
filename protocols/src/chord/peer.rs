//! A node as the running protocol names it: its identifier and its IPv4
//! endpoint, packed into 28 bytes (an [`Id`] plus a `SocketAddr` would take
//! 64), because every node holds a predecessor, a successor list and a
//! finger table of them, and the simulator holds a million nodes.
//!
//! Chord nodes are IPv4 endpoints (the course's `host:port` on loopback or
//! a LAN); [`Peer::new`] refuses an IPv6 address with a clear error.

use super::id::Id;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

/// A Chord node: identifier and address.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peer {
    /// The 160-bit id, big-endian 32-bit words.
    id: [u32; 5],
    ip: [u8; 4],
    port: u16,
}

impl Peer {
    /// The node `id` at `addr`; an error if `addr` is not IPv4.
    pub fn new(id: Id, addr: SocketAddr) -> Result<Peer, String> {
        match addr {
            SocketAddr::V4(v4) => Ok(Peer::v4(id, v4)),
            SocketAddr::V6(_) => Err(format!(
                "{addr}: chord nodes need an IPv4 address (e.g. 127.0.0.1:PORT)"
            )),
        }
    }

    /// The node `id` at an IPv4 endpoint.
    pub fn v4(id: Id, addr: SocketAddrV4) -> Peer {
        let bytes = id.to_be_bytes();
        let mut words = [0u32; 5];
        for (w, chunk) in words.iter_mut().zip(bytes.chunks_exact(4)) {
            *w = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        Peer {
            id: words,
            ip: addr.ip().octets(),
            port: addr.port(),
        }
    }

    /// The identifier.
    #[inline]
    pub fn id(&self) -> Id {
        let mut bytes = [0u8; 20];
        for (chunk, w) in bytes.chunks_exact_mut(4).zip(self.id) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        Id::from_be_bytes(bytes)
    }

    /// The address.
    #[inline]
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(self.ip), self.port))
    }
}

impl fmt::Debug for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", short(self.id()), self.addr())
    }
}

/// An id for people: decimal when small, else the first 8 hex digits.
pub fn short(id: Id) -> String {
    match id.to_u128() {
        Some(v) if v < 1 << 20 => v.to_string(),
        _ => {
            let hex = format!("{id:x}");
            let digits = hex.trim_start_matches('0');
            format!("{}..", &digits[..digits.len().min(8)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chord::IdSpace;

    #[test]
    fn packs_and_unpacks() {
        let addr: SocketAddr = "10.0.0.7:43547".parse().unwrap();
        let id = IdSpace::sha1().node_id(addr);
        let p = Peer::new(id, addr).unwrap();
        assert_eq!(p.id(), id);
        assert_eq!(p.addr(), addr);
        assert_eq!(std::mem::size_of::<Peer>(), 28);
        assert!(Peer::new(id, "[::1]:1".parse().unwrap())
            .unwrap_err()
            .contains("IPv4"));
    }
}
