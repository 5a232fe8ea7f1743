//! The evaluation of Stoica et al., "Chord: A Scalable Peer-to-peer Lookup
//! Service for Internet Applications" (SIGCOMM 2001, Section 6), on an
//! ideal ring:
//!
//! - [`path_length`]: Figure 10, lookup path length against `N`;
//! - [`load`]: Figure 8, keys per node;
//! - [`virtual_nodes`]: Figure 9, keys per node with `r` virtual nodes each;
//! - [`failure`]: Figure 11, lookups after a simultaneous failure, in the
//!   stabilized-ring model.
//!
//! Ids are uniform 160-bit numbers (the model of SHA-1 outputs), routing is
//! the paper's closest-preceding-finger lookup over ideal fingers
//! ([`crate::chord::lookup`]). Every experiment draws from its own ChaCha8
//! stream derived from the seed, so a result depends only on the
//! [`Config`]. [`render`] writes the text table (the paper's number beside
//! ours) and [`svg`] one plot per figure.

pub mod failure;
pub mod load;
pub mod path_length;
pub mod render;
pub mod stats;
pub mod svg;
pub mod virtual_nodes;

use crate::chord::ring::RingError;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The experiments, as RNG stream tags.
#[derive(Clone, Copy)]
enum Experiment {
    PathLength = 1,
    Load = 2,
    VirtualNodes = 3,
    Failures = 4,
}

/// The ChaCha8 stream for one part of one experiment.
fn stream(seed: u64, experiment: Experiment, part: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((experiment as u64) << 56) ^ part);
    rng
}

/// What to run. [`Config::full`] is the paper's setup; [`Config::quick`] a
/// scaled-down one that runs in well under a second.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// The seed of every random choice.
    pub seed: u64,
    /// Whether this is the scaled-down setup.
    pub quick: bool,
    /// Figure 10: smallest `k` (`N = 2^k`).
    pub path_min_log2: u32,
    /// Figure 10: largest `k`.
    pub path_max_log2: u32,
    /// Figure 10: lookups per node (the paper: 100, i.e. `100·N` in all).
    pub lookups_per_node: u64,
    /// Figure 10(b): the `k` whose PDF is plotted (the paper: 12).
    pub path_pdf_log2: u32,
    /// Figure 8: nodes (the paper: 10^4).
    pub load_nodes: u64,
    /// Figure 8: numbers of keys (the paper: 10^5 to 10^6 by 10^5).
    pub load_keys: Vec<u64>,
    /// Figure 8: trials per number of keys (the paper: 20).
    pub load_trials: u32,
    /// Figure 8(b): the number of keys whose PDF is plotted (the paper:
    /// 5·10^5); one of `load_keys`.
    pub load_pdf_keys: u64,
    /// Figure 9: real nodes (the paper: 10^4).
    pub virtual_nodes: u64,
    /// Figure 9: keys (the paper: 10^6).
    pub virtual_keys: u64,
    /// Figure 9: virtual nodes per real node.
    pub virtual_r: Vec<u32>,
    /// Figure 9: trials per `r`.
    pub virtual_trials: u32,
    /// Figure 11: nodes before the failure.
    pub failure_nodes: u64,
    /// Figure 11: keys stored.
    pub failure_keys: u64,
    /// Figure 11: lookups per trial.
    pub failure_lookups: u64,
    /// Figure 11: failed fractions, in percent.
    pub failure_percents: Vec<u32>,
    /// Figure 11: trials per fraction.
    pub failure_trials: u32,
}

impl Config {
    /// The paper's sizes.
    pub fn full(seed: u64) -> Config {
        Config {
            seed,
            quick: false,
            path_min_log2: 3,
            path_max_log2: 14,
            lookups_per_node: 100,
            path_pdf_log2: 12,
            load_nodes: 10_000,
            load_keys: (1..=10).map(|i| i * 100_000).collect(),
            load_trials: 20,
            load_pdf_keys: 500_000,
            virtual_nodes: 10_000,
            virtual_keys: 1_000_000,
            virtual_r: vec![1, 2, 5, 10, 20],
            virtual_trials: 5,
            failure_nodes: 10_000,
            failure_keys: 1_000_000,
            failure_lookups: 100_000,
            failure_percents: vec![10, 20, 30, 40, 50],
            failure_trials: 3,
        }
    }

    /// A scaled-down setup (10x fewer nodes and keys, `N` up to 2^10).
    pub fn quick(seed: u64) -> Config {
        Config {
            quick: true,
            path_max_log2: 10,
            path_pdf_log2: 10,
            load_nodes: 1_000,
            load_keys: (1..=10).map(|i| i * 10_000).collect(),
            load_trials: 2,
            load_pdf_keys: 50_000,
            virtual_nodes: 1_000,
            virtual_keys: 100_000,
            virtual_trials: 1,
            failure_nodes: 1_000,
            failure_keys: 100_000,
            failure_lookups: 20_000,
            failure_trials: 1,
            ..Config::full(seed)
        }
    }

    /// Checks that every size is usable.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("lookups_per_node", self.lookups_per_node),
            ("load_nodes", self.load_nodes),
            ("load_trials", u64::from(self.load_trials)),
            ("virtual_nodes", self.virtual_nodes),
            ("virtual_trials", u64::from(self.virtual_trials)),
            ("failure_nodes", self.failure_nodes),
            ("failure_keys", self.failure_keys),
            ("failure_lookups", self.failure_lookups),
            ("failure_trials", u64::from(self.failure_trials)),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(format!("{name} must be positive"));
        }
        if !(1..=30).contains(&self.path_min_log2)
            || self.path_min_log2 > self.path_max_log2
            || self.path_max_log2 > 30
        {
            return Err("path lengths need 1 <= path_min_log2 <= path_max_log2 <= 30".into());
        }
        if !(self.path_min_log2..=self.path_max_log2).contains(&self.path_pdf_log2) {
            return Err("path_pdf_log2 must be one of the ring sizes run".into());
        }
        if !self.load_keys.contains(&self.load_pdf_keys) {
            return Err("load_pdf_keys must be one of load_keys".into());
        }
        if self.virtual_r.contains(&0) || self.virtual_r.is_empty() {
            return Err("virtual_r must be non-empty and positive".into());
        }
        if self.failure_percents.iter().any(|&p| p >= 100) {
            return Err("failure_percents must be below 100".into());
        }
        Ok(())
    }
}

/// Every result of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// What was run.
    pub config: Config,
    /// Figure 10.
    pub path_length: Vec<path_length::PathRow>,
    /// Figure 8.
    pub load: Vec<load::LoadRow>,
    /// Figure 9.
    pub virtual_nodes: Vec<virtual_nodes::VirtualRow>,
    /// Figure 11 (stabilized-ring model).
    pub failures: Vec<failure::FailureRow>,
    /// The headline numbers, the paper's beside ours.
    pub claims: Vec<Claim>,
}

/// Where a paper number comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Stated in the paper's text.
    Paper,
    /// Read off a figure or recalled, not checked against the paper's text.
    Unconfirmed,
}

/// One headline number: what the paper reports and what we measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// Figure.
    pub figure: &'static str,
    /// What is measured.
    pub what: &'static str,
    /// The paper's value.
    pub paper: String,
    /// Ours.
    pub ours: String,
    /// Where the paper's value comes from.
    pub source: Source,
}

/// Runs every experiment.
pub fn run(config: &Config) -> Result<Report, String> {
    config.validate()?;
    let err = |e: RingError| e.to_string();
    let seed = config.seed;
    let path_length = path_length::run(
        seed,
        config.path_min_log2..=config.path_max_log2,
        config.lookups_per_node,
    )
    .map_err(err)?;
    let load = load::run(
        seed,
        config.load_nodes,
        &config.load_keys,
        config.load_trials,
    )
    .map_err(err)?;
    let virtual_nodes = virtual_nodes::run(
        seed,
        config.virtual_nodes,
        config.virtual_keys,
        &config.virtual_r,
        config.virtual_trials,
    )
    .map_err(err)?;
    let failures = failure::run(
        seed,
        config.failure_nodes,
        config.failure_keys,
        config.failure_lookups,
        &config.failure_percents,
        config.failure_trials,
    )
    .map_err(err)?;
    let mut report = Report {
        config: config.clone(),
        path_length,
        load,
        virtual_nodes,
        failures,
        claims: Vec::new(),
    };
    report.claims = claims(&report);
    Ok(report)
}

fn claims(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut claim = |figure, what, paper: String, ours: String, source| {
        out.push(Claim {
            figure,
            what,
            paper,
            ours,
            source,
        })
    };
    if let Some(row) = r
        .path_length
        .iter()
        .find(|row| row.log2_nodes == r.config.path_pdf_log2)
    {
        claim(
            "10",
            "mean path length at N = 2^k (paper: ½·log2 N)",
            format!("{:.1} (k = {})", row.paper_mean, row.log2_nodes),
            format!("{:.2}", row.hops.mean),
            Source::Paper,
        );
    }
    if let Some(row) = r.load.iter().find(|row| row.keys == r.config.load_pdf_keys) {
        let mean = row.per_node.mean.max(f64::MIN_POSITIVE);
        claim(
            "8(b)",
            "max keys on a node / mean (mean over trials)",
            "≈ 9× (9.1×, 457 keys: unconfirmed)".into(),
            format!("{:.1}× ({:.0} keys)", row.mean_max / mean, row.mean_max),
            Source::Paper,
        );
        claim(
            "8(b)",
            "99th percentile / mean",
            "4.6×".into(),
            format!("{:.1}×", row.per_node.p99 as f64 / mean),
            Source::Paper,
        );
        claim(
            "8",
            "nodes with no keys",
            "some".into(),
            format!("{:.1}%", 100.0 * row.empty_fraction),
            Source::Paper,
        );
    }
    if let (Some(first), Some(last)) = (r.virtual_nodes.first(), r.virtual_nodes.last()) {
        claim(
            "9",
            "99th percentile / mean, r = 1 → 20",
            "4.8× → 1.6×".into(),
            format!(
                "{:.1}× → {:.1}× (r = {} → {})",
                first.p99_over_mean, last.p99_over_mean, first.r, last.r
            ),
            Source::Paper,
        );
        claim(
            "9",
            "1st percentile / mean, r = 1 → 20",
            "0 → 0.5×".into(),
            format!(
                "{:.2}× → {:.2}× (r = {} → {})",
                first.p1_over_mean, last.p1_over_mean, first.r, last.r
            ),
            Source::Paper,
        );
    }
    for row in &r.failures {
        claim(
            "11",
            "failed lookups after p fail (stabilized-ring model)",
            format!("≈ p = {:.2}", f64::from(row.failed_percent) / 100.0),
            format!("{:.3}", row.failed_lookups),
            Source::Paper,
        );
    }
    claim(
        "11",
        "setup: 10^4 nodes, 10^6 keys",
        "10^4 nodes, 10^6 keys".into(),
        format!(
            "{} nodes, {} keys",
            r.config.failure_nodes, r.config.failure_keys
        ),
        Source::Unconfirmed,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_run_shows_the_papers_trends() {
        let report = run(&Config::quick(7)).unwrap();
        // Figure 10: mean within one hop of ½·log2 N; p99 never falls with N.
        for row in &report.path_length {
            assert!(
                (row.hops.mean - row.paper_mean).abs() <= 1.0,
                "N = 2^{}: mean {} vs {}",
                row.log2_nodes,
                row.hops.mean,
                row.paper_mean
            );
            assert!(row.hops.p1 <= row.hops.p99 && row.hops.p99 <= row.hops.max);
        }
        for w in report.path_length.windows(2) {
            assert!(
                w[0].hops.p99 <= w[1].hops.p99,
                "p99 fell at N = 2^{}",
                w[1].log2_nodes
            );
            assert!(w[0].hops.mean < w[1].hops.mean);
        }
        // Figure 8: the most loaded node holds several times the mean, and
        // some nodes hold nothing at 10 keys per node.
        for row in &report.load {
            let ratio = row.mean_max / row.per_node.mean;
            assert!(
                (3.0..=15.0).contains(&ratio),
                "{} keys: max/mean {ratio}",
                row.keys
            );
            let p99 = row.per_node.p99 as f64 / row.per_node.mean;
            assert!(
                (2.5..=7.0).contains(&p99),
                "{} keys: p99/mean {p99}",
                row.keys
            );
        }
        assert!(report.load[0].empty_fraction > 0.0);
        // Figure 9: virtual nodes even out the load.
        let v = &report.virtual_nodes;
        assert!(v.first().unwrap().p99_over_mean > 3.0);
        assert!(v.last().unwrap().p99_over_mean < 2.0);
        assert!(v.last().unwrap().p1_over_mean > 0.3);
        for w in v.windows(2) {
            assert!(w[1].p99_over_mean <= w[0].p99_over_mean + 0.05);
        }
        // Figure 11: the failed fraction tracks p; routing never goes astray.
        for row in &report.failures {
            let p = f64::from(row.failed_percent) / 100.0;
            assert!(
                (row.failed_lookups - p).abs() < 0.05,
                "p = {p}: {}",
                row.failed_lookups
            );
            assert_eq!(row.misrouted, 0);
        }
        assert!(!report.claims.is_empty());
    }

    #[test]
    fn a_run_depends_only_on_its_config() {
        let mut small = Config::quick(3);
        small.path_max_log2 = 6;
        small.path_pdf_log2 = 6;
        small.load_keys = vec![5_000];
        small.load_pdf_keys = 5_000;
        small.virtual_keys = 10_000;
        small.failure_keys = 10_000;
        small.failure_lookups = 1_000;
        let a = run(&small).unwrap();
        assert_eq!(a, run(&small).unwrap());
        small.seed = 4;
        assert_ne!(a.load, run(&small).unwrap().load);
    }

    #[test]
    fn bad_configs_are_refused() {
        let mut c = Config::quick(1);
        c.load_trials = 0;
        assert!(run(&c).unwrap_err().contains("load_trials"));
        let mut c = Config::quick(1);
        c.load_pdf_keys = 1;
        assert!(c.validate().is_err());
        let mut c = Config::quick(1);
        c.failure_percents = vec![100];
        assert!(c.validate().is_err());
    }
}
