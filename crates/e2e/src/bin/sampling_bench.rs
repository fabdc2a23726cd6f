//! The sampling round trip a client adds, for `cargo xtask bench`: the demo server times
//! `COUNT` sequential sampling requests (its `bench_sampling` tool) answered by MCP Desk in
//! headless Chromium (an auto-approve rule with the Mock provider) and by a reference client
//! on the official TypeScript SDK (Node) answering at once; then a burst of `BURST` requests at
//! once with no rule, which must all reach the queue (how long it took to show them, the
//! longest main-thread task, and what the server heard). Prints one JSON line.
//!
//! Usage: sampling-bench OUR_DIST REFERENCE_CLIENT_MJS COUNT

use std::path::Path;
use std::time::Duration;

use mcp_desk_e2e::page_work;
use serde_json::{Value, json};

async fn ours(dist: &Path, demo_url: &str, count: u64) -> Result<Value, String> {
    // 2025-11-25: the requests travel inside one tool call, as the reference client sees them.
    let page = mcp_desk_e2e::open_page_in(dist, demo_url, "mock", "&revision=2025-11-25").await;
    let b = &page.browser;
    let wait = Duration::from_secs(60);
    b.wait_for_testid("tool-item", wait).await?;
    b.set_value("rule-mode", "auto-completion").await?;
    b.click("rule-save").await?;
    b.wait_for_text("rule-message", "Saved the rule", wait)
        .await?;
    b.eval(page_work::WATCH_SCRIPT).await?;
    page.call_tool("bench_sampling", &json!({"count": count}))
        .await;
    b.wait_for_text("tool-result", "p50_ms", Duration::from_secs(600))
        .await?;
    let text = b.text_of("tool-result").await?;
    let split = page_work::split(&b.eval(page_work::READ_SCRIPT).await?);
    page.close().await;
    let mut timed: Value = serde_json::from_str(&text)
        .map_err(|e| format!("MCP Desk's bench result is not JSON ({e}): {text}"))?;
    timed["page_p50_ms"] = json!(page_work::percentile(&split.page, 0.5));
    timed["page_p95_ms"] = json!(page_work::percentile(&split.page, 0.95));
    timed["network_p50_ms"] = json!(page_work::percentile(&split.network, 0.5));
    timed["answers_timed"] = json!(split.page.len());
    Ok(timed)
}

/// Requests in the burst.
const BURST: u64 = 100;

async fn burst(dist: &Path, demo_url: &str) -> Result<Value, String> {
    let page = mcp_desk_e2e::open_page_in(dist, demo_url, "mock", "&revision=2025-11-25").await;
    let outcome = mcp_desk_e2e::burst(&page, BURST).await;
    page.close().await;
    let outcome = outcome?;
    Ok(json!({
        "count": BURST,
        "queued_ms": outcome.queued_ms,
        "longest_task_ms": outcome.longest_task_ms,
        "server": outcome.server,
    }))
}

async fn reference(demo_url: &str, script: &str, count: u64) -> Result<Value, String> {
    let output = tokio::process::Command::new("node")
        .arg(script)
        .arg(demo_url)
        .arg(count.to_string())
        .output()
        .await
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the reference client failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim())
        .map_err(|e| format!("the reference's result is not JSON ({e}): {text}"))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dist, script, count] = &args[..] else {
        return Err("usage: sampling-bench OUR_DIST REFERENCE_CLIENT_MJS COUNT".into());
    };
    let count: u64 = count.parse().map_err(|_| "COUNT must be a number")?;
    let demo = mcp_desk_e2e::start_demo().await;
    let ours = ours(Path::new(dist), &demo.url(), count).await?;
    let reference = reference(&demo.url(), script, count).await?;
    let burst = burst(Path::new(dist), &demo.url()).await?;
    println!(
        "{}",
        json!({"count": count, "ours": ours, "reference": reference, "burst": burst})
    );
    Ok(())
}
