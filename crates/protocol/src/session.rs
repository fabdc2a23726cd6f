//! One MCP client session over Streamable HTTP, for the revisions with an `initialize`
//! handshake (2025-11-25 back to 2024-11-05), as a state machine without I/O.
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
use crate::model::{
    CallToolResult, CreateMessageRequestParams, CreateMessageResult, InitializeResult,
    ListToolsResult, Role, Tool,
};
use crate::revision::{self, Revision};
use crate::sse::SseDecoder;

/// A JSON body larger than this is refused rather than buffered without end.
const MAX_JSON_BODY: usize = 32 * 1024 * 1024;
/// A server that keeps handing out `nextCursor` is cut off after this many pages.
const MAX_TOOL_PAGES: u32 = 100;
const ACCEPT_BOTH: &str = "application/json, text/event-stream";

/// Who the client is and where the server lives.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The MCP endpoint, e.g. `http://127.0.0.1:8787/mcp`.
    pub url: String,
    pub client_name: String,
    pub client_version: String,
    /// The revision to offer in `initialize`.
    pub revision: Revision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Initializing,
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
    Initialize,
    ListTools { tools: Vec<Tool>, pages: u32 },
    CallTool(RelatedCall),
}

#[derive(Debug)]
struct PendingRpc {
    method: &'static str,
    kind: Pending,
}

/// A server request waiting for the person's answer.
#[derive(Debug)]
struct ServerInput {
    request_id: Value,
}

/// The state machine; see the module documentation.
#[derive(Debug)]
pub struct ClientSession {
    config: SessionConfig,
    phase: Phase,
    session_id: Option<String>,
    protocol_version: Option<String>,
    has_tools: bool,
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
        Self {
            config,
            phase: Phase::Idle,
            session_id: None,
            protocol_version: None,
            has_tools: false,
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

    /// Starts the `initialize` handshake.
    pub fn connect(&mut self) {
        if self.phase != Phase::Idle {
            return;
        }
        self.phase = Phase::Initializing;
        let params = json!({
            "protocolVersion": self.config.revision.as_str(),
            "capabilities": {"sampling": {}},
            "clientInfo": {
                "name": self.config.client_name,
                "version": self.config.client_version,
                "title": "MCP Desk",
            },
        });
        self.log(
            LogLevel::Info,
            format!(
                "Connecting to {} (offering protocol revision {})",
                self.config.url,
                self.config.revision.as_str()
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
            Pending::CallTool(RelatedCall {
                call,
                tool: tool.to_owned(),
            }),
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
        let Some(pending) = self.take_input(input)? else {
            return Ok(());
        };
        self.log(
            LogLevel::Info,
            format!(
                "Answering sampling request {} (model {})",
                pending.request_id, result.model
            ),
        );
        let body = jsonrpc::result(&pending.request_id, value);
        self.send_reply(body, format!("sampling request {}", pending.request_id));
        Ok(())
    }

    /// Refuses a sampling request with the error code the spec gives for a person's refusal.
    pub fn reject_sampling(&mut self, input: InputId) -> Result<(), String> {
        let Some(pending) = self.take_input(input)? else {
            return Ok(());
        };
        self.log(
            LogLevel::Info,
            format!("Rejecting sampling request {}", pending.request_id),
        );
        let body = jsonrpc::error(
            &pending.request_id,
            codes::USER_REJECTED,
            "User rejected sampling request",
        );
        self.send_reply(
            body,
            format!("rejection of sampling request {}", pending.request_id),
        );
        Ok(())
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
                let message = self.describe_http_failure(&t.purpose, status, &text);
                self.fail_purpose(&t.purpose, message);
            }
            Some(Body::Sse(mut decoder)) => {
                decoder.finish();
                if matches!(t.purpose, Purpose::Standalone) && self.phase == Phase::Ready {
                    self.log(
                        LogLevel::Info,
                        "The server closed its standalone stream.".into(),
                    );
                }
            }
            Some(Body::Ignore) | None => {}
        }
        // A request whose stream ended without its answer will never get one.
        if let Purpose::Rpc(id) = t.purpose
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
        self.fail_purpose(&t.purpose, error.to_owned());
    }

    // ----- internals -----

    fn log(&mut self, level: LogLevel, text: String) {
        self.events.push_back(Event::Log(LogEntry {
            level,
            source: LogSource::Client,
            text,
        }));
    }

    fn headers(&self, content_type: Option<&str>) -> Vec<(String, String)> {
        let mut headers = vec![("Accept".to_owned(), ACCEPT_BOTH.to_owned())];
        if let Some(ct) = content_type {
            headers.push(("Content-Type".to_owned(), ct.to_owned()));
        }
        if let Some(id) = &self.session_id {
            headers.push(("Mcp-Session-Id".to_owned(), id.clone()));
        }
        if let Some(version) = &self.protocol_version {
            headers.push(("MCP-Protocol-Version".to_owned(), version.clone()));
        }
        headers
    }

    fn start(
        &mut self,
        method: HttpMethod,
        headers: Vec<(String, String)>,
        body: Option<String>,
        purpose: Purpose,
    ) -> TransferId {
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
            url: self.config.url.clone(),
            headers,
            body,
        }));
        transfer
    }

    fn send_rpc(&mut self, method: &'static str, params: Value, kind: Pending) -> u64 {
        let id = self.next_rpc;
        self.next_rpc += 1;
        self.pending.insert(id, PendingRpc { method, kind });
        let body = jsonrpc::request(id, method, params);
        let headers = self.headers(Some("application/json"));
        self.start(HttpMethod::Post, headers, Some(body), Purpose::Rpc(id));
        id
    }

    fn send_reply(&mut self, body: String, what: String) {
        let headers = self.headers(Some("application/json"));
        self.start(HttpMethod::Post, headers, Some(body), Purpose::Reply(what));
    }

    fn take_input(&mut self, input: InputId) -> Result<Option<ServerInput>, String> {
        if self.phase != Phase::Ready {
            self.inputs.remove(&input);
            return Err(
                "The session is closed; the server no longer waits for this answer.".into(),
            );
        }
        match self.inputs.remove(&input) {
            Some(pending) => Ok(Some(pending)),
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
        let headers = {
            let mut h = self.headers(None);
            h[0].1 = "text/event-stream".to_owned();
            h
        };
        self.start(HttpMethod::Get, headers, None, Purpose::Standalone);
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
            Some(Purpose::Rpc(id)) => self.related_call(*id),
            _ => None,
        };
        self.dispatch_with(related, message);
    }

    fn related_call(&self, rpc: u64) -> Option<RelatedCall> {
        match self.pending.get(&rpc) {
            Some(PendingRpc {
                kind: Pending::CallTool(related),
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
                Some(id) if self.pending.contains_key(&id) => {
                    let method = self.pending[&id].method;
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
        match method {
            "sampling/createMessage" => {
                match serde_json::from_value::<CreateMessageRequestParams>(params) {
                    Ok(params) => {
                        let input = InputId(self.next_input);
                        self.next_input += 1;
                        self.inputs.insert(input, ServerInput { request_id: id });
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
                        .any(|p| matches!(&p.kind, Pending::CallTool(r) if r.call == *call))
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
                    .find(|(_, i)| i.request_id == request_id)
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
        let Some(rpc) = self.pending.remove(&id) else {
            return;
        };
        match rpc.kind {
            Pending::Initialize => self.on_initialize_result(result),
            Pending::ListTools { mut tools, pages } => {
                match serde_json::from_value::<ListToolsResult>(result) {
                    Ok(page) => {
                        tools.extend(page.tools);
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
            Pending::CallTool(related) => match serde_json::from_value::<CallToolResult>(result) {
                Ok(result) => {
                    self.log(LogLevel::Info, format!("Tool {} finished", related.tool));
                    self.events.push_back(Event::ToolCallFinished {
                        call: related.call,
                        result,
                    });
                }
                Err(e) => self.events.push_back(Event::ToolCallFailed {
                    call: related.call,
                    error: format!("The server's result for {} is malformed: {e}", related.tool),
                }),
            },
        }
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
        self.protocol_version = Some(version.clone());
        self.log(
            LogLevel::Info,
            format!(
                "Connected to {} {} with protocol revision {version}",
                init.server_info.name, init.server_info.version
            ),
        );
        self.events.push_back(Event::Connected {
            protocol_version: version,
            server: init.server_info,
            instructions: init.instructions,
        });
        self.phase = Phase::Confirming;
        let body = jsonrpc::notification("notifications/initialized", Value::Null);
        let headers = self.headers(Some("application/json"));
        self.start(HttpMethod::Post, headers, Some(body), Purpose::Initialized);
    }

    fn connect_failed(&mut self, error: String) {
        self.log(LogLevel::Error, error.clone());
        self.abort_all();
        self.fail_all_pending(&error);
        self.phase = Phase::Closed;
        self.events.push_back(Event::ConnectFailed { error });
    }

    fn close(&mut self, reason: String) {
        self.abort_all();
        self.fail_all_pending(&reason);
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
            if matches!(self.pending[&id].kind, Pending::Initialize) {
                self.pending.remove(&id);
            } else {
                self.fail_rpc(id, reason.to_owned());
            }
        }
    }

    fn fail_rpc(&mut self, id: u64, error: String) {
        let Some(rpc) = self.pending.remove(&id) else {
            return;
        };
        match rpc.kind {
            Pending::Initialize => self.connect_failed(error),
            Pending::ListTools { .. } => {
                self.log(LogLevel::Error, format!("Listing tools failed: {error}"))
            }
            Pending::CallTool(related) => {
                self.log(
                    LogLevel::Error,
                    format!("The call of {} failed: {error}", related.tool),
                );
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
        } else if status == 400 && self.session_id.is_none() && self.phase == Phase::Ready {
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
