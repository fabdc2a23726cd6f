//! Server tabs and their connections: open, show and close tabs; connect and disconnect; pick
//! and call a tool, cancel a call; the server log level; and the start-up URL's servers.
// rmcp marks its logging types deprecated (SEP-2577); the page still sets the servers' log level.
#![allow(deprecated)]

use leptos::prelude::*;
use mcp_desk_logic::startup::StartupSettings;
use mcp_desk_logic::{arguments, server_url};
use mcp_desk_protocol::model::LoggingLevel;
use mcp_desk_protocol::{LogLevel, LogSource, Revision, SessionConfig};
use serde_json::{Map, Value};

use super::Controller;
use crate::connection::Connection;
use crate::state::{
    ConnectionStatus, Outcome, Queued, RequestKey, RunningCall, ServerId, ServerPanel, ToolOutcome,
};

impl Controller {
    /// Opens the tabs the start-up URL names (the first in the tab the page starts with, each
    /// with the revision the URL forced, if any) and connects them if it asks to, after the
    /// first render so the page shows the connections starting.
    pub fn open_from_url(&self, settings: &StartupSettings) {
        let first = self.state.panel_untracked();
        if let Some(revision) = &settings.revision {
            match Revision::parse(revision) {
                Some(forced) => first.forced_revision.set(Some(forced)),
                None => self.state.push_log(
                    LogLevel::Warning,
                    LogSource::Client,
                    format!(
                        "The URL asks for protocol revision \"{revision}\", which MCP Desk does not know ({}); negotiating instead.",
                        Revision::ALL.map(Revision::as_str).join(", ")
                    ),
                ),
            }
        }
        let revision = first.forced_revision.get_untracked();
        let mut tabs = Vec::new();
        for (i, url) in settings.servers.iter().enumerate() {
            if i == 0 {
                first.url.set(url.clone());
                tabs.push(first.id);
            } else {
                let id = self.add_server(url.clone());
                if let Some(panel) = self.state.panel_of(id) {
                    panel.forced_revision.set(revision);
                }
                tabs.push(id);
            }
        }
        self.state.active.set(first.id);
        if settings.connect && !tabs.is_empty() {
            let this = self.clone();
            request_animation_frame(move || {
                for tab in tabs {
                    this.connect_server(tab);
                }
            });
        }
    }

    /// Opens a new server tab (empty, or with `url` in its form) and brings it to the front.
    pub fn add_server(&self, url: String) -> ServerId {
        let open = self
            .state
            .servers
            .with_untracked(|servers| servers.iter().map(|p| p.id.0 + 1).max().unwrap_or(0));
        let id = ServerId(open.max(self.live.next_server.get()));
        self.live.next_server.set(id.0 + 1);
        let owner = self.child_owner();
        let panel = owner.with(|| ServerPanel::new(id, url));
        self.live.tabs.borrow_mut().entry(id).or_default().owner = Some(owner);
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
        // Pages a -32042 error asked the person to open go with the tab (no session holds them).
        let local: Vec<RequestKey> = self.state.queue.with_untracked(|q| {
            q.iter()
                .filter(
                    |i| matches!(i, Queued::Elicitation(e) if e.from_error && e.key.server == id),
                )
                .map(Queued::key)
                .collect()
        });
        for key in local {
            self.state.take_request(key);
        }
        let last = self.state.servers.with_untracked(|s| s.len() <= 1);
        if last {
            if let Some(panel) = self.state.panel_of(id) {
                panel.url.set(String::new());
                panel.forget_connection(ConnectionStatus::Idle);
                panel.selected_tool.set(None);
                panel.tool_outcome.set(None);
                panel.progress.set(None);
            }
            return;
        }
        self.state.servers.update(|s| s.retain(|p| p.id != id));
        if self.state.active.get_untracked() == id {
            let first = self.state.servers.with_untracked(|s| s[0].id);
            self.state.active.set(first);
        }
        // Its signals go once the views that show them are gone (the next task).
        let owner = self
            .live
            .tabs
            .borrow_mut()
            .remove(&id)
            .and_then(|tab| tab.owner);
        if let Some(owner) = owner {
            set_timeout(move || drop(owner), std::time::Duration::ZERO);
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
        // The old connection goes first, whatever becomes of the new one.
        self.disconnect_server(id);
        if let Err(reason) = server_url::check(&url) {
            panel.status.set(ConnectionStatus::Failed(reason));
            return;
        }
        panel.forget_connection(ConnectionStatus::Connecting);
        self.live
            .tabs
            .borrow_mut()
            .entry(id)
            .or_default()
            .connections_made += 1;
        let config = SessionConfig {
            url: url.clone(),
            client_name: "mcp-desk".into(),
            client_version: env!("CARGO_PKG_VERSION").into(),
            revision: panel.forced_revision.get_untracked(),
            known_transport: crate::store::recall_transport(&url),
            log_level: self.state.server_log_level.get_untracked(),
            roots: self.state.roots.get_untracked(),
        };
        let Ok(authorization) = self.authorization_for(id, &url) else {
            // Renewing the token first; the tab connects after.
            return;
        };
        let this = self.clone();
        let connection = Connection::start(config, authorization, move |event| {
            this.on_event(id, &url, event)
        });
        self.live
            .tabs
            .borrow_mut()
            .entry(id)
            .or_default()
            .connection = Some(connection);
    }

    /// Disconnects the tab in front (or stops waiting for its bridge).
    pub fn disconnect(&self) {
        let panel = self.state.panel_untracked();
        if matches!(
            panel.status.get_untracked(),
            ConnectionStatus::WaitingForBridge(_)
        ) {
            panel.status.set(ConnectionStatus::Idle);
        }
        self.disconnect_server(panel.id);
    }

    pub(super) fn disconnect_server(&self, id: ServerId) {
        let connection = self
            .live
            .tabs
            .borrow_mut()
            .get_mut(&id)
            .and_then(|tab| tab.connection.take());
        if let Some(connection) = connection {
            connection.with_session(|s, now| s.disconnect(now));
        }
    }

    /// Cancels the running tool call of the tab in front.
    pub fn cancel_call(&self) {
        let panel = self.state.panel_untracked();
        let Some(running) = panel.running_call.get_untracked() else {
            return;
        };
        if let Some(connection) = self.connection(panel.id) {
            connection
                .with_session(|s, now| s.cancel_call(now, running.call, "Cancelled by the person"));
        }
    }

    /// Asks every connected server for its log messages from `level` up (`None`: leave the
    /// servers' defaults).
    pub fn set_log_level(&self, level: Option<LoggingLevel>) {
        let Some(level) = level else {
            return;
        };
        self.state.server_log_level.set(Some(level));
        for connection in self.connections() {
            connection.with_session(|s, now| s.set_log_level(now, level));
        }
    }

    /// Picks a tool and fills its arguments with what its input schema suggests.
    pub fn select_tool(&self, name: &str) {
        let panel = self.state.panel_untracked();
        let schema = panel.tools.with_untracked(|tools| {
            tools
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.input_schema.clone())
        });
        panel.selected_tool.set(Some(name.to_owned()));
        match schema {
            Some(schema) => {
                panel.tool_args.set(arguments::prefill(&schema));
                self.build_tool_form(&panel, &schema);
            }
            None => panel.tool_form.set(None),
        }
    }

    /// Calls the selected tool of the tab in front with the JSON in its arguments box.
    pub fn call_tool(&self) {
        let panel = self.state.panel_untracked();
        let fail = |text: String| {
            panel.tool_outcome.set(Some(ToolOutcome::plain(
                panel.selected_tool.get_untracked().unwrap_or_default(),
                format!("error: {text}"),
                Outcome::Error,
            )))
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
        if self.connection(panel.id).is_none() {
            return fail("Not connected: connect to a server first.".into());
        }
        let mark = self.record_person("call-tool", format!("call {tool}"), None);
        self.start_call(panel.id, tool, arguments, mark);
    }

    /// Calls `tool` of tab `server` with `arguments`; the tab shows it running. The person's
    /// mark (timeline arrow `mark`) that asked for it begins the call's group.
    pub(super) fn start_call(
        &self,
        server: ServerId,
        tool: String,
        arguments: Map<String, Value>,
        mark: Option<u64>,
    ) {
        let (Some(panel), Some(connection)) =
            (self.state.panel_of(server), self.connection(server))
        else {
            return;
        };
        panel.tool_outcome.set(None);
        panel.progress.set(None);
        self.forget_diagnosis(server);
        let kept = arguments.clone();
        let call = connection.with_session(|s, now| s.call_tool(now, &tool, arguments));
        if let Some(mark) = mark {
            self.record_join(mark, server, call);
        }
        // A call refused at once has already reported its failure (before its group began).
        if panel.tool_outcome.get_untracked().is_some() {
            self.record_call_end(server, call);
        } else {
            panel.running_call.set(Some(RunningCall {
                call,
                tool,
                task: None,
            }));
            if let Some(tab) = self.live.tabs.borrow_mut().get_mut(&server) {
                tab.running_arguments = Some((call, kept));
            }
        }
    }
}
