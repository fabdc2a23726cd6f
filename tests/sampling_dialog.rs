//! The sampling dialog as a person meets it: what the server sent is shown, edits are marked
//! as edits and reach the Mock provider, a bad answer is refused with a reason, the keys do
//! what the dialog says (a plain Enter never sends), and everything typed for a request stays
//! with it while another is in front. Requests arrive through the controller, as a
//! connection hands them over.
#![cfg(target_arch = "wasm32")]
#![allow(deprecated)] // rmcp's sampling types

mod page;

use leptos::prelude::*;
use mcp_desk::controller::Controller;
use mcp_desk::state::{AppState, ServerId};
use mcp_desk_logic::audit::AuditKind;
use mcp_desk_protocol::model::{
    CreateMessageRequestParams, ImageContent, ModelHint, ModelPreferences, SamplingMessage,
    SamplingMessageContentBlock,
};
use mcp_desk_protocol::{CallId, InputId, PendingSampling, RelatedCall};
use page::{choose, click, find, find_all, key, mount, settle, text, type_into, value};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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

/// Mounts the page with one request from a server named `test-server` and no connection.
async fn mount_with_request() -> (AppState, Controller) {
    let (state, controller) = mount();
    state
        .panel_untracked()
        .server_name
        .set(Some("test-server".into()));
    arrive(&controller, 0, 0, request());
    settle().await;
    (state, controller)
}

/// A sampling request of server tab `server` arrives, as its connection would hand it over.
fn arrive(controller: &Controller, server: u32, input: u64, params: CreateMessageRequestParams) {
    let url = match server {
        0 => "http://127.0.0.1:9/mcp",
        _ => "http://127.0.0.1:10/mcp?token=srv-tok-4711",
    };
    controller.receive_sampling(
        ServerId(server),
        url,
        PendingSampling {
            input: InputId(input),
            raw: serde_json::to_string(&params).unwrap(),
            params,
            related_call: Some(RelatedCall {
                call: CallId(0),
                tool: "create_blog_post".into(),
            }),
        },
    );
}

/// The detail of the audit trail's last entry, which must be a request that left the queue
/// unanswered.
fn last_entry_is_a_stale_request(state: AppState) -> serde_json::Value {
    let last = state
        .audit
        .with_untracked(|trail| trail.last().cloned())
        .expect("an audit entry");
    assert_eq!(last.kind, AuditKind::Cancelled);
    last.detail
}

#[wasm_bindgen_test]
async fn the_dialog_shows_what_the_server_sent_and_marks_edits() {
    let (state, _) = mount_with_request().await;
    assert_eq!(text("sampling-server"), "test-server");
    assert_eq!(
        text("sampling-tool"),
        " during the call of create_blog_post"
    );
    let roles: Vec<String> = find_all("sampling-message")
        .iter()
        .map(|m| m.get_attribute("data-role").unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
    assert_eq!(value("sampling-system-prompt"), "Be brief.");
    assert_eq!(value("sampling-max-tokens"), "200");
    assert_eq!(value("sampling-temperature"), "0.3");
    assert_eq!(text("sampling-model-hints"), "claude-3-5-sonnet");
    assert_eq!(text("sampling-model-priorities"), "cost 0.3");
    assert_eq!(value("sampling-provider"), "mock");
    assert_eq!(
        text("sampling-model-reason"),
        "the Mock provider has a single model (the server hinted: claude-3-5-sonnet)"
    );
    assert_eq!(
        web_sys::window().unwrap().document().unwrap().title(),
        "(1) MCP Desk"
    );

    // An edit is shown as an edit, with what the server sent.
    assert!(!text("sampling-dialog").contains("the server sent: Be brief."));
    type_into("sampling-system-prompt", "Be very brief.");
    settle().await;
    assert!(text("sampling-dialog").contains("edited — the server sent: Be brief."));

    // Nothing generated yet: no stop reason to show.
    assert_eq!(text("sampling-stop-reason"), "none yet");
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
    let call = state
        .audit
        .with_untracked(|t| t.iter().find(|e| e.kind == AuditKind::ModelCall).cloned())
        .expect("the model call is in the trail");
    assert_eq!(call.detail["edited_request"], true);
    assert_eq!(call.detail["automatic"], false);
}

#[wasm_bindgen_test]
async fn bad_edits_are_refused_and_a_request_nobody_waits_for_leaves_with_its_answer_kept() {
    let (state, _) = mount_with_request().await;
    type_into("sampling-max-tokens", "lots");
    click("sampling-generate");
    settle().await;
    assert_eq!(
        text("sampling-error"),
        "Max tokens must be a whole number above 0."
    );
    type_into("sampling-max-tokens", "50");
    type_into("sampling-response", "An answer.");
    click("sampling-approve");
    settle().await;
    // No connection waits for this request: it leaves the queue with the reason, and the
    // answer written for it stays in the audit trail.
    assert_eq!(state.queue.with_untracked(Vec::len), 0);
    assert_eq!(
        find("sampling-notice")
            .get_attribute("data-kind")
            .as_deref(),
        Some("stale")
    );
    let detail = last_entry_is_a_stale_request(state);
    assert_eq!(detail["unsent_answer"], "An answer.");
}

#[wasm_bindgen_test]
async fn only_ctrl_enter_approves_esc_rejects_outside_text_and_arrows_walk_the_queue() {
    let (state, controller) = mount_with_request().await;
    // The dialog takes the focus on its heading; a plain Enter there does nothing, even
    // with an answer ready.
    let active = || {
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .active_element()
            .map(|e| e.id())
    };
    assert_eq!(active().as_deref(), Some("sampling-heading"));
    type_into("sampling-response", "Ready to go.");
    key("sampling-dialog", "Enter", false);
    settle().await;
    assert!(find_all("sampling-error").is_empty(), "nothing was tried");
    assert_eq!(state.queue.with_untracked(Vec::len), 1);
    // Ctrl+Enter approves: with no answer, the dialog says why it cannot.
    type_into("sampling-response", "");
    key("sampling-response", "Enter", true);
    settle().await;
    assert_eq!(
        text("sampling-error"),
        "The completion is empty: generate one or write it before approving."
    );
    // Esc in a text field does nothing: a person editing must not lose the request.
    key("sampling-response", "Escape", false);
    settle().await;
    assert_eq!(state.queue.with_untracked(Vec::len), 1);
    // Esc elsewhere in the dialog rejects: no connection waits for it, so it leaves the
    // queue with the reason.
    key("sampling-generate", "Escape", false);
    settle().await;
    assert_eq!(state.queue.with_untracked(Vec::len), 0);
    assert_eq!(
        find("sampling-notice")
            .get_attribute("data-kind")
            .as_deref(),
        Some("stale")
    );
    assert!(last_entry_is_a_stale_request(state)["unsent_answer"].is_null());

    // Two requests: the arrows in the queue bring the second to the front and back.
    arrive(&controller, 0, 1, request());
    let mut second = request();
    second.system_prompt = Some("The second one.".into());
    arrive(&controller, 1, 0, second);
    settle().await;
    assert_eq!(value("sampling-system-prompt"), "Be brief.");
    key("sampling-queue", "ArrowDown", false);
    settle().await;
    assert_eq!(value("sampling-system-prompt"), "The second one.");
    // Shown and attributed without the token its URL carries.
    assert_eq!(text("sampling-server"), "http://127.0.0.1:10/mcp?token=…");
    assert!(!text("sampling-dialog").contains("srv-tok-4711"));
    let entries = find_all("sampling-queue-item");
    assert_eq!(
        entries[1].get_attribute("data-server").as_deref(),
        Some("http://127.0.0.1:10/mcp?token=…")
    );
    assert!(!entries[1].outer_html().contains("srv-tok-4711"));
    key("sampling-queue", "ArrowUp", false);
    settle().await;
    assert_eq!(value("sampling-system-prompt"), "Be brief.");
}

#[wasm_bindgen_test]
async fn edits_the_chosen_model_and_the_answer_wait_with_their_request() {
    let (state, controller) = mount();
    arrive(&controller, 0, 0, request());
    let mut second = request();
    second.system_prompt = Some("The second one.".into());
    arrive(&controller, 1, 0, second);
    settle().await;
    // The person edits the first request wherever they can and picks who answers.
    type_into("sampling-system-prompt", "Be very brief.");
    type_into("sampling-max-tokens", "4");
    type_into("sampling-temperature", "");
    type_into("sampling-stop-sequences", "END");
    let texts = find_all("sampling-message-text");
    assert_eq!(texts.len(), 3);
    texts[2]
        .clone()
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .unwrap()
        .set_value("Shorter words here now. Fine.");
    texts[2]
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    choose("sampling-provider", "manual");
    type_into("sampling-model", "by-hand-1");
    settle().await;
    assert!(
        find("sampling-generate").has_attribute("disabled"),
        "the Manual provider has nothing to generate"
    );

    // A look at the second request: it shows what its server sent, none of the first's edits.
    key("sampling-queue", "ArrowDown", false);
    settle().await;
    assert_eq!(value("sampling-system-prompt"), "The second one.");
    assert_eq!(value("sampling-max-tokens"), "200");
    assert_eq!(value("sampling-provider"), "mock");
    assert_eq!(
        value_of(&find_all("sampling-message-text")[2]),
        "Please do it again. Thanks."
    );

    // Back to the first: every edit is there, still marked as an edit, with the same choice.
    key("sampling-queue", "ArrowUp", false);
    settle().await;
    assert_eq!(value("sampling-system-prompt"), "Be very brief.");
    assert!(text("sampling-dialog").contains("edited — the server sent: Be brief."));
    assert_eq!(value("sampling-max-tokens"), "4");
    assert_eq!(value("sampling-temperature"), "");
    assert_eq!(value("sampling-stop-sequences"), "END");
    assert_eq!(
        value_of(&find_all("sampling-message-text")[2]),
        "Shorter words here now. Fine."
    );
    assert_eq!(value("sampling-model"), "by-hand-1");
    assert_eq!(value("sampling-provider"), "manual");

    // And they are what the model gets: the Mock answers the edited text within 4 tokens.
    choose("sampling-provider", "mock");
    settle().await;
    assert_eq!(value("sampling-model"), "mcp-desk-mock-1");
    click("sampling-generate");
    settle().await;
    assert!(
        find_all("sampling-error").is_empty(),
        "{}",
        text("sampling-error")
    );
    assert_eq!(value("sampling-response"), "Mock summary: Shorter words");

    // The answer waits with its request too.
    key("sampling-queue", "ArrowDown", false);
    settle().await;
    assert_eq!(value("sampling-response"), "");
    key("sampling-queue", "ArrowUp", false);
    settle().await;
    assert_eq!(value("sampling-response"), "Mock summary: Shorter words");
    assert_eq!(text("sampling-stop-reason"), "maxTokens");
    assert_eq!(state.queue.with_untracked(Vec::len), 2);
}

fn value_of(element: &web_sys::Element) -> String {
    element
        .dyn_ref::<web_sys::HtmlTextAreaElement>()
        .expect("a text area")
        .value()
}

#[wasm_bindgen_test]
async fn an_image_renders_and_an_svg_is_only_labelled() {
    let (_, controller) = mount();
    let image =
        |mime: &str, data: &str| SamplingMessageContentBlock::Image(ImageContent::new(data, mime));
    let mut params = request();
    params.messages = vec![SamplingMessage::new_multiple(
        mcp_desk_protocol::model::Role::User,
        vec![
            image("image/png", "iVBORw0KGgo="),
            image("image/svg+xml", "PHN2Zz4="),
        ],
    )];
    arrive(&controller, 0, 0, params);
    settle().await;
    let images = find_all("sampling-image");
    assert_eq!(images.len(), 1);
    assert_eq!(
        images[0].get_attribute("src").as_deref(),
        Some("data:image/png;base64,iVBORw0KGgo=")
    );
    assert!(
        text("sampling-dialog").contains(
            "[image, image/svg+xml, 8 bytes base64] (not shown: unexpected type or data)"
        )
    );
}
