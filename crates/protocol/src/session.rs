//! One MCP client session, as a state machine without I/O, at whichever revision the server
//! speaks: 2026-07-28 (stateless Streamable HTTP, sampling inside `input_required` results),
//! 2025-11-25 back to 2024-11-05 over Streamable HTTP with `initialize`, or the 2024-11-05
//! HTTP+SSE transport. [`crate::negotiation`] decides which, newest first.
//!
//! Feed it what the network did ([`ClientSession::on_response`], [`ClientSession::on_body`],
//! [`ClientSession::on_end`], [`ClientSession::on_failure`]) and what the person decided
//! ([`ClientSession::call_tool`], [`ClientSession::answer_sampling`], …); poll it for HTTP
//! exchanges to perform ([`ClientSession::poll_transmit`]) and for events to show
//! ([`ClientSession::poll_event`]). It never reads a clock and never touches a socket.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Map, Value, json};

use crate::event::{
    CallId, Event, InputId, LogEntry, LogLevel, LogSource, PendingSampling, RelatedCall,
};
use crate::http::{HttpMethod, HttpRequest, ResponseHead, TransferId, Transmit, status_text};
use crate::jsonrpc::{self, Incoming, codes};
use crate::legacy_sse;
use crate::model::{
    CallToolResult, CreateMessageRequestParams, CreateMessageResult, Implementation,
    InitializeResult, ListToolsResult, Role, Tool,
};
use crate::mrtr::{self, InputRequest, Round};
use crate::negotiation::{self, Discovery, Transport};
use crate::redact;
use crate::revision::{self, Revision};
use crate::sse::SseDecoder;
use crate::stateless::{self, ParamHeader};

/// A JSON body larger than this is refused rather than buffered without end.
const MAX_JSON_BODY: usize = 32 * 1024 * 1024;
/// A server that keeps handing out `nextCursor` is cut off after this many pages.
const MAX_TOOL_PAGES: u32 = 100;
const ACCEPT_BOTH: &str = "application/json, text/event-stream";
/// A request's stream is resumed (GET with `Last-Event-ID`) at most this many times: a
/// server that replays and closes is polled, for minutes but not for ever.
const MAX_RESUMES: u32 = 100;
/// How long to wait before resuming when the server named no `retry`.
const DEFAULT_RETRY_MS: u64 = 1000;
/// How many server request ids the session remembers, to ignore replays after a resume.
const REMEMBERED_REQUESTS: usize = 1024;
/// The standalone stream is reopened at most this many times in a row without a message.
const MAX_STANDALONE_REOPENS: u32 = 3;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    /// `server/discover` sent (2026-07-28 first).
    Discovering,
    Initializing,
    /// `initialize` failed the way a 2024-11-05 HTTP+SSE server fails it: GET sent, waiting
    /// for the `endpoint` event.
    OpeningLegacyStream,
    /// `initialize` answered; `notifications/initialized` is on its way.
    Confirming,
    Ready,
    Closed,
}

/// Why an HTTP exchange was started.
#[derive(Debug)]
enum Purpose {
    /// A request of the client's, by JSON-RPC id.
    Rpc(u64),
    /// The `notifications/initialized` POST.
    Initialized,
    /// The client's answer to a server request, described for error messages.
    Reply(String),
    /// The standalone GET stream.
    Standalone,
    /// The 2024-11-05 HTTP+SSE stream that carries every server message.
    LegacyStream,
    /// A GET with `Last-Event-ID` resuming the broken stream of request `rpc`.
    Resume { rpc: u64 },
    /// DELETE of the session on disconnect.
    Delete,
}

#[derive(Debug)]
enum Body {
    Json(Vec<u8>),
    Sse(SseDecoder),
    /// A non-2xx answer whose body is kept for the error message.
    Failure {
        status: u16,
        bytes: Vec<u8>,
    },
    Ignore,
}

#[derive(Debug)]
struct Transfer {
    purpose: Purpose,
    body: Option<Body>,
}

#[derive(Debug)]
enum Pending {
    Discover,
    Initialize,
    /// `logging/setLevel` or `ping`: answered with an empty result.
    Acknowledged,
    ListTools {
        tools: Vec<Tool>,
        pages: u32,
    },
    CallTool {
        related: RelatedCall,
        arguments: Map<String, Value>,
        /// 0 for the first send; n for the send carrying round n's answers.
        round: u32,
    },
}

#[derive(Debug)]
struct PendingRpc {
    method: &'static str,
    kind: Pending,
}

/// Where a request waiting for the person came from, so the answer goes back the same way.
#[derive(Debug)]
enum ServerInput {
    /// A JSON-RPC request from the server (up to 2025-11-25): answered by a POST. `call` is
    /// the tool call whose stream carried it, if any: when that call ends, the server no
    /// longer waits for the answer.
    Request { id: Value, call: Option<CallId> },
    /// An input of a 2026-07-28 `input_required` result: answered by sending the call again.
    Round { call: CallId, key: String },
}

/// The state machine; see the module documentation.
#[derive(Debug)]
pub struct ClientSession {
    config: SessionConfig,
    phase: Phase,
    session_id: Option<String>,
    protocol_version: Option<String>,
    transport: Transport,
    /// Where POSTs go on the HTTP+SSE transport (from its `endpoint` event).
    legacy_endpoint: Option<String>,
    client_info: Value,
    has_tools: bool,
    /// 2026-07-28: each listed tool's `x-mcp-header` marks.
    param_marks: BTreeMap<String, Vec<ParamHeader>>,
    /// 2026-07-28: tool calls between rounds.
    rounds: BTreeMap<CallId, Round>,
    /// What negotiation tried, for the error when nothing worked.
    attempts: Vec<String>,
    /// Connecting the way that worked last time ([`SessionConfig::known_transport`]).
    following_hint: bool,
    /// Per request: the last SSE event id seen on its stream, and how often it was resumed.
    resume_points: BTreeMap<u64, (Option<String>, u32)>,
    /// The standalone stream's last event id, and reopenings since its last message.
    standalone_resume: (Option<String>, u32),
    /// The server log level asked for (2026-07-28 carries it on every request).
    log_level: Option<String>,
    server_has_logging: bool,
    /// Ids of the server requests already seen (a resumed stream replays them).
    seen_requests: VecDeque<Value>,
    next_rpc: u64,
    next_transfer: u64,
    next_call: u64,
    next_input: u64,
    transfers: BTreeMap<TransferId, Transfer>,
    pending: BTreeMap<u64, PendingRpc>,
    inputs: BTreeMap<InputId, ServerInput>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
}

impl ClientSession {
    pub fn new(config: SessionConfig) -> Self {
        let client_info = json!({
            "name": config.client_name,
            "version": config.client_version,
            "title": "MCP Desk",
        });
        Self {
            config,
            phase: Phase::Idle,
            session_id: None,
            protocol_version: None,
            transport: Transport::Stateful,
            legacy_endpoint: None,
            client_info,
            has_tools: false,
            param_marks: BTreeMap::new(),
            rounds: BTreeMap::new(),
            attempts: Vec::new(),
            following_hint: false,
            resume_points: BTreeMap::new(),
            standalone_resume: (None, 0),
            log_level: None,
            server_has_logging: false,
            seen_requests: VecDeque::new(),
            next_rpc: 0,
            next_transfer: 0,
            next_call: 0,
            next_input: 0,
            transfers: BTreeMap::new(),
            pending: BTreeMap::new(),
            inputs: BTreeMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// The negotiated protocol revision, once `initialize` was answered.
    pub fn protocol_version(&self) -> Option<&str> {
        self.protocol_version.as_deref()
    }

    /// How the client talks to the server (decided while connecting).
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// The `Mcp-Session-Id` the server assigned, if any.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    pub fn is_ready(&self) -> bool {
        self.phase == Phase::Ready
    }

    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// What to do next on the network, if anything.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// What happened that the app should show, if anything.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Starts connecting: `server/discover` first unless an `initialize` revision is forced.
    pub fn connect(&mut self) {
        if self.phase != Phase::Idle {
            return;
        }
        let url = redact::url(&self.config.url);
        match (self.config.revision, self.config.known_transport) {
            (Some(forced), _) if forced.has_initialize() => {
                self.log(
                    LogLevel::Info,
                    format!("Connecting to {url} (revision {} forced)", forced.as_str()),
                );
                self.initialize(forced);
            }
            (None, Some(Transport::Stateful)) => {
                self.log(
                    LogLevel::Info,
                    format!(
                        "Connecting to {url}: it took initialize last time, so initialize first"
                    ),
                );
                self.following_hint = true;
                self.initialize(Revision::LATEST_WITH_INITIALIZE);
            }
            (None, Some(Transport::LegacySse)) => {
                self.log(
                    LogLevel::Info,
                    format!("Connecting to {url}: it spoke HTTP+SSE last time, so opening its event stream first"),
                );
                self.following_hint = true;
                self.open_legacy_stream();
            }
            _ => {
                self.log(
                    LogLevel::Info,
                    format!(
                        "Connecting to {url}: asking server/discover for revision 2026-07-28 first"
                    ),
                );
                self.phase = Phase::Discovering;
                self.transport = Transport::Stateless;
                self.send_rpc("server/discover", Value::Null, Pending::Discover);
            }
        }
    }

    fn initialize(&mut self, revision: Revision) {
        self.phase = Phase::Initializing;
        if self.transport != Transport::LegacySse {
            self.transport = Transport::Stateful;
        }
        let params = json!({
            "protocolVersion": revision.as_str(),
            "capabilities": stateless::client_capabilities(),
            "clientInfo": self.client_info,
        });
        self.log(
            LogLevel::Info,
            format!(
                "Sending initialize, offering protocol revision {}",
                revision.as_str()
            ),
        );
        self.send_rpc("initialize", params, Pending::Initialize);
    }

    /// Fetches the server's tools, every page; ends in [`Event::ToolsListed`].
    pub fn list_tools(&mut self) {
        if self.phase != Phase::Ready {
            return;
        }
        self.request_tools_page(None, Vec::new(), 0);
    }

    /// Calls a tool; ends in [`Event::ToolCallFinished`] or [`Event::ToolCallFailed`].
    pub fn call_tool(&mut self, tool: &str, arguments: Map<String, Value>) -> CallId {
        let call = CallId(self.next_call);
        self.next_call += 1;
        if self.phase != Phase::Ready {
            self.events.push_back(Event::ToolCallFailed {
                call,
                error: "Not connected: connect to a server before calling a tool.".into(),
            });
            return call;
        }
        let params = json!({
            "name": tool,
            "arguments": arguments,
            "_meta": {"progressToken": call.0},
        });
        self.log(LogLevel::Info, format!("Calling tool {tool}"));
        self.send_rpc(
            "tools/call",
            params,
            Pending::CallTool {
                related: RelatedCall {
                    call,
                    tool: tool.to_owned(),
                },
                arguments,
                round: 0,
            },
        );
        call
    }

    /// Sends the person's approved completion back to the server.
    pub fn answer_sampling(
        &mut self,
        input: InputId,
        result: &CreateMessageResult,
    ) -> Result<(), String> {
        if result.message.role != Role::Assistant {
            return Err("A sampling answer must have the role \"assistant\".".into());
        }
        if result.model.trim().is_empty() {
            return Err("A sampling answer must name the model that produced it.".into());
        }
        let value = serde_json::to_value(result).map_err(|e| e.to_string())?;
        match self.take_input(input)? {
            ServerInput::Request { id: request_id, .. } => {
                self.log(
                    LogLevel::Info,
                    format!(
                        "Answering sampling request {request_id} (model {})",
                        result.model
                    ),
                );
                let body = jsonrpc::result(&request_id, value);
                self.send_reply(body, format!("sampling request {request_id}"));
            }
            ServerInput::Round { call, key } => {
                self.log(
                    LogLevel::Info,
                    format!("Answered sampling input {key:?} (model {})", result.model),
                );
                let complete = self
                    .rounds
                    .get_mut(&call)
                    .is_some_and(|round| round.answer(&key, value));
                if complete {
                    self.send_round(call);
                }
            }
        }
        Ok(())
    }

    /// Refuses a sampling request. Up to 2025-11-25 the server hears the error the spec gives
    /// for a person's refusal; at 2026-07-28 there is no such error, so the call is simply not
    /// sent again and ends as declined.
    pub fn reject_sampling(&mut self, input: InputId) -> Result<(), String> {
        match self.take_input(input)? {
            ServerInput::Request { id: request_id, .. } => {
                self.log(
                    LogLevel::Info,
                    format!("Rejecting sampling request {request_id}"),
                );
                let body = jsonrpc::error(
                    &request_id,
                    codes::USER_REJECTED,
                    "User rejected sampling request",
                );
                self.send_reply(body, format!("rejection of sampling request {request_id}"));
            }
            ServerInput::Round { call, key } => {
                let Some(round) = self.rounds.remove(&call) else {
                    return Ok(());
                };
                let siblings: Vec<InputId> = self
                    .inputs
                    .iter()
                    .filter(|(_, i)| matches!(i, ServerInput::Round { call: c, .. } if *c == call))
                    .map(|(id, _)| *id)
                    .collect();
                for sibling in siblings {
                    self.inputs.remove(&sibling);
                    self.events.push_back(Event::SamplingCancelled {
                        input: sibling,
                        reason:
                            "Another request of the same tool call was rejected, so the call ends."
                                .into(),
                    });
                }
                let reason = format!(
                    "You rejected sampling input {key:?}; at revision 2026-07-28 the server is not told, the call of {} is just not sent again.",
                    round.tool
                );
                self.log(LogLevel::Info, reason.clone());
                self.events
                    .push_back(Event::ToolCallDeclined { call, reason });
            }
        }
        Ok(())
    }

    /// Refuses a sampling request on the client's own account (too many waiting): up to
    /// 2025-11-25 the server hears a JSON-RPC error with `reason`; at 2026-07-28 the call
    /// ends as declined, like a rejection.
    pub fn refuse_sampling(&mut self, input: InputId, reason: &str) -> Result<(), String> {
        match self.take_input(input)? {
            ServerInput::Request { id: request_id, .. } => {
                self.log(
                    LogLevel::Warning,
                    format!("Refused sampling request {request_id}: {reason}"),
                );
                let body = jsonrpc::error(&request_id, codes::CLIENT_REFUSED, reason);
                self.send_reply(body, format!("refusal of sampling request {request_id}"));
                Ok(())
            }
            round @ ServerInput::Round { .. } => {
                // Same path as a person's rejection: the call is not sent again.
                let id = InputId(self.next_input);
                self.next_input += 1;
                self.inputs.insert(id, round);
                self.reject_sampling(id)
            }
        }
    }

    /// Ends the session: aborts open exchanges, fails what is pending, DELETEs the session.
    pub fn disconnect(&mut self) {
        if matches!(self.phase, Phase::Closed | Phase::Idle) {
            self.phase = Phase::Closed;
            return;
        }
        let had_session = self.session_id.clone();
        self.close("Disconnected.".into());
        if had_session.is_some() {
            let headers = self.headers(None);
            self.start(HttpMethod::Delete, headers, None, Purpose::Delete);
        }
    }

    /// The status and headers of an exchange arrived.
    pub fn on_response(&mut self, transfer: TransferId, head: ResponseHead) {
        let Some(t) = self.transfers.get(&transfer) else {
            return;
        };
        let is_initialize = matches!(t.purpose, Purpose::Rpc(id) if matches!(self.pending.get(&id), Some(PendingRpc { kind: Pending::Initialize, .. })));
        let is_confirmation = matches!(t.purpose, Purpose::Initialized);
        let is_standalone = matches!(t.purpose, Purpose::Standalone);
        let is_delete = matches!(t.purpose, Purpose::Delete);

        let body = if is_delete {
            Body::Ignore
        } else if !head.is_success() {
            if is_standalone && head.status == 405 {
                self.log(
                    LogLevel::Info,
                    "The server offers no standalone stream (GET answered 405); that is allowed."
                        .into(),
                );
                Body::Ignore
            } else {
                Body::Failure {
                    status: head.status,
                    bytes: Vec::new(),
                }
            }
        } else if is_confirmation {
            self.become_ready();
            Body::Ignore
        } else if head.status == 202 || head.status == 204 {
            Body::Ignore
        } else {
            match head.media_type().as_deref() {
                Some("text/event-stream") => Body::Sse(SseDecoder::new()),
                Some("application/json") => Body::Json(Vec::new()),
                other => Body::Failure {
                    status: head.status,
                    bytes: format!(
                        "the server answered with content type {}, expected application/json or text/event-stream",
                        other.unwrap_or("(none)")
                    )
                    .into_bytes(),
                },
            }
        };
        if let Some(id) = head
            .header("mcp-session-id")
            .filter(|_| is_initialize && head.is_success())
        {
            if id.is_empty() || !id.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
                self.log(
                    LogLevel::Warning,
                    "The server sent an Mcp-Session-Id with characters outside visible ASCII; ignoring it.".into(),
                );
            } else {
                self.session_id = Some(id.to_owned());
            }
        }
        if let Some(t) = self.transfers.get_mut(&transfer) {
            t.body = Some(body);
        }
    }

    /// A chunk of an exchange's body arrived.
    pub fn on_body(&mut self, transfer: TransferId, chunk: &[u8]) {
        let Some(t) = self.transfers.get_mut(&transfer) else {
            return;
        };
        let is_legacy_stream = matches!(t.purpose, Purpose::LegacyStream);
        match t.body.as_mut() {
            Some(Body::Json(buf)) => {
                if buf.len() + chunk.len() > MAX_JSON_BODY {
                    t.body = Some(Body::Failure {
                        status: 200,
                        bytes: format!(
                            "the server's JSON answer is larger than {} MiB",
                            MAX_JSON_BODY / 1024 / 1024
                        )
                        .into_bytes(),
                    });
                } else {
                    buf.extend_from_slice(chunk);
                }
            }
            Some(Body::Failure { bytes, .. }) => {
                let room = 4096usize.saturating_sub(bytes.len());
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Some(Body::Sse(decoder)) => {
                let events = decoder.feed(chunk);
                for event in events {
                    if is_legacy_stream && event.event == "endpoint" {
                        self.on_legacy_endpoint(&event.data);
                        continue;
                    }
                    if event.data.trim().is_empty() {
                        continue; // priming events carry only an id
                    }
                    match jsonrpc::decode(&event.data) {
                        Ok(messages) => {
                            for message in messages {
                                self.dispatch(transfer, message);
                            }
                        }
                        Err(e) => self.log(
                            LogLevel::Error,
                            format!("Ignored an event on the server's stream: {e}"),
                        ),
                    }
                }
            }
            Some(Body::Ignore) | None => {}
        }
    }

    /// An exchange's body ended normally.
    pub fn on_end(&mut self, transfer: TransferId) {
        let Some(mut t) = self.transfers.remove(&transfer) else {
            return;
        };
        match t.body.take() {
            Some(Body::Json(bytes)) => {
                let text = String::from_utf8_lossy(&bytes);
                match jsonrpc::decode(&text) {
                    Ok(messages) => {
                        for message in messages {
                            self.dispatch_from(&t.purpose, message);
                        }
                    }
                    Err(e) => self.fail_purpose(&t.purpose, e.to_string()),
                }
            }
            Some(Body::Failure { status, bytes }) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                if self.on_negotiation_failure(&t.purpose, status, &text) {
                    return;
                }
                if status == 404
                    && self.session_id.is_some()
                    && self.phase == Phase::Ready
                    && self.transport == Transport::Stateful
                    && !matches!(t.purpose, Purpose::Delete)
                {
                    return self.session_expired();
                }
                let message = self.describe_http_failure(&t.purpose, status, &text);
                self.fail_purpose(&t.purpose, message);
            }
            Some(Body::Sse(mut decoder)) => {
                decoder.finish();
                if self.stream_broke(&t.purpose, &decoder, "The server closed the stream") {
                    return;
                }
                if matches!(t.purpose, Purpose::LegacyStream) {
                    self.legacy_stream_ended("The server closed its HTTP+SSE stream.".into());
                }
            }
            Some(Body::Ignore) | None => {}
        }
        // A request whose stream ended without its answer will never get one (except on the
        // HTTP+SSE transport, where every answer comes on the one GET stream).
        if let Purpose::Rpc(id) | Purpose::Resume { rpc: id } = t.purpose
            && self.transport != Transport::LegacySse
            && let Some(rpc) = self.pending.get(&id)
        {
            let message = format!(
                "The server closed the response stream for {} before sending its result.",
                rpc.method
            );
            self.fail_rpc(id, message);
        }
    }

    /// An exchange failed on the network (the browser gives no status: refused, CORS, aborted).
    pub fn on_failure(&mut self, transfer: TransferId, error: &str) {
        let Some(t) = self.transfers.remove(&transfer) else {
            return;
        };
        if let Purpose::Rpc(id) = t.purpose
            && matches!(
                self.pending.get(&id),
                Some(PendingRpc {
                    kind: Pending::Discover,
                    ..
                })
            )
        {
            // A 2025 server whose CORS rules do not know the 2026 headers fails the preflight.
            self.pending.remove(&id);
            return self.on_discovery(Discovery::Legacy {
                reason: format!("server/discover failed on the network ({error})"),
            });
        }
        if matches!(t.purpose, Purpose::LegacyStream) {
            return self.legacy_stream_ended(format!("The HTTP+SSE stream failed: {error}"));
        }
        if let Some(Body::Sse(decoder)) = &t.body
            && self.stream_broke(&t.purpose, decoder, &format!("The stream broke ({error})"))
        {
            return;
        }
        self.fail_purpose(&t.purpose, error.to_owned());
    }

    /// Cancels a running tool call: up to 2025-11-25 the server hears
    /// `notifications/cancelled`; at 2026-07-28 closing the response stream is the cancel.
    /// Sampling requests that belong to the call leave the queue.
    pub fn cancel_call(&mut self, call: CallId, reason: &str) {
        let rpc = self.pending.iter().find_map(|(id, p)| match &p.kind {
            Pending::CallTool { related, .. } if related.call == call => Some(*id),
            _ => None,
        });
        let waiting_round = self.rounds.remove(&call).is_some();
        if rpc.is_none() && !waiting_round {
            return;
        }
        if let Some(id) = rpc {
            self.pending.remove(&id);
            self.resume_points.remove(&id);
            let streams: Vec<TransferId> = self
                .transfers
                .iter()
                .filter(|(_, t)| matches!(t.purpose, Purpose::Rpc(r) | Purpose::Resume { rpc: r } if r == id))
                .map(|(k, _)| *k)
                .collect();
            for transfer in streams {
                self.transfers.remove(&transfer);
                self.transmits.push_back(Transmit::Abort(transfer));
            }
            if self.transport != Transport::Stateless {
                let body = jsonrpc::notification(
                    "notifications/cancelled",
                    json!({"requestId": id, "reason": reason}),
                );
                self.send_reply(body, "cancellation".into());
            }
        }
        let related: Vec<InputId> = self
            .inputs
            .iter()
            .filter(|(_, i)| {
                matches!(i, ServerInput::Round { call: c, .. }
                    | ServerInput::Request { call: Some(c), .. } if *c == call)
            })
            .map(|(k, _)| *k)
            .collect();
        for input in related {
            self.inputs.remove(&input);
            self.events.push_back(Event::SamplingCancelled {
                input,
                reason: "The tool call it belonged to was cancelled.".into(),
            });
        }
        self.log(LogLevel::Info, format!("Cancelled the tool call: {reason}"));
        self.events.push_back(Event::ToolCallCancelled {
            call,
            reason: reason.to_owned(),
        });
    }

    /// Asks the server for log messages at `level` and above (`notifications/message`).
    pub fn set_log_level(&mut self, level: &str) {
        self.log_level = Some(level.to_owned());
        match self.transport {
            // 2026-07-28 carries the level on every request instead.
            Transport::Stateless => {}
            _ if self.phase == Phase::Ready && self.server_has_logging => {
                self.send_rpc(
                    "logging/setLevel",
                    json!({"level": level}),
                    Pending::Acknowledged,
                );
            }
            _ => {}
        }
    }

    /// Checks that the server still answers (2025 revisions; 2026-07-28 has no ping).
    pub fn ping(&mut self) {
        if self.phase == Phase::Ready && self.transport != Transport::Stateless {
            self.send_rpc("ping", json!({}), Pending::Acknowledged);
        }
    }

    // ----- internals -----

    fn log(&mut self, level: LogLevel, text: String) {
        self.events.push_back(Event::Log(LogEntry {
            level,
            source: LogSource::Client,
            text,
        }));
    }

    /// Headers of the `initialize` era (and the bare ones of the HTTP+SSE transport).
    fn headers(&self, content_type: Option<&str>) -> Vec<(String, String)> {
        let mut headers = vec![("Accept".to_owned(), ACCEPT_BOTH.to_owned())];
        if let Some(ct) = content_type {
            headers.push(("Content-Type".to_owned(), ct.to_owned()));
        }
        if self.transport == Transport::LegacySse {
            return headers;
        }
        if let Some(id) = &self.session_id {
            headers.push(("Mcp-Session-Id".to_owned(), id.clone()));
        }
        if let Some(version) = &self.protocol_version {
            headers.push(("MCP-Protocol-Version".to_owned(), version.clone()));
        }
        headers
    }

    /// Where POSTs go: the MCP endpoint, or the HTTP+SSE transport's `endpoint`.
    fn post_url(&self) -> String {
        match (&self.legacy_endpoint, self.transport) {
            (Some(endpoint), Transport::LegacySse) => endpoint.clone(),
            _ => self.config.url.clone(),
        }
    }

    fn start(
        &mut self,
        method: HttpMethod,
        headers: Vec<(String, String)>,
        body: Option<String>,
        purpose: Purpose,
    ) -> TransferId {
        self.start_after(method, headers, body, purpose, None)
    }

    fn start_after(
        &mut self,
        method: HttpMethod,
        headers: Vec<(String, String)>,
        body: Option<String>,
        purpose: Purpose,
        delay_ms: Option<u64>,
    ) -> TransferId {
        let url = match method {
            HttpMethod::Post => self.post_url(),
            _ => self.config.url.clone(),
        };
        let transfer = TransferId(self.next_transfer);
        self.next_transfer += 1;
        self.transfers.insert(
            transfer,
            Transfer {
                purpose,
                body: None,
            },
        );
        self.transmits.push_back(Transmit::Send(HttpRequest {
            transfer,
            method,
            url,
            headers,
            body,
            delay_ms,
        }));
        transfer
    }

    fn send_rpc(&mut self, method: &'static str, params: Value, kind: Pending) -> u64 {
        let id = self.next_rpc;
        self.next_rpc += 1;
        let headers = if self.transport == Transport::Stateless {
            let mut headers = vec![
                ("Accept".to_owned(), ACCEPT_BOTH.to_owned()),
                ("Content-Type".to_owned(), "application/json".to_owned()),
            ];
            headers.extend(stateless::request_headers(method, &params));
            if let Pending::CallTool {
                related, arguments, ..
            } = &kind
                && let Some(marks) = self.param_marks.get(&related.tool)
            {
                headers.extend(stateless::param_header_values(marks, arguments));
            }
            headers
        } else {
            self.headers(Some("application/json"))
        };
        let params = if self.transport == Transport::Stateless {
            stateless::with_envelope(params, &self.client_info, self.log_level.as_deref())
        } else {
            params
        };
        self.pending.insert(id, PendingRpc { method, kind });
        let body = jsonrpc::request(id, method, params);
        self.start(HttpMethod::Post, headers, Some(body), Purpose::Rpc(id));
        id
    }

    fn send_reply(&mut self, body: String, what: String) {
        let headers = self.headers(Some("application/json"));
        self.start(HttpMethod::Post, headers, Some(body), Purpose::Reply(what));
    }

    /// Whether the server still waits for an answer to `input` (it was not answered,
    /// cancelled, dropped with its tool call, or lost with the session).
    pub fn is_pending(&self, input: InputId) -> bool {
        self.phase == Phase::Ready && self.inputs.contains_key(&input)
    }

    fn take_input(&mut self, input: InputId) -> Result<ServerInput, String> {
        if self.phase != Phase::Ready {
            self.inputs.remove(&input);
            return Err(
                "The session is closed; the server no longer waits for this answer.".into(),
            );
        }
        match self.inputs.remove(&input) {
            Some(pending) => Ok(pending),
            None => Err("This request is no longer pending (answered or cancelled).".into()),
        }
    }

    fn request_tools_page(&mut self, cursor: Option<String>, tools: Vec<Tool>, pages: u32) {
        let params = match cursor {
            Some(cursor) => json!({"cursor": cursor}),
            None => json!({}),
        };
        self.send_rpc("tools/list", params, Pending::ListTools { tools, pages });
    }

    fn become_ready(&mut self) {
        if self.phase != Phase::Confirming {
            return;
        }
        self.phase = Phase::Ready;
        if self.transport == Transport::Stateful {
            let mut headers = self.headers(None);
            headers[0].1 = "text/event-stream".to_owned();
            self.start(HttpMethod::Get, headers, None, Purpose::Standalone);
        }
        if let Some(level) = self.log_level.clone() {
            self.set_log_level(&level);
        }
        if self.has_tools {
            self.list_tools();
        }
    }

    /// Routes a message from a body that belonged to `purpose`.
    fn dispatch_from(&mut self, purpose: &Purpose, message: Incoming) {
        let related = match purpose {
            Purpose::Rpc(id) => self.related_call(*id),
            _ => None,
        };
        self.dispatch_with(related, message);
    }

    fn dispatch(&mut self, transfer: TransferId, message: Incoming) {
        let related = match self.transfers.get(&transfer).map(|t| &t.purpose) {
            Some(Purpose::Rpc(id)) | Some(Purpose::Resume { rpc: id }) => self.related_call(*id),
            Some(Purpose::Standalone) => {
                self.standalone_resume.1 = 0;
                None
            }
            // HTTP+SSE carries everything on one stream: with one call running, it is that one.
            Some(Purpose::LegacyStream) => {
                let mut calls = self.pending.keys().filter_map(|id| self.related_call(*id));
                match (calls.next(), calls.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            }
            _ => None,
        };
        self.dispatch_with(related, message);
    }

    fn related_call(&self, rpc: u64) -> Option<RelatedCall> {
        match self.pending.get(&rpc) {
            Some(PendingRpc {
                kind: Pending::CallTool { related, .. },
                ..
            }) => Some(related.clone()),
            _ => None,
        }
    }

    fn dispatch_with(&mut self, related: Option<RelatedCall>, message: Incoming) {
        match message {
            Incoming::Response { id, result } => match id.as_u64() {
                Some(id) if self.pending.contains_key(&id) => self.complete_rpc(id, result),
                _ => self.log(
                    LogLevel::Warning,
                    format!("The server answered a request the client never sent (id {id})."),
                ),
            },
            Incoming::Error { id, error } => match id.as_u64() {
                Some(id)
                    if matches!(
                        self.pending.get(&id),
                        Some(PendingRpc {
                            kind: Pending::Discover,
                            ..
                        })
                    ) =>
                {
                    self.pending.remove(&id);
                    self.on_discovery(negotiation::judge_discover_error(200, &error));
                }
                Some(id) if self.pending.contains_key(&id) => {
                    let method = self.pending[&id].method;
                    // The server answered the call: it no longer waits for that call's requests.
                    if let Pending::CallTool { related, .. } = &self.pending[&id].kind {
                        let related = related.clone();
                        self.drop_requests_of_ended_call(&related);
                    }
                    self.fail_rpc(id, format!("The server refused {method}: {error}"));
                }
                _ => self.log(
                    LogLevel::Error,
                    format!("The server reported an error: {error}"),
                ),
            },
            Incoming::Request { id, method, params } => {
                self.on_server_request(id, &method, params, related)
            }
            Incoming::Notification { method, params } => self.on_notification(&method, params),
        }
    }

    fn on_server_request(
        &mut self,
        id: Value,
        method: &str,
        params: Value,
        related_call: Option<RelatedCall>,
    ) {
        if self.seen_requests.contains(&id) {
            return self.log(
                LogLevel::Debug,
                format!("Ignored {method} {id}: a replay of a request already received."),
            );
        }
        self.seen_requests.push_back(id.clone());
        if self.seen_requests.len() > REMEMBERED_REQUESTS {
            self.seen_requests.pop_front();
        }
        match method {
            "sampling/createMessage" => {
                match serde_json::from_value::<CreateMessageRequestParams>(params) {
                    Ok(params) => {
                        let input = InputId(self.next_input);
                        self.next_input += 1;
                        self.inputs.insert(
                            input,
                            ServerInput::Request {
                                id,
                                // On HTTP+SSE the call is a guess (one stream carries all):
                                // shown to the person, but not bound to the call's end.
                                call: related_call
                                    .as_ref()
                                    .filter(|_| self.transport != Transport::LegacySse)
                                    .map(|c| c.call),
                            },
                        );
                        self.log(
                            LogLevel::Info,
                            match &related_call {
                                Some(c) => format!(
                                    "The server asks for sampling during the call of {}",
                                    c.tool
                                ),
                                None => "The server asks for sampling".into(),
                            },
                        );
                        self.events
                            .push_back(Event::SamplingRequested(PendingSampling {
                                input,
                                params,
                                related_call,
                            }));
                    }
                    Err(e) => {
                        let message = format!("Invalid sampling request: {e}");
                        self.log(
                            LogLevel::Error,
                            format!("Refused a malformed sampling request from the server: {e}"),
                        );
                        let body = jsonrpc::error(&id, codes::INVALID_PARAMS, &message);
                        self.send_reply(body, format!("refusal of sampling request {id}"));
                    }
                }
            }
            "ping" => {
                let body = jsonrpc::result(&id, json!({}));
                self.send_reply(body, "ping answer".into());
            }
            other => {
                self.log(
                    LogLevel::Warning,
                    format!("The server asked for {other}, which this client does not offer."),
                );
                let body = jsonrpc::error(
                    &id,
                    codes::METHOD_NOT_FOUND,
                    &format!("Method not found: {other}"),
                );
                self.send_reply(body, format!("refusal of {other}"));
            }
        }
    }

    fn on_notification(&mut self, method: &str, params: Value) {
        match method {
            "notifications/message" => {
                let level = params
                    .get("level")
                    .and_then(Value::as_str)
                    .unwrap_or("info");
                let data = match params.get("data") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                let text = match params.get("logger").and_then(Value::as_str) {
                    Some(logger) => format!("[{logger}] {data}"),
                    None => data,
                };
                self.events.push_back(Event::Log(LogEntry {
                    level: LogLevel::from_mcp(level),
                    source: LogSource::Server,
                    text,
                }));
            }
            "notifications/progress" => {
                let token = params.get("progressToken").and_then(Value::as_u64);
                let call = token.map(CallId).filter(|call| {
                    self.pending
                        .values()
                        .any(|p| matches!(&p.kind, Pending::CallTool { related, .. } if related.call == *call))
                });
                let progress = params.get("progress").and_then(Value::as_f64);
                match (call, progress) {
                    (Some(call), Some(progress)) => self.events.push_back(Event::Progress {
                        call,
                        progress,
                        total: params.get("total").and_then(Value::as_f64),
                        message: params
                            .get("message")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    }),
                    _ => self.log(
                        LogLevel::Debug,
                        format!("Progress for no running call: {params}"),
                    ),
                }
            }
            "notifications/cancelled" => {
                let request_id = params.get("requestId").cloned().unwrap_or(Value::Null);
                let reason = params
                    .get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given")
                    .to_owned();
                let found = self
                    .inputs
                    .iter()
                    .find(
                        |(_, i)| matches!(i, ServerInput::Request { id, .. } if *id == request_id),
                    )
                    .map(|(k, _)| *k);
                if let Some(input) = found {
                    self.inputs.remove(&input);
                    self.log(
                        LogLevel::Warning,
                        format!("The server cancelled sampling request {request_id}: {reason}"),
                    );
                    self.events.push_back(Event::SamplingCancelled {
                        input,
                        reason: format!("The server cancelled this request: {reason}"),
                    });
                }
            }
            "notifications/tools/list_changed" => self.list_tools(),
            other => self.log(LogLevel::Debug, format!("Notification {other}: {params}")),
        }
    }

    fn complete_rpc(&mut self, id: u64, result: Value) {
        self.resume_points.remove(&id);
        let Some(rpc) = self.pending.remove(&id) else {
            return;
        };
        match rpc.kind {
            Pending::Acknowledged => self.log(
                LogLevel::Debug,
                format!("The server acknowledged {}", rpc.method),
            ),
            Pending::Discover => self.on_discovery(negotiation::judge_discover_result(&result)),
            Pending::Initialize => self.on_initialize_result(result),
            Pending::ListTools { mut tools, pages } => {
                match serde_json::from_value::<ListToolsResult>(result) {
                    Ok(page) => {
                        let page_tools = self.usable_tools(page.tools);
                        tools.extend(page_tools);
                        match page.next_cursor {
                            Some(cursor) if pages + 1 < MAX_TOOL_PAGES => {
                                self.request_tools_page(Some(cursor), tools, pages + 1)
                            }
                            Some(_) => {
                                self.log(
                                    LogLevel::Warning,
                                    format!("Stopped listing tools after {MAX_TOOL_PAGES} pages."),
                                );
                                self.events.push_back(Event::ToolsListed(tools));
                            }
                            None => self.events.push_back(Event::ToolsListed(tools)),
                        }
                    }
                    Err(e) => self.log(
                        LogLevel::Error,
                        format!("The server's tool list is malformed: {e}"),
                    ),
                }
            }
            Pending::CallTool {
                related,
                arguments,
                round,
            } => {
                if mrtr::is_input_required(&result) {
                    return self.on_input_required(related, arguments, round + 1, &result);
                }
                match serde_json::from_value::<CallToolResult>(result) {
                    Ok(result) => {
                        self.log(LogLevel::Info, format!("Tool {} finished", related.tool));
                        self.drop_requests_of_ended_call(&related);
                        self.events.push_back(Event::ToolCallFinished {
                            call: related.call,
                            result,
                        });
                    }
                    Err(e) => {
                        self.drop_requests_of_ended_call(&related);
                        self.events.push_back(Event::ToolCallFailed {
                            call: related.call,
                            error: format!(
                                "The server's result for {} is malformed: {e}",
                                related.tool
                            ),
                        })
                    }
                }
            }
        }
    }

    /// 2026-07-28: tools whose `x-mcp-header` marks are invalid must not be offered.
    fn usable_tools(&mut self, tools: Vec<Tool>) -> Vec<Tool> {
        if self.transport != Transport::Stateless {
            return tools;
        }
        let mut usable = Vec::with_capacity(tools.len());
        for tool in tools {
            let schema = Value::Object((*tool.input_schema).clone());
            match stateless::param_headers(&schema) {
                Ok(marks) => {
                    if !marks.is_empty() {
                        self.param_marks.insert(tool.name.to_string(), marks);
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
        if round > mrtr::MAX_ROUNDS {
            let error = format!(
                "The server asked for more input {} rounds in a row; MCP Desk stopped the call of {}.",
                mrtr::MAX_ROUNDS,
                related.tool
            );
            self.log(LogLevel::Error, error.clone());
            self.drop_requests_of_ended_call(&related);
            return self.events.push_back(Event::ToolCallFailed { call, error });
        }
        let asked = match mrtr::decode_input_required(result) {
            Ok(asked) => asked,
            Err(e) => {
                let error = format!(
                    "The server's input_required result for {} is unusable: {e}.",
                    related.tool
                );
                self.log(LogLevel::Error, error.clone());
                self.drop_requests_of_ended_call(&related);
                return self.events.push_back(Event::ToolCallFailed { call, error });
            }
        };
        let keys = asked.requests.iter().map(|(k, _)| k.clone());
        let mut state = Round::new(
            related.tool.clone(),
            arguments,
            round,
            asked.request_state,
            keys,
        );
        let mut sampling = Vec::new();
        for (key, request) in asked.requests {
            match request {
                InputRequest::Sampling(params) => sampling.push((key, params)),
                InputRequest::Elicitation(_) => {
                    self.log(
                        LogLevel::Warning,
                        format!("The server asked for elicitation (input {key:?}), which MCP Desk does not offer yet; declined."),
                    );
                    state.answer(&key, json!({"action": "decline"}));
                }
                InputRequest::Roots => {
                    self.log(
                        LogLevel::Warning,
                        format!(
                            "The server asked for roots (input {key:?}); MCP Desk shares none."
                        ),
                    );
                    state.answer(&key, json!({"roots": []}));
                }
            }
        }
        self.rounds.insert(call, state);
        self.log(
            LogLevel::Info,
            format!(
                "The call of {} needs input (round {round}): {} sampling request(s)",
                related.tool,
                sampling.len()
            ),
        );
        for (key, params) in sampling {
            let input = InputId(self.next_input);
            self.next_input += 1;
            self.inputs.insert(input, ServerInput::Round { call, key });
            self.events
                .push_back(Event::SamplingRequested(PendingSampling {
                    input,
                    params,
                    related_call: Some(related.clone()),
                }));
        }
        if self.rounds.get(&call).is_some_and(Round::is_complete) {
            self.send_round(call);
        }
    }

    /// Sends a call again with its round's answers and the `requestState` as received.
    fn send_round(&mut self, call: CallId) {
        let Some(round) = self.rounds.remove(&call) else {
            return;
        };
        let mut params = round.retry_params();
        params["_meta"] = json!({"progressToken": call.0});
        self.log(
            LogLevel::Info,
            format!(
                "Sending the call of {} again with the answers of round {}",
                round.tool, round.number
            ),
        );
        self.send_rpc(
            "tools/call",
            params,
            Pending::CallTool {
                related: RelatedCall {
                    call,
                    tool: round.tool,
                },
                arguments: round.arguments,
                round: round.number,
            },
        );
    }

    fn on_initialize_result(&mut self, result: Value) {
        let init = match serde_json::from_value::<InitializeResult>(result) {
            Ok(init) => init,
            Err(e) => {
                return self.connect_failed(format!(
                    "The server's answer to initialize is malformed: {e}"
                ));
            }
        };
        let version = init.protocol_version.to_string();
        if revision::Revision::parse(&version).is_none_or(|r| !r.has_initialize()) {
            return self.connect_failed(format!(
                "The server chose protocol revision {version}, which MCP Desk does not speak (it speaks {}).",
                revision::INITIALIZE_ERA.join(", ")
            ));
        }
        self.has_tools = init.capabilities.tools.is_some();
        self.server_has_logging = init.capabilities.logging.is_some();
        self.protocol_version = Some(version.clone());
        self.log(
            LogLevel::Info,
            format!(
                "Connected to {} {} with protocol revision {version}",
                init.server_info.name, init.server_info.version
            ),
        );
        self.following_hint = false;
        self.events.push_back(Event::Connected {
            protocol_version: version,
            transport: self.transport,
            server: init.server_info,
            instructions: init.instructions,
        });
        self.phase = Phase::Confirming;
        let body = jsonrpc::notification("notifications/initialized", Value::Null);
        let headers = self.headers(Some("application/json"));
        self.start(HttpMethod::Post, headers, Some(body), Purpose::Initialized);
    }

    /// A stream ended or broke: resume it (GET with `Last-Event-ID`, after the server's
    /// `retry`) if the server gave it event ids and it still owes something; true if resumed.
    fn stream_broke(&mut self, purpose: &Purpose, decoder: &SseDecoder, what: &str) -> bool {
        if self.transport != Transport::Stateful || self.phase != Phase::Ready {
            return false;
        }
        let delay = Some(decoder.retry_ms().unwrap_or(DEFAULT_RETRY_MS));
        match *purpose {
            Purpose::Rpc(id) | Purpose::Resume { rpc: id } if self.pending.contains_key(&id) => {
                let point = self.resume_points.entry(id).or_insert((None, 0));
                if let Some(last) = decoder.last_event_id().filter(|l| !l.is_empty()) {
                    point.0 = Some(last.to_owned());
                }
                let (Some(last), attempts) = (point.0.clone(), point.1) else {
                    return false;
                };
                if attempts >= MAX_RESUMES {
                    return false;
                }
                point.1 += 1;
                self.log(
                    LogLevel::Info,
                    format!("{what} before answering request {id}; resuming after event {last}."),
                );
                let mut headers = self.headers(None);
                headers[0].1 = "text/event-stream".to_owned();
                headers.push(("Last-Event-ID".to_owned(), last));
                self.start_after(
                    HttpMethod::Get,
                    headers,
                    None,
                    Purpose::Resume { rpc: id },
                    delay,
                );
                true
            }
            Purpose::Standalone => {
                if let Some(last) = decoder.last_event_id().filter(|l| !l.is_empty()) {
                    self.standalone_resume.0 = Some(last.to_owned());
                }
                if self.standalone_resume.1 >= MAX_STANDALONE_REOPENS {
                    self.log(
                        LogLevel::Info,
                        "The server keeps closing its standalone stream; not reopening it.".into(),
                    );
                    return true;
                }
                self.standalone_resume.1 += 1;
                self.log(
                    LogLevel::Info,
                    format!("{what} (standalone); reopening it."),
                );
                let mut headers = self.headers(None);
                headers[0].1 = "text/event-stream".to_owned();
                if let Some(last) = self.standalone_resume.0.clone() {
                    headers.push(("Last-Event-ID".to_owned(), last));
                }
                self.start_after(HttpMethod::Get, headers, None, Purpose::Standalone, delay);
                true
            }
            _ => false,
        }
    }

    /// The server forgot the session (404 with its id): start a new one; what was pending on
    /// the old one is reported, not silently dropped.
    fn session_expired(&mut self) {
        let reason = "The server no longer knows this session (HTTP 404; it expired or the server restarted). MCP Desk started a new session; call the tool again.".to_owned();
        self.log(LogLevel::Warning, reason.clone());
        self.abort_all();
        self.fail_all_pending(&reason);
        for (call, _) in std::mem::take(&mut self.rounds) {
            self.events.push_back(Event::ToolCallFailed {
                call,
                error: reason.clone(),
            });
        }
        for (input, _) in std::mem::take(&mut self.inputs) {
            self.events.push_back(Event::SamplingCancelled {
                input,
                reason: reason.clone(),
            });
        }
        self.session_id = None;
        self.seen_requests.clear();
        self.resume_points.clear();
        self.standalone_resume = (None, 0);
        let revision = self
            .protocol_version
            .take()
            .and_then(|v| Revision::parse(&v))
            .unwrap_or(Revision::LATEST_WITH_INITIALIZE);
        self.initialize(revision);
    }

    /// Acts on what `server/discover` revealed.
    fn on_discovery(&mut self, discovery: Discovery) {
        if self.phase != Phase::Discovering {
            return;
        }
        let (server_info, instructions) = match discovery {
            Discovery::Modern(info) => {
                self.has_tools = info.has_tools();
                (info.server_info, info.instructions)
            }
            Discovery::ModernWithoutDiscovery => {
                self.log(
                    LogLevel::Warning,
                    "The server speaks 2026-07-28 but does not implement server/discover; assuming it has tools.".into(),
                );
                self.has_tools = true;
                (None, None)
            }
            Discovery::Legacy { reason } => {
                self.attempts.push(format!("server/discover: {reason}"));
                if self.config.revision == Some(Revision::V2026_07_28) {
                    return self.connect_failed(format!(
                        "The server does not speak revision 2026-07-28, which was forced: {reason}."
                    ));
                }
                self.log(
                    LogLevel::Info,
                    format!("Not a 2026-07-28 server ({reason}); trying initialize."),
                );
                return self.initialize(Revision::LATEST_WITH_INITIALIZE);
            }
            Discovery::Refused(error) => return self.connect_failed(error),
        };
        let server: Implementation = server_info
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_else(|| {
                serde_json::from_value(json!({"name": "(unnamed server)", "version": ""}))
                    .expect("a minimal Implementation")
            });
        let version = Revision::V2026_07_28.as_str().to_owned();
        self.protocol_version = Some(version.clone());
        self.transport = Transport::Stateless;
        self.log(
            LogLevel::Info,
            format!(
                "Connected to {} {} with protocol revision {version} (stateless)",
                server.name, server.version
            ),
        );
        self.following_hint = false;
        self.events.push_back(Event::Connected {
            protocol_version: version,
            transport: Transport::Stateless,
            server,
            instructions,
        });
        self.phase = Phase::Confirming;
        self.become_ready();
    }

    /// A non-2xx answer during negotiation that means "try the next way"; true if handled.
    fn on_negotiation_failure(&mut self, purpose: &Purpose, status: u16, body: &str) -> bool {
        let Purpose::Rpc(id) = purpose else {
            return false;
        };
        match self.pending.get(id).map(|p| &p.kind) {
            Some(Pending::Discover) => {
                self.pending.remove(id);
                self.on_discovery(negotiation::judge_discover_http_failure(status, body));
                true
            }
            Some(Pending::Initialize)
                if self.transport == Transport::Stateful
                    && negotiation::initialize_failure_means_legacy_sse(status)
                    && matches!(self.config.revision, None | Some(Revision::V2024_11_05)) =>
            {
                self.pending.remove(id);
                self.attempts.push(format!(
                    "initialize: HTTP {status} {}",
                    jsonrpc::excerpt(body, 80)
                ));
                self.log(
                    LogLevel::Info,
                    format!("initialize answered HTTP {status}; trying the 2024-11-05 HTTP+SSE transport (GET, waiting for its endpoint event)."),
                );
                self.open_legacy_stream();
                true
            }
            _ => false,
        }
    }

    /// The 2024-11-05 HTTP+SSE transport: a GET whose stream names the POST endpoint.
    fn open_legacy_stream(&mut self) {
        self.phase = Phase::OpeningLegacyStream;
        self.transport = Transport::LegacySse;
        self.start(
            HttpMethod::Get,
            vec![("Accept".to_owned(), "text/event-stream".to_owned())],
            None,
            Purpose::LegacyStream,
        );
    }

    fn on_legacy_endpoint(&mut self, data: &str) {
        if self.phase != Phase::OpeningLegacyStream {
            return self.log(
                LogLevel::Warning,
                "The server sent a second endpoint event; keeping the first.".into(),
            );
        }
        match legacy_sse::resolve_endpoint(&self.config.url, data) {
            Ok(endpoint) => {
                self.log(
                    LogLevel::Info,
                    format!("HTTP+SSE endpoint: {}", redact::url(&endpoint)),
                );
                self.legacy_endpoint = Some(endpoint);
                self.initialize(Revision::V2024_11_05);
            }
            Err(e) => self.connect_failed(format!("The HTTP+SSE server is unusable: {e}.")),
        }
    }

    fn legacy_stream_ended(&mut self, reason: String) {
        match self.phase {
            Phase::Ready => self.close(format!(
                "{reason} The session is over; reconnect to start again."
            )),
            Phase::Closed => {}
            _ => self.connect_failed(format!(
                "{reason} No MCP session could be opened at {}.",
                redact::url(&self.config.url)
            )),
        }
    }

    fn connect_failed(&mut self, error: String) {
        if std::mem::take(&mut self.following_hint) {
            return self.renegotiate(error);
        }
        let error = if self.attempts.is_empty() {
            error
        } else {
            format!("{error} (Tried before: {}.)", self.attempts.join("; "))
        };
        self.log(LogLevel::Error, error.clone());
        self.abort_all();
        self.fail_all_pending(&error);
        self.phase = Phase::Closed;
        self.events.push_back(Event::ConnectFailed { error });
    }

    /// The way that worked last time did not: forget it and negotiate newest first.
    fn renegotiate(&mut self, error: String) {
        self.log(
            LogLevel::Info,
            format!(
                "The way that worked last time did not ({error}); negotiating again, newest first."
            ),
        );
        self.attempts.push(format!("as last time: {error}"));
        self.abort_all();
        self.pending
            .retain(|_, p| !matches!(p.kind, Pending::Initialize | Pending::Discover));
        self.session_id = None;
        self.legacy_endpoint = None;
        self.protocol_version = None;
        self.transport = Transport::Stateful;
        self.phase = Phase::Idle;
        self.config.known_transport = None;
        self.connect();
    }

    fn close(&mut self, reason: String) {
        self.abort_all();
        self.fail_all_pending(&reason);
        for (call, _) in std::mem::take(&mut self.rounds) {
            self.events.push_back(Event::ToolCallFailed {
                call,
                error: format!("The session ended while the call waited for input: {reason}"),
            });
        }
        for (input, _) in std::mem::take(&mut self.inputs) {
            self.events.push_back(Event::SamplingCancelled {
                input,
                reason: format!("The session ended: {reason}"),
            });
        }
        self.phase = Phase::Closed;
        self.log(LogLevel::Info, reason.clone());
        self.events.push_back(Event::Disconnected { reason });
    }

    fn abort_all(&mut self) {
        for (transfer, _) in std::mem::take(&mut self.transfers) {
            self.transmits.push_back(Transmit::Abort(transfer));
        }
    }

    fn fail_all_pending(&mut self, reason: &str) {
        let ids: Vec<u64> = self.pending.keys().copied().collect();
        for id in ids {
            if matches!(
                self.pending[&id].kind,
                Pending::Initialize | Pending::Discover
            ) {
                self.pending.remove(&id);
            } else {
                self.fail_rpc(id, reason.to_owned());
            }
        }
    }

    /// The server ended a tool call (its result or a JSON-RPC error) while its requests sent
    /// on the call's stream were still unanswered: the server has stopped waiting for them, so they leave the
    /// queue with a notice instead of lingering until an answer nobody reads.
    fn drop_requests_of_ended_call(&mut self, related: &RelatedCall) {
        let orphans: Vec<InputId> = self
            .inputs
            .iter()
            .filter(|(_, i)| {
                matches!(i, ServerInput::Request { call: Some(c), .. } if *c == related.call)
            })
            .map(|(k, _)| *k)
            .collect();
        for input in orphans {
            self.inputs.remove(&input);
            let reason = format!(
                "The call of {} ended before this request was answered; the server no longer waits for it.",
                related.tool
            );
            self.log(LogLevel::Warning, reason.clone());
            self.events
                .push_back(Event::SamplingCancelled { input, reason });
        }
    }

    fn fail_rpc(&mut self, id: u64, error: String) {
        self.resume_points.remove(&id);
        let Some(rpc) = self.pending.remove(&id) else {
            return;
        };
        match rpc.kind {
            Pending::Acknowledged => self.log(
                LogLevel::Warning,
                format!("The server did not answer {}: {error}", rpc.method),
            ),
            Pending::Initialize | Pending::Discover => self.connect_failed(error),
            Pending::ListTools { .. } => {
                self.log(LogLevel::Error, format!("Listing tools failed: {error}"))
            }
            Pending::CallTool { related, round, .. } => {
                let error = if round > 0 {
                    format!(
                        "{error} — the server did not accept the call sent again with your answers (round {round}); its requestState may have expired or been refused. Call the tool again to start over."
                    )
                } else {
                    error
                };
                self.log(
                    LogLevel::Error,
                    format!("The call of {} failed: {error}", related.tool),
                );
                // A transport failure is not a cancellation: the server may still wait for
                // the answers to this call's requests, so they stay answerable.
                self.events.push_back(Event::ToolCallFailed {
                    call: related.call,
                    error,
                });
            }
        }
    }

    fn fail_purpose(&mut self, purpose: &Purpose, error: String) {
        match purpose {
            Purpose::Rpc(id) => self.fail_rpc(*id, error),
            Purpose::Initialized => self.connect_failed(format!(
                "The server did not accept notifications/initialized: {error}"
            )),
            Purpose::Reply(what) => self.log(
                LogLevel::Error,
                format!("The server did not accept the {what}: {error}"),
            ),
            Purpose::Standalone => self.log(
                LogLevel::Warning,
                format!("The standalone stream failed: {error}"),
            ),
            Purpose::LegacyStream => self.legacy_stream_ended(error),
            Purpose::Resume { rpc } => self.fail_rpc(*rpc, error),
            Purpose::Delete => self.log(
                LogLevel::Debug,
                format!("Ending the session on the server failed: {error}"),
            ),
        }
    }

    fn describe_http_failure(&self, purpose: &Purpose, status: u16, body: &str) -> String {
        let what = match purpose {
            Purpose::Rpc(id) => self.pending.get(id).map_or("a request", |p| p.method),
            Purpose::Initialized => "notifications/initialized",
            Purpose::Reply(_) => "an answer",
            Purpose::Standalone => "the standalone stream",
            Purpose::LegacyStream => "the HTTP+SSE stream (GET)",
            Purpose::Resume { rpc } => self
                .pending
                .get(rpc)
                .map_or("a resumed stream", |p| p.method),
            Purpose::Delete => "DELETE",
        };
        if (200..300).contains(&status) {
            // A 2xx whose body could not be taken (wrong content type, too large).
            return format!("The server's answer to {what} is unusable: {body}.");
        }
        let detail = match jsonrpc::decode(body) {
            Ok(messages) => match messages.into_iter().next() {
                Some(Incoming::Error { error, .. }) => error.to_string(),
                _ => jsonrpc::excerpt(body, 300),
            },
            Err(_) => jsonrpc::excerpt(body, 300),
        };
        let mut text = format!("HTTP {status} {} for {what}: {detail}", status_text(status));
        if status == 404 && self.session_id.is_some() {
            text.push_str(
                " — the session has probably expired or the server restarted; reconnect to start a new one.",
            );
        } else if status == 404 {
            text.push_str(" — check the server URL (it often ends in /mcp).");
        } else if status == 400
            && self.session_id.is_none()
            && self.phase == Phase::Ready
            && self.transport == Transport::Stateful
        {
            text.push_str(
                " — if this server uses sessions, it must expose the Mcp-Session-Id header to browsers (Access-Control-Expose-Headers), or the page cannot send it back.",
            );
        } else if status == 403 {
            text.push_str(
                " — the server may refuse this page's origin (MCP servers must check Origin); allow it in the server's configuration.",
            );
        }
        text
    }
}
