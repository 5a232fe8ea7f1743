//! The `--html FILE [--from T] [--to T]` flags shared by run, replay, show and shrink.

use clap::Args;
use std::path::PathBuf;

/// Where to draw a run, and which stretch of it.
#[derive(Clone, Debug, Default, Args)]
pub struct HtmlArgs {
    /// Draw the run as a space-time diagram in one self-contained HTML file
    /// (lanes per node, messages as arrows, faults as spans, the violation).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// With --html: draw from this virtual time on (e.g. `1.2s`, `350ms`).
    #[arg(long, value_name = "T", requires = "html", value_parser = parse_time)]
    pub from: Option<u64>,
    /// With --html: draw up to this virtual time.
    #[arg(long, value_name = "T", requires = "html", value_parser = parse_time)]
    pub to: Option<u64>,
}

impl HtmlArgs {
    /// The window to draw, nanoseconds (from, to), checked.
    pub fn window(&self) -> Result<(u64, u64), String> {
        let (from, to) = (self.from.unwrap_or(0), self.to.unwrap_or(u64::MAX));
        if from > to {
            return Err(format!(
                "--from {} is after --to {}",
                super::human(from),
                super::human(to)
            ));
        }
        Ok((from, to))
    }
}

fn parse_time(text: &str) -> Result<u64, String> {
    let d = sim::parse_duration(text)?;
    Ok(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}
