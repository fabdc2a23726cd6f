//! The timeline's records: each message a session sent or heard, each model call and its
//! answer, and what the person did, stamped with the page's clock into
//! [`crate::state::AppState::timeline`] (drawn by `ui/timeline.rs`), each in the group of the
//! tool call it belongs to; which message a log line is about; its exports, as Mermaid and as
//! the SVG drawn; and presenter mode, which shows it beside the dialog.

use leptos::prelude::*;
use mcp_desk_llm::Completion;
use mcp_desk_logic::timeline::{CallKey, Timeline};
use mcp_desk_protocol::{CallId, LogEntry};

use super::Controller;
use crate::browser::{clock, download, page};
use crate::state::{QueuedSampling, ServerId};

/// How many of a tab's latest messages a log line can name (it is about the one being handled).
const WIRES_NAMED: usize = 16;

impl Controller {
    fn record<T>(&self, f: impl FnOnce(&mut Timeline, u64) -> T) -> Option<T> {
        let now = clock::monotonic_ms().max(0.0) as u64;
        self.state.timeline.try_update(|t| f(t, now))
    }

    /// Call `call` of tab `server`'s current connection, as the timeline groups it.
    pub(super) fn call_key(&self, server: ServerId, call: CallId) -> CallKey {
        CallKey {
            server: server.0,
            connection: u64::from(self.connections_made(server)),
            call: call.0,
        }
    }

    /// The call a sampling request belongs to, as the timeline groups it.
    pub(super) fn group_of(&self, item: &QueuedSampling) -> Option<CallKey> {
        let connection = u64::from(item.key.connection);
        item.call.map(|call| CallKey {
            server: item.key.server.0,
            connection,
            call: call.0,
        })
    }

    /// Message `n` that tab `server`'s session `sent`, or heard, exactly as it went, with its
    /// HTTP side (an API key in either blanked, as a completion that quotes one), in the group
    /// of `call`. The server's lane is the tab's, titled by its URL without credentials.
    pub(super) fn record_wire(
        &self,
        server: ServerId,
        n: u64,
        sent: bool,
        text: &str,
        http: &str,
        call: Option<CallId>,
    ) {
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let title = mcp_desk_protocol::redact::url(&panel.url.get_untracked());
        let text = self.without_secrets(text);
        let http = self.without_secrets(http);
        let group = call.map(|call| self.call_key(server, call));
        let Some(seq) =
            self.record(|t, now| t.wire(server.0, &title, sent, &text, &http, group, now))
        else {
            return;
        };
        let connection = self.connections_made(server);
        if let Some(tab) = self.live.tabs.borrow_mut().get_mut(&server) {
            if tab.wires.len() >= WIRES_NAMED {
                tab.wires.pop_front();
            }
            tab.wires.push_back((connection, n, seq));
        }
    }

    /// The arrow of message `n` of tab `server`'s current connection, while it is named.
    fn arrow_of_wire(&self, server: ServerId, n: u64) -> Option<u64> {
        let connection = self.connections_made(server);
        let tabs = self.live.tabs.borrow();
        let wires = &tabs.get(&server)?.wires;
        wires
            .iter()
            .find(|(c, m, _)| (*c, *m) == (connection, n))
            .map(|(_, _, seq)| *seq)
    }

    /// A log line of tab `server`'s session, with the arrow of the message it is about (the
    /// log row expands to it); prefixed with the tab's label when several are open.
    pub(super) fn log_entry(&self, server: ServerId, label: &str, entry: LogEntry) {
        let message = entry.about.and_then(|n| self.arrow_of_wire(server, n));
        let text = match self.state.servers.with_untracked(Vec::len) {
            1 => entry.text,
            _ => format!("[{label}] {}", entry.text),
        };
        self.state
            .push_log_about(entry.level, entry.source, text, message);
    }

    /// Call `call` of tab `server` ended: its group may fold.
    pub(super) fn record_call_end(&self, server: ServerId, call: CallId) {
        let key = self.call_key(server, call);
        self.record(|t, _| t.end(key));
    }

    /// The model is asked, with `body` as sent — any API key in it blanked — for call `group`.
    pub(super) fn record_llm_request(&self, model: &str, body: &str, group: Option<CallKey>) {
        let body = self.without_secrets(body);
        self.record(|t, now| t.llm_request(model, body, group, now));
    }

    /// The model answered with `completion`, for call `group`.
    pub(super) fn record_llm_response(&self, completion: &Completion, group: Option<CallKey>) {
        let text = self.without_secrets(&completion.text);
        let tokens = completion.output_tokens;
        self.record(|t, now| t.llm_response(tokens, text, group, now));
    }

    /// The page did `kind` by itself (`rule-answer`), as `label` says, `detail` saying how, for
    /// call `group`.
    pub(super) fn record_mark(
        &self,
        kind: &str,
        label: String,
        detail: String,
        group: Option<CallKey>,
    ) {
        self.record(|t, now| t.mark(kind, label, detail, group, now));
    }

    /// The person did `kind` (`call-tool`, `edit`, `approve`, `reject`), as `label` says, for
    /// call `group`; returns the arrow's number.
    pub(super) fn record_person(
        &self,
        kind: &str,
        label: String,
        group: Option<CallKey>,
    ) -> Option<u64> {
        self.record(|t, now| t.person(kind, label, group, now))
    }

    /// The person's call of a tool (arrow `seq`) turned out to be call `call` of tab `server`:
    /// it begins that call's group.
    pub(super) fn record_join(&self, seq: u64, server: ServerId, call: CallId) {
        let key = self.call_key(server, call);
        self.record(|t, _| t.join(seq, key));
    }

    fn without_secrets(&self, text: &str) -> String {
        let secrets = self.state.provider.with_untracked(|p| p.secrets());
        secrets.iter().fold(text.to_owned(), |text, secret| {
            text.replace(secret, "[API key]")
        })
    }

    /// Turns presenter mode on or off.
    pub fn toggle_presenter(&self) {
        self.state.present.update(|on| *on = !*on);
    }

    /// Offers a Mermaid `sequenceDiagram` download: of the call whose arrow is `picked` (one
    /// call, the lesson's picture), else of the whole timeline.
    pub fn export_mermaid(&self, picked: Option<u64>) -> Result<(), String> {
        let text = self.state.timeline.with_untracked(|t| {
            let call = picked.and_then(|seq| t.group_of(seq));
            t.mermaid(call)
        });
        download::save_text("mcp-desk-timeline.mmd", "text/plain", &text)
    }

    /// Offers the timeline as drawn, as an SVG file.
    pub fn export_svg(&self) -> Result<(), String> {
        let svg = page::markup_of("timeline").ok_or("The timeline is not on the page.")?;
        download::save_text("mcp-desk-timeline.svg", "image/svg+xml", &svg)
    }
}
