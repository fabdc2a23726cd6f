//! The 2025-11-25 paths a long session meets, in Chromium against real servers: a dropped
//! stream resumed without losing the pending sampling request, progress on a long call, a
//! person cancelling a call, and server logging at the level the person picked.

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
    b.wait_for_text("connection-status", "connected", WAIT)
        .await
        .unwrap();
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
    if let Err(e) = b
        .wait_for_text(
            "tool-result",
            "Mock summary: The sea comes back twice a day.",
            WAIT,
        )
        .await
    {
        panic!(
            "{e}\nlog: {}",
            b.all_text_of("log-list").await.unwrap_or_default()
        );
    }
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_call_shows_progress_and_a_person_can_cancel_the_next_one() {
    let everything = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page_at(&everything.url(), "mock", None).await;
    let b = &page.browser;
    b.wait_for_text("connection-status", "connected", WAIT)
        .await
        .unwrap();
    page.call_tool(
        "trigger-long-running-operation",
        &serde_json::json!({"duration": 3, "steps": 3}),
    )
    .await;
    b.wait_for_testid("tool-progress", WAIT).await.unwrap();
    let mut seen = None;
    for _ in 0..60 {
        let value = page
            .browser
            .attribute_of("tool-progress", "value")
            .await
            .unwrap_or_default();
        if value.as_deref().is_some_and(|v| !v.is_empty()) {
            seen = value;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen.is_some(), "the progress bar gets a value");
    b.wait_for_text("tool-result", "Long running operation completed", WAIT)
        .await
        .unwrap();

    page.call_tool(
        "trigger-long-running-operation",
        &serde_json::json!({"duration": 60, "steps": 2}),
    )
    .await;
    b.wait_for_testid("cancel-call", WAIT).await.unwrap();
    b.click("cancel-call").await.unwrap();
    b.wait_for_text("tool-result", "cancelled", WAIT)
        .await
        .unwrap();
    b.wait_for_text("log-list", "Cancelled the tool call", WAIT)
        .await
        .unwrap();
    // The session goes on.
    page.call_tool("echo", &serde_json::json!({"message": "still here"}))
        .await;
    b.wait_for_text("tool-result", "still here", WAIT)
        .await
        .unwrap();
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_log_messages_arrive_at_the_level_the_person_picked() {
    let everything = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page_at(&everything.url(), "mock", None).await;
    let b = &page.browser;
    b.wait_for_text("connection-status", "connected", WAIT)
        .await
        .unwrap();
    b.set_value("log-level", "debug").await.unwrap();
    b.wait_for_text("log-list", "acknowledged logging/setLevel", WAIT)
        .await
        .unwrap();
    page.call_tool("toggle-simulated-logging", &serde_json::json!({}))
        .await;
    b.wait_for_text("log-list", "-level message", WAIT)
        .await
        .unwrap();
    let server_line = page
        .text_css(r#"[data-testid="log-item"][data-source="server"]"#)
        .await;
    assert!(server_line.contains("message"), "{server_line}");
    page.close().await;
}
