//! The README as a user follows it: the two top commands come first and the
//! install line right after them, and every line of "Everyday commands" runs
//! (a quick version: fewer seeds, a smaller bench) with the documented exit
//! code.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    std::fs::read_to_string(path).expect("README.md")
}

/// The lines of the first fenced `sh` block after `heading`.
fn sh_block(text: &str, heading: &str) -> Vec<String> {
    let after = text
        .split_once(heading)
        .unwrap_or_else(|| panic!("no {heading} in README.md"))
        .1;
    let body = after
        .split_once("```sh\n")
        .expect("a ```sh block")
        .1
        .split_once("```")
        .expect("the block ends")
        .0;
    body.lines().map(str::to_string).collect()
}

/// A command line without its comment, made quick for a test.
fn quick(line: &str) -> String {
    let command = line.split(" #").next().unwrap_or(line).trim();
    command
        .replace("--seeds 0..1000", "--seeds 0..100")
        .replace("--hops 999", "--hops 9 --rounds 1")
}

/// The exit code the README documents: sweep, replay and shrink of a
/// failing scenario report the failure (1); everything else succeeds (0).
fn expected_exit(args: &[&str]) -> i32 {
    match args.first() {
        Some(&"sweep" | &"replay" | &"shrink") => 1,
        _ => 0,
    }
}

#[test]
fn the_top_commands_come_first_and_install_right_after() {
    let text = readme();
    let top = sh_block(&text, "# dsim\n");
    assert!(top[0].starts_with("cargo run --release -- run "), "{top:?}");
    assert!(top[1].starts_with("cargo test --workspace"), "{top:?}");
    let after_block = text
        .split_once("```sh\n")
        .unwrap()
        .1
        .split_once("```\n")
        .unwrap()
        .1;
    let next_paragraph = after_block.trim_start().lines().next().unwrap_or_default();
    assert!(
        next_paragraph.starts_with("Install: `cargo install --path scenarios`"),
        "{next_paragraph}"
    );
}

#[test]
fn every_everyday_command_runs_with_its_documented_exit_code() {
    let lines = sh_block(&readme(), "## Everyday commands");
    assert!(lines.len() >= 10, "{lines:?}");
    let dir: PathBuf = std::env::temp_dir().join(format!("dsim-readme-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    for line in &lines {
        let command = quick(line);
        let words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"dsim"), "{line}");
        let args = &words[1..];
        let o = Command::new(env!("CARGO_BIN_EXE_dsim"))
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .expect("dsim runs");
        assert_eq!(
            o.status.code(),
            Some(expected_exit(args)),
            "{command}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // What the lines say they write is there.
    for file in [
        "run.jsonl",
        "run.log",
        "sweep.svg",
        "minimal.json",
        "dsim-failures/primary-backup-bug-seed-46.json",
    ] {
        assert!(dir.join(file).exists(), "{file} was not written");
    }
    std::fs::remove_dir_all(&dir).ok();
}
