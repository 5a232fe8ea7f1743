//! Network addresses: services, a 16-byte IPv6 address (IPv4 mapped as
//! `::ffff:a.b.c.d`) and a **big-endian** port, unlike every other integer.

use super::super::error::Error;
use super::super::reader::Reader;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// Bytes of an address in a `version` message.
pub const NET_ADDR_LEN: u64 = 26;
/// Bytes of an entry of an `addr` message (with its timestamp).
pub const TIMED_ADDR_LEN: u64 = 30;

/// An address as `version` carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NetAddr {
    /// Service bits of the node.
    pub services: u64,
    /// The IP address (IPv4 as IPv4-mapped IPv6).
    pub ip: Ipv6Addr,
    /// The port.
    pub port: u16,
}

impl NetAddr {
    /// The address of `addr` with `services`.
    pub fn new(addr: SocketAddr, services: u64) -> Self {
        let ip = match addr.ip() {
            IpAddr::V4(v4) => v4.to_ipv6_mapped(),
            IpAddr::V6(v6) => v6,
        };
        NetAddr {
            services,
            ip,
            port: addr.port(),
        }
    }

    /// As a socket address (IPv4-mapped addresses become IPv4).
    pub fn socket_addr(&self) -> SocketAddr {
        let ip = match self.ip.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(self.ip),
        };
        SocketAddr::new(ip, self.port)
    }

    /// Reads an address.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(NetAddr {
            services: r.u64_le("net_addr.services")?,
            ip: Ipv6Addr::from(r.array::<16>("net_addr.ip")?),
            port: r.u16_be("net_addr.port")?,
        })
    }

    /// Appends the address.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.services.to_le_bytes());
        out.extend_from_slice(&self.ip.octets());
        out.extend_from_slice(&self.port.to_be_bytes());
    }
}

/// An entry of an `addr` message: when the node was last seen, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimedAddr {
    /// Unix time last seen.
    pub time: u32,
    /// The address.
    pub addr: NetAddr,
}

impl TimedAddr {
    /// Reads an entry.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(TimedAddr {
            time: r.u32_le("addr.time")?,
            addr: NetAddr::decode(r)?,
        })
    }

    /// Appends the entry.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.time.to_le_bytes());
        self.addr.encode(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_is_big_endian_and_ipv4_is_mapped() {
        let a = NetAddr::new("10.0.0.1:8333".parse().unwrap(), 1);
        let mut out = Vec::new();
        a.encode(&mut out);
        assert_eq!(out.len() as u64, NET_ADDR_LEN);
        assert_eq!(
            &out[8..24],
            &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]
        );
        assert_eq!(&out[24..], &[0x20, 0x8d]);
        let back = NetAddr::decode(&mut Reader::new(&out)).unwrap();
        assert_eq!(back.socket_addr(), "10.0.0.1:8333".parse().unwrap());
    }
}
