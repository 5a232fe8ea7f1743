//! hot-potato's message and observation.

use serde::{Deserialize, Serialize};

/// The one message: a token and how many more hops it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Token {
    /// Unique per token: `node_index * K + k`.
    pub token_id: u64,
    /// Forwards left.
    pub hops_left: u32,
}

/// What a hot-potato node reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// A token reached 0 hops here and left the game.
    Retired {
        /// The token.
        token_id: u64,
    },
}

/// How a person reads a hot-potato observation.
pub fn render(e: &Event) -> String {
    match e {
        Event::Retired { token_id } => format!("token {token_id} retired"),
    }
}
