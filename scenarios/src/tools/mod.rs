//! Per-protocol tools a person runs by hand on a real network.

pub mod bitcoin;
pub mod bitcoin_net;
pub mod bully;
pub mod chord;
pub mod chord_client;
pub mod forex;
pub mod gcd;
pub mod one_node;

/// The per-protocol tools that run one node of `protocol` by hand on real
/// sockets (beside other programs), as `dsim ...` verbs: where to point a
/// user who wants more than `dsim run NAME --net udp|tcp`.
pub fn for_protocol(protocol: &str) -> Option<&'static str> {
    match protocol {
        "forex" => Some("dsim forex provider|subscribe"),
        "gcd" => Some("dsim gcd serve|member|hello"),
        "bully" => Some("dsim bully run (with dsim gcd serve)"),
        "bitcoin" => Some("dsim bitcoin serve|fetch"),
        _ => None,
    }
}
