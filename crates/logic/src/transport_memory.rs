//! How each server was reached when this tab last connected to it, so a reconnect (or a
//! reload) goes straight there instead of probing the newer revisions that failed before.
//! The page keeps it in `sessionStorage`, in a slot named by the URL without its credentials:
//! a wrong guess only costs the session one failed attempt before it negotiates from the
//! newest revision. (A server upgraded to a newer revision meanwhile is met the old way until
//! the tab closes.)

use mcp_desk_protocol::Transport;
use mcp_desk_protocol::redact;

/// How each transport is written down.
const IDS: [(Transport, &str); 3] = [
    (Transport::Stateless, "stateless"),
    (Transport::Stateful, "stateful"),
    (Transport::LegacySse, "legacy-sse"),
];

/// The storage slot for `url`.
pub fn slot(url: &str) -> String {
    format!("mcp-desk.transport.{}", redact::url(url.trim()))
}

/// A saved transport read back (`None` for anything unknown).
pub fn decode(saved: &str) -> Option<Transport> {
    IDS.iter().find(|(_, id)| *id == saved).map(|(t, _)| *t)
}

/// How a transport is saved.
pub fn encode(transport: Transport) -> &'static str {
    IDS.iter()
        .find(|(t, _)| *t == transport)
        .map_or("stateful", |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transport_reads_back_and_the_slot_holds_no_token() {
        for (transport, _) in IDS {
            assert_eq!(decode(encode(transport)), Some(transport));
        }
        assert_eq!(decode("carrier-pigeon"), None);
        assert_eq!(
            slot(" http://h/mcp?token=secret "),
            "mcp-desk.transport.http://h/mcp?token=…"
        );
    }
}
