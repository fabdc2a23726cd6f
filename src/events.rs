//! A connection's events into its tab's state: connection facts, tools, calls and progress,
//! worded for people (log lines and the timeline are the controller's). What needs a decision is handed back to the controller:
//! requests for the person (and their going), a call refused for want of the 2025
//! back-channel, failures the CORS doctor looks into, and a fresh tool list (a call may wait
//! for it).

use leptos::prelude::*;
use mcp_desk_logic::{content, cors_doctor, schema_check, words};
use mcp_desk_protocol::elicitation;
use mcp_desk_protocol::model::ContentBlock;
use mcp_desk_protocol::{
    CallId, Doing, Error, Event, Hint, InputId, PendingElicitation, PendingSampling,
};

use crate::state::{
    ConnectionStatus, Outcome, Progress, PromptView, ReadItem, ServerPanel, ToolOutcome, ToolView,
};

/// What is left for the controller after an event was applied.
pub enum Applied {
    Done,
    /// A server asks the person for sampling.
    Sampling(PendingSampling),
    /// A server asks the person a question.
    Elicitation(PendingElicitation),
    /// A request waiting for the person is gone, for this reason.
    SamplingGone {
        input: InputId,
        reason: String,
    },
    /// A 2026-07-28 call failed because its tool wants the 2025 back-channel: the controller
    /// decides whether to reconnect at 2025-11-25 and call again, or to show the failure
    /// ([`call_failed`]).
    WantsBackChannel {
        call: CallId,
        error: Error,
    },
    /// The server's tools were listed (a call waiting for the connection can go now).
    ToolsListed,
    /// A call needs the person to open pages first (-32042): they join the queue.
    UrlElicitationRequired {
        tool: String,
        error: Error,
    },
    /// The resource on show changed: it is read again.
    ReadAgain(String),
    /// Connecting failed (shown): the controller looks into why.
    ConnectFailed(Error),
    /// A call failed (shown): the controller looks into why.
    CallFailed(Error),
}

/// Applies one event of `panel`'s connection to `endpoint`: connection facts and tool calls go
/// to its tab, log lines to the shared log (named by server when there are several).
pub fn apply(panel: &ServerPanel, endpoint: &str, event: Event) -> Applied {
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
                crate::store::remember_transport(endpoint, transport);
            }
            panel.protocol_version.set(Some(protocol_version));
            panel.transport.set(Some(transport.label().to_owned()));
            panel.server_name.set(Some(server.name));
            // A new session (a reconnect, or one after the server forgot the last) holds no
            // subscription.
            panel.browse.subscribed.set(Default::default());
            panel.status.set(ConnectionStatus::Connected);
        }
        Event::ConnectFailed { error, tried } => {
            panel
                .status
                .set(ConnectionStatus::Failed(words::connect_failed(
                    &error, &tried,
                )));
            return Applied::ConnectFailed(cors_doctor::subject(error, tried));
        }
        Event::Disconnected { reason } => {
            panel.running_call.set(None);
            panel
                .status
                .set(ConnectionStatus::Disconnected(words::closed(&reason)));
        }
        Event::ToolsListed(tools) => {
            let views: Vec<ToolView> = tools
                .into_iter()
                .map(|t| ToolView {
                    name: t.name.to_string(),
                    title: t.title.clone(),
                    description: t.description.as_ref().map(|d| d.to_string()),
                    input_schema: serde_json::Value::Object((*t.input_schema).clone()),
                    output_schema: t
                        .output_schema
                        .as_ref()
                        .map(|o| serde_json::Value::Object((**o).clone())),
                })
                .collect();
            panel.tools.set(views);
            return Applied::ToolsListed;
        }
        Event::ResourcesListed(list) => panel.browse.resources.set(list),
        Event::ResourceTemplatesListed(list) => panel.browse.templates.set(list),
        Event::PromptsListed(list) => panel.browse.prompts.set(list),
        Event::ResourceRead { uri, contents } => {
            let browse = panel.browse;
            // Only the read asked for last is shown (a slower earlier one is not).
            if browse.shows(&uri) {
                let items = contents
                    .iter()
                    .map(|c| {
                        let (uri, mime_type, shown) = content::resource_shown(c);
                        ReadItem {
                            uri,
                            mime_type,
                            shown,
                        }
                    })
                    .collect();
                browse.error.set(None);
                browse.read.set(Some(items));
            }
        }
        // Only for the prompt still picked (a slower one picked before is not shown under it).
        Event::PromptGot { name, prompt }
            if panel
                .browse
                .prompt
                .with_untracked(|p| p.as_deref() == Some(name.as_str())) =>
        {
            let messages = prompt
                .messages
                .iter()
                .map(|(role, content)| (role.clone(), content::block_shown(content)))
                .collect();
            panel.browse.prompt_error.set(None);
            panel.browse.prompt_result.set(Some(PromptView {
                name,
                description: prompt.description,
                messages,
            }));
        }
        Event::Completed {
            target,
            argument,
            value,
            values,
        } => {
            let browse = panel.browse;
            // Suggestions for what the field still holds; older ones are dropped.
            let current = browse
                .values_of(&target)
                .with_untracked(|v| v.get(&argument).cloned());
            if current.unwrap_or_default() == value {
                browse.suggestions.set(Some((target, argument, values)));
            }
        }
        Event::PromptGot { .. } => {}
        Event::Subscribed { uri, on } => panel.browse.subscribed.update(|s| {
            if on {
                s.insert(uri);
            } else {
                s.remove(&uri);
            }
        }),
        Event::ResourceUpdated { uri } => {
            panel
                .browse
                .updates
                .update(|u| *u.entry(uri.clone()).or_default() += 1);
            if panel.browse.shows(&uri) {
                return Applied::ReadAgain(uri);
            }
        }
        Event::BrowseFailed { error } => {
            let shown_in = match error.doing {
                Doing::GettingPrompt(_) => panel.browse.prompt_error,
                _ => panel.browse.error,
            };
            shown_in.set(Some(words::error(&error)));
        }
        Event::ToolCallFinished { call, result } => {
            let (text, is_error) = content::tool_result_text(&result);
            let outcome = if is_error {
                Outcome::Error
            } else {
                Outcome::Ok
            };
            let tool = called_tool(panel, call);
            // Text and resource links are in the text; images, audio and embedded resources
            // are shown as they are.
            let media = result
                .content
                .iter()
                .filter(|block| {
                    !matches!(block, ContentBlock::Text(_) | ContentBlock::ResourceLink(_))
                })
                .map(content::block_shown)
                .collect();
            // S25 server/tools.mdx "Output Schema": structured results are checked against it.
            let schema = panel.tools.with_untracked(|tools| {
                tools
                    .iter()
                    .find(|t| t.name == tool)
                    .and_then(|t| t.output_schema.clone())
            });
            let structured = result.structured_content.as_ref().map(|value| {
                let problem = schema
                    .as_ref()
                    .and_then(|schema| schema_check::check(schema, value).err());
                (
                    serde_json::to_string_pretty(value).unwrap_or_default(),
                    problem,
                )
            });
            show_outcome(
                panel,
                call,
                ToolOutcome {
                    tool,
                    text,
                    outcome,
                    media,
                    structured,
                },
            );
        }
        Event::ToolCallFailed { call, error } if error.hint == Some(Hint::WantsBackChannel) => {
            return Applied::WantsBackChannel { call, error };
        }
        Event::ToolCallFailed { call, error }
            if error
                .rpc()
                .is_some_and(|e| e.code.0 == elicitation::URL_ELICITATION_REQUIRED) =>
        {
            let tool = called_tool(panel, call);
            finish_call(
                panel,
                call,
                format!("error: {}", words::url_elicitation_required(&tool)),
                Outcome::Error,
            );
            return Applied::UrlElicitationRequired { tool, error };
        }
        Event::ToolCallFailed { call, error } => {
            call_failed(panel, call, &error);
            return Applied::CallFailed(error);
        }
        Event::ToolCallDeclined { call, tool, input } => finish_call(
            panel,
            call,
            format!("declined: {}", words::declined(&tool, &input)),
            Outcome::Declined,
        ),
        Event::ToolCallCancelled { call, reason } => finish_call(
            panel,
            call,
            format!("cancelled: {reason}"),
            Outcome::Cancelled,
        ),
        Event::TaskStatus {
            call,
            status,
            message,
        } => panel.running_call.update(|running| {
            if let Some(running) = running.as_mut().filter(|r| r.call == call) {
                running.task = Some((status, message));
            }
        }),
        Event::Progress {
            call,
            progress,
            total,
            message,
        } => {
            let running = panel
                .running_call
                .with_untracked(|r| r.as_ref().is_some_and(|r| r.call == call));
            if running {
                panel.progress.set(Some(Progress {
                    value: progress,
                    total,
                    message,
                }));
            }
        }
        // Recorded on the timeline by the controller before it gets here.
        Event::Wire { .. } => {}
        // The controller logs these, with the message each is about.
        Event::Log(_) => {}
        Event::SamplingRequested(pending) => return Applied::Sampling(pending),
        Event::ElicitationRequested(pending) => return Applied::Elicitation(pending),
        Event::InputGone { input, reason } => {
            return Applied::SamplingGone {
                input,
                reason: words::gone(&reason),
            };
        }
    }
    Applied::Done
}

/// Shows why a call failed.
pub fn call_failed(panel: &ServerPanel, call: CallId, error: &Error) {
    finish_call(
        panel,
        call,
        format!("error: {}", words::error(error)),
        Outcome::Error,
    )
}

/// Shows a call's outcome, and clears the running call if it is `call`.
fn finish_call(panel: &ServerPanel, call: CallId, text: String, outcome: Outcome) {
    let tool = called_tool(panel, call);
    show_outcome(panel, call, ToolOutcome::plain(tool, text, outcome));
}

/// Shows how call `call` ended, and clears the running call if it is that one.
fn show_outcome(panel: &ServerPanel, call: CallId, outcome: ToolOutcome) {
    if panel
        .running_call
        .with_untracked(|r| r.as_ref().is_some_and(|r| r.call == call))
    {
        panel.running_call.set(None);
    }
    panel.tool_outcome.set(Some(outcome));
}

/// The tool call `call` is of: the running one, else the one picked.
fn called_tool(panel: &ServerPanel, call: CallId) -> String {
    match panel.running_call.get_untracked() {
        Some(r) if r.call == call => r.tool,
        _ => panel.selected_tool.get_untracked().unwrap_or_default(),
    }
}
