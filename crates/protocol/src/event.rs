//! What the session tells the app: connection changes, results, server requests waiting for
//! the person, log lines. Failures are [`Error`]s and reasons are enums: the app words them.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use crate::error::{Error, Failure};
use crate::model::{
    CallToolResult, CreateMessageRequestParams, Implementation, ResourceContents, Tool,
};
use crate::offer::{GotPrompt, PromptInfo, ResourceInfo, TemplateInfo};

/// A tool call the app started; stays the same across retries and rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u64);

/// One request from the server waiting for the person: a sampling request or an elicitation.
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
    /// The same params as received, as JSON text (the page's JSON view).
    pub raw: String,
    pub related_call: Option<RelatedCall>,
}

/// An `elicitation/create` waiting for the person's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingElicitation {
    pub input: InputId,
    pub elicitation: crate::elicitation::Elicitation,
    pub related_call: Option<RelatedCall>,
}

/// Why a request waiting for the person is gone without the person's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gone {
    /// The server cancelled it (`notifications/cancelled`), with the reason it gave.
    ServerCancelled(Option<String>),
    /// The server ended its tool call (result or error) first.
    CallEnded { tool: String },
    /// The person cancelled its tool call.
    CallCancelled,
    /// Another input of the same 2026-07-28 round was rejected, so the call ends.
    RoundRejected,
    /// The server forgot the session; a new one was started.
    SessionExpired,
    /// The session ended.
    SessionEnded,
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Closed {
    /// The app disconnected.
    Disconnected,
    /// The HTTP+SSE transport's one stream ended or failed.
    StreamLost(Failure),
}

/// The page's four log levels.
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
    /// The message (its [`Event::Wire`] number) being handled when this was written: the
    /// line is about it.
    pub about: Option<u64>,
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
    /// Connecting failed; the session is closed. `tried` lists the ways that failed before.
    ConnectFailed {
        error: Error,
        tried: Vec<Error>,
    },
    /// The session ended.
    Disconnected {
        reason: Closed,
    },
    /// The complete tool list (all pages).
    ToolsListed(Vec<Tool>),
    /// The complete resource list (all pages); again whenever the server says it changed.
    ResourcesListed(Vec<ResourceInfo>),
    ResourceTemplatesListed(Vec<TemplateInfo>),
    PromptsListed(Vec<PromptInfo>),
    ResourceRead {
        uri: String,
        contents: Vec<ResourceContents>,
    },
    PromptGot {
        name: String,
        prompt: GotPrompt,
    },
    /// A subscription to a resource's updates started (`on`) or ended.
    Subscribed {
        uri: String,
        on: bool,
    },
    /// A subscribed resource changed (`notifications/resources/updated`).
    ResourceUpdated {
        uri: String,
    },
    /// Suggestions for `argument` of `target` as it read `value`.
    Completed {
        target: crate::session::Target,
        argument: String,
        value: String,
        values: Vec<String>,
    },
    /// A list, read, prompt, completion or subscription failed.
    BrowseFailed {
        error: Error,
    },
    ToolCallFinished {
        call: CallId,
        result: CallToolResult,
    },
    ToolCallFailed {
        call: CallId,
        error: Error,
    },
    /// The person rejected input `input` the call needed (2026-07-28): the call is not sent
    /// again, and the server is not told (that revision has no such error).
    ToolCallDeclined {
        call: CallId,
        tool: String,
        input: String,
    },
    /// The app cancelled the call, for `reason`.
    ToolCallCancelled {
        call: CallId,
        reason: String,
    },
    /// 2025-11-25: where the task running a tool call stands, with the server's message.
    TaskStatus {
        call: CallId,
        status: crate::task::TaskStatus,
        message: Option<String>,
    },
    /// Progress the server reported for a tool call.
    Progress {
        call: CallId,
        progress: f64,
        total: Option<f64>,
        message: Option<String>,
    },
    /// One JSON-RPC message (or batch) exactly as sent or received, for the timeline, with
    /// its HTTP side: the method, the URL without credentials and the MCP headers of a request
    /// sent; the status and content type of the response a message came in.
    Wire {
        /// The message's number in this session (1, 2, …): a log line about it names it.
        n: u64,
        sent: bool,
        text: String,
        http: String,
        /// The tool call it belongs to, when the session knows: the call's requests and
        /// their answers, what the server sends on the call's stream or for its task, and
        /// the answers to those.
        call: Option<CallId>,
    },
    SamplingRequested(PendingSampling),
    ElicitationRequested(PendingElicitation),
    /// A request waiting for the person (sampling or elicitation) is gone without their answer.
    InputGone {
        input: InputId,
        reason: Gone,
    },
    Log(LogEntry),
}
