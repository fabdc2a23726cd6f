//! `cargo xtask bench`: measures MCP Desk against what a user would pick instead, in the same
//! run, and prints ratios (absolute numbers on shared machines are noise); writes the numbers
//! to `target/bench/latest.json`.
//!
//! Rows: bytes on first visit (against the MCP Inspector's web client from npm) with what
//! each crate costs; load to ready in headless Chromium (against the Inspector's first paint);
//! the sampling round trip MCP Desk adds (against a client on the official TypeScript SDK in the
//! same headless Chromium, and the same client in Node), and a burst of 100 requests at once
//! (all queued, none lost, the longest main-thread task); decode throughput (against
//! `serde_json`).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::proc::{cargo, command, first_line, run};
use crate::size::{self, FileSize};
use crate::{install, root};

/// Cold loads timed per page.
const LOAD_RUNS: usize = 10;
/// Sequential sampling requests timed per client.
const ROUND_TRIPS: usize = 200;
/// The width of the table's first column: the longest measure's name.
const MEASURE: usize = 53;

/// Runs one of the e2e crate's bench binaries (release) and returns the JSON line it prints.
fn json_from_bin(
    step: &str,
    bin: &str,
    args: &[String],
    browser: &install::Browser,
) -> Result<Value, String> {
    println!("xtask: {step}");
    let output = cargo()
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "mcp-desk-e2e",
            "--bin",
            bin,
            "--",
        ])
        .args(args)
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("CHROME", &browser.chrome)
        .env("MCP_DESK_PEERS", root().join(".peers"))
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_default()
        .to_owned();
    if !output.status.success() || line.is_empty() {
        return Err(format!(
            "{bin} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_str(&line).map_err(|e| format!("{bin} printed no JSON ({e}): {line}"))
}

/// The number at a JSON pointer, e.g. `/ours/p50_ms` (NaN when absent).
fn num(value: &Value, pointer: &str) -> f64 {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN)
}

/// The reference client: the official MCP Inspector's web build.
const INSPECTOR: &str = "@modelcontextprotocol/inspector@2.12.0";

pub fn run_bench(_args: &[String]) -> Result<(), String> {
    install::build_tools()?;
    crate::dist::build(crate::dist::RELATIVE)?;
    let ours = size::measure(&root().join("dist"))?;
    let inspector_dist = inspector_dist()?;
    let theirs = first_visit(&inspector_dist)?;
    let decode = decode_throughput()?;
    let costs = crate_costs();
    let browser = install::browser_tools()?;
    let load = json_from_bin(
        "timing cold loads in headless Chromium",
        "load_bench",
        &[
            root().join("dist").display().to_string(),
            inspector_dist.display().to_string(),
            LOAD_RUNS.to_string(),
        ],
        &browser,
    )?;
    let script = root().join(".peers/reference_client.mjs");
    std::fs::copy(
        root().join("crates/e2e/bench/reference_client.mjs"),
        &script,
    )
    .map_err(|e| format!("cannot place the reference client next to its SDK: {e}"))?;
    let reference_page = browser_reference_page()?;
    let round_trip = json_from_bin(
        "timing sampling round trips (MCP Desk, then the TypeScript SDK in Chromium and in Node)",
        "sampling_bench",
        &[
            root().join("dist").display().to_string(),
            reference_page.display().to_string(),
            script.display().to_string(),
            ROUND_TRIPS.to_string(),
        ],
        &browser,
    )?;

    let total = |files: &[FileSize], f: fn(&FileSize) -> u64| files.iter().map(f).sum::<u64>();
    let (our_gzip, their_gzip) = (total(&ours, |f| f.gzip), total(&theirs, |f| f.gzip));
    let (our_brotli, their_brotli) = (total(&ours, |f| f.brotli), total(&theirs, |f| f.brotli));

    println!(
        "\nMCP Desk vs references, measured in this run (ratio < 1 means MCP Desk is smaller/faster… except for throughput, where > 1 is faster)\n"
    );
    println!(
        "{:<MEASURE$} {:>14} {:>14} {:>8}",
        "measure", "MCP Desk", "reference", "ratio"
    );
    println!(
        "{:<MEASURE$} {:>14} {:>14} {:>8.2}   (reference: MCP Inspector {}; budget 250 KB)",
        "first visit, gzip",
        kb(our_gzip),
        kb(their_gzip),
        ratio(our_gzip as f64, their_gzip as f64),
        INSPECTOR.rsplit('@').next().unwrap_or_default()
    );
    println!(
        "{:<MEASURE$} {:>14} {:>14} {:>8.2}",
        "first visit, brotli",
        kb(our_brotli),
        kb(their_brotli),
        ratio(our_brotli as f64, their_brotli as f64)
    );
    println!(
        "{:<MEASURE$} {:>11.0} MB/s {:>9.0} MB/s {:>8.2}   (reference: serde_json on the cut-out payloads; goal ≥ 0.5)",
        "decode: SSE + JSON-RPC, 10 MB", decode.ours_mb_s, decode.serde_json_mb_s, decode.ratio
    );
    println!(
        "{:<MEASURE$} {:>11.0} ms {:>11.0} ms {:>8.2}   (median of {LOAD_RUNS} cold loads: our ready mark vs the Inspector's first paint; our first paint {:.0} ms)",
        "load to ready",
        num(&load, "/ours_ready_ms"),
        num(&load, "/reference_fcp_ms"),
        ratio(
            num(&load, "/ours_ready_ms"),
            num(&load, "/reference_fcp_ms")
        ),
        num(&load, "/ours_fcp_ms")
    );
    let rt = |pointer: &str| num(&round_trip, pointer);
    round_trip_rows(
        &round_trip,
        "Chromium",
        "reference_chromium",
        "bundled into a page in the same headless Chromium; goal ≤ 1.2",
    );
    round_trip_rows(
        &round_trip,
        "Node",
        "reference_node",
        "the same client in Node",
    );
    println!(
        "{:<MEASURE$} {:>11.2} ms {:>14} {:>8}   (p95 {:.2} ms; from reading a request to the fetch of its answer, over {} answers; the browser carried each answer out and the next request in in {:.2} ms, p50)",
        "  of which the page's own work, p50",
        rt("/ours/page_p50_ms"),
        "—",
        "—",
        rt("/ours/page_p95_ms"),
        rt("/ours/answers_timed"),
        rt("/ours/network_p50_ms"),
    );
    let count = rt("/burst/count");
    let heard = rt("/burst/server/refused") + rt("/burst/server/answered");
    println!(
        "{:<MEASURE$} {:>11.0} ms {:>14} {:>8}   (no rule: all shown in the queue, then each rejected with Esc; longest main-thread task {:.0} ms; the server heard {heard} of {count}, {} lost)",
        format!("{count} requests at once, to queued"),
        rt("/burst/queued_ms"),
        "—",
        "—",
        rt("/burst/longest_task_ms"),
        count - heard,
    );
    println!("\nour files:\n{}", size::table(&ours));
    println!("what each crate costs in the wasm (code bytes before wasm-opt):");
    match &costs {
        Ok(rows) => {
            for (name, bytes, share) in rows.iter().take(15) {
                println!("  {name:<28} {:>10} {share:>5.1}%", kb(*bytes));
            }
        }
        Err(e) => println!("  not available: {e}"),
    }

    let files = |fs: &[FileSize]| {
        fs.iter()
            .map(|f| json!({"path": f.path, "raw": f.raw, "gzip": f.gzip, "brotli": f.brotli}))
            .collect::<Vec<_>>()
    };
    let costs: serde_json::Map<String, Value> = costs
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|(name, bytes, _)| (name.clone(), json!(bytes)))
        .collect();
    let json = json!({
        "first_visit": {"ours": files(&ours), "inspector": files(&theirs)},
        "decode": {"ours_mb_s": decode.ours_mb_s, "serde_json_mb_s": decode.serde_json_mb_s, "ratio": decode.ratio},
        "crate_costs": costs,
        "load_to_ready": load,
        "sampling_round_trip": round_trip,
    })
    .to_string();
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    std::fs::write(out.join("latest.json"), json).map_err(|e| e.to_string())?;
    println!("\nwrote target/bench/latest.json");
    Ok(())
}

/// `a / b`, or NaN when `b` is not positive.
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// The p50 and p95 rows of the sampling round trip against the reference client under `key`.
fn round_trip_rows(round_trip: &Value, runtime: &str, key: &str, note: &str) {
    for q in ["p50", "p95"] {
        let ours = num(round_trip, &format!("/ours/{q}_ms"));
        let theirs = num(round_trip, &format!("/{key}/{q}_ms"));
        let note = if q == "p50" {
            format!(
                "   (p50 of {ROUND_TRIPS} sequential requests, auto-approved with the Mock vs the TypeScript SDK answering at once, {note})"
            )
        } else {
            String::new()
        };
        println!(
            "{:<MEASURE$} {ours:>11.2} ms {theirs:>11.2} ms {:>8.2}{note}",
            format!("sampling round trip, {q} (TypeScript SDK in {runtime})"),
            ratio(ours, theirs)
        );
    }
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The Inspector's web dist, fetched from npm (the package only, not its dependencies).
fn inspector_dist() -> Result<PathBuf, String> {
    let dir = root().join(".tools/inspector");
    let dist = dir.join("package/clients/web/dist");
    if dist.join("index.html").is_file() {
        return Ok(dist);
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    run(
        &format!("fetching {INSPECTOR} from npm (the reference bundle)"),
        command("npm")
            .args(["pack", INSPECTOR, "--silent", "--pack-destination"])
            .arg(&dir),
    )?;
    let tarball = std::fs::read_dir(&dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .ok_or("npm pack wrote no tarball")?;
    run(
        "unpacking the Inspector",
        command("tar").arg("xzf").arg(&tarball).arg("-C").arg(&dir),
    )?;
    Ok(dist)
}

/// The round trip's reference page in `target/bench/browser-reference`:
/// `crates/e2e/bench/browser_reference.mjs` bundled with the TypeScript SDK from `.peers` by
/// esbuild (also from `.peers`), beside `browser_reference.html`.
fn browser_reference_page() -> Result<PathBuf, String> {
    let sources = root().join("crates/e2e/bench");
    let out = root().join("target/bench/browser-reference");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let peers = root().join(".peers/node_modules");
    let bundle = out.join("browser_reference.js");
    run(
        "bundling the TypeScript SDK client into the reference page (esbuild)",
        command(&peers.join(".bin/esbuild").display().to_string())
            .arg(sources.join("browser_reference.mjs"))
            .args([
                "--bundle",
                "--format=esm",
                "--platform=browser",
                "--log-level=warning",
            ])
            .arg(format!("--outfile={}", bundle.display()))
            // The entry is outside `.peers`: esbuild looks for its imports in NODE_PATH too.
            .env("NODE_PATH", &peers),
    )?;
    std::fs::copy(
        sources.join("browser_reference.html"),
        out.join("browser_reference.html"),
    )
    .map_err(|e| format!("cannot copy the reference page: {e}"))?;
    Ok(out)
}

/// `index.html` and the local files it loads (lazy chunks are not part of a first visit).
pub fn first_visit(dist: &Path) -> Result<Vec<FileSize>, String> {
    let html = std::fs::read_to_string(dist.join("index.html")).map_err(|e| e.to_string())?;
    let mut files = vec![dist.join("index.html")];
    for local in referenced_paths(&html) {
        let path = dist.join(local.trim_start_matches('/'));
        if path.is_file() && !files.contains(&path) {
            files.push(path);
        }
    }
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(FileSize {
                path: path
                    .strip_prefix(dist)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
                raw: bytes.len() as u64,
                gzip: size::gzip_len(&bytes),
                brotli: size::brotli_len(&bytes),
            })
        })
        .collect()
}

/// The values of `src="…"` and `href="…"` that name files of the same site.
pub fn referenced_paths(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let value = &rest[..end];
            if !value.contains("://") && !value.starts_with("data:") && !value.starts_with('#') {
                out.push(value.to_owned());
            }
            rest = &rest[end..];
        }
    }
    out
}

#[derive(Debug, Default)]
struct Decode {
    ours_mb_s: f64,
    serde_json_mb_s: f64,
    ratio: f64,
}

fn decode_throughput() -> Result<Decode, String> {
    println!("xtask: measuring decode throughput (release build of the protocol crate)");
    let output = cargo()
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "mcp-desk-protocol",
            "--example",
            "decode_bench",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "decode_bench failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let line: Value = serde_json::from_str(line.trim())
        .map_err(|e| format!("decode_bench printed no JSON ({e}): {line}"))?;
    Ok(Decode {
        ours_mb_s: num(&line, "/ours_mb_s"),
        serde_json_mb_s: num(&line, "/serde_json_mb_s"),
        ratio: num(&line, "/ratio"),
    })
}

/// Code bytes per crate in the release wasm (before wasm-opt, which keeps the proportions),
/// from `twiggy` (installed from crates.io when missing).
fn crate_costs() -> Result<Vec<(String, u64, f64)>, String> {
    if first_line("twiggy", &["--version"]).is_none() {
        run(
            "installing twiggy",
            cargo().args(["install", "--locked", "twiggy"]),
        )?;
    }
    let wasm = root().join("target/wasm32-unknown-unknown/release/mcp-desk.wasm");
    let output = command("twiggy")
        .args(["top", "-n", "1000000", "--format", "csv"])
        .arg(&wasm)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(costs_from_twiggy_csv(&String::from_utf8_lossy(
        &output.stdout,
    )))
}

/// Sums twiggy's rows by the first crate path in each item's name (`tachys::…`, `<F as
/// serde_json::…>`), leaving out the sections wasm-bindgen strips.
pub fn costs_from_twiggy_csv(csv: &str) -> Vec<(String, u64, f64)> {
    let mut totals: std::collections::BTreeMap<String, u64> = Default::default();
    for line in csv.lines().skip(1) {
        let Some((name, rest)) = line.rsplit_once("\",").or_else(|| line.split_once(',')) else {
            continue;
        };
        let name = name.trim_start_matches('"');
        let Some(size) = rest
            .split(',')
            .next()
            .and_then(|s| s.trim().parse::<u64>().ok())
        else {
            continue;
        };
        if name.contains("function names")
            || name.contains("__wasm_bindgen")
            || name.contains("__wbindgen_describe")
        {
            continue;
        }
        totals
            .entry(crate_of(name))
            .and_modify(|t| *t += size)
            .or_insert(size);
    }
    let all: u64 = totals.values().sum();
    let mut rows: Vec<(String, u64, f64)> = totals
        .into_iter()
        .map(|(k, v)| (k, v, v as f64 * 100.0 / all.max(1) as f64))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    rows
}

fn crate_of(name: &str) -> String {
    if name.starts_with("data segment") {
        return "(static data)".into();
    }
    let bytes = name.as_bytes();
    for (i, w) in name.match_indices("::") {
        let _ = w;
        let start = name[..i]
            .rfind(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .map_or(0, |s| s + 1);
        let word = &name[start..i];
        if !word.is_empty() && bytes[start].is_ascii_lowercase() {
            return word.to_owned();
        }
    }
    "(other)".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_files_a_page_loads_and_skips_other_sites() {
        let html = r#"<link rel="stylesheet" href="/assets/index.css"><script type="module" src="/assets/index.js"></script>
            <link href="https://fonts.googleapis.com/css2"><link rel="icon" href="data:,">"#;
        assert_eq!(
            referenced_paths(html),
            ["/assets/index.js", "/assets/index.css"]
        );
    }

    #[test]
    fn attributes_code_to_crates() {
        assert_eq!(crate_of("tachys::view::Render::build::h12"), "tachys");
        assert_eq!(
            crate_of("<F as tachys::html::event::EventCallback<E>>::invoke::h6"),
            "tachys"
        );
        assert_eq!(crate_of("<&T as core::fmt::Debug>::fmt::h1"), "core");
        assert_eq!(crate_of("data segment \".rodata\""), "(static data)");
        let csv = "Name,ShallowSize,ShallowSizePercent\n\"tachys::a::h1\",100,1.0\n\"serde_json::b::h2\",50,0.5\n\"\"function names\" subsection\",900,9.0\n";
        let rows = costs_from_twiggy_csv(csv);
        assert_eq!(rows[0].0, "tachys");
        assert_eq!(rows.iter().map(|r| r.1).sum::<u64>(), 150);
    }

    #[test]
    fn reads_numbers_from_the_bench_lines() {
        let line: Value = serde_json::from_str(r#"{"count":200,"ours":{"count":200,"p50_ms":14.5,"p95_ms":27.3},"burst":{"server":{"refused":100}}}"#).unwrap();
        assert_eq!(num(&line, "/ours/p50_ms"), 14.5);
        assert_eq!(num(&line, "/burst/server/refused"), 100.0);
        assert!(num(&line, "/missing").is_nan());
    }
}
