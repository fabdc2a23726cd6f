//! Signing in to a protected server in Chromium, against the TypeScript SDK's example server
//! (`simpleStreamableHttp --oauth`) and its demo authorization server: the server refuses the
//! page, the person signs in (discovery, dynamic registration, PKCE, the authorization server's
//! redirect back — to the page itself, its settings restored, where the sign-in window is
//! blocked; to the sign-in window otherwise — and the code's exchange), the page calls
//! a tool with the token, a reload keeps the sign-in, and signing out forgets it; and a
//! sampling round trip with a server made of the SDK's OAuth parts that checks each token names
//! it as its resource. The token is never in the page's address, its log, its saved values, its
//! timeline or the exports, nor in a request to the model's API.

use std::time::Duration;

use mcp_desk_e2e::{LogLine, Page, open_page, open_page_with, percent_encode};
use mcp_desk_testkit::llm_mocks::{self, LlmMocks};
use mcp_desk_testkit::peers::TsOAuthExample;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

async fn auth_state(page: &Page) -> Option<String> {
    page.browser
        .attribute_of("auth-status", "data-state")
        .await
        .ok()
        .flatten()
}

/// Waits for `auth-status` to be in `state`, showing what it said otherwise.
async fn wait_for_auth(page: &Page, state: &str) {
    if let Err(e) = page
        .browser
        .wait_for_attribute("auth-status", "data-state", state, WAIT)
        .await
    {
        let text = page
            .browser
            .all_text_of("auth-status")
            .await
            .unwrap_or_default();
        let log = page
            .browser
            .all_text_of("log-list")
            .await
            .unwrap_or_default();
        panic!("{e}\nauth-status: {text}\nlog: {log}");
    }
}

/// Everything the page shows, keeps or exports where a token must never be.
async fn everywhere(page: &Page) -> String {
    let b = &page.browser;
    let mut all = String::new();
    // Every call group unfolded and every log line opened, so nothing is hidden from the look.
    b.eval("document.querySelectorAll('[data-testid=timeline-group][data-state=folded] text').forEach(t => t.dispatchEvent(new MouseEvent('click', {bubbles: true}))); document.querySelectorAll('details').forEach(d => d.open = true); return true;")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let script = "return [location.href, document.body.textContent, \
        Object.keys(localStorage).map(k => k + '=' + localStorage.getItem(k)).join('\\n')].join('\\n');";
    all += b.eval(script).await.unwrap().as_str().unwrap();
    // Every timeline arrow's message and HTTP side.
    let count = b
        .eval("return document.querySelectorAll('[data-testid=timeline-arrow]').length;")
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    for n in 0..count {
        let script = format!(
            "document.querySelectorAll('[data-testid=timeline-arrow]')[{n}].dispatchEvent(new MouseEvent('click', {{bubbles: true}})); \
             return (document.querySelector('[data-testid=timeline-detail]')?.textContent ?? '') + (document.querySelector('[data-testid=timeline-http]')?.textContent ?? '');"
        );
        all += b.eval(&script).await.unwrap().as_str().unwrap_or_default();
    }
    // The Mermaid export of the whole timeline (an arrow of no call picked: the first).
    b.eval("document.querySelector('[data-testid=timeline-arrow]').dispatchEvent(new MouseEvent('click', {bubbles: true})); return true;")
        .await
        .unwrap();
    all += &page.export("timeline-export-mermaid").await;
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_calls_a_tool_keeps_the_sign_in_over_a_reload_and_signs_out() {
    let server = TsOAuthExample::start().await.unwrap();
    let page = open_page(&server.url(), "mock").await;
    let b = &page.browser;
    // Refused without a token: the page waits for the person.
    wait_for_auth(&page, "signed-out").await;
    assert_eq!(b.text_of("auth-status").await.unwrap(), "signed out");
    page.screenshot("sign-in-signed-out").await;
    assert_eq!(
        b.eval("return sessionStorage.getItem('mcp-desk.grants');")
            .await
            .unwrap(),
        Value::Null
    );
    // With the sign-in window blocked, signing in takes the page itself to the authorization
    // server and back.
    b.eval("window.open = () => null; return true;")
        .await
        .unwrap();
    b.click("auth-authorize").await.unwrap();
    wait_for_auth(&page, "signed-in").await;
    page.wait_for_connection("connected").await;
    assert_eq!(b.text_of("auth-status").await.unwrap(), "signed in");
    page.screenshot("sign-in-signed-in").await;
    // The page's settings came back with it, no code is left in its address, and the waiting
    // sign-in (its verifier) is gone from the tab's storage.
    assert_eq!(
        b.eval("return sessionStorage.getItem('mcp-desk.sign-in');")
            .await
            .unwrap(),
        Value::Null
    );
    let href = b.eval("return location.href;").await.unwrap();
    let href = href.as_str().unwrap();
    assert!(
        href.contains("#server=") && !href.contains("code="),
        "{href}"
    );
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.call_tool("greet", &json!({"name": "Ada"})).await;
    assert_eq!(page.wait_for_outcome("ok").await, "Hello, Ada!");
    let grant = b
        .eval("return JSON.parse(sessionStorage.getItem('mcp-desk.grants'));")
        .await
        .unwrap();
    assert_eq!(grant.as_array().map(Vec::len), Some(1), "{grant}");
    assert_eq!(grant[0]["resource"], server.url());
    assert_eq!(grant[0]["issuer"], server.issuer());
    let token = grant[0]["access_token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 16, "{token}");
    let seen = everywhere(&page).await;
    assert!(!seen.contains(&token), "the token shows: {seen}");

    // A reload keeps the sign-in: the page connects with the token it holds.
    b.eval("location.reload(); return true;").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    b.wait_until_ready(WAIT).await.unwrap();
    page.wait_for_connection("connected").await;
    wait_for_auth(&page, "signed-in").await;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();

    // Signing out forgets the token; connecting again, the server asks again.
    b.click("auth-sign-out").await.unwrap();
    wait_for_auth(&page, "signed-out").await;
    assert_eq!(
        b.eval("return sessionStorage.getItem('mcp-desk.grants');")
            .await
            .unwrap(),
        Value::Null
    );
    b.click("connect").await.unwrap();
    page.wait_for_connection("error").await;
    assert_eq!(auth_state(&page).await.as_deref(), Some("signed-out"));
    // The server refused the connection: the page says it asked (once since the reload).
    let asked = format!("The server asks you to sign in. ({})", server.url());
    page.wait_for_log_lines("client", LogLine::Exact(&asked), 1)
        .await;
    let seen = everywhere(&page).await;
    assert!(!seen.contains(&token), "the token shows: {seen}");
    page.close().await;
}

/// The token of the one grant the tab holds.
async fn token(page: &Page) -> String {
    let grant = page
        .browser
        .eval("return JSON.parse(sessionStorage.getItem('mcp-desk.grants'));")
        .await
        .unwrap();
    assert_eq!(grant.as_array().map(Vec::len), Some(1), "{grant}");
    grant[0]["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_sampling_round_trip_keeps_the_token_from_the_model() {
    let server = TsOAuthExample::sampler().await.unwrap();
    let mocks = LlmMocks::start().await.unwrap();
    let extra = format!(
        "&base={}&model=gpt-4o-mini",
        percent_encode(&mocks.base_url("openai"))
    );
    let page = open_page_with(&server.url(), "openai", &extra).await;
    let b = &page.browser;
    page.save_api_key(llm_mocks::OPENAI_KEY).await;
    wait_for_auth(&page, "signed-out").await;
    // The sign-in happens in a window of its own: the page stays as it was (its state, its
    // connections, anything waiting for the person).
    b.eval("window.__stayed = true; return true;")
        .await
        .unwrap();
    b.click("auth-authorize").await.unwrap();
    wait_for_auth(&page, "signed-in").await;
    assert_eq!(
        b.eval("return window.__stayed === true;").await.unwrap(),
        json!(true),
        "the page never left"
    );
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.call_tool(
        "summarize",
        &json!({"text": "Cats sleep all day. They dream."}),
    )
    .await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.click("sampling-generate").await.unwrap();
    page.wait_until_gone("sampling-stop").await;
    let answer = b.value_of("sampling-response").await.unwrap();
    assert_eq!(
        answer,
        llm_mocks::answer_text("OpenAI", "Summarize: Cats sleep all day. They dream.")
    );
    b.click("sampling-approve").await.unwrap();
    assert_eq!(
        page.wait_for_outcome("ok").await,
        format!("Summary: {answer}")
    );
    // The model's API saw the API key, never the server's token.
    let token = token(&page).await;
    let sent = mocks.requests();
    assert_eq!(sent.len(), 1);
    assert!(
        sent.iter()
            .all(|r| !format!("{:?}{}", r.headers, r.body).contains(&token)),
        "{sent:?}"
    );
    let seen = everywhere(&page).await;
    assert!(!seen.contains(&token), "the token shows: {seen}");
    // Remembered on this device only when the person opts in; and back to the tab only.
    let kept = "return [sessionStorage.getItem('mcp-desk.grants'), localStorage.getItem('mcp-desk.grants')].map(t => t && JSON.parse(t).map(g => g.resource));";
    assert_eq!(b.eval(kept).await.unwrap(), json!([[server.url()], null]));
    b.click("auth-remember").await.unwrap();
    assert_eq!(b.eval(kept).await.unwrap(), json!([null, [server.url()]]));
    b.click("auth-remember").await.unwrap();
    assert_eq!(b.eval(kept).await.unwrap(), json!([[server.url()], null]));
    page.close().await;
}
