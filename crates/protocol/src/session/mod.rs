//! One MCP client session, as a state machine without I/O, at whichever revision the server
//! speaks: 2026-07-28 (stateless Streamable HTTP, sampling inside `input_required` results),
//! 2025-11-25 back to 2024-11-05 over Streamable HTTP with `initialize`, or the 2024-11-05
//! HTTP+SSE transport. [`crate::negotiation`] decides which, newest first.
//!
//! Feed it what the network did ([`ClientSession::on_response`], [`ClientSession::on_body`],
//! [`ClientSession::on_end`], [`ClientSession::on_failure`]) and what the person decided
//! ([`ClientSession::call_tool`], [`ClientSession::answer_sampling`], …), each with the time
//! now; poll it for HTTP exchanges to perform ([`ClientSession::poll_transmit`]), events to show
//! ([`ClientSession::poll_event`]) and when it next needs waking
//! ([`ClientSession::poll_timeout`] → [`ClientSession::handle_timeout`]), as quinn-proto does.
//! It never reads a clock and never touches a socket.
//!
//! `ClientSession` only coordinates; each concern has its file: [`link`] (negotiation, the
//! handshake, how the session ends), [`exchanges`] (HTTP exchanges and their bodies),
//! [`requests`] (the client's JSON-RPC requests and their outcomes), [`incoming`] (what the
//! server sends), [`inputs`] (server requests waiting for the person), [`calls`] (tool calls
//! and multi-round-trip rounds), [`tasks`] (2025-11-25 tool calls run as tasks),
//! [`received_tasks`] (2025-11-25 sampling and elicitation run as tasks for the server), [`browse`] (resources, templates, prompts), [`listen`] (the
//! 2026-07-28 stream of the server's changes), [`resume`] (broken streams picked up again), [`roots`] (the
//! roots the person shares), [`timers`] (resume delays, deadlines, the ping cadence).
// rmcp marks its logging and roots types deprecated (SEP-2577); the session still sets a
// server's log level and shares the person's roots.
#![allow(deprecated)]

mod browse;
mod calls;
mod exchanges;
mod incoming;
mod inputs;
mod link;
mod listen;
mod received_tasks;
mod requests;
mod resume;
mod roots;
mod tasks;
mod timers;

use std::collections::VecDeque;

use crate::error::Failure;
use crate::event::{CallId, Event, InputId, LogEntry, LogLevel, LogSource};
use crate::http::{ResponseHead, TransferId, Transmit};
use crate::model::{Implementation, LoggingLevel, Root};
use crate::negotiation::Transport;
use crate::revision::Revision;

pub use browse::Target;
pub use timers::{CALL_IDLE_TIMEOUT_MS, CONNECT_TIMEOUT_MS, PING_EVERY_MS, REQUEST_TIMEOUT_MS};

/// Who the client is and where the server lives.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The MCP endpoint, e.g. `http://127.0.0.1:8787/mcp`.
    pub url: String,
    pub client_name: String,
    pub client_version: String,
    /// A revision the person forced; `None` negotiates, newest first.
    pub revision: Option<Revision>,
    /// How the server was reached when last connected (notes: "cache per origin"): tried first
    /// so a reconnect skips the probes that failed; should it fail, negotiation starts over.
    pub known_transport: Option<Transport>,
    /// The server log level to ask for from the start (`None`: the server's default).
    pub log_level: Option<LoggingLevel>,
    /// The roots the person shares (changed later with [`ClientSession::set_roots`]).
    pub roots: Vec<Root>,
}

/// The state machine; see the module documentation.
#[derive(Debug)]
pub struct ClientSession {
    config: SessionConfig,
    client_info: Implementation,
    /// The time of the input being handled (ms, the driver's monotonic clock).
    now: u64,
    link: link::Link,
    exchanges: exchanges::Exchanges,
    requests: requests::Requests,
    inputs: inputs::Inputs,
    calls: calls::Calls,
    tasks: tasks::Tasks,
    received: received_tasks::ReceivedTasks,
    listen: listen::Listen,
    resume: resume::Resume,
    timers: timers::Timers,
    events: VecDeque<Event>,
    /// The `Authorization` header value for the server, once signed in.
    authorization: Option<Bearer>,
}

/// An `Authorization` header value: never shown by `Debug`.
#[derive(Clone)]
struct Bearer(String);

impl std::fmt::Debug for Bearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bearer [token]")
    }
}

impl ClientSession {
    pub fn new(config: SessionConfig) -> Self {
        let mut client_info = Implementation::new(&config.client_name, &config.client_version);
        client_info.title = Some("MCP Desk".into());
        Self {
            config,
            client_info,
            now: 0,
            link: link::Link::default(),
            exchanges: exchanges::Exchanges::default(),
            requests: requests::Requests::default(),
            inputs: inputs::Inputs::default(),
            calls: calls::Calls::default(),
            tasks: tasks::Tasks::default(),
            received: received_tasks::ReceivedTasks::default(),
            listen: listen::Listen::default(),
            resume: resume::Resume::default(),
            timers: timers::Timers::default(),
            events: VecDeque::new(),
            authorization: None,
        }
    }

    /// Sends `authorization` (`Bearer <token>`) with every request to the server from now on
    /// (a new token after a refresh too); `None` sends none.
    pub fn set_authorization(&mut self, authorization: Option<String>) {
        self.authorization = authorization.map(Bearer);
    }

    /// Sets the wall clock (ms since the Unix epoch) at which the driver's clock read 0, for
    /// the timestamps of the tasks the client runs for the server (`createdAt`).
    pub fn set_wall_clock(&mut self, wall_at_zero: u64) {
        self.received.wall_at_zero = wall_at_zero;
    }

    /// The negotiated protocol revision, once the server accepted one.
    pub fn protocol_version(&self) -> Option<&str> {
        self.link.protocol_version.as_deref()
    }

    /// How the client talks to the server (decided while connecting).
    pub fn transport(&self) -> Transport {
        self.link.transport
    }

    /// The `Mcp-Session-Id` the server assigned, if any.
    pub fn session_id(&self) -> Option<&str> {
        self.link.session_id.as_deref()
    }

    pub fn is_ready(&self) -> bool {
        self.link.phase == link::Phase::Ready
    }

    pub fn is_closed(&self) -> bool {
        self.link.phase == link::Phase::Closed
    }

    /// What to do next on the network, if anything.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.exchanges.transmits.pop_front()
    }

    /// What happened that the app should show, if anything.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When the session next needs [`ClientSession::handle_timeout`] (ms, the driver's clock).
    pub fn poll_timeout(&self) -> Option<u64> {
        self.next_deadline()
    }

    /// Time has passed: starts what was waiting for it, and gives up on what waited too long.
    pub fn handle_timeout(&mut self, now: u64) {
        self.at(now);
        self.fire_timers();
    }

    /// Starts connecting: `server/discover` first unless a revision with `initialize` is
    /// forced or the server took another way last time.
    pub fn connect(&mut self, now: u64) {
        self.at(now);
        self.start_connecting();
    }

    /// Calls a tool; ends in [`Event::ToolCallFinished`], [`Event::ToolCallFailed`],
    /// [`Event::ToolCallDeclined`] or [`Event::ToolCallCancelled`].
    pub fn call_tool(
        &mut self,
        now: u64,
        tool: &str,
        arguments: serde_json::Map<String, serde_json::Value>,
    ) -> CallId {
        self.at(now);
        self.start_call(tool, arguments)
    }

    /// Cancels a running tool call: up to 2025-11-25 the server hears
    /// `notifications/cancelled` (a call running as a task: `tasks/cancel`, when the server
    /// offers it); at 2026-07-28 closing the response stream is the cancel. Sampling requests
    /// that belong to the call leave the queue.
    pub fn cancel_call(&mut self, now: u64, call: CallId, reason: &str) {
        self.at(now);
        self.cancel(call, reason);
    }

    /// Asks the server for log messages at `level` and above (`notifications/message`).
    pub fn set_log_level(&mut self, now: u64, level: LoggingLevel) {
        self.at(now);
        self.change_log_level(level);
    }

    /// Reads the resource at `uri`: [`Event::ResourceRead`] or [`Event::BrowseFailed`].
    pub fn read_resource(&mut self, now: u64, uri: &str) {
        self.at(now);
        self.read(uri.to_owned());
    }

    /// Gets prompt `name` with `arguments`: [`Event::PromptGot`] or [`Event::BrowseFailed`].
    pub fn get_prompt(
        &mut self,
        now: u64,
        name: &str,
        arguments: serde_json::Map<String, serde_json::Value>,
    ) {
        self.at(now);
        self.get_prompt_of(name.to_owned(), arguments);
    }

    /// Asks for suggestions for `argument` of `target` as typed (`value`), the other
    /// arguments given as `context`: [`Event::Completed`]; nothing when the server offers none.
    pub fn complete_argument(
        &mut self,
        now: u64,
        target: Target,
        argument: &str,
        value: &str,
        context: serde_json::Map<String, serde_json::Value>,
    ) {
        self.at(now);
        self.complete(target, argument.to_owned(), value.to_owned(), context);
    }

    /// Subscribes to the updates of the resource at `uri` (`on`), or stops.
    pub fn subscribe_resource(&mut self, now: u64, uri: &str, on: bool) {
        self.at(now);
        self.subscribe(uri.to_owned(), on);
    }

    /// Ends the session: aborts open exchanges, fails what is pending, DELETEs the session.
    pub fn disconnect(&mut self, now: u64) {
        self.at(now);
        self.end_session();
    }

    /// Whether the server still waits for an answer to `input` (it was not answered,
    /// cancelled, dropped with its tool call, or lost with the session).
    pub fn is_pending(&self, input: InputId) -> bool {
        self.is_ready() && self.inputs.waiting.contains_key(&input)
    }

    /// The status and headers of an exchange arrived.
    pub fn on_response(&mut self, now: u64, transfer: TransferId, head: ResponseHead) {
        self.at(now);
        self.response_head(transfer, head);
    }

    /// A chunk of an exchange's body arrived.
    pub fn on_body(&mut self, now: u64, transfer: TransferId, chunk: &[u8]) {
        self.at(now);
        self.body_chunk(transfer, chunk);
    }

    /// An exchange's body ended normally.
    pub fn on_end(&mut self, now: u64, transfer: TransferId) {
        self.at(now);
        self.body_end(transfer);
    }

    /// An exchange failed on the network (the browser gives no status: refused, CORS, aborted).
    pub fn on_failure(&mut self, now: u64, transfer: TransferId, error: &str) {
        self.at(now);
        self.exchange_failed(transfer, error);
    }

    /// Time moves forward only: an input stamped earlier than the last one counts as now.
    fn at(&mut self, now: u64) {
        self.now = self.now.max(now);
    }

    /// A failure in a few words, for the session's own log lines (the app words failures
    /// that reach people from [`crate::Error`]).
    fn brief(failure: &Failure) -> String {
        match failure {
            Failure::Network(detail) | Failure::Unusable(detail) => detail.clone(),
            Failure::Status {
                status, excerpt, ..
            } => format!("HTTP {status}: {excerpt}"),
            Failure::Rpc(e) => format!("{} (JSON-RPC error {})", e.message, e.code.0),
            Failure::Unauthorized { status, .. } => format!("HTTP {status}: sign-in needed"),
            Failure::TimedOut { seconds } => format!("no answer within {seconds} s"),
            Failure::EndedEarly => "the stream ended before the answer".into(),
            Failure::SessionExpired => "the session expired".into(),
            Failure::SessionEnded => "the session ended".into(),
            Failure::NotConnected => "not connected".into(),
            Failure::TooManyRounds(n) => format!("{n} rounds of input"),
            Failure::Declined { input } => format!("input {input:?} declined"),
            Failure::UnknownRevision(v) => format!("revision {v}"),
            Failure::NoCommonRevision(v) | Failure::OlderRevisions(v) => {
                format!("revisions {}", v.join(", "))
            }
            Failure::NoVersionsListed => "no supportedVersions".into(),
            Failure::ForcedRevisionRefused(why) => Self::brief(why),
        }
    }

    fn log(&mut self, level: LogLevel, text: String) {
        self.events.push_back(Event::Log(LogEntry {
            level,
            source: LogSource::Client,
            text,
            about: self.exchanges.handling,
        }));
    }
}
