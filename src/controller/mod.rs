//! The one way in: every intent of the person (open a server tab, connect, call a tool,
//! generate, stop, approve, reject, save a rule …) and every event of a connection is carried
//! out here, on the connections and the page state. UI components call these methods and
//! nothing lower; connections hand their events here. One file per concern:
//! [`servers`] (tabs, connections, tool calls), [`tool_form`] (a tool's arguments as a form in
//! step with the JSON), [`browse`] (resources, templates, prompts,
//! completions), [`back_channel`] (a 2025-style tool's call
//! carried over to 2025-11-25), [`bridge`] (connecting once a stdio server's bridge answers),
//! [`doctor`] (why a server could not be reached), [`review`] (the review desk: requests, model
//! calls, answers, rules answering), [`elicitation`] (a server's questions for the person),
//! [`roots`] (the roots the person shares), [`settings`] (rules, providers, the audit trail).

mod back_channel;
mod bridge;
mod browse;
mod doctor;
mod elicitation;
mod review;
mod roots;
mod servers;
mod settings;
mod sign_in;
mod timeline;
mod tool_form;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use mcp_desk_protocol::Event;
use send_wrapper::SendWrapper;
use web_sys::AbortController;

use crate::connection::Connection;
use crate::events::{self, Applied};
use crate::state::{AppState, RequestKey, ServerId};

/// What the controller keeps besides the page state: open tabs' connections and running
/// model calls.
#[derive(Default)]
struct Live {
    /// What each open tab has besides its signals.
    tabs: RefCell<HashMap<ServerId, Tab>>,
    /// The model call running for a request, to stop it.
    generations: RefCell<HashMap<RequestKey, AbortController>>,
    /// The next tab's id: ids only go up, so a closed tab's requests can never be taken for a
    /// new tab's.
    next_server: Cell<u32>,
    /// The next id for a question the page queues itself (a -32042 error's URL elicitations,
    /// keyed under connection `u32::MAX`, which no connection reaches).
    local_inputs: Cell<u64>,
    /// The sign-in waiting for the person in its own window, and the tab it is for.
    signing_in: RefCell<Option<(ServerId, mcp_desk_protocol::auth::SignIn)>>,
}

/// One open tab's live parts.
#[derive(Default)]
struct Tab {
    /// Its connection, while it has one.
    connection: Option<Rc<Connection>>,
    /// How many connections it has opened: a request's key names its connection.
    connections_made: u32,
    /// The latest messages told to the timeline: their connection, their number in it, and
    /// their arrow (a log line names the message it is about by number).
    wires: std::collections::VecDeque<(u32, u64, u64)>,
    /// The server's last Bearer challenge, for the next sign-in.
    challenge: Option<mcp_desk_protocol::auth::Challenge>,
    /// How many times in a row the server asked for more scope.
    step_ups: u32,
    /// A refresh was tried since the last sign-in: a second `401` asks the person.
    refreshed: bool,
    /// What owns the tab's signals (the first tab's live with the page); they go a moment
    /// after the tab closes.
    owner: Option<Owner>,
    /// The arguments of the tab's running call, to call again with.
    running_arguments: Option<(
        mcp_desk_protocol::CallId,
        serde_json::Map<String, serde_json::Value>,
    )>,
    /// A call to make again once the tab's new connection has listed its tools.
    call_again: Option<back_channel::CallAgain>,
    /// The server URL this tab already fell back to 2025-11-25 for.
    fell_back_for: Option<String>,
    /// Counts the CORS doctor's diagnoses and what makes a running one old news (a new call,
    /// waiting for a bridge): only the latest may show.
    doctor_round: u32,
    /// Counts the waits for a stdio bridge: only the latest may connect.
    bridge_wait: u32,
}

/// Cheap to clone; safe to capture in view closures (the page is single-threaded).
#[derive(Clone)]
pub struct Controller {
    state: AppState,
    live: SendWrapper<Rc<Live>>,
    /// The page's root owner: what a tab or a request creates from an event handler or a
    /// network callback still lives with the page.
    owner: Option<Owner>,
}

impl Controller {
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            live: SendWrapper::new(Rc::new(Live::default())),
            owner: Owner::current(),
        }
    }

    pub fn state(&self) -> AppState {
        self.state
    }

    fn connection(&self, server: ServerId) -> Option<Rc<Connection>> {
        self.live
            .tabs
            .borrow()
            .get(&server)
            .and_then(|tab| tab.connection.clone())
    }

    /// A new owner for values that live as long as one request or tab, under the page's.
    fn child_owner(&self) -> Owner {
        self.owner.as_ref().map_or_else(Owner::new, Owner::child)
    }

    /// Every open tab's connection.
    fn connections(&self) -> Vec<Rc<Connection>> {
        self.live
            .tabs
            .borrow()
            .values()
            .filter_map(|tab| tab.connection.clone())
            .collect()
    }

    /// How many connections tab `server` has opened (names its current one).
    fn connections_made(&self, server: ServerId) -> u32 {
        self.live
            .tabs
            .borrow()
            .get(&server)
            .map_or(0, |tab| tab.connections_made)
    }

    /// How a request from tab `server`, connected to `endpoint`, names who asks: the server's
    /// name (its URL before it named itself) and its URL without the credentials it may carry.
    fn asker(&self, server: ServerId, endpoint: &str) -> (String, String) {
        let shown = mcp_desk_protocol::redact::url(endpoint);
        let name = self
            .state
            .panel_of(server)
            .and_then(|p| p.server_name.get_untracked())
            .unwrap_or_else(|| shown.clone());
        (name, shown)
    }

    /// The key of request `input` of the tab's current connection.
    fn key_of(&self, server: ServerId, input: mcp_desk_protocol::InputId) -> RequestKey {
        RequestKey {
            server,
            connection: self.connections_made(server),
            input,
        }
    }

    /// What a connection reports: connection facts, tools and calls go to its tab; requests
    /// for the person to the review desk.
    fn on_event(&self, server: ServerId, endpoint: &str, event: Event) {
        let event = match event {
            Event::Wire {
                n,
                sent,
                text,
                http,
                call,
            } => return self.record_wire(server, n, sent, &text, &http, call),
            Event::Connected { .. } => {
                // Signed in (or needing none): the next refusal may refresh again.
                if let Some(tab) = self.live.tabs.borrow_mut().get_mut(&server) {
                    tab.refreshed = false;
                }
                event
            }
            Event::ToolCallFinished { call, .. } => {
                // A call went through: a later step-up starts counting again.
                if let Some(tab) = self.live.tabs.borrow_mut().get_mut(&server) {
                    tab.step_ups = 0;
                }
                self.record_call_end(server, call);
                event
            }
            Event::ToolCallFailed { call, .. }
            | Event::ToolCallCancelled { call, .. }
            | Event::ToolCallDeclined { call, .. } => {
                self.record_call_end(server, call);
                event
            }
            event => event,
        };
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let event = match event {
            Event::Log(entry) => return self.log_entry(server, &panel.label_untracked(), entry),
            event => event,
        };
        match events::apply(&panel, endpoint, event) {
            Applied::Done => {}
            Applied::Sampling(pending) => self.receive_sampling(server, endpoint, pending),
            Applied::Elicitation(pending) => self.receive_elicitation(server, endpoint, pending),
            Applied::SamplingGone { input, reason } => {
                self.request_gone(self.key_of(server, input), reason)
            }
            Applied::WantsBackChannel { call, error } => {
                self.wants_back_channel(server, endpoint, call, error)
            }
            Applied::ToolsListed => self.tools_listed(server),
            Applied::ReadAgain(uri) => self.read_resource(server, uri),
            Applied::UrlElicitationRequired { tool, error } => {
                self.urls_required(server, endpoint, &tool, &error)
            }
            Applied::ConnectFailed(mcp_desk_protocol::Error {
                failure: mcp_desk_protocol::Failure::Unauthorized { status, challenge },
                ..
            })
            | Applied::CallFailed(mcp_desk_protocol::Error {
                failure: mcp_desk_protocol::Failure::Unauthorized { status, challenge },
                ..
            }) => self.sign_in_needed(server, status, challenge),
            Applied::ConnectFailed(error) => {
                self.drop_call_again(server);
                self.diagnose(server, endpoint, &error)
            }
            Applied::CallFailed(error) => self.diagnose(server, endpoint, &error),
        }
    }
}
