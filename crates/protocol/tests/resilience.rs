//! The 2025 paths when things go wrong or a person changes their mind: resumable streams,
//! expired sessions, cancellation both ways, logging levels and ping.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use mcp_desk_protocol::model::LoggingLevel;
use mcp_desk_protocol::model::{CreateMessageResult, SamplingMessage};
use mcp_desk_protocol::{
    ClientSession, Doing, Error, Event, Failure, Gone, HttpMethod, HttpRequest, PendingSampling,
    ResponseHead, Revision, SessionConfig, TransferId, Transmit,
};
use serde_json::{Value, json};

fn drain(s: &mut ClientSession) -> (Vec<HttpRequest>, Vec<TransferId>, Vec<Event>) {
    let (mut sends, mut aborts, mut events) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(t) = s.poll_transmit() {
        match t {
            Transmit::Send(r) => sends.push(r),
            Transmit::Abort(t) => aborts.push(t),
        }
    }
    while let Some(e) = s.poll_event() {
        events.push(e);
    }
    (sends, aborts, events)
}

fn body(req: &HttpRequest) -> Value {
    serde_json::from_str(req.body.as_deref().expect("a body")).expect("JSON")
}

fn sse() -> ResponseHead {
    ResponseHead::new(200).with_header("content-type", "text/event-stream")
}

fn event(id: &str, message: &Value) -> String {
    format!("id: {id}\ndata: {message}\n\n")
}

/// A ready 2025-11-25 session (server with tools and logging); returns it and its GET stream.
fn ready(capabilities: Value) -> (ClientSession, TransferId) {
    let mut s = ClientSession::new(SessionConfig {
        url: "http://127.0.0.1:9/mcp".into(),
        client_name: "mcp-desk".into(),
        client_version: "0".into(),
        revision: Some(Revision::V2025_11_25),
        known_transport: None,
        log_level: None,
        roots: Vec::new(),
    });
    s.connect(0);
    let (reqs, _, _) = drain(&mut s);
    let init = json!({"jsonrpc": "2.0", "id": 0, "result": {
        "protocolVersion": "2025-11-25", "capabilities": capabilities,
        "serverInfo": {"name": "srv", "version": "1"}}});
    s.on_response(
        0,
        reqs[0].transfer,
        ResponseHead::new(200)
            .with_header("content-type", "application/json")
            .with_header("mcp-session-id", "sess-1"),
    );
    s.on_body(0, reqs[0].transfer, init.to_string().as_bytes());
    s.on_end(0, reqs[0].transfer);
    let (reqs, _, _) = drain(&mut s);
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    let (reqs, _, _) = drain(&mut s);
    let get = reqs
        .iter()
        .find(|r| r.method == HttpMethod::Get)
        .expect("GET stream")
        .transfer;
    (s, get)
}

fn call(s: &mut ClientSession) -> (mcp_desk_protocol::CallId, HttpRequest) {
    let call = s.call_tool(0, "t", Default::default());
    let (reqs, _, _) = drain(s);
    (call, reqs[0].clone())
}

fn sampling(id: u64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}], "maxTokens": 9}})
}

/// The sampling request the events announce.
fn requested(events: &[Event]) -> PendingSampling {
    events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.clone()),
            _ => None,
        })
        .expect("a sampling request")
}

#[test]
fn a_dropped_call_stream_resumes_with_last_event_id_and_keeps_the_pending_sampling_request() {
    let (mut s, _) = ready(json!({"tools": {}}));
    let (call, req) = call(&mut s);
    let rpc_id = body(&req)["id"].clone();
    s.on_response(0, req.transfer, sse());
    s.on_body(0, req.transfer, b"id: 0/0\nretry: 1500\ndata: \n\n");
    s.on_body(0, req.transfer, event("0/1", &sampling(5)).as_bytes());
    let (_, _, events) = drain(&mut s);
    let pending = requested(&events);
    // The connection breaks mid-stream.
    s.on_failure(
        0,
        req.transfer,
        "The connection broke while reading the answer",
    );
    let (reqs, _, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { .. } | Event::InputGone { .. })),
        "{events:?}"
    );
    // Nothing goes out before the server's retry has passed.
    assert!(reqs.is_empty(), "{reqs:?}");
    assert_eq!(s.poll_timeout(), Some(1500), "after the server's retry");
    s.handle_timeout(1499);
    assert!(drain(&mut s).0.is_empty());
    s.handle_timeout(1500);
    let (reqs, _, _) = drain(&mut s);
    let resume = &reqs[0];
    assert_eq!(resume.method, HttpMethod::Get);
    assert_eq!(resume.header("last-event-id"), Some("0/1"));
    assert_eq!(resume.header("mcp-session-id"), Some("sess-1"));

    // The person answers meanwhile; the answer is POSTed as usual.
    let answer = CreateMessageResult::new(SamplingMessage::assistant_text("ok"), "m".into());
    s.answer_sampling(0, pending.input, &answer).unwrap();
    let (reqs, _, _) = drain(&mut s);
    assert_eq!(body(&reqs[0])["id"], 5);

    // The result arrives on the resumed stream.
    s.on_response(0, resume.transfer, sse());
    let result = json!({"jsonrpc": "2.0", "id": rpc_id, "result": {"content": [{"type": "text", "text": "done"}]}});
    s.on_body(0, resume.transfer, event("0/2", &result).as_bytes());
    let (_, _, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFinished { call: c, .. } if *c == call))
    );
}

#[test]
fn a_stream_without_event_ids_cannot_resume_and_the_call_fails_clearly() {
    let (mut s, _) = ready(json!({"tools": {}}));
    let (call, req) = call(&mut s);
    s.on_response(0, req.transfer, sse());
    s.on_end(0, req.transfer);
    let (reqs, _, events) = drain(&mut s);
    assert!(reqs.is_empty());
    assert!(events.contains(&Event::ToolCallFailed {
        call,
        error: Error::new(
            Doing::CallingTool {
                tool: "t".into(),
                round: 0
            },
            Failure::EndedEarly
        )
    }));
}

#[test]
fn resuming_gives_up_after_a_few_attempts() {
    let (mut s, _) = ready(json!({"tools": {}}));
    let (call, req) = call(&mut s);
    s.on_response(0, req.transfer, sse());
    s.on_body(0, req.transfer, b"id: a\ndata: \n\n");
    s.on_end(0, req.transfer);
    let mut resumed = 0;
    let mut now = 0;
    loop {
        now += 1000;
        s.handle_timeout(now);
        let (reqs, _, events) = drain(&mut s);
        if events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, error } if *c == call && error.failure == Failure::EndedEarly))
        {
            break;
        }
        let resume = &reqs[0];
        assert_eq!(resume.header("last-event-id"), Some("a"));
        resumed += 1;
        assert!(resumed <= 100, "stops resuming");
        s.on_response(now, resume.transfer, sse());
        s.on_end(now, resume.transfer);
    }
    assert_eq!(resumed, 100, "resumed a hundred times, then gave up");
}

#[test]
fn an_expired_session_starts_a_new_one_and_reports_what_was_lost() {
    let (mut s, _) = ready(json!({"tools": {}}));
    let (call, req) = call(&mut s);
    s.on_response(
        0,
        req.transfer,
        ResponseHead::new(404).with_header("content-type", "text/plain"),
    );
    s.on_body(0, req.transfer, b"Session not found");
    s.on_end(0, req.transfer);
    let (reqs, aborts, events) = drain(&mut s);
    assert!(!aborts.is_empty(), "the old session's streams are closed");
    assert!(events.iter().any(|e| matches!(e, Event::ToolCallFailed { call: c, error } if *c == call && error.failure == Failure::SessionExpired)));
    let init = reqs
        .iter()
        .find(|r| {
            r.body
                .as_deref()
                .is_some_and(|b| b.contains("\"initialize\""))
        })
        .expect("initialize again");
    assert_eq!(init.header("mcp-session-id"), None);
    assert_eq!(body(init)["params"]["protocolVersion"], "2025-11-25");
}

#[test]
fn cancelling_a_call_tells_a_2025_server_and_drops_its_stream() {
    let (mut s, _) = ready(json!({"tools": {}}));
    let (call, req) = call(&mut s);
    let rpc_id = body(&req)["id"].clone();
    s.on_response(0, req.transfer, sse());
    s.cancel_call(0, call, "Cancelled by the person");
    let (reqs, aborts, events) = drain(&mut s);
    assert_eq!(aborts, [req.transfer]);
    let note = body(&reqs[0]);
    assert_eq!(note["method"], "notifications/cancelled");
    assert_eq!(note["params"]["requestId"], rpc_id);
    assert!(note.get("id").is_none());
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallCancelled { call: c, .. } if *c == call))
    );
    // A late answer for it is ignored, not shown as a result.
    let late = json!({"jsonrpc": "2.0", "id": rpc_id, "result": {"content": []}});
    s.on_body(0, req.transfer, format!("data: {late}\n\n").as_bytes());
    let (_, _, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFinished { .. }))
    );
}

#[test]
fn a_server_cancelling_its_sampling_request_removes_it_with_a_reason() {
    let (mut s, get) = ready(json!({"tools": {}}));
    s.on_response(0, get, sse());
    s.on_body(0, get, event("1", &sampling(3)).as_bytes());
    let (_, _, events) = drain(&mut s);
    let input = requested(&events).input;
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3, "reason": "timeout"}});
    s.on_body(0, get, event("2", &cancel).as_bytes());
    let (_, _, events) = drain(&mut s);
    assert!(events.contains(&Event::InputGone {
        input,
        reason: Gone::ServerCancelled(Some("timeout".into()))
    }));
    let answer = CreateMessageResult::new(SamplingMessage::assistant_text("late"), "m".into());
    assert!(
        s.answer_sampling(0, input, &answer).is_err(),
        "nothing is sent for a cancelled request"
    );
}

/// A sampling request that came on a tool call's stream, and its input id.
fn sampling_during_call(
    s: &mut ClientSession,
    id: u64,
) -> (
    mcp_desk_protocol::CallId,
    HttpRequest,
    mcp_desk_protocol::InputId,
) {
    let (call, req) = call(s);
    s.on_response(0, req.transfer, sse());
    s.on_body(0, req.transfer, event("0/1", &sampling(id)).as_bytes());
    let (_, _, events) = drain(s);
    let pending = requested(&events);
    assert_eq!(pending.related_call.map(|r| r.call), Some(call));
    (call, req, pending.input)
}

#[test]
fn a_call_that_ends_while_its_sampling_request_waits_takes_the_request_out_of_the_queue() {
    let (mut s, _) = ready(json!({"tools": {}}));
    let (call, req, input) = sampling_during_call(&mut s, 7);
    assert!(s.is_pending(input));
    let rpc_id = body(&req)["id"].clone();
    let result = json!({"jsonrpc": "2.0", "id": rpc_id, "result": {"content": [{"type": "text", "text": "gave up waiting"}], "isError": true}});
    s.on_body(0, req.transfer, event("0/2", &result).as_bytes());
    s.on_end(0, req.transfer);
    let (sends, _, events) = drain(&mut s);
    let cancelled = events
        .iter()
        .position(|e| {
            *e == Event::InputGone {
                input,
                reason: Gone::CallEnded { tool: "t".into() },
            }
        })
        .expect("the request leaves the queue with the reason");
    let finished = events
        .iter()
        .position(|e| matches!(e, Event::ToolCallFinished { call: c, .. } if *c == call))
        .expect("the call's result is still shown");
    assert!(
        cancelled < finished,
        "the queue is cleared before the result shows"
    );
    assert!(sends.is_empty(), "the server is not sent anything for it");
    assert!(!s.is_pending(input), "nobody waits for it any more");
    let answer = CreateMessageResult::new(SamplingMessage::assistant_text("late"), "m".into());
    assert!(s.answer_sampling(0, input, &answer).is_err());
}

#[test]
fn a_call_that_fails_or_is_cancelled_takes_its_sampling_requests_along_but_not_others() {
    let (mut s, get) = ready(json!({"tools": {}}));
    s.on_response(0, get, sse());
    s.on_body(0, get, event("1", &sampling(3)).as_bytes());
    let (_, _, events) = drain(&mut s);
    let unrelated = requested(&events).input;

    let (_, req, failing) = sampling_during_call(&mut s, 8);
    let rpc_id = body(&req)["id"].clone();
    let error = json!({"jsonrpc": "2.0", "id": rpc_id, "error": {"code": -32001, "message": "Request timed out"}});
    s.on_body(0, req.transfer, event("0/2", &error).as_bytes());
    let (_, _, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::InputGone { input: i, .. } if *i == failing))
    );

    let (call, _, cancelled) = sampling_during_call(&mut s, 9);
    s.cancel_call(0, call, "changed my mind");
    let (_, _, events) = drain(&mut s);
    assert!(events.contains(&Event::InputGone {
        input: cancelled,
        reason: Gone::CallCancelled
    }));

    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::InputGone { input: i, .. } if *i == unrelated)),
        "a request that belongs to no call stays"
    );
    let answer = CreateMessageResult::new(SamplingMessage::assistant_text("ok"), "m".into());
    assert!(s.answer_sampling(0, unrelated, &answer).is_ok());
}

#[test]
fn a_call_stream_that_breaks_beyond_resuming_leaves_its_sampling_request_answerable() {
    let (mut s, _) = ready(json!({"tools": {}}));
    let (call, req) = call(&mut s);
    s.on_response(0, req.transfer, sse());
    // No event ids: the stream cannot be resumed.
    s.on_body(
        0,
        req.transfer,
        format!("data: {}\n\n", sampling(11)).as_bytes(),
    );
    let (_, _, events) = drain(&mut s);
    let input = requested(&events).input;
    s.on_failure(
        0,
        req.transfer,
        "The connection broke while reading the answer",
    );
    let (_, _, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call)),
        "{events:?}"
    );
    // A broken connection is not a cancellation: the server may still wait for the answer.
    assert!(
        !events.iter().any(|e| matches!(e, Event::InputGone { .. })),
        "{events:?}"
    );
    assert!(s.is_pending(input));
    let answer = CreateMessageResult::new(SamplingMessage::assistant_text("ok"), "m".into());
    s.answer_sampling(0, input, &answer).unwrap();
    let (sends, _, _) = drain(&mut s);
    assert_eq!(body(&sends[0])["id"], 11);
}

#[test]
fn the_log_level_is_sent_to_servers_that_log() {
    let (mut s, _) = ready(json!({"tools": {}, "logging": {}}));
    s.set_log_level(0, LoggingLevel::Debug);
    let (reqs, _, _) = drain(&mut s);
    let set = body(&reqs[0]);
    assert_eq!(set["method"], "logging/setLevel");
    assert_eq!(set["params"]["level"], "debug");

    let (mut quiet, _) = ready(json!({"tools": {}}));
    quiet.set_log_level(0, LoggingLevel::Debug);
    let (reqs, _, _) = drain(&mut quiet);
    assert!(reqs.is_empty(), "no logging capability, no request");
}

#[test]
fn a_ping_is_answered_and_one_is_sent_when_due() {
    let (mut s, get) = ready(json!({"tools": {}}));
    s.on_response(0, get, sse());
    s.on_body(
        0,
        get,
        event(
            "1",
            &json!({"jsonrpc": "2.0", "id": "p1", "method": "ping"}),
        )
        .as_bytes(),
    );
    let (reqs, _, _) = drain(&mut s);
    assert_eq!(
        body(&reqs[0]),
        json!({"jsonrpc": "2.0", "id": "p1", "result": {}})
    );
    // The client's own pings follow the cadence (see timers.rs).
    s.handle_timeout(mcp_desk_protocol::session::PING_EVERY_MS);
    let (reqs, _, _) = drain(&mut s);
    assert!(reqs.iter().any(|r| body(r)["method"] == "ping"), "{reqs:?}");
}

#[test]
fn the_standalone_stream_is_reopened_from_its_last_event_but_not_for_ever() {
    let (mut s, get) = ready(json!({"tools": {}}));
    s.on_response(0, get, sse());
    s.on_body(0, get, b"id: s-7\nretry: 2000\ndata: \n\n");
    s.on_end(0, get);
    assert!(drain(&mut s).0.is_empty(), "not before the server's retry");
    assert_eq!(s.poll_timeout(), Some(2000));
    s.handle_timeout(2000);
    let (reqs, _, _) = drain(&mut s);
    let reopen = &reqs[0];
    assert_eq!(reopen.method, HttpMethod::Get);
    assert_eq!(reopen.header("last-event-id"), Some("s-7"));
    let mut current = reopen.transfer;
    let mut reopened = 1;
    let mut now = 2000;
    for _ in 0..10 {
        s.on_response(now, current, sse());
        s.on_end(now, current);
        now += 2000;
        s.handle_timeout(now);
        let (reqs, _, _) = drain(&mut s);
        match reqs.first() {
            Some(r) => {
                current = r.transfer;
                reopened += 1;
            }
            None => break,
        }
    }
    assert!(reopened <= 3, "reopened {reopened} times");
}

#[test]
fn a_request_replayed_on_a_resumed_stream_is_not_shown_twice() {
    let (mut s, _) = ready(json!({"tools": {}}));
    let (_, req) = call(&mut s);
    s.on_response(0, req.transfer, sse());
    s.on_body(0, req.transfer, event("7", &sampling(0)).as_bytes());
    s.on_end(0, req.transfer);
    let (reqs, _, events) = drain(&mut s);
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::SamplingRequested(_)))
            .count(),
        1
    );
    assert!(reqs.is_empty());
    assert_eq!(
        s.poll_timeout(),
        Some(1000),
        "a default wait when the server names none"
    );
    s.handle_timeout(1000);
    let (reqs, _, _) = drain(&mut s);
    let resume = &reqs[0];
    s.on_response(1000, resume.transfer, sse());
    s.on_body(0, resume.transfer, event("7", &sampling(0)).as_bytes());
    let (_, _, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SamplingRequested(_))),
        "{events:?}"
    );
}

#[test]
fn a_request_refused_for_flooding_tells_the_server_why() {
    let (mut s, get) = ready(json!({"tools": {}}));
    s.on_response(0, get, sse());
    s.on_body(0, get, event("1", &sampling(8)).as_bytes());
    let (_, _, events) = drain(&mut s);
    let input = requested(&events).input;
    s.refuse_sampling(0, input, "Too many sampling requests waiting")
        .unwrap();
    let (reqs, _, _) = drain(&mut s);
    let reply = body(&reqs[0]);
    assert_eq!(reply["id"], 8);
    assert_eq!(reply["error"]["code"], -32000);
    assert_eq!(
        reply["error"]["message"],
        "Too many sampling requests waiting"
    );
}

#[test]
fn roots_are_answered_at_once_and_a_change_is_announced() {
    use mcp_desk_protocol::model::Root;
    let (mut s, get) = ready(json!({"tools": {}}));
    let project = Root::new("file:///home/me/project").with_name("Project");
    s.set_roots(0, vec![project.clone()]);
    let (reqs, _, _) = drain(&mut s);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(
        body(&reqs[0]),
        json!({"jsonrpc": "2.0", "method": "notifications/roots/list_changed"})
    );
    assert_eq!(reqs[0].header("mcp-session-id"), Some("sess-1"));
    // The same roots again: nothing to announce.
    s.set_roots(0, vec![project]);
    assert!(drain(&mut s).0.is_empty());

    s.on_response(0, get, sse());
    s.on_body(
        0,
        get,
        event(
            "1",
            &json!({"jsonrpc": "2.0", "id": 7, "method": "roots/list"}),
        )
        .as_bytes(),
    );
    let (reqs, _, events) = drain(&mut s);
    assert_eq!(
        body(&reqs[0]),
        json!({"jsonrpc": "2.0", "id": 7, "result": {"roots": [
            {"uri": "file:///home/me/project", "name": "Project"}
        ]}})
    );
    // Nothing waits for the person.
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SamplingRequested(_))),
        "{events:?}"
    );
}
