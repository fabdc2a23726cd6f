//! The sampling round trip a client adds, for `cargo xtask bench`: the demo server times
//! `COUNT` sequential sampling requests (its `bench_sampling` tool) answered by MCP Desk in
//! headless Chromium (an auto-approve rule with the Mock provider) and by a client on the
//! official TypeScript SDK answering at once: bundled into a page in the same headless Chromium
//! (the reference), then in Node; then a burst of `BURST` requests at once with no rule, which
//! must all reach the queue (how long it took to show them, the longest main-thread task, and
//! what the server heard). Prints one JSON line.
//!
//! Usage: sampling-bench OUR_DIST REFERENCE_PAGE_DIR REFERENCE_CLIENT_MJS COUNT, where
//! `REFERENCE_PAGE_DIR` holds `browser_reference.html` and its bundle `browser_reference.js`.

use std::path::Path;
use std::time::Duration;

use mcp_desk_e2e::page_work;
use mcp_desk_testkit::browser::Browser;
use mcp_desk_testkit::static_site::StaticSite;
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

/// The TypeScript SDK's client bundled into `dir/browser_reference.html`, in headless Chromium:
/// the demo's timing of its answers.
async fn browser_reference(dir: &Path, demo_url: &str, count: u64) -> Result<Value, String> {
    let site = StaticSite::serve(dir)
        .await
        .map_err(|e| format!("cannot serve {}: {e}", dir.display()))?;
    let browser = Browser::launch().await?;
    let url = format!(
        "{}browser_reference.html#url={}&count={count}",
        site.url(),
        mcp_desk_e2e::percent_encode(demo_url)
    );
    let outcome = page_outcome(&browser, &url, Duration::from_secs(600)).await;
    browser.close().await;
    let text = outcome?;
    serde_json::from_str(&text)
        .map_err(|e| format!("the reference page's result is not JSON ({e}): {text}"))
}

/// Which outcome the reference page marked (`reference-result` or `-error`), and its text.
const READ_OUTCOME: &str = r#"const done = document.querySelector('[data-testid^="reference-"]');
    return done ? [done.dataset.testid, done.textContent] : null;"#;

/// Opens `url` and waits for `reference-result` (its text) or `reference-error` (an error).
async fn page_outcome(browser: &Browser, url: &str, timeout: Duration) -> Result<String, String> {
    browser.goto(url).await?;
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let shown = browser.eval(READ_OUTCOME).await?;
        let part = |i: usize| shown.get(i).and_then(Value::as_str);
        match (part(0), part(1)) {
            (Some("reference-result"), Some(text)) => return Ok(text.to_owned()),
            (Some("reference-error"), Some(text)) => {
                return Err(format!("the reference page failed: {text}"));
            }
            _ => {}
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(format!(
                "the reference page showed no result in {timeout:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The same client in Node (`script`, placed next to its SDK): the demo's timing.
async fn node_reference(demo_url: &str, script: &str, count: u64) -> Result<Value, String> {
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
    let [dist, reference_page, script, count] = &args[..] else {
        return Err(
            "usage: sampling-bench OUR_DIST REFERENCE_PAGE_DIR REFERENCE_CLIENT_MJS COUNT".into(),
        );
    };
    let count: u64 = count.parse().map_err(|_| "COUNT must be a number")?;
    let demo = mcp_desk_e2e::start_demo().await;
    let ours = ours(Path::new(dist), &demo.url(), count).await?;
    let in_chromium = browser_reference(Path::new(reference_page), &demo.url(), count).await?;
    let in_node = node_reference(&demo.url(), script, count).await?;
    let burst = burst(Path::new(dist), &demo.url()).await?;
    println!(
        "{}",
        json!({
            "count": count,
            "ours": ours,
            "reference_chromium": in_chromium,
            "reference_node": in_node,
            "burst": burst,
        })
    );
    Ok(())
}
