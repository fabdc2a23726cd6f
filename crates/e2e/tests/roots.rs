//! Roots, in Chromium against `server-everything` (whose `get-roots-list` tool appears once the
//! client declares roots): the person shares a directory, the server hears the change, asks
//! for the roots, and its tool lists them; removing it is heard the same way. And the Python
//! SDK at 2026-07-28, asking for them inside an `input_required` result.

use std::time::Duration;

use mcp_desk_e2e::{LogLine, Page, open_page, open_python};
use mcp_desk_testkit::peers::{Cors, EverythingMode, ServerEverything};

const WAIT: Duration = Duration::from_secs(30);
const ASKED_0: &str = "The server asked for the roots; answered with 0";
const UPDATED_0: &str = "[everything-server] Roots updated: 0 root(s) received from client";

async fn roots_shown(page: &Page) -> Vec<String> {
    let uris = page
        .browser
        .eval("return [...document.querySelectorAll('[data-testid=root-item]')].map(e => e.dataset.uri);")
        .await
        .unwrap();
    serde_json::from_value(uris).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_root_reaches_server_everything_and_so_does_its_removal() {
    let everything = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page(&everything.url(), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    // Declared roots: the server asks for them at once, and gets none yet.
    page.wait_for_log_lines("client", LogLine::Exact(ASKED_0), 1)
        .await;
    page.wait_for_log_lines("server", LogLine::Exact(UPDATED_0), 1)
        .await;

    // Not a file:// URI: refused, with the reason, and nothing shared.
    b.set_value("root-uri", "https://example.com/project")
        .await
        .unwrap();
    b.click("root-add").await.unwrap();
    b.wait_for_text(
        "roots-error",
        "A root is a file:// URI, like file:///home/me/project;",
        WAIT,
    )
    .await
    .unwrap();
    assert!(roots_shown(&page).await.is_empty());

    b.set_value("root-uri", "file:///home/me/project")
        .await
        .unwrap();
    b.set_value("root-name", "Project").await.unwrap();
    b.click("root-add").await.unwrap();
    page.wait_for_log_lines(
        "client",
        LogLine::Exact("Telling the server the roots changed (1 now)"),
        1,
    )
    .await;
    page.wait_for_log_lines(
        "client",
        LogLine::Exact("The server asked for the roots; answered with 1"),
        1,
    )
    .await;
    page.wait_for_log_lines(
        "server",
        LogLine::Exact("[everything-server] Roots updated: 1 root(s) received from client"),
        1,
    )
    .await;
    assert_eq!(roots_shown(&page).await, ["file:///home/me/project"]);
    page.call_tool("get-roots-list", &serde_json::json!({}))
        .await;
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.starts_with(
            "Current MCP Roots (1 total):\n\n1. Project\n   URI: file:///home/me/project\n\n"
        ),
        "{result}"
    );

    page.click_css(r#"[data-testid="root-item"][data-uri="file:///home/me/project"] [data-testid="root-remove"]"#)
        .await;
    page.wait_for_log_lines(
        "client",
        LogLine::Exact("Telling the server the roots changed (0 now)"),
        1,
    )
    .await;
    page.wait_for_log_lines("client", LogLine::Exact(ASKED_0), 2)
        .await;
    page.wait_for_log_lines("server", LogLine::Exact(UPDATED_0), 2)
        .await;
    assert!(roots_shown(&page).await.is_empty());
    b.click("call-tool").await.unwrap();
    b.wait_for_text(
        "tool-result",
        "The client supports roots but no roots are currently configured.",
        WAIT,
    )
    .await
    .unwrap();
    page.close().await;
}

/// At 2026-07-28 a server asks for the roots inside an `input_required` result: the call goes
/// again at once with the roots the person shares, no review needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_sdk_server_at_2026_07_28_gets_the_roots_inside_input_required() {
    let (_server, page) = open_python(Cors::Full, "tool-item").await;
    let b = &page.browser;
    b.set_value("root-uri", "file:///srv/data").await.unwrap();
    b.set_value("root-name", "Data").await.unwrap();
    b.click("root-add").await.unwrap();
    page.call_tool("roots_mrtr", &serde_json::json!({})).await;
    let result = page.wait_for_outcome("ok").await;
    assert_eq!(result, "1 root(s) at 2026-07-28: Data at file:///srv/data");
    page.wait_for_queue(0).await;
    page.close().await;
}
