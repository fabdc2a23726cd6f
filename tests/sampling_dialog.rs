//! The sampling dialog as a person meets it: what the server sent is shown, edits are marked
//! as edits and reach the Mock provider, and a bad answer is refused with a reason.
#![cfg(target_arch = "wasm32")]

mod page;

use leptos::prelude::*;
use mcp_desk::state::{AppState, QueuedSampling, RequestKey, ServerId};
use mcp_desk_llm::{Completion, ProviderKind, StopReason};
use mcp_desk_protocol::InputId;
use mcp_desk_protocol::model::{
    CreateMessageRequestParams, ModelHint, ModelPreferences, SamplingMessage,
};
use page::{choose, click, find_all, key, mount, settle, text, type_into, value};
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

/// Mounts the page with one queued request and no connection.
async fn mount_with_request() -> AppState {
    let (state, _) = mount();
    queue(state, 0, request());
    settle().await;
    state
}

/// Puts a request of server tab `server` in the queue, as if it had arrived.
fn queue(state: AppState, server: u32, params: CreateMessageRequestParams) {
    let (name, url) = match server {
        0 => ("test-server", "http://127.0.0.1:9/mcp"),
        _ => ("other-server", "http://127.0.0.1:10/mcp"),
    };
    state.queue.update(|q| {
        q.push(QueuedSampling {
            key: RequestKey {
                server: ServerId(server),
                input: InputId(0),
            },
            server: name.into(),
            server_url: url.into(),
            tool: Some("create_blog_post".into()),
            params,
            rule_note: None,
            prefill: RwSignal::new(None),
            draft: RwSignal::new(None),
        })
    });
}

/// The detail of the audit trail's last entry, which must be a request that left the queue
/// unanswered.
fn last_entry_is_a_stale_request(state: AppState) -> serde_json::Value {
    let last = state
        .audit
        .with_untracked(|trail| trail.last().cloned())
        .expect("an audit entry");
    assert_eq!(last.kind, "cancelled");
    last.detail
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
}

#[wasm_bindgen_test]
async fn bad_edits_are_refused_and_a_request_nobody_waits_for_leaves_with_its_answer_kept() {
    let state = mount_with_request().await;
    type_into("sampling-max-tokens", "lots");
    click("sampling-generate");
    settle().await;
    assert!(text("sampling-error").contains("Max tokens must be a whole number"));
    type_into("sampling-max-tokens", "50");
    type_into("sampling-response", "An answer.");
    click("sampling-approve");
    settle().await;
    // No connection waits for this request: it leaves the queue with the reason, and the
    // answer written for it stays in the audit trail.
    assert_eq!(state.queue.with_untracked(Vec::len), 0);
    assert!(
        text("sampling-notice").contains("no longer waits"),
        "{}",
        text("sampling-notice")
    );
    let detail = last_entry_is_a_stale_request(state);
    assert_eq!(detail["unsent_answer"], "An answer.");
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
    assert_eq!(state.queue.with_untracked(Vec::len), 1);
    // Esc elsewhere in the dialog rejects: no connection waits for it, so it leaves the
    // queue with the reason.
    key("sampling-generate", "Escape", false);
    settle().await;
    assert_eq!(state.queue.with_untracked(Vec::len), 0);
    assert!(text("sampling-notice").contains("no longer waits"));
    assert!(last_entry_is_a_stale_request(state)["unsent_answer"].is_null());

    // Two requests: the arrows in the queue bring the second to the front and back.
    queue(state, 0, request());
    let mut second = request();
    second.system_prompt = Some("The second one.".into());
    queue(state, 1, second);
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
async fn edits_and_the_chosen_model_wait_with_their_request_while_another_is_in_front() {
    let (state, _) = mount();
    queue(state, 0, request());
    let mut second = request();
    second.system_prompt = Some("The second one.".into());
    queue(state, 1, second);
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
        page::find("sampling-generate").has_attribute("disabled"),
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
    click("sampling-generate");
    settle().await;
    assert!(
        find_all("sampling-error").is_empty(),
        "{}",
        text("sampling-error")
    );
    assert_eq!(value("sampling-response"), "Mock summary: Shorter words");

    // The second request was only looked at: nothing waits with it.
    let second = state.queue.with_untracked(|q| q[1].clone());
    assert_eq!(second.draft.get_untracked(), None);
    // Its provider was changed before another look, then a rule answered it meanwhile with
    // its own provider's model: the dialog shows that answer under that pair, not the choice.
    key("sampling-queue", "ArrowDown", false);
    settle().await;
    choose("sampling-provider", "manual");
    settle().await;
    key("sampling-queue", "ArrowUp", false);
    settle().await;
    assert_eq!(
        second.draft.get_untracked().map(|d| d.provider),
        Some(ProviderKind::Manual)
    );
    second.prefill.set(Some(Completion::text(
        "Fetched by a rule.",
        "mock-1",
        StopReason::EndTurn,
    )));
    key("sampling-queue", "ArrowDown", false);
    settle().await;
    assert_eq!(value("sampling-response"), "Fetched by a rule.");
    assert_eq!(value("sampling-model"), "mock-1");
    assert_eq!(value("sampling-provider"), "mock");
}

fn value_of(element: &web_sys::Element) -> String {
    element
        .dyn_ref::<web_sys::HtmlTextAreaElement>()
        .expect("a text area")
        .value()
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
