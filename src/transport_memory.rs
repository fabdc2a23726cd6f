//! How each server was reached when this tab last connected to it, so a reconnect (or a
//! reload) goes straight there instead of probing the newer revisions that failed before.
//! Kept in `sessionStorage`, keyed by the URL without its credentials: a wrong guess only
//! costs the session one failed attempt before it negotiates from the newest revision. (A
//! server upgraded to a newer revision meanwhile is met the old way until the tab closes.)

use mcp_desk_protocol::Transport;
use mcp_desk_protocol::redact;

use crate::browser::storage;

fn slot(url: &str) -> String {
    format!("mcp-desk.transport.{}", redact::url(url.trim()))
}

/// How `url` was reached last time, if this tab knows.
pub fn recall(url: &str) -> Option<Transport> {
    match storage::session_get(&slot(url))?.as_str() {
        "stateless" => Some(Transport::Stateless),
        "stateful" => Some(Transport::Stateful),
        "legacy-sse" => Some(Transport::LegacySse),
        _ => None,
    }
}

/// Notes how `url` was just reached.
pub fn remember(url: &str, transport: Transport) {
    let id = match transport {
        Transport::Stateless => "stateless",
        Transport::Stateful => "stateful",
        Transport::LegacySse => "legacy-sse",
    };
    storage::session_set(&slot(url), id);
}
