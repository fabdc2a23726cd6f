//! Tool calls: starting one (with the progress token that ties the server's progress to it),
//! its result, its cancellation, and at 2026-07-28 the rounds of any request that may need
//! input — a call, a read, a prompt: an `input_required` result is answered input by input,
//! then the request goes again with the answers and the `requestState` as received, until the
//! server is done or gives up (S26 basic/patterns/mrtr.mdx).
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::ClientSession;
use super::browse::Browse;
use super::inputs::ServerInput;
use super::link::Phase;
use super::requests::Pending;
use crate::error::{Doing, Error, Failure};
use crate::event::{CallId, Event, Gone, LogLevel, RelatedCall};
use crate::jsonrpc;
use crate::model::{
    CallToolRequestParams, CallToolResult, CancelledNotificationParam, NumberOrString, Tool,
};
use crate::mrtr::{self, Asked, Retried, Round};
use crate::negotiation::Transport;
use crate::stateless::{self, ParamHeader};
use crate::task;

#[derive(Debug, Default)]
pub(super) struct Calls {
    next: u64,
    /// 2026-07-28: tool calls between rounds.
    pub rounds: BTreeMap<CallId, Round>,
    /// 2026-07-28: each listed tool's `x-mcp-header` marks.
    pub param_marks: BTreeMap<String, Vec<ParamHeader>>,
}

impl ClientSession {
    /// A new id for a call, or for a read or a prompt that goes into rounds.
    pub(super) fn next_call(&mut self) -> CallId {
        let call = CallId(self.calls.next);
        self.calls.next += 1;
        call
    }

    pub(super) fn start_call(&mut self, tool: &str, arguments: Map<String, Value>) -> CallId {
        let call = self.next_call();
        if self.link.phase != Phase::Ready {
            self.events.push_back(Event::ToolCallFailed {
                call,
                error: Error::new(
                    Doing::CallingTool {
                        tool: tool.to_owned(),
                        round: 0,
                    },
                    Failure::NotConnected,
                ),
            });
            return call;
        }
        let params = serde_json::to_value(
            CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments.clone()),
        )
        .unwrap_or(Value::Null);
        let task = self.calls_as_task(tool);
        self.log(
            LogLevel::Info,
            match task {
                true => format!("Calling tool {tool} as a task"),
                false => format!("Calling tool {tool}"),
            },
        );
        self.send_call(
            RelatedCall {
                call,
                tool: tool.to_owned(),
            },
            params,
            arguments,
            0,
            task,
        );
        call
    }

    /// Sends a `tools/call` carrying `_meta.progressToken` = the call's id, as `round`'s send,
    /// and as a task (S25 basic/utilities/tasks.mdx "Creating Tasks": the server keeps it as
    /// long as it likes, so no `ttl` is asked for) when `task` says so.
    fn send_call(
        &mut self,
        related: RelatedCall,
        mut params: Value,
        arguments: Map<String, Value>,
        round: u32,
        task: bool,
    ) {
        params["_meta"] = json!({"progressToken": related.call.0});
        if task {
            params["task"] = json!({});
        }
        self.send_rpc(
            "tools/call",
            Some(params),
            Pending::CallTool {
                related,
                arguments,
                round,
                task,
            },
        );
    }

    /// A `tools/call` was answered: finished, or (2026-07-28) input required.
    pub(super) fn on_call_result(
        &mut self,
        related: RelatedCall,
        arguments: Map<String, Value>,
        round: u32,
        result: Value,
    ) {
        if mrtr::is_input_required(&result) {
            let retried = Retried::Tool {
                name: related.tool.clone(),
                arguments,
            };
            return self.on_input_required(related, retried, round + 1, &result);
        }
        self.finish_call(related, round, result);
    }

    /// A call's result arrived (from `tools/call`, or its task's `tasks/result`).
    pub(super) fn finish_call(&mut self, related: RelatedCall, round: u32, result: Value) {
        self.call_ended(&related);
        let event = match serde_json::from_value::<CallToolResult>(result) {
            Ok(result) => {
                self.log(LogLevel::Info, format!("Tool {} finished", related.tool));
                Event::ToolCallFinished {
                    call: related.call,
                    result,
                }
            }
            Err(e) => Event::ToolCallFailed {
                call: related.call,
                error: Error::new(
                    Doing::CallingTool {
                        tool: related.tool.clone(),
                        round,
                    },
                    Failure::Unusable(format!("its result is malformed: {e}")),
                ),
            },
        };
        self.events.push_back(event);
    }

    /// The server ended a tool call (its result or a JSON-RPC error) while requests it sent on
    /// the call's stream were unanswered: it has stopped waiting for them, so they leave the
    /// queue with a notice instead of lingering until an answer nobody reads.
    pub(super) fn call_ended(&mut self, related: &RelatedCall) {
        self.remove_for_call(
            related.call,
            &Gone::CallEnded {
                tool: related.tool.clone(),
            },
        );
    }

    pub(super) fn cancel(&mut self, call: CallId, reason: &str) {
        // A task's own requests go with it first: what still carries the call is its tools/call.
        let task = self.stop_task(call);
        let rpc = self.requests.rpc_carrying(call);
        let waiting_round = self.calls.rounds.remove(&call).is_some();
        if rpc.is_none() && !waiting_round && !task {
            return;
        }
        if let Some(id) = rpc {
            self.withdraw_call(id, reason);
        }
        self.remove_for_call(call, &Gone::CallCancelled);
        self.log(LogLevel::Info, format!("Cancelled the tool call: {reason}"));
        self.events.push_back(Event::ToolCallCancelled {
            call,
            reason: reason.to_owned(),
        });
    }

    /// Takes back request `rpc`: its streams close, and up to 2025-11-25 the server hears
    /// `notifications/cancelled` with `reason`; at 2026-07-28 closing the response stream is
    /// the cancellation (S26 basic/transports/streamable-http.mdx).
    pub(super) fn withdraw(&mut self, rpc: u64, reason: &str) {
        let Some(pending) = self.drop_rpc(rpc) else {
            return;
        };
        if let Pending::CallTool { related, .. } = &pending {
            self.remove_for_call(related.call, &Gone::CallCancelled);
        }
        if self.link.transport != Transport::Stateless {
            let note = CancelledNotificationParam::new(
                Some(NumberOrString::Number(
                    i64::try_from(rpc).unwrap_or(i64::MAX),
                )),
                Some(reason.to_owned()),
            );
            let body =
                jsonrpc::notification("notifications/cancelled", serde_json::to_value(note).ok());
            self.send_reply(body, "cancellation".into());
        }
    }

    /// Takes back tool call `rpc`. One sent as a task is not withdrawn: a task MUST be
    /// cancelled with `tasks/cancel` (S25 basic/utilities/cancellation.mdx), which needs the
    /// task's id, so its answer is awaited and the task it names cancelled then.
    pub(super) fn withdraw_call(&mut self, rpc: u64, reason: &str) {
        match self.requests.pending.get_mut(&rpc) {
            Some(pending) if matches!(pending.kind, Pending::CallTool { task: true, .. }) => {
                pending.kind = Pending::Abandoned;
            }
            _ => self.withdraw(rpc, reason),
        }
    }

    /// The answer to a call cancelled before its task was known: the task is cancelled.
    pub(super) fn on_abandoned(&mut self, result: &Value) {
        match task::created(result) {
            Some(Ok(state)) if !state.status.is_terminal() && self.link.offers.task_cancel => {
                self.send_rpc(
                    "tasks/cancel",
                    Some(json!({ "taskId": state.id })),
                    Pending::TaskCancel,
                );
            }
            Some(Ok(state)) if !state.status.is_terminal() => self.log(
                LogLevel::Warning,
                format!(
                    "The server offers no tasks/cancel: task {} of a cancelled call may run on there.",
                    state.id
                ),
            ),
            _ => self.log(
                LogLevel::Debug,
                "A cancelled call was answered; nothing is left to cancel.".into(),
            ),
        }
    }

    /// Forgets request `rpc` and stops its exchanges, telling the server nothing.
    pub(super) fn drop_rpc(&mut self, rpc: u64) -> Option<Pending> {
        let pending = self.requests.pending.remove(&rpc)?;
        self.resume.forget(rpc);
        self.timers.forget_rpc(rpc);
        for transfer in self.exchanges.of_rpc(rpc) {
            self.exchanges.abort(transfer);
        }
        Some(pending.kind)
    }

    /// 2026-07-28: tools whose `x-mcp-header` marks are invalid must not be offered.
    pub(super) fn usable_tools(&mut self, tools: Vec<Tool>) -> Vec<Tool> {
        if self.link.transport != Transport::Stateless {
            return tools;
        }
        let mut usable = Vec::with_capacity(tools.len());
        for tool in tools {
            let schema = Value::Object((*tool.input_schema).clone());
            match stateless::param_headers(&schema) {
                Ok(marks) => {
                    if !marks.is_empty() {
                        self.calls.param_marks.insert(tool.name.to_string(), marks);
                    }
                    usable.push(tool);
                }
                Err(reason) => self.log(
                    LogLevel::Warning,
                    format!(
                        "Left out tool {}: its x-mcp-header marks are invalid ({reason}).",
                        tool.name
                    ),
                ),
            }
        }
        usable
    }

    /// A request answered with `input_required` (a call, a read, a prompt: S26
    /// basic/patterns/mrtr.mdx "Supported Requests"): queue its inputs, or send it again at once.
    pub(super) fn on_input_required(
        &mut self,
        related: RelatedCall,
        retried: Retried,
        round: u32,
        result: &Value,
    ) {
        let call = related.call;
        if round > mrtr::MAX_ROUNDS {
            return self.round_failed(
                &related,
                &retried,
                round - 1,
                Failure::TooManyRounds(mrtr::MAX_ROUNDS),
            );
        }
        let asked = match mrtr::decode_input_required(result) {
            Ok(asked) => asked,
            Err(e) => {
                return self.round_failed(
                    &related,
                    &retried,
                    round - 1,
                    Failure::Unusable(format!("its input_required result is unusable: {e}")),
                );
            }
        };
        let keys = asked.inputs.iter().map(|(k, _)| k.clone());
        let mut state = Round::new(retried, round, asked.request_state, keys);
        let mut sampling = Vec::new();
        let mut elicitations = Vec::new();
        for (key, input) in asked.inputs {
            match input {
                Asked::Sampling(params, raw) => sampling.push((key, params, raw)),
                Asked::Elicitation(elicitation) => elicitations.push((key, elicitation)),
                Asked::Roots => {
                    self.log(
                        LogLevel::Info,
                        format!(
                            "The server asked for the roots (input {key:?}); answered with {}",
                            self.config.roots.len()
                        ),
                    );
                    state.answer(&key, self.roots_result());
                }
            }
        }
        self.calls.rounds.insert(call, state);
        self.log(
            LogLevel::Info,
            format!(
                "{} needs input (round {round}): {} sampling request(s), {} elicitation(s)",
                related.tool,
                sampling.len(),
                elicitations.len()
            ),
        );
        for (key, params, raw) in sampling {
            self.add_input(
                ServerInput::Round { call, key },
                *params,
                raw,
                Some(related.clone()),
            );
        }
        for (key, elicitation) in elicitations {
            self.add_elicitation(
                ServerInput::Round { call, key },
                elicitation,
                Some(related.clone()),
            );
        }
        if self.calls.rounds.get(&call).is_some_and(Round::is_complete) {
            self.send_round(call);
        }
    }

    /// A request between rounds cannot go on: a call fails, a read or a prompt too, each the
    /// way it reports failing; the inputs it left go.
    pub(super) fn round_failed(
        &mut self,
        related: &RelatedCall,
        retried: &Retried,
        round: u32,
        failure: Failure,
    ) {
        self.call_ended(related);
        let event = match retried {
            Retried::Tool { name, .. } => Event::ToolCallFailed {
                call: related.call,
                error: Error::new(
                    Doing::CallingTool {
                        tool: name.clone(),
                        round,
                    },
                    failure,
                ),
            },
            Retried::Read { uri } => Event::BrowseFailed {
                error: Error::new(Doing::ReadingResource(uri.clone()), failure),
            },
            Retried::Prompt { name, .. } => Event::BrowseFailed {
                error: Error::new(Doing::GettingPrompt(name.clone()), failure),
            },
        };
        self.events.push_back(event);
    }

    /// Records the answer to one input of a round; the call goes again once all are in.
    pub(super) fn answer_round(&mut self, call: CallId, key: &str, answer: Value) {
        let complete = self
            .calls
            .rounds
            .get_mut(&call)
            .is_some_and(|round| round.answer(key, answer));
        if complete {
            self.send_round(call);
        }
    }

    /// The person rejected (or the client refused) an input of a round: 2026-07-28 has no
    /// error for that, so the request is not sent again — a call ends as declined, a read or
    /// a prompt fails as declined; its other inputs go.
    pub(super) fn decline_round(&mut self, call: CallId, key: &str) {
        let Some(round) = self.calls.rounds.remove(&call) else {
            return;
        };
        self.remove_for_call(call, &Gone::RoundRejected);
        let label = round.retried.label();
        self.log(
            LogLevel::Info,
            format!("Declined input {key:?}: {label} is not sent again."),
        );
        if let Retried::Tool { name, .. } = round.retried {
            return self.events.push_back(Event::ToolCallDeclined {
                call,
                tool: name,
                input: key.to_owned(),
            });
        }
        let related = RelatedCall { call, tool: label };
        self.round_failed(
            &related,
            &round.retried,
            round.number,
            Failure::Declined {
                input: key.to_owned(),
            },
        );
    }

    /// Sends a request again with its round's answers and the `requestState` as received.
    fn send_round(&mut self, call: CallId) {
        let Some(round) = self.calls.rounds.remove(&call) else {
            return;
        };
        self.log(
            LogLevel::Info,
            format!(
                "Sending {} again with the answers of round {}",
                round.retried.label(),
                round.number
            ),
        );
        let params = round.retry();
        let again = Some((call, round.number));
        match round.retried {
            Retried::Tool { name, arguments } => self.send_call(
                RelatedCall { call, tool: name },
                params,
                arguments,
                round.number,
                false,
            ),
            Retried::Read { uri } => {
                self.send_browse("resources/read", params, Browse::Read { uri, again })
            }
            Retried::Prompt { name, arguments } => self.send_browse(
                "prompts/get",
                params,
                Browse::GetPrompt {
                    name,
                    arguments,
                    again,
                },
            ),
        }
    }
}
