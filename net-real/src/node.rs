//! One node's lifecycle: bind its socket, start its threads, stop and join them.

use crate::clock::Clock;
use crate::config::{LiveFaults, Transport};
use crate::driver::{Control, Driver, Input, NodeIo};
use crate::event::{Events, LogKind};
use crate::faults::{Injector, Partitions};
use crate::inbound::Inbound;
use crate::outbound::Outbound;
use crate::report::Stats;
use crate::tcp::{self, Conns, TcpOut};
use crate::udp::{self, UdpOut};
use sim::seeding::{node_rng, stream};
use sim::{Codec, Machine};
use std::io;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A bound socket, before its node starts.
pub(crate) enum Bound {
    Udp(UdpSocket),
    Tcp(TcpListener),
}

impl Bound {
    pub(crate) fn bind(transport: Transport, addr: SocketAddr) -> io::Result<Bound> {
        Ok(match transport {
            Transport::Udp => Bound::Udp(UdpSocket::bind(addr)?),
            Transport::Tcp => Bound::Tcp(TcpListener::bind(addr)?),
        })
    }

    pub(crate) fn local_addr(&self) -> io::Result<SocketAddr> {
        match self {
            Bound::Udp(s) => s.local_addr(),
            Bound::Tcp(l) => l.local_addr(),
        }
    }
}

/// Builds node `index` of the address book.
pub(crate) type Factory<M> = Arc<dyn Fn(usize, &[SocketAddr]) -> M + Send + Sync>;

/// What every node of a run shares.
pub(crate) struct Shared<M: Machine, C> {
    pub(crate) book: Arc<[SocketAddr]>,
    pub(crate) factory: Factory<M>,
    pub(crate) codec: Arc<C>,
    pub(crate) seed: u64,
    pub(crate) faults: LiveFaults,
    pub(crate) partitions: Arc<Partitions>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) events: Events<M::Obs>,
    pub(crate) clock: Clock,
    /// How long a node waits, listening, before its machine starts (first
    /// incarnation only; a restarted node starts at once).
    pub(crate) start_after: Duration,
}

/// How often a node waiting to start checks whether it was stopped.
const STOP_POLL: Duration = Duration::from_millis(20);

/// A started node: its threads, and how to reach and stop them.
pub(crate) struct RunningNode<Msg, O> {
    index: usize,
    stop: Arc<AtomicBool>,
    inbox: Sender<Input<Msg>>,
    threads: Vec<JoinHandle<()>>,
    conns: Option<Arc<Conns>>,
    listen: Option<SocketAddr>,
    events: Events<O>,
}

impl<Msg, O> RunningNode<Msg, O> {
    /// Sends a command to the node thread.
    pub(crate) fn control(&self, command: Control) {
        let _ = self.inbox.send(Input::Control(command));
    }

    /// Tells every thread of the node to stop (does not wait).
    pub(crate) fn signal_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.control(Control::Stop);
        if let Some(listen) = self.listen {
            tcp::wake(listen);
        }
    }

    /// Waits for the node's threads, then closes its connections.
    pub(crate) fn join(self) {
        for handle in self.threads {
            if handle.join().is_err() {
                self.events.log(
                    self.index,
                    None,
                    LogKind::Fault,
                    "a node thread panicked (a bug in the machine or codec)",
                );
            }
        }
        if let Some(conns) = self.conns {
            conns.close_all();
        }
    }

    /// Stops the node and waits for it.
    pub(crate) fn shutdown(self) {
        self.signal_stop();
        self.join();
    }
}

/// Starts node `index` (its `incarnation`-th life) on an already bound socket.
pub(crate) fn start<M, C>(
    shared: &Shared<M, C>,
    index: usize,
    incarnation: u32,
    bound: Bound,
) -> io::Result<RunningNode<M::Msg, M::Obs>>
where
    M: Machine + 'static,
    M::Msg: Send + 'static,
    M::Timer: 'static,
    M::Obs: Send + 'static,
    C: Codec<Msg = M::Msg> + Send + Sync + 'static,
{
    let me = bound.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let inbound = Inbound {
        node: index,
        inbox: tx.clone(),
        codec: shared.codec.clone(),
        stats: shared.stats.clone(),
        events: shared.events.clone(),
        stop: stop.clone(),
    };
    let mut node = RunningNode {
        index,
        stop: stop.clone(),
        inbox: tx,
        threads: Vec::new(),
        conns: None,
        listen: None,
        events: shared.events.clone(),
    };
    let out = match bound {
        Bound::Udp(socket) => {
            let receiver = socket.try_clone()?;
            node.threads.push(udp::spawn_receiver(receiver, inbound)?);
            Outbound::Udp(UdpOut::new(socket))
        }
        Bound::Tcp(listener) => {
            let conns = Arc::new(Conns::default());
            node.conns = Some(conns.clone());
            node.threads.push(tcp::spawn_acceptor(
                listener,
                conns.clone(),
                inbound.clone(),
            )?);
            node.listen = Some(me);
            Outbound::Tcp(TcpOut::new(conns, inbound))
        }
    };
    let fault_stream = format!("net-real/faults/{index}/{incarnation}");
    let io = NodeIo {
        index,
        me,
        out,
        codec: shared.codec.clone(),
        injector: Injector::new(
            shared.faults.clone(),
            stream(shared.seed, fault_stream.as_bytes()),
        ),
        partitions: shared.partitions.clone(),
        stats: shared.stats.clone(),
        events: shared.events.clone(),
        clock: shared.clock,
        stop,
    };
    let (factory, book) = (shared.factory.clone(), shared.book.clone());
    let rng = node_rng(shared.seed, &me, incarnation);
    let start_after = match incarnation {
        0 => shared.start_after,
        _ => Duration::ZERO,
    };
    let started = node.stop.clone();
    let spawned = thread::Builder::new()
        .name(format!("node-{index}"))
        .spawn(move || {
            // Messages that arrive meanwhile wait in the inbox.
            let until = Instant::now() + start_after;
            while !started.load(Ordering::Relaxed) && Instant::now() < until {
                thread::sleep(
                    until
                        .saturating_duration_since(Instant::now())
                        .min(STOP_POLL),
                );
            }
            Driver::new(factory(index, &book), rng, io).run(&rx)
        });
    match spawned {
        Ok(handle) => {
            node.threads.push(handle);
            Ok(node)
        }
        Err(e) => {
            node.shutdown();
            Err(e)
        }
    }
}
