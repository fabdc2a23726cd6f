//! A tool written the 2025 way on a server that also speaks 2026-07-28: its call, refused at
//! 2026-07-28 for want of a back-channel, is carried over to 2025-11-25 — the tab reconnects
//! there (remembered for that server in this browser tab), and once the server has listed its
//! tools again the call goes again with the same arguments. Once per tab and server URL.

use leptos::prelude::*;
use mcp_desk_logic::words;
use mcp_desk_protocol::{CallId, Error, LogLevel, LogSource, Transport};
use serde_json::{Map, Value};

use super::Controller;
use crate::events;
use crate::state::ServerId;

/// A call to make again once the tab's new connection is ready.
pub(super) struct CallAgain {
    pub tool: String,
    pub arguments: Map<String, Value>,
}

impl Controller {
    /// Call `call` of tab `server` was refused because its tool wants the 2025 back-channel.
    pub(super) fn wants_back_channel(&self, server: ServerId, call: CallId, error: Error) {
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let url = panel.url.get_untracked().trim().to_owned();
        let (arguments, already) = {
            let mut tabs = self.live.tabs.borrow_mut();
            let tab = tabs.entry(server).or_default();
            let arguments = tab
                .running_arguments
                .take()
                .and_then(|(c, arguments)| (c == call).then_some(arguments));
            (
                arguments,
                tab.fell_back_for.as_deref() == Some(url.as_str()),
            )
        };
        let tool = panel
            .running_call
            .get_untracked()
            .filter(|r| r.call == call)
            .map(|r| r.tool);
        // A revision the person forced is theirs to change; and a second refusal after
        // falling back means 2025-11-25 was not reached: show the failure as it is.
        let (Some(tool), Some(arguments), None, false) = (
            tool,
            arguments,
            panel.forced_revision.get_untracked(),
            already,
        ) else {
            return events::call_failed(&panel, call, &error);
        };
        let notice = words::falling_back(&tool, &panel.label_untracked(), &error);
        self.state
            .push_log(LogLevel::Warning, LogSource::Client, notice.clone());
        // A connection that asks for initialize first offers 2025-11-25 (mcp-notes: the
        // newest revision with a session); remembered so a reload meets the server there too.
        crate::store::remember_transport(&url, Transport::Stateful);
        self.connect_server(server);
        panel.notice.set(Some(notice));
        let mut tabs = self.live.tabs.borrow_mut();
        let tab = tabs.entry(server).or_default();
        tab.fell_back_for = Some(url);
        tab.call_again = Some(CallAgain { tool, arguments });
    }

    /// The tab's tools were listed: a call waiting for the connection goes now (if the tool
    /// is still there).
    pub(super) fn tools_listed(&self, server: ServerId) {
        let waiting = self
            .live
            .tabs
            .borrow_mut()
            .get_mut(&server)
            .and_then(|tab| tab.call_again.take());
        let (Some(again), Some(panel)) = (waiting, self.state.panel_of(server)) else {
            return;
        };
        let listed = panel
            .tools
            .with_untracked(|tools| tools.iter().any(|t| t.name == again.tool));
        if listed {
            self.start_call(server, again.tool, again.arguments);
        } else {
            self.state.push_log(
                LogLevel::Error,
                LogSource::Client,
                format!(
                    "{} was not called again: the server no longer lists it after reconnecting.",
                    again.tool
                ),
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
            self.state.push_log(
                LogLevel::Error,
                LogSource::Client,
                format!(
                    "{} was not called again: connecting at 2025-11-25 failed.",
                    again.tool
                ),
            );
        }
    }
}
