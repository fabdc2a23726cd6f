//! The CORS doctor at work: when a connect or a call fails in the browser, find out why by
//! asking the server a few questions (`browser::probe`), and put the diagnosis and its fix
//! (`mcp_desk_logic::cors_doctor`) in the tab and the log.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_desk_logic::cors_doctor::{self, Answers, Diagnosis, MCP_HEADERS, Permission, Triage};
use mcp_desk_protocol::{Error, LogLevel, LogSource};

use super::Controller;
use crate::browser::{clipboard, page, probe};
use crate::state::ServerId;

/// A value each header question sends (only whether it passes CORS matters).
fn sample_value(header: &str) -> &'static str {
    match header {
        "Mcp-Protocol-Version" => "2025-11-25",
        "Last-Event-ID" => "0",
        "Mcp-Method" | "Mcp-Name" => "ping",
        _ => "mcp-desk-cors-probe",
    }
}

impl Controller {
    /// A connect or a call of tab `server` to `endpoint` failed with `error`: diagnose it if
    /// it is a matter of reaching the server.
    pub(super) fn diagnose(&self, server: ServerId, endpoint: &str, error: &Error) {
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let url = endpoint.to_owned();
        let origin = page::origin().unwrap_or_default();
        // This failure supersedes any diagnosis still being made for an earlier one.
        let round = self.new_doctor_round(server);
        panel.diagnosing.set(false);
        match cors_doctor::triage(&origin, &url, error) {
            Triage::NotReachability => {}
            Triage::Known(diagnosis) => self.show_diagnosis(server, diagnosis, &origin, &url),
            Triage::Ask => {
                let connection = self.connections_made(server);
                panel.diagnosing.set(true);
                let this = self.clone();
                spawn_local(async move {
                    let answers = ask(&url).await;
                    // A newer connection, call or diagnosis of the tab makes these answers
                    // old news.
                    let current = this.connections_made(server) == connection
                        && this.doctor_round(server) == round;
                    if !current {
                        return;
                    }
                    if let Some(panel) = this.state.panel_of(server) {
                        panel.diagnosing.set(false);
                    }
                    let diagnosis = cors_doctor::diagnose(&origin, &url, &answers);
                    this.show_diagnosis(server, diagnosis, &origin, &url);
                });
            }
        }
    }

    /// Forgets the tab's diagnosis, and any still being made.
    pub(super) fn forget_diagnosis(&self, server: ServerId) {
        self.new_doctor_round(server);
        if let Some(panel) = self.state.panel_of(server) {
            panel.doctor.set(None);
            panel.diagnosing.set(false);
        }
    }

    fn new_doctor_round(&self, server: ServerId) -> u32 {
        let mut tabs = self.live.tabs.borrow_mut();
        let tab = tabs.entry(server).or_default();
        tab.doctor_round += 1;
        tab.doctor_round
    }

    fn doctor_round(&self, server: ServerId) -> u32 {
        self.live
            .tabs
            .borrow()
            .get(&server)
            .map_or(0, |tab| tab.doctor_round)
    }

    fn show_diagnosis(&self, server: ServerId, diagnosis: Diagnosis, origin: &str, url: &str) {
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let advice = cors_doctor::advise(diagnosis, origin, url);
        self.state.push_log(
            LogLevel::Warning,
            LogSource::Client,
            format!("Why it failed: {}", advice.summary),
        );
        panel.doctor.set(Some(advice));
    }

    /// Copies a suggested fix to the clipboard.
    pub fn copy_text(&self, text: String) {
        let state = self.state;
        spawn_local(async move {
            if !clipboard::copy(&text).await {
                state.push_log(
                    LogLevel::Warning,
                    LogSource::Client,
                    "The browser did not let the page copy; select the text and copy it by hand."
                        .into(),
                );
            }
        });
    }
}

/// Asks the server at `url` what the doctor needs to know, stopping once the answer is clear.
async fn ask(url: &str) -> Answers {
    let mut answers = Answers {
        local_network: probe::local_network_permission()
            .await
            .as_deref()
            .and_then(Permission::parse),
        ..Answers::default()
    };
    answers.reached = probe::reaches(url).await;
    if !answers.reached {
        return answers;
    }
    answers.readable = probe::readable(url, "text/plain", &[]).await;
    answers.preflight_passed = probe::readable(url, "application/json", &[]).await;
    if !(answers.readable && answers.preflight_passed) {
        return answers;
    }
    for header in MCP_HEADERS {
        if !probe::readable(url, "application/json", &[(header, sample_value(header))]).await {
            answers.refused_headers.push(header);
        }
    }
    answers
}
