//! A Lab 1 group member: answers HELLO with a greeting naming the caller.

use super::pyrepr::py_addr;
use super::Msg;
use std::net::SocketAddr;

/// The member's reply to `msg` from `from`: `('OK', 'Happy to meet you,
/// (host, port)')` for HELLO, an "Unexpected message" text otherwise.
pub fn answer(from: SocketAddr, msg: &Msg) -> Msg {
    match msg {
        Msg::Hello => Msg::HelloReply(greeting(from)),
        other => Msg::Text(format!("Unexpected message: {}", other.kind())),
    }
}

/// The greeting a member sends to `caller`.
pub fn greeting(caller: SocketAddr) -> String {
    format!("Happy to meet you, {}", py_addr(caller))
}
