//! `cargo xtask test`: installs what is missing, then format and lint checks, host tests,
//! browser tests (wasm-bindgen-test in headless Chromium), the release build, end-to-end tests
//! against real MCP servers, and the release bundle's size.

use crate::install::{self, Browser};
use crate::proc::{cargo, run};
use crate::{root, size};

/// Which tests to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    All,
    Host,
    Browser,
    EndToEnd,
}

impl Part {
    pub fn parse(arg: Option<&str>) -> Result<Part, String> {
        match arg {
            None | Some("all") => Ok(Part::All),
            Some("host") => Ok(Part::Host),
            Some("browser") => Ok(Part::Browser),
            Some("e2e") => Ok(Part::EndToEnd),
            Some(other) => Err(format!(
                "unknown test part {other:?}: all, host, browser or e2e"
            )),
        }
    }

    fn includes(self, part: Part) -> bool {
        self == Part::All || self == part
    }
}

pub fn run_tests(args: &[String]) -> Result<(), String> {
    let part = Part::parse(args.first().map(String::as_str))?;
    install::build_tools()?;
    let browser = if part.includes(Part::Browser) || part.includes(Part::EndToEnd) {
        Some(install::browser_tools()?)
    } else {
        None
    };

    if part.includes(Part::Host) {
        host()?;
    }
    if let (true, Some(browser)) = (part.includes(Part::Browser), &browser) {
        in_browser(browser)?;
    }
    if let (true, Some(browser)) = (part.includes(Part::EndToEnd), &browser) {
        end_to_end(browser)?;
    }
    println!("xtask: all requested tests passed");
    Ok(())
}

fn host() -> Result<(), String> {
    run(
        "checking formatting (cargo fmt --check)",
        cargo().args(["fmt", "--all", "--check"]),
    )?;
    run(
        "linting host crates (clippy -D warnings)",
        cargo().args([
            "clippy",
            "--workspace",
            "--exclude",
            "mcp-desk",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "linting the app for wasm (clippy -D warnings)",
        cargo().args([
            "clippy",
            "--package",
            "mcp-desk",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "host tests",
        cargo().args([
            "test",
            "--workspace",
            "--exclude",
            "mcp-desk",
            "--exclude",
            "mcp-desk-e2e",
        ]),
    )
}

fn in_browser(browser: &Browser) -> Result<(), String> {
    run(
        "browser tests (wasm-bindgen-test in headless Chromium)",
        cargo()
            .args([
                "test",
                "--package",
                "mcp-desk",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env("CHROMEDRIVER", &browser.chromedriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
    )
}

fn end_to_end(browser: &Browser) -> Result<(), String> {
    crate::dist::build(crate::dist::RELATIVE)?;
    run(
        "end-to-end tests (the built page in Chromium against real MCP servers)",
        cargo()
            .args([
                "test",
                "--package",
                "mcp-desk-e2e",
                "--",
                "--test-threads=1",
            ])
            .env("MCP_DESK_DIST", root().join("dist"))
            .env("MCP_DESK_PEERS", root().join(".peers"))
            .env("CHROMEDRIVER", &browser.chromedriver)
            .env("CHROME", &browser.chrome),
    )?;
    let sizes = size::measure(&root().join("dist"))?;
    println!("\nrelease bundle (dist/):\n{}", size::table(&sizes));
    let verdict = size::check_ceiling(&sizes, size::CEILING_GZIP, size::GOAL_GZIP)?;
    println!("xtask: {verdict}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parts() {
        assert_eq!(Part::parse(None), Ok(Part::All));
        assert_eq!(Part::parse(Some("e2e")), Ok(Part::EndToEnd));
        assert!(Part::parse(Some("everything")).is_err());
        assert!(Part::All.includes(Part::Browser));
        assert!(!Part::Host.includes(Part::Browser));
    }
}
