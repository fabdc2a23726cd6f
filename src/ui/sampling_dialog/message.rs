//! One message of a sampling request as checkpoint 1 shows it: text blocks editable (edits
//! marked with what the server sent), images rendered, audio playable, tool calls and tool
//! results labelled. Everything from the server is rendered as text or as a `data:` URL of a
//! checked media type — never as HTML.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use leptos::prelude::*;
use mcp_desk_logic::content::{media_url, rows_for, sampling_block_kind, sampling_block_text};
use mcp_desk_logic::edits::TextAt;
use mcp_desk_protocol::model::{Role, SamplingMessage, SamplingMessageContentBlock};

/// Message `index` of a request whose text blocks sit `at` these places, as edited in `texts`.
#[component]
pub fn SamplingMessageView(
    message: SamplingMessage,
    index: usize,
    texts: StoredValue<Vec<RwSignal<String>>>,
    at: StoredValue<Vec<TextAt>>,
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
                    let edit = at
                        .with_value(|at| at.iter().position(|p| *p == (index, b)))
                        .and_then(|i| texts.with_value(|t| t.get(i).copied()));
                    match edit {
                        Some(edit) => {
                            let sent = t.text.clone();
                            let label = format!("{role} message {} text", index + 1);
                            view! {
                                <textarea
                                    data-testid="sampling-message-text"
                                    aria-label=label
                                    rows=rows_for(&t.text).to_string()
                                    prop:value=move || edit.get()
                                    on:input=move |ev| edit.set(event_target_value(&ev))
                                ></textarea>
                                {move || (edit.get() != sent).then(|| view! {
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
