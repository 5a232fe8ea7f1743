//! Seed ranges and shards: `--seeds A..B` and `--shard K/N`.
//!
//! Shard `K/N` (K from 1 to N) takes every N-th seed of the range, starting
//! with the K-th: the N shards are disjoint and together cover the range, and
//! each gets an even share of early and late seeds. Any batch scheduler can
//! split a sweep this way; `--shard auto` reads K and N from the batch
//! engine's environment (see [`from_env`]).

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Seeds `start..end` (end excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SeedRange {
    /// First seed.
    pub start: u64,
    /// One past the last seed.
    pub end: u64,
}

impl SeedRange {
    /// Number of seeds.
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// Whether the range is empty.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

impl FromStr for SeedRange {
    type Err = String;

    /// `A..B` (B excluded), `A..=B` (B included), or a single seed `A`.
    fn from_str(text: &str) -> Result<SeedRange, String> {
        let number = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{s}` in `{text}` is not a seed (a number from 0 to 2^64-1)"))
        };
        let (start, end) = if let Some((a, b)) = text.split_once("..=") {
            let end = number(b)?
                .checked_add(1)
                .ok_or_else(|| format!("`{text}`: the range ends past the last seed"))?;
            (number(a)?, end)
        } else if let Some((a, b)) = text.split_once("..") {
            (number(a)?, number(b)?)
        } else {
            let a = number(text)?;
            (a, a.saturating_add(1))
        };
        if start >= end {
            return Err(format!(
                "`{text}` is empty (write A..B for seeds A to B-1, or A..=B)"
            ));
        }
        Ok(SeedRange { start, end })
    }
}

impl fmt::Display for SeedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Shard `index` of `count` (1-based), written `K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shard {
    /// Which shard, from 1 to `count`.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl Shard {
    /// The whole range as one shard.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Whether `seed` of `range` belongs to this shard.
    pub fn contains(&self, range: SeedRange, seed: u64) -> bool {
        range.start <= seed
            && seed < range.end
            && (seed - range.start) % self.count == self.index - 1
    }

    /// This shard's seeds of `range`, in increasing order.
    pub fn seeds(&self, range: SeedRange) -> impl Iterator<Item = u64> {
        let shard = *self;
        (0..self.len(range)).map(move |i| shard.seed(range, i))
    }

    /// The `i`-th seed of this shard of `range` (`i` below [`Shard::len`]).
    pub fn seed(&self, range: SeedRange, i: u64) -> u64 {
        range.start + (self.index - 1) + i * self.count
    }

    /// Number of this shard's seeds of `range`.
    pub fn len(&self, range: SeedRange) -> u64 {
        let offset = self.index - 1;
        if offset >= range.len() {
            0
        } else {
            (range.len() - offset).div_ceil(self.count)
        }
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard: write K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// `--shard`: a fixed `K/N`, or `auto` / `auto/N` (K, and N where the
/// engine does not tell it, from the environment; see [`from_env`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardSpec {
    /// `K/N`.
    Fixed(Shard),
    /// `auto` or `auto/N`.
    Auto {
        /// N, if given.
        count: Option<u64>,
    },
}

impl FromStr for ShardSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<ShardSpec, String> {
        match text.strip_prefix("auto") {
            Some("") => Ok(ShardSpec::Auto { count: None }),
            Some(rest) => {
                let n = rest
                    .strip_prefix('/')
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| {
                        format!("`{text}` is not a shard: write auto, auto/N (N >= 1) or K/N")
                    })?;
                Ok(ShardSpec::Auto { count: Some(n) })
            }
            None => text.parse().map(ShardSpec::Fixed),
        }
    }
}

impl fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShardSpec::Fixed(s) => s.fmt(f),
            ShardSpec::Auto { count: None } => f.write_str("auto"),
            ShardSpec::Auto { count: Some(n) } => write!(f, "auto/{n}"),
        }
    }
}

/// The environment variables `--shard auto` reads, in this order.
pub const AUTO_SOURCES: &str = "\
DSIM_SHARD=K/N (any engine; a GitHub Actions matrix passes it through), \
JOB_COMPLETION_INDEX (Kubernetes Indexed Job, 0-based; N from auto/N or DSIM_SHARD_COUNT), \
SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (Slurm job array, counted from SLURM_ARRAY_TASK_MIN), \
NOMAD_ALLOC_INDEX (Nomad, 0-based; N from auto/N or DSIM_SHARD_COUNT)";

/// Shard K/N of a batch engine's worker, from its environment (`var` reads
/// one variable): the shard and a sentence saying where it came from. `count`
/// is N when given as `auto/N`. Sources, in order: see [`AUTO_SOURCES`].
pub fn from_env(
    count: Option<u64>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<(Shard, String), String> {
    let number = |name: &str| -> Result<Option<u64>, String> {
        match var(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("--shard auto: {name}=`{v}` is not a whole number")),
        }
    };
    let count_for = |engine: &str| -> Result<u64, String> {
        match (count, number("DSIM_SHARD_COUNT")?) {
            (Some(a), Some(b)) if a != b => Err(format!(
                "--shard auto/{a} disagrees with DSIM_SHARD_COUNT={b}"
            )),
            (Some(n), _) | (None, Some(n)) => Ok(n),
            (None, None) => Err(format!(
                "--shard auto: {engine} gives the index but not the count: write --shard auto/N or set DSIM_SHARD_COUNT"
            )),
        }
    };
    let made = |index: u64, n: u64, why: String| -> Result<(Shard, String), String> {
        if let Some(c) = count.filter(|&c| c != n) {
            return Err(format!("--shard auto/{c}, but {why} says {n} shards"));
        }
        if n == 0 || index == 0 || index > n {
            return Err(format!(
                "--shard auto: {why} gives shard {index}/{n}, which does not exist"
            ));
        }
        Ok((Shard { index, count: n }, why))
    };
    if let Some(v) = var("DSIM_SHARD") {
        let shard: Shard = v
            .parse()
            .map_err(|e| format!("--shard auto: DSIM_SHARD: {e}"))?;
        return made(shard.index, shard.count, format!("DSIM_SHARD={v}"));
    }
    if let Some(i) = number("JOB_COMPLETION_INDEX")? {
        let n = count_for("a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)")?;
        return made(
            i.saturating_add(1),
            n,
            format!("JOB_COMPLETION_INDEX={i} (Kubernetes Indexed Job) of {n}"),
        );
    }
    if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
        let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let n = match number("SLURM_ARRAY_TASK_COUNT")? {
            Some(n) => n,
            None => count_for("a Slurm job array (SLURM_ARRAY_TASK_ID)")?,
        };
        let k = id.checked_sub(min).ok_or_else(|| {
            format!("--shard auto: SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}")
        })?;
        return made(
            k.saturating_add(1),
            n,
            format!("SLURM_ARRAY_TASK_ID={id} (Slurm job array from {min}) of {n}"),
        );
    }
    if let Some(i) = number("NOMAD_ALLOC_INDEX")? {
        let n = count_for("Nomad (NOMAD_ALLOC_INDEX)")?;
        return made(
            i.saturating_add(1),
            n,
            format!("NOMAD_ALLOC_INDEX={i} (Nomad) of {n}"),
        );
    }
    Err(format!(
        "--shard auto: no shard in the environment (looked for {AUTO_SOURCES})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_shards() {
        assert_eq!("3..7".parse(), Ok(SeedRange { start: 3, end: 7 }));
        assert_eq!("3..=7".parse(), Ok(SeedRange { start: 3, end: 8 }));
        assert_eq!("5".parse(), Ok(SeedRange { start: 5, end: 6 }));
        assert!("7..3".parse::<SeedRange>().is_err());
        assert!("a..3".parse::<SeedRange>().is_err());
        assert!("0..=18446744073709551615".parse::<SeedRange>().is_err());
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn auto_shards_come_from_each_engine() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        type Case<'a> = (&'a [(&'a str, &'a str)], Option<u64>, Shard, &'a str);
        let cases: [Case; 5] = [
            (
                &[("DSIM_SHARD", "3/8")],
                None,
                Shard { index: 3, count: 8 },
                "DSIM_SHARD",
            ),
            (
                &[("JOB_COMPLETION_INDEX", "0")],
                Some(4),
                Shard { index: 1, count: 4 },
                "Kubernetes",
            ),
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "5"),
                    ("SLURM_ARRAY_TASK_COUNT", "5"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                ],
                None,
                Shard { index: 5, count: 5 },
                "Slurm",
            ),
            (
                &[("NOMAD_ALLOC_INDEX", "2"), ("DSIM_SHARD_COUNT", "3")],
                None,
                Shard { index: 3, count: 3 },
                "Nomad",
            ),
            (
                &[("JOB_COMPLETION_INDEX", "1"), ("NOMAD_ALLOC_INDEX", "0")],
                Some(2),
                Shard { index: 2, count: 2 },
                "Kubernetes",
            ),
        ];
        for (pairs, count, want, source) in cases {
            let (got, why) = from_env(count, &env(pairs)).unwrap();
            assert_eq!(got, want, "{pairs:?}");
            assert!(why.contains(source), "{why}");
        }
        for (pairs, count, what) in [
            (&[][..], None, "no shard in the environment"),
            (&[("JOB_COMPLETION_INDEX", "0")][..], None, "auto/N"),
            (
                &[("JOB_COMPLETION_INDEX", "4")][..],
                Some(4),
                "does not exist",
            ),
            (&[("DSIM_SHARD", "2/8")][..], Some(4), "says 8 shards"),
            (
                &[("NOMAD_ALLOC_INDEX", "x")][..],
                Some(4),
                "not a whole number",
            ),
        ] {
            let err = from_env(count, &env(pairs)).unwrap_err();
            assert!(err.contains(what), "{err}");
        }
        assert_eq!("auto".parse(), Ok(ShardSpec::Auto { count: None }));
        assert_eq!("auto/4".parse(), Ok(ShardSpec::Auto { count: Some(4) }));
        assert!("auto/0".parse::<ShardSpec>().is_err());
    }

    #[test]
    fn a_shard_past_the_range_is_empty() {
        let r = SeedRange { start: 10, end: 12 };
        let s = Shard { index: 3, count: 5 };
        assert_eq!(s.seeds(r).count(), 0);
        assert_eq!(s.len(r), 0);
        let big = SeedRange {
            start: u64::MAX - 3,
            end: u64::MAX,
        };
        assert_eq!(
            Shard { index: 2, count: 2 }.seeds(big).collect::<Vec<_>>(),
            vec![u64::MAX - 2]
        );
    }
}
