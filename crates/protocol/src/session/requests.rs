//! The client's own JSON-RPC requests: sending one (with the headers and, at 2026-07-28, the
//! `_meta` envelope it needs), answering a server's request, and what becomes of each request
//! when its result, its error or its failure arrives.
// rmcp marks its logging types deprecated (SEP-2577); the page still sets the server's level.
#![allow(deprecated)]

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::ClientSession;
use super::browse::Browse;
use super::exchanges::{ACCEPT_BOTH, Purpose};
use super::link::Phase;
use crate::error::{Doing, Error, Failure, Hint};
use crate::event::{CallId, Event, LogLevel, RelatedCall};
use crate::http::HttpMethod;
use crate::jsonrpc;
use crate::model::{
    ListToolsResult, LoggingLevel, PaginatedRequestParams, SetLevelRequestParams, Tool,
};
use crate::negotiation::{self, Transport};
use crate::revision::Revision;
use crate::stateless;
use crate::task;

/// A server that keeps handing out `nextCursor` is cut off after this many pages.
const MAX_TOOL_PAGES: u32 = 100;

/// What a request of the client's was for.
#[derive(Debug)]
pub(super) enum Pending {
    Discover,
    Initialize(Revision),
    Ping,
    SetLogLevel,
    ListTools {
        tools: Vec<Tool>,
        pages: u32,
    },
    CallTool {
        related: RelatedCall,
        arguments: serde_json::Map<String, Value>,
        /// 0 for the first send; n for the send carrying round n's answers.
        round: u32,
        /// Sent as a 2025-11-25 task: the answer is the task, not the result.
        task: bool,
    },
    /// 2025-11-25: a task-augmented call's `tasks/get`.
    TaskGet {
        related: RelatedCall,
    },
    /// 2025-11-25: a task-augmented call's `tasks/result`, which blocks until the task is done
    /// and carries the task's requests on its stream.
    TaskResult {
        related: RelatedCall,
    },
    /// 2025-11-25: `tasks/cancel`.
    TaskCancel,
    /// 2025-11-25: a call sent as a task and cancelled before its answer named the task: the
    /// task is cancelled when it does.
    Abandoned,
    /// Resources, templates and prompts: lists, a read, a prompt, a subscription.
    Browse(Browse),
    /// 2026-07-28: the open stream of the server's changes (`subscriptions/listen`).
    Listen,
}

impl Pending {
    /// What the session was doing, for errors.
    pub fn doing(&self) -> Doing {
        match self {
            Pending::Discover => Doing::Discovering,
            Pending::Initialize(revision) => Doing::Initializing(*revision),
            Pending::Ping => Doing::Pinging,
            Pending::SetLogLevel => Doing::SettingLogLevel,
            Pending::ListTools { .. } => Doing::ListingTools,
            Pending::CallTool { related, round, .. } => Doing::CallingTool {
                tool: related.tool.clone(),
                round: *round,
            },
            Pending::TaskGet { related } | Pending::TaskResult { related } => Doing::CallingTool {
                tool: related.tool.clone(),
                round: 0,
            },
            Pending::TaskCancel | Pending::Abandoned => Doing::CancellingTask,
            Pending::Browse(browse) => browse.doing(),
            Pending::Listen => Doing::Listening,
        }
    }
}

impl Pending {
    /// The tool call this request is part of: its `tools/call`, and its task's `tasks/get`
    /// and `tasks/result` (the timeline draws them together).
    pub fn belongs_to(&self) -> Option<&RelatedCall> {
        match self {
            Pending::TaskGet { related } => Some(related),
            _ => self.carries(),
        }
    }

    /// The tool call this request carries (its `tools/call`, or its task's `tasks/result`):
    /// messages on its stream belong to that call, and it waits while the person answers them.
    pub fn carries(&self) -> Option<&RelatedCall> {
        match self {
            Pending::CallTool { related, .. } | Pending::TaskResult { related } => Some(related),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub(super) struct PendingRpc {
    pub method: &'static str,
    pub kind: Pending,
}

/// The client's requests waiting for an answer, by JSON-RPC id.
#[derive(Debug, Default)]
pub(super) struct Requests {
    pub pending: BTreeMap<u64, PendingRpc>,
    next: u64,
}

impl Requests {
    /// The request carrying call `call` now (see [`Pending::carries`]).
    pub fn rpc_carrying(&self, call: CallId) -> Option<u64> {
        self.pending
            .iter()
            .find(|(_, p)| p.kind.carries().is_some_and(|r| r.call == call))
            .map(|(id, _)| *id)
    }
}

impl ClientSession {
    /// Sends a request of the client's and waits for its answer (until its deadline).
    pub(super) fn send_rpc<P: Serialize>(
        &mut self,
        method: &'static str,
        params: Option<P>,
        kind: Pending,
    ) -> u64 {
        // One copy of the sending below for every kind of params (the page's size).
        let params = params.and_then(|p| serde_json::to_value(p).ok());
        self.send_request(method, params, kind)
    }

    fn send_request(&mut self, method: &'static str, params: Option<Value>, kind: Pending) -> u64 {
        let id = self.requests.next;
        self.requests.next += 1;
        let headers;
        let body;
        if self.link.transport == Transport::Stateless {
            // 2026-07-28: every request carries its own envelope and names itself in headers.
            let params = stateless::with_envelope(
                params.unwrap_or(Value::Null),
                &self.client_info,
                self.config.log_level,
            );
            let mut all = vec![
                ("Accept".to_owned(), ACCEPT_BOTH.to_owned()),
                ("Content-Type".to_owned(), "application/json".to_owned()),
            ];
            all.extend(stateless::request_headers(method, &params));
            if let Pending::CallTool {
                related, arguments, ..
            } = &kind
                && let Some(marks) = self.calls.param_marks.get(&related.tool)
            {
                all.extend(stateless::param_header_values(marks, arguments));
            }
            headers = all;
            body = jsonrpc::request(id, method, Some(params));
        } else {
            headers = self.headers(Some("application/json"));
            body = jsonrpc::request(id, method, params);
        }
        self.timers.set_deadline(self.now, id, &kind);
        self.requests
            .pending
            .insert(id, PendingRpc { method, kind });
        self.start(HttpMethod::Post, headers, Some(body), Purpose::Rpc(id));
        id
    }

    /// POSTs an answer to a server request, or a notification.
    pub(super) fn send_reply(&mut self, body: String, what: String) {
        self.send_answer(body, what, None);
    }

    /// POSTs an answer to a server request that belongs to tool call `call`.
    pub(super) fn send_answer(&mut self, body: String, what: String, call: Option<CallId>) {
        let headers = self.headers(Some("application/json"));
        self.start(
            HttpMethod::Post,
            headers,
            Some(body),
            Purpose::Reply(what, call),
        );
    }

    /// Fetches the server's tools, every page; ends in [`Event::ToolsListed`].
    pub(super) fn list_tools(&mut self) {
        if self.link.phase != Phase::Ready {
            return;
        }
        self.request_tools_page(None, Vec::new(), 0);
    }

    fn request_tools_page(&mut self, cursor: Option<String>, tools: Vec<Tool>, pages: u32) {
        let mut params = PaginatedRequestParams::default();
        params.cursor = cursor;
        self.send_rpc(
            "tools/list",
            Some(params),
            Pending::ListTools { tools, pages },
        );
    }

    /// Asks the server for log messages at `level` and above.
    pub(super) fn change_log_level(&mut self, level: LoggingLevel) {
        self.config.log_level = Some(level);
        // 2026-07-28 carries the level on every request instead.
        if self.link.transport != Transport::Stateless
            && self.link.phase == Phase::Ready
            && self.link.offers.logging
        {
            self.send_rpc(
                "logging/setLevel",
                Some(SetLevelRequestParams::new(level)),
                Pending::SetLogLevel,
            );
        }
    }

    /// A request's result arrived.
    pub(super) fn complete_rpc(&mut self, id: u64, result: Value) {
        self.resume.forget(id);
        self.timers.forget_rpc(id);
        let Some(rpc) = self.requests.pending.remove(&id) else {
            return;
        };
        match rpc.kind {
            Pending::Ping | Pending::SetLogLevel => self.log(
                LogLevel::Debug,
                format!("The server acknowledged {}", rpc.method),
            ),
            Pending::Discover => self.on_discovery(negotiation::judge_discover_result(&result)),
            Pending::Initialize(revision) => self.on_initialize_result(revision, result),
            Pending::ListTools { mut tools, pages } => {
                if pages == 0 {
                    self.tasks.required.clear();
                }
                // rmcp's `Tool` drops `execution`: which tools need a task is read as sent.
                self.tasks.required.extend(task::required_by(&result));
                match serde_json::from_value::<ListToolsResult>(result) {
                    Ok(page) => {
                        let page_tools = self.usable_tools(page.tools);
                        tools.extend(page_tools);
                        match page.next_cursor {
                            Some(cursor) if pages + 1 < MAX_TOOL_PAGES => {
                                self.request_tools_page(Some(cursor), tools, pages + 1)
                            }
                            Some(_) => {
                                self.log(
                                    LogLevel::Warning,
                                    format!("Stopped listing tools after {MAX_TOOL_PAGES} pages."),
                                );
                                self.events.push_back(Event::ToolsListed(tools));
                            }
                            None => self.events.push_back(Event::ToolsListed(tools)),
                        }
                    }
                    Err(e) => self.log(
                        LogLevel::Error,
                        format!("The server's tool list is malformed: {e}"),
                    ),
                }
            }
            Pending::CallTool {
                related,
                arguments,
                round,
                task,
            } => match task.then(|| task::created(&result)).flatten() {
                Some(created) => self.task_created(related, created),
                None => self.on_call_result(related, arguments, round, result),
            },
            Pending::TaskGet { related } => self.on_task_got(related, &result),
            Pending::Abandoned => self.on_abandoned(&result),
            Pending::TaskResult { related } => self.on_task_result(related, result),
            Pending::TaskCancel => {
                self.log(LogLevel::Info, "The server cancelled the task.".into())
            }
            Pending::Browse(browse) => self.on_browse_result(browse, result),
            Pending::Listen => self.listen_ended(id, None),
        }
    }

    /// A request failed: the call fails, connecting fails, or the log says so.
    pub(super) fn fail_rpc(&mut self, id: u64, failure: Failure) {
        self.resume.forget(id);
        self.timers.forget_rpc(id);
        let Some(rpc) = self.requests.pending.remove(&id) else {
            return;
        };
        let error = Error::new(rpc.kind.doing(), failure);
        let error = self.with_hint(error);
        match rpc.kind {
            Pending::Ping | Pending::SetLogLevel => self.log(
                LogLevel::Warning,
                format!(
                    "The server did not answer {}: {}",
                    rpc.method,
                    Self::brief(&error.failure)
                ),
            ),
            Pending::Initialize(_) | Pending::Discover => self.connect_failed(error),
            Pending::ListTools { .. } => self.log(
                LogLevel::Error,
                format!("Listing tools failed: {}", Self::brief(&error.failure)),
            ),
            Pending::CallTool { related, .. } => {
                self.log(
                    LogLevel::Error,
                    format!(
                        "The call of {} failed: {}",
                        related.tool,
                        Self::brief(&error.failure)
                    ),
                );
                // A transport failure is not a cancellation: the server may still wait for
                // the answers to this call's requests, so they stay answerable.
                self.events.push_back(Event::ToolCallFailed {
                    call: related.call,
                    error,
                });
            }
            Pending::TaskGet { related } | Pending::TaskResult { related } => {
                self.task_failed(&related, error)
            }
            Pending::Abandoned => self.log(
                LogLevel::Debug,
                format!("A cancelled call failed: {}", Self::brief(&error.failure)),
            ),
            Pending::TaskCancel => self.log(
                LogLevel::Warning,
                format!(
                    "The server did not cancel the task: {}",
                    Self::brief(&error.failure)
                ),
            ),
            Pending::Listen => self.listen_ended(id, Some(&error.failure)),
            // A suggestion that did not come is no failure of the person's: it is asked again
            // with the next key.
            Pending::Browse(Browse::Complete { .. }) => self.log(
                LogLevel::Debug,
                format!("No suggestions: {}", Self::brief(&error.failure)),
            ),
            Pending::Browse(_) => {
                self.log(
                    LogLevel::Error,
                    format!("{} failed: {}", rpc.method, Self::brief(&error.failure)),
                );
                self.events.push_back(Event::BrowseFailed { error });
            }
        }
    }

    /// An exchange failed: whatever it was for fails with it.
    pub(super) fn fail_purpose(&mut self, purpose: &Purpose, failure: Failure) {
        match purpose {
            Purpose::Rpc(id) | Purpose::Resume { rpc: id } => self.fail_rpc(*id, failure),
            Purpose::Initialized => {
                let error = self.with_hint(Error::new(Doing::Confirming, failure));
                self.connect_failed(error)
            }
            Purpose::Reply(what, _) => self.log(
                LogLevel::Error,
                format!(
                    "The server did not accept the {what}: {}",
                    Self::brief(&failure)
                ),
            ),
            Purpose::Standalone => self.log(
                LogLevel::Warning,
                format!("The standalone stream failed: {}", Self::brief(&failure)),
            ),
            Purpose::LegacyStream => self.legacy_stream_ended(failure),
            Purpose::Delete => self.log(
                LogLevel::Debug,
                format!(
                    "Ending the session on the server failed: {}",
                    Self::brief(&failure)
                ),
            ),
        }
    }

    /// What the session knows that explains an HTTP failure.
    pub(super) fn with_hint(&self, error: Error) -> Error {
        let hint = match (&error.failure, &error.doing) {
            (Failure::Status { .. } | Failure::Rpc(_), Doing::CallingTool { round, .. })
                if *round > 0 =>
            {
                Some(Hint::RequestStateRefused)
            }
            (_, Doing::CallingTool { .. })
                if self.link.transport == Transport::Stateless
                    && error.rpc().is_some_and(stateless::wants_back_channel) =>
            {
                Some(Hint::WantsBackChannel)
            }
            (Failure::Status { status: 404, .. }, _) if self.link.session_id.is_some() => {
                Some(Hint::SessionGone)
            }
            (Failure::Status { status: 404, .. }, _) => Some(Hint::CheckUrl),
            (Failure::Status { status: 400, .. }, _)
                if self.link.session_id.is_none()
                    && matches!(self.link.phase, Phase::Confirming | Phase::Ready)
                    && self.link.transport == Transport::Stateful =>
            {
                Some(Hint::ExposeSessionId)
            }
            (Failure::Status { status: 403, .. }, _) => Some(Hint::OriginRefused),
            _ => None,
        };
        error.with_hint(hint)
    }
}
