//! The timeline's records: each message a session sent or heard, each model call and its
//! answer, and what the person did, stamped with the page's clock into
//! [`crate::state::AppState::timeline`] (drawn by `ui/timeline.rs`); and its exports, as Mermaid
//! and as the SVG drawn; and presenter mode, which shows it beside the dialog.

use leptos::prelude::*;
use mcp_desk_logic::timeline::Timeline;

use super::Controller;
use crate::browser::{clock, download, page};
use crate::state::ServerId;

impl Controller {
    fn record(&self, f: impl FnOnce(&mut Timeline, u64)) {
        let now = clock::monotonic_ms().max(0.0) as u64;
        self.state.timeline.update(|t| f(t, now));
    }

    /// A message tab `server`'s session `sent`, or heard, exactly as it went, with its HTTP
    /// side (an API key in either blanked, as a completion that quotes one). The server's lane
    /// is the tab's, titled by its URL without credentials.
    pub(super) fn record_wire(&self, server: ServerId, sent: bool, text: &str, http: &str) {
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let title = mcp_desk_protocol::redact::url(&panel.url.get_untracked());
        let text = self.without_secrets(text);
        let http = self.without_secrets(http);
        self.record(|t, now| t.wire(server.0, &title, sent, &text, &http, now));
    }

    /// The model is asked, with `body` as sent — any API key in it blanked.
    pub(super) fn record_llm_request(&self, model: &str, body: &str) {
        let body = self.without_secrets(body);
        self.record(|t, now| t.llm_request(model, body, now));
    }

    /// The model answered with `text`.
    pub(super) fn record_llm_response(&self, text: &str) {
        let text = self.without_secrets(text);
        self.record(|t, now| t.llm_response(None, text, now));
    }

    /// The page did `kind` by itself (`rule-answer`), as `label` says, `detail` saying how.
    pub(super) fn record_mark(&self, kind: &str, label: String, detail: String) {
        self.record(|t, now| t.mark(kind, label, detail, now));
    }

    /// The person did `kind` (`call-tool`, `edit`, `approve`, `reject`), as `label` says.
    pub(super) fn record_person(&self, kind: &str, label: String) {
        self.record(|t, now| t.person(kind, label, now));
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

    /// Offers the timeline as a Mermaid `sequenceDiagram` download.
    pub fn export_mermaid(&self) -> Result<(), String> {
        let text = self.state.timeline.with_untracked(Timeline::mermaid);
        download::save_text("mcp-desk-timeline.mmd", "text/plain", &text)
    }

    /// Offers the timeline as drawn, as an SVG file.
    pub fn export_svg(&self) -> Result<(), String> {
        let svg = page::markup_of("timeline").ok_or("The timeline is not on the page.")?;
        download::save_text("mcp-desk-timeline.svg", "image/svg+xml", &svg)
    }
}
