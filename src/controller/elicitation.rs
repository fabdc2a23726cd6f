//! A server's question for the person (elicitation): it joins the review queue beside sampling
//! requests — rules never answer it — and leaves when the person accepts (a form's answer is
//! checked against its schema first, each error shown beside its field), declines or cancels
//! (closing the dialog is a cancel), or when the server stops waiting. A URL is opened only
//! when the person says so, in a new tab the page cannot look into. The audit trail records
//! each step — the action and which fields were answered, never what was typed; URLs are
//! recorded and logged without their query values.

use leptos::prelude::*;
use mcp_desk_logic::audit::AuditKind;
use mcp_desk_logic::schema_form::{Entry, Form};
use mcp_desk_logic::words;
use mcp_desk_protocol::elicitation::{self, Answer, Elicitation, Mode};
use mcp_desk_protocol::redact;
use mcp_desk_protocol::{Error, InputId, LogLevel, LogSource, PendingElicitation};
use serde_json::{Value, json};

use super::Controller;
use crate::browser::page;
use crate::state::{NoticeKind, Queued, QueuedElicitation, RequestKey, ServerId};

impl Controller {
    /// A server asks the person something: recorded, and queued for them.
    pub fn receive_elicitation(
        &self,
        server: ServerId,
        endpoint: &str,
        pending: PendingElicitation,
    ) {
        let state = self.state;
        let (name, server_shown) = self.asker(server, endpoint);
        let tool = pending.related_call.map(|c| c.tool);
        let key = self.key_of(server, pending.input);
        let elicitation = pending.elicitation;
        state.record(
            &server_shown,
            AuditKind::Request,
            json!({"request": key.input.0, "tool": tool, "elicitation": recorded(&elicitation.mode), "message": elicitation.message}),
        );
        self.queue_question(key, name, server_shown, tool, elicitation, false);
    }

    /// Puts a question in the queue, its form built from its schema (form mode); `from_error`
    /// when it came in a -32042 error rather than as a request.
    fn queue_question(
        &self,
        key: RequestKey,
        name: String,
        server_shown: String,
        tool: Option<String>,
        elicitation: Elicitation,
        from_error: bool,
    ) {
        let form = match &elicitation.mode {
            Mode::Form { schema } => Some(Form::of(schema)),
            Mode::Url { .. } => None,
        };
        if let Some(Err(why)) = &form {
            self.state.push_log(
                LogLevel::Error,
                LogSource::Client,
                format!("{name} asks a question whose form cannot be shown ({why}); decline or cancel it."),
            );
        }
        let owner = self.child_owner();
        let item = owner.with(|| QueuedElicitation {
            key,
            server: name,
            server_shown,
            tool,
            entries: StoredValue::new(
                form.iter()
                    .flatten()
                    .flat_map(|f| &f.fields)
                    .map(|field| RwSignal::new(field.initial()))
                    .collect(),
            ),
            form,
            elicitation,
            field_errors: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            from_error,
            owner: owner.clone(),
        });
        self.state
            .queue
            .update(|q| q.push(Queued::Elicitation(item)));
    }

    /// A call of `tool` was refused until the person opens pages (-32042): each joins the
    /// queue as a URL question of its own; nothing goes back to the server but the call, when
    /// the person makes it again.
    pub(super) fn urls_required(
        &self,
        server: ServerId,
        endpoint: &str,
        tool: &str,
        error: &Error,
    ) {
        let state = self.state;
        let (usable, refused) = elicitation::required_by(error.rpc().and_then(|e| e.data.as_ref()));
        for why in refused {
            state.push_log(
                LogLevel::Warning,
                LogSource::Client,
                format!("Left out an elicitation of {tool}'s -32042 error: {why}"),
            );
        }
        // Pages already waiting (the call made again before they were opened) wait once.
        let waiting: Vec<String> = state.queue.with_untracked(|q| {
            q.iter()
                .filter_map(|i| match i {
                    Queued::Elicitation(QueuedElicitation {
                        elicitation:
                            Elicitation {
                                mode: Mode::Url { id: Some(id), .. },
                                ..
                            },
                        from_error: true,
                        ..
                    }) => Some(id.clone()),
                    _ => None,
                })
                .collect()
        });
        let usable: Vec<Elicitation> = usable
            .into_iter()
            .filter(|e| !matches!(&e.mode, Mode::Url { id: Some(id), .. } if waiting.contains(id)))
            .collect();
        if usable.is_empty() && waiting.is_empty() {
            // Nothing to open after all: the failure is shown as the server gave it.
            if let Some(panel) = state.panel_of(server) {
                panel.tool_outcome.update(|o| {
                    if let Some(o) = o {
                        o.text = format!("error: {}", words::error(error));
                    }
                });
            }
            return;
        }
        let (name, server_shown) = self.asker(server, endpoint);
        for elicitation in usable {
            let key = RequestKey {
                server,
                connection: u32::MAX,
                input: InputId(self.live.local_inputs.get()),
            };
            self.live.local_inputs.set(key.input.0 + 1);
            state.record(
                &server_shown,
                AuditKind::Request,
                json!({"tool": tool, "elicitation": recorded(&elicitation.mode), "message": elicitation.message, "from_error": -32042}),
            );
            self.queue_question(
                key,
                name.clone(),
                server_shown.clone(),
                Some(tool.to_owned()),
                elicitation,
                true,
            );
        }
    }

    /// The person accepts: a form's answer goes once it fits the schema; a URL's acceptance is
    /// their consent (the page opens nothing by itself).
    pub fn accept_elicitation(&self, key: RequestKey) {
        let Some(item) = self.state.elicitation(key) else {
            return;
        };
        let answer = match &item.form {
            None => Answer::Accept(None),
            Some(Err(why)) => {
                return item.error.set(Some(format!(
                    "This form cannot be filled in ({why}): decline or cancel it."
                )));
            }
            Some(Ok(form)) => {
                let entries: Vec<Entry> = item
                    .entries
                    .with_value(|e| e.iter().map(|s| s.get_untracked()).collect());
                match form.check(&entries) {
                    Ok(content) => Answer::Accept(Some(content)),
                    Err(errors) => {
                        let n = errors.len();
                        item.field_errors.set(errors);
                        return item.error.set(Some(match n {
                            1 => "One field needs fixing before the answer can go.".into(),
                            n => format!("{n} fields need fixing before the answer can go."),
                        }));
                    }
                }
            }
        };
        self.answer_elicitation(&item, answer);
    }

    /// The person opens the URL: in a new tab, with no way back to this page, and that is their
    /// consent (S25 client/elicitation.mdx, "URL Mode Flow").
    pub fn open_elicitation_url(&self, key: RequestKey) {
        let Some(item) = self.state.elicitation(key) else {
            return;
        };
        let Mode::Url { url, .. } = &item.elicitation.mode else {
            return;
        };
        if !page::open_in_new_tab(url) {
            return item.error.set(Some(
                "The browser refused to open a new tab. Copy the URL, or accept without opening."
                    .into(),
            ));
        }
        self.state.push_log(
            LogLevel::Info,
            LogSource::Client,
            format!(
                "Asked the browser to open {} in a new tab, as {} asked (a pop-up blocker may still stop it).",
                redact::url(url),
                item.server
            ));
        self.answer_elicitation(&item, Answer::Accept(None));
    }

    pub fn decline_elicitation(&self, key: RequestKey) {
        if let Some(item) = self.state.elicitation(key) {
            self.answer_elicitation(&item, Answer::Decline);
        }
    }

    /// The person dismissed the question (closed it, pressed Escape).
    pub fn cancel_elicitation(&self, key: RequestKey) {
        if let Some(item) = self.state.elicitation(key) {
            self.answer_elicitation(&item, Answer::Cancel);
        }
    }

    fn answer_elicitation(&self, item: &QueuedElicitation, answer: Answer) {
        let state = self.state;
        let key = item.key;
        let kind = match answer {
            Answer::Accept(_) => AuditKind::Answer,
            Answer::Decline => AuditKind::Rejection,
            Answer::Cancel => AuditKind::Cancelled,
        };
        if item.from_error {
            // Nobody waits for an answer: the person's choice is recorded, and the call is
            // theirs to make again.
            state.record(
                &item.server_shown,
                kind,
                json!({"action": answer.action(), "from_error": -32042}),
            );
            state.take_request(key);
            return;
        }
        let Some(connection) = self.waiting_connection(key) else {
            let why = "The server no longer waits for this question (it was cancelled, its tool call ended, or the connection closed); it left the queue.".to_owned();
            state.record(
                &item.server_shown,
                AuditKind::Cancelled,
                json!({"request": key.input.0, "reason": why, "unsent_answer": answer.action()}),
            );
            state.take_request(key);
            return state.notify(NoticeKind::Stale, why);
        };
        if let Err(e) =
            connection.with_session(|s, now| s.answer_elicitation(now, key.input, &answer))
        {
            return item.error.set(Some(words::answer_error(&e)));
        }
        // What the person typed stays out of the trail (kept on the device and exported): a
        // server may ask for what it should not (a password, in the TypeScript SDK's example).
        let fields: Vec<&String> = match &answer {
            Answer::Accept(Some(content)) => content.keys().collect(),
            _ => Vec::new(),
        };
        state.record(
            &item.server_shown,
            kind,
            json!({"request": key.input.0, "action": answer.action(), "fields": fields}),
        );
        state.take_request(key);
    }

    /// The server stopped waiting for the question: it leaves the queue with the reason.
    pub(super) fn elicitation_gone(&self, item: &QueuedElicitation, reason: String) {
        let state = self.state;
        state.record(
            &item.server_shown,
            AuditKind::Cancelled,
            json!({"request": item.key.input.0, "reason": reason}),
        );
        state.notify(NoticeKind::Cancelled, reason.clone());
        state.push_log(
            LogLevel::Warning,
            LogSource::Client,
            format!("A question from {} left the queue: {reason}", item.server),
        );
    }
}

/// How the trail records what was asked: the mode, the schema as sent, and a URL without its
/// query values or fragment (a server should put no secret there, but may).
fn recorded(mode: &Mode) -> Value {
    match mode {
        Mode::Form { schema } => json!({"mode": "form", "requestedSchema": schema}),
        Mode::Url { url, id } => {
            json!({"mode": "url", "url": redact::url(url), "elicitationId": id})
        }
    }
}
