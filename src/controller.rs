//! The person's intents (open a server tab, connect, call a tool, approve, reject, …) carried
//! out on the connections and the page state. UI components call these and nothing lower.
//! Each server tab has its own connection; every tab's sampling requests share one queue.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use mcp_desk_llm::Completion;
use mcp_desk_protocol::SessionConfig;
use send_wrapper::SendWrapper;
use serde_json::Value;

use crate::connection::Connection;
use crate::state::{AppState, ConnectionStatus, RequestKey, RunningCall, ServerId, ServerPanel};

/// Each server tab's live connection.
type Connections = HashMap<ServerId, Rc<Connection>>;

/// Cheap to clone; safe to capture in view closures (the page is single-threaded).
#[derive(Clone)]
pub struct Controller {
    state: AppState,
    connections: SendWrapper<Rc<RefCell<Connections>>>,
    /// The next tab's id: ids only go up, so a closed tab's requests can never be taken for
    /// a new tab's.
    next_server: SendWrapper<Rc<Cell<u32>>>,
    /// The page's root owner: a tab opened from an event handler still lives with the page.
    owner: Option<Owner>,
}

impl Controller {
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            connections: SendWrapper::new(Rc::new(RefCell::new(HashMap::new()))),
            next_server: SendWrapper::new(Rc::new(Cell::new(0))),
            owner: Owner::current(),
        }
    }

    pub fn state(&self) -> AppState {
        self.state
    }

    fn connection(&self, server: ServerId) -> Option<Rc<Connection>> {
        self.connections.borrow().get(&server).cloned()
    }

    /// Opens a new server tab (empty, or with `url` in its form) and brings it to the front.
    pub fn add_server(&self, url: String) -> ServerId {
        let open = self
            .state
            .servers
            .with_untracked(|servers| servers.iter().map(|p| p.id.0 + 1).max().unwrap_or(0));
        let id = ServerId(open.max(self.next_server.get()));
        self.next_server.set(id.0 + 1);
        let panel = match &self.owner {
            Some(owner) => owner.with(|| ServerPanel::new(id, url)),
            None => ServerPanel::new(id, url),
        };
        self.state.servers.update(|servers| servers.push(panel));
        self.state.active.set(id);
        id
    }

    /// Brings a server tab to the front.
    pub fn show_server(&self, id: ServerId) {
        if self.state.panel_of(id).is_some() {
            self.state.active.set(id);
        }
    }

    /// Disconnects a server and closes its tab (its waiting requests leave the queue with a
    /// notice); the last tab is emptied instead of closed.
    pub fn close_server(&self, id: ServerId) {
        self.disconnect_server(id);
        let last = self.state.servers.with_untracked(|s| s.len() <= 1);
        if last {
            if let Some(panel) = self.state.panel_of(id) {
                panel.url.set(String::new());
                panel.forget_connection(ConnectionStatus::Idle);
                panel.selected_tool.set(None);
                panel.tool_outcome.set(None);
            }
            return;
        }
        self.state.servers.update(|s| s.retain(|p| p.id != id));
        if self.state.active.get_untracked() == id {
            let first = self.state.servers.with_untracked(|s| s[0].id);
            self.state.active.set(first);
        }
    }

    /// Connects the tab in front to the URL in its form, replacing its connection.
    pub fn connect(&self) {
        self.connect_server(self.state.panel_untracked().id);
    }

    /// Connects a tab to the URL in its form, replacing that tab's connection only.
    pub fn connect_server(&self, id: ServerId) {
        let Some(panel) = self.state.panel_of(id) else {
            return;
        };
        let url = panel.url.get_untracked().trim().to_owned();
        if let Err(reason) = check_server_url(&url) {
            panel.status.set(ConnectionStatus::Failed(reason));
            return;
        }
        self.disconnect_server(id);
        panel.forget_connection(ConnectionStatus::Connecting);
        let known_transport = crate::transport_memory::recall(&url);
        let config = SessionConfig {
            url,
            client_name: "mcp-desk".into(),
            client_version: env!("CARGO_PKG_VERSION").into(),
            revision: panel.forced_revision.get_untracked(),
            known_transport,
        };
        let connection = Connection::start(config, self.state, panel);
        if let Some(level) = self.state.server_log_level.get_untracked() {
            connection.with_session(|s| s.set_log_level(&level));
        }
        self.connections.borrow_mut().insert(id, connection);
    }

    /// Disconnects the tab in front.
    pub fn disconnect(&self) {
        self.disconnect_server(self.state.panel_untracked().id);
    }

    fn disconnect_server(&self, id: ServerId) {
        let connection = self.connections.borrow_mut().remove(&id);
        if let Some(connection) = connection {
            connection.with_session(|s| s.disconnect());
        }
    }

    /// Cancels the running tool call of the tab in front.
    pub fn cancel_call(&self) {
        let panel = self.state.panel_untracked();
        let Some(running) = panel.running_call.get_untracked() else {
            return;
        };
        if let Some(connection) = self.connection(panel.id) {
            connection.with_session(|s| s.cancel_call(running.call, "Cancelled by the person"));
        }
    }

    /// Asks every connected server for its log messages from `level` up (empty: leave the
    /// servers' defaults).
    pub fn set_log_level(&self, level: &str) {
        if level.is_empty() {
            return;
        }
        self.state.server_log_level.set(Some(level.to_owned()));
        let connections: Vec<Rc<Connection>> =
            self.connections.borrow().values().cloned().collect();
        for connection in connections {
            connection.with_session(|s| s.set_log_level(level));
        }
    }

    /// Picks a tool and fills the arguments with a skeleton from its input schema.
    pub fn select_tool(&self, name: &str) {
        let panel = self.state.panel_untracked();
        let skeleton = panel.tools.with_untracked(|tools| {
            tools
                .iter()
                .find(|t| t.name == name)
                .map(|t| arguments_skeleton(&t.input_schema))
        });
        panel.selected_tool.set(Some(name.to_owned()));
        if let Some(skeleton) = skeleton {
            panel.tool_args.set(skeleton);
        }
    }

    /// Calls the selected tool of the tab in front with the JSON in its arguments box.
    pub fn call_tool(&self) {
        let panel = self.state.panel_untracked();
        let fail = |text: String| {
            panel.tool_outcome.set(Some(crate::state::ToolOutcome {
                tool: panel.selected_tool.get_untracked().unwrap_or_default(),
                text: format!("error: {text}"),
                is_error: true,
            }))
        };
        let Some(tool) = panel.selected_tool.get_untracked() else {
            return fail("Pick a tool first.".into());
        };
        let arguments = match serde_json::from_str::<Value>(&panel.tool_args.get_untracked()) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return fail(
                    "The arguments must be a JSON object, like {\"name\": \"value\"}.".into(),
                );
            }
            Err(e) => return fail(format!("The arguments are not valid JSON: {e}.")),
        };
        let Some(connection) = self.connection(panel.id) else {
            return fail("Not connected: connect to a server first.".into());
        };
        panel.tool_outcome.set(None);
        let call = connection.with_session(|s| s.call_tool(&tool, arguments));
        // A call refused at once has already reported its failure.
        if panel.tool_outcome.get_untracked().is_none() {
            panel.running_call.set(Some(RunningCall {
                call,
                tool,
                progress: None,
            }));
        }
    }

    /// The connection that still waits for an answer to `key`.
    fn waiting_connection(&self, key: RequestKey) -> Option<Rc<Connection>> {
        self.connection(key.server)
            .filter(|c| c.is_waiting(key.input))
    }

    /// A request nobody waits for any more leaves the queue with the reason, instead of
    /// staying unanswerable; an answer written for it stays in the audit trail.
    fn drop_stale(&self, key: RequestKey, unsent_answer: Option<&str>) -> String {
        let why = "The server no longer waits for this request (it was cancelled, its tool call ended, or the connection closed); it left the queue.".to_owned();
        self.state.record(
            &self.server_of(key),
            "cancelled",
            serde_json::json!({"request": key.input.0, "reason": why, "unsent_answer": unsent_answer}),
        );
        self.state.take_from_queue(key);
        self.state.notices.update(|n| n.push(why.clone()));
        why
    }

    /// Sends the approved completion to the server and takes the request off the queue.
    pub fn approve(&self, key: RequestKey, completion: Completion) -> Result<(), String> {
        let Some(connection) = self.waiting_connection(key) else {
            return Err(self.drop_stale(key, Some(&completion.text)));
        };
        let result = completion.into_result()?;
        connection.with_session(|s| s.answer_sampling(key.input, &result))?;
        self.state.record(
            &self.server_of(key),
            "answer",
            serde_json::json!({"request": key.input.0, "result": result}),
        );
        self.state.take_from_queue(key);
        Ok(())
    }

    /// Refuses the request; the server hears "User rejected sampling request".
    pub fn reject(&self, key: RequestKey) -> Result<(), String> {
        let Some(connection) = self.waiting_connection(key) else {
            return Err(self.drop_stale(key, None));
        };
        connection.with_session(|s| s.reject_sampling(key.input))?;
        self.state.record(
            &self.server_of(key),
            "rejection",
            serde_json::json!({"request": key.input.0}),
        );
        self.state.take_from_queue(key);
        Ok(())
    }

    /// The MCP endpoint a queued request came from.
    fn server_of(&self, key: RequestKey) -> String {
        self.state.queue.with_untracked(|q| {
            q.iter()
                .find(|item| item.key == key)
                .map(|item| item.server_url.clone())
                .unwrap_or_default()
        })
    }
}

/// Refuses what `fetch` cannot use, with the reason.
pub fn check_server_url(url: &str) -> Result<(), String> {
    if url.is_empty() {
        return Err("Enter the MCP server's URL, e.g. http://127.0.0.1:8787/mcp.".into());
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "{} is not an http:// or https:// URL; MCP Desk connects over Streamable HTTP.",
            mcp_desk_protocol::redact::url(url)
        ));
    }
    // The browser refuses to fetch a URL carrying a user name or password.
    if mcp_desk_protocol::redact::carries_user_info(url) {
        return Err(format!(
            "{} carries a user name or password before the host, which browsers refuse to send; give the server its token the way it documents (e.g. in the query).",
            mcp_desk_protocol::redact::url(url)
        ));
    }
    Ok(())
}

/// `{"prop": ""…}` from an object schema's properties, pretty-printed, so a person sees what to fill.
pub fn arguments_skeleton(schema: &Value) -> String {
    let mut skeleton = serde_json::Map::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let value = match prop.get("default") {
                Some(default) => default.clone(),
                None => match prop.get("type").and_then(Value::as_str) {
                    Some("number" | "integer") => Value::from(0),
                    Some("boolean") => Value::Bool(false),
                    Some("array") => Value::Array(Vec::new()),
                    Some("object") => Value::Object(Default::default()),
                    _ => Value::String(String::new()),
                },
            };
            skeleton.insert(name.clone(), value);
        }
    }
    serde_json::to_string_pretty(&Value::Object(skeleton)).unwrap_or_else(|_| "{}".into())
}
