//! The review desk: a sampling request arrives (queued for the person, or answered by a rule
//! within its budgets, or refused when a server floods), the LLM is asked (streamed, stoppable,
//! again), and the answer is approved or the request rejected. A rule's answer takes the same
//! path as a person's: the same model call, the same approval. A request leaves when it is
//! answered, rejected, or the server stops waiting for it; its model call stops with it.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use leptos::prelude::*;
use mcp_desk_llm::{Completion, ErrorKind, ProviderError, ProviderKind, StopReason, mock};
use mcp_desk_logic::audit::AuditKind;
use mcp_desk_logic::rules::Decision;
use mcp_desk_logic::words;
use mcp_desk_protocol::model::CreateMessageResult;
use mcp_desk_protocol::{LogLevel, LogSource, PendingSampling};
use serde_json::json;

use super::Controller;
use crate::browser::clock;
use crate::connection::Connection;
use crate::llm_call;
use crate::state::{NoticeKind, Queued, QueuedSampling, RequestKey, Review, ServerId};

/// Who asked for a model call or an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asker {
    Person,
    /// A rule: `send` answers without review ("auto-approve the completion"); otherwise the
    /// completion waits in the queue for the person ("auto-approve the request").
    Rule {
        send: bool,
    },
}

impl Asker {
    fn automatic(self) -> bool {
        self != Asker::Person
    }
}

impl Controller {
    /// A server asks for sampling: the audit trail records it, the rules decide, and it is
    /// queued for the person, answered by rule, or refused.
    pub fn receive_sampling(&self, server: ServerId, endpoint: &str, pending: PendingSampling) {
        let state = self.state;
        let (name, server_shown) = self.asker(server, endpoint);
        let server_key = state.server_key(endpoint);
        let call = pending.related_call.as_ref().map(|c| c.call);
        let tool = pending.related_call.map(|c| c.tool);
        let key = self.key_of(server, pending.input);
        state.record(
            &server_shown,
            AuditKind::Request,
            json!({"request": key.input.0, "tool": tool, "params": pending.params}),
        );
        let waiting = state.queue.with_untracked(|q| {
            q.iter()
                .filter(|i| matches!(i, Queued::Sampling(s) if s.key.server == server))
                .count()
        });
        // Deciding only counts usage against budgets, which no view shows: no redraw.
        let decision = state
            .rules
            .try_update_untracked(|book| {
                book.decide(
                    &server_key,
                    tool.as_deref(),
                    pending.params.max_tokens,
                    waiting,
                    clock::monotonic_ms(),
                )
            })
            .unwrap_or(Decision::Ask { why: None });
        let (note, asker) = match decision {
            Decision::Throttle { why } => return self.refuse(key, &server_shown, why),
            Decision::AutoRequest => (
                Some("A rule approved this request: the LLM was asked at once; review the completion.".to_owned()),
                Some(Asker::Rule { send: false }),
            ),
            Decision::AutoCompletion => (
                Some("A rule answers this request without review.".to_owned()),
                Some(Asker::Rule { send: true }),
            ),
            Decision::Ask { why } => (why.map(|w| format!("Asked you because: {w}")), None),
        };
        let preferences = pending
            .params
            .model_preferences
            .as_ref()
            .and_then(|p| serde_json::to_value(p).ok());
        let (provider, choice) = state
            .provider
            .with_untracked(|p| p.choose_for(&server_key, preferences.as_ref()));
        let owner = self.child_owner();
        let (review, rule_note) = owner.with(|| {
            (
                Review::new(&pending.params, provider, choice.model, choice.reason),
                RwSignal::new(note),
            )
        });
        let item = QueuedSampling {
            key,
            server: name,
            server_shown,
            server_key,
            tool,
            call,
            params: pending.params,
            raw: pending.raw,
            rule_note,
            review,
            owner,
        };
        // A request a rule answers without review only joins the queue if that fails.
        if asker == Some(Asker::Rule { send: true }) {
            state.by_rule.update_value(|r| r.push(item));
        } else {
            state.queue.update(|q| q.push(Queued::Sampling(item)));
        }
        if let Some(asker) = asker {
            self.start_generation(key, asker);
        }
    }

    /// The server stopped waiting for a request (it cancelled it, its tool call ended, the
    /// session closed): it leaves the queue (or a rule's hands) with the reason, and a model
    /// call running for it stops.
    pub(super) fn request_gone(&self, key: RequestKey, reason: String) {
        let state = self.state;
        let queued = state.is_queued(key);
        let item = match state.take_request(key) {
            Some(Queued::Sampling(item)) => item,
            Some(Queued::Elicitation(item)) => return self.elicitation_gone(&item, reason),
            None => return,
        };
        state.record(
            &item.server_shown,
            AuditKind::Cancelled,
            json!({"request": key.input.0, "reason": reason}),
        );
        self.stop_generation(&item, "the server stopped waiting for the request");
        if queued {
            state.notify(NoticeKind::Cancelled, reason.clone());
            state.push_log(
                LogLevel::Warning,
                LogSource::Client,
                format!("A sampling request left the queue: {reason}"),
            );
        } else {
            let text = format!(
                "The rule could not answer a request from {}: the server stopped waiting for it ({reason}).",
                item.server
            );
            state.notify(NoticeKind::RuleFailed, text.clone());
            state.push_log(LogLevel::Warning, LogSource::Client, text);
        }
    }

    /// The person brings a request to the front: the dialog shows it.
    pub fn bring_to_front(&self, key: RequestKey) {
        if self.state.is_queued(key) {
            self.state.focused.set(Some(key));
        }
    }

    /// The person asks the LLM (again) for the request, as edited.
    pub fn generate(&self, key: RequestKey) {
        self.start_generation(key, Asker::Person);
    }

    /// Stops the model call running for the request; the text so far stays.
    pub fn stop(&self, key: RequestKey) {
        if let Some(call) = self.live.generations.borrow_mut().remove(&key) {
            call.abort();
        }
    }

    /// The person picks who answers: the provider, and the model it would choose for this
    /// request, with the reason.
    pub fn choose_provider(&self, key: RequestKey, kind: ProviderKind) {
        let Some(item) = self.state.request(key) else {
            return;
        };
        let preferences = item
            .params
            .model_preferences
            .as_ref()
            .and_then(|p| serde_json::to_value(p).ok());
        let choice = self
            .state
            .provider
            .with_untracked(|s| s.choose_model(kind, preferences.as_ref()));
        let review = item.review;
        review.provider.set(kind);
        review.model.set(choice.model);
        review.model_reason.set(choice.reason);
        review.error.set(None);
    }

    /// The person approves the completion as it stands: it goes to the server.
    pub fn approve(&self, key: RequestKey) {
        self.send_answer(key, Asker::Person);
    }

    /// The person refuses the request; the server hears "User rejected sampling request"
    /// (2025), or the call is not sent again (2026-07-28).
    pub fn reject(&self, key: RequestKey) {
        let Some(item) = self.state.request(key) else {
            return;
        };
        if item.review.generating.get_untracked() {
            return item.review.error.set(Some(
                "The answer is still arriving: Stop it first, then reject.".into(),
            ));
        }
        let Some(connection) = self.waiting_connection(key) else {
            return self.drop_stale(&item, None);
        };
        match connection.with_session(|s, now| s.reject_sampling(now, key.input)) {
            Err(e) => item.review.error.set(Some(words::answer_error(&e))),
            Ok(()) => {
                self.record_person("reject", "reject".into(), self.group_of(&item));
                self.state.record(
                    &item.server_shown,
                    AuditKind::Rejection,
                    json!({"request": key.input.0}),
                );
                self.state.take_request(key);
            }
        }
    }

    /// The connection that still waits for an answer to `key` (not a later connection of the
    /// same tab, which numbers its requests afresh).
    pub(super) fn waiting_connection(&self, key: RequestKey) -> Option<std::rc::Rc<Connection>> {
        if self.key_of(key.server, key.input) != key {
            return None;
        }
        self.connection(key.server)
            .filter(|c| c.is_waiting(key.input))
    }

    /// Refuses a request the rules throttled: the server hears why.
    fn refuse(&self, key: RequestKey, server_shown: &str, why: String) {
        self.state.record(
            server_shown,
            AuditKind::Rejection,
            json!({"request": key.input.0, "throttled": why}),
        );
        self.state
            .push_log(LogLevel::Warning, LogSource::Client, why.clone());
        if let Some(connection) = self.connection(key.server)
            && let Err(e) =
                connection.with_session(|s, now| s.refuse_sampling(now, key.input, &why))
        {
            self.state.push_log(
                LogLevel::Warning,
                LogSource::Client,
                words::answer_error(&e),
            );
        }
    }

    /// Asks the chosen provider for a completion of the request as edited; the answer streams
    /// into the request's review.
    fn start_generation(&self, key: RequestKey, asker: Asker) {
        let state = self.state;
        let Some(item) = state.request(key) else {
            return;
        };
        let review = item.review;
        if review.generating.get_untracked() {
            return;
        }
        let edits = review.edits();
        let params = match edits.apply(&item.params) {
            Ok(params) => params,
            Err(e) => return self.generation_failed(&item, asker, e),
        };
        let kind = review.provider.get_untracked();
        let model = review.model.get_untracked().trim().to_owned();
        review.error.set(None);
        state.record(
            &item.server_shown,
            AuditKind::ModelCall,
            json!({"request": key.input.0, "provider": kind.id(), "model": model,
                   "edited_request": edits.changes(&item.params), "automatic": asker.automatic()}),
        );
        match kind {
            ProviderKind::Mock => {
                // The Mock answers in the page, from the sampling request as edited.
                self.record_llm_request(
                    &model,
                    "The built-in Mock answers in the page, from the sampling request as edited; nothing goes over the network.",
                    self.group_of(&item),
                );
                self.generation_done(key, asker, Ok(mock::complete(&params)))
            }
            ProviderKind::Manual => self.generation_failed(
                &item,
                asker,
                match asker {
                    Asker::Person => {
                        "With the Manual provider you write the completion yourself, below."
                    }
                    Asker::Rule { .. } => {
                        "The rule cannot answer with the Manual provider; pick another provider for this server."
                    }
                }
                .into(),
            ),
            _ => {
                let prepared = state
                    .provider
                    .with_untracked(|p| llm_call::prepare(p, kind, &model, &params));
                let (request, context) = match prepared {
                    Ok(prepared) => prepared,
                    Err(e) => return self.generation_failed(&item, asker, e),
                };
                self.record_llm_request(&model, &request.body, self.group_of(&item));
                state.push_log(
                    LogLevel::Info,
                    LogSource::Client,
                    format!(
                        "Asking {} (model {model}) at {}",
                        kind.label(),
                        mcp_desk_protocol::redact::url(&context.base)
                    ),
                );
                review.answer.set(String::new());
                review.tool_calls.set(Vec::new());
                review.generating.set(true);
                let this = self.clone();
                let running = llm_call::start(
                    request,
                    context,
                    move |text| {
                        review.answer.try_update(|a| a.push_str(&text));
                    },
                    move |outcome| this.generation_done(key, asker, outcome),
                );
                match running {
                    Some(call) => {
                        self.live.generations.borrow_mut().insert(key, call);
                    }
                    None => {
                        review.generating.set(false);
                        self.generation_failed(
                            &item,
                            asker,
                            "The browser refused to start the request to the model.".into(),
                        )
                    }
                }
            }
        }
    }

    /// A model call ended: the completion goes into the review (and, for a rule that answers
    /// without review, to the server); a failure is shown, recorded and logged.
    fn generation_done(
        &self,
        key: RequestKey,
        asker: Asker,
        outcome: Result<Completion, ProviderError>,
    ) {
        self.live.generations.borrow_mut().remove(&key);
        // Gone meanwhile (answered, rejected, cancelled): its model call was stopped and
        // recorded then.
        let Some(item) = self.state.request(key) else {
            return;
        };
        let review = item.review;
        review.generating.set(false);
        match outcome {
            Ok(completion) => {
                self.record_llm_response(&completion, self.group_of(&item));
                review.answer.set(completion.text);
                review.tool_calls.set(completion.tool_calls);
                review.model.set(completion.model);
                review.stop_reason.set(completion.stop_reason);
                if asker == (Asker::Rule { send: true }) {
                    self.send_answer(key, asker);
                }
            }
            // A rule's call that failed is the rule's failure (recorded there); a call the person
            // stopped — theirs, or a rule's they were watching — is theirs.
            Err(error)
                if matches!(asker, Asker::Rule { .. }) && error.kind != ErrorKind::Stopped =>
            {
                self.rule_failed(&item, &error.message)
            }
            Err(error) => {
                if error.kind == ErrorKind::Stopped {
                    review.stop_reason.set(StopReason::Other("stopped".into()));
                }
                self.state.record(
                    &item.server_shown,
                    AuditKind::Error,
                    json!({"request": key.input.0, "provider": review.provider.get_untracked().id(), "message": error.message}),
                );
                self.state
                    .push_log(LogLevel::Warning, LogSource::Client, error.message.clone());
                review.error.set(Some(error.message));
            }
        }
    }

    fn generation_failed(&self, item: &QueuedSampling, asker: Asker, error: String) {
        match asker {
            Asker::Person => item.review.error.set(Some(error)),
            Asker::Rule { .. } => self.rule_failed(item, &error),
        }
    }

    /// Stops a model call running for a request that leaves, and says so in the trail.
    fn stop_generation(&self, item: &QueuedSampling, why: &str) {
        let Some(call) = self.live.generations.borrow_mut().remove(&item.key) else {
            return;
        };
        call.abort();
        let review = item.review;
        let text = format!(
            "Stopped the call of {} (model {}): {why}.",
            review.provider.get_untracked().label(),
            review.model.get_untracked()
        );
        self.state.record(
            &item.server_shown,
            AuditKind::Error,
            json!({"request": item.key.input.0, "provider": review.provider.get_untracked().id(), "message": text}),
        );
    }

    /// The one way an answer reaches a server, for a person and for a rule alike.
    fn send_answer(&self, key: RequestKey, asker: Asker) {
        let state = self.state;
        let Some(item) = state.request(key) else {
            return;
        };
        let review = item.review;
        let checked = self.checked_answer(&item);
        let (result, edited) = match checked {
            Ok(checked) => checked,
            Err(e) => return self.answer_refused(&item, asker, e),
        };
        let Some(connection) = self.waiting_connection(key) else {
            return self.drop_stale(&item, Some(review.answer.get_untracked()));
        };
        // The person's edits and approval, or a rule's answer, are drawn on the timeline
        // before the answer they send.
        match asker {
            Asker::Person => {
                if edited.is_some() {
                    self.record_person("edit", "edited the request".into(), self.group_of(&item));
                }
                self.record_person("approve", "approve".into(), self.group_of(&item));
            }
            Asker::Rule { .. } => self.record_mark(
                "rule-answer",
                "answered by a rule".into(),
                format!("A rule for {} answered without review.", item.server),
                self.group_of(&item),
            ),
        }
        if let Err(e) = connection.with_session(|s, now| s.answer_sampling(now, key.input, &result))
        {
            return self.answer_refused(&item, asker, words::answer_error(&e));
        }
        if let Some(edited) = edited {
            state.record(&item.server_shown, AuditKind::Edit, edited);
        }
        state.record(
            &item.server_shown,
            AuditKind::Answer,
            json!({"request": key.input.0, "result": result, "automatic": asker.automatic()}),
        );
        if asker.automatic() {
            state.push_log(
                LogLevel::Info,
                LogSource::Client,
                format!(
                    "Answered a sampling request from {} by rule (model {})",
                    item.server, result.model
                ),
            );
        }
        state.take_request(key);
    }

    /// The result as it would be sent now (edits included), as JSON; or why it could not
    /// go yet. Read by the dialog's JSON view.
    pub fn answer_json(&self, key: RequestKey) -> String {
        let Some(item) = self.state.request(key) else {
            return String::new();
        };
        match self.checked_answer(&item) {
            Ok((result, _)) => serde_json::to_value(&result)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or_default(),
            Err(why) => format!("Not ready to send: {why}"),
        }
    }

    /// The answer as it stands, ready to send, and the edit to record (if the request was
    /// edited); or why it cannot go.
    fn checked_answer(
        &self,
        item: &QueuedSampling,
    ) -> Result<(CreateMessageResult, Option<serde_json::Value>), String> {
        let review = item.review;
        if review.generating.get_untracked() {
            return Err("The answer is still arriving: wait, or Stop it first.".into());
        }
        let edits = review.edits();
        let edited = edits.apply(&item.params)?;
        let completion = Completion {
            text: review.answer.get_untracked(),
            tool_calls: review.tool_calls.get_untracked(),
            model: review.model.get_untracked().trim().to_owned(),
            stop_reason: review.stop_reason.get_untracked(),
            output_tokens: None,
        };
        if completion.text.trim().is_empty() && completion.tool_calls.is_empty() {
            return Err(
                "The completion is empty: generate one or write it before approving.".into(),
            );
        }
        if completion.model.is_empty() {
            return Err("Name the model that answered.".into());
        }
        let edit = edits
            .changes(&item.params)
            .then(|| json!({"request": item.key.input.0, "sent": item.params, "edited": edited}));
        Ok((completion.into_result(), edit))
    }

    fn answer_refused(&self, item: &QueuedSampling, asker: Asker, error: String) {
        match asker {
            Asker::Person => item.review.error.set(Some(error)),
            Asker::Rule { .. } => {
                self.rule_failed(item, &format!("its answer was not sent: {error}"))
            }
        }
    }

    /// A rule could not answer: the person is asked if the server still waits (the request
    /// joins the queue with the reason); otherwise the trail and the log say so.
    fn rule_failed(&self, item: &QueuedSampling, error: &str) {
        let state = self.state;
        state.record(
            &item.server_shown,
            AuditKind::Error,
            json!({"request": item.key.input.0, "message": error, "automatic": true}),
        );
        if self.waiting_connection(item.key).is_none() {
            state.take_request(item.key);
            let text = format!(
                "The rule could not answer a request from {} ({error}), and the server no longer waits for it.",
                item.server
            );
            state.notify(NoticeKind::RuleFailed, text.clone());
            return state.push_log(LogLevel::Warning, LogSource::Client, text);
        }
        let text = format!("The rule could not answer this request ({error}); it waits for you.");
        item.rule_note.set(Some(text.clone()));
        // A request answered without review was not queued: it is now, for the person.
        if let Some(Some(waiting)) = state.by_rule.try_update_value(|r| {
            let at = r.iter().position(|i| i.key == item.key)?;
            Some(r.remove(at))
        }) {
            state.queue.update(|q| q.push(Queued::Sampling(waiting)));
        }
        state.notify(NoticeKind::RuleFailed, text.clone());
        state.push_log(LogLevel::Warning, LogSource::Client, text);
    }

    /// A request nobody waits for any more leaves the queue with the reason, instead of
    /// staying unanswerable; an answer written for it stays in the audit trail.
    fn drop_stale(&self, item: &QueuedSampling, unsent_answer: Option<String>) {
        let why = "The server no longer waits for this request (it was cancelled, its tool call ended, or the connection closed); it left the queue.".to_owned();
        self.state.record(
            &item.server_shown,
            AuditKind::Cancelled,
            json!({"request": item.key.input.0, "reason": why, "unsent_answer": unsent_answer}),
        );
        self.stop_generation(item, "the server no longer waits for the request");
        self.state.take_request(item.key);
        self.state.notify(NoticeKind::Stale, why);
    }
}
