//! 2025-11-25 tasks in Chromium, against server-everything's `simulate-research-query` (a tool
//! that MUST be called as a task): the page calls it as one, shows the task's state as the
//! server reports it, puts the task's question in the queue as the call's, and shows the
//! report the answer shaped.

use std::time::Duration;

use mcp_desk_e2e::{LogLine, open_everything};
use serde_json::{Value, json};

/// The task's state on the page (`tool-task`'s `data-state`), and whether a question is up.
const STATE: &str = "
    const task = document.querySelector('[data-testid=tool-task]');
    return [task ? task.dataset.state : null, task ? task.textContent : null,
            !!document.querySelector('[data-testid=elicitation-dialog]')];";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_research_task_shows_its_state_asks_its_question_and_reports() {
    let (_server, page) = open_everything("tool-item").await;
    let b = &page.browser;
    page.call_tool(
        "simulate-research-query",
        &json!({"topic": "python", "ambiguous": true}),
    )
    .await;
    // Every state the page shows until the question is up, each once in a row.
    let mut states: Vec<String> = Vec::new();
    let mut message = Value::Null;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no question within 30 s; states {states:?}"
        );
        let state = b.eval(STATE).await.unwrap();
        if let Some(status) = state[0].as_str()
            && states.last().map(String::as_str) != Some(status)
        {
            states.push(status.to_owned());
            message = state[1].clone();
        }
        if state[2] == json!(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(states, ["working", "input_required"]);
    assert_eq!(
        message,
        json!("Found multiple interpretations for \"python\". Requesting clarification...")
    );
    // The question is the call's, and asks for one of the server's interpretations.
    assert_eq!(
        page.text_css("[data-testid=elicitation-dialog] code").await,
        "simulate-research-query"
    );
    let script = r#"const el = document.querySelector('[data-testid=elicitation-field][data-name=interpretation] select');
        Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(el, 'snake');
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
        return el.value;"#;
    assert_eq!(b.eval(script).await.unwrap(), json!("snake"));
    b.click("elicitation-accept").await.unwrap();
    let report = page.wait_for_outcome("ok").await;
    assert_eq!(
        report.lines().next(),
        Some("# Research Report: python (snake)"),
        "{report}"
    );
    page.wait_for_log_lines(
        "client",
        LogLine::StartingWith("The server runs the call of simulate-research-query as task "),
        1,
    )
    .await;
    page.close().await;
}
