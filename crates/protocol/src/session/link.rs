//! The session's link to the server: negotiation newest first (`server/discover`, then
//! `initialize`, then the HTTP+SSE stream's `endpoint` event), the handshake, and how a session
//! ends — disconnected, lost with the HTTP+SSE stream, expired (a new one starts), or failed
//! to connect with every way tried listed.

use serde_json::Value;

use super::ClientSession;
use super::exchanges::Purpose;
use super::requests::Pending;
use crate::error::{Doing, Error, Failure};
use crate::event::{Closed, Event, Gone, LogLevel, RelatedCall};
use crate::http::HttpMethod;
use crate::jsonrpc;
use crate::legacy_sse;
use crate::model::{Implementation, InitializeRequestParams, InitializeResult, ServerCapabilities};
use crate::negotiation::{self, Discovery, Transport};
use crate::redact;
use crate::revision::Revision;
use crate::stateless;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Phase {
    #[default]
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

/// What a server offers, from its capabilities (`initialize`'s, or `server/discover`'s).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Offers {
    pub tools: bool,
    pub logging: bool,
    pub resources: bool,
    /// `resources.subscribe`: updates of a resource can be subscribed to.
    pub subscribe: bool,
    pub prompts: bool,
    pub completions: bool,
    /// 2025-11-25 `tasks.requests.tools.call`: a tool may be called as a task.
    pub task_calls: bool,
    /// 2025-11-25 `tasks.cancel`: a task may be cancelled.
    pub task_cancel: bool,
    /// 2026-07-28: which lists the server says change (`listChanged`): what the listen stream
    /// asks to hear.
    pub changes: ListChanges,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct ListChanges {
    pub tools: bool,
    pub prompts: bool,
    pub resources: bool,
}

impl Offers {
    fn of(capabilities: &ServerCapabilities) -> Self {
        Offers {
            tools: capabilities.tools.is_some(),
            logging: capabilities.logging.is_some(),
            resources: capabilities.resources.is_some(),
            subscribe: capabilities
                .resources
                .as_ref()
                .is_some_and(|r| r.subscribe == Some(true)),
            prompts: capabilities.prompts.is_some(),
            completions: capabilities.completions.is_some(),
            task_calls: false,
            task_cancel: false,
            changes: ListChanges::default(),
        }
    }

    /// The 2025-11-25 `tasks` capability, which rmcp's capabilities do not carry (S25
    /// basic/utilities/tasks.mdx "Server Capabilities"), read from the capabilities as sent.
    fn with_tasks(mut self, capabilities: &Value) -> Self {
        let has = |path: &str| capabilities.pointer(path).is_some_and(|c| !c.is_null());
        self.task_calls = has("/tasks/requests/tools/call");
        self.task_cancel = has("/tasks/cancel");
        self
    }

    /// From `server/discover`'s capabilities, read by hand (2026-07-28 has no logging
    /// capability to honour: the level rides on each request).
    fn discovered(capabilities: &Value) -> Self {
        let has = |name: &str| capabilities.get(name).is_some_and(|c| !c.is_null());
        let changes = |name: &str| {
            capabilities.get(name).and_then(|c| c.get("listChanged")) == Some(&Value::Bool(true))
        };
        Offers {
            tools: has("tools"),
            logging: false,
            resources: has("resources"),
            subscribe: capabilities.pointer("/resources/subscribe") == Some(&Value::Bool(true)),
            prompts: has("prompts"),
            completions: has("completions"),
            // 2026-07-28 has no tasks (S26 has no basic/utilities/tasks.mdx).
            task_calls: false,
            task_cancel: false,
            changes: ListChanges {
                tools: changes("tools"),
                prompts: changes("prompts"),
                resources: changes("resources"),
            },
        }
    }
}

/// What the session knows of its link to the server.
#[derive(Debug, Default)]
pub(super) struct Link {
    pub phase: Phase,
    pub transport: Transport,
    pub protocol_version: Option<String>,
    pub session_id: Option<String>,
    /// Where POSTs go on the HTTP+SSE transport (from its `endpoint` event).
    pub legacy_endpoint: Option<String>,
    /// What the server declared it offers.
    pub offers: Offers,
    /// The ways of connecting that failed, for the error when nothing works.
    pub tried: Vec<Error>,
    /// Connecting the way that worked last time ([`super::SessionConfig::known_transport`]).
    pub following_hint: bool,
}

impl ClientSession {
    pub(super) fn start_connecting(&mut self) {
        if self.link.phase != Phase::Idle {
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
                self.link.following_hint = true;
                self.initialize(Revision::LATEST_WITH_INITIALIZE);
            }
            (None, Some(Transport::LegacySse)) => {
                self.log(
                    LogLevel::Info,
                    format!("Connecting to {url}: it spoke HTTP+SSE last time, so opening its event stream first"),
                );
                self.link.following_hint = true;
                self.open_legacy_stream();
            }
            _ => {
                self.log(
                    LogLevel::Info,
                    format!(
                        "Connecting to {url}: asking server/discover for revision 2026-07-28 first"
                    ),
                );
                self.link.phase = Phase::Discovering;
                self.link.transport = Transport::Stateless;
                self.connect_deadline();
                self.send_rpc::<Value>("server/discover", None, Pending::Discover);
            }
        }
    }

    fn initialize(&mut self, revision: Revision) {
        self.link.phase = Phase::Initializing;
        if self.link.transport != Transport::LegacySse {
            self.link.transport = Transport::Stateful;
        }
        let params = InitializeRequestParams::new(
            stateless::client_capabilities(),
            self.client_info.clone(),
        )
        .with_protocol_version(revision.protocol_version());
        let mut params = serde_json::to_value(params).unwrap_or_default();
        // S25 basic/utilities/tasks.mdx "Client Capabilities": sampling and elicitation may be
        // asked for as tasks (rmcp's capabilities have no `tasks`); only 2025-11-25 has them.
        if revision == Revision::V2025_11_25 {
            params["capabilities"]["tasks"] = serde_json::json!({
                "list": {}, "cancel": {},
                "requests": {"sampling": {"createMessage": {}}, "elicitation": {"create": {}}}
            });
        }
        self.log(
            LogLevel::Info,
            format!(
                "Sending initialize, offering protocol revision {}",
                revision.as_str()
            ),
        );
        self.connect_deadline();
        self.send_rpc("initialize", Some(params), Pending::Initialize(revision));
    }

    /// The handshake is done: open the standalone stream (sessions), ask for the log level and
    /// the tools, start the ping cadence.
    pub(super) fn become_ready(&mut self) {
        if self.link.phase != Phase::Confirming {
            return;
        }
        self.link.phase = Phase::Ready;
        self.timers.connect_by = None;
        if self.link.transport == Transport::Stateful {
            self.open_standalone(None);
        }
        if let Some(level) = self.config.log_level {
            self.change_log_level(level);
        }
        if self.link.offers.tools {
            self.list_tools();
        }
        self.list_offers();
        self.listen();
        self.schedule_ping();
    }

    /// Acts on what `server/discover` revealed.
    pub(super) fn on_discovery(&mut self, discovery: Discovery) {
        if self.link.phase != Phase::Discovering {
            return;
        }
        let (server_info, instructions) = match discovery {
            Discovery::Modern(info) => {
                self.link.offers = Offers::discovered(&info.capabilities);
                (info.server_info, info.instructions)
            }
            Discovery::ModernWithoutDiscovery => {
                self.log(
                    LogLevel::Warning,
                    "The server speaks 2026-07-28 but does not implement server/discover; assuming it has tools.".into(),
                );
                self.link.offers.tools = true;
                (None, None)
            }
            Discovery::Legacy(why) => {
                if self.config.revision == Some(Revision::V2026_07_28) {
                    return self.connect_failed(Error::new(
                        Doing::Discovering,
                        Failure::ForcedRevisionRefused(Box::new(why)),
                    ));
                }
                self.link
                    .tried
                    .push(Error::new(Doing::Discovering, why.clone()));
                self.log(
                    LogLevel::Info,
                    format!(
                        "Not a 2026-07-28 server ({}); trying initialize.",
                        Self::brief(&why)
                    ),
                );
                return self.initialize(Revision::LATEST_WITH_INITIALIZE);
            }
            Discovery::Refused(failure) => {
                return self.connect_failed(Error::new(Doing::Discovering, failure));
            }
        };
        let server = server_info
            .and_then(|v| serde_json::from_value::<Implementation>(v).ok())
            .unwrap_or_else(|| Implementation::new("(unnamed server)", ""));
        let version = Revision::V2026_07_28.as_str().to_owned();
        self.link.protocol_version = Some(version.clone());
        self.link.transport = Transport::Stateless;
        self.log(
            LogLevel::Info,
            format!(
                "Connected to {} with protocol revision {version} (stateless)",
                named(&server)
            ),
        );
        self.link.following_hint = false;
        self.events.push_back(Event::Connected {
            protocol_version: version,
            transport: Transport::Stateless,
            server,
            instructions,
        });
        self.link.phase = Phase::Confirming;
        self.become_ready();
    }

    pub(super) fn on_initialize_result(&mut self, revision: Revision, result: Value) {
        let capabilities = result.get("capabilities").cloned().unwrap_or_default();
        let init = match serde_json::from_value::<InitializeResult>(result) {
            Ok(init) => init,
            Err(e) => {
                return self.connect_failed(Error::new(
                    Doing::Initializing(revision),
                    Failure::Unusable(format!("its answer to initialize is malformed: {e}")),
                ));
            }
        };
        let version = init.protocol_version.to_string();
        if Revision::parse(&version).is_none_or(|r| !r.has_initialize()) {
            return self.connect_failed(Error::new(
                Doing::Initializing(revision),
                Failure::UnknownRevision(version),
            ));
        }
        self.link.offers = Offers::of(&init.capabilities).with_tasks(&capabilities);
        self.link.protocol_version = Some(version.clone());
        self.log(
            LogLevel::Info,
            format!(
                "Connected to {} with protocol revision {version}",
                named(&init.server_info)
            ),
        );
        self.link.following_hint = false;
        self.events.push_back(Event::Connected {
            protocol_version: version,
            transport: self.link.transport,
            server: init.server_info,
            instructions: init.instructions,
        });
        self.link.phase = Phase::Confirming;
        let body = jsonrpc::notification("notifications/initialized", None);
        let headers = self.headers(Some("application/json"));
        self.start(HttpMethod::Post, headers, Some(body), Purpose::Initialized);
    }

    /// A non-2xx answer during negotiation that means "try the next way"; true if handled.
    pub(super) fn on_negotiation_failure(
        &mut self,
        purpose: &Purpose,
        status: u16,
        body: &str,
    ) -> bool {
        let Purpose::Rpc(id) = purpose else {
            return false;
        };
        match self.requests.pending.get(id).map(|p| &p.kind) {
            Some(Pending::Discover) => {
                self.requests.pending.remove(id);
                self.on_discovery(negotiation::judge_discover_http_failure(status, body));
                true
            }
            Some(Pending::Initialize(revision))
                if self.link.transport == Transport::Stateful
                    && negotiation::initialize_failure_means_legacy_sse(status)
                    && matches!(self.config.revision, None | Some(Revision::V2024_11_05)) =>
            {
                let revision = *revision;
                self.requests.pending.remove(id);
                self.link.tried.push(Error::new(
                    Doing::Initializing(revision),
                    Failure::Status {
                        status,
                        excerpt: jsonrpc::excerpt(body, 80),
                        rpc: None,
                    },
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
        self.link.phase = Phase::OpeningLegacyStream;
        self.link.transport = Transport::LegacySse;
        self.connect_deadline();
        self.start(
            HttpMethod::Get,
            vec![("Accept".to_owned(), "text/event-stream".to_owned())],
            None,
            Purpose::LegacyStream,
        );
    }

    pub(super) fn on_legacy_endpoint(&mut self, data: &str) {
        if self.link.phase != Phase::OpeningLegacyStream {
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
                self.link.legacy_endpoint = Some(endpoint);
                self.initialize(Revision::V2024_11_05);
            }
            Err(e) => {
                self.connect_failed(Error::new(Doing::OpeningLegacyStream, Failure::Unusable(e)))
            }
        }
    }

    /// The HTTP+SSE transport's one stream ended or failed.
    pub(super) fn legacy_stream_ended(&mut self, failure: Failure) {
        match self.link.phase {
            Phase::Ready => self.close(Closed::StreamLost(failure)),
            Phase::Closed => {}
            _ => self.connect_failed(Error::new(Doing::OpeningLegacyStream, failure)),
        }
    }

    /// Connecting failed: the way that worked last time is forgotten and negotiation starts
    /// over; otherwise the session closes and says why, with every way tried.
    pub(super) fn connect_failed(&mut self, error: Error) {
        if std::mem::take(&mut self.link.following_hint) {
            return self.renegotiate(error);
        }
        let error = match error.hint {
            Some(_) => error,
            None => self.with_hint(error),
        };
        self.log(
            LogLevel::Error,
            format!("Connecting failed: {}", Self::brief(&error.failure)),
        );
        self.abort_all();
        self.fail_all_pending(&Failure::SessionEnded);
        self.link.phase = Phase::Closed;
        self.timers.clear();
        let tried = std::mem::take(&mut self.link.tried);
        self.events.push_back(Event::ConnectFailed { error, tried });
    }

    /// The way that worked last time did not: forget it and negotiate newest first.
    fn renegotiate(&mut self, error: Error) {
        self.log(
            LogLevel::Info,
            "The way that worked last time did not; negotiating again, newest first.".into(),
        );
        self.link.tried.push(Error {
            doing: Doing::FollowingLastTime,
            ..error
        });
        self.abort_all();
        self.requests
            .pending
            .retain(|_, p| !matches!(p.kind, Pending::Initialize(_) | Pending::Discover));
        self.link.session_id = None;
        self.link.legacy_endpoint = None;
        self.link.protocol_version = None;
        self.link.transport = Transport::Stateful;
        self.link.phase = Phase::Idle;
        self.config.known_transport = None;
        self.start_connecting();
    }

    /// Ends the session on the app's request, DELETEing it on the server if it has an id.
    pub(super) fn end_session(&mut self) {
        if matches!(self.link.phase, Phase::Closed | Phase::Idle) {
            self.link.phase = Phase::Closed;
            return;
        }
        let had_session = self.link.session_id.is_some();
        self.close(Closed::Disconnected);
        if had_session {
            let headers = self.headers(None);
            self.start(HttpMethod::Delete, headers, None, Purpose::Delete);
        }
    }

    fn close(&mut self, reason: Closed) {
        self.abandon_everything(Failure::SessionEnded, Gone::SessionEnded);
        self.link.phase = Phase::Closed;
        self.timers.clear();
        let why = match &reason {
            Closed::Disconnected => "disconnected".to_owned(),
            Closed::StreamLost(failure) => Self::brief(failure),
        };
        self.log(LogLevel::Info, format!("The session ended: {why}."));
        self.events.push_back(Event::Disconnected { reason });
    }

    /// The server forgot the session (404 with its id): start a new one; what was pending on
    /// the old one is reported, not silently dropped.
    pub(super) fn session_expired(&mut self) {
        self.log(
            LogLevel::Warning,
            "The server no longer knows this session (HTTP 404; it expired or the server restarted); starting a new one.".into(),
        );
        self.abandon_everything(Failure::SessionExpired, Gone::SessionExpired);
        self.link.session_id = None;
        self.inputs.seen.clear();
        self.resume.clear();
        self.timers.clear();
        let revision = self
            .link
            .protocol_version
            .take()
            .and_then(|v| Revision::parse(&v))
            .unwrap_or(Revision::LATEST_WITH_INITIALIZE);
        self.initialize(revision);
    }

    /// What the session was doing goes, reported: exchanges stop, requests and calls between
    /// rounds fail with `failure`, requests waiting for the person go with `gone`.
    fn abandon_everything(&mut self, failure: Failure, gone: Gone) {
        self.abort_all();
        self.fail_all_pending(&failure);
        self.fail_all_tasks(&failure);
        // Before the rounds fail, so that their inputs go for this reason, not as ended ones.
        self.remove_all_inputs(gone);
        self.forget_received_tasks();
        for (call, round) in std::mem::take(&mut self.calls.rounds) {
            let related = RelatedCall {
                call,
                tool: round.retried.label(),
            };
            self.round_failed(&related, &round.retried, round.number, failure.clone());
        }
    }

    /// Fails every request still waiting for an answer (the handshake's quietly).
    fn fail_all_pending(&mut self, failure: &Failure) {
        let ids: Vec<u64> = self.requests.pending.keys().copied().collect();
        for id in ids {
            if matches!(
                self.requests.pending[&id].kind,
                Pending::Initialize(_) | Pending::Discover
            ) {
                self.requests.pending.remove(&id);
            } else {
                self.fail_rpc(id, failure.clone());
            }
        }
    }
}

/// A server by its name and version, as the log says it ("python-sampler" when it sends no
/// version, not "python-sampler " with a dangling space).
fn named(server: &Implementation) -> String {
    if server.version.trim().is_empty() {
        server.name.clone()
    } else {
        format!("{} {}", server.name, server.version)
    }
}
