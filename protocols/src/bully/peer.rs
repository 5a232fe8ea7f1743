//! One bully peer: join the GCD, elect the highest identity, probe the
//! leader, and (optionally) feign failures. It speaks with course peers of
//! any year's dialect (see [`crate::gcd::Profile`]).
//!
//! - An election sends ELECTION to every higher member; no OK within the
//!   failure timeout means victory, which is announced with COORDINATOR to
//!   everyone else. An OK without a COORDINATOR in time starts the election
//!   again. Higher members that did not answer by the deadline become
//!   *suspects* until something they send proves them alive.
//! - ELECTION is answered with OK. A follower then starts an election
//!   (unless one is running); the leader instead announces itself again, at
//!   once, to everyone (a lower peer that calls an election has missed it).
//!   Every message carries the sender's members; unknown ones are merged.
//! - COORDINATOR from a lower identity starts an election (bullying it); the
//!   leader announces itself again instead.
//! - **Who won, when the dialect does not say** (f19's `('COORDINATOR',
//!   members)`): the sender, if it speaks from a member's listen address
//!   (always in simulation; live, when the announcement answers our own
//!   connection); otherwise the highest member that is not a suspect (nor
//!   silent so far in our own running election: the winner heard nothing
//!   from it either). This
//!   is right whenever our suspects are: after a crash the dead leader
//!   becomes one as soon as an ELECTION or probe to it goes unanswered. Its
//!   limit: a winner that we suspect and that only ever dials us (never
//!   answers on a connection we opened) is not recognised until it answers
//!   one of our ELECTIONs; until then we may follow the next one down, whose
//!   silence to our checks then starts an election that puts it right.
//! - Every election first asks the GCD for the members again (as the f23
//!   assignment requires: f23 and f24 announcements carry no members, so a
//!   peer that joined early learns of later ones only from the GCD); higher
//!   members it learns of while the election runs are asked too. A winner
//!   whose address is unknown is looked up the same way.
//! - A follower probes its leader at random intervals. Only a leader answers
//!   a probe (as the reference does: followers stay silent).
//! - **Leaders that never answer PROBE** (course peers of f19 and f24): if
//!   the first probe of a newly accepted leader goes unanswered, the leader
//!   is taken to speak the course's dialect: no election; from then on it is
//!   checked the course's way, with an ELECTION (which every course peer
//!   answers with OK) at most once per `course_check` interval. Only an
//!   unanswered check (or a refused connection) starts an election. A
//!   leader that has answered a probe before and then misses one is failed
//!   at once, as before. Limits: a course leader's crash is noticed only at
//!   its next check (up to `course_check` plus the failure timeout), and
//!   each check makes a course leader re-announce itself.
//! - A leader probes the higher members it knows: an answer means a higher
//!   node is alive (after a partition heals, or a lost COORDINATOR), so it
//!   starts an election.
//! - A refused connection (on drivers that report connections) to a member
//!   makes it a suspect, and to the leader fails it at once.

use super::node::{BullyNode, Event};
use super::timing::{draw, Feign, Timing};
use crate::gcd::{JoinRequest, Members, Msg, Pid};
use sim::{Connection, Time};
use std::collections::BTreeSet;
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

/// A peer timer, keyed by its value: setting one replaces the pending one,
/// and a wait that no longer applies is cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The GCD has not answered the join: send it again.
    JoinRetry,
    /// The election's OKs are due: silent higher members become suspects,
    /// and without any OK the peer wins.
    OkDeadline,
    /// The winner's COORDINATOR is due after an OK.
    CoordinatorDeadline,
    /// Time to probe (or check) the leader.
    ProbeDue,
    /// The answer to the probe (or check) is due.
    ProbeDeadline,
    /// A feigned failure begins.
    FeignStart,
    /// A feigned failure ends.
    FeignEnd,
}

/// An outstanding liveness question to the leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Probe {
    /// Where it went.
    to: SocketAddr,
    /// A course check (an ELECTION), not a PROBE.
    check: bool,
}

/// How a follower knows its leader is alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Liveness {
    /// Not yet known: the first probe decides.
    Unknown,
    /// It answers PROBE.
    Answers,
    /// It does not answer PROBE (a course peer): checked with ELECTION.
    Course {
        /// When it was last checked.
        checked: Time,
    },
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
    liveness: Liveness,
    /// Members asked in the current election that have not answered.
    silent: BTreeSet<Pid>,
    /// Members that failed to answer and have not been heard from since.
    suspects: BTreeSet<Pid>,
    probe: Option<Probe>,
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
            liveness: Liveness::Unknown,
            silent: BTreeSet::new(),
            suspects: BTreeSet::new(),
            probe: None,
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
    /// Members this peer currently believes down.
    pub fn suspects(&self) -> &BTreeSet<Pid> {
        &self.suspects
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
        ctx.set_timer(self.timing.failure_timeout.0, Timer::JoinRetry);
        let after = draw(ctx.rng(), &self.timing.probe_every);
        ctx.set_timer(after, Timer::ProbeDue);
    }

    fn schedule_feign(&mut self, ctx: PeerCtx<'_, '_>) {
        if let Some(f) = &self.feign {
            let after = draw(ctx.rng(), &f.after);
            ctx.set_timer(after, Timer::FeignStart);
        }
    }

    fn merge(&mut self, members: &Members) {
        for (pid, addr) in members {
            self.members.entry(*pid).or_insert(*addr);
        }
    }

    fn higher(&self) -> Vec<(Pid, SocketAddr)> {
        self.members
            .range((Bound::Excluded(self.pid), Bound::Unbounded))
            .map(|(p, a)| (*p, *a))
            .collect()
    }

    /// The member listening at `addr`, if any.
    fn member_at(&self, addr: SocketAddr) -> Option<Pid> {
        self.members
            .iter()
            .find(|(_, a)| **a == addr)
            .map(|(p, _)| *p)
    }

    /// `pid` proved alive: it is no longer silent or a suspect.
    fn heard(&mut self, pid: Pid) {
        self.silent.remove(&pid);
        self.suspects.remove(&pid);
    }

    /// The winner of an announcement that does not say (see the module notes).
    fn infer_winner(&self, from: SocketAddr) -> Pid {
        self.member_at(from).unwrap_or_else(|| {
            self.members
                .keys()
                .rev()
                .find(|p| !self.suspects.contains(p) && !self.silent.contains(p))
                .copied()
                .unwrap_or(self.pid)
        })
    }

    fn stop_probing(&mut self, ctx: PeerCtx<'_, '_>) {
        self.probe = None;
        ctx.cancel_timer(Timer::ProbeDeadline);
    }

    /// Asks the GCD for the current members (a join again, as the course does).
    fn refresh(&self, ctx: PeerCtx<'_, '_>) {
        if self.joined {
            ctx.send(self.gcd, self.join_request(ctx.me()));
        }
    }

    /// The GCD's members: new ones are added (the GCD's addresses win), and
    /// higher ones are asked if an election is waiting for OKs.
    fn learn(&mut self, ctx: PeerCtx<'_, '_>, members: Members) {
        for (pid, addr) in members {
            let new = self.members.insert(pid, addr).is_none();
            if new && pid > self.pid && self.phase == Phase::WaitOk {
                self.silent.insert(pid);
                ctx.send(addr, Msg::Election(self.members.clone()));
            }
        }
        self.members.insert(self.pid, ctx.me());
    }

    fn start_election(&mut self, ctx: PeerCtx<'_, '_>) {
        self.refresh(ctx);
        self.leader = None;
        self.stop_probing(ctx);
        ctx.cancel_timer(Timer::CoordinatorDeadline);
        ctx.observe(Event::ElectionStarted { pid: self.pid });
        let higher = self.higher();
        if higher.is_empty() {
            return self.victory(ctx);
        }
        self.silent = higher.iter().map(|(p, _)| *p).collect();
        for (_, to) in higher {
            ctx.send(to, Msg::Election(self.members.clone()));
        }
        self.phase = Phase::WaitOk;
        ctx.set_timer(self.timing.failure_timeout.0, Timer::OkDeadline);
    }

    fn victory(&mut self, ctx: PeerCtx<'_, '_>) {
        self.phase = Phase::Idle;
        self.leader = Some(self.pid);
        ctx.cancel_timer(Timer::OkDeadline);
        ctx.cancel_timer(Timer::CoordinatorDeadline);
        ctx.observe(Event::Victory { pid: self.pid });
        self.announce(ctx);
    }

    /// Tells every other member that this peer leads.
    fn announce(&self, ctx: PeerCtx<'_, '_>) {
        for (pid, addr) in &self.members {
            if *pid != self.pid {
                ctx.send(
                    *addr,
                    Msg::Coordinator {
                        leader: Some(self.pid),
                        members: self.members.clone(),
                    },
                );
            }
        }
    }

    /// Someone lower claims to lead, or calls an election: the leader says
    /// it leads again; anyone else (not already electing) starts an election.
    fn assert_rank(&mut self, ctx: PeerCtx<'_, '_>) {
        if self.phase != Phase::Idle {
            return;
        }
        if self.is_leader() {
            self.announce(ctx);
        } else {
            self.start_election(ctx);
        }
    }

    fn follow(&mut self, ctx: PeerCtx<'_, '_>, leader: Pid) {
        self.phase = Phase::Idle;
        ctx.cancel_timer(Timer::OkDeadline);
        ctx.cancel_timer(Timer::CoordinatorDeadline);
        self.stop_probing(ctx);
        if self.leader != Some(leader) {
            self.leader = Some(leader);
            self.liveness = Liveness::Unknown;
            ctx.observe(Event::Leader { leader });
        }
    }

    /// An answer (OK, or a probe's OK) from `from`.
    fn answered(&mut self, ctx: PeerCtx<'_, '_>, from: SocketAddr) {
        if let Some(pid) = self.member_at(from) {
            self.heard(pid);
        }
        if self.phase == Phase::WaitOk {
            self.phase = Phase::WaitCoordinator;
            ctx.set_timer(
                self.timing.coordinator_timeout.0,
                Timer::CoordinatorDeadline,
            );
        }
        match self.probe {
            Some(p) if p.to == from => {
                if !p.check {
                    self.liveness = Liveness::Answers;
                }
                self.stop_probing(ctx);
            }
            _ => {
                let higher = self.member_at(from).is_some_and(|p| p > self.pid);
                if self.is_leader() && self.phase == Phase::Idle && higher {
                    self.start_election(ctx);
                }
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
                ctx.cancel_timer(Timer::JoinRetry);
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
            Msg::Members(members) if from == self.gcd => self.learn(ctx, members),
            Msg::Text(reason) if from == self.gcd && !self.joined => {
                self.refused = true;
                ctx.cancel_timer(Timer::JoinRetry);
                ctx.observe(Event::JoinRefused { reason });
            }
            Msg::Election(members) => {
                self.merge(&members);
                ctx.send(from, Msg::Ok(self.members.clone()));
                self.assert_rank(ctx);
            }
            Msg::Ok(members) => {
                self.merge(&members);
                self.answered(ctx, from);
            }
            Msg::ProbeOk => self.answered(ctx, from),
            Msg::Coordinator { leader, members } => {
                self.merge(&members);
                let winner = leader.unwrap_or_else(|| self.infer_winner(from));
                if leader.is_some() {
                    self.heard(winner);
                    if !self.members.contains_key(&winner) {
                        self.refresh(ctx);
                    }
                }
                if winner > self.pid {
                    self.follow(ctx, winner);
                } else if winner < self.pid || leader.is_none() {
                    // A lower peer (or, unnamed, one we cannot place above us) claims to lead.
                    self.assert_rank(ctx);
                }
            }
            Msg::Probe if self.is_leader() => ctx.send(from, Msg::ProbeOk),
            _ => {}
        }
    }

    /// A connection event: a refused member becomes a suspect, and a refused
    /// leader is failed at once.
    pub fn on_connection(&mut self, ctx: PeerCtx<'_, '_>, peer: SocketAddr, event: Connection) {
        if self.feigning || event != Connection::Refused {
            return;
        }
        let Some(pid) = self.member_at(peer) else {
            return;
        };
        self.suspects.insert(pid);
        if self.leader == Some(pid) && pid != self.pid && self.phase == Phase::Idle {
            ctx.observe(Event::ProbeFailed { leader: pid });
            self.start_election(ctx);
        }
    }

    /// A timer fired.
    pub fn on_timer(&mut self, ctx: PeerCtx<'_, '_>, timer: Timer) {
        match timer {
            Timer::JoinRetry => {
                if !self.joined && !self.refused {
                    ctx.send(self.gcd, self.join_request(ctx.me()));
                    ctx.set_timer(self.timing.failure_timeout.0, Timer::JoinRetry);
                }
            }
            Timer::OkDeadline => {
                self.suspects.append(&mut self.silent);
                if self.phase == Phase::WaitOk {
                    self.victory(ctx);
                }
            }
            Timer::CoordinatorDeadline => {
                if self.phase == Phase::WaitCoordinator
                    && self.bug != Some(PlantedBug::NoCoordinatorRetry)
                {
                    ctx.observe(Event::NoCoordinator);
                    self.start_election(ctx);
                }
            }
            Timer::ProbeDue => self.probe_due(ctx),
            Timer::ProbeDeadline => self.probe_missed(ctx),
            Timer::FeignStart => self.feign_start(ctx),
            Timer::FeignEnd => self.feign_end(ctx),
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
        ctx.set_timer(after, Timer::ProbeDue);
        if self.phase != Phase::Idle || self.probe.is_some() {
            return;
        }
        match self.leader {
            Some(leader) if leader == self.pid => {
                for (_, to) in self.higher() {
                    ctx.send(to, Msg::Probe);
                }
            }
            Some(leader) => {
                let Some(&to) = self.members.get(&leader) else {
                    return self.refresh(ctx);
                };
                match self.liveness {
                    Liveness::Course { checked }
                        if ctx.now().as_nanos()
                            < checked.as_nanos() + self.timing.course_check.nanos() => {}
                    Liveness::Course { .. } => self.check(ctx, to),
                    Liveness::Unknown | Liveness::Answers => {
                        self.probe = Some(Probe { to, check: false });
                        ctx.send(to, Msg::Probe);
                        ctx.set_timer(self.timing.failure_timeout.0, Timer::ProbeDeadline);
                    }
                }
            }
            None => {}
        }
    }

    /// Checks a course leader the course's way: an ELECTION, which it answers.
    fn check(&mut self, ctx: PeerCtx<'_, '_>, to: SocketAddr) {
        self.liveness = Liveness::Course { checked: ctx.now() };
        self.probe = Some(Probe { to, check: true });
        ctx.send(to, Msg::Election(self.members.clone()));
        ctx.set_timer(self.timing.failure_timeout.0, Timer::ProbeDeadline);
    }

    fn probe_missed(&mut self, ctx: PeerCtx<'_, '_>) {
        let Some(probe) = self.probe.take() else {
            return;
        };
        let Some(leader) = self.leader else {
            return;
        };
        if !probe.check && self.liveness == Liveness::Unknown {
            ctx.observe(Event::CourseLeader { leader });
            return self.check(ctx, probe.to);
        }
        self.suspects.insert(leader);
        ctx.observe(Event::ProbeFailed { leader });
        if self.phase == Phase::Idle {
            self.start_election(ctx);
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
        for t in [
            Timer::JoinRetry,
            Timer::OkDeadline,
            Timer::CoordinatorDeadline,
            Timer::ProbeDue,
            Timer::ProbeDeadline,
        ] {
            ctx.cancel_timer(t);
        }
        let lasts = draw(ctx.rng(), &feign.lasts);
        ctx.observe(Event::Feigning {
            lasts: sim::Dur(lasts),
        });
        ctx.set_timer(lasts, Timer::FeignEnd);
    }

    fn feign_end(&mut self, ctx: PeerCtx<'_, '_>) {
        self.feigning = false;
        self.phase = Phase::Idle;
        self.leader = None;
        self.probe = None;
        self.silent.clear();
        self.joined = false;
        ctx.observe(Event::Recovered);
        self.join(ctx);
        self.schedule_feign(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::testing::Harness;
    use sim::virtual_addr;
    use std::time::Duration;

    fn addr(k: usize) -> SocketAddr {
        virtual_addr(k, 7000)
    }

    const GCD: usize = 0;
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
    const HIGHEST: Pid = Pid {
        days: 300,
        id: 1_000_009,
    };

    type H = Harness<BullyNode>;

    fn harness(bug: Option<PlantedBug>) -> H {
        let peer = Peer::new(ME, addr(GCD), Timing::default(), None, bug);
        Harness::at(BullyNode::Peer(peer), addr(9), 1)
    }

    fn peer(h: &H) -> &Peer {
        h.machine().peer().expect("a peer")
    }

    /// Starts and joins with `others` (pid, node) as the GCD's members.
    fn joined(h: &mut H, others: &[(Pid, usize)]) {
        h.start();
        let mut members: Members = others.iter().map(|&(p, k)| (p, addr(k))).collect();
        members.insert(ME, h.me());
        h.deliver(addr(GCD), Msg::Members(members));
    }

    fn coordinator(leader: Option<Pid>) -> Msg {
        Msg::Coordinator {
            leader,
            members: Members::new(),
        }
    }

    /// Joined beside HIGHER (at node 2), which has announced itself leader.
    fn following_higher(h: &mut H) {
        joined(h, &[(HIGHER, 2)]);
        h.deliver(addr(2), coordinator(Some(HIGHER)));
        assert_eq!(peer(h).leader(), Some(HIGHER));
    }

    fn elections(sent: &[(SocketAddr, Msg)]) -> Vec<SocketAddr> {
        sent.iter()
            .filter(|(_, m)| matches!(m, Msg::Election(_)))
            .map(|(to, _)| *to)
            .collect()
    }

    #[test]
    fn joins_then_sends_election_only_to_higher_identities() {
        let mut h = harness(None);
        joined(&mut h, &[(LOWER, 1), (HIGHER, 2)]);
        let sent = h.take_sent();
        assert!(matches!(sent[0], (to, Msg::Join(_)) if to == addr(GCD)));
        assert_eq!(elections(&sent), vec![addr(2)]);
        assert_eq!(peer(&h).phase(), Phase::WaitOk);
        assert!(!h.has_timer(&Timer::JoinRetry), "joined: no retry pending");
        // No OK in time: victory, announced to everyone else; the silent one is a suspect.
        h.fire(Timer::OkDeadline);
        assert!(peer(&h).is_leader());
        assert!(peer(&h).suspects().contains(&HIGHER));
        let told: Vec<SocketAddr> = h.take_sent().into_iter().map(|(to, _)| to).collect();
        assert_eq!(told, vec![addr(1), addr(2)]);
    }

    #[test]
    fn an_ok_then_no_coordinator_starts_again_unless_the_bug_is_planted() {
        for (bug, restarts) in [(None, true), (Some(PlantedBug::NoCoordinatorRetry), false)] {
            let mut h = harness(bug);
            joined(&mut h, &[(HIGHER, 2)]);
            h.deliver(addr(2), Msg::Ok(Members::new()));
            assert_eq!(peer(&h).phase(), Phase::WaitCoordinator);
            assert!(h.has_timer(&Timer::CoordinatorDeadline));
            h.take_sent();
            h.advance(Duration::from_secs(5));
            let again = !elections(&h.take_sent()).is_empty();
            assert_eq!(again, restarts, "{bug:?}");
            assert!(!peer(&h).suspects().contains(&HIGHER), "it answered");
        }
    }

    #[test]
    fn a_bare_answer_counts_as_an_ok_in_an_election() {
        // f23's 'GOT_IT' and f24's ('OK', None) decode as a probe's OK.
        let mut h = harness(None);
        joined(&mut h, &[(HIGHER, 2)]);
        h.deliver(addr(2), Msg::ProbeOk);
        assert_eq!(peer(&h).phase(), Phase::WaitCoordinator);
    }

    #[test]
    fn election_is_answered_merged_and_starts_our_own() {
        let mut h = harness(None);
        following_higher(&mut h);
        h.take_sent();
        let newcomer = Pid::new(300, 1_000_003);
        let from_lower: Members = [(LOWER, addr(1)), (newcomer, addr(3))].into();
        h.deliver(addr(1), Msg::Election(from_lower));
        let sent = h.take_sent();
        assert!(matches!(&sent[0], (to, Msg::Ok(m)) if *to == addr(1) && m.len() == 4));
        assert_eq!(
            elections(&sent[1..]),
            vec![addr(2), addr(3)],
            "higher members, the merged one included"
        );
        assert_eq!(peer(&h).leader(), None);
    }

    #[test]
    fn an_election_asks_the_gcd_again_and_asks_higher_members_it_learns_of() {
        let mut h = harness(None);
        joined(&mut h, &[(HIGHER, 2)]);
        let sent = h.take_sent();
        let joins = sent
            .iter()
            .filter(|(_, m)| matches!(m, Msg::Join(_)))
            .count();
        assert_eq!(joins, 2, "the join, then the refresh of the election");
        let later: Members = [(HIGHER, addr(2)), (HIGHEST, addr(3)), (ME, h.me())].into();
        h.deliver(addr(GCD), Msg::Members(later));
        assert_eq!(elections(&h.take_sent()), vec![addr(3)]);
        h.deliver(addr(3), Msg::Ok(Members::new()));
        h.fire(Timer::OkDeadline);
        assert!(peer(&h).suspects().contains(&HIGHER));
        assert!(!peer(&h).suspects().contains(&HIGHEST));
    }

    #[test]
    fn the_leader_answers_an_election_by_announcing_itself_again() {
        let mut h = harness(None);
        joined(&mut h, &[(LOWER, 1)]);
        assert!(peer(&h).is_leader());
        h.take_sent();
        h.deliver(addr(1), Msg::Election(Members::new()));
        let sent = h.take_sent();
        assert!(matches!(&sent[0], (to, Msg::Ok(_)) if *to == addr(1)));
        assert!(matches!(
            &sent[1..],
            [(to, Msg::Coordinator { leader: Some(l), .. })] if *to == addr(1) && *l == ME
        ));
        assert!(peer(&h).is_leader());
    }

    #[test]
    fn coordinator_from_a_lower_identity_is_bullied() {
        let mut h = harness(None);
        joined(&mut h, &[(LOWER, 1)]);
        assert!(peer(&h).is_leader());
        h.take_sent();
        h.deliver(addr(1), coordinator(Some(LOWER)));
        assert!(peer(&h).is_leader());
        assert!(h.take_sent().iter().any(|(to, m)| *to == addr(1)
            && matches!(m, Msg::Coordinator { leader: Some(l), .. } if *l == ME)));
    }

    #[test]
    fn an_unnamed_winner_is_the_sender_or_the_highest_member_not_suspected() {
        let ephemeral = virtual_addr(7, 40_000);
        // From a member's listen address: that member.
        let mut h = harness(None);
        joined(&mut h, &[(LOWER, 1), (HIGHER, 2), (HIGHEST, 3)]);
        h.deliver(addr(2), coordinator(None));
        assert_eq!(peer(&h).leader(), Some(HIGHER));
        // From elsewhere: the highest member not suspected (both answered our election).
        let mut h = harness(None);
        joined(&mut h, &[(LOWER, 1), (HIGHER, 2), (HIGHEST, 3)]);
        h.deliver(addr(2), Msg::Ok(Members::new()));
        h.deliver(addr(3), Msg::Ok(Members::new()));
        h.deliver(ephemeral, coordinator(None));
        assert_eq!(peer(&h).leader(), Some(HIGHEST));
        // HIGHEST stayed silent in our election: it is suspected, HIGHER won.
        let mut h = harness(None);
        joined(&mut h, &[(LOWER, 1), (HIGHER, 2), (HIGHEST, 3)]);
        h.deliver(addr(2), Msg::Ok(Members::new()));
        h.fire(Timer::OkDeadline);
        assert!(peer(&h).suspects().contains(&HIGHEST));
        h.deliver(ephemeral, coordinator(None));
        assert_eq!(peer(&h).leader(), Some(HIGHER));
        // Nobody above us is left: a lower sender is bullied.
        let mut h = harness(None);
        joined(&mut h, &[(LOWER, 1), (HIGHER, 2)]);
        h.fire(Timer::OkDeadline);
        assert!(peer(&h).is_leader());
        h.take_sent();
        h.deliver(ephemeral, coordinator(None));
        assert!(peer(&h).is_leader());
        assert!(h
            .take_sent()
            .iter()
            .any(|(_, m)| matches!(m, Msg::Coordinator { leader: Some(l), .. } if *l == ME)));
    }

    #[test]
    fn only_the_leader_answers_probes() {
        let mut h = harness(None);
        joined(&mut h, &[(LOWER, 1)]);
        h.take_sent();
        h.deliver(addr(1), Msg::Probe);
        assert_eq!(h.take_sent(), vec![(addr(1), Msg::ProbeOk)]);
        let mut f = harness(None);
        following_higher(&mut f);
        f.take_sent();
        f.deliver(addr(1), Msg::Probe);
        assert!(f.take_sent().is_empty());
    }

    #[test]
    fn a_leader_that_answered_probes_and_then_misses_one_is_failed() {
        let mut h = harness(None);
        following_higher(&mut h);
        h.fire(Timer::ProbeDue);
        assert!(h.take_sent().contains(&(addr(2), Msg::Probe)));
        h.deliver(addr(2), Msg::ProbeOk);
        assert!(!h.has_timer(&Timer::ProbeDeadline), "answered: cancelled");
        h.fire(Timer::ProbeDue);
        h.fire(Timer::ProbeDeadline);
        assert!(h
            .take_observations()
            .contains(&Event::ProbeFailed { leader: HIGHER }));
        assert_eq!(peer(&h).phase(), Phase::WaitOk);
    }

    #[test]
    fn a_leader_that_never_answers_probe_is_followed_and_checked_the_course_way() {
        let mut h = harness(None);
        following_higher(&mut h);
        h.take_sent();
        h.fire(Timer::ProbeDue);
        assert_eq!(h.take_sent(), vec![(addr(2), Msg::Probe)]);
        // Unanswered: a course leader; no election, an ELECTION to check it instead.
        h.fire(Timer::ProbeDeadline);
        assert!(h
            .take_observations()
            .contains(&Event::CourseLeader { leader: HIGHER }));
        assert_eq!(elections(&h.take_sent()), vec![addr(2)]);
        assert_eq!(peer(&h).leader(), Some(HIGHER));
        // It answers (and, being a course peer, announces itself again).
        h.deliver(addr(2), Msg::Ok(Members::new()));
        h.deliver(virtual_addr(2, 40_000), coordinator(None));
        assert_eq!(peer(&h).leader(), Some(HIGHER));
        assert_eq!(peer(&h).phase(), Phase::Idle);
        // Probes come due, but the next check waits for the check interval.
        h.take_sent();
        let checked = h.now();
        while elections(&h.take_sent()).is_empty() {
            h.advance(Duration::from_millis(100));
        }
        let waited = Duration::from_nanos(h.now().as_nanos() - checked.as_nanos());
        assert!(waited >= Timing::default().course_check.0, "{waited:?}");
        // This one goes unanswered: the leader is failed.
        h.take_observations();
        h.advance(Timing::default().failure_timeout.0);
        assert!(h
            .take_observations()
            .contains(&Event::ProbeFailed { leader: HIGHER }));
        assert!(peer(&h).suspects().contains(&HIGHER));
    }

    #[test]
    fn a_course_leader_answering_every_check_is_followed_forever() {
        let mut h = harness(None);
        following_higher(&mut h);
        h.fire(Timer::ProbeDue);
        h.fire(Timer::ProbeDeadline);
        h.take_observations();
        for _ in 0..60 {
            h.advance(Duration::from_secs(1));
            if h.take_sent()
                .iter()
                .any(|(_, m)| matches!(m, Msg::Election(_)))
            {
                h.deliver(addr(2), Msg::Ok(Members::new()));
            }
        }
        assert_eq!(peer(&h).leader(), Some(HIGHER));
        assert!(!h
            .take_observations()
            .iter()
            .any(|e| matches!(e, Event::ElectionStarted { .. } | Event::ProbeFailed { .. })));
    }

    #[test]
    fn a_refused_connection_to_the_leader_fails_it_at_once() {
        let mut h = harness(None);
        following_higher(&mut h);
        h.take_observations();
        h.connection(addr(2), Connection::Refused);
        assert!(h
            .take_observations()
            .contains(&Event::ProbeFailed { leader: HIGHER }));
        assert!(peer(&h).suspects().contains(&HIGHER));
        assert_eq!(peer(&h).leader(), None);
    }

    #[test]
    fn a_feigned_failure_cancels_its_timers_ignores_everything_then_rejoins() {
        let mut h = harness(None);
        if let BullyNode::Peer(p) = h.machine_mut() {
            p.feign = Some(Feign::default());
        }
        joined(&mut h, &[(LOWER, 1)]);
        assert!(peer(&h).is_leader());
        h.fire(Timer::FeignStart);
        assert!(peer(&h).feigning());
        let pending: Vec<Timer> = h.pending_timers().into_iter().map(|(_, t)| t).collect();
        assert_eq!(pending, vec![Timer::FeignEnd]);
        h.take_sent();
        h.deliver(addr(1), Msg::Probe);
        assert!(h.take_sent().is_empty());
        h.fire(Timer::FeignEnd);
        assert!(!peer(&h).feigning());
        assert_eq!(peer(&h).leader(), None);
        assert!(matches!(h.take_sent().as_slice(), [(to, Msg::Join(_))] if *to == addr(GCD)));
        assert!(h.take_observations().contains(&Event::Recovered));
    }
}
