//! How each server was reached when this tab last connected to it, so a reconnect (or a
//! reload) goes straight there instead of probing the newer revisions that failed before.
//! Kept in `sessionStorage`, keyed by the URL without its credentials: a wrong guess only
//! costs the session one failed attempt before it negotiates from the newest revision. (A
//! server upgraded to a newer revision meanwhile is met the old way until the tab closes.)

use mcp_desk_protocol::Transport;
use mcp_desk_protocol::redact;

use crate::browser::storage;

/// How each transport is written down.
const IDS: [(Transport, &str); 3] = [
    (Transport::Stateless, "stateless"),
    (Transport::Stateful, "stateful"),
    (Transport::LegacySse, "legacy-sse"),
];

fn slot(url: &str) -> String {
    format!("mcp-desk.transport.{}", redact::url(url.trim()))
}

/// How `url` was reached last time, if this tab knows.
pub fn recall(url: &str) -> Option<Transport> {
    let saved = storage::session_get(&slot(url))?;
    IDS.iter().find(|(_, id)| *id == saved).map(|(t, _)| *t)
}

/// Notes how `url` was just reached.
pub fn remember(url: &str, transport: Transport) {
    if let Some((_, id)) = IDS.iter().find(|(t, _)| *t == transport) {
        storage::session_set(&slot(url), id);
    }
}
