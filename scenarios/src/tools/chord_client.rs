//! The client side of `dsim chord populate` and `dsim chord query`: data
//! RPCs to one node of a running ring over UDP, in the nodes' own wire
//! format (JSON in an envelope carrying `M`), a window of calls in flight,
//! each re-sent on timeout a few times.

use protocols::chord::msg::{DataReq, DataResp, Msg};
use protocols::chord::rpc::RpcMsg;
use protocols::chord::{ChordCodec, IdSpace};
use sim::Codec;
use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Calls in flight at once.
const WINDOW: usize = 32;
/// Tries per call.
const TRIES: u32 = 4;

/// A client of one node.
pub struct Client {
    socket: UdpSocket,
    node: SocketAddr,
    codec: ChordCodec,
    bits: u32,
    timeout: Duration,
}

/// A call in flight: its request, when it was last sent, tries so far.
struct Flight {
    index: usize,
    req: DataReq,
    sent: Instant,
    tries: u32,
}

impl Client {
    /// A client of the node at `node`, for rings of `M`-bit ids.
    pub fn new(node: SocketAddr, space: IdSpace, timeout: Duration) -> Result<Client, String> {
        let local: SocketAddr = if node.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            ([0u16; 8], 0).into()
        };
        let socket =
            UdpSocket::bind(local).map_err(|e| format!("cannot open a UDP socket: {e}"))?;
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .map_err(|e| format!("cannot set a socket timeout: {e}"))?;
        Ok(Client {
            socket,
            node,
            codec: ChordCodec::new(space),
            bits: space.bits(),
            timeout,
        })
    }

    fn send(&self, id: u64, req: &DataReq) -> Result<(), String> {
        let mut bytes = Vec::new();
        let msg = Msg::data(RpcMsg::Call {
            id,
            body: req.clone(),
        });
        self.codec
            .encode(&msg, &mut bytes)
            .map_err(|e| format!("cannot encode a request: {e}"))?;
        self.socket
            .send_to(&bytes, self.node)
            .map(|_| ())
            .map_err(|e| format!("cannot send to {}: {e}", self.node))
    }

    /// Sends every request and returns the answers in order; `progress` is
    /// called with the number answered so far.
    pub fn call_all(
        &self,
        reqs: Vec<DataReq>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<DataResp>, String> {
        let total = reqs.len();
        let mut answers: Vec<Option<DataResp>> = vec![None; total];
        let mut pending = reqs.into_iter().enumerate();
        let mut flights: BTreeMap<u64, Flight> = BTreeMap::new();
        let mut next_id = u64::from(std::process::id()) << 32;
        let mut done = 0;
        let mut heard = false;
        let mut buf = vec![0u8; 65_536];
        while done < total {
            while flights.len() < WINDOW {
                let Some((index, req)) = pending.next() else {
                    break;
                };
                next_id += 1;
                self.send(next_id, &req)?;
                flights.insert(
                    next_id,
                    Flight {
                        index,
                        req,
                        sent: Instant::now(),
                        tries: 1,
                    },
                );
            }
            match self.socket.recv_from(&mut buf) {
                Ok((n, from)) if from == self.node => match self.codec.decode(&buf[..n]) {
                    Ok(Msg::Data(m)) => {
                        if let RpcMsg::Reply { id, body } = *m {
                            if let Some(f) = flights.remove(&id) {
                                heard = true;
                                answers[f.index] = Some(body);
                                done += 1;
                                progress(done);
                            }
                        }
                    }
                    Ok(Msg::WrongSpace { ours }) => {
                        return Err(format!(
                        "M mismatch: the node at {} uses M = {ours}, this client M = {} (--bits)",
                        self.node, self.bits
                    ))
                    }
                    Ok(_) => {}
                    Err(e) => return Err(format!("bad answer from {}: {e}", self.node)),
                },
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                // An ICMP "port unreachable" for an earlier datagram.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    return Err(format!(
                        "{} is unreachable (connection refused): is a chord node running there?",
                        self.node
                    ))
                }
                Err(e) => return Err(format!("cannot receive: {e}")),
            }
            let now = Instant::now();
            for (&id, f) in flights.iter_mut() {
                if now.duration_since(f.sent) < self.timeout {
                    continue;
                }
                if f.tries >= TRIES {
                    return Err(if heard {
                        format!(
                            "{} stopped answering ({} tries of one request)",
                            self.node, TRIES
                        )
                    } else {
                        format!(
                            "no answer from {} after {TRIES} tries: is a chord node running there?",
                            self.node
                        )
                    });
                }
                f.tries += 1;
                f.sent = now;
                self.send(id, &f.req)?;
            }
        }
        Ok(answers.into_iter().flatten().collect())
    }
}
