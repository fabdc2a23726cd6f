//! The page's reactive state: the one place that holds what the UI renders. The controller
//! writes it (from protocol events and the person's intents); the UI reads it, and writes only
//! what a person types into a form.
// rmcp marks its sampling and roots types deprecated (SEP-2577); MCP Desk is a sampling
// client and shares roots.
#![allow(deprecated)]

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use mcp_desk_llm::{ProviderKind, StopReason, ToolCall};
use mcp_desk_logic::audit::{AuditEntry, AuditKind};
use mcp_desk_logic::content::Shown;
use mcp_desk_logic::edits::RequestEdits;
use mcp_desk_logic::providers::ProviderSettings;
use mcp_desk_logic::rules::RuleBook;
use mcp_desk_logic::schema_form::{Entry, Form};
use mcp_desk_logic::server_key::ServerKey;
use mcp_desk_logic::timeline::Timeline;
use mcp_desk_protocol::elicitation::Elicitation;
use mcp_desk_protocol::model::{CreateMessageRequestParams, LoggingLevel, Root};
use mcp_desk_protocol::offer::{PromptInfo, ResourceInfo, TemplateInfo};
use mcp_desk_protocol::session::Target;
use mcp_desk_protocol::task::TaskStatus;
use mcp_desk_protocol::{CallId, InputId, LogLevel, LogSource, Revision};
use serde_json::Value;

use crate::browser::clock;

/// Where a server tab's connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionStatus {
    Idle,
    /// The stdio helper waits for its bridge to answer at this URL before connecting.
    WaitingForBridge(String),
    Connecting,
    Connected,
    Failed(String),
    Disconnected(String),
}

impl ConnectionStatus {
    /// The status line; contains `connected` once up and `error` with the reason on failure.
    pub fn text(&self) -> String {
        match self {
            ConnectionStatus::Idle => "not connected".into(),
            ConnectionStatus::WaitingForBridge(url) => {
                format!(
                    "connecting… once the bridge answers at {url} (start it with the command below)"
                )
            }
            ConnectionStatus::Connecting => "connecting…".into(),
            ConnectionStatus::Connected => "connected".into(),
            ConnectionStatus::Failed(reason) => format!("error: {reason}"),
            ConnectionStatus::Disconnected(reason) => format!("disconnected: {reason}"),
        }
    }

    /// The status as the test contract names it (`data-state`): exactly one of
    /// `connecting`, `connected`, `disconnected`, `error`.
    pub fn state(&self) -> &'static str {
        match self {
            ConnectionStatus::Connecting | ConnectionStatus::WaitingForBridge(_) => "connecting",
            ConnectionStatus::Connected => "connected",
            ConnectionStatus::Failed(_) => "error",
            ConnectionStatus::Idle | ConnectionStatus::Disconnected(_) => "disconnected",
        }
    }

    pub fn is_live(&self) -> bool {
        matches!(
            self,
            ConnectionStatus::Connecting
                | ConnectionStatus::Connected
                | ConnectionStatus::WaitingForBridge(_)
        )
    }
}

/// A tool as the tool list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolView {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub input_schema: Value,
    /// What its `structuredContent` must fit, if it says.
    pub output_schema: Option<Value>,
}

/// The picked tool's arguments as a form beside the JSON text, the two kept in step.
#[derive(Clone)]
pub struct ToolForm {
    pub form: Form,
    /// Properties the form cannot show: they are edited in the JSON.
    pub json_only: Vec<String>,
    /// One entry per field of the form.
    pub entries: Vec<RwSignal<Entry>>,
    /// A field whose entry cannot go into the JSON (or whose JSON it cannot show), and why.
    pub errors: RwSignal<Vec<(String, String)>>,
    /// Owns the signals above: they go when the form does.
    pub owner: Owner,
}

/// How a tool call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The tool's result (which may itself say the tool failed: then `Error`).
    Ok,
    /// The tool said it failed, or the call failed.
    Error,
    /// 2026-07-28: the person rejected an input, so the call was not sent again.
    Declined,
    Cancelled,
}

impl Outcome {
    /// The result's `data-outcome`.
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Declined => "declined",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// The outcome of the last tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOutcome {
    pub tool: String,
    pub text: String,
    pub outcome: Outcome,
    /// The result's images, audio and embedded resources, shown as they are.
    pub media: Vec<Shown>,
    /// Its `structuredContent`, pretty-printed, and what is wrong with it against the tool's
    /// `outputSchema` (`None`: it fits, or the tool declares none).
    pub structured: Option<(String, Option<String>)>,
}

impl ToolOutcome {
    /// A call that ended without a result worth more than its words.
    pub fn plain(tool: String, text: String, outcome: Outcome) -> Self {
        Self {
            tool,
            text,
            outcome,
            media: Vec::new(),
            structured: None,
        }
    }
}

/// A running tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningCall {
    pub call: CallId,
    pub tool: String,
    /// 2025-11-25: where the task running the call stands, and the server's message.
    pub task: Option<(TaskStatus, Option<String>)>,
}

/// The last progress a server reported for a tab's call (kept after the call ends, until the
/// next one starts, so the bar shows how far it got).
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub value: f64,
    pub total: Option<f64>,
    pub message: Option<String>,
}

/// Which server connection something belongs to: one per tab, never reused in a page's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerId(pub u32);

/// A queued request's identity: the server tab that asked, which of that tab's connections
/// (a reconnect starts numbering requests again), and that connection's id for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestKey {
    pub server: ServerId,
    pub connection: u32,
    pub input: InputId,
}

impl RequestKey {
    /// The queue entry's `data-id`.
    pub fn dom_id(&self) -> String {
        format!("{}-{}-{}", self.server.0, self.connection, self.input.0)
    }
}

/// What a tab's server offers besides tools — resources, templates, prompts — and the
/// person's work on them.
#[derive(Clone, Copy)]
pub struct Browse {
    pub resources: RwSignal<Vec<ResourceInfo>>,
    pub templates: RwSignal<Vec<TemplateInfo>>,
    pub prompts: RwSignal<Vec<PromptInfo>>,
    /// The template being filled in, and each variable's value.
    pub template: RwSignal<Option<String>>,
    pub template_values: RwSignal<BTreeMap<String, String>>,
    /// The URI asked for last, and what came back (its items), or nothing yet.
    pub reading: RwSignal<Option<String>>,
    pub read: RwSignal<Option<Vec<ReadItem>>>,
    /// Resources subscribed to, and how many updates each had since.
    pub subscribed: RwSignal<BTreeSet<String>>,
    pub updates: RwSignal<BTreeMap<String, u32>>,
    /// The prompt picked, its arguments as typed, and what it gave last.
    pub prompt: RwSignal<Option<String>>,
    pub prompt_args: RwSignal<BTreeMap<String, String>>,
    pub prompt_result: RwSignal<Option<PromptView>>,
    /// Suggestions for the argument typed last: for what, which argument, and the values.
    pub suggestions: RwSignal<Option<(Target, String, Vec<String>)>>,
    /// Why the last list, read or subscription failed.
    pub error: RwSignal<Option<String>>,
    /// Why the last prompt could not be got.
    pub prompt_error: RwSignal<Option<String>>,
}

impl Browse {
    fn new() -> Self {
        Self {
            resources: RwSignal::new(Vec::new()),
            templates: RwSignal::new(Vec::new()),
            prompts: RwSignal::new(Vec::new()),
            template: RwSignal::new(None),
            template_values: RwSignal::new(BTreeMap::new()),
            reading: RwSignal::new(None),
            read: RwSignal::new(None),
            subscribed: RwSignal::new(BTreeSet::new()),
            updates: RwSignal::new(BTreeMap::new()),
            prompt: RwSignal::new(None),
            prompt_args: RwSignal::new(BTreeMap::new()),
            prompt_result: RwSignal::new(None),
            suggestions: RwSignal::new(None),
            error: RwSignal::new(None),
            prompt_error: RwSignal::new(None),
        }
    }

    /// What the person typed for `target`: a prompt's arguments, or a template's variables.
    pub fn values_of(&self, target: &Target) -> RwSignal<BTreeMap<String, String>> {
        match target {
            Target::Prompt(_) => self.prompt_args,
            Target::Template(_) => self.template_values,
        }
    }

    /// Whether the resource at `uri` is the one read last (on show, or about to be).
    pub fn shows(&self, uri: &str) -> bool {
        self.reading.with_untracked(|r| r.as_deref() == Some(uri))
    }

    /// A new connection starts with nothing listed, read, picked or subscribed: what the last
    /// server offered means nothing to the next.
    fn forget(&self) {
        self.resources.set(Vec::new());
        self.templates.set(Vec::new());
        self.prompts.set(Vec::new());
        self.template.set(None);
        self.template_values.set(BTreeMap::new());
        self.reading.set(None);
        self.read.set(None);
        self.prompt.set(None);
        self.prompt_args.set(BTreeMap::new());
        self.prompt_result.set(None);
        self.subscribed.set(BTreeSet::new());
        self.updates.set(BTreeMap::new());
        self.suggestions.set(None);
        self.error.set(None);
        self.prompt_error.set(None);
    }
}

/// One item of a resource read: its URI, its type, and how it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadItem {
    pub uri: String,
    pub mime_type: Option<String>,
    pub shown: Shown,
}

/// A prompt as the server gave it: its description and its messages, each shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptView {
    pub name: String,
    pub description: Option<String>,
    pub messages: Vec<(String, Shown)>,
}

/// One server connection as the page shows it (a tab): the connect form's URL, the
/// connection's facts, its tools and its last call.
#[derive(Clone, Copy)]
pub struct ServerPanel {
    pub id: ServerId,
    pub url: RwSignal<String>,
    /// A protocol revision the person forced for this server; `None` negotiates, newest first.
    pub forced_revision: RwSignal<Option<Revision>>,
    pub status: RwSignal<ConnectionStatus>,
    pub protocol_version: RwSignal<Option<String>>,
    /// How the page talks to the server (stateless, session, legacy HTTP+SSE).
    pub transport: RwSignal<Option<String>>,
    pub server_name: RwSignal<Option<String>>,
    pub tools: RwSignal<Vec<ToolView>>,
    pub selected_tool: RwSignal<Option<String>>,
    pub tool_args: RwSignal<String>,
    /// The picked tool's arguments as a form, when its schema gives one.
    pub tool_form: RwSignal<Option<ToolForm>>,
    pub running_call: RwSignal<Option<RunningCall>>,
    pub progress: RwSignal<Option<Progress>>,
    pub tool_outcome: RwSignal<Option<ToolOutcome>>,
    /// What the page did on its own to the connection, and why (reconnecting at 2025-11-25 for
    /// a tool that wants the 2025 back-channel); cleared when the tab connects again.
    pub notice: RwSignal<Option<String>>,
    /// The stdio helper's form: the command that starts the server, and the bridge's port.
    pub stdio_command: RwSignal<String>,
    pub stdio_port: RwSignal<String>,
    /// Why the last connect or call could not reach the server, with the fix.
    pub doctor: RwSignal<Option<mcp_desk_logic::cors_doctor::Advice>>,
    /// The CORS doctor is asking the server its questions.
    pub diagnosing: RwSignal<bool>,
    /// Resources, templates and prompts.
    pub browse: Browse,
    /// Where signing in to the server stands.
    pub auth: RwSignal<AuthStatus>,
    /// A client the person registered with the server's authorization server themselves
    /// (the connect form's advanced part); its secret stays in this tab only.
    pub client_id: RwSignal<String>,
    pub client_secret: RwSignal<String>,
    /// The authorization server that client was first signed in with (it is offered to no
    /// other); cleared when the person types another client id.
    pub client_issuer: RwSignal<Option<String>>,
    /// Keep the sign-in's tokens on this device, not just for the tab (the person's opt-in).
    pub remember_sign_in: RwSignal<bool>,
}

/// Where signing in to a tab's server stands (`auth-status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStatus {
    /// The server asked for no sign-in.
    NotAsked,
    /// The server asks the person to sign in (why), and waits for them to start.
    SignedOut(String),
    /// On the way: what the page is doing.
    SigningIn(String),
    /// Waiting for the person in the sign-in window (which they may have closed).
    InWindow,
    /// Signed in with this authorization server.
    SignedIn { issuer: String },
    /// Signing in failed, in words.
    Failed(String),
}

impl AuthStatus {
    /// `auth-status`'s text: `signed in`, `signing in`, `signed out`, or the error.
    pub fn text(&self) -> String {
        match self {
            AuthStatus::NotAsked | AuthStatus::SignedOut(_) => "signed out".into(),
            AuthStatus::SigningIn(_) | AuthStatus::InWindow => "signing in".into(),
            AuthStatus::SignedIn { .. } => "signed in".into(),
            AuthStatus::Failed(why) => why.clone(),
        }
    }

    /// `auth-status`'s `data-state`.
    pub fn state(&self) -> &'static str {
        match self {
            AuthStatus::NotAsked | AuthStatus::SignedOut(_) => "signed-out",
            AuthStatus::SigningIn(_) | AuthStatus::InWindow => "signing-in",
            AuthStatus::SignedIn { .. } => "signed-in",
            AuthStatus::Failed(_) => "error",
        }
    }
}

impl ServerPanel {
    pub fn new(id: ServerId, url: String) -> Self {
        Self {
            id,
            url: RwSignal::new(url),
            forced_revision: RwSignal::new(None),
            status: RwSignal::new(ConnectionStatus::Idle),
            protocol_version: RwSignal::new(None),
            transport: RwSignal::new(None),
            server_name: RwSignal::new(None),
            tools: RwSignal::new(Vec::new()),
            selected_tool: RwSignal::new(None),
            tool_args: RwSignal::new("{}".into()),
            tool_form: RwSignal::new(None),
            running_call: RwSignal::new(None),
            progress: RwSignal::new(None),
            tool_outcome: RwSignal::new(None),
            notice: RwSignal::new(None),
            stdio_command: RwSignal::new(String::new()),
            stdio_port: RwSignal::new(mcp_desk_logic::stdio_bridge::DEFAULT_PORT.to_string()),
            doctor: RwSignal::new(None),
            diagnosing: RwSignal::new(false),
            browse: Browse::new(),
            auth: RwSignal::new(AuthStatus::NotAsked),
            client_id: RwSignal::new(String::new()),
            client_secret: RwSignal::new(String::new()),
            client_issuer: RwSignal::new(None),
            remember_sign_in: RwSignal::new(false),
        }
    }

    /// How the tab names the server: its name once connected, else its URL (tracked).
    pub fn label(&self) -> String {
        label(self.server_name.get(), &self.url.get())
    }

    /// The same, for code outside views.
    pub fn label_untracked(&self) -> String {
        label(self.server_name.get_untracked(), &self.url.get_untracked())
    }

    /// Forgets what the last connection reported, before a new one starts (the last result
    /// stays in view until a new call).
    pub fn forget_connection(&self, status: ConnectionStatus) {
        self.protocol_version.set(None);
        self.transport.set(None);
        self.server_name.set(None);
        self.tools.set(Vec::new());
        self.running_call.set(None);
        self.doctor.set(None);
        self.diagnosing.set(false);
        self.notice.set(None);
        self.tool_form.set(None);
        self.browse.forget();
        self.status.set(status);
    }
}

/// A sampling request waiting for an answer, as the server sent it, with the person's work on
/// it (which stays with it whichever request is in front).
#[derive(Clone)]
pub struct QueuedSampling {
    pub key: RequestKey,
    /// The server's name (or its URL without credentials, before it named itself).
    pub server: String,
    /// The server's URL without the credentials it may carry: what the page shows and records.
    pub server_shown: String,
    /// How settings saved on this device name the server (rules, per-server providers).
    pub server_key: ServerKey,
    pub tool: Option<String>,
    /// The tool call it belongs to (its timeline group).
    pub call: Option<mcp_desk_protocol::CallId>,
    /// The request exactly as the server sent it.
    pub params: CreateMessageRequestParams,
    /// The same, as JSON text as received (the dialog's JSON view).
    pub raw: String,
    /// What a rule did or why it did not (shown in the dialog).
    pub rule_note: RwSignal<Option<String>>,
    pub review: Review,
    /// Owns the request's signals: they go when the last copy of the request does (the queue's,
    /// a rule's, the dialog's while it shows it); late callbacks only ever `try_` them.
    pub owner: Owner,
}

/// An elicitation waiting for the person's answer, with what they have entered so far.
#[derive(Clone)]
pub struct QueuedElicitation {
    pub key: RequestKey,
    /// The server's name (or its URL without credentials, before it named itself).
    pub server: String,
    /// The server's URL without the credentials it may carry.
    pub server_shown: String,
    pub tool: Option<String>,
    pub elicitation: Elicitation,
    /// Form mode: the form built from the schema, or why the schema cannot be one.
    pub form: Option<Result<Form, String>>,
    /// What the person entered, one per field of the form.
    pub entries: StoredValue<Vec<RwSignal<Entry>>>,
    /// Each field that is wrong, by field name, from the last try to accept.
    pub field_errors: RwSignal<Vec<(String, String)>>,
    /// Why the answer did not go (fields to fix, a server no longer waiting).
    pub error: RwSignal<Option<String>>,
    /// It came in a call's -32042 error, not as a request: no answer goes back; opening the
    /// page (then calling again) is the point.
    pub from_error: bool,
    /// Owns the signals above; they go with the last copy of the request.
    pub owner: Owner,
}

/// A request waiting for the person: both kinds share one queue, oldest first.
// A queue holds a handful of requests: their size does not matter, boxing would only add a
// pointer to follow on every read.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum Queued {
    Sampling(QueuedSampling),
    Elicitation(QueuedElicitation),
}

impl Queued {
    pub fn key(&self) -> RequestKey {
        match self {
            Queued::Sampling(s) => s.key,
            Queued::Elicitation(e) => e.key,
        }
    }

    /// The queue item's `data-kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Queued::Sampling(_) => "sampling",
            Queued::Elicitation(_) => "elicitation",
        }
    }
}

/// The person's work on one request: edits, who answers, the answer so far.
#[derive(Clone, Copy)]
pub struct Review {
    pub system_prompt: RwSignal<String>,
    pub max_tokens: RwSignal<String>,
    pub temperature: RwSignal<String>,
    /// One stop sequence per line.
    pub stop_sequences: RwSignal<String>,
    /// The text of each text block, in the order of [`mcp_desk_logic::edits::text_blocks`].
    pub texts: StoredValue<Vec<RwSignal<String>>>,
    pub provider: RwSignal<ProviderKind>,
    pub model: RwSignal<String>,
    /// Why that model (shown under the picker).
    pub model_reason: RwSignal<String>,
    /// The completion, as streamed or written (what the server receives).
    pub answer: RwSignal<String>,
    pub tool_calls: RwSignal<Vec<ToolCall>>,
    pub stop_reason: RwSignal<StopReason>,
    /// A model call for this request is running.
    pub generating: RwSignal<bool>,
    /// What went wrong last (a bad edit, a failed model call, a refused answer).
    pub error: RwSignal<Option<String>>,
}

impl Review {
    /// A fresh review of `params` to be answered by `provider`'s `model`, chosen for `reason`.
    pub fn new(
        params: &CreateMessageRequestParams,
        provider: ProviderKind,
        model: String,
        reason: String,
    ) -> Self {
        let sent = RequestEdits::of(params);
        Self {
            system_prompt: RwSignal::new(sent.system_prompt),
            max_tokens: RwSignal::new(sent.max_tokens),
            temperature: RwSignal::new(sent.temperature),
            stop_sequences: RwSignal::new(sent.stop_sequences),
            texts: StoredValue::new(sent.texts.into_iter().map(RwSignal::new).collect()),
            provider: RwSignal::new(provider),
            model: RwSignal::new(model),
            model_reason: RwSignal::new(reason),
            answer: RwSignal::new(String::new()),
            tool_calls: RwSignal::new(Vec::new()),
            stop_reason: RwSignal::new(StopReason::EndTurn),
            generating: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// The edits as typed so far.
    pub fn edits(&self) -> RequestEdits {
        RequestEdits {
            system_prompt: self.system_prompt.get_untracked(),
            max_tokens: self.max_tokens.get_untracked(),
            temperature: self.temperature.get_untracked(),
            stop_sequences: self.stop_sequences.get_untracked(),
            texts: self
                .texts
                .with_value(|t| t.iter().map(|s| s.get_untracked()).collect()),
        }
    }

    /// Whether anything was generated or written yet.
    pub fn has_answer(&self) -> bool {
        !self.answer.with(String::is_empty) || !self.tool_calls.with(Vec::is_empty)
    }
}

/// Why a request left the queue without the person's answer, or why a rule could not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// The server cancelled it, its tool call ended, or the session closed.
    Cancelled,
    /// The person answered a request nobody waits for any more.
    Stale,
    /// A rule could not answer it.
    RuleFailed,
}

impl NoticeKind {
    /// The notice's `data-kind`.
    pub fn id(self) -> &'static str {
        match self {
            NoticeKind::Cancelled => "cancelled",
            NoticeKind::Stale => "stale",
            NoticeKind::RuleFailed => "rule-failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    pub seq: u64,
    pub level: LogLevel,
    pub source: LogSource,
    pub text: String,
    /// The timeline arrow of the message the line is about: the row expands to it.
    pub message: Option<u64>,
}

/// Every signal the UI reads; `Copy`, so components take it by value.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Every server tab, in the order they were opened; never empty.
    pub servers: RwSignal<Vec<ServerPanel>>,
    /// The tab the connect form and the tool panel show.
    pub active: RwSignal<ServerId>,
    /// The server log level the person asked for.
    pub server_log_level: RwSignal<Option<LoggingLevel>>,
    /// Requests waiting for the person (sampling and elicitation), oldest first.
    pub queue: RwSignal<Vec<Queued>>,
    /// Requests a rule is answering without review (they join the queue if the rule fails).
    pub by_rule: StoredValue<Vec<QueuedSampling>>,
    /// The request the dialog shows; `None` = the oldest.
    pub focused: RwSignal<Option<RequestKey>>,
    /// Why requests left the queue without an answer from the person.
    pub notices: RwSignal<Vec<Notice>>,
    pub log: RwSignal<Vec<LogRow>>,
    pub provider: RwSignal<ProviderSettings>,
    /// The audit trail (see [`mcp_desk_logic::audit`]).
    pub audit: RwSignal<Vec<AuditEntry>>,
    /// When not to ask (see [`mcp_desk_logic::rules`]).
    pub rules: RwSignal<RuleBook>,
    /// This device's salt for naming servers in saved settings.
    pub salt: StoredValue<String>,
    /// The roots the person shares with every server (see [`mcp_desk_logic::roots`]).
    pub roots: RwSignal<Vec<Root>>,
    /// Why the root the person typed was not added.
    pub root_error: RwSignal<Option<String>>,
    /// Every message of the loop, as arrows (see [`mcp_desk_logic::timeline`]).
    pub timeline: RwSignal<Timeline>,
    /// Presenter mode: larger type, the timeline beside the dialog, the back office hidden.
    pub present: RwSignal<bool>,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            servers: RwSignal::new(vec![ServerPanel::new(ServerId(0), String::new())]),
            active: RwSignal::new(ServerId(0)),
            server_log_level: RwSignal::new(None),
            queue: RwSignal::new(Vec::new()),
            by_rule: StoredValue::new(Vec::new()),
            focused: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            log: RwSignal::new(Vec::new()),
            provider: RwSignal::new(ProviderSettings::default()),
            audit: RwSignal::new(Vec::new()),
            rules: RwSignal::new(RuleBook::default()),
            salt: StoredValue::new(String::new()),
            roots: RwSignal::new(Vec::new()),
            root_error: RwSignal::new(None),
            timeline: RwSignal::new(Timeline::default()),
            present: RwSignal::new(false),
        }
    }

    /// How saved settings name the server at `url`.
    pub fn server_key(&self, url: &str) -> ServerKey {
        self.salt.with_value(|salt| ServerKey::of(url, salt))
    }

    /// A sampling request waiting for the person or being answered by a rule.
    pub fn request(&self, key: RequestKey) -> Option<QueuedSampling> {
        self.queue
            .with_untracked(|q| {
                q.iter().find_map(|item| match item {
                    Queued::Sampling(s) if s.key == key => Some(s.clone()),
                    _ => None,
                })
            })
            .or_else(|| {
                self.by_rule
                    .with_value(|r| r.iter().find(|item| item.key == key).cloned())
            })
    }

    /// An elicitation waiting for the person.
    pub fn elicitation(&self, key: RequestKey) -> Option<QueuedElicitation> {
        self.queue.with_untracked(|q| {
            q.iter().find_map(|item| match item {
                Queued::Elicitation(e) if e.key == key => Some(e.clone()),
                _ => None,
            })
        })
    }

    /// Whether the person sees the request in the queue.
    pub fn is_queued(&self, key: RequestKey) -> bool {
        self.queue
            .with_untracked(|q| q.iter().any(|item| item.key() == key))
    }

    /// Takes a request off the queue (the queue redraws only if it was there) or out of a
    /// rule's hands, and out of focus, so a later request with the same key does not jump the
    /// queue.
    pub fn take_request(&self, key: RequestKey) -> Option<Queued> {
        if self.focused.get_untracked() == Some(key) {
            self.focused.set(None);
        }
        let by_rule = self.by_rule.try_update_value(|r| {
            let at = r.iter().position(|item| item.key == key)?;
            Some(r.remove(at))
        });
        if let Some(Some(item)) = by_rule {
            return Some(Queued::Sampling(item));
        }
        let at = self
            .queue
            .with_untracked(|q| q.iter().position(|item| item.key() == key))?;
        self.queue.try_update(|q| q.remove(at))
    }

    /// The request in front of the person: the focused one, else the oldest.
    pub fn front_request(&self) -> Option<RequestKey> {
        let focused = self.focused.get();
        self.queue.with(|q| {
            focused
                .filter(|f| q.iter().any(|item| item.key() == *f))
                .or_else(|| q.first().map(Queued::key))
        })
    }

    /// The tab in front (tracked: a view reading it follows tab switches).
    pub fn panel(&self) -> ServerPanel {
        let active = self.active.get();
        self.servers.with(|servers| pick(servers, active))
    }

    /// The tab in front, for event handlers.
    pub fn panel_untracked(&self) -> ServerPanel {
        let active = self.active.get_untracked();
        self.servers.with_untracked(|servers| pick(servers, active))
    }

    /// The tab of a server, if it is still open.
    pub fn panel_of(&self, id: ServerId) -> Option<ServerPanel> {
        self.servers
            .with_untracked(|servers| servers.iter().find(|p| p.id == id).copied())
    }

    /// Records what happened to a request in the audit trail, now.
    pub fn record(&self, server: &str, kind: AuditKind, detail: Value) {
        let now = clock::wall_ms();
        self.audit.update(|trail| {
            mcp_desk_logic::audit::push(trail, now, server, kind, detail);
        });
    }

    pub fn notify(&self, kind: NoticeKind, text: String) {
        self.notices.update(|n| n.push(Notice { kind, text }));
    }

    pub fn push_log(&self, level: LogLevel, source: LogSource, text: String) {
        self.push_log_about(level, source, text, None);
    }

    /// A log line about the message drawn as timeline arrow `message`.
    pub fn push_log_about(
        &self,
        level: LogLevel,
        source: LogSource,
        text: String,
        message: Option<u64>,
    ) {
        self.log.update(|log| {
            let seq = log.last().map_or(0, |row| row.seq + 1);
            log.push(LogRow {
                seq,
                level,
                source,
                text,
                message,
            });
            // Keep the page light on a chatty server.
            if log.len() > 2000 {
                log.drain(..log.len() - 2000);
            }
        });
    }
}

/// The server's name, else its URL without the credentials it may carry (labels reach the log).
fn label(name: Option<String>, url: &str) -> String {
    name.unwrap_or_else(|| match url.trim() {
        "" => "New server".to_owned(),
        url => mcp_desk_protocol::redact::url(url),
    })
}

/// The tab with id `active`, else the first (there is always one).
fn pick(servers: &[ServerPanel], active: ServerId) -> ServerPanel {
    servers
        .iter()
        .find(|p| p.id == active)
        .or(servers.first())
        .copied()
        .expect("the page always has a server tab")
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
