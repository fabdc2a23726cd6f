//! `cargo xtask dev`, `test`, `dist` and `bench`: everything a fresh machine needs, in one command
//! each. Installs what is missing (and only that), builds, serves, tests.

mod bench;
mod client_metadata;
mod dev;
mod dist;
mod install;
mod offline;
mod proc;
mod serve;
mod size;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

/// The workspace root (this crate lives in `<root>/xtask`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

const USAGE: &str = "usage:
  cargo xtask dev [--port N]        install what is missing, build, start the demo server, serve the app
  cargo xtask test [all|host|browser|e2e]
                                    install what is missing and run the tests (default: all)
  cargo xtask dist [--base /path/]  build the release page into dist/ (works from any path; --base pins one)
  cargo xtask bench                 measure size and speed against reference clients (target/bench/latest.json)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run_dev(&args[1..]),
        Some("test") => test::run_tests(&args[1..]),
        Some("dist") => dist::run_dist(&args[1..]),
        Some("bench") => bench::run_bench(&args[1..]),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
