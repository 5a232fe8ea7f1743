//! `dsim sweep ... --chart FILE`: the chart is well-formed XML with one mark
//! per failing seed (the seeds the sweep reports) and one time bar per seed.

use std::collections::BTreeMap;
use std::process::{Command, Output};

fn dsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .output()
        .expect("dsim runs")
}

/// An element: its name and attributes.
type Element = (String, BTreeMap<String, String>);

/// A minimal XML reader: checks that tags nest under one root, that
/// attributes are quoted, that `&` only starts a known entity and `<` only a
/// tag; returns every element. Enough for SVG we write ourselves
/// (no DOCTYPE, CDATA or comments inside).
fn elements(xml: &str) -> Result<Vec<Element>, String> {
    let mut xml = xml.trim();
    if let Some(rest) = xml.strip_prefix("<?xml") {
        xml = rest[rest.find("?>").ok_or("unclosed <?xml")? + 2..].trim_start();
    }
    let entity = |text: &str| -> Result<(), String> {
        let mut rest = text;
        while let Some(i) = rest.find('&') {
            rest = &rest[i + 1..];
            let end = rest.find(';').ok_or("& without ;")?;
            if !["amp", "lt", "gt", "quot", "apos"].contains(&&rest[..end]) {
                return Err(format!("unknown entity &{};", &rest[..end]));
            }
        }
        Ok(())
    };
    let mut open: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut rest = xml;
    let mut closed_root = false;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..lt];
        if text.contains('>') {
            return Err(format!("stray > in text {text:?}"));
        }
        if open.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        entity(text)?;
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if open.pop().as_deref() != Some(name.trim()) {
                return Err(format!("</{name}> closes nothing open"));
            }
            closed_root |= open.is_empty();
            continue;
        }
        if closed_root {
            return Err("a second root element".into());
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs_text) = tag.split_once(' ').unwrap_or((tag, ""));
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == ':') {
            return Err(format!("bad element name {name:?}"));
        }
        let mut attrs = BTreeMap::new();
        loop {
            attrs_text = attrs_text.trim_start();
            if attrs_text.is_empty() {
                break;
            }
            let (key, after) = attrs_text
                .split_once("=\"")
                .ok_or(format!("unquoted attribute in <{name}>"))?;
            let end = after.find('"').ok_or("unterminated attribute")?;
            let value = &after[..end];
            if value.contains('<') {
                return Err(format!("< in attribute {key}"));
            }
            entity(value)?;
            if attrs.insert(key.to_string(), value.to_string()).is_some() {
                return Err(format!("attribute {key} twice in <{name}>"));
            }
            attrs_text = &after[end + 1..];
        }
        out.push((name.to_string(), attrs));
        if self_closing {
            closed_root |= open.is_empty();
        } else {
            open.push(name.to_string());
        }
    }
    if !open.is_empty() || !closed_root {
        return Err(format!("unclosed elements {open:?}"));
    }
    Ok(out)
}

fn class<'a>(els: &'a [Element], class: &str) -> Vec<&'a BTreeMap<String, String>> {
    els.iter()
        .filter(|(n, a)| n == "rect" && a.get("class").map(String::as_str) == Some(class))
        .map(|(_, a)| a)
        .collect()
}

#[test]
fn the_chart_marks_every_failing_seed_once_and_times_every_seed() {
    let dir = std::env::temp_dir().join(format!("dsim-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (svg, html) = (dir.join("sweep.svg"), dir.join("sweep.html"));
    let out = dir.join("failures");
    let mut failing = Vec::new();
    for chart in [&svg, &html] {
        let o = dsim(&[
            "sweep",
            "primary-backup-bug",
            "--seeds",
            "0..150",
            "--keep-going",
            "--jobs",
            "2",
            "--json",
            "--out",
            out.to_str().unwrap(),
            "--chart",
            chart.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        failing = v["failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["seed"].as_u64().unwrap().to_string())
            .collect::<Vec<_>>();
        assert!(
            failing.len() >= 2,
            "the planted bug fails several of 150 seeds"
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("chart     wrote"));
    }
    let text = std::fs::read_to_string(&svg).unwrap();
    let els = elements(&text).unwrap();
    assert_eq!(els[0].0, "svg");
    let marks: Vec<String> = class(&els, "fail")
        .iter()
        .map(|a| a["data-seed"].clone())
        .collect();
    assert_eq!(marks, failing, "one mark per failing seed, in seed order");
    assert_eq!(class(&els, "time").len(), 150, "one time bar per seed");
    assert!(
        text.contains(">applied-once</text>"),
        "the property's row is named"
    );

    // The page holds the same drawing.
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    let (i, j) = (
        page.find("<svg").unwrap(),
        page.rfind("</svg>").unwrap() + 6,
    );
    let els = elements(&page[i..j]).unwrap();
    assert_eq!(class(&els, "fail").len(), failing.len());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_chart_that_is_neither_svg_nor_html_is_refused_before_the_sweep() {
    let o = dsim(&[
        "sweep",
        "hot-potato",
        "--seeds",
        "0..2",
        "--chart",
        "chart.png",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--chart chart.png: name an .svg or .html file"),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "nothing ran");
}

#[test]
fn the_minimal_xml_reader_rejects_what_it_should() {
    assert!(elements(r#"<svg><rect a="1"/></svg>"#).is_ok());
    for bad in [
        "<svg><rect></svg>",
        "<svg a=1></svg>",
        "<svg>a & b</svg>",
        "<svg></svg><svg></svg>",
        r#"<svg a="x<y"></svg>"#,
        "<svg>",
    ] {
        assert!(elements(bad).is_err(), "{bad}");
    }
}
