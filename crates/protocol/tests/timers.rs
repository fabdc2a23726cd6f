//! The session's timers, rule by rule: it says when it next needs waking
//! (`poll_timeout`), and `handle_timeout` does what was due — a step of connecting that got no
//! answer, a request that got none, a silent tool call, and the ping cadence of 2025 sessions.
//! (Resume delays are in resilience.rs.)
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use mcp_desk_protocol::model::{CreateMessageResult, SamplingMessage};
use mcp_desk_protocol::session::{
    CALL_IDLE_TIMEOUT_MS, CONNECT_TIMEOUT_MS, PING_EVERY_MS, REQUEST_TIMEOUT_MS,
};
use mcp_desk_protocol::{
    ClientSession, Doing, Error, Event, Failure, HttpMethod, HttpRequest, ResponseHead, Revision,
    SessionConfig, Transmit,
};
use serde_json::{Value, json};

fn session(revision: Option<Revision>) -> ClientSession {
    ClientSession::new(SessionConfig {
        url: "http://127.0.0.1:9/mcp".into(),
        client_name: "mcp-desk".into(),
        client_version: "0".into(),
        revision,
        known_transport: None,
        log_level: None,
        roots: Vec::new(),
    })
}

fn drain(s: &mut ClientSession) -> (Vec<HttpRequest>, Vec<u64>, Vec<Event>) {
    let (mut sends, mut aborts, mut events) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(t) = s.poll_transmit() {
        match t {
            Transmit::Send(r) => sends.push(r),
            Transmit::Abort(t) => aborts.push(t.0),
        }
    }
    while let Some(e) = s.poll_event() {
        events.push(e);
    }
    (sends, aborts, events)
}

fn method(req: &HttpRequest) -> Value {
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap_or("{}")).unwrap();
    body["method"].clone()
}

fn json_result(s: &mut ClientSession, now: u64, req: &HttpRequest, result: Value) {
    let id: Value =
        serde_json::from_str::<Value>(req.body.as_deref().unwrap()).unwrap()["id"].clone();
    s.on_response(
        now,
        req.transfer,
        ResponseHead::new(200)
            .with_header("content-type", "application/json")
            .with_header("mcp-session-id", "s-1"),
    );
    s.on_body(
        now,
        req.transfer,
        json!({"jsonrpc": "2.0", "id": id, "result": result})
            .to_string()
            .as_bytes(),
    );
    s.on_end(now, req.transfer);
}

/// A 2025-11-25 session made ready at `now`, with its tools listed.
fn ready_2025(now: u64) -> ClientSession {
    let mut s = session(Some(Revision::V2025_11_25));
    s.connect(now);
    let (reqs, _, _) = drain(&mut s);
    json_result(
        &mut s,
        now,
        &reqs[0],
        json!({"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
               "serverInfo": {"name": "srv", "version": "1"}}),
    );
    let (reqs, _, _) = drain(&mut s);
    s.on_response(now, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(now, reqs[0].transfer);
    let (reqs, _, _) = drain(&mut s);
    let list = reqs.iter().find(|r| method(r) == "tools/list").unwrap();
    json_result(&mut s, now, list, json!({"tools": []}));
    drain(&mut s);
    s
}

#[test]
fn an_idle_session_needs_no_waking_and_a_closed_one_neither() {
    let s = session(None);
    assert_eq!(s.poll_timeout(), None);
    let mut s = ready_2025(0);
    s.disconnect(10);
    drain(&mut s);
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn a_server_silent_on_discover_is_asked_initialize_then_given_up_on() {
    let mut s = session(None);
    s.connect(1_000);
    let (reqs, _, _) = drain(&mut s);
    assert_eq!(method(&reqs[0]), "server/discover");
    assert_eq!(s.poll_timeout(), Some(1_000 + CONNECT_TIMEOUT_MS));
    s.handle_timeout(1_000 + CONNECT_TIMEOUT_MS - 1);
    assert!(drain(&mut s).0.is_empty(), "not a moment early");
    s.handle_timeout(1_000 + CONNECT_TIMEOUT_MS);
    let (reqs, aborts, _) = drain(&mut s);
    assert_eq!(aborts, [0], "the silent discover is given up");
    assert_eq!(method(&reqs[0]), "initialize");
    // initialize gets its own 30 s; silent too, the connection fails naming both.
    let second = 1_000 + 2 * CONNECT_TIMEOUT_MS;
    assert_eq!(s.poll_timeout(), Some(second));
    s.handle_timeout(second);
    let (_, _, events) = drain(&mut s);
    let seconds = CONNECT_TIMEOUT_MS / 1000;
    assert!(
        events.contains(&Event::ConnectFailed {
            error: Error::new(
                Doing::Initializing(Revision::V2025_11_25),
                Failure::TimedOut { seconds }
            ),
            tried: vec![Error::new(
                Doing::Discovering,
                Failure::TimedOut { seconds }
            )],
        }),
        "{events:?}"
    );
    assert!(s.is_closed());
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn a_2025_session_pings_on_its_cadence_and_says_when_the_server_does_not_answer() {
    let mut s = ready_2025(0);
    assert_eq!(s.poll_timeout(), Some(PING_EVERY_MS));
    s.handle_timeout(PING_EVERY_MS);
    let (reqs, _, _) = drain(&mut s);
    assert_eq!(reqs.len(), 1);
    assert_eq!(method(&reqs[0]), "ping");
    assert_eq!(reqs[0].method, HttpMethod::Post);
    // The next ping is due a minute later; the first has a minute to be answered.
    json_result(&mut s, PING_EVERY_MS + 5, &reqs[0], json!({}));
    drain(&mut s);
    assert_eq!(s.poll_timeout(), Some(2 * PING_EVERY_MS));
    s.handle_timeout(2 * PING_EVERY_MS);
    let (reqs, _, _) = drain(&mut s);
    assert_eq!(method(&reqs[0]), "ping");
    // This one is never answered.
    s.handle_timeout(2 * PING_EVERY_MS + REQUEST_TIMEOUT_MS);
    let (_, aborts, events) = drain(&mut s);
    assert!(aborts.contains(&reqs[0].transfer.0));
    assert!(
        events.iter().any(
            |e| matches!(e, Event::Log(l) if l.text.starts_with("The server did not answer ping"))
        ),
        "{events:?}"
    );
    assert!(s.is_ready(), "a missed ping is reported, not fatal");
}

/// A 2026-07-28 session made ready at 0 with one tool.
fn ready_2026() -> ClientSession {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _, _) = drain(&mut s);
    json_result(
        &mut s,
        0,
        &reqs[0],
        json!({"supportedVersions": ["2026-07-28"], "capabilities": {"tools": {}},
               "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "m", "version": "1"}}}),
    );
    let (reqs, _, _) = drain(&mut s);
    json_result(&mut s, 0, &reqs[0], json!({"tools": []}));
    drain(&mut s);
    s
}

#[test]
fn a_2026_session_has_no_ping() {
    let s = ready_2026();
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn a_silent_call_is_cancelled_and_fails_but_progress_keeps_it_alive() {
    let mut s = ready_2025(0);
    let call = s.call_tool(0, "slow", Default::default());
    let (reqs, _, _) = drain(&mut s);
    let req = reqs[0].clone();
    s.on_response(
        0,
        req.transfer,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    // Progress at 4 minutes starts the call's clock again.
    let progress = json!({"jsonrpc": "2.0", "method": "notifications/progress",
        "params": {"progressToken": call.0, "progress": 1, "total": 2}});
    s.on_body(
        240_000,
        req.transfer,
        format!("data: {progress}\n\n").as_bytes(),
    );
    drain(&mut s);
    s.handle_timeout(CALL_IDLE_TIMEOUT_MS);
    let (_, _, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { .. })),
        "{events:?}"
    );
    // Then silence for five minutes: the server is told, the stream closed, the call failed.
    s.handle_timeout(240_000 + CALL_IDLE_TIMEOUT_MS);
    let (sends, aborts, events) = drain(&mut s);
    assert!(aborts.contains(&req.transfer.0));
    let note: Value = serde_json::from_str(
        sends
            .iter()
            .find(|r| method(r) == "notifications/cancelled")
            .expect("the server hears the cancellation")
            .body
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(note["params"]["reason"], "timeout");
    assert!(events.contains(&Event::ToolCallFailed {
        call,
        error: Error::new(
            Doing::CallingTool {
                tool: "slow".into(),
                round: 0
            },
            Failure::TimedOut {
                seconds: CALL_IDLE_TIMEOUT_MS / 1000
            }
        )
    }));
}

#[test]
fn a_call_waits_as_long_as_the_person_reviews_its_request() {
    let mut s = ready_2025(0);
    let call = s.call_tool(0, "asks", Default::default());
    let (reqs, _, _) = drain(&mut s);
    let req = reqs[0].clone();
    s.on_response(
        0,
        req.transfer,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    let ask = json!({"jsonrpc": "2.0", "id": 7, "method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}], "maxTokens": 9}});
    s.on_body(10, req.transfer, format!("data: {ask}\n\n").as_bytes());
    let (_, _, events) = drain(&mut s);
    let input = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .unwrap();
    // An hour of review: the call does not time out (only pings are due meanwhile).
    let hour = 3_600_000;
    let mut now = 0;
    while now < hour {
        now += PING_EVERY_MS;
        s.handle_timeout(now);
        let (_, _, events) = drain(&mut s);
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::ToolCallFailed { .. })),
            "{events:?}"
        );
    }
    // Answered: the server works again, and the call's clock starts from the answer.
    let answer = CreateMessageResult::new(SamplingMessage::assistant_text("ok"), "m".into());
    s.answer_sampling(hour + 1, input, &answer).unwrap();
    drain(&mut s);
    s.handle_timeout(hour + CALL_IDLE_TIMEOUT_MS);
    let (_, _, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { .. }))
    );
    s.handle_timeout(hour + 1 + CALL_IDLE_TIMEOUT_MS);
    let (_, _, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call)),
        "{events:?}"
    );
}

#[test]
fn a_tool_list_that_never_comes_is_given_up_on() {
    let mut s = session(Some(Revision::V2025_11_25));
    s.connect(0);
    let (reqs, _, _) = drain(&mut s);
    json_result(
        &mut s,
        0,
        &reqs[0],
        json!({"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
               "serverInfo": {"name": "srv", "version": "1"}}),
    );
    let (reqs, _, _) = drain(&mut s);
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    let (reqs, _, _) = drain(&mut s);
    let list = reqs.iter().find(|r| method(r) == "tools/list").unwrap();
    s.handle_timeout(REQUEST_TIMEOUT_MS);
    let (_, aborts, events) = drain(&mut s);
    assert!(aborts.contains(&list.transfer.0));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Log(l) if l.text.starts_with("Listing tools failed"))),
        "{events:?}"
    );
}

#[test]
fn a_rejection_after_a_long_review_gives_the_call_its_full_time_again() {
    let mut s = ready_2025(0);
    let call = s.call_tool(0, "asks", Default::default());
    let (reqs, _, _) = drain(&mut s);
    let req = reqs[0].clone();
    s.on_response(
        0,
        req.transfer,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    let ask = json!({"jsonrpc": "2.0", "id": 7, "method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}], "maxTokens": 9}});
    s.on_body(0, req.transfer, format!("data: {ask}\n\n").as_bytes());
    let (_, _, events) = drain(&mut s);
    let input = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .unwrap();
    let hour = 3_600_000;
    s.reject_sampling(hour, input).unwrap();
    drain(&mut s);
    // The server now decides what to do with the refusal; the call is not given up on.
    s.handle_timeout(hour + CALL_IDLE_TIMEOUT_MS - 1);
    let (_, _, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call)),
        "{events:?}"
    );
}

#[test]
fn over_http_sse_a_review_pauses_the_one_running_call_too() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _, _) = drain(&mut s);
    // Not a 2026 server, no Streamable HTTP: the HTTP+SSE stream.
    s.on_response(0, reqs[0].transfer, ResponseHead::new(404));
    s.on_end(0, reqs[0].transfer);
    let (reqs, _, _) = drain(&mut s);
    s.on_response(0, reqs[0].transfer, ResponseHead::new(405));
    s.on_end(0, reqs[0].transfer);
    let (reqs, _, _) = drain(&mut s);
    let stream = reqs[0].transfer;
    s.on_response(
        0,
        stream,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    s.on_body(0, stream, b"event: endpoint\ndata: /message?s=1\n\n");
    let (reqs, _, _) = drain(&mut s);
    let init_id: Value =
        serde_json::from_str::<Value>(reqs[0].body.as_deref().unwrap()).unwrap()["id"].clone();
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    let result = json!({"jsonrpc": "2.0", "id": init_id, "result": {"protocolVersion": "2024-11-05",
        "capabilities": {}, "serverInfo": {"name": "old", "version": "1"}}});
    s.on_body(
        0,
        stream,
        format!("event: message\ndata: {result}\n\n").as_bytes(),
    );
    let (reqs, _, _) = drain(&mut s);
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    drain(&mut s);
    assert!(s.is_ready());
    let call = s.call_tool(0, "asks", Default::default());
    let (reqs, _, _) = drain(&mut s);
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    let ask = json!({"jsonrpc": "2.0", "id": 7, "method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}], "maxTokens": 9}});
    s.on_body(
        0,
        stream,
        format!("event: message\ndata: {ask}\n\n").as_bytes(),
    );
    let (_, _, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::SamplingRequested(_)))
    );
    let input = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .unwrap();
    // An hour of review, pings answered or not: the call is still waited for.
    let failed = |events: &[Event]| {
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call))
    };
    let hour = 3_600_000;
    let mut now = 0;
    while now < hour {
        now += PING_EVERY_MS;
        s.handle_timeout(now);
        let (_, _, events) = drain(&mut s);
        assert!(!failed(&events), "{events:?}");
    }
    // Answered: the call it belongs to gets its full time from the answer on.
    let answer = CreateMessageResult::new(SamplingMessage::assistant_text("ok"), "m".into());
    s.answer_sampling(hour, input, &answer).unwrap();
    drain(&mut s);
    s.handle_timeout(hour + CALL_IDLE_TIMEOUT_MS - 1);
    let (_, _, events) = drain(&mut s);
    assert!(!failed(&events), "{events:?}");
    s.handle_timeout(hour + CALL_IDLE_TIMEOUT_MS);
    let (_, _, events) = drain(&mut s);
    assert!(
        failed(&events),
        "then, silent, it is given up on: {events:?}"
    );
}
