//! The timeline in Chromium: after the seed's loop against the demo server the lesson's arrows
//! are drawn in the lesson's order with its labels, the sampling request's arrow opens its JSON
//! with the draft inside, the Mermaid export holds one line per arrow and the SVG export one
//! group per arrow — and with an API key and
//! a `?token=` server URL set, neither is anywhere in the timeline, its details or the export.
//! The sampling dialog's JSON view shows the request as received and the result as it will go.
//! At 2026-07-28 the `input_required` round is drawn.

use std::time::Duration;

use mcp_desk_e2e::{Page, open_page, open_page_with, start_demo};
use mcp_desk_testkit::llm_mocks::{self, LlmMocks};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);
const DRAFT: &str = "MCP servers can ask the client's model for help. This post shows how.";
const SERVER_TOKEN: &str = "srv-tok-4711";
/// The arrows the lesson draws, by `data-kind`.
const LESSON: [&str; 8] = [
    "call-tool",
    "tools/call",
    "sampling/createMessage",
    "llm-request",
    "llm-response",
    "approve",
    "sampling-response",
    "tool-result",
];

/// Every arrow: kind, from, to, label.
async fn arrows(page: &Page) -> Vec<(String, String, String, String)> {
    let all = page
        .browser
        .eval("return [...document.querySelectorAll('[data-testid=timeline-arrow]')].map(e => [e.dataset.kind, e.dataset.from, e.dataset.to, e.querySelector('text').textContent]);")
        .await
        .unwrap();
    serde_json::from_value(all).unwrap()
}

/// Each call group's `data-state`, in order.
async fn groups(page: &Page) -> Vec<String> {
    let states = page
        .browser
        .eval("return [...document.querySelectorAll('[data-testid=timeline-group]')].map(e => e.dataset.state);")
        .await
        .unwrap();
    serde_json::from_value(states).unwrap()
}

/// The HTTP side of the arrow open (empty for one that is no message).
async fn http_shown(page: &Page) -> String {
    page.browser
        .eval("return document.querySelector('[data-testid=timeline-http]')?.textContent ?? '';")
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// The detail the `n`th arrow opens.
async fn detail_of(page: &Page, n: usize) -> String {
    let script = format!(
        "document.querySelectorAll('[data-testid=timeline-arrow]')[{n}].dispatchEvent(new MouseEvent('click', {{bubbles: true}})); return true;"
    );
    page.browser.eval(&script).await.unwrap();
    let read =
        "return document.querySelector('[data-testid=timeline-detail]')?.textContent ?? null;";
    for _ in 0..50 {
        if let Value::String(text) = page.browser.eval(read).await.unwrap() {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("arrow {n} opened no detail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_loop_is_drawn_as_the_lesson_draws_it_and_keeps_no_secret() {
    let demo = start_demo().await;
    let mocks = LlmMocks::start().await.unwrap();
    let extra = format!(
        "&base={}&model=gpt-4o-mini&revision=2025-11-25",
        mcp_desk_e2e::percent_encode(&mocks.base_url("openai"))
    );
    let server = format!("{}?token={SERVER_TOKEN}", demo.url());
    let page = open_page_with(&server, "openai", &extra).await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    let key = llm_mocks::OPENAI_KEY;
    page.save_api_key(key).await;
    page.call_tool(
        "create_blog_post",
        &json!({"title": "Sampling", "draft": DRAFT}),
    )
    .await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.click("sampling-generate").await.unwrap();
    page.wait_until_gone("sampling-stop").await;
    // The dialog's JSON view: the request as received, the result as it will be sent.
    page.click_css("[data-testid=sampling-json] summary").await;
    let request: Value =
        serde_json::from_str(&b.text_of("sampling-json-request").await.unwrap()).unwrap();
    assert!(request["messages"].to_string().contains(DRAFT), "{request}");
    let answer = b.value_of("sampling-response").await.unwrap();
    // The model the provider says answered (it names a dated version).
    let model = b.value_of("sampling-model").await.unwrap();
    let result: Value =
        serde_json::from_str(&b.text_of("sampling-json-result").await.unwrap()).unwrap();
    assert_eq!(
        (
            &result["model"],
            &result["content"]["text"],
            &result["role"]
        ),
        (&json!(model), &json!(answer), &json!("assistant"))
    );
    b.click("sampling-approve").await.unwrap();
    page.wait_for_outcome("ok").await;

    let all = arrows(&page).await;
    let lesson: Vec<(&str, &str, &str, &str)> = all
        .iter()
        .filter(|a| LESSON.contains(&a.0.as_str()))
        .map(|a| (a.0.as_str(), a.1.as_str(), a.2.as_str(), a.3.as_str()))
        .collect();
    assert_eq!(
        lesson,
        [
            ("call-tool", "person", "client", "call create_blog_post"),
            (
                "tools/call",
                "client",
                "server",
                "tools/call create_blog_post"
            ),
            (
                "sampling/createMessage",
                "server",
                "client",
                "sampling/createMessage"
            ),
            ("llm-request", "client", "llm", "LLM request → gpt-4o-mini"),
            // The OpenAI mock's usage chunk counts 5 tokens.
            ("llm-response", "llm", "client", "completion (5 tokens)"),
            ("approve", "person", "client", "approve"),
            ("sampling-response", "client", "server", "sampling response"),
            ("tool-result", "server", "client", "tool result"),
        ]
    );
    // The call's arrows are one group, open, headed by the person's call and how many
    // messages it holds.
    assert_eq!(groups(&page).await, ["open"]);
    let heading = page.text_css("[data-testid=timeline-group] text").await;
    let held: usize = heading
        .strip_prefix("▾ call create_blog_post · ")
        .and_then(|rest| rest.split_once(" messages · "))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("{heading}"));
    // Folded by a click, the group hides exactly its arrows, every lesson arrow among them;
    // Enter opens it again.
    page.click_css("[data-testid=timeline-group] text").await;
    assert_eq!(groups(&page).await, ["folded"]);
    let folded = arrows(&page).await;
    assert_eq!(folded.len(), all.len() - held, "{folded:?}");
    assert!(
        folded.iter().all(|a| !LESSON.contains(&a.0.as_str())),
        "{folded:?}"
    );
    b.client()
        .find(fantoccini::Locator::Css("[data-testid=timeline-group]"))
        .await
        .unwrap()
        .send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .unwrap();
    assert_eq!(groups(&page).await, ["open"]);
    assert_eq!(arrows(&page).await, all);
    // The log line about the sampling request expands to that request, exactly as it came;
    // a line about no message does not expand.
    let expands = b
        .eval("return [...document.querySelectorAll('[data-testid=log-item]')].filter(e => e.querySelector('.text').textContent.startsWith('Asking ')).map(e => e.querySelectorAll('details').length);")
        .await
        .unwrap();
    assert_eq!(
        expands,
        json!([0]),
        "the model call is no message of the server's"
    );
    let opened = b
        .eval("const line = [...document.querySelectorAll('[data-testid=log-item]')].find(e => e.querySelector('.text').textContent === 'The server asks for sampling during the call of create_blog_post'); const summary = line?.querySelector('summary'); summary?.click(); return !!summary;")
        .await
        .unwrap();
    assert_eq!(opened, json!(true), "the line about the request expands");
    let shown = page
        .text_css("[data-testid=log-item] details[open] [data-testid=log-message]")
        .await;
    let json: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(json["method"], "sampling/createMessage");
    assert!(json["params"].to_string().contains(DRAFT), "{json}");

    // Each arrow since the call began says how long after it came; the call itself at +0 ms.
    let since = b
        .eval("return [...document.querySelectorAll('[data-testid=timeline-arrow]')].filter(e => e.dataset.kind === 'call-tool' || e.dataset.kind === 'tool-result').map(e => e.querySelector('text.since')?.textContent ?? null);")
        .await
        .unwrap();
    let since: Vec<String> = serde_json::from_value(since).unwrap();
    assert_eq!(since[0], "+0 ms");
    assert!(
        since[1].starts_with('+') && (since[1].ends_with(" ms") || since[1].ends_with(" s")),
        "{since:?}"
    );
    // The sampling request opens as it came, the draft inside.
    let asked = all
        .iter()
        .position(|a| a.0 == "sampling/createMessage")
        .unwrap();
    let json: Value = serde_json::from_str(&detail_of(&page, asked).await).unwrap();
    assert_eq!(json["method"], "sampling/createMessage");
    assert!(json["params"].to_string().contains(DRAFT), "{json}");

    // No key and no server token anywhere: the drawing, every detail, the export.
    let drawn = b.all_text_of("timeline").await.unwrap();
    assert!(
        !drawn.contains(key) && !drawn.contains(SERVER_TOKEN),
        "{drawn}"
    );
    for n in 0..all.len() {
        let detail = detail_of(&page, n).await;
        let http = http_shown(&page).await;
        assert!(
            !detail.contains(key) && !detail.contains(SERVER_TOKEN),
            "arrow {n}: {detail}"
        );
        assert!(
            !http.contains(key) && !http.contains(SERVER_TOKEN),
            "arrow {n}: {http}"
        );
    }
    // The call's HTTP side: the URL without its token, the revision's header; its result's
    // the status and content type it came with.
    let call = all.iter().position(|a| a.0 == "tools/call").unwrap();
    detail_of(&page, call).await;
    let http = http_shown(&page).await;
    let first = http.lines().next().unwrap();
    assert!(
        first.starts_with("POST http://127.0.0.1:") && first.ends_with("/mcp?token=…"),
        "{http}"
    );
    assert!(
        http.lines()
            .any(|l| l.eq_ignore_ascii_case("mcp-protocol-version: 2025-11-25")),
        "{http}"
    );
    let result = all.iter().position(|a| a.0 == "tool-result").unwrap();
    detail_of(&page, result).await;
    let http = http_shown(&page).await;
    assert!(http.starts_with("HTTP 200 "), "{http}");
    // With the call's result picked, the Mermaid export is that one call: the lesson's
    // picture, one line per arrow of its group.
    assert_eq!(
        b.text_of("timeline-export-mermaid").await.unwrap(),
        "Export this call as Mermaid"
    );
    let mermaid = page.export("timeline-export-mermaid").await;
    assert!(
        !mermaid.contains(key) && !mermaid.contains(SERVER_TOKEN),
        "{mermaid}"
    );
    let lines: Vec<&str> = mermaid.lines().collect();
    assert_eq!(lines[0], "sequenceDiagram");
    let participants = lines
        .iter()
        .filter(|l| l.starts_with("    participant "))
        .count();
    assert_eq!(participants, 4, "{mermaid}");
    assert_eq!(lines.len(), 1 + participants + held, "{mermaid}");
    assert_eq!(
        &lines[1 + participants..1 + participants + 2],
        [
            "    P0->>P1: call create_blog_post",
            "    P1->>P3: tools/call create_blog_post"
        ],
        "{mermaid}"
    );
    // With an arrow of no call picked (the connection's first), the whole timeline.
    detail_of(&page, 0).await;
    assert_eq!(
        b.text_of("timeline-export-mermaid").await.unwrap(),
        "Export as Mermaid"
    );
    let mermaid = page.export("timeline-export-mermaid").await;
    assert!(
        !mermaid.contains(key) && !mermaid.contains(SERVER_TOKEN),
        "{mermaid}"
    );
    assert_eq!(mermaid.lines().count(), 1 + 4 + all.len(), "{mermaid}");
    // The SVG as drawn: a file of its own, one group per arrow, no secret either.
    let svg = page.export("timeline-export-svg").await;
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(
        svg.contains(r#"xmlns="http://www.w3.org/2000/svg""#),
        "{svg}"
    );
    assert_eq!(
        svg.matches(r#"data-testid="timeline-arrow""#).count(),
        all.len()
    );
    assert!(!svg.contains(key) && !svg.contains(SERVER_TOKEN), "{svg}");
    page.close().await;
}

/// At 2026-07-28 the `input_required` round is drawn, and an edit before the approval too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_2026_the_input_required_round_is_drawn() {
    let demo = start_demo().await;
    let page = open_page(&demo.url(), "mock").await;
    let b = &page.browser;
    b.wait_for_exact("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    page.call_tool(
        "create_blog_post",
        &json!({"title": "Sampling", "draft": DRAFT}),
    )
    .await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    // An edit is the person's, drawn before the approval it goes with.
    b.set_value("sampling-max-tokens", "150").await.unwrap();
    page.generate_and_approve("Mock", "Mock").await;
    let marks: Vec<String> = arrows(&page)
        .await
        .into_iter()
        .filter(|a| a.0 == "edit" || a.0 == "approve")
        .map(|a| format!("{} {}->{} {}", a.0, a.1, a.2, a.3))
        .collect();
    assert_eq!(
        marks,
        [
            "edit person->client edited the request",
            "approve person->client approve"
        ]
    );
    let kinds: Vec<String> = arrows(&page)
        .await
        .into_iter()
        .map(|a| a.0)
        .filter(|k| ["tools/call", "input-required", "tool-result"].contains(&k.as_str()))
        .collect();
    assert_eq!(
        kinds,
        ["tools/call", "input-required", "tools/call", "tool-result"]
    );
    page.close().await;
}

/// How many elements carry `data-testid` `id`.
async fn count_of(page: &Page, id: &str) -> u64 {
    let script = format!("return document.querySelectorAll('[data-testid={id}]').length;");
    page.browser.eval(&script).await.unwrap().as_u64().unwrap()
}

/// How far the page runs past the bottom of the window (px); 0 when it fits.
async fn overflow(page: &Page) -> i64 {
    page.browser
        .eval("return document.documentElement.scrollHeight - window.innerHeight;")
        .await
        .unwrap()
        .as_i64()
        .unwrap()
}

/// Presenter mode (`present=1`) on a 1280×720 projector: the seed's loop — the dialog with
/// its answer, then the result — and its timeline fit on the screen without scrolling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presenter_mode_fits_the_seed_loop_on_a_1280_by_720_screen() {
    let demo = start_demo().await;
    let page = open_page_with(&demo.url(), "mock", "&revision=2025-11-25&present=1").await;
    let b = &page.browser;
    // The viewport a projector shows: the window less what the browser keeps for itself.
    b.client().set_window_size(1280, 720).await.unwrap();
    let inner = b.eval("return window.innerHeight;").await.unwrap();
    let chrome = 720 - inner.as_u64().unwrap() as u32;
    b.client()
        .set_window_size(1280, 720 + chrome)
        .await
        .unwrap();
    assert_eq!(
        b.eval("return [window.innerWidth, window.innerHeight];")
            .await
            .unwrap(),
        json!([1280, 720])
    );
    assert_eq!(
        b.eval("return document.querySelector('[data-testid=present-toggle]').getAttribute('aria-pressed');")
            .await
            .unwrap(),
        json!("true")
    );
    page.call_tool(
        "create_blog_post",
        &json!({"title": "Sampling", "draft": DRAFT}),
    )
    .await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "Mock", WAIT)
        .await
        .unwrap();
    page.screenshot("presenter-dialog").await;
    assert_eq!(overflow(&page).await, 0, "the dialog and the timeline fit");
    b.click("sampling-approve").await.unwrap();
    page.wait_for_outcome("ok").await;
    page.screenshot("presenter").await;
    assert_eq!(overflow(&page).await, 0, "the result and the timeline fit");
    // The toggle brings the back office back.
    assert_eq!(count_of(&page, "log-list").await, 0);
    b.click("present-toggle").await.unwrap();
    b.wait_for_testid("log-list", WAIT).await.unwrap();
    page.close().await;
}
