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

/// A sampling request in the queue, as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedSampling {
    pub input: InputId,
    pub server: String,
    /// The MCP endpoint that asked (per-server provider settings are keyed by it).
    pub server_url: String,
    pub tool: Option<String>,
    pub params: CreateMessageRequestParams,
    /// What a rule did or why it did not (shown in the dialog).
    pub rule_note: Option<String>,
    /// A completion an "auto-approve the request" rule already fetched, for review.
    pub prefill: RwSignal<Option<mcp_desk_llm::Completion>>,
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
    pub server_url: RwSignal<String>,
    pub status: RwSignal<ConnectionStatus>,
    pub protocol_version: RwSignal<Option<String>>,
    /// How the page talks to the server (stateless, session, legacy HTTP+SSE).
    pub transport: RwSignal<Option<String>>,
    /// The server log level the person asked for.
    pub server_log_level: RwSignal<Option<String>>,
    /// A protocol revision the person forced; `None` negotiates, newest first.
    pub forced_revision: RwSignal<Option<Revision>>,
    pub server_name: RwSignal<Option<String>>,
    pub tools: RwSignal<Vec<ToolView>>,
    pub selected_tool: RwSignal<Option<String>>,
    pub tool_args: RwSignal<String>,
    pub running_call: RwSignal<Option<RunningCall>>,
    pub tool_outcome: RwSignal<Option<ToolOutcome>>,
    pub queue: RwSignal<Vec<QueuedSampling>>,
    /// The request the dialog shows; `None` = the oldest.
    pub focused: RwSignal<Option<InputId>>,
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
            server_url: RwSignal::new(String::new()),
            status: RwSignal::new(ConnectionStatus::Idle),
            protocol_version: RwSignal::new(None),
            transport: RwSignal::new(None),
            forced_revision: RwSignal::new(None),
            server_log_level: RwSignal::new(None),
            server_name: RwSignal::new(None),
            tools: RwSignal::new(Vec::new()),
            selected_tool: RwSignal::new(None),
            tool_args: RwSignal::new("{}".into()),
            running_call: RwSignal::new(None),
            tool_outcome: RwSignal::new(None),
            queue: RwSignal::new(Vec::new()),
            focused: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            log: RwSignal::new(Vec::new()),
            provider: RwSignal::new(ProviderSettings::default()),
            audit: RwSignal::new(Vec::new()),
            rules: RwSignal::new(RuleBook::default()),
        }
    }

    /// The id of the request in front of the person: the focused one, else the oldest.
    pub fn front_input(&self) -> Option<InputId> {
        let focused = self.focused.get();
        self.queue.with(|q| {
            focused
                .filter(|f| q.iter().any(|item| item.input == *f))
                .or_else(|| q.first().map(|item| item.input))
        })
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

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
