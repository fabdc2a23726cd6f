//! Every revision a user will meet, in Chromium against real servers: the official Python SDK
//! at 2026-07-28 (sampling inside `input_required`) and at 2025-11-25 (sampling on the call's
//! stream), and `server-everything` over the legacy HTTP+SSE transport. The page shows which
//! revision and transport it used, and the same review dialog completes every round trip.

use std::time::Duration;

use mcp_desk_e2e::{LogLine, Page, open_page, open_page_at, open_python};
use mcp_desk_testkit::peers::{Cors, EverythingMode, PythonSampler, ServerEverything};

const WAIT: Duration = Duration::from_secs(30);

/// Picks `tool`, calls it with `args`, answers its sampling request with the Mock, approves;
/// returns the tool result's text.
async fn call_and_approve(page: &Page, tool: &str, args: serde_json::Value) -> String {
    let b = &page.browser;
    page.call_tool(tool, &args).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    page.generate_and_approve("Mock summary:", "mcp-desk-mock-1")
        .await;
    b.text_of("tool-result").await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_at_2026_07_28_samples_inside_an_input_required_result() {
    let server = PythonSampler::start(Cors::Full).await.unwrap();
    let page = open_page(&server.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_exact("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    assert!(
        b.text_of("protocol-transport")
            .await
            .unwrap()
            .contains("stateless")
    );
    assert_eq!(b.text_of("server-name").await.unwrap(), "python-sampler");
    let result = call_and_approve(
        &page,
        "summarize_mrtr",
        serde_json::json!({"text": "Tide pools hold small worlds. They empty twice a day."}),
    )
    .await;
    // The SDK unsealed the requestState it handed out, so the retry was verbatim.
    assert!(result.contains("at 2026-07-28 (state round-1)"), "{result}");
    assert!(
        result.contains("Mock summary: Summarise in one sentence."),
        "{result}"
    );
    page.close().await;
}

/// What the page says when it carries a 2025-style tool over to 2025-11-25.
fn falling_back_notice(tool: &str) -> String {
    format!(
        "{tool} asks the client for sampling the 2025 way, on the tool call's own stream, and a 2026-07-28 call has no such back-channel (the server said: Cannot send 'sampling/createMessage': this transport context has no back-channel for server-initiated requests.). Reconnecting to python-sampler at 2025-11-25, which it also speaks, and calling {tool} again with the same arguments. This server is met at 2025-11-25 from now on in this browser tab."
    )
}

/// Connected as a person connects (nothing forced), a tool written the 2025 way is refused at
/// 2026-07-28; the page says why, reconnects at 2025-11-25, calls it again once with the same
/// arguments, and its sampling request reaches the dialog.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_tool_written_the_2025_way_is_carried_over_to_2025_11_25() {
    let (_server, page) = open_python(Cors::Full, "tool-item").await;
    let b = &page.browser;
    let args = serde_json::json!({"text": "Lighthouses guide ships. Most are automated now."});
    page.call_tool("summarize_2025", &args).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    assert_eq!(
        b.text_of("connection-notice").await.unwrap(),
        falling_back_notice("summarize_2025")
    );
    assert_eq!(b.text_of("protocol-version").await.unwrap(), "2025-11-25");
    // Called again with the same arguments: the server's request quotes them.
    assert_eq!(
        b.value_of("sampling-message-text").await.unwrap(),
        "Summarise in one sentence. Lighthouses guide ships. Most are automated now."
    );
    page.generate_and_approve("Mock summary:", "mcp-desk-mock-1")
        .await;
    let result = b.text_of("tool-result").await.unwrap();
    assert!(result.contains("at 2025-11-25"), "{result}");
    page.wait_for_log_lines("client", LogLine::Exact("Calling tool summarize_2025"), 2)
        .await;
    page.wait_for_log_lines(
        "client",
        LogLine::StartingWith("summarize_2025 asks the client for sampling the 2025 way"),
        1,
    )
    .await;

    // Remembered for that server: connecting again goes straight to 2025-11-25, with no
    // notice, and the tool works at once.
    b.click("connect").await.unwrap();
    page.wait_for_connection("connected").await;
    b.wait_for_exact("protocol-version", "2025-11-25", WAIT)
        .await
        .unwrap();
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.wait_until_gone("connection-notice").await;
    let result = call_and_approve(
        &page,
        "summarize_2025",
        serde_json::json!({"text": "Owls hunt at night."}),
    )
    .await;
    assert!(result.contains("at 2025-11-25"), "{result}");
    page.wait_for_log_lines("client", LogLine::Exact("Calling tool summarize_2025"), 3)
        .await;
    page.close().await;
}

/// A revision the person forced stays forced: the refusal is shown with what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_2026_connection_shows_the_refusal_and_what_to_do() {
    let server = PythonSampler::start(Cors::Full).await.unwrap();
    let page = open_page_at(&server.url(), "mock", Some("2026-07-28")).await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.call_tool("summarize_2025", &serde_json::json!({"text": "Rain."}))
        .await;
    let result = page.wait_for_outcome("error").await;
    assert!(
        result.ends_with("Connect at 2025-11-25 (the connect form's protocol revision) to use it."),
        "{result}"
    );
    assert_eq!(b.text_of("protocol-version").await.unwrap(), "2026-07-28");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_cancels_a_request_left_unanswered_and_it_leaves_the_queue() {
    let server = PythonSampler::start(Cors::Full).await.unwrap();
    let page = open_page(&server.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    let args = serde_json::json!({"text": "Nobody answers in time.", "seconds": 2});
    page.call_tool("summarize_within", &args).await;
    // Carried over to 2025-11-25, where the SDK's deadline passes: it sends
    // notifications/cancelled and the request goes.
    page.expect_cancelled_by_server(
        "summarize_within",
        "ok",
        "the client did not answer within 2 s",
    )
    .await;
    assert_eq!(b.text_of("protocol-version").await.unwrap(), "2025-11-25");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_everything_over_legacy_http_sse_completes_a_sampling_round_trip() {
    let everything = ServerEverything::start(EverythingMode::Sse).await.unwrap();
    let page = open_page(&everything.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_exact("protocol-transport", "HTTP+SSE (legacy)", WAIT)
        .await
        .unwrap();
    assert_eq!(b.text_of("protocol-version").await.unwrap(), "2024-11-05");
    let result = call_and_approve(
        &page,
        "trigger-sampling-request",
        serde_json::json!({"prompt": "Name a colour of the sea.", "maxTokens": 40}),
    )
    .await;
    assert!(result.contains("Name a colour of the sea."), "{result}");
    assert!(!result.starts_with("error"), "{result}");

    // Progress travels on the one stream too, up to its total.
    let args = serde_json::json!({"duration": 3, "steps": 3});
    page.call_tool("trigger-long-running-operation", &args)
        .await;
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.starts_with("Long running operation completed."),
        "{result}"
    );
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

    // Connecting again goes straight to the HTTP+SSE stream that worked, skipping the probes
    // of the newer revisions that failed the first time.
    b.click("connect").await.unwrap();
    b.wait_for_text("log-list", "it spoke HTTP+SSE last time", WAIT)
        .await
        .unwrap();
    page.wait_for_connection("connected").await;
    assert!(
        b.text_of("protocol-transport")
            .await
            .unwrap()
            .contains("HTTP+SSE")
    );
    // Both connections are on screen before the probes are counted.
    page.wait_for_log_lines("client", LogLine::StartingWith("Connected to "), 2)
        .await;
    let log = b.all_text_of("log-list").await.unwrap();
    let probes = log.matches("asking server/discover").count();
    assert_eq!(probes, 1, "only the first connection probed: {log}");
    page.close().await;
}
