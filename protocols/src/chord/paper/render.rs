//! The text report: one table per figure, the paper's number beside ours.

use super::{Report, Source};
use std::fmt::Write;

/// The whole report as text.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let c = &r.config;
    let _ = writeln!(
        out,
        "Chord (Stoica et al., SIGCOMM 2001, Section 6) on an ideal ring: seed {}, {} setup",
        c.seed,
        if c.quick {
            "quick (scaled-down)"
        } else {
            "full (the paper's sizes)"
        }
    );
    let _ = writeln!(
        out,
        "Ids uniform in 2^160; lookups by closest preceding finger over ideal fingers;\n\
         path length = moves from node to node until the key's predecessor.\n\
         Paper numbers come from the paper's Section 6 text; \"unconfirmed\" marks ones we could not check.\n"
    );

    let _ = writeln!(
        out,
        "Figure 10: path length, {} lookups per node (random node, random key)",
        c.lookups_per_node
    );
    let _ = writeln!(
        out,
        "{:>7} {:>9} {:>7} {:>14} {:>4} {:>4} {:>4}",
        "N", "lookups", "mean", "paper ½·log2N", "p1", "p99", "max"
    );
    for row in &r.path_length {
        let _ = writeln!(
            out,
            "{:>7} {:>9} {:>7.3} {:>14.1} {:>4} {:>4} {:>4}",
            row.nodes,
            row.hops.samples,
            row.hops.mean,
            row.paper_mean,
            row.hops.p1,
            row.hops.p99,
            row.hops.max
        );
    }
    if let Some(row) = r
        .path_length
        .iter()
        .find(|row| row.log2_nodes == c.path_pdf_log2)
    {
        let total = row.pdf.total().max(1) as f64;
        let pdf: Vec<String> = row
            .pdf
            .counts()
            .iter()
            .enumerate()
            .map(|(h, &n)| format!("{h}:{:.3}", n as f64 / total))
            .collect();
        let _ = writeln!(
            out,
            "Figure 10(b): PDF at N = 2^{}: {}",
            row.log2_nodes,
            pdf.join(" ")
        );
    }

    let _ = writeln!(
        out,
        "\nFigure 8: keys per node, {} nodes, {} trials pooled (max: the most loaded node, mean over trials)",
        c.load_nodes, c.load_trials
    );
    let _ = writeln!(
        out,
        "{:>8} {:>7} {:>5} {:>5} {:>9} {:>9} {:>9} {:>8}",
        "keys", "mean", "p1", "p99", "max", "p99/mean", "max/mean", "no keys"
    );
    for row in &r.load {
        let s = &row.per_node;
        let mean = s.mean.max(f64::MIN_POSITIVE);
        let _ = writeln!(
            out,
            "{:>8} {:>7.1} {:>5} {:>5} {:>9.1} {:>9.2} {:>9.2} {:>7.2}%",
            row.keys,
            s.mean,
            s.p1,
            s.p99,
            row.mean_max,
            s.p99 as f64 / mean,
            row.mean_max / mean,
            100.0 * row.empty_fraction
        );
    }

    let _ = writeln!(
        out,
        "\nFigure 9: keys per real node with r virtual nodes each, {} nodes, {} keys, {} trials",
        c.virtual_nodes, c.virtual_keys, c.virtual_trials
    );
    let _ = writeln!(
        out,
        "{:>3} {:>7} {:>5} {:>5} {:>8} {:>9}",
        "r", "mean", "p1", "p99", "p1/mean", "p99/mean"
    );
    for row in &r.virtual_nodes {
        let _ = writeln!(
            out,
            "{:>3} {:>7.1} {:>5} {:>5} {:>8.2} {:>9.2}",
            row.r,
            row.per_node.mean,
            row.per_node.p1,
            row.per_node.p99,
            row.p1_over_mean,
            row.p99_over_mean
        );
    }
    let _ = writeln!(
        out,
        "paper: p99/mean 4.8 (r = 1) → 1.6 (r = 20); p1/mean 0 → 0.5"
    );

    let _ = writeln!(
        out,
        "\nFigure 11: lookups after a simultaneous failure of a fraction p of {} nodes,\n\
         {} keys, {} lookups x {} trials. Stabilized-ring model: the survivors form an\n\
         ideal ring (stabilization done), keys are not replicated, a lookup fails when\n\
         its key's node failed.",
        c.failure_nodes, c.failure_keys, c.failure_lookups, c.failure_trials
    );
    let _ = writeln!(
        out,
        "{:>5} {:>14} {:>17} {:>10} {:>10} {:>10}",
        "p", "failed lookups", "trial range", "lost keys", "misrouted", "mean hops"
    );
    for row in &r.failures {
        let _ = writeln!(
            out,
            "{:>5.2} {:>14.4} {:>8.4}-{:<8.4} {:>10.4} {:>10} {:>10.3}",
            f64::from(row.failed_percent) / 100.0,
            row.failed_lookups,
            row.trial_range.0,
            row.trial_range.1,
            row.lost_keys,
            row.misrouted,
            row.hops.mean()
        );
    }
    let _ = writeln!(out, "paper: the failed fraction is almost exactly p");

    let _ = writeln!(out, "\nHeadline numbers");
    let _ = writeln!(
        out,
        "{:<6} {:<52} {:<36} {:<28} source",
        "figure", "what", "paper", "ours"
    );
    for claim in &r.claims {
        let source = match claim.source {
            Source::Paper => "paper",
            Source::Unconfirmed => "unconfirmed",
        };
        let _ = writeln!(
            out,
            "{:<6} {:<52} {:<36} {:<28} {source}",
            claim.figure, claim.what, claim.paper, claim.ours
        );
    }
    out
}
