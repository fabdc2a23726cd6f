//! The session state machine, rule by rule, fed by hand the way a browser would feed it.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use mcp_desk_protocol::elicitation::{Answer, Mode};
use mcp_desk_protocol::model::{CreateMessageResult, SamplingMessage};
use mcp_desk_protocol::{
    AnswerError, ClientSession, Doing, Error, Event, Failure, Gone, HttpMethod, HttpRequest,
    LogLevel, LogSource, ResponseHead, Revision, SessionConfig, TransferId, Transmit,
};
use serde_json::{Value, json};

const URL: &str = "http://127.0.0.1:9/mcp";

fn session() -> ClientSession {
    ClientSession::new(SessionConfig {
        url: URL.into(),
        client_name: "mcp-desk".into(),
        client_version: "0.1.0".into(),
        revision: Some(Revision::V2025_11_25),
        known_transport: None,
        log_level: None,
        roots: Vec::new(),
    })
}

/// Everything the session wants done and has to say, drained.
fn drain(s: &mut ClientSession) -> (Vec<Transmit>, Vec<Event>) {
    let mut transmits = Vec::new();
    while let Some(t) = s.poll_transmit() {
        transmits.push(t);
    }
    let mut events = Vec::new();
    while let Some(e) = s.poll_event() {
        events.push(e);
    }
    (transmits, events)
}

fn sends(transmits: &[Transmit]) -> Vec<HttpRequest> {
    transmits
        .iter()
        .filter_map(|t| match t {
            Transmit::Send(r) => Some(r.clone()),
            Transmit::Abort(_) => None,
        })
        .collect()
}

fn body(req: &HttpRequest) -> Value {
    serde_json::from_str(req.body.as_deref().expect("a body")).expect("JSON body")
}

fn json_head() -> ResponseHead {
    ResponseHead::new(200).with_header("Content-Type", "application/json")
}

fn sse_head() -> ResponseHead {
    ResponseHead::new(200).with_header("content-type", "text/event-stream")
}

/// Answers a request with a JSON body in one go.
fn answer_json(s: &mut ClientSession, t: TransferId, value: Value) {
    s.on_response(0, t, json_head());
    s.on_body(0, t, value.to_string().as_bytes());
    s.on_end(0, t);
}

fn sse_event(value: &Value) -> String {
    format!("event: message\ndata: {value}\n\n")
}

fn init_result() -> Value {
    json!({"protocolVersion": "2025-11-25", "capabilities": {"tools": {"listChanged": true}},
           "serverInfo": {"name": "test-server", "version": "1.2.3"}})
}

/// Brings a session to Ready: returns it and the transfers of the standalone GET and tools/list.
fn ready_session() -> (ClientSession, TransferId, TransferId) {
    let mut s = session();
    s.connect(0);
    let (t, _) = drain(&mut s);
    let init = &sends(&t)[0];
    s.on_response(
        0,
        init.transfer,
        json_head().with_header("mcp-session-id", "sess-1"),
    );
    s.on_body(
        0,
        init.transfer,
        json!({"jsonrpc": "2.0", "id": 0, "result": init_result()})
            .to_string()
            .as_bytes(),
    );
    s.on_end(0, init.transfer);
    let (t, _) = drain(&mut s);
    let confirm = &sends(&t)[0];
    s.on_response(0, confirm.transfer, ResponseHead::new(202));
    s.on_end(0, confirm.transfer);
    let (t, _) = drain(&mut s);
    let reqs = sends(&t);
    assert_eq!(reqs.len(), 2, "standalone GET and tools/list: {reqs:?}");
    (s, reqs[0].transfer, reqs[1].transfer)
}

#[test]
fn connect_posts_initialize_declaring_sampling() {
    let mut s = session();
    s.connect(0);
    let (t, _) = drain(&mut s);
    let reqs = sends(&t);
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, HttpMethod::Post);
    assert_eq!(r.url, URL);
    assert_eq!(
        r.header("accept"),
        Some("application/json, text/event-stream")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("mcp-protocol-version"), None);
    assert_eq!(r.header("mcp-session-id"), None);
    let b = body(r);
    assert_eq!(b["method"], "initialize");
    assert_eq!(b["params"]["protocolVersion"], "2025-11-25");
    assert_eq!(
        b["params"]["capabilities"],
        json!({"elicitation": {"form": {}, "url": {}}, "roots": {"listChanged": true}, "sampling": {"tools": {}},
               "tasks": {"list": {}, "cancel": {},
                         "requests": {"sampling": {"createMessage": {}}, "elicitation": {"create": {}}}}})
    );
    assert_eq!(b["params"]["clientInfo"]["name"], "mcp-desk");
}

#[test]
fn initialize_then_initialized_then_stream_and_tools_with_session_headers() {
    let mut s = session();
    s.connect(0);
    let (t, _) = drain(&mut s);
    let init = sends(&t)[0].clone();
    s.on_response(
        0,
        init.transfer,
        json_head().with_header("Mcp-Session-Id", "abc-123"),
    );
    s.on_body(
        0,
        init.transfer,
        json!({"jsonrpc": "2.0", "id": 0, "result": init_result()})
            .to_string()
            .as_bytes(),
    );
    s.on_end(0, init.transfer);
    let (t, events) = drain(&mut s);
    assert!(events.iter().any(
        |e| matches!(e, Event::Connected { protocol_version, server, .. }
        if protocol_version == "2025-11-25" && server.name == "test-server")
    ));
    let reqs = sends(&t);
    assert_eq!(
        reqs.len(),
        1,
        "nothing but initialized before it is accepted"
    );
    assert_eq!(
        body(&reqs[0]),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"})
    );
    assert_eq!(reqs[0].header("mcp-session-id"), Some("abc-123"));
    assert_eq!(reqs[0].header("mcp-protocol-version"), Some("2025-11-25"));
    assert_eq!(s.session_id(), Some("abc-123"));
    assert!(!s.is_ready());

    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    assert!(s.is_ready());
    let (t, _) = drain(&mut s);
    let reqs = sends(&t);
    assert_eq!(reqs[0].method, HttpMethod::Get);
    assert_eq!(reqs[0].header("accept"), Some("text/event-stream"));
    assert_eq!(reqs[0].header("mcp-session-id"), Some("abc-123"));
    assert_eq!(body(&reqs[1])["method"], "tools/list");
    assert_eq!(reqs[1].header("mcp-protocol-version"), Some("2025-11-25"));
}

#[test]
fn initialize_answered_on_an_sse_stream_with_crlf_and_priming_event() {
    let mut s = session();
    s.connect(0);
    let (t, _) = drain(&mut s);
    let init = sends(&t)[0].transfer;
    s.on_response(0, init, sse_head());
    let stream = format!(
        "id: 0\r\ndata: \r\n\r\nevent: message\r\nid: 1\r\ndata: {}\r\n\r\n",
        json!({"jsonrpc": "2.0", "id": 0, "result": init_result()})
    );
    // Split the stream at an awkward place: inside the CRLF that ends the priming event.
    let (a, b) = stream.as_bytes().split_at(12);
    s.on_body(0, init, a);
    s.on_body(0, init, b);
    s.on_end(0, init);
    let (_, events) = drain(&mut s);
    assert!(
        events.iter().any(|e| matches!(e, Event::Connected { .. })),
        "{events:?}"
    );
}

#[test]
fn a_server_choosing_an_unknown_revision_fails_the_connection() {
    let mut s = session();
    s.connect(0);
    let (t, _) = drain(&mut s);
    let mut result = init_result();
    result["protocolVersion"] = json!("2023-01-01");
    answer_json(
        &mut s,
        sends(&t)[0].transfer,
        json!({"jsonrpc": "2.0", "id": 0, "result": result}),
    );
    let (_, events) = drain(&mut s);
    let failed = events.iter().find_map(|e| match e {
        Event::ConnectFailed { error, .. } => Some(error.clone()),
        _ => None,
    });
    assert_eq!(
        failed.expect("ConnectFailed").failure,
        Failure::UnknownRevision("2023-01-01".into())
    );
    assert!(s.is_closed());
}

#[test]
fn a_network_failure_on_initialize_is_a_connect_failure_with_the_reason() {
    let mut s = session();
    s.connect(0);
    let (t, _) = drain(&mut s);
    s.on_failure(0, sends(&t)[0].transfer, "Failed to fetch (CORS?)");
    let (_, events) = drain(&mut s);
    assert!(events.contains(&Event::ConnectFailed {
        error: Error::new(
            Doing::Initializing(Revision::V2025_11_25),
            Failure::Network("Failed to fetch (CORS?)".into())
        ),
        tried: Vec::new()
    }));
}

#[test]
fn tools_are_listed_across_pages() {
    let (mut s, _get, list) = ready_session();
    let tool = |name: &str| json!({"name": name, "inputSchema": {"type": "object"}});
    answer_json(
        &mut s,
        list,
        json!({"jsonrpc": "2.0", "id": 1, "result": {"tools": [tool("a")], "nextCursor": "p2"}}),
    );
    let (t, events) = drain(&mut s);
    assert!(!events.iter().any(|e| matches!(e, Event::ToolsListed(_))));
    let next = &sends(&t)[0];
    assert_eq!(body(next)["params"], json!({"cursor": "p2"}));
    let id = body(next)["id"].clone();
    answer_json(
        &mut s,
        next.transfer,
        json!({"jsonrpc": "2.0", "id": id, "result": {"tools": [tool("b")]}}),
    );
    let (_, events) = drain(&mut s);
    let names: Vec<String> = events
        .iter()
        .find_map(|e| match e {
            Event::ToolsListed(tools) => Some(tools.iter().map(|t| t.name.to_string()).collect()),
            _ => None,
        })
        .expect("ToolsListed");
    assert_eq!(names, ["a", "b"]);
}

/// Starts a tool call and returns its transfer and JSON-RPC id.
fn start_call(s: &mut ClientSession) -> (mcp_desk_protocol::CallId, TransferId, Value) {
    let call = s.call_tool(
        0,
        "create_blog_post",
        json!({"title": "T", "draft": "D"})
            .as_object()
            .unwrap()
            .clone(),
    );
    let (t, _) = drain(s);
    let req = sends(&t)[0].clone();
    let b = body(&req);
    assert_eq!(b["method"], "tools/call");
    assert_eq!(b["params"]["name"], "create_blog_post");
    assert_eq!(
        b["params"]["arguments"],
        json!({"title": "T", "draft": "D"})
    );
    assert_eq!(req.header("mcp-session-id"), Some("sess-1"));
    (call, req.transfer, b["id"].clone())
}

fn sampling_request(id: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": "Summarise: D"}}],
        "systemPrompt": "Be brief", "maxTokens": 200, "temperature": 0.3,
        "modelPreferences": {"hints": [{"name": "claude-3-5-sonnet"}], "intelligencePriority": 0.6}
    }})
}

fn answer(text: &str) -> CreateMessageResult {
    CreateMessageResult::new(SamplingMessage::assistant_text(text), "mock-model".into())
        .with_stop_reason("endTurn")
}

#[test]
fn sampling_on_the_call_stream_round_trips_and_the_call_finishes() {
    let (mut s, _get, _list) = ready_session();
    let (call, transfer, call_id) = start_call(&mut s);
    s.on_response(0, transfer, sse_head());
    s.on_body(0, transfer, b"id: 0\ndata: \n\n");
    s.on_body(
        0,
        transfer,
        sse_event(&sampling_request(json!(7))).as_bytes(),
    );
    let (_, events) = drain(&mut s);
    let pending = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.clone()),
            _ => None,
        })
        .expect("SamplingRequested");
    assert_eq!(pending.params.max_tokens, 200);
    assert_eq!(pending.params.system_prompt.as_deref(), Some("Be brief"));
    let related = pending.related_call.expect("tied to the tool call");
    assert_eq!(
        (related.call, related.tool.as_str()),
        (call, "create_blog_post")
    );

    s.answer_sampling(0, pending.input, &answer("A summary"))
        .unwrap();
    let (t, _) = drain(&mut s);
    let reply = &sends(&t)[0];
    assert_eq!(reply.method, HttpMethod::Post);
    assert_eq!(reply.header("mcp-session-id"), Some("sess-1"));
    assert_eq!(reply.header("mcp-protocol-version"), Some("2025-11-25"));
    assert_eq!(
        body(reply),
        json!({"jsonrpc": "2.0", "id": 7, "result": {"role": "assistant",
            "content": {"type": "text", "text": "A summary"}, "model": "mock-model", "stopReason": "endTurn"}})
    );
    s.on_response(0, reply.transfer, ResponseHead::new(202));
    s.on_end(0, reply.transfer);

    let result = json!({"jsonrpc": "2.0", "id": call_id, "result": {"content": [{"type": "text", "text": "# T\n> A summary"}]}});
    s.on_body(0, transfer, sse_event(&result).as_bytes());
    s.on_end(0, transfer);
    let (_, events) = drain(&mut s);
    let finished = events.iter().find_map(|e| match e {
        Event::ToolCallFinished { call: c, result } if *c == call => Some(result.clone()),
        _ => None,
    });
    let result = finished.expect("ToolCallFinished");
    assert_eq!(
        result.content[0].as_text().unwrap().text,
        "# T\n> A summary"
    );
    // The answer cannot be sent twice.
    assert!(
        s.answer_sampling(0, pending.input, &answer("again"))
            .is_err()
    );
}

#[test]
fn rejection_sends_the_user_rejected_error() {
    let (mut s, _get, _list) = ready_session();
    let (_, transfer, _) = start_call(&mut s);
    s.on_response(0, transfer, sse_head());
    s.on_body(
        0,
        transfer,
        sse_event(&sampling_request(json!("req-a"))).as_bytes(),
    );
    let (_, events) = drain(&mut s);
    let Some(Event::SamplingRequested(p)) = events
        .into_iter()
        .find(|e| matches!(e, Event::SamplingRequested(_)))
    else {
        panic!("no sampling request");
    };
    s.reject_sampling(0, p.input).unwrap();
    let (t, _) = drain(&mut s);
    assert_eq!(
        body(&sends(&t)[0]),
        json!({"jsonrpc": "2.0", "id": "req-a", "error": {"code": -1, "message": "User rejected sampling request"}})
    );
}

#[test]
fn an_answer_with_the_wrong_role_is_refused_and_the_request_stays_pending() {
    let (mut s, get, _list) = ready_session();
    s.on_response(0, get, sse_head());
    s.on_body(0, get, sse_event(&sampling_request(json!(1))).as_bytes());
    let (_, events) = drain(&mut s);
    let Some(Event::SamplingRequested(p)) = events
        .into_iter()
        .find(|e| matches!(e, Event::SamplingRequested(_)))
    else {
        panic!("no sampling request");
    };
    assert!(
        p.related_call.is_none(),
        "the GET stream belongs to no call"
    );
    let wrong = CreateMessageResult::new(SamplingMessage::user_text("x"), "m".into());
    assert_eq!(
        s.answer_sampling(0, p.input, &wrong),
        Err(AnswerError::NotAssistant)
    );
    assert!(s.answer_sampling(0, p.input, &answer("ok")).is_ok());
}

#[test]
fn a_server_cancel_withdraws_the_pending_request() {
    let (mut s, get, _list) = ready_session();
    s.on_response(0, get, sse_head());
    s.on_body(0, get, sse_event(&sampling_request(json!(4))).as_bytes());
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 4, "reason": "timeout"}});
    s.on_body(0, get, sse_event(&cancel).as_bytes());
    let (_, events) = drain(&mut s);
    let input = events.iter().find_map(|e| match e {
        Event::SamplingRequested(p) => Some(p.input),
        _ => None,
    });
    assert!(events.contains(&Event::InputGone {
        input: input.unwrap(),
        reason: Gone::ServerCancelled(Some("timeout".into()))
    }));
    assert!(
        s.answer_sampling(0, input.unwrap(), &answer("late"))
            .is_err()
    );
}

#[test]
fn a_malformed_sampling_request_is_refused_with_invalid_params() {
    let (mut s, get, _list) = ready_session();
    s.on_response(0, get, sse_head());
    let bad = json!({"jsonrpc": "2.0", "id": 9, "method": "sampling/createMessage", "params": {"messages": "nope"}});
    s.on_body(0, get, sse_event(&bad).as_bytes());
    let (t, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SamplingRequested(_)))
    );
    assert!(events.iter().any(|e| matches!(e, Event::Log(l) if l.level == LogLevel::Error && l.text.contains("malformed sampling request"))));
    let reply = body(&sends(&t)[0]);
    assert_eq!(reply["id"], 9);
    assert_eq!(reply["error"]["code"], -32602);
}

#[test]
fn ping_is_answered_and_unknown_requests_are_refused() {
    let (mut s, get, _list) = ready_session();
    s.on_response(0, get, sse_head());
    s.on_body(
        0,
        get,
        sse_event(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"})).as_bytes(),
    );
    s.on_body(
        0,
        get,
        sse_event(&json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})).as_bytes(),
    );
    let (t, _) = drain(&mut s);
    let replies: Vec<Value> = sends(&t).iter().map(body).collect();
    assert_eq!(replies[0], json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    assert_eq!(replies[1]["error"]["code"], -32601);
}

#[test]
fn an_http_500_fails_the_call_with_status_and_body() {
    let (mut s, _get, _list) = ready_session();
    let (call, transfer, _) = start_call(&mut s);
    s.on_response(
        0,
        transfer,
        ResponseHead::new(500).with_header("content-type", "text/plain"),
    );
    s.on_body(0, transfer, b"database on fire");
    s.on_end(0, transfer);
    let (_, events) = drain(&mut s);
    let error = events.iter().find_map(|e| match e {
        Event::ToolCallFailed { call: c, error } if *c == call => Some(error.clone()),
        _ => None,
    });
    let error = error.expect("ToolCallFailed");
    assert_eq!(
        error.failure,
        Failure::Status {
            status: 500,
            excerpt: "database on fire".into(),
            rpc: None
        }
    );
    assert!(s.is_ready(), "one failed call leaves the session up");
}

#[test]
fn invalid_json_fails_the_call_clearly() {
    let (mut s, _get, _list) = ready_session();
    let (call, transfer, _) = start_call(&mut s);
    s.on_response(0, transfer, json_head());
    s.on_body(0, transfer, br#"{"jsonrpc": "2.0", "id": "#);
    s.on_end(0, transfer);
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, error }
        if *c == call && matches!(&error.failure, Failure::Unusable(why) if why.starts_with("the server sent invalid JSON")))),
        "{events:?}"
    );
}

#[test]
fn a_stream_closed_before_the_result_fails_the_call() {
    let (mut s, _get, _list) = ready_session();
    let (call, transfer, _) = start_call(&mut s);
    s.on_response(0, transfer, sse_head());
    // No event id: nothing to resume from.
    s.on_body(0, transfer, b": keep-alive\n\n");
    s.on_end(0, transfer);
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, error }
        if *c == call && error.failure == Failure::EndedEarly)),
        "{events:?}"
    );
}

#[test]
fn a_404_with_a_session_says_the_session_expired() {
    let (mut s, _get, _list) = ready_session();
    let (_, transfer, _) = start_call(&mut s);
    s.on_response(0, transfer, ResponseHead::new(404));
    s.on_end(0, transfer);
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { error, .. }
        if error.failure == Failure::SessionExpired)),
        "{events:?}"
    );
}

#[test]
fn a_json_rpc_error_names_the_method_and_message() {
    let (mut s, _get, _list) = ready_session();
    let (_, transfer, id) = start_call(&mut s);
    answer_json(
        &mut s,
        transfer,
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32602, "message": "Unknown tool"}}),
    );
    let (_, events) = drain(&mut s);
    assert!(events.iter().any(|e| matches!(e, Event::ToolCallFailed { error, .. }
        if matches!(&error.doing, Doing::CallingTool { tool, round: 0 } if tool == "create_blog_post")
            && error.rpc().is_some_and(|r| r.code.0 == -32602 && r.message == "Unknown tool"))));
}

#[test]
fn the_standalone_stream_may_be_refused_with_405() {
    let (mut s, get, _list) = ready_session();
    s.on_response(0, get, ResponseHead::new(405));
    s.on_end(0, get);
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, Event::Log(l) if l.level >= LogLevel::Warning)),
        "{events:?}"
    );
    assert!(s.is_ready());
}

#[test]
fn progress_and_server_logs_are_reported() {
    let (mut s, _get, _list) = ready_session();
    let (call, transfer, _) = start_call(&mut s);
    s.on_response(0, transfer, sse_head());
    let progress = json!({"jsonrpc": "2.0", "method": "notifications/progress",
        "params": {"progressToken": call.0, "progress": 2, "total": 4, "message": "half"}});
    let log = json!({"jsonrpc": "2.0", "method": "notifications/message",
        "params": {"level": "warning", "logger": "demo", "data": "careful"}});
    s.on_body(
        0,
        transfer,
        format!("{}{}", sse_event(&progress), sse_event(&log)).as_bytes(),
    );
    let (_, events) = drain(&mut s);
    assert!(events.iter().any(
        |e| matches!(e, Event::Progress { call: c, progress, total: Some(t), message: Some(m) }
        if *c == call && *progress == 2.0 && *t == 4.0 && m == "half")
    ));
    assert!(events.iter().any(|e| matches!(e, Event::Log(l)
        if l.source == LogSource::Server && l.level == LogLevel::Warning && l.text == "[demo] careful")));
}

#[test]
fn disconnect_aborts_everything_fails_what_waits_and_deletes_the_session() {
    let (mut s, get, _list) = ready_session();
    let (call, transfer, _) = start_call(&mut s);
    s.on_response(0, get, sse_head());
    s.on_body(0, get, sse_event(&sampling_request(json!(3))).as_bytes());
    drain(&mut s);
    s.disconnect(0);
    let (t, events) = drain(&mut s);
    let aborted: Vec<TransferId> = t
        .iter()
        .filter_map(|t| match t {
            Transmit::Abort(id) => Some(*id),
            Transmit::Send(_) => None,
        })
        .collect();
    assert!(aborted.contains(&get) && aborted.contains(&transfer));
    let delete = sends(&t).pop().expect("DELETE");
    assert_eq!(delete.method, HttpMethod::Delete);
    assert_eq!(delete.header("mcp-session-id"), Some("sess-1"));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call))
    );
    assert!(events.iter().any(|e| matches!(e, Event::InputGone { .. })));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Disconnected { .. }))
    );
    assert!(s.is_closed());
}

#[test]
fn calling_before_connecting_fails_at_once() {
    let mut s = session();
    let call = s.call_tool(0, "x", Default::default());
    let (t, events) = drain(&mut s);
    assert!(t.is_empty());
    assert!(events.iter().any(|e| matches!(e, Event::ToolCallFailed { call: c, error } if *c == call && error.failure == Failure::NotConnected)));
}

#[test]
fn a_notification_list_change_refreshes_the_tools() {
    let (mut s, get, _list) = ready_session();
    s.on_response(0, get, sse_head());
    s.on_body(
        0,
        get,
        sse_event(&json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}))
            .as_bytes(),
    );
    let (t, _) = drain(&mut s);
    assert_eq!(body(&sends(&t)[0])["method"], "tools/list");
}

#[test]
fn a_server_without_a_version_is_named_without_a_dangling_space() {
    for (version, said) in [
        (
            "1.2.3",
            "Connected to test-server 1.2.3 with protocol revision 2025-11-25",
        ),
        (
            "",
            "Connected to test-server with protocol revision 2025-11-25",
        ),
    ] {
        let mut s = session();
        s.connect(0);
        let (t, _) = drain(&mut s);
        let mut result = init_result();
        result["serverInfo"]["version"] = json!(version);
        answer_json(
            &mut s,
            sends(&t)[0].transfer,
            json!({"jsonrpc": "2.0", "id": 0, "result": result}),
        );
        let (_, events) = drain(&mut s);
        let connected: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Log(l) if l.text.starts_with("Connected to") => Some(l.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(connected, [said]);
    }
}

/// Logs of a drained batch of events, as text.
fn logs(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Log(l) => Some(l.text.clone()),
            _ => None,
        })
        .collect()
}

/// A URL elicitation on the call's stream (2025-11-25): it waits for the person tied to the
/// call; accepting posts `{action: "accept"}` with no content; the server's completion notice
/// for that id is heard, one for an id this client never opened is ignored.
#[test]
fn a_url_elicitation_round_trips_and_only_its_own_completion_is_heard() {
    let (mut s, _get, _list) = ready_session();
    let (call, transfer, _) = start_call(&mut s);
    s.on_response(0, transfer, sse_head());
    s.on_body(
        0,
        transfer,
        sse_event(&json!({"jsonrpc": "2.0", "id": 5, "method": "elicitation/create", "params": {
            "mode": "url", "message": "Link your account", "url": "https://auth.example/connect?e=1",
            "elicitationId": "el-1"}}))
        .as_bytes(),
    );
    let (t, events) = drain(&mut s);
    assert!(sends(&t).is_empty());
    let pending = events
        .iter()
        .find_map(|e| match e {
            Event::ElicitationRequested(p) => Some(p.clone()),
            _ => None,
        })
        .expect("ElicitationRequested");
    assert_eq!(pending.elicitation.message, "Link your account");
    assert_eq!(
        pending.elicitation.mode,
        Mode::Url {
            url: "https://auth.example/connect?e=1".into(),
            id: Some("el-1".into())
        }
    );
    assert_eq!(pending.related_call.map(|c| c.call), Some(call));
    // Not a sampling request: a sampling answer leaves it waiting.
    assert!(s.answer_sampling(0, pending.input, &answer("no")).is_err());
    s.answer_elicitation(0, pending.input, &Answer::Accept(None))
        .unwrap();
    let (t, _) = drain(&mut s);
    assert_eq!(
        body(&sends(&t)[0]),
        json!({"jsonrpc": "2.0", "id": 5, "result": {"action": "accept"}})
    );
    for (id, said) in [
        (
            "other",
            "Ignored the completion of elicitation other: not one this client opened.",
        ),
        (
            "el-1",
            "The server says the page it asked you to open (elicitation el-1) is done.",
        ),
        (
            "el-1",
            "Ignored the completion of elicitation el-1: not one this client opened.",
        ),
    ] {
        s.on_body(
            0,
            transfer,
            sse_event(&json!({"jsonrpc": "2.0", "method": "notifications/elicitation/complete", "params": {"elicitationId": id}}))
                .as_bytes(),
        );
        let (_, events) = drain(&mut s);
        assert_eq!(logs(&events), [said]);
    }
}

/// A form elicitation without `mode` (2025-06-18) is a form; one that cannot be shown is
/// refused with -32602 and the reason, and the call goes on.
#[test]
fn a_form_elicitation_is_queued_and_a_malformed_one_is_refused_with_the_reason() {
    let (mut s, _get, _list) = ready_session();
    let (_call, transfer, _) = start_call(&mut s);
    s.on_response(0, transfer, sse_head());
    s.on_body(
        0,
        transfer,
        sse_event(&json!({"jsonrpc": "2.0", "id": 6, "method": "elicitation/create", "params": {
            "message": "Your name?", "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}}}))
        .as_bytes(),
    );
    s.on_body(
        0,
        transfer,
        sse_event(&json!({"jsonrpc": "2.0", "id": 7, "method": "elicitation/create", "params": {"mode": "url", "message": "go"}}))
            .as_bytes(),
    );
    // 2025-11-25: a URL elicitation without its elicitationId is refused too.
    s.on_body(
        0,
        transfer,
        sse_event(&json!({"jsonrpc": "2.0", "id": 8, "method": "elicitation/create", "params": {"mode": "url", "message": "go", "url": "https://x.example/"}}))
            .as_bytes(),
    );
    let (t, events) = drain(&mut s);
    let pending: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::ElicitationRequested(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].elicitation.mode.name(), "form");
    let replies: Vec<Value> = sends(&t).iter().map(body).collect();
    assert_eq!(
        replies,
        [
            json!({"jsonrpc": "2.0", "id": 7, "error": {"code": -32602, "message": "Invalid elicitation request: it asks to open a URL but has no url"}}),
            json!({"jsonrpc": "2.0", "id": 8, "error": {"code": -32602, "message": "Invalid elicitation request: it asks to open a URL but has no elicitationId"}})
        ]
    );
    s.answer_elicitation(0, pending[0].input, &Answer::Decline)
        .unwrap();
    let (t, _) = drain(&mut s);
    assert_eq!(
        body(&sends(&t)[0]),
        json!({"jsonrpc": "2.0", "id": 6, "result": {"action": "decline"}})
    );
}

/// The timeline's view of the wire: each message as it went, with its HTTP side.
fn wires(events: &[Event]) -> Vec<(bool, String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Wire {
                sent, text, http, ..
            } => Some((*sent, text.clone(), http.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn every_message_is_reported_as_it_went_with_its_http_side_and_no_credential() {
    let mut s = ClientSession::new(SessionConfig {
        url: "http://127.0.0.1:9/mcp?token=srv-tok-4711".into(),
        client_name: "mcp-desk".into(),
        client_version: "0.1.0".into(),
        revision: Some(Revision::V2025_11_25),
        known_transport: None,
        log_level: None,
        roots: Vec::new(),
    });
    s.connect(0);
    let (t, events) = drain(&mut s);
    let init = &sends(&t)[0];
    let sent = wires(&events);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].0, sent[0].1.as_str()),
        (true, init.body.as_deref().unwrap())
    );
    // The URL without its token, then the headers MCP gives meaning, as sent.
    let lines: Vec<String> = sent[0].2.lines().map(str::to_lowercase).collect();
    assert_eq!(
        lines,
        [
            "post http://127.0.0.1:9/mcp?token=…",
            "accept: application/json, text/event-stream",
            "content-type: application/json"
        ]
    );
    assert!(!sent[0].2.contains("srv-tok-4711"));
    let answer =
        json!({"jsonrpc": "2.0", "id": body(init)["id"], "result": init_result()}).to_string();
    s.on_response(
        0,
        init.transfer,
        ResponseHead::new(200)
            .with_header("content-type", "application/json")
            .with_header("mcp-session-id", "s-1"),
    );
    s.on_body(0, init.transfer, answer.as_bytes());
    s.on_end(0, init.transfer);
    let (_, events) = drain(&mut s);
    let heard = wires(&events);
    assert_eq!(
        (heard[0].0, heard[0].1.as_str(), heard[0].2.as_str()),
        (false, answer.as_str(), "HTTP 200 application/json")
    );
}

/// Each message told to the timeline: its number, whether sent, and the call it belongs to.
fn told(events: &[Event]) -> Vec<(u64, bool, Option<mcp_desk_protocol::CallId>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Wire { n, sent, call, .. } => Some((*n, *sent, *call)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_calls_messages_are_told_with_the_call_and_log_lines_name_the_message_they_are_about() {
    let (mut s, get, _list) = ready_session();
    let call = s.call_tool(0, "create_blog_post", serde_json::Map::new());
    let (t, events) = drain(&mut s);
    let transfer = sends(&t)[0].transfer;
    let first = told(&events);
    assert_eq!(first.len(), 1);
    let (n, sent, belongs) = first[0];
    assert_eq!((sent, belongs), (true, Some(call)));
    // The sampling request on the call's stream is the call's, and so is the log line about it.
    s.on_response(0, transfer, sse_head());
    s.on_body(
        0,
        transfer,
        sse_event(&sampling_request(json!(7))).as_bytes(),
    );
    let (_, events) = drain(&mut s);
    assert_eq!(told(&events), [(n + 1, false, Some(call))]);
    let about: Vec<Option<u64>> = events
        .iter()
        .filter_map(|e| match e {
            Event::Log(l) => Some(l.about),
            _ => None,
        })
        .collect();
    assert_eq!(about, [Some(n + 1)]);
    let pending = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .unwrap();
    // The answer is the call's too; the line logged on sending it is about no message heard.
    s.answer_sampling(0, pending, &answer("A summary")).unwrap();
    let (_, events) = drain(&mut s);
    assert_eq!(told(&events), [(n + 2, true, Some(call))]);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Log(l) if l.about.is_none()))
    );
    // A server's log message on the standalone stream is no call's; its line is about it.
    s.on_response(0, get, sse_head());
    let log = json!({"jsonrpc": "2.0", "method": "notifications/message",
        "params": {"level": "info", "data": "hello"}});
    s.on_body(0, get, sse_event(&log).as_bytes());
    let (_, events) = drain(&mut s);
    assert_eq!(told(&events), [(n + 3, false, None)]);
    assert!(events.iter().any(
        |e| matches!(e, Event::Log(l) if l.source == LogSource::Server && l.about == Some(n + 3))
    ));
}
