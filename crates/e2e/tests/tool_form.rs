//! A tool's arguments as a form beside the JSON, always in step, and its results with every
//! content type — in Chromium against `server-everything`: typing in a field writes the JSON,
//! editing the JSON fills the fields, a field that cannot go into the JSON says why beside it;
//! an image, an embedded resource, and structured content checked against the output schema.

use std::time::Duration;

use mcp_desk_e2e::{Page, open_everything};
use mcp_desk_testkit::peers::ServerEverything;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

async fn everything() -> (ServerEverything, Page) {
    open_everything("tool-item").await
}

async fn pick(page: &Page, tool: &str) {
    page.click_css(&format!(r#"[data-testid="tool-item"][data-name="{tool}"]"#))
        .await;
}

/// The JSON box's arguments, parsed.
async fn json_box(page: &Page) -> Value {
    let text = page.browser.value_of("tool-args-json").await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// What each field of the form shows, by name.
async fn form(page: &Page) -> Value {
    page.browser
        .eval("const shown = {}; for (const f of document.querySelectorAll('[data-testid=tool-form-field]')) { const s = f.querySelector('select'); shown[f.dataset.name] = s ? s.value : f.querySelector('input').value; } return shown;")
        .await
        .unwrap()
}

async fn field_input(page: &Page, name: &str) -> fantoccini::elements::Element {
    page.browser
        .client()
        .find(fantoccini::Locator::Css(&format!(
            r#"[data-testid="tool-form-field"][data-name="{name}"] input"#
        )))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_and_the_json_stay_in_step_both_ways() {
    let (_server, page) = everything().await;
    let b = &page.browser;
    pick(&page, "get-sum").await;
    // Required numbers with no default are offered as 0, in both.
    assert_eq!(json_box(&page).await, json!({"a": 0, "b": 0}));
    assert_eq!(form(&page).await, json!({"a": "0", "b": "0"}));

    // Typed in a field: the JSON follows.
    let a = field_input(&page, "a").await;
    a.clear().await.unwrap();
    a.send_keys("2").await.unwrap();
    page.wait_for_script(
        "return JSON.parse(document.querySelector('[data-testid=tool-args-json]').value);",
        &json!({"a": 2, "b": 0}),
    )
    .await
    .unwrap();

    // Edited in the JSON: the form follows.
    b.set_value("tool-args-json", r#"{"a": 2, "b": 5}"#)
        .await
        .unwrap();
    assert_eq!(form(&page).await, json!({"a": "2", "b": "5"}));

    // A required field emptied (with Backspace, as a person does) cannot go into the JSON: it
    // says so, and the JSON keeps 5.
    let backspace = fantoccini::key::Key::Backspace.to_string();
    field_input(&page, "b")
        .await
        .send_keys(&backspace)
        .await
        .unwrap();
    b.wait_for_exact("tool-form-error", "Required.", WAIT)
        .await
        .unwrap();
    assert_eq!(json_box(&page).await, json!({"a": 2, "b": 5}));
    field_input(&page, "b").await.send_keys("5").await.unwrap();
    page.wait_until_gone("tool-form-error").await;

    b.click("call-tool").await.unwrap();
    assert_eq!(
        page.wait_for_outcome("ok").await,
        "The sum of 2 and 5 is 7."
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_embedded_resources_and_structured_content_are_shown_as_they_are() {
    let (_server, page) = everything().await;
    let b = &page.browser;
    page.call_tool("get-tiny-image", &json!({})).await;
    page.wait_for_outcome("ok").await;
    b.wait_for_attribute("tool-result-media", "data-items", "1", WAIT)
        .await
        .unwrap();
    let image = b
        .eval("const img = document.querySelector('[data-testid=tool-result-media] img[data-kind=image]'); return img && img.getAttribute('src').slice(0, 22);")
        .await
        .unwrap();
    assert_eq!(image, json!("data:image/png;base64,"));

    page.call_tool(
        "get-resource-reference",
        &json!({"resourceType": "Text", "resourceId": 7}),
    )
    .await;
    let text = page.wait_for_outcome("ok").await;
    assert_eq!(
        text,
        "Returning resource reference for Resource 7:\n\n[embedded resource: demo://resource/dynamic/text/7]\n\nYou can access this resource using the URI: demo://resource/dynamic/text/7"
    );
    b.wait_for_attribute("tool-result-media", "data-items", "1", WAIT)
        .await
        .unwrap();
    let embedded = b
        .eval("return document.querySelector('[data-testid=tool-result-media] [data-kind=text]').textContent;")
        .await
        .unwrap();
    assert!(
        embedded
            .as_str()
            .unwrap()
            .starts_with("Resource 7: This is a plaintext resource created at "),
        "{embedded}"
    );

    // Structured content that fits the tool's output schema says so.
    pick(&page, "get-structured-content").await;
    b.wait_for_testid("tool-form-field", WAIT).await.unwrap();
    let select = b
        .client()
        .find(fantoccini::Locator::Css(
            r#"[data-testid="tool-form-field"][data-name="location"] select"#,
        ))
        .await
        .unwrap();
    select.select_by_value("Chicago").await.unwrap();
    assert_eq!(json_box(&page).await, json!({"location": "Chicago"}));
    b.click("call-tool").await.unwrap();
    page.wait_for_outcome("ok").await;
    b.wait_for_attribute("tool-structured", "data-valid", "true", WAIT)
        .await
        .unwrap();
    page.close().await;
}
