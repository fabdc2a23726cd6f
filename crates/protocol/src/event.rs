//! What the session tells the app: connection changes, results, server requests, log lines.

use crate::model::{CallToolResult, CreateMessageRequestParams, Implementation, Tool};

/// A tool call the app started; stays the same across retries and rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u64);

/// One request from the server waiting for the person (today: a sampling request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InputId(pub u64);

/// The tool call a server request belongs to, when the server sent it on that call's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedCall {
    pub call: CallId,
    pub tool: String,
}

/// A `sampling/createMessage` request waiting for review.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSampling {
    pub input: InputId,
    /// The request exactly as the server sent it.
    pub params: CreateMessageRequestParams,
    pub related_call: Option<RelatedCall>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
        }
    }

    /// Maps an MCP (syslog) level name onto the four the page shows.
    pub fn from_mcp(level: &str) -> Self {
        match level {
            "debug" => LogLevel::Debug,
            "info" | "notice" => LogLevel::Info,
            "warning" => LogLevel::Warning,
            _ => LogLevel::Error,
        }
    }
}

/// Who a log line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogSource {
    /// The protocol client itself (what it sent, what went wrong).
    Client,
    /// The server's own `notifications/message`.
    Server,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub level: LogLevel,
    pub source: LogSource,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The session is up.
    Connected {
        protocol_version: String,
        transport: crate::negotiation::Transport,
        server: Implementation,
        instructions: Option<String>,
    },
    /// Connecting failed; the session is closed.
    ConnectFailed {
        error: String,
    },
    /// The session ended (disconnect, or the server ended it).
    Disconnected {
        reason: String,
    },
    /// The complete tool list (all pages).
    ToolsListed(Vec<Tool>),
    ToolCallFinished {
        call: CallId,
        result: CallToolResult,
    },
    ToolCallFailed {
        call: CallId,
        error: String,
    },
    /// The person rejected an input the call needed (2026-07-28): the call ends, unanswered.
    ToolCallDeclined {
        call: CallId,
        reason: String,
    },
    /// The person cancelled the call.
    ToolCallCancelled {
        call: CallId,
        reason: String,
    },
    /// Progress the server reported for a tool call.
    Progress {
        call: CallId,
        progress: f64,
        total: Option<f64>,
        message: Option<String>,
    },
    SamplingRequested(PendingSampling),
    /// A pending sampling request is gone without an answer from the person.
    SamplingCancelled {
        input: InputId,
        reason: String,
    },
    Log(LogEntry),
}
