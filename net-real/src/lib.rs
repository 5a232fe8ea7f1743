//! Runs any [`sim::Machine`] on real UDP or TCP sockets.
