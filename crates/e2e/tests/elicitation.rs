//! Elicitation, in Chromium against real servers: `server-everything`'s form and URL tools
//! (they appear once the client declares elicitation), the TypeScript SDK's form example behind
//! a CORS front, and the Python SDK at 2026-07-28 asking inside an `input_required` result
//! beside the roots. Every field kind, the checks before sending, and each answer — accept,
//! decline, cancel (Esc) — as the server received it.

use std::time::Duration;

use fantoccini::key::Key;
use mcp_desk_e2e::{LogLine, Page, open_everything, open_page, open_python};
use mcp_desk_testkit::fault_proxy::{Fault, FaultProxy};
use mcp_desk_testkit::peers::{Cors, ServerEverything, TsExample};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

/// Waits for the question in front, in `mode` (`form`, `url`), labelled as one in the queue.
async fn wait_for_question(page: &Page, mode: &str) {
    page.browser
        .wait_for_attribute("elicitation-dialog", "data-mode", mode, WAIT)
        .await
        .unwrap();
    let kinds = page
        .browser
        .eval("return [...document.querySelectorAll('[data-testid=sampling-queue-item]')].map(e => e.dataset.kind);")
        .await
        .unwrap();
    assert_eq!(kinds, json!(["elicitation"]));
}

/// Types `value` into field `name` (its input or select) the way a person does.
async fn set_field(page: &Page, name: &str, value: &str) {
    let script = format!(
        r#"const el = document.querySelector('[data-testid=elicitation-field][data-name="{name}"] :is(input, select)');
        const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, {});
        el.dispatchEvent(new Event('input', {{ bubbles: true }}));
        el.dispatchEvent(new Event('change', {{ bubbles: true }}));
        return el.value;"#,
        Value::String(value.into())
    );
    assert_eq!(
        page.browser.eval(&script).await.unwrap(),
        json!(value),
        "{name} takes {value:?}"
    );
}

/// Ticks (or unticks) the checkbox of field `name`, or its option `option`.
async fn tick(page: &Page, name: &str, option: Option<&str>) {
    let value = option
        .map(|o| format!(r#"[value="{o}"]"#))
        .unwrap_or_default();
    page.click_css(&format!(
        r#"[data-testid="elicitation-field"][data-name="{name}"] input[type=checkbox]{value}"#
    ))
    .await;
}

/// What each field shows, by name: a select its chosen option's label, a checkbox `true` or
/// `false`, a list of boxes the ticked options, an input its text.
async fn shown(page: &Page) -> Value {
    page.browser
        .eval(
            "const shown = {};
            for (const f of document.querySelectorAll('[data-testid=elicitation-field]')) {
                const select = f.querySelector('select');
                const boxes = [...f.querySelectorAll('input[type=checkbox]')];
                shown[f.dataset.name] = select ? select.selectedOptions[0].textContent
                    : f.dataset.kind === 'choices' ? boxes.filter(b => b.checked).map(b => b.value)
                    : f.dataset.kind === 'boolean' ? boxes[0].checked
                    : f.querySelector('input').value;
            }
            return shown;",
        )
        .await
        .unwrap()
}

/// Each error shown beside a field, as `field: error`.
async fn field_errors(page: &Page) -> Value {
    page.browser
        .eval("return [...document.querySelectorAll('[data-testid=elicitation-field-error]')].map(e => e.closest('[data-testid=elicitation-field]').dataset.name + ': ' + e.textContent);")
        .await
        .unwrap()
}

/// The fields shown, as `name:kind`.
async fn fields(page: &Page) -> Value {
    page.browser
        .eval("return [...document.querySelectorAll('[data-testid=elicitation-field]')].map(e => e.dataset.name + ':' + e.dataset.kind);")
        .await
        .unwrap()
}

/// The elicitation result as server-everything received it (it quotes it as JSON).
fn raw_result(text: &str) -> Value {
    let (_, raw) = text
        .split_once("Raw result: ")
        .unwrap_or_else(|| panic!("no raw result in {text}"));
    serde_json::from_str(raw.trim()).unwrap_or_else(|e| panic!("{e}: {raw}"))
}

async fn everything() -> (ServerEverything, Page) {
    open_everything("tool-item").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_kind_of_server_everything_is_checked_then_sent() {
    let (_server, page) = everything().await;
    let b = &page.browser;
    page.call_tool("trigger-elicitation-request", &json!({}))
        .await;
    wait_for_question(&page, "form").await;
    assert_eq!(
        b.text_of("elicitation-message").await.unwrap(),
        "Please provide inputs for the following fields:"
    );
    assert_eq!(
        fields(&page).await,
        json!([
            "birthdate:text",
            "check:boolean",
            "email:text",
            "firstLine:text",
            "homepage:text",
            "integer:number",
            "legacyTitledEnum:choice",
            "name:text",
            "number:number",
            "titledMultipleSelectEnum:choices",
            "titledSingleSelectEnum:choice",
            "untitledMultipleSelectEnum:choices",
            "untitledSingleSelectEnum:choice"
        ])
    );
    // Titles label the options; what is shown is what would be sent: the defaults, and
    // "(choose)" where there is none.
    assert_eq!(
        shown(&page).await,
        json!({
            "birthdate": "", "check": false, "email": "", "firstLine": "It was a dark and stormy night.",
            "homepage": "", "integer": "42", "legacyTitledEnum": "Cats", "name": "", "number": "3.14",
            "titledMultipleSelectEnum": ["fish-1"], "titledSingleSelectEnum": "Superman",
            "untitledMultipleSelectEnum": ["Guitar"], "untitledSingleSelectEnum": "Monica"
        })
    );

    // Nothing goes while a field is wrong; each error stands beside its field.
    b.click("elicitation-accept").await.unwrap();
    b.wait_for_testid("elicitation-field-error", WAIT)
        .await
        .unwrap();
    assert_eq!(field_errors(&page).await, json!(["name: Required."]));
    set_field(&page, "name", "Ada Lovelace").await;
    set_field(&page, "email", "ada@").await;
    set_field(&page, "integer", "101").await;
    set_field(&page, "birthdate", "1815-12-10").await;
    b.click("elicitation-accept").await.unwrap();
    page.wait_for_script(
        "return document.querySelectorAll('[data-testid=elicitation-field-error]').length;",
        &json!(2),
    )
    .await
    .unwrap();
    assert_eq!(
        field_errors(&page).await,
        json!([
            "email: Not an email address, such as name@example.com.",
            "integer: At most 100."
        ])
    );
    assert_eq!(
        b.text_of("elicitation-error").await.unwrap(),
        "2 fields need fixing before the answer can go."
    );
    set_field(&page, "email", "ada@example.com").await;
    set_field(&page, "integer", "7").await;
    set_field(&page, "homepage", "https://ada.example/").await;
    set_field(&page, "number", "12.5").await;
    set_field(&page, "legacyTitledEnum", "pet-2").await;
    set_field(&page, "titledSingleSelectEnum", "hero-3").await;
    tick(&page, "check", None).await;
    tick(&page, "untitledMultipleSelectEnum", Some("Piano")).await;
    b.click("elicitation-accept").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert_eq!(
        raw_result(&result),
        json!({"action": "accept", "content": {
            "birthdate": "1815-12-10", "check": true, "email": "ada@example.com",
            "firstLine": "It was a dark and stormy night.", "homepage": "https://ada.example/",
            "integer": 7, "legacyTitledEnum": "pet-2", "name": "Ada Lovelace", "number": 12.5,
            "titledMultipleSelectEnum": ["fish-1"], "titledSingleSelectEnum": "hero-3",
            "untitledMultipleSelectEnum": ["Guitar", "Piano"], "untitledSingleSelectEnum": "Monica"
        }})
    );
    page.wait_for_queue(0).await;
    page.wait_until_gone("elicitation-dialog").await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_question_and_one_dismissed_with_escape_reach_the_server_as_such() {
    let (_server, page) = everything().await;
    let b = &page.browser;
    page.call_tool("trigger-elicitation-request", &json!({}))
        .await;
    wait_for_question(&page, "form").await;
    b.click("elicitation-decline").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert_eq!(raw_result(&result), json!({"action": "decline"}));

    b.click("call-tool").await.unwrap();
    wait_for_question(&page, "form").await;
    // The dialog takes the focus on arrival; Esc there is a cancel.
    page.wait_for_script(
        "return document.activeElement.id;",
        &json!("elicitation-heading"),
    )
    .await
    .unwrap();
    b.client()
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Escape.to_string())
        .await
        .unwrap();
    page.wait_until_gone("elicitation-dialog").await;
    let result = page.wait_for_outcome("ok").await;
    assert_eq!(raw_result(&result), json!({"action": "cancel"}));
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_is_shown_whole_with_its_host_and_opens_only_when_the_person_says_so() {
    let (_server, page) = everything().await;
    let b = &page.browser;
    let suspicious = "https://xn--80ak6aa92e.example/connect?state=abc";
    page.call_tool(
        "trigger-url-elicitation",
        &json!({"url": suspicious, "message": "Link your account"}),
    )
    .await;
    wait_for_question(&page, "url").await;
    assert_eq!(b.text_of("elicitation-url").await.unwrap(), suspicious);
    assert_eq!(
        b.text_of("elicitation-host").await.unwrap(),
        "xn--80ak6aa92e.example"
    );
    assert_eq!(
        b.all_text_of("elicitation-url-warning").await.unwrap(),
        "The host is written in Punycode (xn--…): it may be made to look like another name."
    );
    // Shown as text, never as a link.
    assert_eq!(
        b.eval("return document.querySelectorAll('[data-testid=elicitation-dialog] a').length;")
            .await
            .unwrap(),
        json!(0)
    );
    b.click("elicitation-decline").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert_eq!(raw_result(&result), json!({"action": "decline"}));
    assert_eq!(
        b.client().windows().await.unwrap().len(),
        1,
        "nothing opened"
    );

    // Opening it is the consent: a new tab, and the server hears accept.
    let port = mcp_desk_testkit::free_port();
    let there = format!("http://127.0.0.1:{port}/done");
    page.call_tool(
        "trigger-url-elicitation",
        &json!({"url": there, "message": "Finish in your browser"}),
    )
    .await;
    wait_for_question(&page, "url").await;
    assert_eq!(
        b.all_text_of("elicitation-url-warning").await.unwrap(),
        "It is not HTTPS: what you enter there travels unencrypted."
    );
    b.click("elicitation-open").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert!(
        result.starts_with("✅ User completed the URL elicitation flow.\nElicitation ID: "),
        "{result}"
    );
    assert_eq!(raw_result(&result), json!({"action": "accept"}));
    assert_eq!(b.client().windows().await.unwrap().len(), 2, "one new tab");
    page.wait_for_log_lines(
        "client",
        LogLine::StartingWith(&format!(
            "Asked the browser to open {there} in a new tab, as "
        )),
        1,
    )
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_sdk_form_example_registers_a_user_once_the_form_fits() {
    let example = TsExample::start("elicitationFormExample").await.unwrap();
    let front = FaultProxy::start(example.url()).await.unwrap();
    let page = open_page(&front.url(Fault::None), "mock").await;
    let b = &page.browser;
    b.wait_for_testid("tool-item", WAIT).await.unwrap();
    page.call_tool("register_user", &json!({})).await;
    wait_for_question(&page, "form").await;
    assert_eq!(
        fields(&page).await,
        json!([
            "email:text",
            "interests:choices",
            "newsletter:boolean",
            "password:text",
            "role:choice",
            "username:text"
        ])
    );
    set_field(&page, "username", "al").await;
    set_field(&page, "email", "ada@example.com").await;
    set_field(&page, "password", "short").await;
    b.click("elicitation-accept").await.unwrap();
    page.wait_for_script(
        "return document.querySelectorAll('[data-testid=elicitation-field-error]').length;",
        &json!(2),
    )
    .await
    .unwrap();
    assert_eq!(
        field_errors(&page).await,
        json!([
            "password: At least 8 characters (5 now).",
            "username: At least 3 characters (2 now)."
        ])
    );
    set_field(&page, "password", "a long passphrase").await;
    tick(&page, "newsletter", None).await;
    // Typed as a person types, then sent with Ctrl+Enter without leaving the field: what
    // was typed last is what goes.
    let username = b
        .client()
        .find(fantoccini::Locator::Css(
            r#"[data-testid="elicitation-field"][data-name="username"] input"#,
        ))
        .await
        .unwrap();
    username.clear().await.unwrap();
    username.send_keys("ada").await.unwrap();
    username
        .send_keys(&format!("{}{}", Key::Control, Key::Enter))
        .await
        .unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert_eq!(
        result,
        "Registration successful!\n\nUsername: ada\nEmail: ada@example.com\nNewsletter: Yes"
    );
    // The trail says what was answered, never what was typed (the form asked for a password).
    let answered = "return JSON.parse(localStorage.getItem('mcp-desk.audit') || '[]').filter(e => e.kind === 'answer').map(e => e.detail);";
    let recorded = json!([{"request": 0, "action": "accept",
        "fields": ["email", "newsletter", "password", "role", "username"]}]);
    if let Err(seen) = page.wait_for_script(answered, &recorded).await {
        panic!("the trail recorded {seen}");
    }
    let saved = b
        .eval("return localStorage.getItem('mcp-desk.audit');")
        .await
        .unwrap();
    assert!(!saved.as_str().unwrap().contains("a long passphrase"));
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_at_2026_07_28_asks_inside_input_required_beside_the_roots() {
    let (_server, page) = open_python(Cors::Full, "tool-item").await;
    let b = &page.browser;
    page.call_tool("signup_mrtr", &json!({})).await;
    wait_for_question(&page, "form").await;
    assert_eq!(
        b.text_of("elicitation-message").await.unwrap(),
        "Who is signing up?"
    );
    assert_eq!(
        fields(&page).await,
        json!(["name:text", "plan:choice", "seats:number"])
    );
    set_field(&page, "name", "Ada").await;
    set_field(&page, "plan", "team").await;
    b.click("elicitation-accept").await.unwrap();
    assert_eq!(
        page.wait_for_outcome("ok").await,
        "accept at 2026-07-28 with 0 root(s): name=Ada, plan=team, seats=1"
    );

    // Declining is an answer too at 2026-07-28: the call goes again and the server hears it.
    b.click("call-tool").await.unwrap();
    wait_for_question(&page, "form").await;
    b.click("elicitation-decline").await.unwrap();
    page.wait_until_gone("elicitation-dialog").await;
    assert_eq!(
        page.wait_for_outcome("ok").await,
        "decline at 2026-07-28 with 0 root(s): no content"
    );
    page.close().await;
}

/// A call refused until the person opens a page (-32042): the page from the error waits in the
/// queue as a URL question; the call ends with what to do; called again, the server asks the
/// usual way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_elicitation_required_error_queues_its_page_and_the_call_goes_again() {
    let (_server, page) = everything().await;
    let b = &page.browser;
    let args = json!({"url": "https://example.com/after", "errorPath": true});
    page.call_tool("trigger-url-elicitation", &args).await;
    assert_eq!(
        page.wait_for_outcome("error").await,
        "error: trigger-url-elicitation needs you to open a page first (URL elicitation required, -32042); it waits in the queue. Once you are done there, call trigger-url-elicitation again."
    );
    wait_for_question(&page, "url").await;
    assert_eq!(
        b.text_of("elicitation-url").await.unwrap(),
        "https://modelcontextprotocol.io"
    );
    assert_eq!(
        b.text_of("elicitation-message").await.unwrap(),
        "Open this link to satisfy the prerequisite, then retry the request."
    );
    b.click("elicitation-accept").await.unwrap();
    page.wait_for_queue(0).await;
    // Called again, the server goes on and asks for its own page.
    b.click("call-tool").await.unwrap();
    wait_for_question(&page, "url").await;
    assert_eq!(
        b.text_of("elicitation-url").await.unwrap(),
        "https://example.com/after"
    );
    b.click("elicitation-decline").await.unwrap();
    let result = page.wait_for_outcome("ok").await;
    assert_eq!(raw_result(&result), json!({"action": "decline"}));
    page.close().await;
}
