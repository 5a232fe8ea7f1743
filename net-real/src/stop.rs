//! Ending a run from outside: another thread, Ctrl-C or SIGTERM. A request
//! writes a byte to a socket the event loop polls, so the loop wakes at
//! once whatever its sockets are doing.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The cause value of a stop requested by [`Stop::request`] (signals store
/// their number).
const REQUESTED: usize = usize::MAX;

struct Inner {
    /// 0: running; a signal number; or [`REQUESTED`].
    cause: Arc<AtomicUsize>,
    /// Written to wake the loop (`None` if the OS gave no socket pair:
    /// the loop then checks `cause` every 100 ms).
    tx: Option<UnixStream>,
    /// Polled by the loop of the run in progress.
    rx: Mutex<Option<UnixStream>>,
}

/// A handle that ends a live run cleanly; clones share the request.
#[derive(Clone)]
pub struct Stop {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stop")
            .field("requested", &self.requested())
            .finish()
    }
}

impl Default for Stop {
    fn default() -> Self {
        Stop::new()
    }
}

impl Stop {
    /// A handle nobody has pulled yet.
    pub fn new() -> Stop {
        let pair = UnixStream::pair().and_then(|(tx, rx)| {
            tx.set_nonblocking(true)?;
            rx.set_nonblocking(true)?;
            Ok((tx, rx))
        });
        let (tx, rx) = match pair {
            Ok((tx, rx)) => (Some(tx), Some(rx)),
            Err(_) => (None, None),
        };
        Stop {
            inner: Arc::new(Inner {
                cause: Arc::new(AtomicUsize::new(0)),
                tx,
                rx: Mutex::new(rx),
            }),
        }
    }

    /// Asks the run to end now (from any thread; idempotent).
    pub fn request(&self) {
        let _ = self
            .inner
            .cause
            .compare_exchange(0, REQUESTED, Ordering::SeqCst, Ordering::SeqCst);
        if let Some(tx) = &self.inner.tx {
            let _ = (&*tx).write(&[1]);
        }
    }

    /// Whether a stop was asked for (by a call or a signal).
    pub fn requested(&self) -> bool {
        self.inner.cause.load(Ordering::SeqCst) != 0
    }

    /// The signal that asked for the stop, if one did.
    pub fn signal(&self) -> Option<i32> {
        match self.inner.cause.load(Ordering::SeqCst) {
            0 | REQUESTED => None,
            n => i32::try_from(n).ok(),
        }
    }

    /// Makes SIGINT (Ctrl-C) and SIGTERM request the stop: the signal is
    /// remembered (see [`Stop::signal`]) and the loop woken at once.
    pub fn on_signals(&self) -> std::io::Result<()> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        for signal in [SIGINT, SIGTERM] {
            signal_hook::flag::register_usize(signal, self.inner.cause.clone(), signal as usize)?;
            if let Some(tx) = &self.inner.tx {
                signal_hook::low_level::pipe::register(signal, tx.try_clone()?)?;
            }
        }
        Ok(())
    }

    /// The wake-up socket, for the loop of the run starting now.
    pub(crate) fn take_receiver(&self) -> Option<UnixStream> {
        self.inner
            .rx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Returns the wake-up socket after a run, for the next one.
    pub(crate) fn give_back(&self, rx: UnixStream) {
        *self.inner.rx.lock().unwrap_or_else(PoisonError::into_inner) = Some(rx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_seen_by_clones_and_names_no_signal() {
        let stop = Stop::new();
        let clone = stop.clone();
        assert!(!clone.requested());
        stop.request();
        assert!(clone.requested());
        assert_eq!(clone.signal(), None);
        let mut rx = stop.take_receiver().expect("a wake-up socket");
        let mut byte = [0u8; 4];
        assert_eq!(std::io::Read::read(&mut rx, &mut byte).unwrap(), 1);
    }
}
