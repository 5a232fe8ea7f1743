//! `dsim`: the command line.

fn main() {
    eprintln!("dsim: not built yet");
    std::process::exit(2);
}
