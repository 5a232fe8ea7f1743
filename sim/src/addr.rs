//! Virtual addresses handed to simulated nodes.

use std::net::{Ipv4Addr, SocketAddr};

/// Most nodes a simulation can hold: every node's address `10.x.y.z` is
/// distinct up to here (16,777,215), and [`crate::simulate`] refuses more,
/// so virtual addresses never wrap.
pub const MAX_NODES: usize = 0x00ff_ffff;

/// The address of simulated node `index`: `10.x.y.z:port`, where `x.y.z` is
/// `index + 1` in base 256 (node 0 is `10.0.0.1`). Distinct for every
/// index below [`MAX_NODES`]; larger indices wrap (callers check first).
pub fn virtual_addr(index: usize, port: u16) -> SocketAddr {
    let n = (index as u32 + 1) & 0x00ff_ffff;
    let [_, a, b, c] = n.to_be_bytes();
    SocketAddr::from((Ipv4Addr::new(10, a, b, c), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_distinct_and_readable() {
        assert_eq!(virtual_addr(0, 7000).to_string(), "10.0.0.1:7000");
        assert_eq!(virtual_addr(255, 7000).to_string(), "10.0.1.0:7000");
        assert_ne!(virtual_addr(1, 1), virtual_addr(2, 1));
        assert_eq!(
            virtual_addr(MAX_NODES - 1, 1).to_string(),
            "10.255.255.255:1"
        );
        assert_ne!(virtual_addr(MAX_NODES - 1, 1), virtual_addr(0, 1));
    }
}
