//! Scheduled faults (scripted, or planned by the nemesis from the seed as
//! the simulator plans them) applied to a live run: partitions go to the
//! shared network model, node faults to the local nodes they name.

use crate::event::LogKind;
use crate::runtime::{Input, Life, Runtime};
use sim::seeding::node_rng;
use sim::{DropCause, Fault, Machine};

impl<M: Machine> Runtime<'_, M> {
    /// Applies the `k`-th fault of the schedule.
    pub(crate) fn apply_fault(&mut self, k: usize) {
        let Some(fault) = self.schedule.get(k).map(|f| f.fault.clone()) else {
            return;
        };
        self.counters.sim.faults += 1;
        let mut note = format!("{fault:?}");
        match &fault {
            Fault::Crash { node } => self.crash(*node),
            Fault::Restart { node } => {
                if let Err(e) = self.restart(*node) {
                    note = format!("{note} failed: {e}");
                }
            }
            Fault::Pause { node } => {
                if let Some(n) = self.nodes.get_mut(*node).and_then(|n| n.as_mut()) {
                    n.paused = true;
                }
            }
            Fault::Resume { node } => {
                if let Some(n) = self.nodes.get_mut(*node).and_then(|n| n.as_mut()) {
                    n.paused = false;
                }
                self.release_held(*node);
            }
            Fault::Skew { node, offset } => {
                if let Some(n) = self.nodes.get_mut(*node).and_then(|n| n.as_mut()) {
                    n.wall.skew_ns = offset.0;
                }
            }
            Fault::Drift { node, ppm } => {
                if let Some(n) = self.nodes.get_mut(*node).and_then(|n| n.as_mut()) {
                    n.wall.drift_ppm = *ppm;
                }
            }
            Fault::Partition { a, b, one_way } => self.network.partition(a, b, *one_way),
            Fault::Heal => self.network.heal(),
        }
        let node = fault.nodes().first().copied().unwrap_or(0);
        self.log(node, None, LogKind::Fault, note);
    }

    /// Stops a local node: machine and timers gone, held messages dropped,
    /// its listener and connections closed (peers see them closed; dials are
    /// refused). A UDP socket stays bound so arrivals count as `node_down`.
    fn crash(&mut self, i: usize) {
        let tcp = self.transport == crate::Transport::Tcp;
        let Some(node) = self.nodes.get_mut(i).and_then(|n| n.as_mut()) else {
            return;
        };
        node.machine = None;
        node.life = Life::Down;
        node.paused = false;
        node.timers.clear();
        let lost = node
            .held
            .drain(..)
            .filter(|input| matches!(input, Input::Msg(..)))
            .count();
        let listener = if tcp { node.socket.take() } else { None };
        for _ in 0..lost {
            self.counters.sim.dropped.add(DropCause::NodeDown);
        }
        if let Some(token) = listener {
            if let crate::runtime::Source::Listener { mut listener, .. } = self.remove(token) {
                let _ = self.poll.registry().deregister(&mut listener);
            }
        }
        if tcp {
            self.close_all(i);
        }
    }

    /// Starts a fresh machine for a local node on its old address (crashing
    /// it first if it is up), with the RNG of its next incarnation.
    fn restart(&mut self, i: usize) -> std::io::Result<()> {
        let Some(addr) = self.nodes.get(i).and_then(|n| n.as_ref()).map(|n| n.addr) else {
            return Ok(());
        };
        self.crash(i);
        if self.transport == crate::Transport::Tcp {
            let token = self.open_socket(i, addr)?.0;
            if let Some(n) = self.nodes[i].as_mut() {
                n.socket = Some(token);
            }
        }
        let seed = self.seed;
        if let Some(node) = self.nodes[i].as_mut() {
            node.incarnation += 1;
            node.rng = node_rng(seed, &addr, node.incarnation);
            node.life = Life::Waiting;
        }
        self.start(i);
        Ok(())
    }
}
