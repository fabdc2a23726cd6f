//! Reaching the servers people write, in Chromium: the official Python SDK served the way
//! people start it (no CORS at all), and with CORS but without exposing the session id. The
//! page's CORS doctor names what is wrong and shows the fix with the page's own origin.

use std::time::Duration;

use mcp_desk_e2e::open_page;
use mcp_desk_testkit::peers::{Cors, PythonSampler};

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
    let server = PythonSampler::start(Cors::NoExposeHeaders).await.unwrap();
    let page = open_page(&server.url(), "mock").await;
    let b = &page.browser;
    // 2026-07-28 has no sessions, so it works; a tool written the 2025 way needs one.
    b.wait_for_exact("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
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
    let log = b.all_text_of("log-list").await.unwrap();
    assert_eq!(
        log.matches("summarize_2025 was not called again: connecting at 2025-11-25 failed.")
            .count(),
        1,
        "{log}"
    );
    page.close().await;
}
