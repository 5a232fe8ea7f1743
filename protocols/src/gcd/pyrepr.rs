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

/// Python's `repr` (`str`) of a `bytes` object: `b'...'`, printable ASCII
/// as is, `\t \n \r \\` and the quote escaped, every other byte as `\xNN`.
pub fn py_bytes(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// The course GCD's and member's answer to input that is not a pickle, as
/// raw bytes (`'Expected a pickled message, got ' + str(raw)[:100] + '\n'`).
pub fn not_a_pickle(raw: &[u8]) -> Vec<u8> {
    let shown: String = py_bytes(raw).chars().take(100).collect();
    format!("Expected a pickled message, got {shown}\n").into_bytes()
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

    #[test]
    fn bytes_print_like_python() {
        // Expected values from Python 3: str(b'...').
        assert_eq!(py_bytes(b"hello\n"), "b'hello\\n'");
        assert_eq!(py_bytes(b"it's"), "b\"it's\"");
        assert_eq!(py_bytes(b"'\""), "b'\\'\"'");
        assert_eq!(py_bytes(&[0, 0xff, b'\\', b'\t']), "b'\\x00\\xff\\\\\\t'");
        let long = not_a_pickle(&[b'x'; 200]);
        assert_eq!(
            long.len(),
            "Expected a pickled message, got ".len() + 100 + 1
        );
        assert!(long.starts_with(b"Expected a pickled message, got b'xxx"));
        assert_eq!(long.last(), Some(&b'\n'));
    }
}
