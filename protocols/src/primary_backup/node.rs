//! A primary-backup node: the primary (index 0) or a backup.

use super::msg::{Event, Msg, Tick};
use rand::seq::SliceRandom;
use rand::Rng;
use sim::{Ctx, Machine};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Parameters shared by all nodes of a run.
#[derive(Clone, Debug)]
pub struct Params {
    /// Every node's address, in node order (node 0 is the primary).
    pub peers: Arc<[SocketAddr]>,
    /// Updates the primary sends.
    pub updates: u64,
    /// Time between updates.
    pub interval: Duration,
    /// Enable the planted bug.
    pub buggy: bool,
    /// Take one unrelated random draw at start.
    pub extra_draw: bool,
}

/// One node: the primary (index 0) or a backup.
#[derive(Clone, Debug)]
pub struct Node {
    index: usize,
    params: Params,
    next_seq: u64,
    expected: Option<u64>,
    skipped_a_gap: bool,
}

impl Node {
    /// Node `index` of `params.peers`.
    pub fn new(index: usize, params: Params) -> Self {
        Node {
            index,
            params,
            next_seq: 0,
            expected: None,
            skipped_a_gap: false,
        }
    }

    fn on_update(&mut self, ctx: &mut Ctx<'_, Self>, seq: u64) {
        let apply = match self.expected {
            None => true,
            Some(e) if seq == e => true,
            Some(e) if seq > e => {
                ctx.observe(Event::Skipped { from: e, to: seq });
                self.skipped_a_gap = true;
                true
            }
            // Older than expected: a duplicate or a late copy.
            Some(_) => self.params.buggy && self.skipped_a_gap,
        };
        if apply {
            ctx.observe(Event::Applied { seq });
            self.expected = Some(self.expected.map_or(seq + 1, |e| e.max(seq + 1)));
        }
    }
}

impl Machine for Node {
    type Msg = Msg;
    type Timer = Tick;
    type Obs = Event;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.index != 0 {
            ctx.observe(Event::Started);
            return;
        }
        if self.params.extra_draw {
            let _unrelated: u64 = ctx.rng().random();
        }
        ctx.set_timer(self.params.interval, Tick);
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: SocketAddr, msg: Msg) {
        match msg {
            Msg::Update { seq } if self.index != 0 => {
                self.on_update(ctx, seq);
                ctx.send(from, Msg::Ack { seq });
            }
            Msg::Update { .. } | Msg::Ack { .. } => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _tick: Tick) {
        if self.next_seq >= self.params.updates {
            return;
        }
        let mut backups: Vec<SocketAddr> = self.params.peers[1..].to_vec();
        backups.shuffle(ctx.rng());
        for to in backups {
            ctx.send(to, Msg::Update { seq: self.next_seq });
        }
        self.next_seq += 1;
        ctx.set_timer(self.params.interval, Tick);
    }
}
