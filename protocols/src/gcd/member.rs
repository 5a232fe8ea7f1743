//! A Lab 1 group member: answers HELLO with a greeting naming the caller.

use super::pyrepr::{not_a_pickle, py_addr};
use super::Msg;
use std::net::SocketAddr;

/// The member's reply to `msg` from `from`: `('OK', 'Happy to meet you,
/// (host, port)')` for HELLO, the raw "Expected a pickled message" line for
/// input that is not a pickle, an "Unexpected message" text otherwise.
pub fn answer(from: SocketAddr, msg: &Msg) -> Msg {
    match msg {
        Msg::Hello => Msg::HelloReply(greeting(from)),
        Msg::Raw(raw) => Msg::Raw(not_a_pickle(raw)),
        other => Msg::Text(format!("Unexpected message: {}", other.kind())),
    }
}

/// The greeting a member sends to `caller`.
pub fn greeting(caller: SocketAddr) -> String {
    format!("Happy to meet you, {}", py_addr(caller))
}
