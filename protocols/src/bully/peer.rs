//! One bully peer: join the GCD, elect the highest identity, probe the
//! leader, and (optionally) feign failures.
//!
//! - An election sends ELECTION to every higher member; no OK within the
//!   failure timeout means victory, which is announced with COORDINATOR to
//!   everyone else. An OK without a COORDINATOR in time starts the election
//!   again.
//! - ELECTION is answered with OK, and starts an election unless one is
//!   running. Every message carries the sender's members; unknown ones are
//!   merged.
//! - COORDINATOR from a lower identity starts an election (bullying it).
//! - A follower probes its leader at random intervals; a failed probe starts
//!   an election. Only a leader answers a probe with OK: a follower answers
//!   with the COORDINATOR it accepted (so a peer still following a deposed
//!   leader learns the new one), and a peer in an election does not answer. A leader probes the higher members it knows: an answer
//!   means a higher node is alive (after a partition heals, or a lost
//!   COORDINATOR), so it starts an election.

use super::node::{BullyNode, Event};
use super::timing::{draw, Feign, Timing};
use crate::gcd::{JoinRequest, Members, Msg, Pid};
use sim::Time;
use std::net::SocketAddr;
use std::ops::Bound;

type PeerCtx<'a, 'b> = &'a mut sim::Ctx<'b, BullyNode>;

/// A deliberately wrong variant, to show the properties catch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlantedBug {
    /// Never restart the election when the COORDINATOR fails to arrive
    /// after an OK: the node waits forever.
    NoCoordinatorRetry,
}

/// Where a peer is in an election.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// No election running.
    Idle,
    /// Sent ELECTION; waiting for an OK.
    WaitOk,
    /// Got an OK; waiting for the winner's COORDINATOR.
    WaitCoordinator,
}

/// A peer timer: which wait it ends, stamped with the peer's epoch (feigned
/// failures start a new epoch, so older timers are ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timer {
    epoch: u32,
    kind: TimerKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum TimerKind {
    JoinRetry,
    OkDeadline { round: u64 },
    CoordinatorDeadline { round: u64 },
    ProbeDue,
    ProbeDeadline { seq: u64 },
    FeignStart,
    FeignEnd,
}

/// One bully peer.
#[derive(Clone, Debug)]
pub struct Peer {
    pid: Pid,
    gcd: SocketAddr,
    timing: Timing,
    feign: Option<Feign>,
    bug: Option<PlantedBug>,
    members: Members,
    joined: bool,
    refused: bool,
    phase: Phase,
    leader: Option<Pid>,
    round: u64,
    epoch: u32,
    probe: Option<(SocketAddr, u64)>,
    probe_seq: u64,
    feigning: bool,
    started: Time,
}

impl Peer {
    /// A peer with identity `pid` that joins the GCD at `gcd`.
    pub fn new(
        pid: Pid,
        gcd: SocketAddr,
        timing: Timing,
        feign: Option<Feign>,
        bug: Option<PlantedBug>,
    ) -> Self {
        Peer {
            pid,
            gcd,
            timing,
            feign,
            bug,
            members: Members::new(),
            joined: false,
            refused: false,
            phase: Phase::Idle,
            leader: None,
            round: 0,
            epoch: 0,
            probe: None,
            probe_seq: 0,
            feigning: false,
            started: Time(0),
        }
    }

    /// This peer's identity.
    pub fn pid(&self) -> Pid {
        self.pid
    }
    /// Who this peer thinks leads (`None` during an election).
    pub fn leader(&self) -> Option<Pid> {
        self.leader
    }
    /// Whether this peer considers itself the leader.
    pub fn is_leader(&self) -> bool {
        self.leader == Some(self.pid)
    }
    /// Whether this peer is feigning a failure.
    pub fn feigning(&self) -> bool {
        self.feigning
    }
    /// Where this peer is in an election.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    fn timer(&self, ctx: PeerCtx<'_, '_>, after: std::time::Duration, kind: TimerKind) {
        let epoch = self.epoch;
        ctx.set_timer(after, Timer { epoch, kind });
    }

    /// Starts: reports, joins the GCD, and starts probing (and feigning).
    pub fn on_start(&mut self, ctx: PeerCtx<'_, '_>) {
        self.started = ctx.now();
        ctx.observe(Event::Started {
            pid: self.pid,
            addr: ctx.me(),
        });
        self.join(ctx);
        self.schedule_feign(ctx);
    }

    fn join(&mut self, ctx: PeerCtx<'_, '_>) {
        ctx.send(self.gcd, self.join_request(ctx.me()));
        self.timer(ctx, self.timing.failure_timeout.0, TimerKind::JoinRetry);
        let after = draw(ctx.rng(), &self.timing.probe_every);
        self.timer(ctx, after, TimerKind::ProbeDue);
    }

    fn schedule_feign(&mut self, ctx: PeerCtx<'_, '_>) {
        if let Some(f) = &self.feign {
            let after = draw(ctx.rng(), &f.after);
            self.timer(ctx, after, TimerKind::FeignStart);
        }
    }

    fn merge(&mut self, members: &Members) {
        for (pid, addr) in members {
            self.members.entry(*pid).or_insert(*addr);
        }
    }

    fn higher(&self) -> Vec<SocketAddr> {
        self.members
            .range((Bound::Excluded(self.pid), Bound::Unbounded))
            .map(|(_, a)| *a)
            .collect()
    }

    fn start_election(&mut self, ctx: PeerCtx<'_, '_>) {
        self.round += 1;
        self.leader = None;
        self.probe = None;
        ctx.observe(Event::ElectionStarted { pid: self.pid });
        let higher = self.higher();
        if higher.is_empty() {
            return self.victory(ctx);
        }
        for to in higher {
            ctx.send(to, Msg::Election(self.members.clone()));
        }
        self.phase = Phase::WaitOk;
        let round = self.round;
        self.timer(
            ctx,
            self.timing.failure_timeout.0,
            TimerKind::OkDeadline { round },
        );
    }

    fn victory(&mut self, ctx: PeerCtx<'_, '_>) {
        self.phase = Phase::Idle;
        self.leader = Some(self.pid);
        ctx.observe(Event::Victory { pid: self.pid });
        for (pid, addr) in &self.members {
            if *pid != self.pid {
                ctx.send(
                    *addr,
                    Msg::Coordinator {
                        leader: self.pid,
                        members: self.members.clone(),
                    },
                );
            }
        }
    }

    /// A message arrived (ignored while feigning a failure).
    pub fn on_message(&mut self, ctx: PeerCtx<'_, '_>, from: SocketAddr, msg: Msg) {
        if self.feigning {
            return;
        }
        match msg {
            Msg::Members(members) if from == self.gcd && !self.joined => {
                self.joined = true;
                for (pid, addr) in members {
                    self.members.insert(pid, addr);
                }
                self.members.insert(self.pid, ctx.me());
                ctx.observe(Event::Joined {
                    gcd: self.gcd,
                    members: self.members.len(),
                });
                if self.phase == Phase::Idle {
                    self.start_election(ctx);
                }
            }
            Msg::Text(reason) if from == self.gcd && !self.joined => {
                self.refused = true;
                ctx.observe(Event::JoinRefused { reason });
            }
            Msg::Election(members) => {
                self.merge(&members);
                ctx.send(from, Msg::Ok(self.members.clone()));
                if self.phase == Phase::Idle {
                    self.start_election(ctx);
                }
            }
            Msg::Ok(members) => {
                self.merge(&members);
                if self.phase == Phase::WaitOk {
                    self.phase = Phase::WaitCoordinator;
                    let round = self.round;
                    self.timer(
                        ctx,
                        self.timing.coordinator_timeout.0,
                        TimerKind::CoordinatorDeadline { round },
                    );
                }
            }
            Msg::Coordinator { leader, members } => {
                self.merge(&members);
                if leader < self.pid {
                    if self.phase == Phase::Idle {
                        self.start_election(ctx);
                    }
                } else if leader > self.pid {
                    self.round += 1;
                    self.phase = Phase::Idle;
                    self.probe = None;
                    if self.leader != Some(leader) {
                        self.leader = Some(leader);
                        ctx.observe(Event::Leader { leader });
                    }
                }
            }
            Msg::Probe => match self.leader {
                Some(l) if l == self.pid => ctx.send(from, Msg::ProbeOk),
                Some(leader) => ctx.send(
                    from,
                    Msg::Coordinator {
                        leader,
                        members: self.members.clone(),
                    },
                ),
                None => {}
            },
            Msg::ProbeOk => {
                if self.probe.is_some_and(|(to, _)| to == from) {
                    self.probe = None;
                } else if self.is_leader() && self.higher().contains(&from) {
                    self.start_election(ctx);
                }
            }
            _ => {}
        }
    }

    /// A timer fired (only the end of a feigned failure counts while feigning).
    pub fn on_timer(&mut self, ctx: PeerCtx<'_, '_>, timer: Timer) {
        if timer.epoch != self.epoch {
            return;
        }
        match timer.kind {
            TimerKind::JoinRetry => {
                if !self.joined && !self.refused {
                    ctx.send(self.gcd, self.join_request(ctx.me()));
                    self.timer(ctx, self.timing.failure_timeout.0, TimerKind::JoinRetry);
                }
            }
            TimerKind::OkDeadline { round } => {
                if round == self.round && self.phase == Phase::WaitOk {
                    self.victory(ctx);
                }
            }
            TimerKind::CoordinatorDeadline { round } => {
                if round == self.round
                    && self.phase == Phase::WaitCoordinator
                    && self.bug != Some(PlantedBug::NoCoordinatorRetry)
                {
                    ctx.observe(Event::NoCoordinator);
                    self.start_election(ctx);
                }
            }
            TimerKind::ProbeDue => self.probe_due(ctx),
            TimerKind::ProbeDeadline { seq } => {
                if self.probe.is_some_and(|(_, s)| s == seq) {
                    self.probe = None;
                    if let Some(leader) = self.leader {
                        ctx.observe(Event::ProbeFailed { leader });
                    }
                    if self.phase == Phase::Idle {
                        self.start_election(ctx);
                    }
                }
            }
            TimerKind::FeignStart => self.feign_start(ctx),
            TimerKind::FeignEnd => self.feign_end(ctx),
        }
    }

    fn join_request(&self, me: SocketAddr) -> Msg {
        Msg::Join(JoinRequest {
            days: self.pid.days.into(),
            id: self.pid.id.into(),
            host: me.ip().to_string(),
            port: me.port().into(),
        })
    }

    fn probe_due(&mut self, ctx: PeerCtx<'_, '_>) {
        let after = draw(ctx.rng(), &self.timing.probe_every);
        self.timer(ctx, after, TimerKind::ProbeDue);
        if self.phase != Phase::Idle || self.probe.is_some() {
            return;
        }
        match self.leader {
            Some(leader) if leader == self.pid => {
                for to in self.higher() {
                    ctx.send(to, Msg::Probe);
                }
            }
            Some(leader) => {
                let Some(&to) = self.members.get(&leader) else {
                    return self.start_election(ctx);
                };
                self.probe_seq += 1;
                let seq = self.probe_seq;
                self.probe = Some((to, seq));
                ctx.send(to, Msg::Probe);
                self.timer(
                    ctx,
                    self.timing.failure_timeout.0,
                    TimerKind::ProbeDeadline { seq },
                );
            }
            None => {}
        }
    }

    fn feign_start(&mut self, ctx: PeerCtx<'_, '_>) {
        let Some(feign) = self.feign.clone() else {
            return;
        };
        if feign
            .until
            .is_some_and(|u| ctx.now().as_nanos() >= self.started.as_nanos() + u.nanos())
        {
            return;
        }
        self.feigning = true;
        self.epoch += 1;
        let lasts = draw(ctx.rng(), &feign.lasts);
        ctx.observe(Event::Feigning {
            lasts: sim::Dur(lasts),
        });
        self.timer(ctx, lasts, TimerKind::FeignEnd);
    }

    fn feign_end(&mut self, ctx: PeerCtx<'_, '_>) {
        self.feigning = false;
        self.epoch += 1;
        self.phase = Phase::Idle;
        self.leader = None;
        self.probe = None;
        self.joined = false;
        ctx.observe(Event::Recovered);
        self.join(ctx);
        self.schedule_feign(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{virtual_addr, Effect, WallTime};

    /// Drives one peer by hand and keeps what it asked for.
    struct Harness {
        peer: Peer,
        me: SocketAddr,
        rng: sim::NodeRng,
        sent: Vec<(SocketAddr, Msg)>,
        timers: Vec<Timer>,
        events: Vec<Event>,
    }

    fn addr(k: usize) -> SocketAddr {
        virtual_addr(k, 7000)
    }

    const GCD: usize = 0;

    impl Harness {
        fn new(pid: Pid, bug: Option<PlantedBug>) -> Self {
            Harness {
                peer: Peer::new(pid, addr(GCD), Timing::default(), None, bug),
                me: addr(9),
                rng: sim::seeding::stream(1, b"test"),
                sent: Vec::new(),
                timers: Vec::new(),
                events: Vec::new(),
            }
        }

        fn call(&mut self, f: impl FnOnce(&mut Peer, &mut sim::Ctx<'_, BullyNode>)) {
            let mut effects = Vec::new();
            let mut ctx =
                sim::Context::new(Time(0), WallTime(0), self.me, &mut self.rng, &mut effects);
            f(&mut self.peer, &mut ctx);
            for e in effects {
                match e {
                    Effect::Send { to, msg } => self.sent.push((to, msg)),
                    Effect::SetTimer { timer, .. } => self.timers.push(timer),
                    Effect::Observe(o) => self.events.push(o),
                    Effect::CancelTimer(_) | Effect::Close(_) => {}
                }
            }
        }

        fn deliver(&mut self, from: SocketAddr, msg: Msg) {
            self.call(|p, ctx| p.on_message(ctx, from, msg));
        }

        fn fire(&mut self, pred: impl Fn(&TimerKind) -> bool) {
            let t = *self
                .timers
                .iter()
                .rev()
                .find(|t| pred(&t.kind))
                .expect("timer set");
            self.call(|p, ctx| p.on_timer(ctx, t));
        }

        /// Joins with `others` (pid, node) as the GCD's members.
        fn joined(&mut self, others: &[(Pid, usize)]) {
            self.call(|p, ctx| p.on_start(ctx));
            let mut members: Members = others.iter().map(|&(p, k)| (p, addr(k))).collect();
            members.insert(self.peer.pid(), self.me);
            self.deliver(addr(GCD), Msg::Members(members));
        }

        /// Joined beside HIGHER (at node 2), which has announced itself leader.
        fn following_higher(&mut self) {
            self.joined(&[(HIGHER, 2)]);
            self.deliver(
                addr(2),
                Msg::Coordinator {
                    leader: HIGHER,
                    members: Members::new(),
                },
            );
        }

        fn take_sent(&mut self) -> Vec<(SocketAddr, Msg)> {
            std::mem::take(&mut self.sent)
        }
    }

    const ME: Pid = Pid {
        days: 20,
        id: 1_000_005,
    };
    const LOWER: Pid = Pid {
        days: 20,
        id: 1_000_001,
    };
    const HIGHER: Pid = Pid {
        days: 21,
        id: 1_000_000,
    };

    #[test]
    fn joins_then_sends_election_only_to_higher_identities() {
        let mut h = Harness::new(ME, None);
        h.joined(&[(LOWER, 1), (HIGHER, 2)]);
        let sent = h.take_sent();
        assert!(matches!(sent[0], (to, Msg::Join(_)) if to == addr(GCD)));
        let elections: Vec<SocketAddr> = sent
            .iter()
            .filter(|(_, m)| matches!(m, Msg::Election(_)))
            .map(|(to, _)| *to)
            .collect();
        assert_eq!(elections, vec![addr(2)]);
        assert_eq!(h.peer.phase(), Phase::WaitOk);
        // No OK in time: victory, announced to everyone else.
        h.fire(|k| matches!(k, TimerKind::OkDeadline { .. }));
        assert!(h.peer.is_leader());
        let told: Vec<SocketAddr> = h.take_sent().into_iter().map(|(to, _)| to).collect();
        assert_eq!(told, vec![addr(1), addr(2)]);
    }

    #[test]
    fn an_ok_then_no_coordinator_starts_again_unless_the_bug_is_planted() {
        for (bug, restarts) in [(None, true), (Some(PlantedBug::NoCoordinatorRetry), false)] {
            let mut h = Harness::new(ME, bug);
            h.joined(&[(HIGHER, 2)]);
            h.deliver(addr(2), Msg::Ok(Members::new()));
            assert_eq!(h.peer.phase(), Phase::WaitCoordinator);
            h.take_sent();
            h.fire(|k| matches!(k, TimerKind::CoordinatorDeadline { .. }));
            let again = h
                .take_sent()
                .iter()
                .any(|(_, m)| matches!(m, Msg::Election(_)));
            assert_eq!(again, restarts, "{bug:?}");
        }
    }

    #[test]
    fn election_is_answered_merged_and_starts_our_own() {
        let mut h = Harness::new(ME, None);
        h.following_higher();
        assert_eq!(h.peer.leader(), Some(HIGHER));
        h.take_sent();
        let newcomer = Pid::new(300, 1_000_003);
        let from_lower: Members = [(LOWER, addr(1)), (newcomer, addr(3))].into();
        h.deliver(addr(1), Msg::Election(from_lower));
        let sent = h.take_sent();
        assert!(matches!(&sent[0], (to, Msg::Ok(m)) if *to == addr(1) && m.len() == 4));
        let targets: Vec<SocketAddr> = sent[1..].iter().map(|(to, _)| *to).collect();
        assert_eq!(
            targets,
            vec![addr(2), addr(3)],
            "higher members, the merged one included"
        );
        assert_eq!(h.peer.leader(), None);
    }

    #[test]
    fn coordinator_from_a_lower_identity_is_bullied() {
        let mut h = Harness::new(ME, None);
        h.joined(&[(LOWER, 1)]);
        assert!(h.peer.is_leader());
        h.take_sent();
        h.deliver(
            addr(1),
            Msg::Coordinator {
                leader: LOWER,
                members: Members::new(),
            },
        );
        assert!(h.peer.is_leader());
        assert!(h.take_sent().iter().any(|(to, m)| *to == addr(1)
            && matches!(m, Msg::Coordinator { leader, .. } if *leader == ME)));
    }

    #[test]
    fn only_the_leader_answers_probes_with_ok() {
        let mut h = Harness::new(ME, None);
        h.joined(&[(LOWER, 1)]);
        h.take_sent();
        h.deliver(addr(1), Msg::Probe);
        assert_eq!(h.take_sent(), vec![(addr(1), Msg::ProbeOk)]);
        let mut f = Harness::new(ME, None);
        f.joined(&[(HIGHER, 2)]);
        f.deliver(
            addr(2),
            Msg::Coordinator {
                leader: HIGHER,
                members: Members::new(),
            },
        );
        f.take_sent();
        f.deliver(addr(1), Msg::Probe);
        assert!(matches!(
            f.take_sent().as_slice(),
            [(to, Msg::Coordinator { leader, .. })] if *to == addr(1) && *leader == HIGHER
        ));
    }

    #[test]
    fn an_unanswered_probe_starts_an_election() {
        let mut h = Harness::new(ME, None);
        h.following_higher();
        h.fire(|k| matches!(k, TimerKind::ProbeDue));
        assert!(h.take_sent().contains(&(addr(2), Msg::Probe)));
        h.fire(|k| matches!(k, TimerKind::ProbeDeadline { .. }));
        assert!(h.events.contains(&Event::ProbeFailed { leader: HIGHER }));
        assert_eq!(h.peer.phase(), Phase::WaitOk);
    }

    #[test]
    fn a_feigned_failure_ignores_everything_then_rejoins() {
        let mut h = Harness::new(ME, None);
        h.peer.feign = Some(Feign::default());
        h.joined(&[(LOWER, 1)]);
        assert!(h.peer.is_leader());
        h.fire(|k| matches!(k, TimerKind::FeignStart));
        assert!(h.peer.feigning());
        h.take_sent();
        h.deliver(addr(1), Msg::Probe);
        h.fire(|k| matches!(k, TimerKind::ProbeDue));
        assert!(h.take_sent().is_empty());
        h.fire(|k| matches!(k, TimerKind::FeignEnd));
        assert!(!h.peer.feigning());
        assert_eq!(h.peer.leader(), None);
        assert!(matches!(h.take_sent().as_slice(), [(to, Msg::Join(_))] if *to == addr(GCD)));
        assert!(h.events.contains(&Event::Recovered));
    }
}
