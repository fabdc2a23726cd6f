//! One message of a sampling request as checkpoint 1 shows it: text blocks editable (edits
//! marked with what the server sent), images rendered, audio playable, tool calls and tool
//! results labelled. Everything from the server is rendered as text or as a `data:` URL of a
//! checked media type — never as HTML.

use leptos::prelude::*;
use mcp_desk_protocol::model::{Role, SamplingMessage, SamplingMessageContentBlock};

use crate::content::{sampling_block_kind, sampling_block_text};

/// An editable text block: where it sits and what the person made of it.
#[derive(Clone, Copy)]
pub struct TextEdit {
    pub message: usize,
    pub block: usize,
    pub text: RwSignal<String>,
}

/// Enough rows to show a message whole (about 70 characters a row), from 3 up to 14; longer
/// ones scroll.
fn rows_for(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().count().div_ceil(70).max(1))
        .sum::<usize>()
        .clamp(3, 14)
}

/// The text edits for every text block of `messages`.
pub fn text_edits(messages: &[SamplingMessage]) -> Vec<TextEdit> {
    let mut edits = Vec::new();
    for (m, message) in messages.iter().enumerate() {
        for (b, block) in message.content.iter().enumerate() {
            if let SamplingMessageContentBlock::Text(t) = block {
                edits.push(TextEdit {
                    message: m,
                    block: b,
                    text: RwSignal::new(t.text.clone()),
                });
            }
        }
    }
    edits
}

/// Writes the edited texts into a `CreateMessageRequestParams` JSON value.
pub fn apply_text_edits(params: &mut serde_json::Value, edits: &[TextEdit]) {
    for edit in edits {
        let Some(content) = params
            .get_mut("messages")
            .and_then(|m| m.get_mut(edit.message))
            .and_then(|m| m.get_mut("content"))
        else {
            continue;
        };
        let block = match content {
            serde_json::Value::Array(blocks) => blocks.get_mut(edit.block),
            single if edit.block == 0 => Some(single),
            _ => None,
        };
        if let Some(block) = block {
            block["text"] = serde_json::Value::String(edit.text.get_untracked());
        }
    }
}

/// A `data:` URL for media the page may show, or `None` if the type or data looks wrong.
pub fn media_url(kind: &str, mime_type: &str, data: &str) -> Option<String> {
    let mime = mime_type.trim().to_ascii_lowercase();
    let type_ok = mime.starts_with(&format!("{kind}/"))
        && mime.len() < 64
        && mime
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/+-.".contains(&b))
        && mime != "image/svg+xml";
    let data_ok = !data.is_empty()
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=\r\n".contains(&b));
    (type_ok && data_ok).then(|| format!("data:{mime};base64,{}", data.replace(['\r', '\n'], "")))
}

#[component]
pub fn SamplingMessageView(
    message: SamplingMessage,
    index: usize,
    edits: StoredValue<Vec<TextEdit>>,
) -> impl IntoView {
    let role = match message.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    let blocks = message
        .content
        .iter()
        .enumerate()
        .map(|(b, block)| {
            let kind = sampling_block_kind(block);
            let body = match block {
                SamplingMessageContentBlock::Text(t) => {
                    let edit = edits.with_value(|all| {
                        all.iter().find(|e| e.message == index && e.block == b).copied()
                    });
                    match edit {
                        Some(edit) => {
                            let sent = t.text.clone();
                            let label = format!("{role} message {} text", index + 1);
                            view! {
                                <textarea
                                    data-testid="sampling-message-text"
                                    aria-label=label
                                    rows=rows_for(&t.text).to_string()
                                    prop:value=move || edit.text.get()
                                    on:input=move |ev| edit.text.set(event_target_value(&ev))
                                ></textarea>
                                {move || (edit.text.get() != sent).then(|| view! {
                                    <span class="edited">{format!("edited — the server sent: {sent}")}</span>
                                })}
                            }
                            .into_any()
                        }
                        None => view! { <pre>{t.text.clone()}</pre> }.into_any(),
                    }
                }
                SamplingMessageContentBlock::Image(i) => match media_url("image", &i.mime_type, &i.data) {
                    Some(src) => view! { <img data-testid="sampling-image" src=src alt=format!("image from the server ({})", i.mime_type)/> }.into_any(),
                    None => view! { <pre>{sampling_block_text(block)}" (not shown: unexpected type or data)"</pre> }.into_any(),
                },
                SamplingMessageContentBlock::Audio(a) => match media_url("audio", &a.mime_type, &a.data) {
                    Some(src) => view! { <audio data-testid="sampling-audio" controls src=src></audio> }.into_any(),
                    None => view! { <pre>{sampling_block_text(block)}" (not playable: unexpected type or data)"</pre> }.into_any(),
                },
                _ => view! { <pre>{sampling_block_text(block)}</pre> }.into_any(),
            };
            view! {
                <div class="block" data-kind=kind>
                    <span class="kind">{kind}</span>
                    {body}
                </div>
            }
        })
        .collect_view();
    view! {
        <li data-testid="sampling-message" data-role=role class=format!("message {role}")>
            <span class="role">{role}</span>
            {blocks}
        </li>
    }
}
