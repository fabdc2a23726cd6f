//! Answers a sampling request by rule: the provider and model are chosen as the dialog would
//! choose them, the LLM is called in the background, and the completion is either sent at
//! once ("auto-approve the completion") or left in the queue for review ("auto-approve the
//! request"). A failure leaves the request waiting for the person, with the reason.

use std::rc::Rc;

use leptos::prelude::*;

use mcp_desk_llm::{Completion, ProviderKind, mock};
use mcp_desk_protocol::{LogLevel, LogSource};

use crate::connection::Connection;
use crate::llm_call;
use crate::rules::Mode;
use crate::state::QueuedSampling;

pub fn start(connection: Rc<Connection>, item: QueuedSampling, mode: Mode) {
    let state = connection.state();
    let preferences = item
        .params
        .model_preferences
        .as_ref()
        .and_then(|p| serde_json::to_value(p).ok());
    let (kind, choice) = state
        .provider
        .with_untracked(|p| p.choose_for(&item.server_url, preferences.as_ref()));
    state.record(
        &item.server_url,
        "model_call",
        serde_json::json!({"request": item.key.input.0, "provider": kind.id(), "model": choice.model, "automatic": true}),
    );
    // Rules answer what the server asked, unedited.
    let params = item.params.clone();
    let finish =
        move |outcome: Result<Completion, String>| finish(&connection, &item, mode, outcome);
    match kind {
        ProviderKind::Mock => finish(Ok(mock::complete(&params))),
        ProviderKind::Manual => finish(Err(
            "The rule cannot answer with the Manual provider; pick another provider for this server.".into(),
        )),
        _ => {
            let prepared = state
                .provider
                .with_untracked(|p| llm_call::prepare(p, kind, &choice.model, &params));
            match prepared {
                Err(e) => finish(Err(e)),
                Ok((request, context)) => {
                    let on_done = finish.clone();
                    let started = llm_call::start(request, context, |_| {}, move |r| {
                        on_done(r.map_err(|e| e.message))
                    });
                    if started.is_none() {
                        finish(Err("the browser refused to start a request".into()));
                    }
                }
            }
        }
    }
}

fn finish(
    connection: &Rc<Connection>,
    item: &QueuedSampling,
    mode: Mode,
    outcome: Result<Completion, String>,
) {
    let state = connection.state();
    let queued = state
        .queue
        .with_untracked(|q| q.iter().any(|i| i.key == item.key));
    if mode == Mode::AutoApproveRequest && !queued {
        return; // answered by hand meanwhile, or cancelled
    }
    match outcome {
        Ok(completion) if mode == Mode::AutoApproveCompletion => {
            // Kept for the person, should the answer not go out while the server still waits.
            let fetched = completion.clone();
            let sent = completion.into_result().and_then(|result| {
                connection
                    .with_session(|s| s.answer_sampling(item.key.input, &result))
                    .map(|()| result)
            });
            match sent {
                Ok(result) => {
                    state.record(
                        &item.server_url,
                        "answer",
                        serde_json::json!({"request": item.key.input.0, "result": result, "automatic": true}),
                    );
                    state.push_log(
                        LogLevel::Info,
                        LogSource::Client,
                        format!(
                            "Answered a sampling request from {} by rule (model {})",
                            item.server, result.model
                        ),
                    );
                    // Only a request that went back to the person is in the queue.
                    state.take_from_queue(item.key);
                }
                // Not sent: the person is asked if the server still waits; else it is recorded.
                Err(e) => {
                    item.prefill.set(Some(fetched));
                    note_failure(connection, item, &format!("its answer was not sent: {e}"))
                }
            }
        }
        Ok(completion) => item.prefill.set(Some(completion)),
        Err(e) => note_failure(connection, item, &e),
    }
}

fn note_failure(connection: &Connection, item: &QueuedSampling, error: &str) {
    let state = connection.state();
    state.record(
        &item.server_url,
        "error",
        serde_json::json!({"request": item.key.input.0, "message": error}),
    );
    // Cancelled, dropped with its tool call or lost with the session while the LLM worked:
    // there is no one left to ask.
    if !connection.is_waiting(item.key.input) {
        let text = format!(
            "The rule could not answer a request from {} ({error}), and the server no longer waits for it.",
            item.server
        );
        return state.push_log(LogLevel::Warning, LogSource::Client, text);
    }
    let text = format!("The rule could not answer this request ({error}); it waits for you.");
    // A request answered without review was not queued: it is now, for the person.
    let queued = state
        .queue
        .with_untracked(|q| q.iter().any(|i| i.key == item.key));
    if !queued {
        let mut waiting = item.clone();
        waiting.rule_note = Some(text.clone());
        state.queue.update(|q| q.push(waiting));
    }
    state.push_log(LogLevel::Warning, LogSource::Client, text.clone());
    state.notices.update(|n| n.push(text));
}
