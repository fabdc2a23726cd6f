//! Reaching the servers people write, in Chromium: the official Python SDK served the way
//! people start it (no CORS at all), with CORS but without exposing the session id — the
//! page's CORS doctor names what is wrong and shows the fix with the page's own origin — and
//! on stdio behind the `supergateway` bridge, reached through the connect form's stdio helper.

use std::time::Duration;

use mcp_desk_e2e::{LogLine, open_blank_page, open_page, open_python};
use mcp_desk_testkit::peers::{Cors, PythonSampler, StdioBridge, python_stdio_command};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_sdk_server_without_cors_gets_the_python_fix_with_the_page_origin() {
    let server = PythonSampler::start(Cors::None).await.unwrap();
    let page = open_page(&server.url(), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("error").await;
    page.wait_for_diagnosis("no-cors").await;
    let origin = b.eval("return location.origin;").await.unwrap();
    let origin = origin.as_str().unwrap();
    assert_eq!(
        b.text_of("cors-doctor-summary").await.unwrap(),
        format!(
            "The server at {} answers, but sends no CORS headers, so the browser does not let this page ({origin}) read its answers. Let this origin in with the server's CORS settings, and expose Mcp-Session-Id.",
            server.url()
        )
    );
    assert_eq!(
        page.fix_titles().await,
        [
            "Python SDK (Starlette)",
            "TypeScript SDK (express + cors)",
            "rmcp (axum + tower-http)",
            "Any stdio server, through a bridge"
        ]
    );
    let python = page.fix_text("Python SDK (Starlette)").await;
    assert!(
        python.contains(&format!("allow_origins=[\"{origin}\"],"))
            && python.contains("expose_headers=[\"Mcp-Session-Id\", \"Mcp-Protocol-Version\"],"),
        "{python}"
    );
    // The log says it too.
    b.wait_for_text("log-list", "Why it failed: The server at", WAIT)
        .await
        .unwrap();
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_sdk_session_whose_id_is_not_exposed_is_named() {
    // 2026-07-28 has no sessions, so it works; a tool written the 2025 way needs one.
    let (server, page) = open_python(Cors::NoExposeHeaders, "tool-item").await;
    let b = &page.browser;
    page.call_tool(
        "summarize_2025",
        &serde_json::json!({"text": "Bees dance."}),
    )
    .await;
    page.wait_for_connection("error").await;
    page.wait_for_diagnosis("session-id-not-exposed").await;
    assert_eq!(
        b.text_of("cors-doctor-summary").await.unwrap(),
        format!(
            "The server at {} starts a session, but does not expose the Mcp-Session-Id header to browsers, so this page cannot send it back and the server refuses the next request. Add it to the exposed headers of its CORS settings.",
            server.url()
        )
    );
    page.wait_for_log_lines(
        "client",
        LogLine::Exact("summarize_2025 was not called again: connecting at 2025-11-25 failed."),
        1,
    )
    .await;
    page.close().await;
}

/// A server written on stdio, as most are first: the person types its command into the stdio
/// helper, runs the bridge command the page shows, and the page connects once it answers; a
/// sampling round trip then crosses the bridge both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stdio_python_server_behind_the_bridge_completes_a_sampling_round_trip() {
    let page = open_blank_page("mock").await;
    let b = &page.browser;
    page.click_css(r#"[data-testid="stdio-helper"] > summary"#)
        .await;
    let port = mcp_desk_testkit::free_port();
    let stdio = python_stdio_command();
    b.set_value("stdio-command", &stdio).await.unwrap();
    b.set_value("stdio-port", &port.to_string()).await.unwrap();
    let origin = b.eval("return location.origin;").await.unwrap();
    let shown = b.text_of("stdio-bridge-command").await.unwrap();
    assert_eq!(
        shown,
        format!(
            "npx -y supergateway@4.0.0 --stdio \"{stdio}\" --outputTransport streamableHttp --stateful --port {port} --cors {}",
            origin.as_str().unwrap()
        )
    );
    let url = format!("http://localhost:{port}/mcp");
    assert_eq!(b.text_of("stdio-bridge-url").await.unwrap(), url);

    // The page waits for the bridge; the person starts it with the command shown.
    b.click("stdio-connect").await.unwrap();
    page.wait_for_connection("connecting").await;
    assert_eq!(b.value_of("server-url").await.unwrap(), url);
    let _bridge = StdioBridge::run(&shown, port).await.unwrap();
    page.wait_for_connection("connected").await;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();

    let args = serde_json::json!({"text": "Rivers carve valleys. Slowly."});
    page.call_tool("summarize_2025", &args).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    // Through the bridge the page negotiated 2026-07-28, where the 2025-style tool was
    // refused: it was carried over to 2025-11-25 on its own.
    let notice = b.text_of("connection-notice").await.unwrap();
    assert!(
        notice.starts_with("summarize_2025 asks the client for sampling the 2025 way, on the tool call's own stream, and a 2026-07-28 call has no such back-channel"),
        "{notice}"
    );
    assert_eq!(b.text_of("protocol-version").await.unwrap(), "2025-11-25");
    assert_eq!(
        b.value_of("sampling-message-text").await.unwrap(),
        "Summarise in one sentence. Rivers carve valleys. Slowly."
    );
    page.generate_and_approve(
        "Mock summary:",
        "Summary by mcp-desk-mock-1 at 2025-11-25: Mock summary: Summarise in one sentence.",
    )
    .await;
    page.close().await;
}
