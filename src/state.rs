//! The page's reactive state: one place that holds what the UI renders. Only the
//! [`crate::controller`] writes it (from protocol events and the person's intents).

use leptos::prelude::*;
use mcp_desk_protocol::model::CreateMessageRequestParams;
use mcp_desk_protocol::{CallId, InputId, LogLevel, LogSource, Revision};
use serde_json::Value;

use crate::audit::AuditEntry;
use crate::providers::ProviderSettings;
use crate::rules::RuleBook;

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionStatus {
    Idle,
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
            ConnectionStatus::Connecting => "connecting…".into(),
            ConnectionStatus::Connected => "connected".into(),
            ConnectionStatus::Failed(reason) => format!("error: {reason}"),
            ConnectionStatus::Disconnected(reason) => format!("disconnected: {reason}"),
        }
    }

    pub fn is_live(&self) -> bool {
        matches!(
            self,
            ConnectionStatus::Connecting | ConnectionStatus::Connected
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
}

/// The outcome of the last tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOutcome {
    pub tool: String,
    pub text: String,
    pub is_error: bool,
}

/// A running tool call and its last reported progress.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningCall {
    pub call: CallId,
    pub tool: String,
    pub progress: Option<(f64, Option<f64>, Option<String>)>,
}

/// Which server connection something belongs to: one per tab, never reused in a page's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerId(pub u32);

/// A queued request's identity: the server that asked, and that server's session's id for
/// it (two servers' sessions number their requests independently).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestKey {
    pub server: ServerId,
    pub input: InputId,
}

impl RequestKey {
    /// The queue entry's `data-id`.
    pub fn dom_id(&self) -> String {
        format!("{}-{}", self.server.0, self.input.0)
    }
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
    pub running_call: RwSignal<Option<RunningCall>>,
    pub tool_outcome: RwSignal<Option<ToolOutcome>>,
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
            running_call: RwSignal::new(None),
            tool_outcome: RwSignal::new(None),
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
        self.status.set(status);
    }
}

/// A sampling request in the queue, as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedSampling {
    pub key: RequestKey,
    pub server: String,
    /// The MCP endpoint that asked (per-server provider settings are keyed by it).
    pub server_url: String,
    pub tool: Option<String>,
    pub params: CreateMessageRequestParams,
    /// What a rule did or why it did not (shown in the dialog).
    pub rule_note: Option<String>,
    /// A completion an "auto-approve the request" rule already fetched, for review.
    pub prefill: RwSignal<Option<mcp_desk_llm::Completion>>,
    /// What the person had typed into this request's dialog when another request took the
    /// front, put back when this one returns to it.
    pub draft: RwSignal<Option<RequestDraft>>,
}

/// The person's unsent work on a request's dialog, as typed (a kept answer is in `prefill`).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestDraft {
    pub system_prompt: String,
    pub max_tokens: String,
    pub temperature: String,
    /// One stop sequence per line.
    pub stop_sequences: String,
    /// The text of each of the request's text blocks, in order.
    pub texts: Vec<String>,
    pub provider: mcp_desk_llm::ProviderKind,
    pub model: String,
    /// Why that model (shown under the picker).
    pub model_reason: String,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    pub seq: u64,
    pub level: LogLevel,
    pub source: LogSource,
    pub text: String,
}

/// Every signal the UI reads; `Copy`, so components take it by value.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Every server tab, in the order they were opened; never empty.
    pub servers: RwSignal<Vec<ServerPanel>>,
    /// The tab the connect form and the tool panel show.
    pub active: RwSignal<ServerId>,
    /// The server log level the person asked for.
    pub server_log_level: RwSignal<Option<String>>,
    pub queue: RwSignal<Vec<QueuedSampling>>,
    /// The request the dialog shows; `None` = the oldest.
    pub focused: RwSignal<Option<RequestKey>>,
    /// Why requests left the queue without an answer from the person.
    pub notices: RwSignal<Vec<String>>,
    pub log: RwSignal<Vec<LogRow>>,
    pub provider: RwSignal<ProviderSettings>,
    /// The audit trail (see [`crate::audit`]).
    pub audit: RwSignal<Vec<AuditEntry>>,
    /// When not to ask (see [`crate::rules`]).
    pub rules: RwSignal<RuleBook>,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            servers: RwSignal::new(vec![ServerPanel::new(ServerId(0), String::new())]),
            active: RwSignal::new(ServerId(0)),
            server_log_level: RwSignal::new(None),
            queue: RwSignal::new(Vec::new()),
            focused: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            log: RwSignal::new(Vec::new()),
            provider: RwSignal::new(ProviderSettings::default()),
            audit: RwSignal::new(Vec::new()),
            rules: RwSignal::new(RuleBook::default()),
        }
    }

    /// Takes a request off the queue (the queue redraws only if it was there) and out of
    /// focus, so a later request with the same key does not jump the queue.
    pub fn take_from_queue(&self, key: RequestKey) -> Option<QueuedSampling> {
        if self.focused.get_untracked() == Some(key) {
            self.focused.set(None);
        }
        let at = self
            .queue
            .with_untracked(|q| q.iter().position(|item| item.key == key))?;
        self.queue.try_update(|q| q.remove(at))
    }

    /// The request in front of the person: the focused one, else the oldest.
    pub fn front_request(&self) -> Option<RequestKey> {
        let focused = self.focused.get();
        self.queue.with(|q| {
            focused
                .filter(|f| q.iter().any(|item| item.key == *f))
                .or_else(|| q.first().map(|item| item.key))
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

    /// Records what happened to a sampling request in the audit trail (and saves it).
    pub fn record(&self, server: &str, kind: &str, detail: Value) {
        self.audit.update(|trail| {
            crate::audit::push(trail, crate::audit::now(), server, kind, detail);
        });
        crate::audit::save_soon(self.audit);
    }

    pub fn push_log(&self, level: LogLevel, source: LogSource, text: String) {
        self.log.update(|log| {
            let seq = log.last().map_or(0, |row| row.seq + 1);
            log.push(LogRow {
                seq,
                level,
                source,
                text,
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
