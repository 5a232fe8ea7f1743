//! Simulated fetches: honest, lossy, among tampering peers, under the nemesis.
