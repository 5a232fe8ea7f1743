//! Derives the list of named scenarios from the files: every
//! `src/<protocol>/scenarios/<name>.json` becomes `(name, text)` in the
//! protocol's list, so no hand-kept list can drift from the folders.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    println!("cargo:rerun-if-changed=src");
    let mut out = String::from(
        "/// The named scenarios of the protocol in folder `folder` (generated from\n\
         /// `src/<folder>/scenarios/*.json`).\n\
         pub fn named(folder: &str) -> &'static [sim::NamedScenario] {\n    match folder {\n",
    );
    let mut folders: Vec<_> = std::fs::read_dir(&src)
        .expect("src is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("scenarios").is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let dir = folder.join("scenarios");
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("scenario folder is readable")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 folder name");
        let _ = writeln!(out, "        {name:?} => &[");
        for file in files {
            let stem = file
                .file_stem()
                .and_then(|n| n.to_str())
                .expect("utf-8 file name");
            let _ = writeln!(
                out,
                "            ({stem:?}, include_str!({:?})),",
                file.display().to_string()
            );
        }
        out.push_str("        ],\n");
    }
    out.push_str("        _ => &[],\n    }\n}\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set")).join("named.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
