//! Turns the protocol core's events into page state.

use leptos::prelude::*;
use mcp_desk_protocol::{Event, InputId, LogLevel, LogSource};

use crate::content::content_block_text;
use crate::rules::{Decision, Mode};
use crate::state::{
    AppState, ConnectionStatus, QueuedSampling, RequestKey, ServerPanel, ToolOutcome, ToolView,
};

/// What the connection must still do after an event was applied.
pub enum FollowUp {
    /// Refuse a request the rules throttled.
    Refuse { input: InputId, reason: String },
    /// Answer (or pre-answer) a request by rule.
    Automatic {
        item: Box<QueuedSampling>,
        mode: Mode,
    },
}

/// Applies one event of `panel`'s connection to `endpoint`: connection facts and tool calls go
/// to its tab, sampling requests to the shared queue, log lines to the shared log (named by
/// server when there are several).
pub fn apply(
    state: &AppState,
    panel: &ServerPanel,
    endpoint: &str,
    event: Event,
) -> Option<FollowUp> {
    match event {
        Event::Connected {
            protocol_version,
            transport,
            server,
            ..
        } => {
            // Only a negotiated way is worth repeating: a forced revision says nothing of
            // what the server prefers.
            if panel.forced_revision.get_untracked().is_none() {
                crate::transport_memory::remember(endpoint, transport);
            }
            panel.protocol_version.set(Some(protocol_version));
            panel.transport.set(Some(transport.label().to_owned()));
            panel.server_name.set(Some(server.name));
            panel.status.set(ConnectionStatus::Connected);
        }
        Event::ConnectFailed { error } => panel.status.set(ConnectionStatus::Failed(error)),
        Event::Disconnected { reason } => {
            panel.running_call.set(None);
            panel.status.set(ConnectionStatus::Disconnected(reason));
        }
        Event::ToolsListed(tools) => {
            let views: Vec<ToolView> = tools
                .into_iter()
                .map(|t| ToolView {
                    name: t.name.to_string(),
                    title: t.title.clone(),
                    description: t.description.as_ref().map(|d| d.to_string()),
                    input_schema: serde_json::Value::Object((*t.input_schema).clone()),
                })
                .collect();
            panel.tools.set(views);
        }
        Event::ToolCallFinished { call, result } => {
            let tool = finish_call(panel, call);
            let text = result
                .content
                .iter()
                .map(content_block_text)
                .chain(
                    result
                        .structured_content
                        .as_ref()
                        .filter(|_| result.content.is_empty())
                        .map(|v| v.to_string()),
                )
                .collect::<Vec<_>>()
                .join("\n\n");
            let is_error = result.is_error == Some(true);
            panel.tool_outcome.set(Some(ToolOutcome {
                tool,
                text: if is_error {
                    format!("error: {text}")
                } else {
                    text
                },
                is_error,
            }));
        }
        Event::ToolCallFailed { call, error } => {
            let tool = finish_call(panel, call);
            panel.tool_outcome.set(Some(ToolOutcome {
                tool,
                text: format!("error: {error}"),
                is_error: true,
            }));
        }
        Event::ToolCallDeclined { call, reason } => {
            let tool = finish_call(panel, call);
            panel.tool_outcome.set(Some(ToolOutcome {
                tool,
                text: format!("declined: {reason}"),
                is_error: false,
            }));
        }
        Event::ToolCallCancelled { call, reason } => {
            let tool = finish_call(panel, call);
            panel.tool_outcome.set(Some(ToolOutcome {
                tool,
                text: format!("cancelled: {reason}"),
                is_error: false,
            }));
        }
        Event::Progress {
            call,
            progress,
            total,
            message,
        } => panel.running_call.update(|running| {
            if let Some(running) = running.as_mut().filter(|r| r.call == call) {
                running.progress = Some((progress, total, message));
            }
        }),
        Event::SamplingRequested(pending) => {
            let server_url = endpoint.to_owned();
            let server = panel
                .server_name
                .get_untracked()
                .unwrap_or_else(|| server_url.clone());
            let tool = pending.related_call.map(|c| c.tool);
            state.record(
                &server_url,
                "request",
                serde_json::json!({"request": pending.input.0, "tool": tool, "params": pending.params}),
            );
            let waiting = state
                .queue
                .with_untracked(|q| q.iter().filter(|i| i.key.server == panel.id).count());
            // Deciding only counts usage against budgets, which no view shows: no redraw.
            let decision = state.rules.try_update_untracked(|book| {
                book.decide(
                    &crate::server_key::of(&server_url),
                    tool.as_deref(),
                    pending.params.max_tokens,
                    waiting,
                    js_sys::Date::now(),
                )
            });
            let (note, mode) = match decision {
                Some(Decision::Throttle { why }) => {
                    state.record(&server_url, "rejection", serde_json::json!({"request": pending.input.0, "throttled": why}));
                    state.push_log(LogLevel::Warning, LogSource::Client, why.clone());
                    return Some(FollowUp::Refuse { input: pending.input, reason: why });
                }
                Some(Decision::AutoRequest) => (Some("A rule approved this request: the LLM was asked at once; review the completion.".to_owned()), Some(Mode::AutoApproveRequest)),
                Some(Decision::AutoCompletion) => (Some("A rule answers this request without review.".to_owned()), Some(Mode::AutoApproveCompletion)),
                Some(Decision::Ask { why }) => (why.map(|w| format!("Asked you because: {w}")), None),
                None => (None, None),
            };
            let item = QueuedSampling {
                key: RequestKey {
                    server: panel.id,
                    input: pending.input,
                },
                server,
                server_url,
                tool,
                params: pending.params,
                rule_note: note,
                prefill: RwSignal::new(None),
                draft: RwSignal::new(None),
            };
            // A request a rule answers without review only enters the queue if that fails.
            if mode != Some(Mode::AutoApproveCompletion) {
                state.queue.update(|q| q.push(item.clone()));
            }
            return mode.map(|mode| FollowUp::Automatic {
                item: Box::new(item),
                mode,
            });
        }
        Event::SamplingCancelled { input, reason } => {
            let key = RequestKey {
                server: panel.id,
                input,
            };
            // Queued or not (a rule may have been answering it), the trail says what happened.
            state.record(
                endpoint,
                "cancelled",
                serde_json::json!({"request": input.0, "reason": reason}),
            );
            if state.take_from_queue(key).is_some() {
                state.notices.update(|n| n.push(reason.clone()));
                state.push_log(
                    LogLevel::Warning,
                    LogSource::Client,
                    format!("A sampling request left the queue: {reason}"),
                );
            }
        }
        Event::Log(entry) => {
            let text = match state.servers.with_untracked(Vec::len) {
                1 => entry.text,
                _ => format!("[{}] {}", panel.label_untracked(), entry.text),
            };
            state.push_log(entry.level, entry.source, text)
        }
    }
    None
}

/// Clears the running call if it is `call`; returns the tool's name.
fn finish_call(panel: &ServerPanel, call: mcp_desk_protocol::CallId) -> String {
    let running = panel.running_call.get_untracked();
    match running {
        Some(r) if r.call == call => {
            panel.running_call.set(None);
            r.tool
        }
        _ => panel.selected_tool.get_untracked().unwrap_or_default(),
    }
}
