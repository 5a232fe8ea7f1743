//! Help that teaches: `dsim --help` says what dsim is, shows examples and
//! the exit codes; bad values get a message about the value; features that
//! live in another verb are pointed to.

use std::process::{Command, Output};

fn dsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("dsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn top_level_help_describes_shows_three_examples_and_the_exit_codes() {
    let o = dsim(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = text(&o.stdout);
    let first = help.lines().next().unwrap_or_default();
    assert!(
        first.contains("deterministic simulator") && first.len() <= 120,
        "first line: {first}"
    );
    let examples = help
        .split_once("Examples:\n")
        .unwrap_or_else(|| panic!("no examples: {help}"))
        .1;
    let shown = examples
        .lines()
        .take_while(|l| l.starts_with("  dsim "))
        .count();
    assert!(shown >= 3, "{shown} examples: {help}");
    let codes = help
        .split_once("Exit codes:")
        .unwrap_or_else(|| panic!("no exit codes: {help}"))
        .1;
    for code in ["  0 ", "  1 ", "  2 ", "  130 "] {
        assert!(codes.contains(code), "exit code {code:?} missing: {help}");
    }
}

#[test]
fn a_negative_seed_is_named_not_a_dash_dash_tip() {
    for args in [
        &["run", "hot-potato", "--seed", "-1"][..],
        &["bench", "hot-potato", "--seed", "-1"][..],
        &["chord", "paper", "--quick", "--seed", "-1"][..],
        &["forex", "provider", "--seed", "-1"][..],
        &["run", "hot-potato", "--seed", "x"][..],
    ] {
        let o = dsim(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert!(
            err.contains("seed must be a non-negative integer"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("-- -1"), "{args:?}: {err}");
    }
}

#[test]
fn protocols_with_tools_point_to_them() {
    let o = dsim(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    for tools in [
        "dsim gcd serve|member|hello",
        "dsim forex provider|subscribe",
        "dsim bitcoin serve|fetch",
    ] {
        assert!(out.contains(tools), "{tools} not in: {out}");
    }
    let o = dsim(&["run", "gcd-hello", "--net", "tcp"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("to run one node against other programs: dsim gcd serve|member|hello"),
        "{err}"
    );
}
