//! The stdio helper: the tab waits until the bridge the person started answers at its URL,
//! then connects to it (`mcp_desk_logic::stdio_bridge` says the command and the URL).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_desk_logic::stdio_bridge;

use super::Controller;
use crate::browser::probe;
use crate::state::{ConnectionStatus, ServerId};

/// How often the helper asks whether the bridge answers, and for how long.
const EVERY: Duration = Duration::from_secs(1);
const TRIES: u32 = 180;

impl Controller {
    /// Points the tab in front at its stdio helper's bridge and connects once it answers.
    pub fn connect_through_bridge(&self) {
        let panel = self.state.panel_untracked();
        let Some(port) = stdio_bridge::parse_port(&panel.stdio_port.get_untracked()) else {
            return panel.status.set(ConnectionStatus::Failed(
                "The bridge's port must be a number from 1 to 65535.".into(),
            ));
        };
        if panel.stdio_command.with_untracked(|c| c.trim().is_empty()) {
            return panel.status.set(ConnectionStatus::Failed(
                "Type the command that starts your stdio server first.".into(),
            ));
        }
        let url = stdio_bridge::url(port);
        self.disconnect_server(panel.id);
        self.forget_diagnosis(panel.id);
        panel.url.set(url.clone());
        panel.forget_connection(ConnectionStatus::WaitingForBridge(url.clone()));
        let wait = {
            let mut tabs = self.live.tabs.borrow_mut();
            let tab = tabs.entry(panel.id).or_default();
            tab.bridge_wait += 1;
            tab.bridge_wait
        };
        self.wait_for_bridge(panel.id, url, wait, TRIES);
    }

    fn wait_for_bridge(&self, id: ServerId, url: String, wait: u32, tries: u32) {
        let this = self.clone();
        spawn_local(async move {
            let answers = probe::reaches(&url).await;
            let Some(panel) = this.state.panel_of(id) else {
                return;
            };
            // A newer wait, connecting elsewhere, disconnecting or editing the URL ends this
            // one.
            let latest = this
                .live
                .tabs
                .borrow()
                .get(&id)
                .is_some_and(|tab| tab.bridge_wait == wait);
            let waiting = panel.status.get_untracked()
                == ConnectionStatus::WaitingForBridge(url.clone())
                && panel.url.with_untracked(|u| u.trim() == url);
            if !(latest && waiting) {
                return;
            }
            if answers {
                return this.connect_server(id);
            }
            if tries == 0 {
                return panel.status.set(ConnectionStatus::Failed(format!(
                    "Nothing answered at {url} for {} minutes: is the bridge command running, on that port?",
                    TRIES / 60
                )));
            }
            let again = this.clone();
            set_timeout(
                move || again.wait_for_bridge(id, url, wait, tries - 1),
                EVERY,
            );
        });
    }
}
