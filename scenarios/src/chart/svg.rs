//! The sweep chart drawn as SVG by hand: a row per failed property with a
//! mark per failing seed, and a bar of wall time per seed (or per bin of
//! seeds), on one axis of seeds.

use super::seed_log::Summary;
use std::fmt::Write;

const W: f64 = 820.0;
const LEFT: f64 = 180.0;
const RIGHT: f64 = 24.0;
const PLOT: f64 = W - LEFT - RIGHT;
const ROW: f64 = 18.0;
const BARS: f64 = 160.0;
/// Most property rows; failures of further properties share a last row.
const MAX_ROWS: usize = 12;

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A round step (1, 2 or 5 times a power of ten) giving about 4 ticks up to `max`.
fn step(max: f64) -> f64 {
    let raw = (max / 4.0).max(1e-9);
    let mut mag = 1e-9;
    while mag * 10.0 <= raw {
        mag *= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

fn ms(ns: f64) -> String {
    let v = ns / 1e6;
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Tick value `ns` in milliseconds, with the decimals tick step `step_ns` needs.
fn tick(ns: f64, step_ns: f64) -> String {
    let mut decimals = 0;
    let mut s = step_ns / 1e6;
    while s < 1.0 && decimals < 6 {
        s *= 10.0;
        decimals += 1;
    }
    format!("{:.decimals$}", ns / 1e6)
}

/// The chart of a sweep: `seed_at(i)` is the seed at position `i`.
pub fn render(title: &str, subtitle: &str, s: &Summary, seed_at: &dyn Fn(u64) -> u64) -> String {
    let total = s.total.max(1) as f64;
    let x_of = |i: f64| LEFT + i * PLOT / total;
    // Property rows, by name; past MAX_ROWS the rest share one.
    let mut rows: Vec<&str> = s.marks.values().map(|m| m.property.as_str()).collect();
    rows.sort_unstable();
    rows.dedup();
    let other = rows.len() > MAX_ROWS;
    rows.truncate(MAX_ROWS - usize::from(other));
    let row_of = |p: &str| rows.iter().position(|r| *r == p).unwrap_or(rows.len());
    let row_count = (rows.len() + usize::from(other)).max(1);

    let top = 78.0;
    let bars_top = top + row_count as f64 * ROW + 44.0;
    let axis = bars_top + BARS;
    let h = axis + 78.0;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(
        o,
        r##"<rect width="{W}" height="{h}" fill="#fff"/><text x="12" y="24" font-size="15" font-weight="bold">{}</text><text x="12" y="42" fill="#555">{}</text>"##,
        escape(title),
        escape(subtitle)
    );

    // Failures: a row per property, a mark per failing seed.
    let _ = write!(
        o,
        r##"<text x="12" y="{}" font-weight="bold">failures by property</text>"##,
        top - 10.0
    );
    let mark_w = (PLOT / total).clamp(2.0, 8.0);
    let mut labels: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    if other {
        labels.push("(other properties)".to_string());
    }
    for (r, label) in labels.iter().enumerate() {
        let y = top + r as f64 * ROW;
        let _ = write!(
            o,
            r##"<line x1="{LEFT}" x2="{}" y1="{y2:.1}" y2="{y2:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + PLOT,
            LEFT - 8.0,
            y + 12.0,
            escape(label),
            y2 = y + ROW / 2.0,
        );
    }
    if s.marks.is_empty() {
        let _ = write!(
            o,
            r##"<text x="{LEFT}" y="{}" fill="#2a7">no property failed on the {} seeds run</text>"##,
            top + 12.0,
            s.runs()
        );
    }
    let _ = write!(o, r#"<g class="failures">"#);
    for (&i, m) in &s.marks {
        let y = top + row_of(&m.property) as f64 * ROW + 3.0;
        let _ = write!(
            o,
            r##"<rect class="fail" data-seed="{}" x="{:.2}" y="{y:.1}" width="{mark_w:.2}" height="12" fill="#c0392b"><title>seed {}: {}: {}</title></rect>"##,
            m.seed,
            x_of(i as f64 + 0.5) - mark_w / 2.0,
            m.seed,
            escape(&m.property),
            escape(&m.message)
        );
    }
    o.push_str("</g>");

    // Wall time: a bar per bin, the mean; a tick at the slowest of a bin.
    let per_bin = s.bins.len() < s.total as usize;
    let top_ns = s
        .bins
        .iter()
        .filter(|b| b.runs > 0)
        .map(|b| {
            if per_bin {
                b.max_ns as f64
            } else {
                b.total_ns as f64 / b.runs as f64
            }
        })
        .fold(0.0, f64::max)
        .max(1.0);
    let st = step(top_ns);
    let y_max = (top_ns / st).ceil() * st;
    let y_of = |ns: f64| axis - ns / y_max * BARS;
    let _ = write!(
        o,
        r##"<text x="12" y="{}" font-weight="bold">wall time per seed (ms)</text>"##,
        bars_top - 12.0
    );
    let mut t = 0.0;
    while t <= y_max + st / 2.0 {
        let y = y_of(t);
        let _ = write!(
            o,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + PLOT,
            LEFT - 8.0,
            y + 4.0,
            tick(t, st)
        );
        t += st;
    }
    let bins = s.bins.len().max(1) as f64;
    let gap = if PLOT / bins > 4.0 { 1.0 } else { 0.0 };
    let _ = write!(o, r#"<g class="times">"#);
    for (b, bin) in s.bins.iter().enumerate() {
        if bin.runs == 0 {
            continue;
        }
        let (from, to) = (
            (b as u128 * s.total as u128).div_ceil(bins as u128) as u64,
            ((b as u128 + 1) * s.total as u128).div_ceil(bins as u128) as u64,
        );
        let x = LEFT + b as f64 * PLOT / bins;
        let w = (PLOT / bins - gap).max(0.5);
        let mean = bin.total_ns as f64 / bin.runs as f64;
        let fill = if bin.failed > 0 { "#e08070" } else { "#6a8fc8" };
        let tip = if per_bin {
            format!(
                "seeds {} to {}: {} run, mean {} ms, slowest {} ms, {} failed",
                seed_at(from),
                seed_at(to.saturating_sub(1).max(from)),
                bin.runs,
                ms(mean),
                ms(bin.max_ns as f64),
                bin.failed
            )
        } else {
            format!(
                "seed {}: {} ms{}",
                seed_at(from),
                ms(mean),
                if bin.failed > 0 { ", failed" } else { "" }
            )
        };
        let _ = write!(
            o,
            r##"<rect class="time" x="{x:.2}" y="{:.1}" width="{w:.2}" height="{:.1}" fill="{fill}"><title>{}</title></rect>"##,
            y_of(mean),
            axis - y_of(mean),
            escape(&tip)
        );
        if per_bin && bin.runs > 1 {
            let _ = write!(
                o,
                r##"<line x1="{x:.2}" x2="{:.2}" y1="{y:.1}" y2="{y:.1}" stroke="#333"/>"##,
                x + w,
                y = y_of(bin.max_ns as f64)
            );
        }
    }
    o.push_str("</g>");

    // The seed axis, shared by both panels.
    let _ = write!(
        o,
        r##"<line x1="{LEFT}" x2="{}" y1="{axis}" y2="{axis}" stroke="#333"/>"##,
        LEFT + PLOT
    );
    let ticks = s.total.min(6);
    for k in 0..ticks {
        let i = if ticks <= 1 {
            0
        } else {
            k * (s.total - 1) / (ticks - 1)
        };
        let x = x_of(i as f64 + 0.5);
        let _ = write!(
            o,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{axis}" y2="{}" stroke="#333"/><text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"##,
            axis + 4.0,
            axis + 16.0,
            seed_at(i)
        );
    }
    let legend = if per_bin {
        format!(
            "seed; each bar: about {} seeds, their mean (the tick: the slowest); red: a bin with a failing seed",
            s.total.div_ceil(s.bins.len().max(1) as u64)
        )
    } else {
        "seed; red: a failing seed (hover a mark for its property and message)".to_string()
    };
    let _ = write!(
        o,
        r##"<text x="{LEFT}" y="{}" fill="#555">{}</text><text x="{LEFT}" y="{}" fill="#555">wall time includes the recording run of a failing seed</text></svg>"##,
        axis + 36.0,
        escape(&legend),
        axis + 52.0
    );
    o.push('\n');
    o
}
