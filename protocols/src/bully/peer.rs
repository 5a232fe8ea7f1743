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
use sim::{Context, Time};
use std::net::SocketAddr;
use std::ops::Bound;

type Ctx<'a, 'b> = &'a mut Context<'b, BullyNode>;

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
    /// The members this peer knows.
    pub fn members(&self) -> &Members {
        &self.members
    }

    fn timer(&self, ctx: Ctx<'_, '_>, after: std::time::Duration, kind: TimerKind) {
        let epoch = self.epoch;
        ctx.set_timer(after, Timer { epoch, kind });
    }

    /// Starts: reports, joins the GCD, and starts probing (and feigning).
    pub fn on_start(&mut self, ctx: Ctx<'_, '_>) {
        self.started = ctx.now();
        ctx.observe(Event::Started {
            pid: self.pid,
            addr: ctx.me(),
        });
        self.join(ctx);
        self.schedule_feign(ctx);
    }

    fn join(&mut self, ctx: Ctx<'_, '_>) {
        ctx.send(self.gcd, self.join_request(ctx.me()));
        self.timer(ctx, self.timing.failure_timeout.0, TimerKind::JoinRetry);
        let after = draw(ctx.rng(), &self.timing.probe_every);
        self.timer(ctx, after, TimerKind::ProbeDue);
    }

    fn schedule_feign(&mut self, ctx: Ctx<'_, '_>) {
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

    fn start_election(&mut self, ctx: Ctx<'_, '_>) {
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

    fn victory(&mut self, ctx: Ctx<'_, '_>) {
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
    pub fn on_message(&mut self, ctx: Ctx<'_, '_>, from: SocketAddr, msg: Msg) {
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
    pub fn on_timer(&mut self, ctx: Ctx<'_, '_>, timer: Timer) {
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

    fn probe_due(&mut self, ctx: Ctx<'_, '_>) {
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

    fn feign_start(&mut self, ctx: Ctx<'_, '_>) {
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

    fn feign_end(&mut self, ctx: Ctx<'_, '_>) {
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
