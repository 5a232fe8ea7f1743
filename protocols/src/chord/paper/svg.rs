//! One SVG plot per figure, written by hand (no plotting dependency).
//! Coordinates come from basic arithmetic only, so the files are the same
//! on every platform.

use super::Report;
use std::fmt::Write;

/// A figure ready to be written to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// A file name, e.g. `fig10a-path-length.svg`.
    pub file: &'static str,
    /// The SVG document.
    pub svg: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    /// Solid line, with dots when there are few points.
    Line,
    /// Dashed line, no dots.
    Dashed,
    /// Dots only.
    Dots,
    /// Vertical bars from zero.
    Bars,
}

struct Series {
    name: String,
    color: &'static str,
    mark: Mark,
    points: Vec<(f64, f64)>,
    /// `(x, low, high)` error bars.
    whiskers: Vec<(f64, f64, f64)>,
}

impl Series {
    fn new(
        name: impl Into<String>,
        color: &'static str,
        mark: Mark,
        points: Vec<(f64, f64)>,
    ) -> Series {
        Series {
            name: name.into(),
            color,
            mark,
            points,
            whiskers: Vec::new(),
        }
    }

    fn with_whiskers(mut self, whiskers: Vec<(f64, f64, f64)>) -> Series {
        self.whiskers = whiskers;
        self
    }
}

struct Plot {
    title: String,
    x_label: &'static str,
    y_label: &'static str,
    series: Vec<Series>,
}

const W: f64 = 640.0;
const H: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 55.0;

/// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `n` ticks.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = if span > 0.0 { span / n } else { 1.0 };
    let mut mag = 1.0;
    while mag > raw {
        mag /= 10.0;
    }
    while mag * 10.0 <= raw {
        mag *= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

fn label(v: f64, step: f64) -> String {
    let mut decimals = 0;
    let mut s = step;
    while s < 1.0 && decimals < 6 {
        s *= 10.0;
        decimals += 1;
    }
    // `+ 0.0` turns a negative zero into zero ("0", not "-0").
    format!("{:.decimals$}", v + 0.0)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl Plot {
    fn render(&self) -> String {
        let xs = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.0)
                .chain(s.whiskers.iter().map(|w| w.0))
        });
        let (mut x0, mut x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let y1 = self
            .series
            .iter()
            .flat_map(|s| {
                s.points
                    .iter()
                    .map(|p| p.1)
                    .chain(s.whiskers.iter().map(|w| w.2))
            })
            .fold(0.0f64, f64::max);
        if !x0.is_finite() {
            (x0, x1) = (0.0, 1.0);
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        // Keep marks at the ends off the frame.
        let pad = if self.series.iter().any(|s| s.mark == Mark::Bars) {
            self.bar_width() / 2.0
        } else {
            (x1 - x0) * 0.03
        };
        (x0, x1) = (x0 - pad, x1 + pad);
        let y_step = nice_step(y1, 5.0);
        let y_top = if y1 > 0.0 {
            (y1 / y_step).ceil() * y_step
        } else {
            1.0
        };
        let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
        let px = |x: f64| LEFT + (x - x0) / (x1 - x0) * pw;
        let py = |y: f64| TOP + ph - y / y_top * ph;

        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
        let _ = writeln!(
            s,
            r#"<text x="{}" y="22" text-anchor="middle" font-size="14">{}</text>"#,
            W / 2.0,
            escape(&self.title)
        );
        // Axes, ticks and grid.
        let x_step = nice_step(x1 - x0, 6.0);
        let mut t = (x0 / x_step).ceil() * x_step;
        while t <= x1 + x_step * 1e-9 {
            let x = px(t);
            let _ = writeln!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#999\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                TOP + ph,
                TOP + ph + 5.0,
                TOP + ph + 18.0,
                label(t, x_step)
            );
            t += x_step;
        }
        let mut t = 0.0;
        while t <= y_top + y_step * 1e-9 {
            let y = py(t);
            let _ = writeln!(
                s,
                "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                LEFT + pw,
                LEFT - 6.0,
                y + 4.0,
                label(t, y_step)
            );
            t += y_step;
        }
        let _ = writeln!(
            s,
            "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#333\"/>"
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + pw / 2.0,
            H - 12.0,
            escape(self.x_label)
        );
        let _ = writeln!(
            s,
            r#"<text x="16" y="{:.1}" text-anchor="middle" transform="rotate(-90 16 {:.1})">{}</text>"#,
            TOP + ph / 2.0,
            TOP + ph / 2.0,
            escape(self.y_label)
        );
        // Data.
        let bar = self.bar_width() / (x1 - x0) * pw;
        for series in &self.series {
            let c = series.color;
            for &(x, lo, hi) in &series.whiskers {
                let (x, a, b) = (px(x), py(lo), py(hi));
                let _ = writeln!(
                    s,
                    "<path d=\"M{x:.1} {a:.1}V{b:.1}M{:.1} {a:.1}h8M{:.1} {b:.1}h8\" stroke=\"{c}\" fill=\"none\"/>",
                    x - 4.0,
                    x - 4.0
                );
            }
            match series.mark {
                Mark::Line | Mark::Dashed => {
                    let d: Vec<String> = series
                        .points
                        .iter()
                        .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
                        .collect();
                    let dash = if series.mark == Mark::Dashed {
                        " stroke-dasharray=\"6 4\""
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        s,
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"1.5\"{dash}/>",
                        d.join(" ")
                    );
                }
                Mark::Dots | Mark::Bars => {}
            }
            for &(x, y) in &series.points {
                match series.mark {
                    // Dense lines (a PDF) read better without dots.
                    Mark::Line if series.points.len() > 60 => {}
                    Mark::Line | Mark::Dots => {
                        let _ = writeln!(
                            s,
                            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{c}\"/>",
                            px(x),
                            py(y)
                        );
                    }
                    Mark::Bars => {
                        let _ = writeln!(
                            s,
                            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{c}\"/>",
                            px(x) - bar * 0.4,
                            py(y),
                            bar * 0.8,
                            py(0.0) - py(y)
                        );
                    }
                    Mark::Dashed => {}
                }
            }
        }
        // Legend.
        for (i, series) in self.series.iter().enumerate() {
            let y = TOP + 16.0 + 16.0 * i as f64;
            let x = LEFT + pw - 230.0;
            let dash = if series.mark == Mark::Dashed {
                " stroke-dasharray=\"6 4\""
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"3\"{dash}/>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                y - 4.0,
                x + 18.0,
                y - 4.0,
                series.color,
                x + 24.0,
                y,
                escape(&series.name)
            );
        }
        s.push_str("</svg>\n");
        s
    }

    /// The smallest gap between bar positions, in data units.
    fn bar_width(&self) -> f64 {
        let mut xs: Vec<f64> = self
            .series
            .iter()
            .filter(|s| s.mark == Mark::Bars)
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d > 0.0)
            .fold(f64::INFINITY, f64::min)
            .min(1.0)
    }
}

const OURS: &str = "#1f5fbf";
const PAPER: &str = "#c0392b";
const EXTRA: &str = "#2e8b57";

fn pdf_points(counts: &[u64]) -> Vec<(f64, f64)> {
    let total = counts.iter().sum::<u64>().max(1) as f64;
    counts
        .iter()
        .enumerate()
        .map(|(v, &n)| (v as f64, n as f64 / total))
        .collect()
}

/// Every figure of a report.
pub fn figures(r: &Report) -> Vec<Figure> {
    let c = &r.config;
    let mut out = Vec::new();

    let path = &r.path_length;
    out.push(Figure {
        file: "fig10a-path-length.svg",
        svg: Plot {
            title: format!(
                "Fig. 10(a): path length, {} lookups per node",
                c.lookups_per_node
            ),
            x_label: "log2 N (number of nodes)",
            y_label: "path length (hops)",
            series: vec![
                Series::new(
                    "ours: mean, 1st-99th pct",
                    OURS,
                    Mark::Line,
                    path.iter()
                        .map(|p| (f64::from(p.log2_nodes), p.hops.mean))
                        .collect(),
                )
                .with_whiskers(
                    path.iter()
                        .map(|p| (f64::from(p.log2_nodes), p.hops.p1 as f64, p.hops.p99 as f64))
                        .collect(),
                ),
                Series::new(
                    "paper: ½·log2 N",
                    PAPER,
                    Mark::Dashed,
                    path.iter()
                        .map(|p| (f64::from(p.log2_nodes), p.paper_mean))
                        .collect(),
                ),
            ],
        }
        .render(),
    });

    if let Some(row) = path.iter().find(|p| p.log2_nodes == c.path_pdf_log2) {
        out.push(Figure {
            file: "fig10b-path-length-pdf.svg",
            svg: Plot {
                title: format!("Fig. 10(b): PDF of path length, N = 2^{}", row.log2_nodes),
                x_label: "path length (hops)",
                y_label: "fraction of lookups",
                series: vec![Series::new(
                    "ours",
                    OURS,
                    Mark::Bars,
                    pdf_points(row.pdf.counts()),
                )],
            }
            .render(),
        });
    }

    out.push(Figure {
        file: "fig8a-keys-per-node.svg",
        svg: Plot {
            title: format!(
                "Fig. 8(a): keys per node, {} nodes, {} trials",
                c.load_nodes, c.load_trials
            ),
            x_label: "total number of keys",
            y_label: "keys per node",
            series: vec![Series::new(
                "ours: mean, 1st-99th pct",
                OURS,
                Mark::Line,
                r.load
                    .iter()
                    .map(|l| (l.keys as f64, l.per_node.mean))
                    .collect(),
            )
            .with_whiskers(
                r.load
                    .iter()
                    .map(|l| (l.keys as f64, l.per_node.p1 as f64, l.per_node.p99 as f64))
                    .collect(),
            )],
        }
        .render(),
    });

    if let Some(row) = r.load.iter().find(|l| l.keys == c.load_pdf_keys) {
        out.push(Figure {
            file: "fig8b-keys-per-node-pdf.svg",
            svg: Plot {
                title: format!(
                    "Fig. 8(b): PDF of keys per node, {} keys, {} nodes",
                    row.keys, row.nodes
                ),
                x_label: "keys per node",
                y_label: "fraction of nodes",
                series: vec![Series::new(
                    "ours",
                    OURS,
                    Mark::Line,
                    pdf_points(row.pdf.counts()),
                )],
            }
            .render(),
        });
    }

    let v = &r.virtual_nodes;
    let paper_virtual = |r: u32, p1: f64, p99: f64| {
        let mean = c.virtual_keys as f64 / c.virtual_nodes.max(1) as f64;
        [(f64::from(r), p1 * mean), (f64::from(r), p99 * mean)]
    };
    out.push(Figure {
        file: "fig9-virtual-nodes.svg",
        svg: Plot {
            title: format!(
                "Fig. 9: keys per real node, {} nodes, {} keys",
                c.virtual_nodes, c.virtual_keys
            ),
            x_label: "virtual nodes per real node (r)",
            y_label: "keys per real node",
            series: vec![
                Series::new(
                    "ours: mean, 1st-99th pct",
                    OURS,
                    Mark::Line,
                    v.iter()
                        .map(|x| (f64::from(x.r), x.per_node.mean))
                        .collect(),
                )
                .with_whiskers(
                    v.iter()
                        .map(|x| (f64::from(x.r), x.per_node.p1 as f64, x.per_node.p99 as f64))
                        .collect(),
                ),
                Series::new(
                    "paper: 1st/99th pct at r = 1, 20",
                    PAPER,
                    Mark::Dots,
                    paper_virtual(1, 0.0, 4.8)
                        .into_iter()
                        .chain(paper_virtual(20, 0.5, 1.6))
                        .collect(),
                ),
            ],
        }
        .render(),
    });

    let f = &r.failures;
    let p = |row: &super::failure::FailureRow| f64::from(row.failed_percent) / 100.0;
    out.push(Figure {
        file: "fig11-lookup-failures.svg",
        svg: Plot {
            title: "Fig. 11: failed lookups after failures (stabilized ring)".into(),
            x_label: "fraction of nodes failed (p)",
            y_label: "fraction of lookups failed",
            series: vec![
                Series::new(
                    "ours (trial range)",
                    OURS,
                    Mark::Dots,
                    f.iter().map(|row| (p(row), row.failed_lookups)).collect(),
                )
                .with_whiskers(
                    f.iter()
                        .map(|row| (p(row), row.trial_range.0, row.trial_range.1))
                        .collect(),
                ),
                Series::new(
                    "keys lost",
                    EXTRA,
                    Mark::Line,
                    f.iter().map(|row| (p(row), row.lost_keys)).collect(),
                ),
                Series::new(
                    "paper: ≈ p",
                    PAPER,
                    Mark::Dashed,
                    std::iter::once((0.0, 0.0))
                        .chain(f.iter().map(|row| (p(row), p(row))))
                        .collect(),
                ),
            ],
        }
        .render(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_step(10.0, 5.0), 2.0);
        assert_eq!(nice_step(0.5, 5.0), 0.1);
        assert_eq!(nice_step(900_000.0, 6.0), 200_000.0);
        assert_eq!(label(0.30000000000000004, 0.1), "0.3");
        assert_eq!(label(200_000.0, 200_000.0), "200000");
        assert_eq!(label(-0.0, 2.0), "0");
    }

    #[test]
    fn a_plot_is_one_svg_document() {
        let svg = Plot {
            title: "a < b & c".into(),
            x_label: "x",
            y_label: "y",
            series: vec![Series::new(
                "s",
                OURS,
                Mark::Bars,
                vec![(0.0, 0.5), (1.0, 0.25)],
            )],
        }
        .render();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("a &lt; b &amp; c"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}
