//! A tool written the 2025 way on a server that also speaks 2026-07-28: its call, refused at
//! 2026-07-28 for want of a back-channel, is carried over to 2025-11-25 — the tab reconnects
//! there (remembered for that server in this browser tab), and once the server has listed its
//! tools again the call goes again with the same arguments. Once per tab and server URL, and
//! only on the connection the fallback opened.

use leptos::prelude::*;
use mcp_desk_logic::words;
use mcp_desk_protocol::{CallId, Error, LogLevel, LogSource, Transport};
use serde_json::{Map, Value};

use super::Controller;
use crate::events;
use crate::state::{Outcome, ServerId, ToolOutcome};

/// A call to make again once the tab's new connection is ready.
pub(super) struct CallAgain {
    pub tool: String,
    pub arguments: Map<String, Value>,
    /// The connection it waits for (`Tab::connections_made`): any other is not the one.
    pub connection: u32,
}

impl Controller {
    /// Call `call` of tab `server`, connected to `endpoint`, was refused because its tool
    /// wants the 2025 back-channel.
    pub(super) fn wants_back_channel(
        &self,
        server: ServerId,
        endpoint: &str,
        call: CallId,
        error: Error,
    ) {
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let (arguments, already) = {
            let mut tabs = self.live.tabs.borrow_mut();
            let tab = tabs.entry(server).or_default();
            let arguments = tab
                .running_arguments
                .take()
                .and_then(|(c, arguments)| (c == call).then_some(arguments));
            (arguments, tab.fell_back_for.as_deref() == Some(endpoint))
        };
        let tool = panel
            .running_call
            .get_untracked()
            .filter(|r| r.call == call)
            .map(|r| r.tool);
        // A revision the person forced is theirs to change; a second refusal after falling
        // back means 2025-11-25 was not reached; and a form now naming another server is not
        // the one that refused: show the failure as it is.
        let same_server = panel.url.with_untracked(|url| url.trim() == endpoint);
        let (Some(tool), Some(arguments), None, false, true) = (
            tool,
            arguments,
            panel.forced_revision.get_untracked(),
            already,
            same_server,
        ) else {
            return events::call_failed(&panel, call, &error);
        };
        let notice = words::falling_back(&tool, &panel.label_untracked(), &error);
        self.state
            .push_log(LogLevel::Warning, LogSource::Client, notice.clone());
        // A connection that asks for initialize first offers 2025-11-25 (mcp-notes: the
        // newest revision with a session); remembered so a reload meets the server there too.
        crate::store::remember_transport(endpoint, Transport::Stateful);
        self.connect_server(server);
        panel.notice.set(Some(notice));
        let connection = self.connections_made(server);
        let mut tabs = self.live.tabs.borrow_mut();
        let tab = tabs.entry(server).or_default();
        tab.fell_back_for = Some(endpoint.to_owned());
        tab.call_again = Some(CallAgain {
            tool,
            arguments,
            connection,
        });
    }

    /// The tab's tools were listed: a call waiting for this connection goes now (if the tool
    /// is still there).
    pub(super) fn tools_listed(&self, server: ServerId) {
        let connection = self.connections_made(server);
        let waiting = self
            .live
            .tabs
            .borrow_mut()
            .get_mut(&server)
            .and_then(|tab| tab.call_again.take())
            .filter(|again| again.connection == connection);
        let (Some(again), Some(panel)) = (waiting, self.state.panel_of(server)) else {
            return;
        };
        let listed = panel
            .tools
            .with_untracked(|tools| tools.iter().any(|t| t.name == again.tool));
        if listed {
            self.start_call(server, again.tool, again.arguments, None);
        } else {
            self.not_called_again(
                server,
                &again.tool,
                "the server no longer lists it after reconnecting at 2025-11-25",
            );
        }
    }

    /// Connecting failed: a call waiting for the connection is not made.
    pub(super) fn drop_call_again(&self, server: ServerId) {
        let dropped = self
            .live
            .tabs
            .borrow_mut()
            .get_mut(&server)
            .and_then(|tab| tab.call_again.take());
        if let Some(again) = dropped {
            self.not_called_again(server, &again.tool, "connecting at 2025-11-25 failed");
        }
    }

    /// Says, in the log and as the call's outcome, why `tool` was not called again.
    fn not_called_again(&self, server: ServerId, tool: &str, why: &str) {
        let text = format!("{tool} was not called again: {why}.");
        self.state
            .push_log(LogLevel::Error, LogSource::Client, text.clone());
        if let Some(panel) = self.state.panel_of(server) {
            panel.notice.set(None);
            panel.tool_outcome.set(Some(ToolOutcome::plain(
                tool.to_owned(),
                format!("error: {text}"),
                Outcome::Error,
            )));
        }
    }
}
