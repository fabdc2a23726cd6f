//! The seed's sampling loop, end to end: the built page in headless Chromium, against the
//! demo server (rmcp; at 2026-07-28 by negotiation, at 2025-11-25 when forced) and against the
//! official `server-everything`, answering with the Mock and Manual providers, approving (by
//! button and by Ctrl+Enter — never by a plain Enter) and rejecting.

use std::time::Duration;

use fantoccini::key::Key;
use mcp_desk_e2e::{Page, open_page, open_page_at, open_page_under, start_demo};
use mcp_desk_testkit::peers::{EverythingMode, ServerEverything};

const WAIT: Duration = Duration::from_secs(20);
const DRAFT: &str = "MCP servers can ask the client's model for help. This post shows how a person stays in the loop. It ends with a checklist.";

/// Connects, picks `create_blog_post`, fills its arguments and calls it; returns when the dialog shows.
async fn call_blog_post(page: &Page) {
    let args = serde_json::json!({"title": "Sampling in practice", "draft": DRAFT});
    page.call_tool("create_blog_post", &args).await;
    page.browser
        .wait_for_testid("sampling-dialog", WAIT)
        .await
        .unwrap();
}

/// The README's first step, exactly as a new user takes it: the page `cargo xtask dev` prints
/// (the demo server, the Mock, connect at once), a click on `create_blog_post`, Call tool with
/// the arguments the page offers, Generate, Approve and send — no typing anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_first_step_completes_the_loop_with_no_typing() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    the_seed_loop(&page).await;
    page.close().await;
}

/// Hosted as a project page is (`/<repo>/`), the built page loads its parts from there and
/// completes the same loop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_under_a_sub_path_the_page_completes_the_seed_loop() {
    let demo = start_demo().await;
    let page = open_page_under("/mcp-desk/", &demo.url(), "mock").await;
    let at = page
        .browser
        .eval("return location.pathname;")
        .await
        .unwrap();
    assert_eq!(at, serde_json::json!("/mcp-desk/"));
    the_seed_loop(&page).await;
    page.close().await;
}

/// The README's first step on an open page: pick `create_blog_post`, call it with the
/// arguments offered, Generate, Approve.
async fn the_seed_loop(page: &Page) {
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    page.click_css(r#"[data-testid="tool-item"][data-name="create_blog_post"]"#)
        .await;
    let offered: serde_json::Value =
        serde_json::from_str(&b.value_of("tool-args-json").await.unwrap()).unwrap();
    assert_eq!(
        offered,
        serde_json::json!({"title": mcp_desk_demo::EXAMPLE_TITLE, "draft": mcp_desk_demo::EXAMPLE_DRAFT}),
        "the example post, and no test knob"
    );
    b.click("call-tool").await.unwrap();
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    let message = b.value_of("sampling-message-text").await.unwrap();
    assert!(message.ends_with(mcp_desk_demo::EXAMPLE_DRAFT), "{message}");
    b.click("sampling-generate").await.unwrap();
    b.wait_for_exact(
        "sampling-response",
        "Mock summary: MCP servers can ask the client's model for help.",
        WAIT,
    )
    .await
    .unwrap();
    b.click("sampling-approve").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.starts_with(
            "# Sampling in practice\n\n> Abstract: Mock summary: MCP servers can ask the client's model for help.\n\n"
        ) && result.ends_with("_Abstract written by mcp-desk-mock-1._"),
        "{result}"
    );
    page.wait_for_queue(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_enter_never_approves_and_ctrl_enter_does() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    // A rule fetches the answer at once: the dialog arrives with a completion ready, its
    // heading focused — the moment a stray Enter used to send it.
    b.set_value("rule-mode", "auto-request").await.unwrap();
    b.click("rule-save").await.unwrap();
    call_blog_post(&page).await;
    b.wait_for_text("sampling-response", "Mock summary:", WAIT)
        .await
        .unwrap();
    let focused = b.eval("return document.activeElement.id").await.unwrap();
    assert_eq!(focused, "sampling-heading", "the dialog takes the focus");
    let active = b.client().active_element().await.unwrap();
    active.send_keys(&Key::Enter.to_string()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    page.wait_for_queue(1).await;
    assert_eq!(
        b.attribute_of("tool-result", "data-outcome").await.unwrap(),
        None,
        "nothing was sent"
    );
    let active = b.client().active_element().await.unwrap();
    active
        .send_keys(&format!("{}{}", Key::Control, Key::Enter))
        .await
        .unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result
            .contains("> Abstract: Mock summary: MCP servers can ask the client's model for help."),
        "{result}"
    );
    page.wait_for_queue(0).await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_answer_reaches_the_demo_server_and_its_tool_result() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_exact("server-name", "mcp-desk-demo", WAIT)
        .await
        .unwrap();
    // Negotiated newest first: the sampling request arrives inside an input_required result.
    b.wait_for_exact("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    assert_eq!(
        b.text_of("protocol-transport").await.unwrap(),
        "Streamable HTTP, stateless"
    );
    call_blog_post(&page).await;

    // Checkpoint 1 shows what the server sent.
    assert_eq!(b.text_of("sampling-server").await.unwrap(), "mcp-desk-demo");
    let message = b.value_of("sampling-message-text").await.unwrap();
    assert!(message.ends_with(DRAFT), "the draft is shown: {message}");
    assert_eq!(
        b.value_of("sampling-system-prompt").await.unwrap(),
        "You write concise, factual abstracts for blog posts."
    );
    assert_eq!(b.value_of("sampling-max-tokens").await.unwrap(), "200");
    assert_eq!(
        b.text_of("sampling-model-hints").await.unwrap(),
        "claude-3-5-sonnet, gpt-4o-mini"
    );
    page.wait_for_queue(1).await;

    b.click("sampling-generate").await.unwrap();
    b.wait_for_exact(
        "sampling-response",
        "Mock summary: MCP servers can ask the client's model for help.",
        WAIT,
    )
    .await
    .unwrap();
    page.screenshot("sampling-dialog").await;
    b.click("sampling-approve").await.unwrap();

    let result = page.wait_for_outcome("ok").await;
    assert!(
        result
            .contains("> Abstract: Mock summary: MCP servers can ask the client's model for help.")
            && result.ends_with("_Abstract written by mcp-desk-mock-1._"),
        "the answering model is named: {result}"
    );
    page.wait_for_queue(0).await;
    page.screenshot("tool-result").await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_answer_reaches_the_server_exactly_as_written_at_2025_11_25() {
    let demo = start_demo().await;
    let page = open_page_at(&demo.url(), "manual", Some("2025-11-25")).await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    // Forced by the URL: a session, and sampling as a request on the call's stream.
    assert_eq!(b.text_of("protocol-version").await.unwrap(), "2025-11-25");
    assert_eq!(
        b.text_of("protocol-transport").await.unwrap(),
        "Streamable HTTP, session"
    );
    call_blog_post(&page).await;
    assert_eq!(b.value_of("sampling-provider").await.unwrap(), "manual");
    // Approving an empty answer is refused with a reason, and nothing is sent.
    b.click("sampling-approve").await.unwrap();
    b.wait_for_exact(
        "sampling-error",
        "The completion is empty: generate one or write it before approving.",
        WAIT,
    )
    .await
    .unwrap();
    page.wait_for_queue(1).await;
    let written = "A hand-written abstract, checked by a person.";
    b.set_value("sampling-response", written).await.unwrap();
    b.set_value("sampling-model", "workshop-human")
        .await
        .unwrap();
    b.click("sampling-approve").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.contains(&format!("> Abstract: {written}\n"))
            && result.ends_with("_Abstract written by workshop-human._"),
        "{result}"
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_mock_answer_reaches_the_server_as_edited() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    call_blog_post(&page).await;
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "Mock summary:", WAIT)
        .await
        .unwrap();
    b.set_value("sampling-response", "Edited after generation.")
        .await
        .unwrap();
    b.click("sampling-approve").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.contains("> Abstract: Edited after generation.\n")
            && !result.contains("Mock summary"),
        "{result}"
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_at_2025_11_25_gives_the_tool_an_error() {
    let demo = start_demo().await;
    let page = open_page_at(&demo.url(), "mock", Some("2025-11-25")).await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    call_blog_post(&page).await;
    b.click("sampling-reject").await.unwrap();
    let result = page.wait_for_outcome("error").await;
    assert_eq!(
        result,
        "error: Sampling failed: User rejected sampling request"
    );
    page.wait_for_queue(0).await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_everything_sampling_round_trip() {
    let everything = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page(&everything.url(), "mock").await;
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    b.wait_for_exact("protocol-version", "2025-11-25", WAIT)
        .await
        .unwrap();
    let args = serde_json::json!({"prompt": "Name three colours of the sea.", "maxTokens": 60});
    page.call_tool("trigger-sampling-request", &args).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    assert_eq!(
        b.value_of("sampling-message-text").await.unwrap(),
        "Resource trigger-sampling-request context: Name three colours of the sea."
    );
    assert_eq!(b.value_of("sampling-max-tokens").await.unwrap(), "60");
    page.generate_and_approve("Mock summary:", "Name three colours of the sea.")
        .await;
    let result = b.text_of("tool-result").await.unwrap();
    assert!(result.contains("mcp-desk-mock-1"), "{result}");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_at_2026_07_28_declines_the_call_without_sending_it_again() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_exact("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    call_blog_post(&page).await;
    b.click("sampling-reject").await.unwrap();
    let result = page.wait_for_outcome("declined").await;
    assert_eq!(
        result,
        "declined: You rejected sampling input \"abstract\"; at revision 2026-07-28 the server is not told, the call of create_blog_post is just not sent again."
    );
    page.wait_for_queue(0).await;
    page.close().await;
}
