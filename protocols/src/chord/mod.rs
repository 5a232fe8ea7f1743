//! `chord`: the pure parts of the course's Lab 4 Chord DHT (Stoica et al.,
//! SIGCOMM 2001), and the paper's evaluation on an ideal ring.
//!
//! - [`id`]: identifiers, SHA-1 of `host:port` or of a key, reduced to `M`
//!   bits (`M` in `1..=160`: 3 in the course's tests, 160 for real), and
//!   arithmetic mod `2^M`.
//! - [`interval`]: `(a, b]`, `(a, b)`, `[a, b)` on the circle, wrapping.
//! - [`finger`]: finger tables whose entries carry (id, address).
//! - [`ring`]: a stabilized ring as sorted ids: successors, key owners.
//! - [`lookup`]: the paper's closest-preceding-finger routing over a ring.
//! - [`csv`]: the course's NFL statistics file, keyed `PlayerId + Year`.
//! - [`paper`]: the paper's Section 6 experiments, with text and SVG output.
//!
//! Everything here is deterministic: no clocks, no I/O except the CSV
//! loader's reader, and randomness only from seeded ChaCha streams.

pub mod csv;
pub mod finger;
pub mod id;
pub mod interval;
pub mod lookup;
pub mod paper;
pub mod ring;

pub use finger::{finger_start, Finger, FingerTable, NodeRef};
pub use id::{BadBits, Id, IdSpace};
pub use interval::{Bounds, Interval};
pub use lookup::{closest_preceding_finger, find_successor, Lookup};
pub use ring::{Ring, RingError};
