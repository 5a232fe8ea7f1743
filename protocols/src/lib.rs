//! The protocols dsim ships, each a sans-IO [`sim::Machine`] with its messages,
//! wire codec, properties and a deliberately buggy variant.

pub mod bitcoin;
pub mod bully;
pub mod gcd;
pub mod hot_potato;
pub mod pickle;
pub mod primary_backup;
pub mod pubsub;
