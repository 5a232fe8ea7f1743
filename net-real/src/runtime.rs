//! The event loop: one `mio` poll for every socket of every local node, one
//! deadline heap for every timer, delayed send, fault and start. Machines
//! are called on this thread; nothing here blocks except the poll itself,
//! which a stop request wakes at once.

use crate::clock::{Clock, WallClock};
use crate::config::{ClusterConfig, Limits, Transport};
use crate::deadlines::Deadlines;
use crate::event::{Flow, LiveEvent, LiveObserved, LogEntry, LogKind};
use crate::report::{LiveCounters, LiveStop};
use crate::tcp::Conn;
use mio::net::{TcpListener, UdpSocket, UnixStream};
use mio::{Events, Interest, Poll, Token};
use sim::machine::EffectOf;
use sim::network::Network;
use sim::seeding::{node_rng, stream};
use sim::{Codec, Connection, Context, DropCause, Effect, Machine, NodeRng, ScheduledFault};
use std::collections::{HashMap, VecDeque};
use std::io::{self, Read};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The token of the stop request's wake-up socket.
pub(crate) const WAKE: Token = Token(usize::MAX - 1);
/// Bytes read per `read`/`recv_from` call.
pub(crate) const CHUNK: usize = 64 << 10;
/// Reads (or datagrams) per socket per turn before others get theirs.
pub(crate) const FAIR_SHARE: usize = 64;
/// How often the loop looks at the stop flag when it has no wake-up socket.
const FALLBACK_POLL: Duration = Duration::from_millis(100);

/// Where a local node stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Life {
    /// Bound, machine not started yet (inputs are held until it starts).
    Waiting,
    /// Running (unless paused).
    Up,
    /// Crashed: inputs are dropped.
    Down,
}

/// Something handed to a machine.
pub(crate) enum Input<M: Machine> {
    Start,
    Msg(SocketAddr, M::Msg),
    Timer(M::Timer),
    Conn(SocketAddr, Connection),
}

/// A node this process runs.
pub(crate) struct Node<M: Machine> {
    pub(crate) addr: SocketAddr,
    pub(crate) machine: Option<M>,
    pub(crate) life: Life,
    pub(crate) incarnation: u32,
    pub(crate) rng: NodeRng,
    pub(crate) wall: WallClock,
    pub(crate) paused: bool,
    /// Inputs waiting for a start or a resume, in arrival order.
    pub(crate) held: VecDeque<Input<M>>,
    /// Pending timers by value, with the sequence number of their deadline.
    pub(crate) timers: HashMap<M::Timer, u64>,
    /// The UDP socket or TCP listener.
    pub(crate) socket: Option<Token>,
    /// Open TCP connections by the peer address the machine uses.
    pub(crate) conns: HashMap<SocketAddr, Token>,
}

/// What a token stands for.
pub(crate) enum Source {
    Free,
    Udp { node: usize, socket: UdpSocket },
    Listener { node: usize, listener: TcpListener },
    Conn(Box<Conn>),
}

/// Something due at a deadline.
pub(crate) enum Due<T> {
    Start(usize),
    Timer {
        node: usize,
        timer: T,
    },
    /// A message whose injected delay has passed.
    Send {
        from: usize,
        to: SocketAddr,
        peer: u32,
        bytes: Vec<u8>,
    },
    Fault(usize),
    /// A connect that has not completed in time.
    ConnectTimeout {
        token: Token,
        id: u64,
    },
    /// Accept again on a listener the open-file limit stopped.
    Accept {
        token: Token,
    },
    End,
}

/// The whole run.
pub(crate) struct Runtime<'a, M: Machine> {
    pub(crate) transport: Transport,
    pub(crate) book: Vec<SocketAddr>,
    pub(crate) by_addr: HashMap<SocketAddr, u32>,
    /// The route index of peers outside the book.
    pub(crate) outside: u32,
    pub(crate) codec: &'a dyn Codec<Msg = M::Msg>,
    pub(crate) make: &'a dyn Fn(usize, &[SocketAddr]) -> M,
    pub(crate) on_event: &'a mut dyn FnMut(LiveEvent<M::Obs>) -> Flow,
    pub(crate) seed: u64,
    pub(crate) clock: Clock,
    pub(crate) epoch: Instant,
    pub(crate) limits: Limits,
    pub(crate) max_frame: usize,
    pub(crate) poll: Poll,
    pub(crate) sources: Vec<Source>,
    free: Vec<usize>,
    pub(crate) nodes: Vec<Option<Node<M>>>,
    pub(crate) deadlines: Deadlines<Due<M::Timer>>,
    pub(crate) network: Network,
    pub(crate) schedule: Vec<ScheduledFault>,
    pub(crate) counters: LiveCounters,
    /// Bytes buffered now (see [`Limits::max_buffered`]).
    pub(crate) buffered: usize,
    /// Local addresses of connections this process dialled, by dialling node.
    pub(crate) origins: HashMap<SocketAddr, u32>,
    pub(crate) scratch: Vec<u8>,
    wire: Vec<u8>,
    effects: Vec<EffectOf<M>>,
    pub(crate) next_conn: u64,
    /// Sockets with more to read after their fair share.
    pub(crate) ready: VecDeque<Token>,
    /// Connections with bytes to write.
    pub(crate) dirty: Vec<Token>,
    pub(crate) done: Option<LiveStop>,
    pub(crate) reported_fds: bool,
    pub(crate) reported_cap: bool,
}

impl<'a, M: Machine> Runtime<'a, M> {
    /// Binds every local node's socket (the book gets the real ports) and
    /// prepares the heap: starts, faults, the end.
    pub(crate) fn bind(
        config: &ClusterConfig,
        seed: u64,
        codec: &'a dyn Codec<Msg = M::Msg>,
        make: &'a dyn Fn(usize, &[SocketAddr]) -> M,
        on_event: &'a mut dyn FnMut(LiveEvent<M::Obs>) -> Flow,
    ) -> Result<Self, crate::LiveError> {
        let poll = Poll::new().map_err(crate::LiveError::Poll)?;
        let mut book = config.addrs.clone();
        let n = book.len();
        let mut rt = Runtime {
            transport: config.transport,
            book: Vec::new(),
            by_addr: HashMap::new(),
            outside: n as u32,
            codec,
            make,
            on_event,
            seed,
            clock: Clock::start(),
            epoch: Instant::now(),
            limits: config.limits.clone(),
            max_frame: config
                .limits
                .max_frame
                .unwrap_or_else(|| codec.max_frame_len()),
            poll,
            sources: Vec::new(),
            free: Vec::new(),
            nodes: (0..n).map(|_| None).collect(),
            deadlines: Deadlines::new(),
            network: Network::new(&config.network, stream(seed, b"network")),
            schedule: Vec::new(),
            counters: LiveCounters::default(),
            buffered: 0,
            origins: HashMap::new(),
            scratch: vec![0; CHUNK],
            wire: Vec::new(),
            effects: Vec::new(),
            next_conn: 0,
            ready: VecDeque::new(),
            dirty: Vec::new(),
            done: None,
            reported_fds: false,
            reported_cap: false,
        };
        let mut sockets = HashMap::new();
        for i in config.local_nodes() {
            let addr = book[i];
            let (token, bound) = rt
                .open_socket(i, addr)
                .map_err(|source| crate::LiveError::Bind { addr, source })?;
            book[i] = bound;
            sockets.insert(i, token);
        }
        for (i, addr) in book.iter().enumerate() {
            if addr.port() != 0 {
                rt.by_addr.entry(*addr).or_insert(i as u32);
            }
        }
        for i in config.local_nodes() {
            rt.nodes[i] = Some(Node {
                addr: book[i],
                machine: None,
                life: Life::Waiting,
                incarnation: 0,
                rng: node_rng(seed, &book[i], 0),
                wall: WallClock::default(),
                paused: false,
                held: VecDeque::new(),
                timers: HashMap::new(),
                socket: sockets.get(&i).copied(),
                conns: HashMap::new(),
            });
        }
        rt.book = book;
        // Sockets are bound: time zero is now.
        rt.clock = Clock::start();
        rt.epoch = Instant::now();
        let starts: HashMap<usize, Duration> =
            config.starts.iter().map(|s| (s.node, s.at.0)).collect();
        for i in config.local_nodes() {
            let late = starts.get(&i).copied().unwrap_or_default();
            rt.at(config.start_after + late, Due::Start(i));
        }
        let mut schedule = config.schedule.clone();
        if let Some(nemesis) = &config.nemesis {
            schedule.extend(sim::nemesis::plan(
                nemesis,
                n,
                &mut stream(seed, b"nemesis"),
            ));
        }
        schedule.sort_by_key(|f| f.at);
        for (k, f) in schedule.iter().enumerate() {
            rt.at(f.at.0, Due::Fault(k));
        }
        rt.schedule = schedule;
        rt.at(config.duration, Due::End);
        Ok(rt)
    }

    /// Schedules `due` at `after` since the start of the run.
    fn at(&mut self, after: Duration, due: Due<M::Timer>) {
        let at = self
            .epoch
            .checked_add(after)
            .unwrap_or(self.epoch + Duration::from_secs(100 * 365 * 24 * 3600));
        self.deadlines.push(at, due);
    }

    /// Binds a socket for node `i` at `addr` and registers it; returns
    /// its token and the bound address.
    pub(crate) fn open_socket(
        &mut self,
        i: usize,
        addr: SocketAddr,
    ) -> io::Result<(Token, SocketAddr)> {
        let (source, bound) = match self.transport {
            Transport::Udp => {
                let socket = std::net::UdpSocket::bind(addr)?;
                socket.set_nonblocking(true)?;
                let socket = UdpSocket::from_std(socket);
                let bound = socket.local_addr()?;
                (Source::Udp { node: i, socket }, bound)
            }
            Transport::Tcp => {
                let listener = TcpListener::bind(addr)?;
                let bound = listener.local_addr()?;
                (Source::Listener { node: i, listener }, bound)
            }
        };
        let token = self.insert(source);
        let registry = self.poll.registry();
        let registered = match &mut self.sources[token.0] {
            Source::Udp { socket, .. } => registry.register(socket, token, Interest::READABLE),
            Source::Listener { listener, .. } => {
                registry.register(listener, token, Interest::READABLE)
            }
            _ => Ok(()),
        };
        if let Err(e) = registered {
            self.remove(token);
            return Err(e);
        }
        Ok((token, bound))
    }

    /// Stores a source; returns its token.
    pub(crate) fn insert(&mut self, source: Source) -> Token {
        match self.free.pop() {
            Some(i) => {
                self.sources[i] = source;
                Token(i)
            }
            None => {
                self.sources.push(source);
                Token(self.sources.len() - 1)
            }
        }
    }

    /// Frees a token's slot (the source is dropped: its socket closes).
    pub(crate) fn remove(&mut self, token: Token) -> Source {
        let old = std::mem::replace(&mut self.sources[token.0], Source::Free);
        if !matches!(old, Source::Free) {
            self.free.push(token.0);
        }
        old
    }

    /// Runs until the end, a stop request or the caller's `Flow::Stop`.
    pub(crate) fn run(&mut self, stop: &crate::Stop) -> LiveStop {
        let mut wake = stop
            .take_receiver()
            .and_then(|rx| rx.try_clone().ok().map(|dup| (rx, dup)));
        let mut registered: Option<UnixStream> = None;
        if let Some((_, dup)) = wake.as_mut() {
            if let Ok(clone) = dup.try_clone() {
                let mut mio_rx = UnixStream::from_std(clone);
                if self
                    .poll
                    .registry()
                    .register(&mut mio_rx, WAKE, Interest::READABLE)
                    .is_ok()
                {
                    registered = Some(mio_rx);
                }
            }
        }
        let local: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].is_some())
            .collect();
        let listening = LiveEvent::Listening {
            addrs: self.book.clone(),
            local,
        };
        if (self.on_event)(listening) == Flow::Stop {
            self.done = Some(LiveStop::Done);
        }
        let mut events = Events::with_capacity(1024);
        let outcome = loop {
            if stop.requested() {
                break LiveStop::Interrupted;
            }
            self.run_due();
            if let Some(done) = self.done {
                break done;
            }
            self.flush_dirty();
            let timeout = if !self.ready.is_empty() {
                Some(Duration::ZERO)
            } else {
                let until = self
                    .deadlines
                    .next()
                    .map(|at| at.saturating_duration_since(Instant::now()));
                match (until, registered.is_some()) {
                    (Some(d), true) => Some(d),
                    (Some(d), false) => Some(d.min(FALLBACK_POLL)),
                    (None, true) => None,
                    (None, false) => Some(FALLBACK_POLL),
                }
            };
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.log(0, None, LogKind::Receive, format!("poll failed: {e}"));
                    break LiveStop::Interrupted;
                }
                continue;
            }
            for event in events.iter() {
                let token = event.token();
                if token == WAKE {
                    if let Some(rx) = registered.as_mut() {
                        let mut sink = [0u8; 64];
                        while matches!(rx.read(&mut sink), Ok(n) if n > 0) {}
                    }
                    continue;
                }
                self.on_ready(token, event.is_writable() || event.is_error());
                if self.done.is_some() {
                    break;
                }
            }
            for _ in 0..self.ready.len() {
                if self.done.is_some() {
                    break;
                }
                if let Some(token) = self.ready.pop_front() {
                    self.on_ready(token, false);
                }
            }
            self.flush_dirty();
        };
        if let Some(mut rx) = registered {
            let _ = self.poll.registry().deregister(&mut rx);
        }
        if let Some((rx, _)) = wake {
            stop.give_back(rx);
        }
        outcome
    }

    /// Handles readiness of one source.
    fn on_ready(&mut self, token: Token, writable: bool) {
        match self.sources.get(token.0) {
            Some(Source::Udp { node, .. }) => {
                let node = *node;
                self.udp_readable(token, node);
            }
            Some(Source::Listener { node, .. }) => {
                let node = *node;
                self.accept(token, node);
            }
            Some(Source::Conn(_)) => self.conn_ready(token, writable),
            _ => {}
        }
    }

    /// Handles everything due by now.
    fn run_due(&mut self) {
        let now = Instant::now();
        while self.done.is_none() {
            let Some((seq, due)) = self.deadlines.pop_due(now) else {
                return;
            };
            match due {
                Due::End => self.done = Some(LiveStop::Duration),
                Due::Start(i) => self.start(i),
                Due::Timer { node, timer } => {
                    let current = self
                        .nodes
                        .get_mut(node)
                        .and_then(|n| n.as_mut())
                        .is_some_and(|n| {
                            if n.timers.get(&timer) == Some(&seq) {
                                n.timers.remove(&timer);
                                true
                            } else {
                                false
                            }
                        });
                    if current {
                        self.input(node, Input::Timer(timer));
                    }
                }
                Due::Send {
                    from,
                    to,
                    peer,
                    bytes,
                } => {
                    self.buffered = self.buffered.saturating_sub(bytes.len());
                    self.transmit(from, to, peer, &bytes);
                }
                Due::Fault(k) => self.apply_fault(k),
                Due::ConnectTimeout { token, id } => self.connect_timeout(token, id),
                Due::Accept { token } => {
                    if let Some(Source::Listener { node, .. }) = self.sources.get(token.0) {
                        let node = *node;
                        self.accept(token, node);
                    }
                }
            }
        }
    }

    /// Starts node `i`'s machine (first start or a restart).
    pub(crate) fn start(&mut self, i: usize) {
        let Some(node) = self.nodes.get_mut(i).and_then(|n| n.as_mut()) else {
            return;
        };
        if node.life == Life::Down {
            return;
        }
        node.machine = Some((self.make)(i, &self.book));
        node.life = Life::Up;
        self.call(i, Input::Start);
        // Inputs that arrived before the start, unless it paused meanwhile.
        self.release_held(i);
    }

    /// Hands held inputs to a node that is up and not paused.
    pub(crate) fn release_held(&mut self, i: usize) {
        loop {
            let Some(node) = self.nodes.get_mut(i).and_then(|n| n.as_mut()) else {
                return;
            };
            if node.paused || node.life != Life::Up {
                return;
            }
            let Some(input) = node.held.pop_front() else {
                return;
            };
            self.call(i, input);
        }
    }

    /// Hands an input to local node `i`: now, later (waiting or paused),
    /// or never (crashed: a message is a `node_down` drop).
    pub(crate) fn input(&mut self, i: usize, input: Input<M>) {
        let Some(node) = self.nodes.get_mut(i).and_then(|n| n.as_mut()) else {
            return;
        };
        match node.life {
            Life::Down => {
                if let Input::Msg(..) = input {
                    self.counters.sim.dropped.add(DropCause::NodeDown);
                }
            }
            Life::Waiting => node.held.push_back(input),
            Life::Up if node.paused => node.held.push_back(input),
            Life::Up => self.call(i, input),
        }
    }

    /// Calls one entry point of node `i`'s machine, then carries out its effects.
    fn call(&mut self, i: usize, input: Input<M>) {
        let Some(node) = self.nodes.get_mut(i).and_then(|n| n.as_mut()) else {
            return;
        };
        let Some(machine) = node.machine.as_mut() else {
            return;
        };
        let started = Instant::now();
        let now = self.clock.at(started);
        let wall = node.wall.read(now);
        let mut effects = std::mem::take(&mut self.effects);
        let mut ctx = Context::new(now, wall, node.addr, &mut node.rng, &mut effects);
        self.counters.sim.events += 1;
        match input {
            Input::Start => machine.on_start(&mut ctx),
            Input::Msg(from, msg) => {
                self.counters.sim.delivered += 1;
                machine.on_message(&mut ctx, from, msg)
            }
            Input::Timer(timer) => {
                self.counters.sim.timers_fired += 1;
                machine.on_timer(&mut ctx, timer)
            }
            Input::Conn(peer, event) => machine.on_connection(&mut ctx, peer, event),
        }
        let addr = node.addr;
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => self.send(i, to, &msg, started),
                Effect::SetTimer { after, timer } => {
                    let Some(node) = self.nodes[i].as_mut() else {
                        continue;
                    };
                    match started.checked_add(after) {
                        Some(at) => {
                            let seq = self.deadlines.push(
                                at,
                                Due::Timer {
                                    node: i,
                                    timer: timer.clone(),
                                },
                            );
                            node.timers.insert(timer, seq);
                        }
                        // A deadline beyond the clock's range never comes.
                        None => {
                            node.timers.remove(&timer);
                        }
                    }
                }
                Effect::CancelTimer(timer) => {
                    if let Some(node) = self.nodes[i].as_mut() {
                        node.timers.remove(&timer);
                    }
                }
                Effect::Close(peer) => self.close_by_machine(i, peer),
                Effect::Observe(obs) => {
                    self.counters.sim.observations += 1;
                    let record = LiveObserved {
                        time: now,
                        node: i,
                        addr,
                        obs,
                        counters: self.counters.sim.clone(),
                    };
                    if (self.on_event)(LiveEvent::Observed(record)) == Flow::Stop {
                        self.done.get_or_insert(LiveStop::Done);
                    }
                }
            }
        }
        self.effects = effects;
    }

    /// Reports a log entry to the caller.
    pub(crate) fn log(
        &mut self,
        node: usize,
        peer: Option<SocketAddr>,
        kind: LogKind,
        message: impl Into<String>,
    ) {
        let entry = LogEntry {
            time: self.clock.now(),
            node,
            peer,
            kind,
            message: message.into(),
        };
        if (self.on_event)(LiveEvent::Log(entry)) == Flow::Stop {
            self.done.get_or_insert(LiveStop::Done);
        }
    }

    /// Counts buffered bytes; false (and one log line) if `extra` more would pass the cap.
    pub(crate) fn reserve(&mut self, node: usize, extra: usize) -> bool {
        if self.buffered.saturating_add(extra) > self.limits.max_buffered {
            if !self.reported_cap {
                self.reported_cap = true;
                let cap = self.limits.max_buffered;
                let held = self.buffered;
                self.log(
                    node,
                    None,
                    LogKind::Limit,
                    format!(
                        "buffer cap reached: {held} bytes buffered, {extra} more would pass the limit of {cap} bytes; such sends are dropped (cause loss) and such reads close their connection (reported once)"
                    ),
                );
            }
            return false;
        }
        self.buffered += extra;
        self.counters.peak_buffered = self.counters.peak_buffered.max(self.buffered as u64);
        true
    }

    /// Encodes `msg` for this transport into the shared buffer.
    fn encode(&mut self, msg: &M::Msg) -> Result<(), sim::CodecError> {
        self.wire.clear();
        match self.transport {
            Transport::Udp => {
                self.codec.encode(msg, &mut self.wire)?;
                if self.wire.len() > crate::udp::MAX_DATAGRAM {
                    return Err(sim::CodecError::Encode(format!(
                        "a datagram of {} bytes exceeds the UDP limit of {}",
                        self.wire.len(),
                        crate::udp::MAX_DATAGRAM
                    )));
                }
                Ok(())
            }
            Transport::Tcp => self.codec.encode_frame(msg, &mut self.wire),
        }
    }

    /// The route index of `to` as seen from local node `from`.
    fn resolve(&self, from: usize, to: SocketAddr) -> u32 {
        if let Some(&i) = self.by_addr.get(&to) {
            return i;
        }
        let conn = self.nodes[from]
            .as_ref()
            .and_then(|n| n.conns.get(&to))
            .and_then(|t| match &self.sources[t.0] {
                Source::Conn(c) => Some(c.peer_node),
                _ => None,
            });
        conn.unwrap_or(self.outside)
    }

    /// Node `from` sends `msg` to `to`: the network model decides its fate
    /// (drop, delay, duplicate) exactly as in the simulator, then the
    /// encoded bytes go to the socket now or when their delay has passed.
    fn send(&mut self, from: usize, to: SocketAddr, msg: &M::Msg, now: Instant) {
        self.counters.sim.sent += 1;
        let peer = self.resolve(from, to);
        let now_ns = self.clock.at(now).as_nanos();
        let fate = match self.network.route(from as u32, peer, now_ns) {
            Ok(fate) => fate,
            Err(cause) => {
                self.counters.sim.dropped.add(cause);
                if self.transport == Transport::Tcp {
                    self.cut_for_partition(from, to);
                }
                return;
            }
        };
        if let Err(e) = self.encode(msg) {
            self.counters.sim.dropped.add(DropCause::WireCheck);
            self.log(from, Some(to), LogKind::Encode, e.to_string());
            return;
        }
        let bytes = std::mem::take(&mut self.wire);
        use sim::Fate;
        match (self.transport, fate) {
            (Transport::Udp, Fate::Drop) => self.counters.sim.dropped.add(DropCause::Loss),
            (Transport::Udp, Fate::Deliver { latency_ns }) => {
                self.emit(from, to, peer, latency_ns, &bytes, now)
            }
            (
                Transport::Udp,
                Fate::Duplicate {
                    latency_ns,
                    second_ns,
                },
            ) => {
                self.counters.sim.duplicated += 1;
                self.emit(from, to, peer, latency_ns, &bytes, now);
                self.emit(from, to, peer, second_ns, &bytes, now);
            }
            // A stream never loses or duplicates: a lost segment is
            // retransmitted and arrives later, as in the simulator.
            (Transport::Tcp, Fate::Drop) => {
                let late = self
                    .network
                    .nominal_latency_ns(from as u32, peer)
                    .saturating_mul(3);
                self.emit(from, to, peer, late, &bytes, now)
            }
            (Transport::Tcp, Fate::Deliver { latency_ns } | Fate::Duplicate { latency_ns, .. }) => {
                self.emit(from, to, peer, latency_ns, &bytes, now)
            }
        }
        self.wire = bytes;
    }

    /// Puts one copy on the wire now, or holds it for `latency_ns`.
    fn emit(
        &mut self,
        from: usize,
        to: SocketAddr,
        peer: u32,
        latency_ns: u64,
        bytes: &[u8],
        now: Instant,
    ) {
        if latency_ns == 0 {
            return self.transmit(from, to, peer, bytes);
        }
        if !self.reserve(from, bytes.len()) {
            self.counters.sim.dropped.add(DropCause::Loss);
            return;
        }
        let at = now + Duration::from_nanos(latency_ns);
        self.deadlines.push(
            at,
            Due::Send {
                from,
                to,
                peer,
                bytes: bytes.to_vec(),
            },
        );
    }

    /// Hands encoded bytes to the transport.
    fn transmit(&mut self, from: usize, to: SocketAddr, peer: u32, bytes: &[u8]) {
        match self.transport {
            Transport::Udp => self.udp_send(from, to, bytes),
            Transport::Tcp => self.tcp_send(from, to, peer, bytes),
        }
    }

    /// Counts what is still held at the stop, fills the report's counters.
    pub(crate) fn finish(&mut self) -> LiveCounters {
        let mut held = 0u64;
        for due in self.deadlines.drain() {
            if let Due::Send { .. } = due {
                held += 1;
            }
        }
        for source in &self.sources {
            if let Source::Conn(conn) = source {
                held += conn.queued_messages() as u64;
            }
        }
        for node in self.nodes.iter().flatten() {
            held += node
                .held
                .iter()
                .filter(|i| matches!(i, Input::Msg(..)))
                .count() as u64;
        }
        let mut counters = self.counters.clone();
        counters.held = held;
        let c = &counters.sim;
        counters.in_flight =
            (c.sent + c.duplicated).saturating_sub(c.delivered + c.dropped.total());
        counters
    }
}
