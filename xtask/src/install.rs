//! Installs what a step needs and is missing, and nothing else: the wasm target, Trunk, the
//! wasm-bindgen CLI the lockfile pins, wasm-opt (npm `binaryen`, project-local), Chromium with its
//! driver, and the npm peers the end-to-end tests run against (project-local).

use std::path::{Path, PathBuf};

use crate::proc::{cargo, command, first_line, run, tools_bin};
use crate::root;

/// Trunk's version: 0.22 needs a newer rustc than this project's toolchain.
const TRUNK_VERSION: &str = "0.21.14";
/// The binaryen release whose `wasm-opt` Trunk.toml names (`version_132`).
const BINARYEN_VERSION: &str = "132.0.0";
/// The third-party MCP servers the end-to-end tests use, installed into `.peers`.
/// The TypeScript SDK is pinned too: the benchmark's reference client is written with it; and
/// esbuild, which bundles that client into the benchmark's reference page.
/// `xtask/peers/package.json` names the same versions, and its `package-lock.json` pins every
/// dependency, so `npm ci` installs the same tree on every machine.
const NPM_PEERS: &[&str] = &[
    "@modelcontextprotocol/server-everything@2026.8.31",
    "@modelcontextprotocol/sdk@1.32.2",
    "esbuild@0.28.2",
    "supergateway@4.0.0",
];
/// The official Python SDK (it speaks 2026-07-28 and 2025-11-25) and its web server, pinned,
/// installed into the virtual environment `.peers/venv`; their dependencies are pinned by
/// `xtask/python-peers.txt`.
const PYTHON_PEERS: &[(&str, &str)] = &[("mcp", "2.3.0"), ("uvicorn", "0.54.0")];

/// Everything `trunk build` needs.
pub fn build_tools() -> Result<(), String> {
    wasm_target()?;
    wasm_bindgen_cli()?;
    trunk()?;
    wasm_opt()?;
    run("fetching crates", cargo().arg("fetch"))
}

/// Everything the browser and end-to-end tests need besides the build tools.
pub fn browser_tools() -> Result<Browser, String> {
    let browser = chromium()?;
    npm_peers()?;
    python_peers()?;
    Ok(browser)
}

fn wasm_target() -> Result<(), String> {
    let installed = first_line("rustup", &["target", "list", "--installed"]).is_some()
        && command("rustup")
            .args(["target", "list", "--installed"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
            .unwrap_or(false);
    if installed {
        return Ok(());
    }
    run(
        "installing the wasm32-unknown-unknown target",
        command("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
    )
}

fn trunk() -> Result<(), String> {
    let have = first_line("trunk", &["--version"]);
    if have.as_deref().is_some_and(|v| v.ends_with(TRUNK_VERSION)) {
        return Ok(());
    }
    run(
        &format!("installing trunk {TRUNK_VERSION} (takes a few minutes once)"),
        cargo().args(["install", "--locked", &format!("trunk@{TRUNK_VERSION}")]),
    )
}

fn wasm_bindgen_cli() -> Result<(), String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let wanted =
        locked_version(&lock, "wasm-bindgen").ok_or("Cargo.lock has no wasm-bindgen entry")?;
    let trunk_toml = std::fs::read_to_string(root().join("Trunk.toml"))
        .map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wanted}\"")) {
        return Err(format!(
            "Trunk.toml's [tools] wasm_bindgen must match Cargo.lock's wasm-bindgen {wanted}"
        ));
    }
    let have = first_line("wasm-bindgen", &["--version"]);
    if have.as_deref().is_some_and(|v| v.ends_with(&wanted)) {
        return Ok(());
    }
    // No `--locked`: the CLI's own lockfile pins a crate the index no longer has.
    run(
        &format!("installing wasm-bindgen-cli {wanted} (the version Cargo.lock pins)"),
        cargo().args([
            "install",
            "--force",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
        ]),
    )
}

/// The version of `package` in a Cargo.lock.
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines.next()?.trim();
            return version
                .strip_prefix("version = \"")?
                .strip_suffix('"')
                .map(str::to_owned);
        }
    }
    None
}

fn wasm_opt() -> Result<(), String> {
    let have = first_line(
        tools_bin().join("wasm-opt").to_str().unwrap_or("wasm-opt"),
        &["--version"],
    );
    if have.as_deref().is_some_and(|v| v.contains("version 132")) {
        return Ok(());
    }
    node_and_npm()?;
    let prefix = root().join(".tools/binaryen");
    run(
        &format!("installing wasm-opt (npm binaryen@{BINARYEN_VERSION}) into .tools/binaryen"),
        command("npm").args(npm_install_args(
            &prefix,
            &[&format!("binaryen@{BINARYEN_VERSION}")],
        )),
    )
}

fn npm_peers() -> Result<(), String> {
    let prefix = root().join(".peers");
    let missing: Vec<&str> = NPM_PEERS
        .iter()
        .copied()
        .filter(|spec| !npm_package_installed(&prefix, spec))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    node_and_npm()?;
    std::fs::create_dir_all(&prefix).map_err(|e| format!("cannot create .peers: {e}"))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(root().join("xtask/peers").join(file), prefix.join(file))
            .map_err(|e| format!("cannot copy xtask/peers/{file} into .peers: {e}"))?;
    }
    run(
        "installing the npm MCP servers the tests run against into .peers (npm ci)",
        command("npm").args([
            "ci",
            "--prefix",
            &prefix.display().to_string(),
            "--no-audit",
            "--no-fund",
        ]),
    )
}

fn python_peers() -> Result<(), String> {
    let venv = root().join(".peers/venv");
    let python = venv.join("bin/python");
    let wanted: Vec<String> = PYTHON_PEERS
        .iter()
        .map(|(n, v)| format!("{n}=={v}"))
        .collect();
    let probe = format!(
        "import importlib.metadata as m; print(' '.join(f'{{n}}=={{m.version(n)}}' for n in {:?}))",
        PYTHON_PEERS.iter().map(|(n, _)| *n).collect::<Vec<_>>()
    );
    let python_path = python.display().to_string();
    if first_line(&python_path, &["-c", &probe]).as_deref() == Some(wanted.join(" ").as_str()) {
        return Ok(());
    }
    if !python.is_file() {
        if first_line("python3", &["--version"]).is_none() {
            apt_install(&["python3", "python3-venv"])?;
        }
        let venv_path = venv.display().to_string();
        if run(
            "creating the Python environment .peers/venv",
            command("python3").args(["-m", "venv", &venv_path]),
        )
        .is_err()
        {
            // Debian keeps `venv` in a package of its own.
            apt_install(&["python3-venv"])?;
            run(
                "creating the Python environment .peers/venv",
                command("python3").args(["-m", "venv", &venv_path]),
            )?;
        }
    }
    run(
        "installing the official Python MCP SDK into .peers/venv",
        command(&python_path)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--constraint",
            ])
            .arg(root().join("xtask/python-peers.txt"))
            .args(&wanted),
    )
}

fn npm_install_args(prefix: &Path, specs: &[&str]) -> Vec<String> {
    let mut args = vec![
        "install".to_owned(),
        "--prefix".to_owned(),
        prefix.display().to_string(),
        "--no-audit".to_owned(),
        "--no-fund".to_owned(),
        "--no-save".to_owned(),
    ];
    args.extend(specs.iter().map(|s| s.to_string()));
    args
}

/// Whether `<prefix>/node_modules/<name>` holds the version `spec` (`name@version`) names.
fn npm_package_installed(prefix: &Path, spec: &str) -> bool {
    let Some((name, version)) = split_npm_spec(spec) else {
        return false;
    };
    let manifest = prefix.join("node_modules").join(name).join("package.json");
    std::fs::read_to_string(manifest)
        .map(|text| text.contains(&format!("\"version\": \"{version}\"")))
        .unwrap_or(false)
}

/// `@scope/name@1.2.3` → (`@scope/name`, `1.2.3`).
pub fn split_npm_spec(spec: &str) -> Option<(&str, &str)> {
    let at = spec.rfind('@').filter(|&i| i > 0)?;
    Some((&spec[..at], &spec[at + 1..]))
}

fn node_and_npm() -> Result<(), String> {
    if first_line("npm", &["--version"]).is_some() && first_line("node", &["--version"]).is_some() {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

/// Where Chromium and its WebDriver live.
pub struct Browser {
    pub chrome: PathBuf,
    pub chromedriver: PathBuf,
}

fn chromium() -> Result<Browser, String> {
    if let Some(found) = find_browser() {
        return Ok(found);
    }
    apt_install(&["chromium", "chromium-driver"])?;
    find_browser().ok_or_else(|| "Chromium or chromedriver still missing after apt-get".into())
}

fn find_browser() -> Option<Browser> {
    let chrome = env_path("CHROME").or_else(|| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .find_map(|p| on_path(p))
    })?;
    let chromedriver = env_path("CHROMEDRIVER").or_else(|| on_path("chromedriver"))?;
    Some(Browser {
        chrome,
        chromedriver,
    })
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_file())
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&crate::proc::path_env())
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    let as_root = first_line("id", &["-u"]).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut cmd = if as_root {
            command("apt-get")
        } else {
            command("sudo")
        };
        if !as_root {
            cmd.args(["-E", "apt-get"]);
        }
        cmd.args(args);
        cmd
    };
    run("apt-get update", &mut apt(&["update", "-q"]))?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend_from_slice(packages);
    run(
        &format!("installing {}", packages.join(" ")),
        &mut apt(&install),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_locked_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "trunk"), None);
    }

    #[test]
    fn splits_scoped_npm_specs() {
        assert_eq!(
            split_npm_spec("@modelcontextprotocol/server-everything@2026.8.31"),
            Some(("@modelcontextprotocol/server-everything", "2026.8.31"))
        );
        assert_eq!(
            split_npm_spec("binaryen@132.0.0"),
            Some(("binaryen", "132.0.0"))
        );
        assert_eq!(split_npm_spec("@scope/unversioned"), None);
    }

    #[test]
    fn the_locked_npm_peers_are_the_pinned_ones() {
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("../peers/package.json"))
                .expect("xtask/peers/package.json is JSON");
        let lock: serde_json::Value =
            serde_json::from_str(include_str!("../peers/package-lock.json"))
                .expect("xtask/peers/package-lock.json is JSON");
        for spec in NPM_PEERS {
            let (name, version) = split_npm_spec(spec).unwrap();
            assert_eq!(
                manifest["dependencies"][name], version,
                "{name} in package.json"
            );
            assert_eq!(
                lock["packages"][format!("node_modules/{name}")]["version"],
                version,
                "{name} in package-lock.json"
            );
        }
        let named = manifest["dependencies"].as_object().unwrap().len();
        assert_eq!(
            named,
            NPM_PEERS.len(),
            "package.json names only the pinned peers"
        );
    }
}
