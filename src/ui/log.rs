//! The protocol and server log, and the level of the servers' own messages.
// rmcp marks its logging types deprecated (SEP-2577); the page still sets the servers' level.
#![allow(deprecated)]

use leptos::prelude::*;

use mcp_desk_protocol::LogSource;
use mcp_desk_protocol::model::LoggingLevel;

use crate::controller::Controller;
use crate::state::{AppState, LogRow};

/// The MCP log levels a person can ask a server for, quietest last, by their names.
const SERVER_LEVELS: [(LoggingLevel, &str); 8] = [
    (LoggingLevel::Debug, "debug"),
    (LoggingLevel::Info, "info"),
    (LoggingLevel::Notice, "notice"),
    (LoggingLevel::Warning, "warning"),
    (LoggingLevel::Error, "error"),
    (LoggingLevel::Critical, "critical"),
    (LoggingLevel::Alert, "alert"),
    (LoggingLevel::Emergency, "emergency"),
];

#[component]
pub fn LogPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    // The list is keyed by sequence number only: an update copies numbers, and a row's view
    // is built once, when it first appears (a busy server logs a lot). It is redrawn at most
    // every REDRAW_EVERY, not per line: drawing each line as it came added about a
    // millisecond to every sampling answer (`cargo xtask bench`).
    let redraw = RwSignal::new(());
    let redraw_pending = StoredValue::new(false);
    Effect::new(move |_| {
        state.log.track();
        if !redraw_pending.get_value() {
            redraw_pending.set_value(true);
            set_timeout(
                move || {
                    redraw_pending.set_value(false);
                    redraw.set(());
                },
                REDRAW_EVERY,
            );
        }
    });
    let shown = move || {
        redraw.track();
        state.log.with_untracked(|log| {
            log[log.len().saturating_sub(SHOWN)..]
                .iter()
                .map(|r| r.seq)
                .collect::<Vec<u64>>()
        })
    };
    let row = move |seq: u64| {
        let row = state.log.with_untracked(|log| {
            log.binary_search_by_key(&seq, |r| r.seq)
                .ok()
                .map(|i| log[i].clone())
        });
        row.map(|row| view_row(row, state))
    };
    view! {
        <section class="panel" aria-labelledby="log-heading">
            <h2 id="log-heading">"Log"</h2>
            <label for="log-level">"Server messages from level"</label>
            <select
                id="log-level"
                data-testid="log-level"
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    let level = SERVER_LEVELS.iter().find(|(_, n)| *n == name).map(|(l, _)| *l);
                    controller.set_log_level(level);
                }
            >
                <option value="">"(the server's default)"</option>
                {SERVER_LEVELS.map(|(_, name)| view! { <option value=name>{name}</option> }).collect_view()}
            </select>
            <ol class="log" data-testid="log-list" aria-live="polite">
                <For each=shown key=|seq| *seq children=row/>
            </ol>
        </section>
    }
}

/// How many log lines the page shows (the newest).
const SHOWN: usize = 300;
/// How often, at most, the log list is redrawn.
const REDRAW_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// One log line; a line about a message expands to that message, exactly as it went (read
/// from the timeline when opened).
fn view_row(row: LogRow, state: AppState) -> impl IntoView {
    let source = match row.source {
        LogSource::Client => "client",
        LogSource::Server => "server",
    };
    let message = row.message.map(|seq| {
        let open = RwSignal::new(false);
        let text = move || {
            open.get().then(|| {
                state
                    .timeline
                    .with_untracked(|t| t.arrow(seq).map(|a| a.detail.clone()))
                    .unwrap_or_else(|| {
                        "The message is no longer kept: the timeline keeps the latest ones.".into()
                    })
            })
        };
        view! {
            <details
                class="log-message"
                on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
            >
                <summary>"message"</summary>
                <pre data-testid="log-message">{text}</pre>
            </details>
        }
    });
    view! {
        <li data-testid="log-item" data-id=row.seq.to_string() data-level=row.level.as_str() data-source=source>
            <span class="level">{row.level.as_str()}</span>
            <span class="source">{source}</span>
            <span class="text">{row.text}</span>
            {message}
        </li>
    }
}
