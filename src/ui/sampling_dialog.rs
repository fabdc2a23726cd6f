//! The sampling review dialog for the request in front of the queue: what the server asked
//! (editable where the spec lets a client change it), which provider and model will answer,
//! the completion (editable), and Approve / Reject.

use leptos::prelude::*;
use mcp_desk_llm::{Completion, ErrorKind, ProviderKind, StopReason, ToolCall, mock};
use mcp_desk_protocol::model::CreateMessageRequestParams;

use crate::controller::Controller;
use crate::llm_call;
use crate::state::{AppState, QueuedSampling, RequestDraft};
use crate::ui::sampling_message::{SamplingMessageView, TextEdit, apply_text_edits, text_edits};

/// Shows the dialog for the front request; a new request behind it does not reset the edits.
#[component]
pub fn SamplingDialogSlot() -> impl IntoView {
    let state = expect_context::<AppState>();
    let front = Memo::new(move |_| state.front_request());
    move || {
        front.get().and_then(|key| {
            state
                .queue
                .with_untracked(|q| q.iter().find(|item| item.key == key).cloned())
                .map(|item| view! { <SamplingDialog item/> })
        })
    }
}

/// The person's edits of the request, as typed.
#[derive(Clone, Copy)]
struct Edits {
    system_prompt: RwSignal<String>,
    max_tokens: RwSignal<String>,
    temperature: RwSignal<String>,
    /// One stop sequence per line.
    stop_sequences: RwSignal<String>,
    texts: StoredValue<Vec<TextEdit>>,
}

impl Edits {
    fn new(params: &CreateMessageRequestParams) -> Self {
        Self {
            system_prompt: RwSignal::new(params.system_prompt.clone().unwrap_or_default()),
            max_tokens: RwSignal::new(params.max_tokens.to_string()),
            temperature: RwSignal::new(
                params
                    .temperature
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
            ),
            stop_sequences: RwSignal::new(
                params.stop_sequences.clone().unwrap_or_default().join("\n"),
            ),
            texts: StoredValue::new(text_edits(&params.messages)),
        }
    }

    /// Puts back what the person had typed before the request left the front.
    fn restore(&self, draft: &RequestDraft) {
        self.system_prompt.set(draft.system_prompt.clone());
        self.max_tokens.set(draft.max_tokens.clone());
        self.temperature.set(draft.temperature.clone());
        self.stop_sequences.set(draft.stop_sequences.clone());
        self.texts.with_value(|edits| {
            for (edit, text) in edits.iter().zip(&draft.texts) {
                edit.text.set(text.clone());
            }
        });
    }

    /// Everything typed so far, while the dialog's values still exist (`None` once disposed).
    fn snapshot(&self) -> Option<(String, String, String, String, Vec<String>)> {
        let texts = self.texts.try_with_value(|edits| {
            edits
                .iter()
                .map(|e| e.text.try_get_untracked())
                .collect::<Option<Vec<_>>>()
        })??;
        Some((
            self.system_prompt.try_get_untracked()?,
            self.max_tokens.try_get_untracked()?,
            self.temperature.try_get_untracked()?,
            self.stop_sequences.try_get_untracked()?,
            texts,
        ))
    }

    /// The request as the person edited it, or what is wrong with the edits.
    fn apply(
        &self,
        original: &CreateMessageRequestParams,
    ) -> Result<CreateMessageRequestParams, String> {
        let mut value = serde_json::to_value(original).map_err(|e| e.to_string())?;
        self.texts
            .with_value(|texts| apply_text_edits(&mut value, texts));
        let mut params: CreateMessageRequestParams = serde_json::from_value(value)
            .map_err(|e| format!("The edited request is invalid: {e}"))?;
        let stops: Vec<String> = self
            .stop_sequences
            .get_untracked()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        params.stop_sequences = (!stops.is_empty()).then_some(stops);
        let system = self.system_prompt.get_untracked();
        params.system_prompt = (!system.trim().is_empty()).then_some(system);
        params.max_tokens = match self.max_tokens.get_untracked().trim().parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => return Err("Max tokens must be a whole number above 0.".into()),
        };
        let temperature = self.temperature.get_untracked();
        params.temperature = if temperature.trim().is_empty() {
            None
        } else {
            match temperature.trim().parse::<f32>() {
                Ok(t) if (0.0..=2.0).contains(&t) => Some(t),
                _ => return Err("Temperature must be a number from 0 to 2, or empty.".into()),
            }
        };
        Ok(params)
    }
}

fn hints_text(params: &CreateMessageRequestParams) -> String {
    let hints: Vec<String> = params
        .model_preferences
        .as_ref()
        .and_then(|p| p.hints.as_ref())
        .map(|hints| hints.iter().filter_map(|h| h.name.clone()).collect())
        .unwrap_or_default();
    if hints.is_empty() {
        "none".into()
    } else {
        hints.join(", ")
    }
}

fn priorities_text(params: &CreateMessageRequestParams) -> String {
    let Some(p) = &params.model_preferences else {
        return "none".into();
    };
    let parts: Vec<String> = [
        ("cost", p.cost_priority),
        ("speed", p.speed_priority),
        ("intelligence", p.intelligence_priority),
    ]
    .into_iter()
    .filter_map(|(name, v)| v.map(|v| format!("{name} {v}")))
    .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" · ")
    }
}

#[component]
fn SamplingDialog(item: QueuedSampling) -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let original = StoredValue::new(item.params.clone());
    let key = item.key;
    let server_url = StoredValue::new(item.server_url.clone());
    let edits = Edits::new(&item.params);
    let settings = state.provider.get_untracked();
    let preferences = StoredValue::new(
        item.params
            .model_preferences
            .as_ref()
            .and_then(|p| serde_json::to_value(p).ok()),
    );
    let (first_kind, first_choice) =
        preferences.with_value(|p| settings.choose_for(&item.server_url, p.as_ref()));
    let provider = RwSignal::new(first_kind);
    let model = RwSignal::new(first_choice.model);
    let reason = RwSignal::new(first_choice.reason);
    // A completion a rule already fetched arrives here for review.
    let prefill = item.prefill;
    // What the person typed, while the dialog's values exist.
    let typed = move || {
        let (system_prompt, max_tokens, temperature, stop_sequences, texts) = edits.snapshot()?;
        Some(RequestDraft {
            system_prompt,
            max_tokens,
            temperature,
            stop_sequences,
            texts,
            provider: provider.try_get_untracked()?,
            model: model.try_get_untracked()?,
            model_reason: reason.try_get_untracked()?,
        })
    };
    let untouched = typed();
    let draft = item.draft;
    if let Some(kept) = draft.get_untracked() {
        edits.restore(&kept);
        // A rule's completion that arrived meanwhile names its own provider's model: that
        // pair stands, not the one chosen before.
        let answered_since =
            prefill.with_untracked(|p| p.as_ref().is_some_and(|c| c.model != kept.model));
        if !answered_since {
            provider.set(kept.provider);
            model.set(kept.model);
            reason.set(kept.model_reason);
        }
    }
    let response = RwSignal::new(String::new());
    let tool_calls = RwSignal::new(Vec::<ToolCall>::new());
    let stop_reason = RwSignal::new(StopReason::EndTurn);
    let error = RwSignal::new(None::<String>);
    let streaming = RwSignal::new(false);
    let running = StoredValue::new_local(None::<web_sys::AbortController>);
    // A dialog that goes (another request brought to the front, the request cancelled, its
    // tab closed) stops its model call rather than leave it running for nobody; the answer
    // as it stands (streamed so far, or written) stays with the request, as Stop keeps it,
    // for when it comes back to the front, with the edits and the provider and model chosen.
    // Nothing changed: no draft, so later settings still apply when it comes back.
    on_cleanup(move || {
        if let Some(now) = typed() {
            draft.try_set((Some(&now) != untouched.as_ref()).then_some(now));
        }
        let stopped = running
            .try_with_value(|c| c.as_ref().map(web_sys::AbortController::abort))
            .flatten()
            .is_some();
        let kept = (|| {
            let text = response.try_get_untracked()?;
            let stop_reason = match stopped {
                true => StopReason::Other("stopped".into()),
                false => stop_reason.try_get_untracked()?,
            };
            Some(Completion {
                text,
                tool_calls: tool_calls.try_get_untracked()?,
                model: model.try_get_untracked()?,
                stop_reason,
            })
        })();
        if let Some(kept) = kept.filter(|k| !k.text.is_empty() || !k.tool_calls.is_empty()) {
            prefill.set(Some(kept));
        }
    });
    Effect::new(move |_| {
        if let Some(completion) = prefill.get() {
            response.set(completion.text);
            model.set(completion.model);
            tool_calls.set(completion.tool_calls);
            stop_reason.set(completion.stop_reason);
        }
    });

    let generate = move |_| {
        let params = match original.with_value(|o| edits.apply(o)) {
            Ok(p) => p,
            Err(e) => return error.set(Some(e)),
        };
        let kind = provider.get_untracked();
        let model_name = model.get_untracked().trim().to_owned();
        error.set(None);
        let edited = original.with_value(|o| serde_json::to_value(o).ok())
            != serde_json::to_value(&params).ok();
        // The call may end after this dialog is gone: its callbacks hold plain values only.
        let endpoint = server_url.get_value();
        state.record(
            &endpoint,
            "model_call",
            serde_json::json!({"request": key.input.0, "provider": kind.id(), "model": model_name, "edited_request": edited}),
        );
        match kind {
            ProviderKind::Mock => {
                let completion = mock::complete(&params);
                model.set(completion.model);
                response.set(completion.text);
                tool_calls.set(completion.tool_calls);
                stop_reason.set(completion.stop_reason);
            }
            ProviderKind::Manual => error.set(Some(
                "With the Manual provider you write the completion yourself, below.".into(),
            )),
            _ => {
                let prepared = state
                    .provider
                    .with_untracked(|p| llm_call::prepare(p, kind, &model_name, &params));
                let (request, context) = match prepared {
                    Ok(prepared) => prepared,
                    Err(e) => return error.set(Some(e)),
                };
                state.push_log(
                    mcp_desk_protocol::LogLevel::Info,
                    mcp_desk_protocol::LogSource::Client,
                    format!(
                        "Asking {} (model {model_name}) at {}",
                        kind.label(),
                        mcp_desk_protocol::redact::url(&context.base)
                    ),
                );
                response.set(String::new());
                tool_calls.set(Vec::new());
                streaming.set(true);
                let controller = llm_call::start(
                    request,
                    context,
                    move |text| response.update(|r| r.push_str(&text)),
                    move |outcome| {
                        streaming.set(false);
                        running.set_value(None);
                        match outcome {
                            Ok(completion) => {
                                response.set(completion.text);
                                model.set(completion.model);
                                tool_calls.set(completion.tool_calls);
                                stop_reason.set(completion.stop_reason);
                            }
                            Err(mut e) => {
                                // Its dialog closed (signals and all), which aborted the call.
                                if error.try_get_untracked().is_none() {
                                    e.message = format!(
                                        "Stopped the call of {} (model {model_name}) as its dialog closed.",
                                        kind.label()
                                    );
                                }
                                state.record(
                                    &endpoint,
                                    "error",
                                    serde_json::json!({"request": key.input.0, "provider": kind.id(), "message": e.message}),
                                );
                                if e.kind == ErrorKind::Stopped {
                                    stop_reason.set(StopReason::Other("stopped".into()));
                                }
                                state.push_log(
                                    mcp_desk_protocol::LogLevel::Warning,
                                    mcp_desk_protocol::LogSource::Client,
                                    e.message.clone(),
                                );
                                error.set(Some(e.message));
                            }
                        }
                    },
                );
                running.set_value(controller);
            }
        }
    };
    let stop = move |_| {
        running.with_value(|c| {
            if let Some(c) = c {
                c.abort();
            }
        });
    };
    let do_approve = {
        let controller = controller.clone();
        move || {
            if let Err(e) = original.with_value(|o| edits.apply(o)) {
                return error.set(Some(e));
            }
            if streaming.get_untracked() {
                return error.set(Some(
                    "The answer is still arriving: wait, or Stop it first.".into(),
                ));
            }
            let text = response.get_untracked();
            let calls = tool_calls.get_untracked();
            if text.trim().is_empty() && calls.is_empty() {
                return error.set(Some(
                    "The completion is empty: generate one or write it before approving.".into(),
                ));
            }
            let model_name = model.get_untracked().trim().to_owned();
            if model_name.is_empty() {
                return error.set(Some("Name the model that answered.".into()));
            }
            let edited = original.with_value(|o| {
                let sent = serde_json::to_value(o).ok();
                let now = edits
                    .apply(o)
                    .ok()
                    .and_then(|p| serde_json::to_value(p).ok());
                (sent != now).then(
                    || serde_json::json!({"request": key.input.0, "sent": sent, "edited": now}),
                )
            });
            if let Some(detail) = edited {
                state.record(&server_url.get_value(), "edit", detail);
            }
            let completion = Completion {
                text,
                tool_calls: calls,
                model: model_name,
                stop_reason: stop_reason.get_untracked(),
            };
            if let Err(e) = controller.approve(key, completion) {
                error.set(Some(e));
            }
        }
    };
    let do_reject = move || {
        if streaming.get_untracked() {
            return error.set(Some(
                "The answer is still arriving: Stop it first, then reject.".into(),
            ));
        }
        if let Err(e) = controller.reject(key) {
            error.set(Some(e));
        }
    };
    let approve = {
        let f = do_approve.clone();
        move |_: leptos::ev::MouseEvent| f()
    };
    let reject = {
        let f = do_reject.clone();
        move |_: leptos::ev::MouseEvent| f()
    };
    let dialog_ref = NodeRef::<leptos::html::Section>::new();
    let heading_ref = NodeRef::<leptos::html::H2>::new();
    // Keyboard users land in the dialog when it appears, unless they are typing elsewhere.
    Effect::new(move |_| {
        if let Some(heading) = heading_ref.get() {
            let typing = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .is_some_and(|e| {
                    matches!(
                        e.tag_name().to_ascii_lowercase().as_str(),
                        "input" | "textarea" | "select"
                    )
                });
            if !typing {
                let _ = heading.focus();
            }
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let target = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|e| e.tag_name().to_ascii_lowercase())
            .unwrap_or_default();
        let in_control = matches!(
            target.as_str(),
            "textarea" | "input" | "select" | "button" | "a" | "audio"
        );
        let in_text = matches!(target.as_str(), "textarea" | "input");
        match ev.key().as_str() {
            // Not while typing: an Esc meant for the text must not throw the request away.
            "Escape" if !in_text => {
                ev.prevent_default();
                do_reject();
            }
            "Enter" if ev.ctrl_key() || ev.meta_key() || !in_control => {
                ev.prevent_default();
                do_approve();
            }
            "Tab" => {
                if let Some(section) = dialog_ref.get() {
                    keep_focus_inside(&section, &ev);
                }
            }
            _ => {}
        }
    };
    let on_provider = move |ev| {
        if let Some(kind) = ProviderKind::from_id(&event_target_value(&ev)) {
            let choice = preferences.with_value(|p| {
                state
                    .provider
                    .with_untracked(|s| s.choose_model(kind, p.as_ref()))
            });
            provider.set(kind);
            model.set(choice.model);
            reason.set(choice.reason);
            error.set(None);
        }
    };

    let params = item.params.clone();
    let messages = params
        .messages
        .iter()
        .cloned()
        .enumerate()
        .map(|(index, message)| view! { <SamplingMessageView message index edits=edits.texts/> })
        .collect_view();
    let include_context = params
        .include_context
        .as_ref()
        .and_then(|c| serde_json::to_value(c).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "not set".into());
    let metadata = params
        .metadata
        .as_ref()
        .map(|m| serde_json::to_string_pretty(m).unwrap_or_default())
        .unwrap_or_else(|| "none".into());
    let tools = params
        .tools
        .as_ref()
        .map(|tools| {
            tools
                .iter()
                .map(|t| match &t.description {
                    Some(d) => format!("{} — {d}", t.name),
                    None => t.name.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_else(|| "none".into());
    let tool_choice = params
        .tool_choice
        .as_ref()
        .and_then(|c| serde_json::to_value(c).ok())
        .map(|v| v.to_string())
        .unwrap_or_default();
    let sent_stops = params.stop_sequences.clone().unwrap_or_default().join("\n");
    let sent_system = params.system_prompt.clone().unwrap_or_default();
    let sent_max = params.max_tokens.to_string();
    let sent_temperature = params
        .temperature
        .map(|t| t.to_string())
        .unwrap_or_default();
    let edited_note =
        |sent: String, now: RwSignal<String>| {
            move || {
                (now.get().trim() != sent.trim()).then(|| {
                let shown = if sent.is_empty() { "(nothing)".to_owned() } else { sent.clone() };
                view! { <span class="edited">{format!("edited — the server sent: {shown}")}</span> }
            })
            }
        };

    view! {
        <section
            class="panel dialog"
            data-testid="sampling-dialog"
            role="dialog"
            aria-labelledby="sampling-heading"
            aria-describedby="sampling-keys"
            node_ref=dialog_ref
            on:keydown=on_keydown
        >
            <h2 id="sampling-heading" tabindex="-1" node_ref=heading_ref>"Review sampling request"</h2>
            <p id="sampling-keys" class="hint">"Keys: Ctrl+Enter approves, Esc (outside a text field) rejects, Tab stays in this dialog; ↑ ↓ in the queue pick another request."</p>
            <p class="origin">
                "From "
                <strong data-testid="sampling-server" title=item.server_url.clone()>{item.server.clone()}</strong>
                {(item.server != item.server_url).then(|| view! { <span class="via">{format!(" ({})", item.server_url)}</span> })}
                {match item.tool.clone() {
                    Some(tool) => view! { <span data-testid="sampling-tool">" during the call of "<code>{tool}</code></span> }.into_any(),
                    None => view! { <span data-testid="sampling-tool">" (not tied to a tool call)"</span> }.into_any(),
                }}
            </p>
            {item.rule_note.clone().map(|note| view! { <p class="hint" data-testid="sampling-rule-note">{note}</p> })}
            <h3>"Messages"</h3>
            <ol class="messages">{messages}</ol>
            <div class="grid">
                <label for="sampling-system-prompt">"System prompt"</label>
                <div>
                    <textarea
                        id="sampling-system-prompt"
                        data-testid="sampling-system-prompt"
                        rows="2"
                        prop:value=move || edits.system_prompt.get()
                        on:input=move |ev| edits.system_prompt.set(event_target_value(&ev))
                    ></textarea>
                    {edited_note(sent_system, edits.system_prompt)}
                </div>
                <label for="sampling-max-tokens">"Max tokens"</label>
                <div>
                    <input
                        id="sampling-max-tokens"
                        data-testid="sampling-max-tokens"
                        inputmode="numeric"
                        prop:value=move || edits.max_tokens.get()
                        on:input=move |ev| edits.max_tokens.set(event_target_value(&ev))
                    />
                    {edited_note(sent_max, edits.max_tokens)}
                </div>
                <label for="sampling-temperature">"Temperature"</label>
                <div>
                    <input
                        id="sampling-temperature"
                        data-testid="sampling-temperature"
                        inputmode="decimal"
                        placeholder="provider default"
                        prop:value=move || edits.temperature.get()
                        on:input=move |ev| edits.temperature.set(event_target_value(&ev))
                    />
                    {edited_note(sent_temperature, edits.temperature)}
                </div>
                <label for="sampling-stop-sequences">"Stop sequences (one per line)"</label>
                <div>
                    <textarea
                        id="sampling-stop-sequences"
                        data-testid="sampling-stop-sequences"
                        rows="1"
                        prop:value=move || edits.stop_sequences.get()
                        on:input=move |ev| edits.stop_sequences.set(event_target_value(&ev))
                    ></textarea>
                    {edited_note(sent_stops, edits.stop_sequences)}
                </div>
                <span class="label">"Included context"</span>
                <span data-testid="sampling-include-context">{include_context}</span>
                <span class="label">"Tools offered"</span>
                <pre data-testid="sampling-tools">{tools}" "{tool_choice}</pre>
                <span class="label">"Metadata"</span>
                <pre data-testid="sampling-metadata">{metadata}</pre>
                <span class="label">"Model hints"</span>
                <span data-testid="sampling-model-hints">{hints_text(&params)}</span>
                <span class="label">"Priorities"</span>
                <span data-testid="sampling-model-priorities">{priorities_text(&params)}</span>
                <label for="sampling-provider">"Provider"</label>
                <select id="sampling-provider" data-testid="sampling-provider" on:change=on_provider>
                    {ProviderKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.id() prop:selected=move || provider.get() == k>{k.label()}</option> })
                        .collect_view()}
                </select>
                <label for="sampling-model">"Model"</label>
                <div>
                    <input
                        id="sampling-model"
                        data-testid="sampling-model"
                        prop:value=move || model.get()
                        on:input=move |ev| model.set(event_target_value(&ev))
                    />
                    <span class="reason" data-testid="sampling-model-reason">{move || reason.get()}</span>
                </div>
            </div>
            <div class="actions">
                <button
                    type="button"
                    data-testid="sampling-generate"
                    disabled=move || provider.get() == ProviderKind::Manual || streaming.get()
                    on:click=generate
                >
                    {move || if response.get().is_empty() { "Generate" } else { "Regenerate" }}
                </button>
                <Show when=move || streaming.get()>
                    <button type="button" data-testid="sampling-stop" on:click=stop>"Stop"</button>
                    <span class="hint" role="status">"The answer is arriving…"</span>
                </Show>
            </div>
            <label for="sampling-response">"Completion (editable; this is what the server receives)"</label>
            <textarea
                id="sampling-response"
                data-testid="sampling-response"
                rows="6"
                placeholder=move || match provider.get() {
                    ProviderKind::Manual => "Write the answer here.",
                    _ => "Press Generate, then review and edit the answer here.",
                }
                prop:value=move || response.get()
                prop:readonly=move || streaming.get()
                aria-busy=move || streaming.get().to_string()
                on:input=move |ev| response.set(event_target_value(&ev))
            ></textarea>
            <Show when=move || !tool_calls.with(Vec::is_empty)>
                <h3>"Tool calls the model made"</h3>
                <ul data-testid="sampling-tool-calls">
                    {move || {
                        tool_calls
                            .get()
                            .into_iter()
                            .map(|call| {
                                let input = serde_json::Value::Object(call.input).to_string();
                                let name = call.name.clone();
                                view! {
                                    <li data-testid="sampling-tool-call" data-name=name>
                                        <code>{call.name}</code>" "<code>{input}</code>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
            <p class="stop-reason">"Stop reason: " <span data-testid="sampling-stop-reason">{move || {
                let nothing_yet = response.with(String::is_empty) && tool_calls.with(Vec::is_empty);
                match stop_reason.get() {
                    StopReason::EndTurn if nothing_yet => "none yet".to_owned(),
                    reason => reason.as_str().to_owned(),
                }
            }}</span></p>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" data-testid="sampling-error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <div class="actions">
                <button type="button" class="primary" data-testid="sampling-approve" on:click=approve>"Approve and send"</button>
                <button type="button" class="danger" data-testid="sampling-reject" on:click=reject>"Reject"</button>
            </div>
        </section>
    }
}

/// The focus trap: Tab from the last control goes to the first, Shift+Tab from the first to
/// the last, so keyboard focus stays in the dialog while a request waits.
fn keep_focus_inside(section: &web_sys::HtmlElement, ev: &leptos::ev::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let Ok(list) = section.query_selector_all(
        "button:not([disabled]), textarea, input, select, audio[controls], [tabindex=\"-1\"]",
    ) else {
        return;
    };
    let controls: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let is = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a.is_same_node(Some(el)));
    if ev.shift_key() && is(first) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && is(last) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
