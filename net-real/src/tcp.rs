//! TCP: one non-blocking connection per pair of nodes, with read and write
//! buffers.
//!
//! A node keeps its connections by the peer address its machine uses: the
//! address it dialled, the book address of a local node that dialled it (the
//! process knows the local address of every connection it dialled), or the
//! peer's socket address for anyone else. So a reply to `from` goes back over
//! the connection the request came in on, and two local nodes share one
//! connection. Writes are queued and flushed once per loop turn; a slow
//! reader only grows its own queue (bounded by the run's buffer cap).
//! Connection changes reach machines as [`sim::Connection`] events.

use crate::event::LogKind;
use crate::frames::FrameReader;
use crate::runtime::{Due, Input, Life, Runtime, Source, CHUNK, FAIR_SHARE};
use mio::net::TcpStream;
use mio::{Interest, Token};
use sim::{CodecError, Connection, DropCause, Machine};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How long a connect may take before it counts as refused.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// After the open-file limit stopped an accept, try again this much later.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);
/// A write queue whose sent prefix passes this is compacted.
const COMPACT_ABOVE: usize = 1 << 20;

/// One TCP connection of a local node.
pub(crate) struct Conn {
    /// Unique in the run.
    pub(crate) id: u64,
    /// The local node it belongs to.
    pub(crate) node: usize,
    pub(crate) stream: TcpStream,
    /// The peer as the machine names it (`from` of what arrives, key of `conns`).
    pub(crate) peer: SocketAddr,
    /// The peer's index for the network model (the book size: outside the book).
    pub(crate) peer_node: u32,
    /// Dialled and not yet established.
    pub(crate) connecting: bool,
    /// Closed by the machine: dropped once its queue is written.
    pub(crate) closing: bool,
    /// Our local address, if we dialled it (key of the run's origins).
    pub(crate) origin: Option<SocketAddr>,
    reader: FrameReader,
    out: Vec<u8>,
    out_start: usize,
    /// Stream offsets at which queued messages end.
    ends: VecDeque<u64>,
    written: u64,
    queued: u64,
    dirty: bool,
}

impl Conn {
    fn new(id: u64, node: usize, stream: TcpStream, peer: SocketAddr, peer_node: u32) -> Self {
        Conn {
            id,
            node,
            stream,
            peer,
            peer_node,
            connecting: false,
            closing: false,
            origin: None,
            reader: FrameReader::default(),
            out: Vec::new(),
            out_start: 0,
            ends: VecDeque::new(),
            written: 0,
            queued: 0,
            dirty: false,
        }
    }

    /// Messages queued and not completely written.
    pub(crate) fn queued_messages(&self) -> usize {
        self.ends.len()
    }

    /// Bytes this connection holds in its buffers.
    fn buffered(&self) -> usize {
        self.reader.pending() + (self.out.len() - self.out_start)
    }
}

/// Why a connection ends, which decides what its machine is told and how
/// queued messages are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// The connect failed: `Refused`, queued messages dropped as `refused`.
    Refused,
    /// The peer closed it, it broke, or it was cut (bad input, a limit, a
    /// partition): `Closed`, queued messages dropped as `reset`.
    Closed,
    /// Its own node crashed: no event, queued messages dropped as `reset`.
    Crashed,
    /// The machine closed it and its queue is written: no event.
    Finished,
}

fn conn_mut(sources: &mut [Source], token: Token) -> Option<&mut Conn> {
    match sources.get_mut(token.0) {
        Some(Source::Conn(c)) => Some(c),
        _ => None,
    }
}

fn is_fd_limit(e: &io::Error) -> bool {
    // EMFILE (24) and ENFILE (23).
    matches!(e.raw_os_error(), Some(23) | Some(24))
}

impl<M: Machine> Runtime<'_, M> {
    /// Queues a frame from node `from` to `to`, dialling if needed.
    pub(crate) fn tcp_send(&mut self, from: usize, to: SocketAddr, peer: u32, bytes: &[u8]) {
        let up = self.nodes[from]
            .as_ref()
            .is_some_and(|n| n.life != Life::Down);
        if !up {
            self.counters.sim.dropped.add(DropCause::Reset);
            return;
        }
        let existing = self.nodes[from]
            .as_ref()
            .and_then(|n| n.conns.get(&to))
            .copied();
        let token = match existing {
            Some(token) => token,
            None => match self.dial(from, to, peer) {
                Some(token) => token,
                None => return,
            },
        };
        if !self.reserve(from, bytes.len()) {
            self.counters.sim.dropped.add(DropCause::Loss);
            return;
        }
        let Some(conn) = conn_mut(&mut self.sources, token) else {
            return;
        };
        conn.out.extend_from_slice(bytes);
        conn.queued += bytes.len() as u64;
        conn.ends.push_back(conn.queued);
        if !conn.dirty {
            conn.dirty = true;
            self.dirty.push(token);
        }
    }

    /// Opens a connection from node `from` to `to`; `None` (message
    /// dropped, counted) if the socket cannot even be created.
    fn dial(&mut self, from: usize, to: SocketAddr, peer: u32) -> Option<Token> {
        let stream = match TcpStream::connect(to) {
            Ok(s) => s,
            Err(e) => {
                if is_fd_limit(&e) {
                    self.fd_exhausted(from);
                } else {
                    self.log(from, Some(to), LogKind::Send, format!("connect: {e}"));
                }
                self.counters.sim.dropped.add(DropCause::Unroutable);
                return None;
            }
        };
        let _ = stream.set_nodelay(true);
        self.next_conn += 1;
        let id = self.next_conn;
        let mut conn = Conn::new(id, from, stream, to, peer);
        conn.connecting = true;
        if let Ok(local) = conn.stream.local_addr() {
            conn.origin = Some(local);
            self.origins.insert(local, from as u32);
        }
        let token = self.insert(Source::Conn(Box::new(conn)));
        if let Some(Source::Conn(conn)) = self.sources.get_mut(token.0) {
            let interest = Interest::READABLE | Interest::WRITABLE;
            if let Err(e) = self
                .poll
                .registry()
                .register(&mut conn.stream, token, interest)
            {
                let origin = conn.origin;
                self.remove(token);
                if let Some(o) = origin {
                    self.origins.remove(&o);
                }
                self.log(from, Some(to), LogKind::Send, format!("register: {e}"));
                self.counters.sim.dropped.add(DropCause::Unroutable);
                return None;
            }
        }
        if let Some(node) = self.nodes[from].as_mut() {
            node.conns.insert(to, token);
        }
        self.deadlines.push(
            Instant::now() + CONNECT_TIMEOUT,
            Due::ConnectTimeout { token, id },
        );
        Some(token)
    }

    /// A connect still pending at its deadline is refused.
    pub(crate) fn connect_timeout(&mut self, token: Token, id: u64) {
        let pending = match self.sources.get(token.0) {
            Some(Source::Conn(c)) => c.id == id && c.connecting,
            _ => false,
        };
        if pending {
            self.close_conn(token, End::Refused);
        }
    }

    /// Accepts every pending connection on node `node`'s listener.
    pub(crate) fn accept(&mut self, token: Token, node: usize) {
        loop {
            let accepted = match self.sources.get(token.0) {
                Some(Source::Listener { listener, .. }) => listener.accept(),
                _ => return,
            };
            let (stream, addr) = match accepted {
                Ok(pair) => pair,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if is_fd_limit(&e) => {
                    self.fd_exhausted(node);
                    // Edge-triggered: the backlog will not be announced
                    // again, so look again shortly.
                    self.deadlines
                        .push(Instant::now() + ACCEPT_RETRY, Due::Accept { token });
                    return;
                }
                // The peer gave up before we accepted (ECONNABORTED): next.
                Err(_) => continue,
            };
            let _ = stream.set_nodelay(true);
            let (peer, peer_node) = match self.origins.get(&addr) {
                Some(&j) => (self.book[j as usize], j),
                None => (addr, self.outside),
            };
            self.next_conn += 1;
            let conn = Conn::new(self.next_conn, node, stream, peer, peer_node);
            let conn_token = self.insert(Source::Conn(Box::new(conn)));
            if let Some(Source::Conn(conn)) = self.sources.get_mut(conn_token.0) {
                let interest = Interest::READABLE | Interest::WRITABLE;
                if self
                    .poll
                    .registry()
                    .register(&mut conn.stream, conn_token, interest)
                    .is_err()
                {
                    self.remove(conn_token);
                    continue;
                }
            }
            self.counters.connections_opened += 1;
            if let Some(n) = self.nodes[node].as_mut() {
                // A simultaneous dial by both ends keeps the first one as
                // the route; the other still delivers what it carries.
                n.conns.entry(peer).or_insert(conn_token);
            }
            self.input(node, Input::Conn(peer, Connection::Established));
            // Bytes may already be waiting.
            self.conn_ready(conn_token, false);
            if self.done.is_some() {
                return;
            }
        }
    }

    /// Readiness of a connection: completes a connect, reads, writes.
    pub(crate) fn conn_ready(&mut self, token: Token, writable: bool) {
        let Some(conn) = conn_mut(&mut self.sources, token) else {
            return;
        };
        if conn.connecting {
            let failed = match conn.stream.take_error() {
                Ok(Some(_)) | Err(_) => true,
                Ok(None) => match conn.stream.peer_addr() {
                    Ok(_) => false,
                    Err(e)
                        if e.kind() == io::ErrorKind::NotConnected
                            || e.raw_os_error() == Some(115) =>
                    {
                        return;
                    }
                    Err(_) => true,
                },
            };
            if failed {
                return self.close_conn(token, End::Refused);
            }
            conn.connecting = false;
            let (node, peer) = (conn.node, conn.peer);
            self.counters.connections_opened += 1;
            self.flush(token);
            self.input(node, Input::Conn(peer, Connection::Established));
        } else if writable {
            self.flush(token);
        }
        self.read(token);
    }

    /// Reads a fair share from a connection, delivering whole frames.
    fn read(&mut self, token: Token) {
        let mut batch: Vec<Result<M::Msg, CodecError>> = Vec::new();
        let mut end: Option<(End, Option<(LogKind, String)>)> = None;
        let mut more = false;
        let (node, peer);
        {
            let Some(Source::Conn(conn)) = self.sources.get_mut(token.0) else {
                return;
            };
            if conn.connecting {
                return;
            }
            node = conn.node;
            peer = conn.peer;
            for round in 0.. {
                if round == FAIR_SHARE {
                    more = true;
                    break;
                }
                match conn.stream.read(&mut self.scratch[..CHUNK]) {
                    Ok(0) => {
                        let pending = conn.reader.pending();
                        let why = (pending > 0).then(|| {
                            let text = format!(
                                "truncated frame: the connection closed {pending} bytes into it"
                            );
                            (LogKind::Decode, text)
                        });
                        end = Some((End::Closed, why));
                        break;
                    }
                    Ok(n) => {
                        let before = conn.reader.pending();
                        let fed = conn.reader.feed(
                            self.codec,
                            &self.scratch[..n],
                            self.max_frame,
                            &mut |m| batch.push(m),
                        );
                        let after = conn.reader.pending();
                        self.buffered = (self.buffered + after).saturating_sub(before);
                        if let Err(e) = fed {
                            end = Some((End::Closed, Some((LogKind::Decode, e.to_string()))));
                            self.counters.connections_cut += 1;
                            break;
                        }
                        if self.buffered > self.limits.max_buffered {
                            let text = format!(
                                "buffer cap of {} bytes reached with {after} bytes of an incomplete frame from this peer: connection closed",
                                self.limits.max_buffered
                            );
                            end = Some((End::Closed, Some((LogKind::Limit, text))));
                            self.counters.connections_cut += 1;
                            break;
                        }
                        self.counters.peak_buffered =
                            self.counters.peak_buffered.max(self.buffered as u64);
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => {
                        end = Some((End::Closed, None));
                        break;
                    }
                }
            }
        }
        for item in batch {
            match item {
                Ok(msg) => self.input(node, Input::Msg(peer, msg)),
                Err(e) => {
                    self.counters.decode_errors += 1;
                    self.log(node, Some(peer), LogKind::Decode, e.to_string());
                }
            }
        }
        match end {
            Some((how, why)) => {
                if let Some((kind, why)) = why {
                    if kind == LogKind::Decode {
                        self.counters.decode_errors += 1;
                    }
                    self.log(node, Some(peer), kind, why);
                }
                self.close_conn(token, how);
            }
            None if more => self.ready.push_back(token),
            None => {}
        }
    }

    /// Writes every connection with queued bytes (once per loop turn, so
    /// many messages share a system call).
    pub(crate) fn flush_dirty(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        for token in &dirty {
            if let Some(conn) = conn_mut(&mut self.sources, *token) {
                conn.dirty = false;
            }
            self.flush(*token);
        }
        let mut dirty = dirty;
        dirty.clear();
        if self.dirty.is_empty() {
            self.dirty = dirty;
        }
    }

    /// Writes as much of a connection's queue as the socket takes.
    fn flush(&mut self, token: Token) {
        let Some(conn) = conn_mut(&mut self.sources, token) else {
            return;
        };
        if conn.connecting {
            return;
        }
        let mut broken = false;
        while conn.out_start < conn.out.len() {
            match conn.stream.write(&conn.out[conn.out_start..]) {
                Ok(0) => {
                    broken = true;
                    break;
                }
                Ok(n) => {
                    conn.out_start += n;
                    conn.written += n as u64;
                    self.buffered = self.buffered.saturating_sub(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    broken = true;
                    break;
                }
            }
        }
        while conn.ends.front().is_some_and(|&end| end <= conn.written) {
            conn.ends.pop_front();
        }
        if conn.out_start == conn.out.len() {
            conn.out.clear();
            conn.out_start = 0;
            if conn.out.capacity() > COMPACT_ABOVE {
                conn.out = Vec::new();
            }
        } else if conn.out_start > COMPACT_ABOVE && conn.out_start * 2 > conn.out.len() {
            conn.out.drain(..conn.out_start);
            conn.out_start = 0;
        }
        let finished = conn.closing && conn.out.is_empty();
        if broken {
            self.close_conn(token, End::Closed);
        } else if finished {
            self.close_conn(token, End::Finished);
        }
    }

    /// The machine of node `i` closes its connection with `peer`: the peer
    /// gets what was queued, then sees the connection closed.
    pub(crate) fn close_by_machine(&mut self, i: usize, peer: SocketAddr) {
        let Some(token) = self.nodes[i].as_mut().and_then(|n| n.conns.remove(&peer)) else {
            return;
        };
        if let Some(conn) = conn_mut(&mut self.sources, token) {
            conn.closing = true;
        }
        self.flush(token);
    }

    /// A partition cut the link `from -> to`: its connection resets.
    pub(crate) fn cut_for_partition(&mut self, from: usize, to: SocketAddr) {
        if let Some(&token) = self.nodes[from].as_ref().and_then(|n| n.conns.get(&to)) {
            self.close_conn(token, End::Closed);
        }
    }

    /// Closes a connection: its socket, its route, its queue (counted), and
    /// tells its machine as `how` says.
    pub(crate) fn close_conn(&mut self, token: Token, how: End) {
        let Source::Conn(mut conn) = self.remove(token) else {
            return;
        };
        let _ = self.poll.registry().deregister(&mut conn.stream);
        self.buffered = self.buffered.saturating_sub(conn.buffered());
        if let Some(origin) = conn.origin {
            self.origins.remove(&origin);
        }
        if let Some(node) = self.nodes[conn.node].as_mut() {
            if node.conns.get(&conn.peer) == Some(&token) {
                node.conns.remove(&conn.peer);
            }
        }
        let lost = conn.queued_messages() as u64;
        let cause = match how {
            End::Refused => DropCause::Refused,
            _ => DropCause::Reset,
        };
        for _ in 0..lost {
            self.counters.sim.dropped.add(cause);
        }
        let event = match how {
            End::Refused => {
                self.counters.connections_refused += 1;
                Some(Connection::Refused)
            }
            End::Closed => {
                self.counters.connections_closed += 1;
                Some(Connection::Closed)
            }
            End::Crashed | End::Finished => {
                if !conn.connecting {
                    self.counters.connections_closed += 1;
                }
                None
            }
        };
        let (node, peer) = (conn.node, conn.peer);
        drop(conn);
        if let Some(event) = event {
            self.input(node, Input::Conn(peer, event));
        }
    }

    /// Closes every connection of node `i` (it crashed).
    pub(crate) fn close_all(&mut self, i: usize) {
        let tokens: Vec<Token> = self
            .sources
            .iter()
            .enumerate()
            .filter_map(|(t, s)| match s {
                Source::Conn(c) if c.node == i => Some(Token(t)),
                _ => None,
            })
            .collect();
        for token in tokens {
            self.close_conn(token, End::Crashed);
        }
    }
}
