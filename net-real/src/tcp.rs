//! TCP: framed messages on cached connections.
//!
//! Every connection, opened or accepted, sits in one table per node and has
//! one reader thread. Outbound connections are keyed by the address dialled
//! (the peer's listen address), and messages read from them come `from` that
//! address. Inbound connections are keyed by the peer's socket address (an
//! ephemeral port), which is the `from` the node sees, so `ctx.send(from, ..)`
//! answers over the very connection the request came in on. A connection
//! that breaks is removed from the table; the next send to that address dials
//! again.

use crate::frames::{FrameReader, Next};
use crate::inbound::Inbound;
use crate::outbound::SendError;
use crate::report::bump;
use sim::{Codec, CodecError};
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long dialling a peer may take.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// Least time between two log lines for the same failing `accept`.
const ACCEPT_ERROR_LOG_EVERY: Duration = Duration::from_secs(1);
/// A write blocked this long (peer not reading) breaks the connection.
const WRITE_TIMEOUT: Duration = Duration::from_secs(1);
/// After a failed dial, sends to that address are dropped this long.
const RETRY_AFTER: Duration = Duration::from_millis(200);

struct Conn {
    id: u64,
    stream: Arc<TcpStream>,
}

/// A node's connections and their reader threads.
#[derive(Default)]
pub(crate) struct Conns {
    map: Mutex<HashMap<SocketAddr, Conn>>,
    readers: Mutex<Vec<JoinHandle<()>>>,
    next_id: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Conns {
    /// Caches `stream` under `key` (closing any connection it replaces).
    fn insert(&self, key: SocketAddr, stream: TcpStream) -> (u64, Arc<TcpStream>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let stream = Arc::new(stream);
        let old = lock(&self.map).insert(
            key,
            Conn {
                id,
                stream: stream.clone(),
            },
        );
        if let Some(old) = old {
            let _ = old.stream.shutdown(Shutdown::Both);
        }
        (id, stream)
    }

    fn get(&self, key: &SocketAddr) -> Option<(u64, Arc<TcpStream>)> {
        lock(&self.map).get(key).map(|c| (c.id, c.stream.clone()))
    }

    /// Closes and forgets the connection under `key` if it is still `id`.
    fn remove(&self, key: &SocketAddr, id: u64) {
        let mut map = lock(&self.map);
        if map.get(key).is_some_and(|c| c.id == id) {
            if let Some(conn) = map.remove(key) {
                let _ = conn.stream.shutdown(Shutdown::Both);
            }
        }
    }

    /// Closes every connection and joins every reader thread. Call once no
    /// thread can open connections any more.
    pub(crate) fn close_all(&self) {
        for (_, conn) in lock(&self.map).drain() {
            let _ = conn.stream.shutdown(Shutdown::Both);
        }
        let readers = std::mem::take(&mut *lock(&self.readers));
        for reader in readers {
            let _ = reader.join();
        }
    }
}

/// Caches a fresh connection and starts its reader; `from` is what the node
/// will see as the sender of messages read from it.
fn adopt<C, O>(
    conns: &Arc<Conns>,
    stream: TcpStream,
    from: SocketAddr,
    inbound: &Inbound<C, O>,
) -> io::Result<(u64, Arc<TcpStream>)>
where
    C: Codec + Send + Sync + 'static,
    C::Msg: Send + 'static,
    O: Send + 'static,
{
    stream.set_nodelay(true)?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let reader = stream.try_clone()?;
    let (id, stream) = conns.insert(from, stream);
    bump(&inbound.stats.connections);
    let (table, inbound) = (conns.clone(), inbound.clone());
    let spawned = thread::Builder::new()
        .name(format!("tcp-rx-{}", inbound.node))
        .spawn(move || {
            read_loop(reader, from, &inbound);
            table.remove(&from, id);
        });
    match spawned {
        Ok(handle) => {
            lock(&conns.readers).push(handle);
            Ok((id, stream))
        }
        Err(e) => {
            conns.remove(&from, id);
            Err(e)
        }
    }
}

/// Reads frames until the stream ends, breaks or turns out corrupt.
fn read_loop<C: Codec, O>(mut stream: TcpStream, from: SocketAddr, inbound: &Inbound<C, O>) {
    let mut frames = FrameReader::new();
    loop {
        match frames.next(&*inbound.codec) {
            Next::Msg(msg) => {
                inbound.deliver(from, msg);
                continue;
            }
            Next::Bad(e) => {
                inbound.bad_input(from, &e);
                continue;
            }
            Next::Corrupt(e) => {
                inbound.bad_input(from, &e);
                return;
            }
            Next::More => {}
        }
        match frames.fill(&mut stream) {
            Ok(0) => {
                if frames.pending() > 0 && !inbound.stopping() {
                    let have = frames.pending();
                    inbound.bad_input(
                        from,
                        &CodecError::Invalid(format!(
                            "truncated frame: the connection closed {have} bytes into it"
                        )),
                    );
                }
                return;
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                inbound.receive_error(Some(from), &e);
                return;
            }
        }
    }
}

/// Starts the thread that accepts connections on `listener`.
pub(crate) fn spawn_acceptor<C, O>(
    listener: TcpListener,
    conns: Arc<Conns>,
    inbound: Inbound<C, O>,
) -> io::Result<JoinHandle<()>>
where
    C: Codec + Send + Sync + 'static,
    C::Msg: Send + 'static,
    O: Send + 'static,
{
    thread::Builder::new()
        .name(format!("tcp-accept-{}", inbound.node))
        .spawn(move || {
            // A persistent accept error (e.g. out of file descriptors) is
            // logged at most once per ACCEPT_ERROR_LOG_EVERY, not per retry.
            let mut last_logged: Option<Instant> = None;
            loop {
                let accepted = listener.accept();
                if inbound.stopping() {
                    return;
                }
                match accepted {
                    Ok((stream, peer)) => {
                        if let Err(e) = adopt(&conns, stream, peer, &inbound) {
                            inbound.receive_error(Some(peer), &e);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        if last_logged.is_none_or(|t| t.elapsed() >= ACCEPT_ERROR_LOG_EVERY) {
                            inbound.receive_error(None, &e);
                            last_logged = Some(Instant::now());
                        }
                        thread::sleep(Duration::from_millis(10));
                    }
                }
            }
        })
}

/// Unblocks a node's acceptor (after its stop flag is set) by dialling it.
pub(crate) fn wake(listen: SocketAddr) {
    let mut addr = listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    let _ = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT);
}

/// The sending side of a node's TCP transport.
pub(crate) struct TcpOut<C: Codec, O> {
    conns: Arc<Conns>,
    inbound: Inbound<C, O>,
    failed: HashMap<SocketAddr, Instant>,
}

impl<C, O> TcpOut<C, O>
where
    C: Codec + Send + Sync + 'static,
    C::Msg: Send + 'static,
    O: Send + 'static,
{
    pub(crate) fn new(conns: Arc<Conns>, inbound: Inbound<C, O>) -> Self {
        TcpOut {
            conns,
            inbound,
            failed: HashMap::new(),
        }
    }

    /// Writes one frame to `to` over the cached connection, dialling (again)
    /// when there is none or it broke.
    pub(crate) fn transmit(&mut self, to: SocketAddr, frame: &[u8]) -> Result<(), SendError> {
        if let Some((id, stream)) = self.conns.get(&to) {
            match (&*stream).write_all(frame) {
                Ok(()) => return Ok(()),
                Err(_) => self.conns.remove(&to, id),
            }
        }
        if self
            .failed
            .get(&to)
            .is_some_and(|until| Instant::now() < *until)
        {
            return Err(SendError::Backoff);
        }
        let dialled = TcpStream::connect_timeout(&to, CONNECT_TIMEOUT)
            .and_then(|stream| adopt(&self.conns, stream, to, &self.inbound));
        let (id, stream) = match dialled {
            Ok(conn) => conn,
            Err(e) => {
                self.failed.insert(to, Instant::now() + RETRY_AFTER);
                return Err(SendError::Io(e));
            }
        };
        self.failed.remove(&to);
        (&*stream).write_all(frame).map_err(|e| {
            self.conns.remove(&to, id);
            SendError::Io(e)
        })
    }
}
