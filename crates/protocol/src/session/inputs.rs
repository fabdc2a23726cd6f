//! Server requests waiting for the person — sampling (`sampling/createMessage`) and elicitation
//! (`elicitation/create`) — as a request on a stream (up to 2025-11-25) or an input of an
//! `input_required` result (2026-07-28): the same to the app ([`Event::SamplingRequested`],
//! [`Event::ElicitationRequested`]), answered the way each came. One table holds them; one
//! function takes away every one a tool call leaves behind ([`ClientSession::remove_for_call`]).
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

use super::ClientSession;
use crate::elicitation::{self, Answer, Elicitation, Mode};
use crate::error::AnswerError;
use crate::event::{
    CallId, Event, Gone, InputId, LogLevel, PendingElicitation, PendingSampling, RelatedCall,
};
use crate::jsonrpc::{self, codes};
use crate::model::{CreateMessageRequestParams, CreateMessageResult, ErrorCode, RequestId, Role};
use crate::negotiation::Transport;
use crate::task;

/// How many server request ids the session remembers, to ignore replays after a resume.
const REMEMBERED_REQUESTS: usize = 1024;
/// How many opened URL elicitations the session listens for the completion of.
const REMEMBERED_URLS: usize = 256;

/// Where a request waiting for the person came from, so the answer goes back the same way.
#[derive(Debug, Clone)]
pub(super) enum ServerInput {
    /// A JSON-RPC request from the server (up to 2025-11-25): answered by a POST. `call` is
    /// the tool call whose stream carried it, if any: when that call ends, the server no
    /// longer waits for the answer. `guess` is the call it probably belongs to on HTTP+SSE,
    /// where one stream carries everything: shown, and pausing that call's clock, but not
    /// bound to its end.
    Request {
        id: RequestId,
        call: Option<CallId>,
        guess: Option<CallId>,
        /// The 2025-11-25 task it said it belongs to: its answer says so too.
        task: Option<String>,
    },
    /// An input of a 2026-07-28 `input_required` result: answered by sending the request (a
    /// call, a read, a prompt) again.
    Round { call: CallId, key: String },
    /// A 2025-11-25 request the server asked to run as a task: its answer completes the task,
    /// which the server fetches (`call` as for a request).
    Task { task: String, call: Option<CallId> },
}

impl ServerInput {
    /// The tool call this input is bound to: it goes when the call ends.
    fn call(&self) -> Option<CallId> {
        match self {
            ServerInput::Request { call, .. } | ServerInput::Task { call, .. } => *call,
            ServerInput::Round { call, .. } => Some(*call),
        }
    }

    /// The tool call whose clock waits while the person reviews this input, if it is known.
    fn pauses(&self) -> Option<CallId> {
        match self {
            ServerInput::Request { call, guess, .. } => call.or(*guess),
            ServerInput::Round { call, .. } => Some(*call),
            ServerInput::Task { call, .. } => *call,
        }
    }
}

/// What a waiting input asks of the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Asks {
    Sampling,
    /// With the `elicitationId` of a URL elicitation, whose completion may be announced.
    Elicitation {
        url_id: Option<String>,
    },
}

impl Asks {
    fn name(&self) -> &'static str {
        match self {
            Asks::Sampling => "sampling",
            Asks::Elicitation { .. } => "elicitation",
        }
    }

    fn same_kind(&self, other: &Asks) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

#[derive(Debug, Default)]
pub(super) struct Inputs {
    pub waiting: BTreeMap<InputId, (Asks, ServerInput)>,
    next: u64,
    /// Ids of the server requests already seen (a resumed stream replays them).
    pub seen: VecDeque<RequestId>,
    /// The `elicitationId`s of URL elicitations the person accepted: a
    /// `notifications/elicitation/complete` naming another is ignored (S25
    /// client/elicitation.mdx, "Completion Notifications": clients MUST ignore unknown ids).
    pub opened_urls: VecDeque<String>,
}

impl ClientSession {
    /// Sends the person's approved completion back to the server.
    pub fn answer_sampling(
        &mut self,
        now: u64,
        input: InputId,
        result: &CreateMessageResult,
    ) -> Result<(), AnswerError> {
        self.at(now);
        if result.message.role != Role::Assistant {
            return Err(AnswerError::NotAssistant);
        }
        if result.model.trim().is_empty() {
            return Err(AnswerError::NoModel);
        }
        match self.take_input(input, &Asks::Sampling)? {
            ServerInput::Request {
                id,
                task,
                call,
                guess,
            } => {
                self.log(
                    LogLevel::Info,
                    format!("Answering sampling request {id} (model {})", result.model),
                );
                let value = serde_json::to_value(result).unwrap_or_default();
                let body = jsonrpc::result(&id, marked(value, task));
                let what = format!("answer to sampling request {id}");
                self.send_answer(body, what, call.or(guess));
            }
            ServerInput::Round { call, key } => {
                self.log(
                    LogLevel::Info,
                    format!("Answered sampling input {key:?} (model {})", result.model),
                );
                let value = serde_json::to_value(result).unwrap_or(Value::Null);
                self.answer_round(call, &key, value);
            }
            ServerInput::Task { task, .. } => {
                let value = serde_json::to_value(result).unwrap_or(Value::Null);
                self.task_answered(&task, Ok(value));
            }
        }
        Ok(())
    }

    /// Refuses a sampling request. Up to 2025-11-25 the server hears the error the spec gives
    /// for a person's refusal (as the task's outcome, for a task); at 2026-07-28 there is no
    /// such error, so the request is simply not sent again and ends as declined.
    pub fn reject_sampling(&mut self, now: u64, input: InputId) -> Result<(), AnswerError> {
        self.at(now);
        match self.take_input(input, &Asks::Sampling)? {
            ServerInput::Request {
                id, call, guess, ..
            } => {
                self.log(LogLevel::Info, format!("Rejecting sampling request {id}"));
                let body =
                    jsonrpc::error(&id, codes::USER_REJECTED, "User rejected sampling request");
                let what = format!("rejection of sampling request {id}");
                self.send_answer(body, what, call.or(guess));
            }
            ServerInput::Round { call, key } => self.decline_round(call, &key),
            ServerInput::Task { task, .. } => self.task_answered(
                &task,
                Err((codes::USER_REJECTED, "User rejected sampling request")),
            ),
        }
        Ok(())
    }

    /// Refuses a sampling request on the client's own account (too many waiting): up to
    /// 2025-11-25 the server hears a JSON-RPC error with `reason`; at 2026-07-28 the call
    /// ends as declined, like a rejection.
    pub fn refuse_sampling(
        &mut self,
        now: u64,
        input: InputId,
        reason: &str,
    ) -> Result<(), AnswerError> {
        self.at(now);
        match self.take_input(input, &Asks::Sampling)? {
            ServerInput::Request {
                id, call, guess, ..
            } => {
                self.log(
                    LogLevel::Warning,
                    format!("Refused sampling request {id}: {reason}"),
                );
                let body = jsonrpc::error(&id, codes::CLIENT_REFUSED, reason);
                let what = format!("refusal of sampling request {id}");
                self.send_answer(body, what, call.or(guess));
            }
            ServerInput::Round { call, key } => self.decline_round(call, &key),
            ServerInput::Task { task, .. } => {
                self.task_answered(&task, Err((codes::CLIENT_REFUSED, reason)))
            }
        }
        Ok(())
    }

    /// Sends the person's answer to an elicitation: up to 2025-11-25 as the request's
    /// result, at 2026-07-28 as the input's response — decline and cancel too: an
    /// `ElicitResult` has an action for each (S26 client/elicitation.mdx "Response Actions"),
    /// so the call goes again either way, where a rejected sampling input ends it.
    pub fn answer_elicitation(
        &mut self,
        now: u64,
        input: InputId,
        answer: &Answer,
    ) -> Result<(), AnswerError> {
        self.at(now);
        let action = answer.action();
        let url_id = match self.inputs.waiting.get(&input) {
            Some((Asks::Elicitation { url_id }, _)) => url_id.clone(),
            _ => None,
        };
        let from = self.take_input(input, &Asks::Elicitation { url_id: None })?;
        // The person agreed to open the page: its completion is now one to hear (a few hundred
        // at most are remembered; the oldest are forgotten first, like replayed request ids).
        if let (Answer::Accept(_), Some(id)) = (answer, url_id) {
            if self.inputs.opened_urls.len() >= REMEMBERED_URLS {
                self.inputs.opened_urls.pop_front();
            }
            self.inputs.opened_urls.push_back(id);
        }
        match from {
            ServerInput::Request {
                id,
                task,
                call,
                guess,
            } => {
                self.log(
                    LogLevel::Info,
                    format!("Answering elicitation request {id}: {action}"),
                );
                let body = jsonrpc::result(&id, marked(answer.result(), task));
                let what = format!("answer to elicitation request {id}");
                self.send_answer(body, what, call.or(guess));
            }
            ServerInput::Round { call, key } => {
                self.log(
                    LogLevel::Info,
                    format!("Answered elicitation input {key:?}: {action}"),
                );
                self.answer_round(call, &key, answer.result());
            }
            ServerInput::Task { task, .. } => {
                self.log(
                    LogLevel::Info,
                    format!("Answered the elicitation of {task}: {action}"),
                );
                self.task_answered(&task, Ok(answer.result()));
            }
        }
        Ok(())
    }

    /// `notifications/elicitation/complete`: said in the log for a URL the person accepted
    /// to open; any other id is ignored.
    pub(super) fn elicitation_completed(&mut self, params: &Value) {
        let Some(id) = elicitation::completed_id(params) else {
            return self.log(
                LogLevel::Warning,
                format!("Ignored an elicitation completion without an elicitationId: {params}"),
            );
        };
        let known = self.inputs.opened_urls.iter().position(|o| o == id);
        if let Some(at) = known {
            self.inputs.opened_urls.remove(at);
            self.log(
                LogLevel::Info,
                format!(
                    "The server says the page it asked you to open (elicitation {id}) is done."
                ),
            );
        } else {
            self.log(
                LogLevel::Debug,
                format!("Ignored the completion of elicitation {id}: not one this client opened."),
            );
        }
    }

    fn take_input(&mut self, input: InputId, asks: &Asks) -> Result<ServerInput, AnswerError> {
        if !self.is_ready() {
            self.inputs.waiting.remove(&input);
            return Err(AnswerError::SessionClosed);
        }
        // An answer of the wrong kind leaves the input waiting for the right one.
        if self
            .inputs
            .waiting
            .get(&input)
            .is_none_or(|(a, _)| !a.same_kind(asks))
        {
            return Err(AnswerError::NotPending);
        }
        let (_, taken) = self
            .inputs
            .waiting
            .remove(&input)
            .ok_or(AnswerError::NotPending)?;
        self.input_left(&taken);
        Ok(taken)
    }

    /// An input no longer waits for the person (answered, rejected, cancelled): the server
    /// works again, so the clock of the call it paused starts again from now (S25
    /// basic/lifecycle.mdx, "Timeouts").
    pub(super) fn input_left(&mut self, input: &ServerInput) {
        if let Some(call) = input.pauses() {
            self.timers.touch_call(self.now, call, &self.requests);
        }
    }

    /// Puts a sampling request in front of the person.
    pub(super) fn add_input(
        &mut self,
        from: ServerInput,
        params: CreateMessageRequestParams,
        raw: String,
        related_call: Option<RelatedCall>,
    ) {
        let input = self.wait_for_person(Asks::Sampling, from);
        self.events
            .push_back(Event::SamplingRequested(PendingSampling {
                input,
                params,
                raw,
                related_call,
            }));
    }

    /// Puts an elicitation in front of the person. Rules never answer one: it is a question
    /// for the person (S25 client/elicitation.mdx, "User Interaction Model").
    pub(super) fn add_elicitation(
        &mut self,
        from: ServerInput,
        elicitation: Elicitation,
        related_call: Option<RelatedCall>,
    ) {
        let url_id = match &elicitation.mode {
            Mode::Url { id, .. } => id.clone(),
            Mode::Form { .. } => None,
        };
        let input = self.wait_for_person(Asks::Elicitation { url_id }, from);
        self.events
            .push_back(Event::ElicitationRequested(PendingElicitation {
                input,
                elicitation,
                related_call,
            }));
    }

    fn wait_for_person(&mut self, asks: Asks, from: ServerInput) -> InputId {
        let input = InputId(self.inputs.next);
        self.inputs.next += 1;
        self.inputs.waiting.insert(input, (asks, from));
        input
    }

    /// Whether a tool call's clock is paused: one of its requests waits for the person, or
    /// a request tied to no call does (it may be this call's, sent on another stream).
    pub(super) fn call_waits_for_person(&self, call: CallId) -> bool {
        self.inputs.waiting.values().any(|(_, i)| match i.pauses() {
            Some(paused) => paused == call,
            None => true,
        })
    }

    /// Every request a tool call (or a read or a prompt in rounds) leaves behind goes, with
    /// `reason`: it ended, was cancelled, or one of its round's inputs was rejected.
    pub(super) fn remove_for_call(&mut self, call: CallId, reason: &Gone) {
        let gone: Vec<InputId> = self
            .inputs
            .waiting
            .iter()
            .filter(|(_, (_, i))| i.call() == Some(call))
            .map(|(k, _)| *k)
            .collect();
        for input in gone {
            // A task it ran ends too: the server would wait for its result for ever.
            if let Some((_, ServerInput::Task { task, .. })) = self.inputs.waiting.remove(&input) {
                self.task_dropped(&task);
            }
            self.events.push_back(Event::InputGone {
                input,
                reason: reason.clone(),
            });
        }
    }

    /// Every request waiting for the person goes (the session ended or expired), and with it
    /// any completion of a URL the person opened.
    pub(super) fn remove_all_inputs(&mut self, reason: Gone) {
        self.inputs.opened_urls.clear();
        for (input, _) in std::mem::take(&mut self.inputs.waiting) {
            self.events.push_back(Event::InputGone {
                input,
                reason: reason.clone(),
            });
        }
    }

    /// The server cancelled one of its requests (`notifications/cancelled`).
    pub(super) fn server_cancelled(&mut self, request: &RequestId, reason: Option<String>) {
        let found = self
            .inputs
            .waiting
            .iter()
            .find(|(_, (_, i))| matches!(i, ServerInput::Request { id, .. } if id == request))
            .map(|(k, (asks, _))| (*k, asks.name()));
        if let Some((input, asks)) = found {
            if let Some((_, gone)) = self.inputs.waiting.remove(&input) {
                self.input_left(&gone);
            }
            self.log(
                LogLevel::Warning,
                format!(
                    "The server cancelled {asks} request {request}: {}",
                    reason.as_deref().unwrap_or("no reason given")
                ),
            );
            self.events.push_back(Event::InputGone {
                input,
                reason: Gone::ServerCancelled(reason),
            });
        }
    }

    /// A request of the server's: sampling and elicitation go to the person (as tasks when
    /// asked so), a ping, the roots and (2025-11-25) `tasks/*` are answered, anything else is
    /// refused as not offered.
    pub(super) fn on_server_request(
        &mut self,
        id: RequestId,
        method: &str,
        params: Value,
        related_call: Option<RelatedCall>,
    ) {
        if self.inputs.seen.contains(&id) {
            return self.log(
                LogLevel::Debug,
                format!("Ignored {method} {id}: a replay of a request already received."),
            );
        }
        self.inputs.seen.push_back(id.clone());
        if self.inputs.seen.len() > REMEMBERED_REQUESTS {
            self.inputs.seen.pop_front();
        }
        // A task's request belongs to the task's call on whichever stream it came (S25
        // basic/utilities/tasks.mdx "Input Required Status": on any stream, even the GET).
        let task = task::related(&params).map(str::to_owned);
        let related_call =
            related_call.or_else(|| task.as_deref().and_then(|t| self.call_of_task(t)));
        // Asked to run as a task: only where the session declared that it runs tasks ("Task
        // Support and Handling": otherwise the request is handled normally).
        let as_task = task::asked(&params).filter(|_| self.runs_tasks());
        match method {
            "sampling/createMessage" => {
                let raw = params.to_string();
                match serde_json::from_value::<CreateMessageRequestParams>(params) {
                    Ok(params) => {
                        self.log_asked("sampling", &related_call);
                        let from = self.input_from(id, "sampling", &related_call, task, as_task);
                        self.add_input(from, params, raw, related_call);
                    }
                    Err(e) => self.refuse_malformed(&id, "sampling", &e.to_string()),
                }
            }
            "elicitation/create" => match elicitation::decode(&params) {
                // S25 client/elicitation.mdx "URL Mode Elicitation Requests": up to
                // 2025-11-25 a URL elicitation MUST carry its elicitationId (2026-07-28 drops it).
                Ok(Elicitation {
                    mode: Mode::Url { id: None, .. },
                    ..
                }) => self.refuse_malformed(
                    &id,
                    "elicitation",
                    "it asks to open a URL but has no elicitationId",
                ),
                Ok(elicitation) => {
                    self.log_asked(
                        match elicitation.mode {
                            Mode::Form { .. } => "elicitation (a form)",
                            Mode::Url { .. } => "elicitation (a URL to open)",
                        },
                        &related_call,
                    );
                    let from = self.input_from(id, "elicitation", &related_call, task, as_task);
                    self.add_elicitation(from, elicitation, related_call);
                }
                Err(e) => self.refuse_malformed(&id, "elicitation", &e),
            },
            "roots/list" => self.answer_roots(&id),
            "tasks/get" | "tasks/result" | "tasks/list" | "tasks/cancel" if self.runs_tasks() => {
                self.on_task_request(&id, method, &params)
            }
            "ping" => {
                let body = jsonrpc::result(&id, serde_json::json!({}));
                self.send_reply(body, "ping answer".into());
            }
            other => {
                self.log(
                    LogLevel::Warning,
                    format!("The server asked for {other}, which this client does not offer."),
                );
                let body = jsonrpc::error(
                    &id,
                    ErrorCode::METHOD_NOT_FOUND,
                    &format!("Method not found: {other}"),
                );
                self.send_reply(body, format!("refusal of {other}"));
            }
        }
    }

    fn log_asked(&mut self, what: &str, related_call: &Option<RelatedCall>) {
        self.log(
            LogLevel::Info,
            match related_call {
                Some(c) => format!("The server asks for {what} during the call of {}", c.tool),
                None => format!("The server asks for {what}"),
            },
        );
    }

    /// Where a request for the person comes from: a request answered later, or (asked as a
    /// task, `as_task` holding its `ttl`) a task answered with at once.
    fn input_from(
        &mut self,
        id: RequestId,
        what: &str,
        related_call: &Option<RelatedCall>,
        task: Option<String>,
        as_task: Option<Option<u64>>,
    ) -> ServerInput {
        match as_task {
            Some(ttl) => {
                let call = related_call.as_ref().map(|c| c.call);
                self.accept_task(&id, what, ttl, call, task)
            }
            None => self.request_input(id, related_call, task),
        }
    }

    /// Where a server request came from. On HTTP+SSE the call is a guess (one stream carries
    /// all): shown to the person, and pausing its clock, but not bound to the call's end.
    fn request_input(
        &self,
        id: RequestId,
        related_call: &Option<RelatedCall>,
        task: Option<String>,
    ) -> ServerInput {
        let related = related_call.as_ref().map(|c| c.call);
        let (call, guess) = match self.link.transport {
            Transport::LegacySse => (None, related),
            _ => (related, None),
        };
        ServerInput::Request {
            id,
            call,
            guess,
            task,
        }
    }

    /// Refuses a `what` request whose params cannot be used, saying why in the log and to the
    /// server (-32602).
    fn refuse_malformed(&mut self, id: &RequestId, what: &str, why: &str) {
        self.log(
            LogLevel::Error,
            format!("Refused a malformed {what} request from the server: {why}"),
        );
        let body = jsonrpc::error(
            id,
            ErrorCode::INVALID_PARAMS,
            &format!("Invalid {what} request: {why}"),
        );
        self.send_reply(body, format!("refusal of {what} request {id}"));
    }
}

/// An answer's result, marked with the task its request belonged to (S25
/// basic/utilities/tasks.mdx "Associating Task-Related Messages").
fn marked(result: Value, task: Option<String>) -> Value {
    match task {
        Some(task) => task::mark_related(result, &task),
        None => result,
    }
}
