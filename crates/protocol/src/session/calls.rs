//! Tool calls: starting one (with the progress token that ties the server's progress to it),
//! its result, its cancellation, and at 2026-07-28 its rounds — an `input_required` result is
//! answered input by input, then the call goes again with the answers and the `requestState`
//! as received, until the server is done or gives up (S26 basic/patterns/mrtr.mdx).
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::ClientSession;
use super::inputs::ServerInput;
use super::link::Phase;
use super::requests::Pending;
use crate::error::{Doing, Error, Failure};
use crate::event::{CallId, Event, Gone, LogLevel, RelatedCall};
use crate::jsonrpc;
use crate::model::{
    CallToolRequestParams, CallToolResult, CancelledNotificationParam, NumberOrString, Tool,
};
use crate::mrtr::{self, Asked, Round};
use crate::negotiation::Transport;
use crate::stateless::{self, ParamHeader};

#[derive(Debug, Default)]
pub(super) struct Calls {
    next: u64,
    /// 2026-07-28: tool calls between rounds.
    pub rounds: BTreeMap<CallId, Round>,
    /// 2026-07-28: each listed tool's `x-mcp-header` marks.
    pub param_marks: BTreeMap<String, Vec<ParamHeader>>,
}

impl ClientSession {
    pub(super) fn start_call(&mut self, tool: &str, arguments: Map<String, Value>) -> CallId {
        let call = CallId(self.calls.next);
        self.calls.next += 1;
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
        let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments.clone());
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
        params: CallToolRequestParams,
        arguments: Map<String, Value>,
        round: u32,
        task: bool,
    ) {
        let mut params = serde_json::to_value(params).unwrap_or(Value::Null);
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
            return self.on_input_required(related, arguments, round + 1, &result);
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
        let rpc = self
            .requests
            .pending
            .iter()
            .find_map(|(id, p)| match &p.kind {
                Pending::CallTool { related, .. } if related.call == call => Some(*id),
                _ => None,
            });
        let waiting_round = self.calls.rounds.remove(&call).is_some();
        let task = self.stop_task(call);
        if rpc.is_none() && !waiting_round && !task {
            return;
        }
        if let Some(id) = rpc {
            self.withdraw(id, reason);
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

    /// A `tools/call` answered with `input_required`: queue its inputs, or send it again at once.
    fn on_input_required(
        &mut self,
        related: RelatedCall,
        arguments: Map<String, Value>,
        round: u32,
        result: &Value,
    ) {
        let call = related.call;
        let doing = Doing::CallingTool {
            tool: related.tool.clone(),
            round: round - 1,
        };
        if round > mrtr::MAX_ROUNDS {
            self.call_ended(&related);
            return self.events.push_back(Event::ToolCallFailed {
                call,
                error: Error::new(doing, Failure::TooManyRounds(mrtr::MAX_ROUNDS)),
            });
        }
        let asked = match mrtr::decode_input_required(result) {
            Ok(asked) => asked,
            Err(e) => {
                self.call_ended(&related);
                return self.events.push_back(Event::ToolCallFailed {
                    call,
                    error: Error::new(
                        doing,
                        Failure::Unusable(format!("its input_required result is unusable: {e}")),
                    ),
                });
            }
        };
        let keys = asked.inputs.iter().map(|(k, _)| k.clone());
        let mut state = Round::new(
            related.tool.clone(),
            arguments,
            round,
            asked.request_state,
            keys,
        );
        let mut sampling = Vec::new();
        let mut elicitations = Vec::new();
        for (key, input) in asked.inputs {
            match input {
                Asked::Sampling(params) => sampling.push((key, params)),
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
                "The call of {} needs input (round {round}): {} sampling request(s), {} elicitation(s)",
                related.tool,
                sampling.len(),
                elicitations.len()
            ),
        );
        for (key, params) in sampling {
            self.add_input(
                ServerInput::Round { call, key },
                *params,
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
    /// error for that, so the call is not sent again and ends as declined; its other inputs go.
    pub(super) fn decline_round(&mut self, call: CallId, key: &str) {
        let Some(round) = self.calls.rounds.remove(&call) else {
            return;
        };
        self.remove_for_call(call, &Gone::RoundRejected);
        self.log(
            LogLevel::Info,
            format!(
                "Declined input {key:?}: the call of {} is not sent again.",
                round.tool
            ),
        );
        self.events.push_back(Event::ToolCallDeclined {
            call,
            tool: round.tool,
            input: key.to_owned(),
        });
    }

    /// Sends a call again with its round's answers and the `requestState` as received.
    fn send_round(&mut self, call: CallId) {
        let Some(round) = self.calls.rounds.remove(&call) else {
            return;
        };
        self.log(
            LogLevel::Info,
            format!(
                "Sending the call of {} again with the answers of round {}",
                round.tool, round.number
            ),
        );
        let params = round.retry();
        self.send_call(
            RelatedCall {
                call,
                tool: round.tool,
            },
            params,
            round.arguments,
            round.number,
            false,
        );
    }
}
