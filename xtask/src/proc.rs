//! Running child processes: the environment every tool gets, and readable failures.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::root;

/// The project-local `wasm-opt` (npm `binaryen`), first on every child's `PATH`.
pub fn tools_bin() -> PathBuf {
    root().join(".tools/binaryen/node_modules/.bin")
}

/// `PATH` with the project's tools and cargo's bin folder in front.
pub fn path_env() -> OsString {
    let mut dirs = vec![tools_bin()];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap_or_default()
}

/// A command in the workspace root with the project's environment.
pub fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root())
        .env("PATH", path_env())
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

/// `cargo` as invoked by `cargo xtask`.
pub fn cargo() -> Command {
    command(&std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Runs a command to completion, its output shown; fails naming the step.
pub fn run(step: &str, cmd: &mut Command) -> Result<(), String> {
    println!("xtask: {step}");
    let status = cmd
        .status()
        .map_err(|e| format!("{step}: cannot start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

/// The first line a command prints, or `None` if it cannot run or fails.
pub fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let output = command(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .map(str::to_owned)
}
