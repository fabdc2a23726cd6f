//! The review desk in Chromium against real demo servers: an auto-approve rule with a budget
//! answers until the budget is spent, then the person is asked again; two servers' requests
//! share one queue and resolve independently; a request the server cancels leaves the queue
//! with a notice (and stops a model call made for it, or keeps a rule's failed call from
//! queueing it again); a burst of a hundred requests all reach the queue and none is lost.

use std::time::Duration;

use mcp_desk_e2e::{
    Page, burst, open_page, open_page_at, open_page_with, percent_encode, start_demo,
};
use mcp_desk_testkit::llm_mocks::{self, LlmMocks};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auto_approve_rule_answers_within_its_budget_then_asks() {
    let demo = start_demo().await;
    // The server's URL carries a token (the demo ignores it): the rule applies all the same,
    // and the rule book saved on this device holds the URL without it.
    let server = format!("{}?token=srv-tok-4711", demo.url());
    let page = open_page(&server, "mock").await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    b.set_value("rule-mode", "auto-completion").await.unwrap();
    b.set_value("rule-requests-per-minute", "2").await.unwrap();
    b.click("rule-save").await.unwrap();
    b.wait_for_text("rule-message", "Saved the rule", WAIT)
        .await
        .unwrap();
    let saved = b
        .eval("return localStorage.getItem('mcp-desk.rules');")
        .await
        .unwrap()
        .to_string();
    assert!(
        saved.contains("/mcp?token=…") && !saved.contains("srv-tok-4711"),
        "{saved}"
    );

    for n in 1..=3 {
        let draft = format!("Post number {n} is short. It has two sentences.");
        let args = serde_json::json!({"title": format!("Post {n}"), "draft": draft});
        page.call_tool("create_blog_post", &args).await;
        if n <= 2 {
            // Answered by the rule with the Mock: no dialog, the result arrives.
            b.wait_for_text(
                "tool-result",
                &format!("> Abstract: Mock summary: Post number {n} is short."),
                WAIT,
            )
            .await
            .unwrap();
            assert_eq!(
                count_of(&page, "sampling-dialog").await,
                0,
                "no one was asked"
            );
        }
    }
    // The third request finds the budget spent: the person is asked, and told why.
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.wait_for_exact(
        "sampling-rule-note",
        "Asked you because: The rule's budget of 2 requests per minute is spent.",
        WAIT,
    )
    .await
    .unwrap();
    page.generate_and_approve("Post number 3", "Mock summary: Post number 3 is short.")
        .await;
    // Each call is a group on the timeline: the two that ended before the last began are
    // folded, the last is open; opened, they show the rule's two answers as marks on MCP
    // Desk's own lane, then the person's approval.
    let groups = b
        .eval(r#"return [...document.querySelectorAll('[data-testid="timeline-group"]')].map(e => e.dataset.state);"#)
        .await
        .unwrap();
    assert_eq!(groups, serde_json::json!(["folded", "folded", "open"]));
    for _ in 0..2 {
        page.click_css(r#"[data-testid="timeline-group"][data-state="folded"] text"#)
            .await;
    }
    let groups = b
        .eval(r#"return [...document.querySelectorAll('[data-testid="timeline-group"]')].map(e => e.dataset.state);"#)
        .await
        .unwrap();
    assert_eq!(groups, serde_json::json!(["open", "open", "open"]));
    let marks = b
        .eval(r#"return [...document.querySelectorAll('[data-testid="timeline-arrow"]')].map(e => e.dataset.kind).filter(k => k === 'rule-answer' || k === 'approve');"#)
        .await
        .unwrap();
    assert_eq!(
        marks,
        serde_json::json!(["rule-answer", "rule-answer", "approve"])
    );
    b.click("audit-toggle").await.unwrap();
    b.wait_for_testid("audit-item", WAIT).await.unwrap();
    let automatic = b
        .eval(r#"return [...document.querySelectorAll('[data-testid="audit-item"][data-kind="answer"]')].map(e => e.textContent.includes('"automatic":true'))"#)
        .await
        .unwrap();
    assert_eq!(
        automatic,
        serde_json::json!([false, true, true]),
        "two answers by the rule, the newest (the person's) first"
    );
    page.close().await;
}

/// The CSS selector of a server tab's own button.
fn tab(url: &str) -> String {
    format!(r#"[data-testid="server-tab"][data-name="{url}"] button[role="tab"]"#)
}

/// The CSS selector of the queue entry a server's request has.
fn queued_from(url: &str) -> String {
    format!(r#"[data-testid="sampling-queue-item"][data-server="{url}"]"#)
}

async fn count_of(page: &Page, testid: &str) -> u64 {
    page.browser
        .eval(&format!(
            "return document.querySelectorAll('[data-testid=\"{testid}\"]').length"
        ))
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_requests_share_the_queue_and_resolve_independently() {
    let alpha = start_demo().await;
    let beta = start_demo().await;
    let (alpha_url, beta_url) = (alpha.url(), beta.url());
    let page = open_page_with(
        &alpha_url,
        "mock",
        &format!("&server={}", percent_encode(&beta_url)),
    )
    .await;
    let b = &page.browser;
    assert_eq!(
        count_of(&page, "server-tab").await,
        2,
        "one tab per server in the URL"
    );

    // Each tab calls its own server's tool; both requests wait in the one queue.
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    let post = |title: &str| serde_json::json!({"title": title, "draft": format!("{title} is the post of this server. It has two sentences.")});
    page.call_tool("create_blog_post", &post("Alpha")).await;
    page.wait_for_queue(1).await;
    page.click_css(&tab(&beta_url)).await;
    page.wait_for_connection("connected").await;
    // Beta's tab speaks 2025-11-25 (forced in its own form); Alpha's stays at 2026-07-28.
    b.set_value("protocol-revision-select", "2025-11-25")
        .await
        .unwrap();
    b.click("connect").await.unwrap();
    b.wait_for_exact("protocol-version", "2025-11-25", WAIT)
        .await
        .unwrap();
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.call_tool("create_blog_post", &post("Beta")).await;
    page.wait_for_queue(2).await;
    let title = b.eval("return document.title").await.unwrap();
    assert_eq!(
        title, "(2) MCP Desk",
        "the title counts every server's requests"
    );
    let alpha_entry = page.text_css(&queued_from(&alpha_url)).await;
    let beta_entry = page.text_css(&queued_from(&beta_url)).await;
    assert!(alpha_entry.contains("create_blog_post") && beta_entry.contains("create_blog_post"));

    // The oldest is in front; the person picks Beta's, answers it, and only Beta's call ends.
    b.wait_for_text("sampling-message-text", "Title: Alpha", WAIT)
        .await
        .unwrap();
    page.click_css(&format!("{} button", queued_from(&beta_url)))
        .await;
    b.wait_for_text("sampling-message-text", "Title: Beta", WAIT)
        .await
        .unwrap();
    page.generate_and_approve(
        "Beta is the post",
        "Mock summary: Beta is the post of this server.",
    )
    .await;
    page.wait_for_queue(1).await;

    // Alpha's request is still there, now in front; rejecting it ends Alpha's call only.
    b.wait_for_text("sampling-message-text", "Title: Alpha", WAIT)
        .await
        .unwrap();
    b.click("sampling-reject").await.unwrap();
    page.wait_for_queue(0).await;
    page.click_css(&tab(&alpha_url)).await;
    b.wait_for_exact("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    // (At 2026-07-28 a rejected call is simply not sent again.)
    page.wait_for_outcome("declined").await;
    page.click_css(&tab(&beta_url)).await;
    let result = page.wait_for_outcome("ok").await;
    assert!(result.contains("> Abstract: Mock summary: Beta is the post of this server."));

    // Closing a tab disconnects that server only.
    page.click_css(&format!(
        r#"[data-testid="server-tab"][data-name="{beta_url}"] [data-testid="server-close"]"#
    ))
    .await;
    assert_eq!(count_of(&page, "server-tab").await, 1);
    page.wait_for_connection("connected").await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_server_cancels_leaves_the_queue_with_a_notice() {
    let demo = start_demo().await;
    // The sampling request travels as a JSON-RPC request (2025-11-25), which a server can
    // cancel: the demo's rmcp cancels it when its deadline passes.
    let page = open_page_at(&demo.url(), "mock", Some("2025-11-25")).await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    let args = serde_json::json!({
        "title": "Deadline",
        "draft": "Nobody answers this one in time.",
        "answer_within_seconds": 2
    });
    page.call_tool("create_blog_post", &args).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    page.expect_cancelled_by_server("create_blog_post", "error", "did not answer within 2 s")
        .await;
    assert_eq!(
        count_of(&page, "sampling-dialog").await,
        0,
        "the dialog left with it"
    );
    b.click("audit-toggle").await.unwrap();
    page.click_css(r#"[data-testid="audit-item"][data-kind="cancelled"]"#)
        .await;
    page.close().await;
}

/// A page pointed at the demo (2025-11-25, so the server can cancel) with OpenAI's mock as its
/// provider, set to the model that fails slowly; and the arguments of a blog post whose
/// sampling request the server gives up on after one second, before that model fails.
async fn page_with_a_slowly_failing_model(
    demo: &mcp_desk_demo::DemoServer,
    mocks: &LlmMocks,
) -> (Page, serde_json::Value) {
    let extra = format!(
        "&base={}&model={}&revision=2025-11-25",
        percent_encode(&mocks.base_url("openai")),
        llm_mocks::OVERLOADED_SLOWLY
    );
    let page = open_page_with(&demo.url(), "openai", &extra).await;
    page.browser
        .wait_for_testid("tool-item", WAIT)
        .await
        .unwrap();
    page.save_api_key(llm_mocks::OPENAI_KEY).await;
    let args = serde_json::json!({
        "title": "Given up",
        "draft": "The server stops waiting before the model fails.",
        "answer_within_seconds": 1
    });
    (page, args)
}

/// Waits past the moment the slow model's failure reaches the page.
async fn until_the_slow_model_has_failed() {
    tokio::time::sleep(llm_mocks::OVERLOADED_AFTER + Duration::from_millis(1500)).await;
}

/// The page still answers sampling: a plain blog post, by hand with the Mock.
async fn still_answers(page: &Page) {
    let b = &page.browser;
    b.set_value("rule-mode", "ask").await.unwrap();
    b.click("rule-save").await.unwrap();
    page.call_tool(
        "create_blog_post",
        &serde_json::json!({"title": "After", "draft": "Still here. Still answering."}),
    )
    .await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.set_value("sampling-provider", "mock").await.unwrap();
    page.generate_and_approve("Still here.", "Mock summary: Still here.")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dialog_whose_request_is_cancelled_mid_call_stops_the_call_and_the_page_carries_on() {
    let demo = start_demo().await;
    let mocks = LlmMocks::start().await.unwrap();
    let (page, args) = page_with_a_slowly_failing_model(&demo, &mocks).await;
    let b = &page.browser;
    b.eval(WATCH_MODEL_CALLS).await.unwrap();
    page.call_tool("create_blog_post", &args).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_testid("sampling-stop", WAIT).await.unwrap();
    // The server gives up while the model is still thinking: the request goes, with a notice.
    page.expect_cancelled_by_server("create_blog_post", "error", "did not answer within 1 s")
        .await;
    assert_eq!(count_of(&page, "sampling-dialog").await, 0);
    until_the_slow_model_has_failed().await;
    // The page hung up on the model before it answered...
    assert_eq!(
        b.eval("return [window.__modelCalls, window.__modelCallsAborted]")
            .await
            .unwrap(),
        serde_json::json!([1, 1])
    );
    // ...and the trail says so.
    b.click("audit-toggle").await.unwrap();
    b.wait_for_text(
        "audit-list",
        &format!(
            "Stopped the call of OpenAI (model {}): the server stopped waiting for the request.",
            llm_mocks::OVERLOADED_SLOWLY
        ),
        WAIT,
    )
    .await
    .unwrap();
    still_answers(&page).await;
    page.close().await;
}

/// Counts the model calls the page starts (fetches to the OpenAI mock) and those it aborts.
const WATCH_MODEL_CALLS: &str = r#"
    window.__modelCalls = 0;
    window.__modelCallsAborted = 0;
    const fetchFirst = window.fetch;
    window.fetch = (request, init) => {
        if (request instanceof Request && request.url.includes('/openai/')) {
            window.__modelCalls += 1;
            request.signal.addEventListener('abort', () => { window.__modelCallsAborted += 1; });
        }
        return fetchFirst.call(window, request, init);
    };
    return true;"#;

/// Waits until the dialog shows the request of the server at `url`.
async fn in_front(page: &Page, url: &str) {
    let b = &page.browser;
    for _ in 0..500 {
        let shown = b
            .attribute_of("sampling-server", "title")
            .await
            .ok()
            .flatten();
        if shown.as_deref() == Some(url) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the request of {url} did not come to the front");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_streams_on_while_another_request_is_in_front_and_everything_typed_waits() {
    let (alpha, beta) = (start_demo().await, start_demo().await);
    let (alpha_url, beta_url) = (alpha.url(), beta.url());
    let mocks = LlmMocks::start().await.unwrap();
    let extra = format!(
        "&server={}&base={}&model=gpt-4o-mini",
        percent_encode(&beta_url),
        percent_encode(&mocks.base_url("openai"))
    );
    let page = open_page_with(&alpha_url, "openai", &extra).await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.save_api_key(llm_mocks::OPENAI_KEY).await;
    // A long sentence streams in many pieces, so the switch lands mid-stream.
    let long = "This sentence goes on and on, clause after clause, so that the mock model streams it in many small pieces for a good while, long enough for a person to look at another request before it ends. Then another.";
    let args = serde_json::json!({"title": "Long", "draft": long});
    page.call_tool("create_blog_post", &args).await;
    page.wait_for_queue(1).await;
    page.click_css(&tab(&beta_url)).await;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.call_tool(
        "create_blog_post",
        &serde_json::json!({"title": "B", "draft": "Short. Post."}),
    )
    .await;
    page.wait_for_queue(2).await;

    // Alpha's request is in front (the oldest): generate, then look at Beta's mid-stream.
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "OpenAI mock summary: This", WAIT)
        .await
        .unwrap();
    page.click_css(&format!("{} button", queued_from(&beta_url)))
        .await;
    in_front(&page, &beta_url).await;
    // Beta's edits are its own.
    b.set_value("sampling-system-prompt", "Edited for Beta.")
        .await
        .unwrap();
    // Back to Alpha's: the answer went on streaming meanwhile and is there whole, from the
    // one model call.
    page.click_css(&format!("{} button", queued_from(&alpha_url)))
        .await;
    in_front(&page, &alpha_url).await;
    let full = llm_mocks::answer_text("OpenAI", long);
    b.wait_for_exact("sampling-response", &full, WAIT)
        .await
        .unwrap();
    page.wait_until_gone("sampling-stop").await;
    b.wait_for_exact("sampling-stop-reason", "endTurn", WAIT)
        .await
        .unwrap();
    assert_eq!(mocks.requests().len(), 1, "one model call");
    // An answer written by hand stays too, across another look at Beta's.
    b.set_value("sampling-response", "Written by hand.")
        .await
        .unwrap();
    page.click_css(&format!("{} button", queued_from(&beta_url)))
        .await;
    in_front(&page, &beta_url).await;
    assert_eq!(
        b.value_of("sampling-system-prompt").await.unwrap(),
        "Edited for Beta."
    );
    page.click_css(&format!("{} button", queued_from(&alpha_url)))
        .await;
    in_front(&page, &alpha_url).await;
    assert_eq!(
        b.value_of("sampling-response").await.unwrap(),
        "Written by hand."
    );
    b.click("sampling-approve").await.unwrap();
    page.wait_for_queue(1).await;
    page.click_css(&tab(&alpha_url)).await;
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.contains("> Abstract: Written by hand.\n"),
        "{result}"
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_whose_model_fails_after_the_server_gave_up_does_not_queue_the_dead_request() {
    let demo = start_demo().await;
    let mocks = LlmMocks::start().await.unwrap();
    let (page, args) = page_with_a_slowly_failing_model(&demo, &mocks).await;
    let b = &page.browser;
    b.set_value("rule-mode", "auto-completion").await.unwrap();
    b.click("rule-save").await.unwrap();
    b.wait_for_text("rule-message", "Saved the rule", WAIT)
        .await
        .unwrap();
    page.call_tool("create_blog_post", &args).await;
    let result = page.wait_for_outcome("error").await;
    assert!(result.contains("did not answer within 1 s"), "{result}");
    // The rule's own notice says why it could not answer.
    let notice = page
        .text_css(r#"[data-testid="sampling-notice"][data-kind="rule-failed"]"#)
        .await;
    assert!(
        notice.starts_with(
            "The rule could not answer a request from mcp-desk-demo: the server stopped waiting for it ("
        ),
        "{notice}"
    );
    until_the_slow_model_has_failed().await;
    assert_eq!(
        count_of(&page, "sampling-queue-item").await,
        0,
        "a request nobody waits for is not put before the person"
    );
    page.wait_for_queue(0).await;
    assert_eq!(
        count_of(&page, "sampling-notice").await,
        1,
        "one notice, the rule's"
    );
    still_answers(&page).await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_a_hundred_requests_all_queue_and_none_is_lost() {
    let demo = start_demo().await;
    // 2025-11-25: the requests arrive as JSON-RPC requests on the call's stream, all at once.
    let page = open_page_at(&demo.url(), "mock", Some("2025-11-25")).await;
    let outcome = burst(&page, 100).await.unwrap();
    let server = &outcome.server;
    assert_eq!(server["count"], 100);
    assert_eq!(
        (&server["refused"], &server["answered"], &server["failed"]),
        (
            &serde_json::json!(100),
            &serde_json::json!(0),
            &serde_json::json!(0)
        ),
        "every request reached the queue and the server heard each rejection: {server}"
    );
    page.close().await;
}
