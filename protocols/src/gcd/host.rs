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

/// Parses `HOST:PORT` as the course's programs accept it: an IP address
/// (`127.0.0.1:23600`, `[::1]:23600`) or `localhost` (`localhost:23600`);
/// the error names what was wrong. For a command-line value parser.
pub fn parse_host_port(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let (host, port) = text
        .rsplit_once(':')
        .ok_or_else(|| format!("`{text}` is not HOST:PORT"))?;
    let port: u16 = port
        .parse()
        .map_err(|_| format!("`{text}`: port `{port}` is not a number in 0..=65535"))?;
    socket_addr(host, port.into())
        .map_err(|e| format!("`{text}`: {e} (use an IP address or localhost)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_and_ip_addresses_are_accepted_other_names_are_named() {
        assert_eq!(
            parse_host_port("localhost:23600"),
            Ok(SocketAddr::from(([127, 0, 0, 1], 23600)))
        );
        assert_eq!(
            parse_host_port("10.0.0.1:5"),
            Ok(SocketAddr::from(([10, 0, 0, 1], 5)))
        );
        assert!(parse_host_port("[::1]:7").is_ok());
        for (bad, expect) in [
            ("localhost", "not HOST:PORT"),
            ("localhost:99999", "port `99999`"),
            ("example.org:80", "'example.org' is not an IP address"),
        ] {
            let err = parse_host_port(bad).unwrap_err();
            assert!(err.contains(expect), "{bad}: {err}");
        }
    }
}
