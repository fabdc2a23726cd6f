//! Load-to-ready timing for `cargo xtask bench`: cold loads of MCP Desk's built page and of a
//! reference page in headless Chromium (a fresh profile each time), each page served on
//! loopback. MCP Desk is timed to its `mcp-desk-ready` mark (the page takes input); both pages
//! to their first contentful paint. Prints one JSON line with the medians.
//!
//! Usage: load-bench OUR_DIST REFERENCE_DIST RUNS

use std::path::PathBuf;
use std::time::Duration;

use mcp_desk_testkit::browser::Browser;
use mcp_desk_testkit::static_site::StaticSite;
use serde_json::{Value, json};

const READY: &str =
    "const m = performance.getEntriesByName('mcp-desk-ready')[0]; return m ? m.startTime : null;";
const FCP: &str = "const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint'); return p ? p.startTime : null;";

async fn time_once(url: &str, script: &str) -> Result<f64, String> {
    let browser = Browser::launch().await?;
    browser.goto(url).await?;
    let mut value = Value::Null;
    for _ in 0..200 {
        value = browser.eval(script).await?;
        if value.is_number() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    browser.close().await;
    value
        .as_f64()
        .ok_or_else(|| format!("{url} never reached the mark ({script})"))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [ours, reference, runs] = &args[..] else {
        return Err("usage: load-bench OUR_DIST REFERENCE_DIST RUNS".into());
    };
    let runs: usize = runs.parse().map_err(|_| "RUNS must be a number")?;
    let ours_site = StaticSite::serve(&PathBuf::from(ours))
        .await
        .map_err(|e| e.to_string())?;
    let reference_site = StaticSite::serve(&PathBuf::from(reference))
        .await
        .map_err(|e| e.to_string())?;
    let (mut ready, mut ours_fcp, mut reference_fcp) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        ready.push(time_once(&ours_site.url(), READY).await?);
        ours_fcp.push(time_once(&ours_site.url(), FCP).await?);
        reference_fcp.push(time_once(&reference_site.url(), FCP).await?);
    }
    println!(
        "{}",
        json!({
            "runs": runs,
            "ours_ready_ms": median(ready),
            "ours_fcp_ms": median(ours_fcp),
            "reference_fcp_ms": median(reference_fcp),
        })
    );
    Ok(())
}
