//! What several protocol test files need alike: the session's queued requests and events
//! drained, and a request's JSON body. (Each test file compiles this on its own and uses part
//! of it.)
#![allow(dead_code)]

use mcp_desk_protocol::{ClientSession, Event, HttpRequest, Transmit};
use serde_json::Value;

/// Everything the session wants sent, and has to say, drained (aborts left out).
pub fn drain(s: &mut ClientSession) -> (Vec<HttpRequest>, Vec<Event>) {
    let mut sends = Vec::new();
    while let Some(t) = s.poll_transmit() {
        if let Transmit::Send(r) = t {
            sends.push(r);
        }
    }
    let mut events = Vec::new();
    while let Some(e) = s.poll_event() {
        events.push(e);
    }
    (sends, events)
}

/// A request's JSON body (`null` when it has none).
pub fn body(req: &HttpRequest) -> Value {
    serde_json::from_str(req.body.as_deref().unwrap_or("null")).unwrap()
}
