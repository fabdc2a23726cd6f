//! What the server sends, message by message: results and errors for the client's requests,
//! requests of its own (routed to [`super::inputs`]), and notifications — log lines, progress,
//! cancellations, a changed tool list. A message on a tool call's stream belongs to that call.
use serde_json::Value;

use super::ClientSession;
use super::browse::Listing;
use super::exchanges::Purpose;
use super::requests::Pending;
use crate::error::Failure;
use crate::event::{CallId, Event, LogEntry, LogLevel, LogSource, RelatedCall};
use crate::http::TransferId;
use crate::jsonrpc::Incoming;
use crate::model::{NumberOrString, RequestId};
use crate::{negotiation, notification};

impl ClientSession {
    /// Routes a message from a whole (JSON) body that answered `purpose`.
    pub(super) fn dispatch_from(&mut self, purpose: &Purpose, message: Incoming) {
        let related = match purpose {
            Purpose::Rpc(id) => self.related_call(*id),
            _ => None,
        };
        self.dispatch(related, message);
    }

    /// Routes a message that arrived on the event stream of exchange `transfer`.
    pub(super) fn dispatch_on(&mut self, transfer: TransferId, message: Incoming) {
        let related = match self.exchanges.purpose(transfer) {
            Some(Purpose::Rpc(id) | Purpose::Resume { rpc: id }) => {
                let id = *id;
                // The call is alive: its deadline starts again.
                self.timers.touch(self.now, id);
                self.related_call(id)
            }
            Some(Purpose::Standalone) => {
                self.resume.standalone_heard();
                None
            }
            // HTTP+SSE carries everything on one stream: with one call running, it is that one
            // (and a message for it shows it alive).
            Some(Purpose::LegacyStream) => self.only_call().map(|(rpc, only)| {
                self.timers.touch(self.now, rpc);
                only
            }),
            _ => None,
        };
        self.dispatch(related, message);
    }

    /// The one tool call running, by the request that carries it; none with several.
    pub(super) fn only_call(&self) -> Option<(u64, RelatedCall)> {
        let mut calls = self
            .requests
            .pending
            .iter()
            .filter_map(|(id, p)| match &p.kind {
                Pending::CallTool { related, .. } => Some((*id, related.clone())),
                _ => None,
            });
        match (calls.next(), calls.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// The tool call request `rpc` carries (see [`Pending::carries`]), if any.
    pub(super) fn related_call(&self, rpc: u64) -> Option<RelatedCall> {
        self.requests
            .pending
            .get(&rpc)
            .and_then(|p| p.kind.carries())
            .cloned()
    }

    fn dispatch(&mut self, related: Option<RelatedCall>, message: Incoming) {
        match message {
            Incoming::Response { id, result } => match our_id(&id) {
                Some(id) if self.requests.pending.contains_key(&id) => {
                    self.complete_rpc(id, result)
                }
                _ => self.log(
                    LogLevel::Warning,
                    format!("The server answered a request the client never sent (id {id})."),
                ),
            },
            Incoming::Error { id, error } => {
                let pending = id
                    .as_ref()
                    .and_then(our_id)
                    .filter(|id| self.requests.pending.contains_key(id));
                match pending {
                    Some(id) => {
                        match &self.requests.pending[&id].kind {
                            Pending::Discover => {
                                self.requests.pending.remove(&id);
                                return self
                                    .on_discovery(negotiation::judge_discover_error(200, &error));
                            }
                            // The server answered the call: it no longer waits for that call's
                            // requests.
                            kind => {
                                if let Some(related) = kind.carries().cloned() {
                                    self.call_ended(&related);
                                }
                            }
                        }
                        self.fail_rpc(id, Failure::Rpc(error));
                    }
                    None => self.log(
                        LogLevel::Error,
                        format!(
                            "The server reported an error: {} (JSON-RPC error {})",
                            error.message, error.code.0
                        ),
                    ),
                }
            }
            Incoming::Request { id, method, params } => {
                self.on_server_request(id, &method, params, related)
            }
            Incoming::Notification { method, params } => self.on_notification(&method, params),
        }
    }

    fn on_notification(&mut self, method: &str, params: Value) {
        match method {
            "notifications/message" => {
                let entry = match notification::log_message(&params) {
                    Some(message) => LogEntry {
                        level: message.level,
                        source: LogSource::Server,
                        text: message.text,
                        about: self.exchanges.handling,
                    },
                    // A level MCP does not name, or no `data`: shown as it came, as an error.
                    None => LogEntry {
                        level: LogLevel::Error,
                        source: LogSource::Server,
                        text: params.to_string(),
                        about: self.exchanges.handling,
                    },
                };
                self.events.push_back(Event::Log(entry));
            }
            "notifications/progress" => {
                let progress = notification::progress(&params);
                let call = progress.as_ref().ok().and_then(|p| p.token).map(CallId);
                let rpc = call.and_then(|call| self.requests.rpc_carrying(call));
                // A task's progress token stays valid while the task runs (S25
                // basic/utilities/tasks.mdx "Task Progress Notifications").
                let running = rpc.is_some() || call.is_some_and(|call| self.tasks.follows(call));
                match (progress, call, running) {
                    (Ok(p), Some(call), true) => {
                        // Progress resets the call's deadline (S25 basic/lifecycle "Timeouts").
                        if let Some(rpc) = rpc {
                            self.timers.touch(self.now, rpc);
                        }
                        self.events.push_back(Event::Progress {
                            call,
                            progress: p.progress,
                            total: p.total,
                            message: p.message,
                        })
                    }
                    (Ok(_), _, _) => self.log(
                        LogLevel::Debug,
                        "Progress for no running call; ignored.".into(),
                    ),
                    (Err(e), _, _) => self.log(
                        LogLevel::Warning,
                        format!("Ignored malformed progress from the server: {e}: {params}"),
                    ),
                }
            }
            "notifications/cancelled" => match notification::cancelled(&params) {
                Ok(cancelled) => {
                    if let Some(id) = cancelled.request_id {
                        self.server_cancelled(&id, cancelled.reason);
                    }
                }
                Err(e) => self.log(
                    LogLevel::Warning,
                    format!("Ignored a malformed cancellation from the server: {e}: {params}"),
                ),
            },
            "notifications/tools/list_changed" => self.list_tools(),
            "notifications/elicitation/complete" => self.elicitation_completed(&params),
            "notifications/resources/list_changed" => {
                self.list(Listing::Resources(Vec::new()));
                self.list(Listing::Templates(Vec::new()));
            }
            "notifications/prompts/list_changed" => self.list(Listing::Prompts(Vec::new())),
            "notifications/subscriptions/acknowledged" => self.listen_acknowledged(&params),
            // S25 server/resources.mdx "Subscriptions": the resource changed; read it again to
            // see how.
            "notifications/resources/updated" => match params.get("uri").and_then(Value::as_str) {
                Some(uri) => {
                    self.log(LogLevel::Info, format!("The server says {uri} changed"));
                    self.events.push_back(Event::ResourceUpdated {
                        uri: uri.to_owned(),
                    });
                }
                None => self.log(
                    LogLevel::Warning,
                    format!("Ignored a resource update that names no uri: {params}"),
                ),
            },
            other => self.log(LogLevel::Debug, format!("Notification {other}: {params}")),
        }
    }
}

/// A response id as one of the client's own request ids (it only sends numbers).
pub(super) fn our_id(id: &RequestId) -> Option<u64> {
    match id {
        NumberOrString::Number(n) => u64::try_from(*n).ok(),
        NumberOrString::String(s) => s.parse().ok(),
    }
}
