//! Deriving independent random streams from one run seed.
//!
//! Every source of randomness in a run is a ChaCha stream whose key is a hash
//! of the run seed and a label (the network, the nemesis, a node's address and
//! incarnation). Streams are independent: an extra draw in one node does not
//! shift any other node's stream, nor the network's.

use crate::digest::mix64;
use crate::machine::NodeRng;
use rand::SeedableRng;
use std::net::SocketAddr;

/// A 256-bit ChaCha key from the run seed and a sequence of labels.
fn key(seed: u64, labels: &[u64]) -> [u8; 32] {
    let mut key = [0u8; 32];
    for (lane, chunk) in key.chunks_exact_mut(8).enumerate() {
        let mut h = mix64(seed ^ (lane as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        for &label in labels {
            h = mix64(h ^ label);
        }
        chunk.copy_from_slice(&h.to_le_bytes());
    }
    key
}

/// A named stream of the run (e.g. `b"network"`, `b"nemesis"`).
pub fn stream(seed: u64, name: &[u8]) -> NodeRng {
    let mut labels = Vec::with_capacity(name.len());
    labels.extend(name.iter().map(|&b| b as u64 | 0x100));
    NodeRng::from_seed(key(seed, &labels))
}

/// Folds a socket address into a label (independent of anything but the address).
pub fn addr_label(addr: &SocketAddr) -> u64 {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(v4) => u32::from(v4) as u128,
        std::net::IpAddr::V6(v6) => u128::from(v6) ^ (1u128 << 127),
    };
    mix64((ip as u64) ^ mix64((ip >> 64) as u64) ^ ((addr.port() as u64) << 48))
}

/// The stream of a node: depends only on the run seed, the node's address and
/// how many times it has been restarted.
pub fn node_rng(seed: u64, addr: &SocketAddr, incarnation: u32) -> NodeRng {
    NodeRng::from_seed(key(
        seed,
        &[0x6e6f6465, addr_label(addr), incarnation as u64],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_independent_and_repeatable() {
        let a: SocketAddr = "10.0.0.1:7000".parse().unwrap();
        let b: SocketAddr = "10.0.0.2:7000".parse().unwrap();
        let x: u64 = node_rng(1, &a, 0).random();
        assert_eq!(x, node_rng(1, &a, 0).random::<u64>());
        assert_ne!(x, node_rng(1, &b, 0).random::<u64>());
        assert_ne!(x, node_rng(2, &a, 0).random::<u64>());
        assert_ne!(x, node_rng(1, &a, 1).random::<u64>());
        assert_ne!(
            stream(1, b"network").random::<u64>(),
            stream(1, b"nemesis").random::<u64>()
        );
    }
}
