//! The Lab 1 client: join the GCD, greet each member in turn with a
//! per-member timeout, report each reply or failure, then stop.

use super::{Event, Msg};
use std::net::SocketAddr;
use std::time::Duration;

/// The course's per-member timeout (`peer_timeout = 1.5`).
pub const PEER_TIMEOUT: Duration = Duration::from_millis(1500);

/// Where the client is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    /// Waiting for the GCD's list.
    Joining,
    /// Waiting for member `index` of the list.
    Greeting(usize),
    /// Finished.
    Done,
}

/// The Lab 1 client.
#[derive(Clone, Debug)]
pub struct Lab1Client {
    gcd: SocketAddr,
    timeout: Duration,
    stage: Stage,
    group: Vec<SocketAddr>,
    replies: usize,
    failures: usize,
}

/// Which wait a client timer ends: the join (`0`) or member `n - 1`.
pub type Step = usize;

/// What the client asks its driver to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send a message.
    Send(SocketAddr, Msg),
    /// Start the timeout of a step.
    Wait(Step, Duration),
    /// Cancel the timeout of a step (it was answered, or refused).
    Cancel(Step),
    /// Report.
    Report(Event),
}

impl Lab1Client {
    /// A client of the GCD at `gcd`, waiting `timeout` for each answer.
    pub fn new(gcd: SocketAddr, timeout: Duration) -> Self {
        Lab1Client {
            gcd,
            timeout,
            stage: Stage::Joining,
            group: Vec::new(),
            replies: 0,
            failures: 0,
        }
    }

    /// The first actions: join the GCD.
    pub fn start(&mut self, me: SocketAddr) -> Vec<Action> {
        vec![
            Action::Report(Event::Joining { gcd: self.gcd, me }),
            Action::Send(self.gcd, Msg::GroupJoin),
            Action::Wait(0, self.timeout),
        ]
    }

    /// A message arrived.
    pub fn on_message(&mut self, from: SocketAddr, msg: Msg) -> Vec<Action> {
        match (&self.stage, msg) {
            (Stage::Joining, Msg::GroupList(group)) if from == self.gcd => {
                self.group = group;
                let mut out = vec![
                    Action::Cancel(0),
                    Action::Report(Event::Listed {
                        members: self.group.clone(),
                    }),
                ];
                out.extend(self.greet(0));
                out
            }
            (Stage::Greeting(i), reply) if self.group.get(*i) == Some(&from) => {
                let i = *i;
                let text = match reply {
                    Msg::HelloReply(text) => Ok(text),
                    Msg::Text(text) => Err(format!("unexpected reply: {text}")),
                    Msg::Raw(raw) => Err(format!(
                        "unexpected reply: {}",
                        String::from_utf8_lossy(&raw).trim_end()
                    )),
                    other => Err(format!("unexpected reply: {}", other.kind())),
                };
                self.finish_member(i, text)
            }
            _ => Vec::new(),
        }
    }

    /// A timeout fired.
    pub fn on_timeout(&mut self, step: Step) -> Vec<Action> {
        match self.stage {
            Stage::Joining if step == 0 => {
                self.stage = Stage::Done;
                vec![
                    Action::Report(Event::JoinFailed { gcd: self.gcd }),
                    Action::Report(Event::Finished {
                        replies: 0,
                        failures: 0,
                    }),
                ]
            }
            Stage::Greeting(i) if step == i + 1 => {
                let why = format!("no reply within {}", sim::Dur(self.timeout));
                self.finish_member(i, Err(why))
            }
            _ => Vec::new(),
        }
    }

    /// A connection to `peer` was refused: the GCD (the join fails) or the
    /// member being greeted (reported at once, not after the timeout).
    pub fn on_refused(&mut self, peer: SocketAddr) -> Vec<Action> {
        match self.stage {
            Stage::Joining if peer == self.gcd => {
                self.stage = Stage::Done;
                vec![
                    Action::Cancel(0),
                    Action::Report(Event::JoinFailed { gcd: self.gcd }),
                    Action::Report(Event::Finished {
                        replies: 0,
                        failures: 0,
                    }),
                ]
            }
            Stage::Greeting(i) if self.group.get(i) == Some(&peer) => {
                self.finish_member(i, Err("connection refused".to_string()))
            }
            _ => Vec::new(),
        }
    }

    fn finish_member(&mut self, i: usize, reply: Result<String, String>) -> Vec<Action> {
        match reply {
            Ok(_) => self.replies += 1,
            Err(_) => self.failures += 1,
        }
        let mut out = vec![
            Action::Cancel(i + 1),
            Action::Report(Event::Greeted {
                member: self.group[i],
                reply,
            }),
        ];
        out.extend(self.greet(i + 1));
        out
    }

    fn greet(&mut self, i: usize) -> Vec<Action> {
        match self.group.get(i) {
            Some(&member) => {
                self.stage = Stage::Greeting(i);
                vec![
                    Action::Send(member, Msg::Hello),
                    Action::Wait(i + 1, self.timeout),
                ]
            }
            None => {
                self.stage = Stage::Done;
                vec![Action::Report(Event::Finished {
                    replies: self.replies,
                    failures: self.failures,
                })]
            }
        }
    }
}
