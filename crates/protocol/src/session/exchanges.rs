//! The session's HTTP exchanges: which exist and why, the headers they carry, and their
//! bodies as they arrive — a JSON answer gathered whole, an SSE stream decoded event by event,
//! a failure's body kept for its message — until the body ends or the network fails.

use std::collections::{BTreeMap, VecDeque};

use super::ClientSession;
use super::link::Phase;
use super::requests::Pending;
use crate::error::Failure;
use crate::event::{CallId, Event, LogLevel};
use crate::http::{HttpMethod, HttpRequest, ResponseHead, TransferId, Transmit};
use crate::jsonrpc;
use crate::negotiation::{Discovery, Transport};
use crate::sse::SseDecoder;

/// A JSON body larger than this is refused rather than buffered without end.
const MAX_JSON_BODY: usize = 32 * 1024 * 1024;
/// How much of a failure's body is kept for its message.
const MAX_FAILURE_BODY: usize = 4096;
pub(super) const ACCEPT_BOTH: &str = "application/json, text/event-stream";

/// Why an HTTP exchange was started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Purpose {
    /// A request of the client's, by JSON-RPC id.
    Rpc(u64),
    /// The `notifications/initialized` POST.
    Initialized,
    /// The client's answer to a server request (or a notification), described for the log,
    /// and the tool call it belongs to.
    Reply(String, Option<CallId>),
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
        /// Its `WWW-Authenticate`, when the page can read it.
        challenge: Option<String>,
    },
    /// A 2xx answer that cannot be used, and why.
    Unusable(String),
    Ignore,
}

#[derive(Debug)]
struct Transfer {
    purpose: Purpose,
    body: Option<Body>,
    /// How the response began (`HTTP 200 text/event-stream`), for the timeline.
    heard: String,
}

/// The request headers the timeline shows: those MCP gives meaning to.
const SHOWN_HEADERS: [&str; 7] = [
    "accept",
    "content-type",
    "mcp-session-id",
    "mcp-protocol-version",
    "mcp-method",
    "mcp-name",
    "last-event-id",
];

/// Every exchange in flight, and what the I/O layer is to do next.
#[derive(Debug, Default)]
pub(super) struct Exchanges {
    map: BTreeMap<TransferId, Transfer>,
    next: u64,
    pub transmits: VecDeque<Transmit>,
    /// How many messages were told to the timeline ([`Event::Wire`]'s `n`).
    told: u64,
    /// The message heard that is being handled now: log lines are about it.
    pub handling: Option<u64>,
}

impl Exchanges {
    /// The exchanges carrying (or resuming) request `rpc`.
    pub fn of_rpc(&self, rpc: u64) -> Vec<TransferId> {
        self.map
            .iter()
            .filter(|(_, t)| matches!(t.purpose, Purpose::Rpc(r) | Purpose::Resume { rpc: r } if r == rpc))
            .map(|(k, _)| *k)
            .collect()
    }

    pub fn purpose(&self, transfer: TransferId) -> Option<&Purpose> {
        self.map.get(&transfer).map(|t| &t.purpose)
    }

    /// Stops reading an exchange and asks the I/O layer to abort it.
    pub fn abort(&mut self, transfer: TransferId) {
        self.map.remove(&transfer);
        self.transmits.push_back(Transmit::Abort(transfer));
    }
}

impl ClientSession {
    /// Headers of the `initialize` era (and the bare ones of the HTTP+SSE transport).
    pub(super) fn headers(&self, content_type: Option<&str>) -> Vec<(String, String)> {
        let mut headers = vec![("Accept".to_owned(), ACCEPT_BOTH.to_owned())];
        if let Some(ct) = content_type {
            headers.push(("Content-Type".to_owned(), ct.to_owned()));
        }
        if self.link.transport == Transport::LegacySse {
            return headers;
        }
        if let Some(id) = &self.link.session_id {
            headers.push(("Mcp-Session-Id".to_owned(), id.clone()));
        }
        if let Some(version) = &self.link.protocol_version {
            headers.push(("MCP-Protocol-Version".to_owned(), version.clone()));
        }
        headers
    }

    /// The headers of a GET that opens an event stream.
    pub(super) fn stream_headers(&self) -> Vec<(String, String)> {
        let mut headers = self.headers(None);
        headers[0].1 = "text/event-stream".to_owned();
        headers
    }

    /// Where POSTs go: the MCP endpoint, or the HTTP+SSE transport's `endpoint`.
    fn post_url(&self) -> String {
        match (&self.link.legacy_endpoint, self.link.transport) {
            (Some(endpoint), Transport::LegacySse) => endpoint.clone(),
            _ => self.config.url.clone(),
        }
    }

    /// Starts an exchange now.
    pub(super) fn start(
        &mut self,
        method: HttpMethod,
        headers: Vec<(String, String)>,
        body: Option<String>,
        purpose: Purpose,
    ) -> TransferId {
        let url = match method {
            HttpMethod::Post => self.post_url(),
            _ => self.config.url.clone(),
        };
        // The token goes with every request to the server it was issued for, and nowhere
        // else (S25 basic/authorization.mdx "Access Token Usage"; "Token Handling": never to
        // another server — an HTTP+SSE `endpoint` on another origin gets none).
        let mut headers = headers;
        if let Some(bearer) = &self.authorization
            && crate::auth::metadata::split(&url).map(|(origin, _)| origin)
                == crate::auth::metadata::split(&self.config.url).map(|(origin, _)| origin)
        {
            headers.push(("Authorization".to_owned(), bearer.0.clone()));
        }
        if let Some(text) = &body {
            // The HTTP side as the timeline shows it: the URL without credentials, and only the
            // headers MCP gives meaning (never one that could carry a credential).
            let mut http = format!("{} {}", method.as_str(), crate::redact::url(&url));
            for (name, value) in &headers {
                if SHOWN_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
                    http += &format!("\n{name}: {value}");
                }
            }
            let call = match &purpose {
                Purpose::Rpc(id) => self.belongs_to(*id),
                Purpose::Reply(_, call) => *call,
                _ => None,
            };
            self.exchanges.told += 1;
            self.events.push_back(Event::Wire {
                n: self.exchanges.told,
                sent: true,
                text: text.clone(),
                http,
                call,
            });
        }
        let transfer = TransferId(self.exchanges.next);
        self.exchanges.next += 1;
        self.exchanges.map.insert(
            transfer,
            Transfer {
                purpose,
                body: None,
                heard: String::new(),
            },
        );
        self.exchanges
            .transmits
            .push_back(Transmit::Send(HttpRequest {
                transfer,
                method,
                url,
                headers,
                body,
            }));
        transfer
    }

    /// Aborts every exchange, and forgets what was waiting to start.
    pub(super) fn abort_all(&mut self) {
        let all: Vec<TransferId> = self.exchanges.map.keys().copied().collect();
        for transfer in all {
            self.exchanges.abort(transfer);
        }
        self.timers.delayed.clear();
    }

    pub(super) fn response_head(&mut self, transfer: TransferId, head: ResponseHead) {
        let Some(purpose) = self.exchanges.purpose(transfer).cloned() else {
            return;
        };
        let is_initialize = matches!(purpose, Purpose::Rpc(id) if matches!(self.requests.pending.get(&id).map(|p| &p.kind), Some(Pending::Initialize(_))));
        let body = match purpose {
            Purpose::Delete => Body::Ignore,
            Purpose::Standalone if head.status == 405 => {
                self.log(
                    LogLevel::Info,
                    "The server offers no standalone stream (GET answered 405); that is allowed."
                        .into(),
                );
                Body::Ignore
            }
            _ if !head.is_success() => Body::Failure {
                status: head.status,
                bytes: Vec::new(),
                challenge: head.header("www-authenticate").map(str::to_owned),
            },
            Purpose::Initialized => {
                self.become_ready();
                Body::Ignore
            }
            _ if head.status == 202 || head.status == 204 => Body::Ignore,
            _ => match head.media_type().as_deref() {
                Some("text/event-stream") => Body::Sse(SseDecoder::new()),
                Some("application/json") => Body::Json(Vec::new()),
                other => Body::Unusable(format!(
                    "the server answered with content type {}, expected application/json or text/event-stream",
                    other.unwrap_or("(none)")
                )),
            },
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
                self.link.session_id = Some(id.to_owned());
            }
        }
        if let Some(t) = self.exchanges.map.get_mut(&transfer) {
            t.body = Some(body);
            t.heard = format!(
                "HTTP {} {}",
                head.status,
                head.media_type().unwrap_or_default()
            );
        }
    }

    pub(super) fn body_chunk(&mut self, transfer: TransferId, chunk: &[u8]) {
        let Some(t) = self.exchanges.map.get_mut(&transfer) else {
            return;
        };
        let is_legacy_stream = t.purpose == Purpose::LegacyStream;
        match t.body.as_mut() {
            Some(Body::Json(buf)) => {
                if buf.len() + chunk.len() > MAX_JSON_BODY {
                    t.body = Some(Body::Unusable(format!(
                        "its JSON answer is larger than {} MiB",
                        MAX_JSON_BODY / 1024 / 1024
                    )));
                } else {
                    buf.extend_from_slice(chunk);
                }
            }
            Some(Body::Failure { bytes, .. }) => {
                let room = MAX_FAILURE_BODY.saturating_sub(bytes.len());
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
                    let http = self.heard_on(transfer);
                    let purpose = self.exchanges.purpose(transfer).cloned();
                    match self.heard(event.data, http, purpose.as_ref()) {
                        Ok(messages) => {
                            for message in messages {
                                self.dispatch_on(transfer, message);
                            }
                        }
                        Err(e) => self.log(
                            LogLevel::Error,
                            format!("Ignored an event on the server's stream: {e}"),
                        ),
                    }
                    self.exchanges.handling = None;
                }
            }
            Some(Body::Unusable(_) | Body::Ignore) | None => {}
        }
    }

    /// A message arrived (a whole JSON body, or an event's data) on an exchange for
    /// `purpose`: told to the timeline as it came, with the call it belongs to, and decoded.
    /// Until the caller is done with it ([`Exchanges::handling`] cleared), log lines are
    /// about it.
    fn heard(
        &mut self,
        text: String,
        http: String,
        purpose: Option<&Purpose>,
    ) -> Result<Vec<jsonrpc::Incoming>, jsonrpc::DecodeError> {
        let decoded = jsonrpc::decode(&text);
        let messages = decoded.as_deref().unwrap_or_default();
        let call = self.call_heard(purpose, messages);
        self.exchanges.told += 1;
        self.exchanges.handling = Some(self.exchanges.told);
        self.events.push_back(Event::Wire {
            n: self.exchanges.told,
            sent: false,
            text,
            http,
            call,
        });
        decoded
    }

    /// The tool call a message heard belongs to: the one its exchange's request belongs to;
    /// else, on a stream shared by all, the call whose request it answers or whose task it
    /// names (S25 basic/utilities/tasks.mdx "Associating Task-Related Messages"); else, on the
    /// HTTP+SSE stream, the one call running.
    fn call_heard(
        &self,
        purpose: Option<&Purpose>,
        messages: &[jsonrpc::Incoming],
    ) -> Option<CallId> {
        use jsonrpc::Incoming;
        if let Some(Purpose::Rpc(id) | Purpose::Resume { rpc: id }) = purpose
            && let Some(call) = self.belongs_to(*id)
        {
            return Some(call);
        }
        let named = messages.iter().find_map(|m| match m {
            Incoming::Response { id, .. } | Incoming::Error { id: Some(id), .. } => {
                super::incoming::our_id(id).and_then(|id| self.belongs_to(id))
            }
            Incoming::Request { params, .. } | Incoming::Notification { params, .. } => {
                crate::task::related(params)
                    .and_then(|t| self.call_of_task(t))
                    .map(|c| c.call)
            }
            Incoming::Error { id: None, .. } => None,
        });
        match purpose {
            Some(Purpose::LegacyStream) => named.or_else(|| self.only_call().map(|(_, c)| c.call)),
            _ => named,
        }
    }

    /// The tool call request `rpc` belongs to: a `tools/call`, or its task's `tasks/get` and
    /// `tasks/result`.
    fn belongs_to(&self, rpc: u64) -> Option<CallId> {
        self.requests
            .pending
            .get(&rpc)
            .and_then(|p| p.kind.belongs_to())
            .map(|related| related.call)
    }

    /// How exchange `transfer`'s response began.
    fn heard_on(&self, transfer: TransferId) -> String {
        self.exchanges
            .map
            .get(&transfer)
            .map(|t| t.heard.clone())
            .unwrap_or_default()
    }

    pub(super) fn body_end(&mut self, transfer: TransferId) {
        let Some(mut t) = self.exchanges.map.remove(&transfer) else {
            return;
        };
        match t.body.take() {
            Some(Body::Json(bytes)) => {
                match self.heard(
                    String::from_utf8_lossy(&bytes).into_owned(),
                    t.heard.clone(),
                    Some(&t.purpose),
                ) {
                    Ok(messages) => {
                        for message in messages {
                            self.dispatch_from(&t.purpose, message);
                        }
                    }
                    Err(e) => self.fail_purpose(&t.purpose, Failure::Unusable(e.0)),
                }
                self.exchanges.handling = None;
            }
            Some(Body::Unusable(why)) => {
                // A 2xx `server/discover` answer that is not MCP at all (a catch-all page):
                // not a 2026-07-28 server, so the older ways are tried.
                if let Purpose::Rpc(id) = t.purpose
                    && matches!(
                        self.requests.pending.get(&id).map(|p| &p.kind),
                        Some(Pending::Discover)
                    )
                {
                    self.requests.pending.remove(&id);
                    return self.on_discovery(Discovery::Legacy(Failure::Unusable(why)));
                }
                self.fail_purpose(&t.purpose, Failure::Unusable(why))
            }
            Some(Body::Failure {
                status,
                bytes,
                challenge,
            }) => {
                if let Some(failure) = unauthorized(status, challenge) {
                    return self.fail_purpose(&t.purpose, failure);
                }
                let text = String::from_utf8_lossy(&bytes).into_owned();
                if self.on_negotiation_failure(&t.purpose, status, &text) {
                    return;
                }
                if status == 404
                    && self.link.session_id.is_some()
                    && self.link.phase == Phase::Ready
                    && self.link.transport == Transport::Stateful
                    && t.purpose != Purpose::Delete
                {
                    return self.session_expired();
                }
                let failure = http_failure(status, &text);
                self.fail_purpose(&t.purpose, failure);
            }
            Some(Body::Sse(mut decoder)) => {
                decoder.finish();
                if self.stream_broke(&t.purpose, &decoder) {
                    return;
                }
                if t.purpose == Purpose::LegacyStream {
                    self.legacy_stream_ended(Failure::EndedEarly);
                }
            }
            Some(Body::Ignore) | None => {}
        }
        // A request whose stream ended without its answer will never get one (except on the
        // HTTP+SSE transport, where every answer comes on the one GET stream).
        if let Purpose::Rpc(id) | Purpose::Resume { rpc: id } = t.purpose
            && self.link.transport != Transport::LegacySse
            && self.requests.pending.contains_key(&id)
        {
            self.fail_rpc(id, Failure::EndedEarly);
        }
    }

    pub(super) fn exchange_failed(&mut self, transfer: TransferId, error: &str) {
        let Some(t) = self.exchanges.map.remove(&transfer) else {
            return;
        };
        if let Purpose::Rpc(id) = t.purpose
            && matches!(
                self.requests.pending.get(&id).map(|p| &p.kind),
                Some(Pending::Discover)
            )
        {
            // A 2025 server whose CORS rules do not know the 2026 headers fails the preflight.
            self.requests.pending.remove(&id);
            return self.on_discovery(Discovery::Legacy(Failure::Network(error.to_owned())));
        }
        if t.purpose == Purpose::LegacyStream {
            return self.legacy_stream_ended(Failure::Network(error.to_owned()));
        }
        if let Some(Body::Sse(decoder)) = &t.body
            && self.stream_broke(&t.purpose, decoder)
        {
            return;
        }
        self.fail_purpose(&t.purpose, Failure::Network(error.to_owned()));
    }
}

/// A non-2xx answer: its status, the start of its body, and the JSON-RPC error in it.
pub(super) fn http_failure(status: u16, body: &str) -> Failure {
    let rpc = jsonrpc::decode(body).ok().and_then(|messages| {
        messages.into_iter().find_map(|m| match m {
            jsonrpc::Incoming::Error { error, .. } => Some(error),
            _ => None,
        })
    });
    Failure::Status {
        status,
        excerpt: jsonrpc::excerpt(body, 300),
        rpc,
    }
}

/// A `401`, or a `403` whose Bearer challenge asks for more scope, as the failure that asks the
/// page to sign in; other failures are read as such.
fn unauthorized(status: u16, challenge: Option<String>) -> Option<Failure> {
    let step_up = || {
        challenge
            .as_deref()
            .and_then(crate::auth::Challenge::parse)
            .is_some_and(|c| c.wants_more_scope())
    };
    (status == 401 || (status == 403 && step_up())).then(|| Failure::Unauthorized {
        status,
        challenge: challenge.clone(),
    })
}
