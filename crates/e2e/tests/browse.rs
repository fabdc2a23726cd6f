//! Resources and prompts, in Chromium against `server-everything`: its documents listed and
//! read as text, its templates filled in (with the server's suggestions) and read as text and
//! as a binary, a subscription that hears the server's updates, and its prompts got with
//! arguments — required ones checked, suggestions narrowed by the other arguments, and an
//! embedded resource shown in a message; and against the Python SDK at 2026-07-28, a
//! subscription heard on the listen stream, and a read and a prompt that need input first.

use std::time::Duration;

use mcp_desk_e2e::{LogLine, Page, open_everything, open_python};
use mcp_desk_testkit::peers::{ServerEverything, peers_dir};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

async fn everything() -> (ServerEverything, Page) {
    open_everything("resource-item").await
}

/// The values of `attribute` of every element with `testid`, in page order.
async fn all(page: &Page, testid: &str, attribute: &str) -> Value {
    page.browser
        .eval(&format!(
            "return [...document.querySelectorAll('[data-testid={testid}]')].map(e => e.getAttribute('{attribute}'));"
        ))
        .await
        .unwrap()
}

/// Types `text` into the input a CSS selector finds, key by key, as a person does.
async fn type_into(page: &Page, selector: &str, text: &str) {
    let input = page
        .browser
        .client()
        .find(fantoccini::Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"));
    input.send_keys(text).await.unwrap();
}

/// The text of each message of the prompt shown.
async fn messages(page: &Page) -> Vec<String> {
    let texts = page
        .browser
        .eval("return [...document.querySelectorAll('[data-testid=prompt-message] .content')].map(e => e.textContent);")
        .await
        .unwrap();
    serde_json::from_value(texts).unwrap()
}

/// Waits until the suggestions shown are exactly `values`.
async fn wait_for_options(page: &Page, values: &[&str]) {
    let script = "return [...document.querySelectorAll('[data-testid=completion-option]')].map(e => e.textContent);";
    if let Err(seen) = page.wait_for_script(script, &json!(values)).await {
        panic!("suggestions {seen}, not {values:?}");
    }
}

/// Waits until the resource shown is `uri`, and returns the text of its items.
async fn wait_for_contents(page: &Page, uri: &str) -> Vec<(String, String)> {
    page.browser
        .wait_for_attribute("resource-content", "data-uri", uri, WAIT)
        .await
        .unwrap();
    let items = page
        .browser
        .eval("return [...document.querySelectorAll('[data-testid=resource-content-item] .content')].map(e => [e.dataset.kind, e.textContent]);")
        .await
        .unwrap();
    serde_json::from_value(items).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_and_templates_are_read_as_text_and_as_binary_and_updates_are_heard() {
    let (_server, page) = everything().await;
    let b = &page.browser;
    // Every document the server ships is listed.
    let docs = peers_dir().join("node_modules/@modelcontextprotocol/server-everything/dist/docs");
    let mut names: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut listed: Vec<String> =
        serde_json::from_value(all(&page, "resource-item", "data-uri").await).unwrap();
    listed.sort();
    let expected: Vec<String> = names
        .iter()
        .map(|n| format!("demo://resource/static/document/{n}"))
        .collect();
    assert_eq!(listed, expected);

    // A document is read as the text it is.
    let features = "demo://resource/static/document/features.md";
    page.click_css(&format!(
        r#"[data-testid="resource-item"][data-uri="{features}"] button.link"#
    ))
    .await;
    let text = std::fs::read_to_string(docs.join("features.md")).unwrap();
    assert_eq!(
        wait_for_contents(&page, features).await,
        [("text".to_owned(), text)]
    );

    // A template: the variable filled in, with the server's suggestion, then read.
    assert_eq!(
        all(&page, "resource-template-item", "data-uri-template").await,
        json!([
            "demo://resource/dynamic/text/{resourceId}",
            "demo://resource/dynamic/blob/{resourceId}"
        ])
    );
    page.click_css(r#"[data-testid="resource-template-item"][data-uri-template="demo://resource/dynamic/text/{resourceId}"] button"#)
        .await;
    type_into(
        &page,
        r#"[data-testid="resource-template-var"][data-name="resourceId"]"#,
        "3",
    )
    .await;
    wait_for_options(&page, &["3"]).await;
    b.click("resource-read").await.unwrap();
    let items = wait_for_contents(&page, "demo://resource/dynamic/text/3").await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].0, "text");
    assert!(
        items[0]
            .1
            .starts_with("Resource 3: This is a plaintext resource created at "),
        "{items:?}"
    );

    // A blob: its size, its text, and a download — never rendered.
    page.click_css(r#"[data-testid="resource-template-item"][data-uri-template="demo://resource/dynamic/blob/{resourceId}"] button"#)
        .await;
    type_into(
        &page,
        r#"[data-testid="resource-template-var"][data-name="resourceId"]"#,
        "4",
    )
    .await;
    b.click("resource-read").await.unwrap();
    let items = wait_for_contents(&page, "demo://resource/dynamic/blob/4").await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].0, "binary");
    assert!(
        items[0]
            .1
            .contains("Resource 4: This is a base64 blob created at "),
        "{items:?}"
    );
    let download = b
        .eval(
            "return document.querySelector('[data-testid=content-download]').getAttribute('href');",
        )
        .await
        .unwrap();
    assert!(
        download
            .as_str()
            .unwrap()
            .starts_with("data:application/octet-stream;base64,"),
        "{download}"
    );

    // Subscribed, the server's updates are heard and counted.
    page.click_css(&format!(
        r#"[data-testid="resource-item"][data-uri="{features}"] [data-testid="resource-subscribe"]"#
    ))
    .await;
    let pressed = format!(
        r#"return document.querySelector('[data-testid="resource-item"][data-uri="{features}"] [data-testid="resource-subscribe"]').getAttribute('aria-pressed');"#
    );
    page.wait_for_script(&pressed, &json!("true"))
        .await
        .unwrap();
    page.call_tool("toggle-subscriber-updates", &json!({}))
        .await;
    page.wait_for_outcome("ok").await;
    page.wait_for_log_lines(
        "client",
        LogLine::Exact(&format!("The server says {features} changed")),
        1,
    )
    .await;
    let updates = format!(
        r#"return document.querySelector('[data-testid="resource-item"][data-uri="{features}"] [data-testid="resource-updates"]')?.textContent ?? null;"#
    );
    page.wait_for_script(&updates, &json!("1 update(s)"))
        .await
        .unwrap();
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_are_got_with_their_arguments_and_the_servers_suggestions() {
    let (_server, page) = everything().await;
    let b = &page.browser;
    b.wait_for_testid("prompt-item", WAIT).await.unwrap();
    assert_eq!(
        all(&page, "prompt-item", "data-name").await,
        json!([
            "simple-prompt",
            "args-prompt",
            "completable-prompt",
            "resource-prompt"
        ])
    );

    // A required argument left empty is named before anything is sent.
    page.click_css(r#"[data-testid="prompt-item"][data-name="args-prompt"] button"#)
        .await;
    assert_eq!(
        all(&page, "prompt-arg", "data-name").await,
        json!(["city", "state"])
    );
    b.click("prompt-get").await.unwrap();
    b.wait_for_exact(
        "prompt-error",
        "Fill in city first: the prompt needs it.",
        WAIT,
    )
    .await
    .unwrap();
    type_into(
        &page,
        r#"[data-testid="prompt-arg"][data-name="city"]"#,
        "Oslo",
    )
    .await;
    b.click("prompt-get").await.unwrap();
    b.wait_for_attribute("prompt-result", "data-name", "args-prompt", WAIT)
        .await
        .unwrap();
    assert_eq!(
        b.eval("return [...document.querySelectorAll('[data-testid=prompt-message]')].map(e => [e.dataset.role, e.querySelector('.content').textContent]);")
            .await
            .unwrap(),
        json!([["user", "What's weather in Oslo?"]])
    );
    page.wait_until_gone("prompt-error").await;

    // Suggestions as the person types; the second narrowed by the first.
    page.click_css(r#"[data-testid="prompt-item"][data-name="completable-prompt"] button"#)
        .await;
    type_into(
        &page,
        r#"[data-testid="prompt-arg"][data-name="department"]"#,
        "En",
    )
    .await;
    wait_for_options(&page, &["Engineering"]).await;
    b.click("completion-option").await.unwrap();
    assert_eq!(
        b.eval(r#"return document.querySelector('[data-testid="prompt-arg"][data-name="department"]').value;"#)
            .await
            .unwrap(),
        json!("Engineering")
    );
    type_into(
        &page,
        r#"[data-testid="prompt-arg"][data-name="name"]"#,
        "A",
    )
    .await;
    wait_for_options(&page, &["Alice"]).await;
    b.click("completion-option").await.unwrap();
    b.click("prompt-get").await.unwrap();
    b.wait_for_attribute("prompt-result", "data-name", "completable-prompt", WAIT)
        .await
        .unwrap();
    assert_eq!(
        messages(&page).await,
        ["Please promote Alice to the head of the Engineering team."]
    );

    // A message that embeds a resource shows the resource's contents.
    page.click_css(r#"[data-testid="prompt-item"][data-name="resource-prompt"] button"#)
        .await;
    type_into(
        &page,
        r#"[data-testid="prompt-arg"][data-name="resourceType"]"#,
        "Text",
    )
    .await;
    type_into(
        &page,
        r#"[data-testid="prompt-arg"][data-name="resourceId"]"#,
        "2",
    )
    .await;
    b.click("prompt-get").await.unwrap();
    b.wait_for_attribute("prompt-result", "data-name", "resource-prompt", WAIT)
        .await
        .unwrap();
    let shown = messages(&page).await;
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert_eq!(
        shown[0],
        "This prompt includes the Text resource with id: 2. Please analyze the following resource:"
    );
    assert!(
        shown[1].starts_with("Resource 2: This is a plaintext resource created at "),
        "{shown:?}"
    );
    page.close().await;
}

/// At 2026-07-28 there is no session to subscribe in: the page listens (`subscriptions/listen`)
/// for the resource, and the Python SDK's update of it is heard and the note read again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_subscription_listens_and_hears_the_python_sdks_update() {
    use mcp_desk_testkit::peers::Cors;
    let (_server, page) = open_python(Cors::Full, "resource-item").await;
    let note = "note://today";
    page.click_css(&format!(
        r#"[data-testid="resource-item"][data-uri="{note}"] button.link"#
    ))
    .await;
    assert_eq!(
        wait_for_contents(&page, note).await,
        [("text".to_owned(), "Edited 0 time(s).".to_owned())]
    );
    page.click_css(&format!(
        r#"[data-testid="resource-item"][data-uri="{note}"] [data-testid="resource-subscribe"]"#
    ))
    .await;
    let pressed = format!(
        r#"return document.querySelector('[data-testid="resource-item"][data-uri="{note}"] [data-testid="resource-subscribe"]').getAttribute('aria-pressed');"#
    );
    page.wait_for_script(&pressed, &json!("true"))
        .await
        .unwrap();
    page.call_tool("touch_note", &json!({})).await;
    assert_eq!(page.wait_for_outcome("ok").await, "Edited 1 time(s).");
    let updates = format!(
        r#"return document.querySelector('[data-testid="resource-item"][data-uri="{note}"] [data-testid="resource-updates"]')?.textContent ?? null;"#
    );
    page.wait_for_script(&updates, &json!("1 update(s)"))
        .await
        .unwrap();
    // The note on show is read again.
    let text = "return document.querySelector('[data-testid=resource-content-item] .content')?.textContent ?? null;";
    page.wait_for_script(text, &json!("Edited 1 time(s)."))
        .await
        .unwrap();
    page.close().await;
}

/// At 2026-07-28 a read and a prompt may need input first (`input_required`): the Python SDK's
/// `vault://{item}` asks the person why, its `toast_mrtr` has the client's LLM write a line.
/// Each question waits in the queue as the read's or the prompt's, and the request goes again
/// with the answer, which shapes what is shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_read_and_prompt_that_need_input_first_are_answered_and_shown() {
    use mcp_desk_testkit::peers::Cors;
    let (_server, page) = open_python(Cors::Full, "resource-template-item").await;
    let b = &page.browser;
    page.click_css(
        r#"[data-testid="resource-template-item"][data-uri-template="vault://{item}"] button"#,
    )
    .await;
    type_into(
        &page,
        r#"[data-testid="resource-template-var"][data-name="item"]"#,
        "gold",
    )
    .await;
    b.click("resource-read").await.unwrap();
    b.wait_for_attribute("elicitation-dialog", "data-mode", "form", WAIT)
        .await
        .unwrap();
    assert_eq!(
        page.text_css("[data-testid=elicitation-dialog] code").await,
        "resources/read vault://gold"
    );
    assert_eq!(
        b.text_of("elicitation-message").await.unwrap(),
        "Why open gold?"
    );
    type_into(
        &page,
        r#"[data-testid="elicitation-field"][data-name="reason"] input"#,
        "audit",
    )
    .await;
    b.click("elicitation-accept").await.unwrap();
    assert_eq!(
        wait_for_contents(&page, "vault://gold").await,
        [(
            "text".to_owned(),
            "gold opened (accept, reason: audit, state vault-1)".to_owned()
        )]
    );

    page.click_css(r#"[data-testid="prompt-item"][data-name="toast_mrtr"] button"#)
        .await;
    type_into(
        &page,
        r#"[data-testid="prompt-arg"][data-name="guest"]"#,
        "Ada",
    )
    .await;
    b.click("prompt-get").await.unwrap();
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    b.click("sampling-generate").await.unwrap();
    b.wait_for_text("sampling-response", "Mock", WAIT)
        .await
        .unwrap();
    let written = b
        .eval("return [document.querySelector('[data-testid=sampling-response]').value, document.querySelector('[data-testid=sampling-model]').value];")
        .await
        .unwrap();
    let (line, model) = (written[0].as_str().unwrap(), written[1].as_str().unwrap());
    b.click("sampling-approve").await.unwrap();
    b.wait_for_attribute("prompt-result", "data-name", "toast_mrtr", WAIT)
        .await
        .unwrap();
    assert_eq!(
        messages(&page).await,
        [format!("To Ada! {line} (by {model}, state toast-1)")]
    );
    page.close().await;
}
