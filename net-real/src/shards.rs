//! A run on several event loops: one thread per loop, each with its share
//! of the local nodes; the calling thread hands their observations and log
//! entries to the caller's handler, adds up their counters, and stops them
//! all when the handler, a stop request or one loop's end says so.

use crate::config::ClusterConfig;
use crate::error::LiveError;
use crate::event::{Flow, LiveEvent};
use crate::origins::Origins;
use crate::plan::{Plan, Shard};
use crate::report::{LiveCounters, LiveStop};
use crate::runtime::Runtime;
use crate::stop::Stop;
use sim::{Codec, Machine};
use std::net::SocketAddr;
use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::time::Duration;

/// How often the calling thread looks at the run's stop request while
/// waiting for the loops (well inside the promised second).
const STOP_CHECK: Duration = Duration::from_millis(20);
/// Events a loop may have waiting for the caller before it waits in turn.
const BACKLOG: usize = 4096;

/// What a loop tells the calling thread.
enum FromLoop<O> {
    Event(usize, LiveEvent<O>),
    Finished(usize, Result<(LiveStop, LiveCounters), LiveError>),
}

/// Runs `shards` on one thread each until the run ends; returns why it
/// ended and the loops' counters added up.
pub(crate) fn run<M, C, F, E>(
    config: &ClusterConfig,
    plan: &Plan,
    shards: Vec<Shard>,
    seed: u64,
    codec: &C,
    make: &F,
    on_event: &mut E,
) -> Result<(LiveStop, LiveCounters), LiveError>
where
    M: Machine,
    M::Obs: Send,
    C: Codec<Msg = M::Msg> + Sync,
    F: Fn(usize, &[SocketAddr]) -> M + Sync,
    E: FnMut(LiveEvent<M::Obs>) -> Flow,
{
    let loops = shards.len();
    let stops: Vec<Stop> = (0..loops).map(|_| Stop::new()).collect();
    let origins = Origins::default();
    let (tx, rx) = sync_channel::<FromLoop<M::Obs>>(BACKLOG);
    std::thread::scope(|scope| {
        for (shard, stop) in shards.into_iter().zip(&stops) {
            let tx = tx.clone();
            let origins = origins.clone();
            scope.spawn(move || {
                let index = shard.index;
                let events = tx.clone();
                let mut forward = move |event| {
                    // The calling thread drains until every loop finished.
                    let _ = events.send(FromLoop::Event(index, event));
                    Flow::Continue
                };
                let result = Runtime::new(
                    config,
                    plan,
                    shard,
                    seed,
                    origins,
                    codec,
                    make,
                    &mut forward,
                )
                .map(|mut runtime| {
                    let outcome = runtime.run(stop);
                    (outcome, runtime.finish())
                });
                let _ = tx.send(FromLoop::Finished(index, result));
            });
        }
        drop(tx);
        let stop_all = || stops.iter().for_each(Stop::request);
        let mut latest = vec![sim::Counters::default(); loops];
        let mut finished: Vec<Option<Result<(LiveStop, LiveCounters), LiveError>>> =
            (0..loops).map(|_| None).collect();
        let mut done = false;
        let mut interrupted = false;
        while finished.iter().any(Option::is_none) {
            if !interrupted && config.stop.requested() {
                interrupted = true;
                stop_all();
            }
            match rx.recv_timeout(STOP_CHECK) {
                Ok(FromLoop::Event(k, mut event)) => {
                    if done || interrupted {
                        continue;
                    }
                    if let LiveEvent::Observed(o) = &mut event {
                        // The run's counters, not just this loop's.
                        latest[k] = o.counters.clone();
                        let mut total = sim::Counters::default();
                        latest.iter().for_each(|c| total.absorb(c));
                        o.counters = total;
                    }
                    if on_event(event) == Flow::Stop {
                        done = true;
                        stop_all();
                    }
                }
                Ok(FromLoop::Finished(k, result)) => {
                    finished[k] = Some(result);
                    // The loops end together (same duration); one that
                    // ended for another reason (an error) ends the rest.
                    stop_all();
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let mut counters = LiveCounters::default();
        let mut by_duration = false;
        for result in finished.into_iter().flatten() {
            let (outcome, part) = result?;
            by_duration |= outcome == LiveStop::Duration;
            counters.absorb(&part);
        }
        let c = &counters.sim;
        counters.in_flight =
            (c.sent + c.duplicated).saturating_sub(c.delivered + c.dropped.total());
        let outcome = if interrupted {
            LiveStop::Interrupted
        } else if done {
            LiveStop::Done
        } else if by_duration {
            LiveStop::Duration
        } else {
            LiveStop::Interrupted
        };
        Ok((outcome, counters))
    })
}
