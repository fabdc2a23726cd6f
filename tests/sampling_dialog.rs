//! The sampling dialog as a person meets it: what the server sent is shown, edits are marked
//! as edits and reach the Mock provider, and a bad answer is refused with a reason.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use mcp_desk::controller::Controller;
use mcp_desk::state::{AppState, QueuedSampling, RequestKey, ServerId};
use mcp_desk_protocol::InputId;
use mcp_desk_protocol::model::{
    CreateMessageRequestParams, ModelHint, ModelPreferences, SamplingMessage,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Leptos run its scheduled effects.
async fn settle() {
    for _ in 0..3 {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    }
}

fn find(id: &str) -> Element {
    find_all(id)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no [data-testid={id}]"))
}

fn find_all(id: &str) -> Vec<Element> {
    let list = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .query_selector_all(&format!("[data-testid=\"{id}\"]"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

fn value(id: &str) -> String {
    let el = find(id);
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return t.value();
    }
    if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        return s.value();
    }
    el.dyn_into::<web_sys::HtmlInputElement>().unwrap().value()
}

fn type_into(id: &str, text: &str) {
    let el = find(id);
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        t.set_value(text);
    } else {
        el.dyn_ref::<web_sys::HtmlInputElement>()
            .unwrap()
            .set_value(text);
    }
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn click(id: &str) {
    find(id).dyn_into::<HtmlElement>().unwrap().click();
}

fn text(id: &str) -> String {
    find(id).text_content().unwrap_or_default()
}

fn request() -> CreateMessageRequestParams {
    let mut params = CreateMessageRequestParams::new(
        vec![
            SamplingMessage::user_text("Summarise.\n\nFirst sentence here. Second one."),
            SamplingMessage::assistant_text("Earlier answer."),
            SamplingMessage::user_text("Please do it again. Thanks."),
        ],
        200,
    )
    .with_system_prompt("Be brief.")
    .with_model_preferences(
        ModelPreferences::new()
            .with_hints(vec![ModelHint::new("claude-3-5-sonnet")])
            .with_cost_priority(0.3),
    );
    params.temperature = Some(0.3);
    params
}

/// Mounts the page with one queued request and no connection.
async fn mount_with_request() -> AppState {
    // Each test gets a fresh container (the test runner's own output lives in the body too).
    let document = web_sys::window().unwrap().document().unwrap();
    if let Some(old) = document.get_element_by_id("app-under-test") {
        old.remove();
    }
    let container = document.create_element("div").unwrap();
    container.set_id("app-under-test");
    document.body().unwrap().append_child(&container).unwrap();
    let state = AppState::new();
    let mounted = state;
    leptos::mount::mount_to(container.unchecked_into(), move || {
        provide_context(mounted);
        provide_context(Controller::new(mounted));
        view! { <mcp_desk::ui::App/> }
    })
    .forget();
    state.queue.update(|q| {
        q.push(QueuedSampling {
            key: RequestKey {
                server: ServerId(0),
                input: InputId(0),
            },
            server: "test-server".into(),
            server_url: "http://127.0.0.1:9/mcp".into(),
            tool: Some("create_blog_post".into()),
            params: request(),
            rule_note: None,
            prefill: RwSignal::new(None),
        })
    });
    settle().await;
    state
}

#[wasm_bindgen_test]
async fn the_dialog_shows_what_the_server_sent_and_marks_edits() {
    let state = mount_with_request().await;
    assert!(text("sampling-server").contains("test-server"));
    assert!(text("sampling-tool").contains("create_blog_post"));
    let roles: Vec<String> = find_all("sampling-message")
        .iter()
        .map(|m| m.get_attribute("data-role").unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
    assert_eq!(value("sampling-system-prompt"), "Be brief.");
    assert_eq!(value("sampling-max-tokens"), "200");
    assert_eq!(value("sampling-temperature"), "0.3");
    assert!(text("sampling-model-hints").contains("claude-3-5-sonnet"));
    assert!(text("sampling-model-priorities").contains("cost 0.3"));
    assert_eq!(value("sampling-provider"), "mock");
    assert!(text("sampling-model-reason").contains("claude-3-5-sonnet"));
    assert_eq!(
        web_sys::window().unwrap().document().unwrap().title(),
        "(1) MCP Desk"
    );

    // An edit is shown as an edit, with what the server sent.
    assert!(!text("sampling-dialog").contains("the server sent: Be brief."));
    type_into("sampling-system-prompt", "Be very brief.");
    settle().await;
    assert!(text("sampling-dialog").contains("edited — the server sent: Be brief."));

    // The Mock answers the edited request: max tokens 4 cuts its answer.
    type_into("sampling-max-tokens", "4");
    click("sampling-generate");
    settle().await;
    assert_eq!(value("sampling-response"), "Mock summary: Please do");
    assert_eq!(text("sampling-stop-reason"), "maxTokens");
    assert_eq!(
        state.queue.with_untracked(Vec::len),
        1,
        "generating answers nothing yet"
    );
}

#[wasm_bindgen_test]
async fn bad_edits_and_a_lost_connection_are_refused_with_reasons() {
    let state = mount_with_request().await;
    type_into("sampling-max-tokens", "lots");
    click("sampling-generate");
    settle().await;
    assert!(text("sampling-error").contains("Max tokens must be a whole number"));
    type_into("sampling-max-tokens", "50");
    type_into("sampling-response", "An answer.");
    click("sampling-approve");
    settle().await;
    // No connection behind this page: the answer is kept and the reason shown.
    assert!(text("sampling-error").contains("Not connected"));
    assert_eq!(value("sampling-response"), "An answer.");
    assert_eq!(state.queue.with_untracked(Vec::len), 1);
}

fn key(id: &str, key: &str, ctrl: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    find(id).dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn keys_approve_and_reject_and_arrows_walk_the_queue() {
    let state = mount_with_request().await;
    // Ctrl+Enter approves: with no answer yet, the dialog says why it cannot.
    key("sampling-response", "Enter", true);
    settle().await;
    assert!(
        text("sampling-error").contains("empty"),
        "{}",
        text("sampling-error")
    );
    // Esc in a text field does nothing: a person editing must not lose the request.
    key("sampling-response", "Escape", false);
    settle().await;
    assert!(!text("sampling-error").contains("Not connected"));
    // Esc elsewhere in the dialog rejects: with no connection, it says so and keeps the request.
    key("sampling-generate", "Escape", false);
    settle().await;
    assert!(
        text("sampling-error").contains("Not connected"),
        "{}",
        text("sampling-error")
    );
    assert_eq!(state.queue.with_untracked(Vec::len), 1);

    // A second request: the arrows in the queue bring it to the front.
    let mut second = request();
    second.system_prompt = Some("The second one.".into());
    state.queue.update(|q| {
        q.push(QueuedSampling {
            key: RequestKey {
                server: ServerId(1),
                input: InputId(0),
            },
            server: "other-server".into(),
            server_url: "http://127.0.0.1:10/mcp".into(),
            tool: None,
            params: second,
            rule_note: None,
            prefill: RwSignal::new(None),
        })
    });
    settle().await;
    assert_eq!(value("sampling-system-prompt"), "Be brief.");
    key("sampling-queue", "ArrowDown", false);
    settle().await;
    assert_eq!(value("sampling-system-prompt"), "The second one.");
    assert!(text("sampling-server").contains("other-server"));
    key("sampling-queue", "ArrowUp", false);
    settle().await;
    assert_eq!(value("sampling-system-prompt"), "Be brief.");
}

#[wasm_bindgen_test]
async fn images_render_audio_plays_and_unsafe_media_is_only_labelled() {
    use mcp_desk::ui::sampling_message::media_url;
    assert_eq!(
        media_url("image", "image/png", "iVBORw0KGgo=").as_deref(),
        Some("data:image/png;base64,iVBORw0KGgo=")
    );
    assert_eq!(
        media_url("image", "image/svg+xml", "PHN2Zz4="),
        None,
        "SVG can carry scripts"
    );
    assert_eq!(media_url("image", "text/html", "PGI+"), None);
    assert_eq!(
        media_url("audio", "audio/wav", "not base64!\"><script>"),
        None
    );
    assert!(media_url("audio", "audio/wav", "UklGRg==").is_some());
}
