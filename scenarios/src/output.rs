//! Standard output for the simulation verbs (`list`, `run`, `sweep`,
//! `replay`, `shrink`, `show`, `bench`, `merge`): one place that writes a line
//! and decides what a write error means.
//!
//! - The reader went away (`dsim list | head -1`: a broken pipe): the process
//!   ends at once, quietly, with [`CLOSED_STDOUT`] (what a shell reports for a
//!   tool ended by SIGPIPE). Work already done stays done: a sweep writes each
//!   failure file as it finds it.
//! - Any other error (a full disk behind `> file`): a message on stderr and
//!   exit 2.
//!
//! Rust's `println!` panics on both; the verbs use [`outln!`](crate::outln)
//! instead (clippy's `print_stdout` is denied in their modules).

use std::io::{ErrorKind, Write};

/// Exit status when standard output was closed before everything was written.
pub const CLOSED_STDOUT: u8 = 141;

/// Writes `args` and a newline to standard output (see the module doc).
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let written = out
        .write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        failed(&e);
    }
}

/// Ends the process after a failed write to standard output.
fn failed(e: &std::io::Error) -> ! {
    if e.kind() == ErrorKind::BrokenPipe {
        std::process::exit(i32::from(CLOSED_STDOUT));
    }
    let _ = writeln!(
        std::io::stderr(),
        "dsim: cannot write to standard output: {e}"
    );
    std::process::exit(2);
}

/// `println!` for the simulation verbs: a closed stdout ends the process
/// quietly, any other write error with a message and exit 2.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}
