//! One vocabulary across every verb and tool: walks the whole `dsim`
//! command tree (`Cli::command()`) and fails on a flag that means two
//! things, two flags for one thing, a `-o` that is not an output file, or a
//! duration or seed that parses differently from the others.

use clap::error::ErrorKind;
use clap::{Arg, Command, CommandFactory};
use scenarios::cli::Cli;

/// A long name used by more than one command, what it means, and a phrase
/// its help must contain wherever it appears (the help texts may differ in
/// detail, not in meaning).
const CONCEPTS: &[(&str, &str, &str)] = &[
    ("out", "where output files go", ""),
    (
        "for",
        "run for this long, then stop",
        "Stop after this long",
    ),
    (
        "listen",
        "the local address to listen on",
        "Address to listen on",
    ),
    ("seed", "the seed of random choices", "Seed"),
    ("json", "machine-readable output", "Machine-readable output"),
    (
        "timeout",
        "how long to wait for an answer",
        "How long to wait",
    ),
    ("lease", "the forex subscription lease", "lease"),
    (
        "layout",
        "the forex quote record layout",
        "Quote record layout",
    ),
    ("profile", "a course year's message names", "course year"),
    ("trace", "write every event to a file", "Write every event"),
    (
        "trace-format",
        "how --trace writes the events",
        "With --trace",
    ),
    ("verbose", "print more detail", "Print"),
    ("quiet", "print less", "Print only"),
];

/// Names that must not appear (visibly) for a concept that has a name
/// already: (synonym, the one name).
const SYNONYMS: &[(&str, &str)] = &[
    ("duration", "for"),
    ("run-for", "for"),
    ("until", "for"),
    ("output", "out"),
    ("output-dir", "out"),
    ("out-dir", "out"),
    ("dir", "out"),
    ("bind", "listen"),
    ("addr", "listen"),
    ("listen-addr", "listen"),
    ("rng-seed", "seed"),
    ("random-seed", "seed"),
    ("machine", "json"),
    ("format-json", "json"),
    ("silent", "quiet"),
];

/// Long names whose values are durations: they take a unit and share one
/// error text.
const DURATIONS: &[&str] = &[
    "for",
    "lease",
    "timeout",
    "within",
    "failure-timeout",
    "coordinator-timeout",
    "from",
    "to",
];

/// Every leaf command with its path (`dsim forex provider`).
fn leaves(cmd: &Command, path: String, out: &mut Vec<(String, Command)>) {
    let mut subs = cmd.get_subcommands().peekable();
    if subs.peek().is_none() {
        out.push((path, cmd.clone()));
        return;
    }
    for sub in subs {
        leaves(sub, format!("{path} {}", sub.get_name()), out);
    }
}

fn all_leaves() -> Vec<(String, Command)> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    leaves(&cmd, "dsim".into(), &mut out);
    assert!(out.len() >= 15, "only {} leaf commands found", out.len());
    out
}

fn help(arg: &Arg) -> String {
    arg.get_help().map(|h| h.to_string()).unwrap_or_default()
}

/// The user's flags of a command (not clap's `--help`/`--version`).
fn flags(cmd: &Command) -> impl Iterator<Item = &Arg> {
    cmd.get_arguments()
        .filter(|a| a.get_long().is_some() && !matches!(a.get_id().as_str(), "help" | "version"))
}

/// Parses `--NAME VALUE` with the leaf command's own parser; `Err` is the
/// message when the value itself was rejected.
fn parse_value(cmd: &Command, name: &str, value: &str) -> Result<(), String> {
    let argv = [
        cmd.get_name().to_string(),
        format!("--{name}"),
        value.to_string(),
    ];
    match cmd.clone().try_get_matches_from(argv) {
        Err(e)
            if e.kind() == ErrorKind::ValueValidation || e.kind() == ErrorKind::UnknownArgument =>
        {
            Err(e.to_string())
        }
        // Ok, or a complaint about something else (a missing argument).
        _ => Ok(()),
    }
}

#[test]
fn the_same_long_name_means_the_same_thing_everywhere() {
    let mut uses: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
    for (path, cmd) in all_leaves() {
        for arg in flags(&cmd) {
            let long = arg.get_long().unwrap_or_default().to_string();
            uses.entry(long)
                .or_default()
                .push((path.clone(), help(arg)));
        }
    }
    let mut problems = Vec::new();
    for (long, places) in &uses {
        match CONCEPTS.iter().find(|(name, _, _)| name == long) {
            Some((_, meaning, phrase)) => {
                for (path, text) in places {
                    if !text.contains(phrase) {
                        problems.push(format!(
                            "{path} --{long}: help `{text}` does not say \"{phrase}\" ({meaning})"
                        ));
                    }
                }
            }
            None => {
                let first = &places[0].1;
                if let Some((path, text)) = places.iter().find(|(_, t)| t != first) {
                    problems.push(format!(
                        "--{long} means `{first}` in {} but `{text}` in {path}: \
                         make them one concept (add it to CONCEPTS) or rename one",
                        places[0].0
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn one_concept_has_one_name() {
    let mut problems = Vec::new();
    for (path, cmd) in all_leaves() {
        for arg in flags(&cmd) {
            let mut names: Vec<&str> = arg.get_long().into_iter().collect();
            names.extend(arg.get_visible_aliases().unwrap_or_default());
            for name in names {
                if let Some((_, one)) = SYNONYMS.iter().find(|(s, _)| *s == name) {
                    problems.push(format!("{path} --{name}: this is --{one} everywhere else"));
                }
            }
            let text = help(arg).to_lowercase();
            if text.contains("in seconds") || arg.get_value_names().is_some_and(|v| v == ["S"]) {
                problems.push(format!(
                    "{path} --{}: a number of seconds; take a duration with its unit",
                    arg.get_long().unwrap_or_default()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn dash_o_is_always_an_output_file() {
    let mut outs = 0;
    for (path, cmd) in all_leaves() {
        for arg in cmd.get_arguments() {
            let long = arg.get_long().unwrap_or_default();
            if arg.get_short() == Some('o') {
                assert_eq!(long, "out", "{path}: -o is --{long}, not an output file");
            }
            if long == "out" {
                outs += 1;
                assert_eq!(arg.get_short(), Some('o'), "{path} --out has no -o");
                let value = arg.get_value_names().unwrap_or_default();
                assert!(
                    value == ["FILE"] || value == ["DIR"],
                    "{path} --out takes {value:?}, not FILE or DIR"
                );
            }
        }
    }
    assert!(outs >= 3, "only {outs} --out flags found");
}

#[test]
fn every_duration_takes_a_unit_and_fails_the_same_way() {
    let mut seen = 0;
    for (path, cmd) in all_leaves() {
        for arg in flags(&cmd) {
            let long = arg.get_long().unwrap_or_default();
            if !DURATIONS.contains(&long) {
                continue;
            }
            seen += 1;
            let err = parse_value(&cmd, long, "5").expect_err(&format!("{path} --{long} 5"));
            assert!(
                err.contains("duration `5` has no unit (use ns, us, ms, s, m or h)"),
                "{path} --{long} 5: {err}"
            );
            parse_value(&cmd, long, "5s").unwrap_or_else(|e| panic!("{path} --{long} 5s: {e}"));
        }
    }
    assert!(seen >= 12, "only {seen} duration flags found");
}

#[test]
fn every_seed_is_a_non_negative_integer() {
    let mut seen = 0;
    for (path, cmd) in all_leaves() {
        for arg in flags(&cmd) {
            if arg.get_long() != Some("seed") {
                continue;
            }
            seen += 1;
            let err = parse_value(&cmd, "seed", "-1").expect_err(&path);
            assert!(
                err.contains("seed must be a non-negative integer"),
                "{path} --seed -1: {err}"
            );
            parse_value(&cmd, "seed", "7").unwrap_or_else(|e| panic!("{path} --seed 7: {e}"));
        }
    }
    assert!(seen >= 4, "only {seen} --seed flags found");
}

#[test]
fn no_default_listen_port_is_in_the_ephemeral_range() {
    let mut seen = 0;
    for (path, cmd) in all_leaves() {
        for arg in flags(&cmd).filter(|a| a.get_long() == Some("listen")) {
            for default in arg.get_default_values() {
                let text = default.to_string_lossy();
                let port: u16 = text
                    .rsplit_once(':')
                    .and_then(|(_, p)| p.parse().ok())
                    .unwrap_or_else(|| panic!("{path} --listen default {text}: no port"));
                seen += 1;
                assert!(
                    port == 0 || !(32768..=60999).contains(&port),
                    "{path} --listen defaults to {text}, inside Linux's ephemeral range 32768-60999"
                );
            }
        }
    }
    assert!(seen >= 3, "only {seen} --listen defaults found");
}

#[test]
fn the_command_tree_passes_clap_s_own_checks() {
    Cli::command().debug_assert();
}
