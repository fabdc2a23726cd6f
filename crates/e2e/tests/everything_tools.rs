//! The issue's bar, in Chromium: connected to `server-everything`, every tool it offers this
//! client (what it registers depends on the capabilities the client declares) is called from
//! the page with the arguments the page offers, and every request it sends back — sampling,
//! a question (elicitation, a form or a URL), the roots — is answered from the page.
//! `simulate-research-query` runs as a 2025-11-25 task, its question asked through the task;
//! the `-async` tools ask the page to run their sampling and question as tasks.

use std::time::Duration;

use mcp_desk_e2e::{Page, open_page};
use mcp_desk_testkit::peers::{EverythingMode, ServerEverything};
use serde_json::{Value, json};

/// Where the page stands after a call: its outcome once it ended, and the dialog in front.
const STATE: &str = "
    const result = document.querySelector('[data-testid=tool-result]');
    const question = document.querySelector('[data-testid=elicitation-dialog]');
    return [
        result ? result.getAttribute('data-outcome') : null,
        document.querySelector('[data-testid=sampling-dialog]') ? 'sampling'
            : question ? question.dataset.mode : null,
    ];";

/// Arguments the page's pre-filled ones would not do with: a URL to open (none is
/// pre-filled), a file to gzip that needs no internet, an operation shorter than 10 s, a
/// research topic vague enough that the task asks which one is meant.
fn arguments_for(tool: &str) -> Option<Value> {
    match tool {
        "trigger-url-elicitation" => Some(json!({"url": "https://example.com/consent"})),
        "gzip-file-as-resource" => {
            Some(json!({"name": "hello.txt.gz", "data": "data:text/plain;base64,SGVsbG8="}))
        }
        "trigger-long-running-operation" => Some(json!({"duration": 1, "steps": 2})),
        "echo" => Some(json!({"message": "every tool"})),
        "simulate-research-query" => Some(json!({"topic": "python", "ambiguous": true})),
        _ => None,
    }
}

/// Calls `tool` and answers what it asks until it ends; returns its outcome, what it asked
/// for, and its result.
async fn call_and_answer(page: &Page, tool: &str) -> (String, Vec<String>, String) {
    let b = &page.browser;
    page.click_css(&format!(r#"[data-testid="tool-item"][data-name="{tool}"]"#))
        .await;
    if let Some(arguments) = arguments_for(tool) {
        b.set_value("tool-args-json", &arguments.to_string())
            .await
            .unwrap();
    }
    b.click("call-tool").await.unwrap();
    let mut asked = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{tool} did not end within 60 s (asked {asked:?})"
        );
        let state = b.eval(STATE).await.unwrap();
        match (state[0].as_str(), state[1].as_str()) {
            (Some(outcome), None) => {
                let text = b.text_of("tool-result").await.unwrap();
                return (outcome.to_owned(), asked, text);
            }
            (_, Some("sampling")) => {
                asked.push("sampling".into());
                b.click("sampling-generate").await.unwrap();
                b.wait_for_text("sampling-response", "Mock", Duration::from_secs(30))
                    .await
                    .unwrap();
                b.click("sampling-approve").await.unwrap();
                page.wait_until_gone("sampling-dialog").await;
            }
            (_, Some("form")) => {
                asked.push("form".into());
                // A name where the form needs one, the first option where a choice is still
                // to make; the rest as offered.
                let _ = b
                    .eval("const i = document.querySelector('[data-testid=elicitation-field][data-name=name] input'); if (i) { Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(i, 'Ada'); i.dispatchEvent(new Event('input', {bubbles: true})); }
                        for (const s of document.querySelectorAll('[data-testid=elicitation-field] select')) { if (!s.value && s.options.length > 1) { Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(s, s.options[1].value); s.dispatchEvent(new Event('change', {bubbles: true})); } }")
                    .await;
                b.click("elicitation-accept").await.unwrap();
                page.wait_until_gone("elicitation-dialog").await;
            }
            (_, Some("url")) => {
                asked.push("url".into());
                b.click("elicitation-decline").await.unwrap();
                page.wait_until_gone("elicitation-dialog").await;
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_server_everything_offers_is_called_and_every_request_it_sends_answered() {
    let server = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page(&server.url(), "mock").await;
    page.browser
        .wait_for_testid("tool-item", Duration::from_secs(30))
        .await
        .unwrap();
    let names: Vec<String> = serde_json::from_value(
        page.browser
            .eval("return [...document.querySelectorAll('[data-testid=tool-item]')].map(e => e.dataset.name).sort();")
            .await
            .unwrap(),
    )
    .unwrap();
    // The tools it registers for a client with sampling, elicitation (form and URL), roots,
    // and tasks (sampling and elicitation run as tasks for the server).
    assert_eq!(
        names,
        [
            "echo",
            "get-annotated-message",
            "get-env",
            "get-resource-links",
            "get-resource-reference",
            "get-roots-list",
            "get-structured-content",
            "get-sum",
            "get-tiny-image",
            "gzip-file-as-resource",
            "simulate-research-query",
            "toggle-simulated-logging",
            "toggle-subscriber-updates",
            "trigger-elicitation-request",
            "trigger-elicitation-request-async",
            "trigger-long-running-operation",
            "trigger-sampling-request",
            "trigger-sampling-request-async",
            "trigger-url-elicitation",
        ]
    );
    let mut report = Vec::new();
    for name in &names {
        let (outcome, asked, text) = call_and_answer(&page, name).await;
        report.push(json!({"tool": name, "outcome": outcome, "asked": asked, "result": text.chars().take(120).collect::<String>()}));
    }
    let outcomes: Vec<(String, String, Value)> = report
        .iter()
        .map(|r| {
            (
                r["tool"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
                r["asked"].clone(),
            )
        })
        .collect();
    let expected: Vec<(String, String, Value)> = names
        .iter()
        .map(|name| {
            let asked = match name.as_str() {
                "trigger-sampling-request" | "trigger-sampling-request-async" => {
                    json!(["sampling"])
                }
                "trigger-elicitation-request"
                | "trigger-elicitation-request-async"
                | "simulate-research-query" => json!(["form"]),
                "trigger-url-elicitation" => json!(["url"]),
                _ => json!([]),
            };
            (name.clone(), "ok".to_owned(), asked)
        })
        .collect();
    assert_eq!(outcomes, expected, "{report:#?}");
    // The task's report is shaped by the answer its question was given (the first option).
    let research = report
        .iter()
        .find(|r| r["tool"] == "simulate-research-query")
        .and_then(|r| r["result"].as_str())
        .unwrap();
    assert_eq!(
        research.lines().next(),
        Some("# Research Report: python (programming)"),
        "{research}"
    );
    // The requests it asked the page to run as tasks were completed by the answers given.
    let first_line = |tool: &str| {
        report
            .iter()
            .find(|r| r["tool"] == tool)
            .and_then(|r| r["result"].as_str())
            .and_then(|text| text.lines().next())
            .map(str::to_owned)
    };
    assert_eq!(
        first_line("trigger-sampling-request-async").as_deref(),
        Some("[COMPLETED] Async sampling completed!")
    );
    assert_eq!(
        first_line("trigger-elicitation-request-async").as_deref(),
        Some("[COMPLETED] User provided the requested information!")
    );
    page.close().await;
}
