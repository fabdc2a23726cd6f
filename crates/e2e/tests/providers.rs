//! Real LLM providers called straight from the page, against mocks that speak each provider's
//! wire format: the demo server's blog-post loop completes through OpenAI Chat Completions,
//! Anthropic Messages and Gemini, streamed; keys stay in the tab; failures are explained.

use std::time::Duration;

use mcp_desk_e2e::{Page, open_page_with, start_demo};
use mcp_desk_testkit::llm_mocks::{self, LlmMocks};

const WAIT: Duration = Duration::from_secs(30);
const DRAFT: &str = "MCP servers can ask the client's model for help. This post shows how.";

async fn call_blog_post(page: &Page) {
    let b = &page.browser;
    page.wait_for_connection("connected").await;
    let args = serde_json::json!({"title": "Sampling", "draft": DRAFT});
    page.call_tool("create_blog_post", &args).await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
}

/// A token the server's URL carries, as hosted MCP servers often ask (the demo ignores it).
const SERVER_TOKEN: &str = "srv-tok-4711";

/// The loop through one provider; returns the tool result.
async fn round_trip(provider: &str, model: &str, key: &str, label: &str) -> (String, LlmMocks) {
    let demo = start_demo().await;
    let mocks = LlmMocks::start().await.unwrap();
    let extra = format!(
        "&base={}&model={model}",
        mcp_desk_e2e::percent_encode(&mocks.base_url(provider))
    );
    let server = format!("{}?token={SERVER_TOKEN}", demo.url());
    let page = open_page_with(&server, provider, &extra).await;
    let b = &page.browser;
    // Let the tool list arrive first: it moves the settings panel down the page.
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.save_api_key(key).await;
    call_blog_post(&page).await;
    assert_eq!(b.value_of("sampling-provider").await.unwrap(), provider);
    assert_eq!(b.value_of("sampling-model").await.unwrap(), model);
    b.click("sampling-generate").await.unwrap();
    // The answer streams in: Stop is offered while it arrives.
    b.wait_for_testid("sampling-stop", WAIT).await.unwrap();
    let expected =
        format!("{label} mock summary: MCP servers can ask the client's model for help.");
    b.wait_for_text("sampling-response", &expected, WAIT)
        .await
        .unwrap();
    page.wait_until_gone("sampling-stop").await;
    assert_eq!(b.value_of("sampling-response").await.unwrap(), expected);
    b.click("sampling-approve").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.contains(&format!("> Abstract: {expected}\n")),
        "{result}"
    );

    // The key stayed in this tab's sessionStorage, and never in the URL or the log.
    let stored = b
        .eval("return [location.href, document.querySelector('[data-testid=log-list]').textContent, JSON.stringify(localStorage)];")
        .await
        .unwrap();
    let text = stored.to_string();
    assert!(
        !text.contains(key),
        "the key leaked into the URL, log or localStorage: {text}"
    );
    // The audit trail holds the whole story, and no key.
    // The trail is saved a moment after a burst of entries.
    let mut trail = String::new();
    for _ in 0..50 {
        let saved = b
            .eval("return localStorage.getItem('mcp-desk.audit');")
            .await
            .unwrap();
        trail = saved.as_str().unwrap_or_default().to_owned();
        if trail.contains("\"answer\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for kind in ["\"request\"", "\"model_call\"", "\"answer\""] {
        assert!(trail.contains(kind), "{kind} is in the trail");
    }
    assert!(!trail.contains(key), "no key in the saved trail");
    assert!(
        !trail.contains(SERVER_TOKEN),
        "no server token in the saved trail"
    );
    let log = b.all_text_of("log-list").await.unwrap();
    assert!(
        !log.contains(SERVER_TOKEN),
        "no server token in the log: {log}"
    );
    b.click("audit-toggle").await.unwrap();
    b.wait_for_testid("audit-item", WAIT).await.unwrap();
    let kinds = b.all_text_of("audit-list").await.unwrap();
    assert!(
        kinds.contains("answer") && kinds.contains("model_call"),
        "{kinds}"
    );
    // Export JSON hands the person the whole trail, each entry timed and naming its server,
    // and no key: the file's Blob is caught as the page makes it.
    let exported = page.export("audit-export").await;
    b.wait_for_text("audit-message", "Exported the whole trail", WAIT)
        .await
        .unwrap();
    assert!(!exported.contains(key), "no key in the export");
    assert!(
        !exported.contains(SERVER_TOKEN),
        "no server token in the export"
    );
    let exported: serde_json::Value = serde_json::from_str(&exported).expect("the export is JSON");
    let entries = exported["entries"].as_array().expect("entries");
    for kind in ["request", "model_call", "answer"] {
        let entry = entries
            .iter()
            .find(|e| e["kind"] == kind)
            .unwrap_or_else(|| panic!("a {kind} entry in {exported}"));
        assert!(
            entry["at"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{entry}"
        );
        assert!(
            entry["server"]
                .as_str()
                .is_some_and(|s| s.starts_with("http://127.0.0.1") && s.ends_with("/mcp?token=…")),
            "{entry}"
        );
    }
    let request = entries.iter().find(|e| e["kind"] == "request").unwrap();
    assert_eq!(request["detail"]["tool"], "create_blog_post");
    let session_key = b
        .eval(&format!(
            "return sessionStorage.getItem('mcp-desk.key.{provider}');"
        ))
        .await
        .unwrap();
    assert_eq!(session_key.as_str(), Some(key));
    page.close().await;
    (result, mocks)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_chat_completions_answers_the_blog_post_streamed() {
    let (result, mocks) =
        round_trip("openai", "gpt-4o-mini", llm_mocks::OPENAI_KEY, "OpenAI").await;
    assert!(
        result.contains("gpt-4o-mini-2025-01-01"),
        "the model that answered: {result}"
    );
    let request = &mocks.requests()[0];
    assert_eq!(request.body["stream"], true);
    assert_eq!(request.body["max_completion_tokens"], 200);
    assert_eq!(request.body["messages"][0]["role"], "system");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_messages_answers_the_blog_post_streamed() {
    let (result, mocks) = round_trip(
        "anthropic",
        "claude-3-5-sonnet-latest",
        llm_mocks::ANTHROPIC_KEY,
        "Anthropic",
    )
    .await;
    assert!(result.contains("claude-3-5-sonnet-latest"), "{result}");
    let request = &mocks.requests()[0];
    assert_eq!(
        request.body["system"],
        "You write concise, factual abstracts for blog posts."
    );
    assert!(
        request
            .headers
            .iter()
            .any(|(k, v)| k == "anthropic-dangerous-direct-browser-access" && v == "true")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gemini_answers_the_blog_post_streamed() {
    let (result, mocks) = round_trip(
        "gemini",
        "gemini-2.0-flash",
        llm_mocks::GEMINI_KEY,
        "Gemini",
    )
    .await;
    assert!(result.contains("gemini-2.0-flash-001"), "{result}");
    let request = &mocks.requests()[0];
    assert!(
        request
            .path
            .ends_with("gemini-2.0-flash:streamGenerateContent"),
        "{}",
        request.path
    );
    assert_eq!(request.body["generationConfig"]["maxOutputTokens"], 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_failures_are_explained_and_the_request_stays_answerable() {
    let demo = start_demo().await;
    let mocks = LlmMocks::start().await.unwrap();
    let extra = format!(
        "&base={}&model=gpt-4o-mini",
        mcp_desk_e2e::percent_encode(&mocks.base_url("openai"))
    );
    let page = open_page_with(&demo.url(), "openai", &extra).await;
    let b = &page.browser;
    call_blog_post(&page).await;

    // No key at all: refused before any call.
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-error", "needs an API key", WAIT)
        .await
        .unwrap();
    assert!(mocks.requests().is_empty());

    // A wrong key: the provider's 401, in plain words.
    page.save_api_key("sk-wrong").await;
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-error", "refused the API key", WAIT)
        .await
        .unwrap();

    // An unknown model: its 404.
    page.save_api_key(llm_mocks::OPENAI_KEY).await;
    b.set_value("sampling-model", "missing-model")
        .await
        .unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text(
        "sampling-error",
        "does not know the model \"missing-model\"",
        WAIT,
    )
    .await
    .unwrap();

    // Rate limited: the wait it asks for.
    b.set_value("sampling-model", "rate-limited").await.unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-error", "wait 7 s", WAIT)
        .await
        .unwrap();

    // Nothing listening: the browser's failure, with the CORS explanation.
    b.set_value("sampling-provider", "ollama").await.unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-error", "OLLAMA_ORIGINS", WAIT)
        .await
        .unwrap();

    // The same request still completes.
    b.set_value("sampling-provider", "openai").await.unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "OpenAI mock summary", WAIT)
        .await
        .unwrap();
    page.wait_until_gone("sampling-stop").await;
    b.click("sampling-approve").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.contains(
            "> Abstract: OpenAI mock summary: MCP servers can ask the client's model for help.\n"
        ),
        "{result}"
    );
    page.close().await;
}

/// The demo's `forecast_advice` offers the model a tool; the mock calls it, the server runs
/// it and asks again with the result; the second answer is text.
async fn tool_loop(
    provider: &str,
    model: &str,
    key: &str,
    revision: Option<&str>,
) -> (String, LlmMocks) {
    let demo = start_demo().await;
    let mocks = LlmMocks::start().await.unwrap();
    let mut extra = format!(
        "&base={}&model={model}",
        mcp_desk_e2e::percent_encode(&mocks.base_url(provider))
    );
    if let Some(r) = revision {
        extra.push_str(&format!("&revision={r}"));
    }
    let page = open_page_with(&demo.url(), provider, &extra).await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    // The connect form shows the revision the URL forced (or that it negotiates).
    assert_eq!(
        b.value_of("protocol-revision-select").await.unwrap(),
        revision.unwrap_or("auto")
    );
    page.save_api_key(key).await;
    page.call_tool("forecast_advice", &serde_json::json!({"city": "Oslo"}))
        .await;

    // Turn 1: the request offers get_forecast; the model calls it.
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_testid("sampling-tool-call", WAIT).await.unwrap();
    page.wait_until_gone("sampling-stop").await;
    let call = b.all_text_of("sampling-tool-calls").await.unwrap();
    assert!(
        call.contains("get_forecast") && call.contains("Oslo"),
        "{call}"
    );
    assert_eq!(b.text_of("sampling-stop-reason").await.unwrap(), "toolUse");
    b.click("sampling-approve").await.unwrap();

    // Turn 2: the server ran the tool; the request now holds the tool_use and its result.
    b.wait_for_text("sampling-dialog", "sunny, 21 °C", WAIT)
        .await
        .unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "from the tool result", WAIT)
        .await
        .unwrap();
    page.wait_until_gone("sampling-stop").await;
    b.click("sampling-approve").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(result.contains("after calling get_forecast"), "{result}");
    page.close().await;
    (result, mocks)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampling_with_tools_runs_the_tool_loop_through_openai_at_2026() {
    let (result, mocks) = tool_loop("openai", "gpt-4o-mini", llm_mocks::OPENAI_KEY, None).await;
    assert!(result.contains("sunny, 21 °C"), "{result}");
    let requests = mocks.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body["tools"][0]["function"]["name"],
        "get_forecast"
    );
    assert_eq!(requests[0].body["tool_choice"], "auto");
    let second = &requests[1].body["messages"];
    let tool_message = second
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "tool")
        .expect("the tool result went back as a tool message");
    assert!(tool_message["content"].as_str().unwrap().contains("sunny"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampling_with_tools_runs_the_tool_loop_through_anthropic_at_2025() {
    let (result, mocks) = tool_loop(
        "anthropic",
        "claude-3-5-haiku-latest",
        llm_mocks::ANTHROPIC_KEY,
        Some("2025-11-25"),
    )
    .await;
    assert!(
        result.contains("Anthropic mock answer from the tool result"),
        "{result}"
    );
    let requests = mocks.requests();
    assert_eq!(
        requests[1].body["messages"][1]["content"][0]["type"],
        "tool_use"
    );
    assert_eq!(
        requests[1].body["messages"][2]["content"][0]["type"],
        "tool_result"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_keeps_the_text_so_far_and_regenerate_starts_again() {
    let demo = start_demo().await;
    let mocks = LlmMocks::start().await.unwrap();
    let extra = format!(
        "&base={}&model=gemini-2.0-flash",
        mcp_desk_e2e::percent_encode(&mocks.base_url("gemini"))
    );
    let page = open_page_with(&demo.url(), "gemini", &extra).await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.save_api_key(llm_mocks::GEMINI_KEY).await;
    call_blog_post(&page).await;
    b.click("sampling-generate").await.unwrap();
    b.wait_for_testid("sampling-stop", WAIT).await.unwrap();
    b.click("sampling-stop").await.unwrap();
    b.wait_for_text("sampling-error", "Stopped", WAIT)
        .await
        .unwrap();
    let partial = b.value_of("sampling-response").await.unwrap();
    let full = "Gemini mock summary: MCP servers can ask the client's model for help.";
    assert!(
        full.starts_with(&partial) && partial.len() < full.len(),
        "kept: {partial:?}"
    );
    assert_eq!(b.text_of("sampling-stop-reason").await.unwrap(), "stopped");
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", full, WAIT)
        .await
        .unwrap();
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_request_reaches_the_llm_as_edited() {
    let demo = start_demo().await;
    let mocks = LlmMocks::start().await.unwrap();
    let extra = format!(
        "&base={}&model=gpt-4o-mini",
        mcp_desk_e2e::percent_encode(&mocks.base_url("openai"))
    );
    let page = open_page_with(&demo.url(), "openai", &extra).await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.save_api_key(llm_mocks::OPENAI_KEY).await;
    call_blog_post(&page).await;

    b.set_value(
        "sampling-message-text",
        "Summarise this: Edited prompt. Nothing else.",
    )
    .await
    .unwrap();
    b.set_value("sampling-system-prompt", "Answer in French.")
        .await
        .unwrap();
    b.set_value("sampling-stop-sequences", "END\nSTOP")
        .await
        .unwrap();
    b.set_value("sampling-max-tokens", "50").await.unwrap();
    let dialog = b.all_text_of("sampling-dialog").await.unwrap();
    assert!(
        dialog.contains("edited — the server sent:"),
        "edits are marked"
    );
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text(
        "sampling-response",
        "OpenAI mock summary: Summarise this: Edited prompt.",
        WAIT,
    )
    .await
    .unwrap();

    let sent = &mocks.requests()[0].body;
    assert_eq!(
        sent["messages"][0],
        serde_json::json!({"role": "system", "content": "Answer in French."})
    );
    assert_eq!(
        sent["messages"][1]["content"],
        "Summarise this: Edited prompt. Nothing else."
    );
    assert_eq!(sent["stop"], serde_json::json!(["END", "STOP"]));
    assert_eq!(sent["max_completion_tokens"], 50);
    page.close().await;
}
