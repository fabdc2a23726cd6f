//! The 2025-11-25 paths a long session meets, in Chromium against real servers: a dropped
//! stream resumed without losing the pending sampling request, progress on a long call up to
//! its total, a person cancelling a call (heard by the server), and server logging at the
//! level the person picked.

use std::time::Duration;

use mcp_desk_e2e::{open_page_at, start_demo};
use mcp_desk_testkit::fault_proxy::{Fault, FaultProxy};
use mcp_desk_testkit::peers::{EverythingMode, ServerEverything};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_stream_resumes_and_the_pending_sampling_request_completes() {
    let demo = start_demo().await;
    let proxy = FaultProxy::start(demo.url()).await.unwrap();
    let page = open_page_at(
        &proxy.url(Fault::DropStreamAfterFirstMessage),
        "mock",
        Some("2025-11-25"),
    )
    .await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    page.call_tool("create_blog_post", &serde_json::json!({"title": "Tides", "draft": "The sea comes back twice a day. Pools refill."}),
    )
    .await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    // The proxy cut the call's stream right after the sampling request; the page resumes it.
    b.wait_for_text("log-list", "resuming after event", WAIT)
        .await
        .unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "Mock summary:", WAIT)
        .await
        .unwrap();
    b.click("sampling-approve").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.contains("> Abstract: Mock summary: The sea comes back twice a day.\n"),
        "{result}"
    );
    page.close().await;
}

/// Records every value and maximum the progress bar shows, as the page draws them.
const WATCH_PROGRESS: &str = r#"
    window.__progress = [];
    new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="tool-progress"]');
        if (bar) window.__progress.push([bar.getAttribute('value'), bar.getAttribute('max')]);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'max'] });
    return true;"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_call_shows_its_progress_rising_to_the_total() {
    let everything = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page_at(&everything.url(), "mock", None).await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    b.eval(WATCH_PROGRESS).await.unwrap();
    page.call_tool(
        "trigger-long-running-operation",
        &serde_json::json!({"duration": 3, "steps": 3}),
    )
    .await;
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.starts_with("Long running operation completed. Duration: 3 seconds, Steps: 3."),
        "{result}"
    );
    // The bar stays at the last report: full.
    b.wait_for_attribute("tool-progress", "value", "3", WAIT)
        .await
        .unwrap();
    assert_eq!(
        b.attribute_of("tool-progress", "max")
            .await
            .unwrap()
            .as_deref(),
        Some("3")
    );
    let seen: Vec<(String, String)> =
        serde_json::from_value(b.eval("return window.__progress").await.unwrap()).unwrap();
    let values: Vec<f64> = seen.iter().map(|(v, _)| v.parse().unwrap()).collect();
    assert!(
        values.windows(2).all(|w| w[0] <= w[1]) && values.first() >= Some(&1.0),
        "the bar only rises: {seen:?}"
    );
    assert_eq!(
        seen.last(),
        Some(&("3".to_owned(), "3".to_owned())),
        "{seen:?}"
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_cancels_a_call_and_the_server_hears_it() {
    let demo = start_demo().await;
    let page = open_page_at(&demo.url(), "mock", Some("2025-11-25")).await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    page.call_tool("count_slowly", &serde_json::json!({"seconds": 60}))
        .await;
    b.wait_for_attribute("tool-progress", "value", "1", WAIT)
        .await
        .unwrap();
    assert_eq!(demo.heard().cancellations(), 0);
    b.click("cancel-call").await.unwrap();
    let result = page.wait_for_outcome("cancelled").await;
    assert_eq!(result, "cancelled: Cancelled by the person");
    // The server itself heard notifications/cancelled and stopped counting.
    let mut heard = 0;
    for _ in 0..100 {
        heard = demo.heard().cancellations();
        if heard > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(heard, 1, "the server heard the cancellation");
    // The session goes on.
    page.call_tool("count_slowly", &serde_json::json!({"seconds": 1}))
        .await;
    assert_eq!(page.wait_for_outcome("ok").await, "Counted to 1.");
    assert_eq!(demo.heard().cancellations(), 1);
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_log_messages_arrive_at_the_level_the_person_picked() {
    let everything = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page_at(&everything.url(), "mock", None).await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    b.set_value("log-level", "debug").await.unwrap();
    b.wait_for_text("log-list", "acknowledged logging/setLevel", WAIT)
        .await
        .unwrap();
    page.call_tool("toggle-simulated-logging", &serde_json::json!({}))
        .await;
    b.wait_for_text("log-list", "-level message", WAIT)
        .await
        .unwrap();
    // The server's own lines (it also logs the roots it received), marked as the server's.
    let simulated = b
        .eval(
            "return [...document.querySelectorAll('[data-testid=log-item][data-source=server] .text')].filter(e => /^(\\[[^\\]]+\\] )?[A-Za-z]+-level message( - SessionId \\S+)?$/.test(e.textContent)).length;",
        )
        .await
        .unwrap();
    assert!(
        simulated.as_u64().is_some_and(|n| n >= 1),
        "no simulated server line: {simulated}"
    );
    page.close().await;
}
