//! Python-style rendering of values, so printed lines read like the course's.

use std::net::SocketAddr;

/// Python's `repr` of a string: single quotes unless the text contains a
/// single quote and no double quote; backslashes and the quote escaped.
pub fn py_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// An address as the Python tuple `('127.0.0.1', 44338)`.
pub fn py_addr(addr: SocketAddr) -> String {
    format!("({}, {})", py_str(&addr.ip().to_string()), addr.port())
}

/// An address as the Lab 1 record `{'host': '127.0.0.1', 'port': 23015}`.
pub fn py_host_port(addr: SocketAddr) -> String {
    format!(
        "{{'host': {}, 'port': {}}}",
        py_str(&addr.ip().to_string()),
        addr.port()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_python() {
        assert_eq!(py_str("OK"), "'OK'");
        assert_eq!(
            py_str("Happy to meet you, ('127.0.0.1', 1)"),
            "\"Happy to meet you, ('127.0.0.1', 1)\""
        );
        assert_eq!(py_str("it's \"x\""), "'it\\'s \"x\"'");
        let a: SocketAddr = "127.0.0.1:23015".parse().unwrap();
        assert_eq!(py_addr(a), "('127.0.0.1', 23015)");
        assert_eq!(py_host_port(a), "{'host': '127.0.0.1', 'port': 23015}");
    }
}
