//! How the loop waits for its next deadline. `mio` counts a poll's timeout
//! in whole milliseconds, rounded up, so a poll alone fires a timer up to a
//! millisecond late. The loop polls for the whole milliseconds to the next
//! deadline; when less than a millisecond is left it polls without waiting
//! and, if nothing is ready, sleeps (no spinning) to the deadline itself.

use std::time::{Duration, Instant};

/// The resolution of a poll's timeout.
const POLL_RESOLUTION: Duration = Duration::from_millis(1);

/// What to do before the next turn of the loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Wait {
    /// The poll's timeout (`None`: until a socket or the stop wakes it).
    pub(crate) poll: Option<Duration>,
    /// After a poll that found nothing, sleep until then.
    pub(crate) sleep_until: Option<Instant>,
}

impl Wait {
    /// The wait for a loop whose next deadline is `next` (if any), at `now`.
    /// `busy`: there is work already (never wait); `cap`: the longest
    /// single wait (`None`: a stop request wakes the poll).
    pub(crate) fn plan(
        now: Instant,
        next: Option<Instant>,
        busy: bool,
        cap: Option<Duration>,
    ) -> Wait {
        let immediate = Wait {
            poll: Some(Duration::ZERO),
            sleep_until: None,
        };
        if busy {
            return immediate;
        }
        let Some(next) = next else {
            return Wait {
                poll: cap,
                sleep_until: None,
            };
        };
        let left = next.saturating_duration_since(now);
        if left.is_zero() {
            return immediate;
        }
        if left < POLL_RESOLUTION {
            return Wait {
                poll: Some(Duration::ZERO),
                sleep_until: Some(next),
            };
        }
        // Whole milliseconds, rounded down: the poll wakes before the deadline.
        let whole = Duration::from_millis(u64::try_from(left.as_millis()).unwrap_or(u64::MAX));
        let poll = match cap {
            Some(cap) => whole.min(cap),
            None => whole,
        };
        Wait {
            poll: Some(poll),
            sleep_until: None,
        }
    }

    /// Sleeps until `sleep_until`, if set and still ahead.
    pub(crate) fn sleep(&self) {
        if let Some(at) = self.sleep_until {
            let left = at.saturating_duration_since(Instant::now());
            if !left.is_zero() {
                std::thread::sleep(left);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_whole_milliseconds_then_sleeps_the_rest() {
        let now = Instant::now();
        let us = |n| now + Duration::from_micros(n);
        let plan = |next, busy, cap| Wait::plan(now, next, busy, cap);
        // 2.7 ms ahead: poll 2 ms (mio would round 2.7 up to 3).
        assert_eq!(
            plan(Some(us(2_700)), false, None).poll,
            Some(Duration::from_millis(2))
        );
        assert_eq!(plan(Some(us(2_700)), false, None).sleep_until, None);
        // 0.4 ms ahead: look at the sockets, then sleep to the deadline.
        let near = plan(Some(us(400)), false, None);
        assert_eq!(near.poll, Some(Duration::ZERO));
        assert_eq!(near.sleep_until, Some(us(400)));
        // Work waiting or a deadline passed: no wait at all.
        assert_eq!(plan(Some(us(400)), true, None).sleep_until, None);
        assert_eq!(plan(Some(now), false, None).poll, Some(Duration::ZERO));
        // Nothing due: wait for a socket, or the cap without a wake-up socket.
        assert_eq!(plan(None, false, None).poll, None);
        let cap = Some(Duration::from_millis(100));
        assert_eq!(plan(None, false, cap).poll, cap);
        assert_eq!(plan(Some(us(5_000_000)), false, cap).poll, cap);
    }
}
