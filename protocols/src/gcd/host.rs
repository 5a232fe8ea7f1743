//! The course's host/port pairs as socket addresses, whatever the wire.

use std::net::{IpAddr, SocketAddr};

/// `host` (an IP address, or `localhost`) and `port` as a socket address;
/// the error names the value that was wrong.
pub(crate) fn socket_addr(host: &str, port: i64) -> Result<SocketAddr, String> {
    let ip: IpAddr = if host == "localhost" {
        IpAddr::from([127, 0, 0, 1])
    } else {
        host.parse()
            .map_err(|_| format!("host '{host}' is not an IP address"))?
    };
    let port = u16::try_from(port).map_err(|_| format!("port {port} is out of range"))?;
    Ok(SocketAddr::new(ip, port))
}
