//! `cargo xtask dist [--base /some/path/] [--site https://host/path/]`: the release page in
//! `dist/`, with the bundle's size against its ceiling. By default the page names its parts
//! relative to itself (`./`), so the same folder works from any path — a project page at
//! `/<repo>/`, any static host, a USB stick; `--base` pins an absolute path instead. `--site`
//! names the HTTPS address it will be served at, so it serves its own Client ID Metadata
//! Document (`client-metadata.json`) for signing in.

use crate::proc::{command, run};
use crate::{install, root, size};

pub fn run_dist(args: &[String]) -> Result<(), String> {
    let site = args
        .iter()
        .position(|a| a == "--site")
        .map(|i| {
            args.get(i + 1)
                .cloned()
                .ok_or("--site needs the page's address, like https://host/path/")
        })
        .transpose()?;
    let document = site
        .as_deref()
        .map(crate::client_metadata::document)
        .transpose()?;
    let rest: Vec<String> = match args.iter().position(|a| a == "--site") {
        Some(i) => args[..i]
            .iter()
            .chain(args.iter().skip(i + 2))
            .cloned()
            .collect(),
        None => args.to_vec(),
    };
    let base = base_path(&rest)?;
    install::build_tools()?;
    build(&base)?;
    if let Some(document) = document {
        let path = root().join("dist").join(crate::client_metadata::FILE);
        std::fs::write(&path, document).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    let sizes = size::measure(&root().join("dist"))?;
    println!(
        "\nrelease bundle (dist/, served from {base}):\n{}",
        size::table(&sizes)
    );
    println!(
        "xtask: {}",
        size::check_ceiling(&sizes, size::CEILING_GZIP, size::GOAL_GZIP)?
    );
    Ok(())
}

/// Builds the release page into `dist/` for `base`, with the service worker that keeps it
/// working offline.
pub fn build(base: &str) -> Result<(), String> {
    run(
        &format!("building the release page for {base} (trunk build --release)"),
        command("trunk").args(["build", "--release", "--public-url", base]),
    )?;
    crate::offline::write_service_worker(&root().join("dist"))
}

/// Asset URLs relative to the page: it works from whatever path it is served at.
pub const RELATIVE: &str = "./";

/// The `--base` argument as a path that starts and ends with `/` (default [`RELATIVE`]).
fn base_path(args: &[String]) -> Result<String, String> {
    let Some(i) = args.iter().position(|a| a == "--base") else {
        return match args.first() {
            None => Ok(RELATIVE.into()),
            Some(other) => Err(format!("unknown argument {other:?}: dist [--base /path/]")),
        };
    };
    let given = args
        .get(i + 1)
        .ok_or("--base needs a path, like /mcp-desk/")?;
    normalise(given)
}

fn normalise(given: &str) -> Result<String, String> {
    if given == "." || given == RELATIVE {
        return Ok(RELATIVE.into());
    }
    if given.contains("://") || given.contains(['?', '#', ' ', '\\']) {
        return Err(format!(
            "--base is a path on the host, like /mcp-desk/, not {given:?}"
        ));
    }
    let trimmed = given.trim_matches('/');
    if trimmed.is_empty() {
        return Ok("/".into());
    }
    Ok(format!("/{trimmed}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_path_starts_and_ends_with_a_slash() {
        assert_eq!(normalise("mcp-desk").unwrap(), "/mcp-desk/");
        assert_eq!(normalise("/a/b").unwrap(), "/a/b/");
        assert_eq!(normalise("/").unwrap(), "/");
        assert!(normalise("https://x.github.io/y/").is_err());
        assert_eq!(base_path(&[]).unwrap(), "./");
        assert_eq!(normalise(".").unwrap(), "./");
        assert!(base_path(&["--base".into()]).is_err());
        assert!(base_path(&["--bsae".into()]).is_err());
    }
}
