//! A server that answers 404 or 500, sends invalid JSON, closes its stream early, or is not
//! there at all: the page says so plainly and stays usable.

use std::time::Duration;

use mcp_desk_e2e::{Page, open_page, start_demo};
use mcp_desk_testkit::fault_proxy::{Fault, FaultProxy};

const WAIT: Duration = Duration::from_secs(20);

async fn call_blog_post(page: &Page) {
    let args = serde_json::json!({"title": "T", "draft": "A draft."});
    page.call_tool("create_blog_post", &args).await;
}

/// After a failure, the page still connects to a good server and completes a call.
async fn still_usable(page: &Page, good_url: &str) {
    let b = &page.browser;
    b.set_value("server-url", good_url).await.unwrap();
    b.click("connect").await.unwrap();
    page.wait_for_connection("connected").await;
    call_blog_post(page).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    page.generate_and_approve("Mock summary:", "Mock summary: A draft.")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_endpoint_fails_the_connection_with_the_status() {
    let demo = start_demo().await;
    let proxy = FaultProxy::start(demo.url()).await.unwrap();
    let page = open_page(&proxy.url(Fault::Status404), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("error").await;
    let status = b.text_of("connection-status").await.unwrap();
    assert!(
        status.starts_with("error: the HTTP+SSE stream (GET) failed: HTTP 404 Not Found: ")
            && status.contains(" — check the server URL (it often ends in /mcp). (Tried before: server/discover: HTTP 404 Not Found"),
        "{status}"
    );
    still_usable(&page, &demo.url()).await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_explained() {
    let port = mcp_desk_testkit::free_port();
    let page = open_page(&format!("http://127.0.0.1:{port}/mcp"), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("error").await;
    let status = b.text_of("connection-status").await.unwrap();
    assert!(
        status.starts_with(
            "error: initialize (revision 2025-11-25) failed: Could not reach http://127.0.0.1:"
        ) && status.contains("/mcp (TypeError: Failed to fetch)."),
        "{status}"
    );
    // Nothing listens: the doctor says so, not CORS, and offers the stdio bridge.
    page.wait_for_diagnosis("unreachable").await;
    assert_eq!(
        b.text_of("cors-doctor-summary").await.unwrap(),
        format!(
            "Nothing answers at http://127.0.0.1:{port}/mcp: no server listens there, or its name does not resolve (this is not CORS; the browser got no answer at all). Is the server running, on this port and path? A server that speaks stdio needs a bridge to be reached over HTTP."
        )
    );
    assert_eq!(
        page.fix_titles().await,
        ["Any stdio server, through a bridge"]
    );
    let demo = start_demo().await;
    still_usable(&page, &demo.url()).await;
    page.wait_until_gone("cors-doctor").await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_on_a_tool_call_is_shown_and_the_session_goes_on() {
    let demo = start_demo().await;
    let proxy = FaultProxy::start(demo.url()).await.unwrap();
    let page = open_page(&proxy.url(Fault::Status500OnToolCall), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    call_blog_post(&page).await;
    let result = page.wait_for_outcome("error").await;
    assert!(
        result.starts_with(
            "error: tools/call create_blog_post failed: HTTP 500 Internal Server Error: "
        ) && result.contains("internal failure injected by test proxy"),
        "{result}"
    );
    // The session is still up.
    assert_eq!(
        b.attribute_of("connection-status", "data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("connected")
    );
    still_usable(&page, &demo.url()).await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_json_on_a_tool_call_is_shown() {
    let demo = start_demo().await;
    let proxy = FaultProxy::start(demo.url()).await.unwrap();
    let page = open_page(&proxy.url(Fault::InvalidJsonOnToolCall), "mock").await;
    page.wait_for_connection("connected").await;
    call_blog_post(&page).await;
    let result = page.wait_for_outcome("error").await;
    assert!(
        result.starts_with("error: tools/call create_blog_post failed: the answer is unusable: the server sent invalid JSON"),
        "{result}"
    );
    still_usable(&page, &demo.url()).await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_closed_before_the_result_is_shown() {
    let demo = start_demo().await;
    let proxy = FaultProxy::start(demo.url()).await.unwrap();
    let page = open_page(&proxy.url(Fault::CloseStreamOnToolCall), "mock").await;
    page.wait_for_connection("connected").await;
    call_blog_post(&page).await;
    let result = page.wait_for_outcome("error").await;
    assert_eq!(
        result,
        "error: tools/call create_blog_post failed: the server closed the response stream before sending its result."
    );
    still_usable(&page, &demo.url()).await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_tool_arguments_are_refused_before_sending() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    page.click_css(r#"[data-testid="tool-item"][data-name="create_blog_post"]"#)
        .await;
    b.set_value("tool-args-json", "{\"title\": ").await.unwrap();
    b.click("call-tool").await.unwrap();
    let result = page.wait_for_outcome("error").await;
    assert!(
        result.starts_with("error: The arguments are not valid JSON: "),
        "{result}"
    );
    page.close().await;
}
