//! `dsim sweep ... --chart FILE.svg|FILE.html`: which properties failed on
//! which seeds, and the wall time of each seed, as one small hand-written
//! SVG (or the same SVG in an HTML page).
//!
//! The sweep hands each seed's outcome to a [`SeedLog`] (bounded memory);
//! [`svg::render`] draws its [`seed_log::Summary`].

pub mod seed_log;
pub mod svg;

pub use seed_log::SeedLog;

use crate::shard::{SeedRange, Shard};
use std::path::Path;

/// What a chart file holds, by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.svg`: the SVG document.
    Svg,
    /// `.html`/`.htm`: a page holding the SVG.
    Html,
}

/// The format of chart file `path`, from its extension (checked before a
/// sweep starts, so a typo does not cost the sweep).
pub fn format(path: &Path) -> Result<Format, String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("svg") => Ok(Format::Svg),
        Some("html" | "htm") => Ok(Format::Html),
        _ => Err(format!(
            "--chart {}: name an .svg or .html file",
            path.display()
        )),
    }
}

/// Draws `summary` and writes it to `path`; returns the bytes written.
/// `seed_at(i)` is the seed at position `i` of the sweep.
pub fn write(
    path: &Path,
    title: &str,
    subtitle: &str,
    summary: &seed_log::Summary,
    seed_at: &dyn Fn(u64) -> u64,
) -> Result<usize, String> {
    let mut subtitle = subtitle.to_string();
    if summary.failures > summary.marks.len() as u64 {
        subtitle.push_str(&format!(
            "; the first {} of {} failing seeds are marked",
            summary.marks.len(),
            summary.failures
        ));
    }
    let svg = svg::render(title, &subtitle, summary, seed_at);
    let text = match format(path)? {
        Format::Svg => format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}"),
        Format::Html => format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"margin:16px\">\n{svg}</body></html>\n",
            svg::escape(title)
        ),
    };
    std::fs::write(path, &text)
        .map_err(|e| format!("--chart {}: cannot write: {e}", path.display()))?;
    Ok(text.len())
}

/// A sweep as its chart describes it.
#[derive(Clone, Copy, Debug)]
pub struct SweepChart<'a> {
    /// The scenario's name (or path).
    pub scenario: &'a str,
    /// The seeds swept.
    pub seeds: SeedRange,
    /// The shard of them this sweep ran.
    pub shard: Shard,
    /// Whether the sweep ran on after a failure.
    pub keep_going: bool,
    /// Wall time of the whole sweep, seconds.
    pub wall_s: f64,
}

impl SweepChart<'_> {
    /// `dsim sweep --chart FILE`: writes the chart of `summary` to `path` and
    /// says so (on stderr when `quiet`, i.e. with --json).
    pub fn write(
        &self,
        path: &Path,
        summary: &seed_log::Summary,
        quiet: bool,
    ) -> Result<(), String> {
        let runs = summary.runs();
        let stopped = if runs < summary.total && !self.keep_going {
            " (stopped at the first failure; --keep-going runs every seed)"
        } else {
            ""
        };
        let subtitle = format!(
            "seeds {} shard {}: {runs} of {} run{stopped}, {} failed, {:.2} s",
            self.seeds, self.shard, summary.total, summary.failures, self.wall_s
        );
        let (seeds, shard) = (self.seeds, self.shard);
        let bytes = write(
            path,
            &format!("dsim sweep {}", self.scenario),
            &subtitle,
            summary,
            &|i| shard.seed(seeds, i),
        )?;
        let marked = summary.marks.len();
        let line = format!(
            "chart     wrote {} ({} KiB: {marked} failing seed{} marked, {runs} timed)",
            path.display(),
            bytes.div_ceil(1024),
            if marked == 1 { "" } else { "s" }
        );
        if quiet {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        Ok(())
    }
}
