//! Negotiation newest first, the 2026-07-28 stateless flow with multi-round-trip sampling, and
//! the 2024-11-05 HTTP+SSE transport — fed by hand the way a browser would feed the session.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

mod support;
use support::{body, drain};

use mcp_desk_protocol::elicitation::Answer;
use mcp_desk_protocol::model::{CreateMessageResult, SamplingMessage};
use mcp_desk_protocol::{
    ClientSession, Doing, Error, Event, Failure, Hint, HttpMethod, HttpRequest, ResponseHead,
    Revision, SessionConfig, TransferId, Transmit, Transport,
};
use serde_json::{Value, json};

const URL: &str = "http://127.0.0.1:9/mcp";

fn session(revision: Option<Revision>) -> ClientSession {
    session_with(revision, None)
}

/// A session for a server this tab reached by `known` before.
fn session_knowing(known: Transport) -> ClientSession {
    session_with(None, Some(known))
}

fn session_with(revision: Option<Revision>, known_transport: Option<Transport>) -> ClientSession {
    ClientSession::new(SessionConfig {
        url: URL.into(),
        client_name: "mcp-desk".into(),
        client_version: "0.1.0".into(),
        revision,
        known_transport,
        log_level: None,
        roots: Vec::new(),
    })
}

fn respond(s: &mut ClientSession, t: TransferId, status: u16, content_type: &str, text: &str) {
    s.on_response(
        0,
        t,
        ResponseHead::new(status).with_header("content-type", content_type),
    );
    s.on_body(0, t, text.as_bytes());
    s.on_end(0, t);
}

fn respond_result(s: &mut ClientSession, req: &HttpRequest, result: Value) {
    let id = body(req)["id"].clone();
    let text = json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string();
    respond(s, req.transfer, 200, "application/json", &text);
}

fn discover_result() -> Value {
    json!({
        "resultType": "complete",
        "supportedVersions": ["2026-07-28"],
        "capabilities": {"tools": {}},
        "ttlMs": 0, "cacheScope": "private",
        "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "py", "version": "2.3"}}
    })
}

fn tool(name: &str, schema: Value) -> Value {
    json!({"name": name, "inputSchema": schema})
}

/// A session connected at 2026-07-28 whose tool list is answered; returns it.
fn modern_session(tools: Vec<Value>) -> ClientSession {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    respond_result(&mut s, &reqs[0], discover_result());
    let (reqs, events) = drain(&mut s);
    assert!(events.iter().any(|e| matches!(e, Event::Connected { protocol_version, transport: Transport::Stateless, .. } if protocol_version == "2026-07-28")));
    assert_eq!(reqs.len(), 1, "only tools/list, no GET stream: {reqs:?}");
    respond_result(
        &mut s,
        &reqs[0],
        json!({"tools": tools, "resultType": "complete"}),
    );
    drain(&mut s);
    s
}

fn sampling_input(text: &str) -> Value {
    json!({"method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": text}}],
        "maxTokens": 60
    }})
}

fn answer() -> CreateMessageResult {
    CreateMessageResult::new(
        SamplingMessage::assistant_text("Cats nap."),
        "mock-1".into(),
    )
    .with_stop_reason("endTurn")
}

#[test]
fn negotiation_starts_with_server_discover_carrying_the_2026_envelope() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    let r = &reqs[0];
    assert_eq!(r.method, HttpMethod::Post);
    assert_eq!(r.header("mcp-protocol-version"), Some("2026-07-28"));
    assert_eq!(r.header("mcp-method"), Some("server/discover"));
    assert_eq!(
        r.header("accept"),
        Some("application/json, text/event-stream")
    );
    let b = body(r);
    assert_eq!(b["method"], "server/discover");
    let meta = &b["params"]["_meta"];
    assert_eq!(
        meta["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
    assert_eq!(
        meta["io.modelcontextprotocol/clientCapabilities"],
        json!({"elicitation": {"form": {}, "url": {}}, "roots": {"listChanged": true}, "sampling": {"tools": {}}})
    );
    assert_eq!(
        meta["io.modelcontextprotocol/clientInfo"]["name"],
        "mcp-desk"
    );
}

#[test]
fn a_2026_server_is_used_stateless_with_per_request_envelopes() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    respond_result(&mut s, &reqs[0], discover_result());
    let (reqs, events) = drain(&mut s);
    let connected = events.iter().find_map(|e| match e {
        Event::Connected { server, .. } => Some(server.name.clone()),
        _ => None,
    });
    assert_eq!(connected.as_deref(), Some("py"));
    assert_eq!(s.transport(), Transport::Stateless);
    let list = &reqs[0];
    assert_eq!(body(list)["method"], "tools/list");
    assert_eq!(list.header("mcp-method"), Some("tools/list"));
    assert_eq!(list.header("mcp-session-id"), None);
    assert_eq!(
        body(list)["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
}

#[test]
fn a_2025_server_refusing_discover_gets_initialize_next() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    // The TypeScript SDK 1.x answer to a request without a session.
    respond(
        &mut s,
        reqs[0].transfer,
        400,
        "application/json",
        r#"{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Server not initialized"},"id":null}"#,
    );
    let (reqs, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ConnectFailed { .. })),
        "{events:?}"
    );
    let init = &reqs[0];
    assert_eq!(body(init)["method"], "initialize");
    assert_eq!(body(init)["params"]["protocolVersion"], "2025-11-25");
    assert_eq!(
        init.header("mcp-method"),
        None,
        "no 2026 headers on initialize"
    );
    assert_eq!(s.transport(), Transport::Stateful);
}

#[test]
fn a_network_failure_of_discover_still_tries_initialize() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    s.on_failure(0, reqs[0].transfer, "Failed to fetch");
    let (reqs, _) = drain(&mut s);
    assert_eq!(body(&reqs[0])["method"], "initialize");
}

#[test]
fn a_modern_refusal_is_reported_not_fallen_back_from() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    respond(
        &mut s,
        reqs[0].transfer,
        400,
        "application/json",
        r#"{"jsonrpc":"2.0","id":0,"error":{"code":-32020,"message":"Mcp-Method header mismatch"}}"#,
    );
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "{reqs:?}");
    assert!(events.iter().any(|e| matches!(e,
        Event::ConnectFailed { error, .. }
            if error.doing == Doing::Discovering
                && error.rpc().is_some_and(|r| r.code.0 == -32020 && r.message == "Mcp-Method header mismatch"))));
}

#[test]
fn forcing_2026_does_not_fall_back() {
    let mut s = session(Some(Revision::V2026_07_28));
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    assert_eq!(body(&reqs[0])["method"], "server/discover");
    respond(
        &mut s,
        reqs[0].transfer,
        404,
        "text/html",
        "<p>Cannot POST</p>",
    );
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty());
    assert!(
        events.iter().any(|e| matches!(e,
            Event::ConnectFailed { error, .. }
                if matches!(&error.failure, Failure::ForcedRevisionRefused(why)
                    if matches!(**why, Failure::Status { status: 404, .. })))),
        "{events:?}"
    );
}

#[test]
fn forcing_an_initialize_revision_skips_discover() {
    let mut s = session(Some(Revision::V2025_06_18));
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    assert_eq!(body(&reqs[0])["method"], "initialize");
    assert_eq!(body(&reqs[0])["params"]["protocolVersion"], "2025-06-18");
}

#[test]
fn sampling_inside_input_required_is_answered_by_calling_again() {
    let mut s = modern_session(vec![tool("summarize", json!({"type": "object"}))]);
    let call = s.call_tool(
        0,
        "summarize",
        json!({"text": "Cats sleep."}).as_object().cloned().unwrap(),
    );
    let (reqs, _) = drain(&mut s);
    let first = &reqs[0];
    assert_eq!(first.header("mcp-name"), Some("summarize"));
    let first_id = body(first)["id"].clone();
    respond_result(
        &mut s,
        first,
        json!({"resultType": "input_required", "requestState": "sealed.v1+/=",
               "inputRequests": {"summary": sampling_input("Summarise: Cats sleep.")}}),
    );
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "nothing is sent before the person answers");
    let pending = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.clone()),
            _ => None,
        })
        .expect("the sampling input is queued like a 2025 request");
    assert_eq!(pending.related_call.as_ref().map(|c| c.call), Some(call));
    assert_eq!(pending.params.max_tokens, 60);

    s.answer_sampling(0, pending.input, &answer()).unwrap();
    let (reqs, _) = drain(&mut s);
    assert_eq!(reqs.len(), 1);
    let retry = body(&reqs[0]);
    assert_eq!(retry["method"], "tools/call");
    assert_ne!(retry["id"], first_id, "a new JSON-RPC id");
    assert_eq!(retry["params"]["name"], "summarize");
    assert_eq!(retry["params"]["arguments"]["text"], "Cats sleep.");
    assert_eq!(retry["params"]["requestState"], "sealed.v1+/=");
    let response = &retry["params"]["inputResponses"]["summary"];
    assert_eq!(response["model"], "mock-1");
    assert_eq!(response["content"]["text"], "Cats nap.");
    assert!(response.get("resultType").is_none());
    assert_eq!(
        retry["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
    assert_eq!(retry["params"]["_meta"]["progressToken"], call.0);

    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "complete", "content": [{"type": "text", "text": "done"}]}),
    );
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFinished { call: c, .. } if *c == call))
    );
}

#[test]
fn repeated_rounds_work_and_each_carries_only_its_own_state() {
    let mut s = modern_session(vec![tool("loop", json!({"type": "object"}))]);
    s.call_tool(0, "loop", Default::default());
    let (reqs, _) = drain(&mut s);
    let mut req = reqs[0].clone();
    for round in 1..=3 {
        respond_result(
            &mut s,
            &req,
            json!({"resultType": "input_required", "requestState": format!("state-{round}"),
                   "inputRequests": {format!("turn{round}"): sampling_input("next")}}),
        );
        let (_, events) = drain(&mut s);
        let input = events
            .iter()
            .find_map(|e| match e {
                Event::SamplingRequested(p) => Some(p.input),
                _ => None,
            })
            .unwrap();
        s.answer_sampling(0, input, &answer()).unwrap();
        let (reqs, _) = drain(&mut s);
        req = reqs[0].clone();
        let params = &body(&req)["params"];
        assert_eq!(params["requestState"], format!("state-{round}"));
        let keys: Vec<&String> = params["inputResponses"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys, [&format!("turn{round}")]);
    }
}

#[test]
fn rejecting_a_sampling_input_ends_the_call_as_declined_without_a_retry() {
    let mut s = modern_session(vec![tool("two", json!({"type": "object"}))]);
    let call = s.call_tool(0, "two", Default::default());
    let (reqs, _) = drain(&mut s);
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "input_required", "inputRequests": {"a": sampling_input("a"), "b": sampling_input("b")}}),
    );
    let (_, events) = drain(&mut s);
    let inputs: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .collect();
    assert_eq!(inputs.len(), 2);
    s.reject_sampling(0, inputs[0]).unwrap();
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "no retry and no error sent: {reqs:?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallDeclined { call: c, .. } if *c == call))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::InputGone { input, .. } if *input == inputs[1]))
    );
    assert!(s.answer_sampling(0, inputs[1], &answer()).is_err());
}

#[test]
fn a_refused_retry_says_the_request_state_was_not_accepted() {
    let mut s = modern_session(vec![tool("t", json!({"type": "object"}))]);
    let call = s.call_tool(0, "t", Default::default());
    let (reqs, _) = drain(&mut s);
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "input_required", "requestState": "stale", "inputRequests": {"x": sampling_input("x")}}),
    );
    let (_, events) = drain(&mut s);
    let input = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .unwrap();
    s.answer_sampling(0, input, &answer()).unwrap();
    let (reqs, _) = drain(&mut s);
    respond(
        &mut s,
        reqs[0].transfer,
        400,
        "application/json",
        r#"{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Invalid or expired requestState","data":{"reason":"invalid_request_state"}}}"#,
    );
    let (_, events) = drain(&mut s);
    let error = events
        .iter()
        .find_map(|e| match e {
            Event::ToolCallFailed { call: c, error } if *c == call => Some(error.clone()),
            _ => None,
        })
        .expect("the call fails");
    assert_eq!(
        error.doing,
        Doing::CallingTool {
            tool: "t".into(),
            round: 1
        }
    );
    assert_eq!(error.status(), Some(400));
    assert_eq!(
        error.rpc().map(|r| r.message.to_string()).as_deref(),
        Some("Invalid or expired requestState")
    );
    assert_eq!(
        error.hint,
        Some(Hint::RequestStateRefused),
        "not a session hint at 2026"
    );
}

/// An elicitation input waits for the person beside a sampling one; each answer (accept
/// with content, decline, cancel) goes back as the spec's `ElicitResult` in `inputResponses`,
/// and a decline does not end the call the way a rejected sampling input does.
#[test]
fn elicitation_inputs_wait_for_the_person_and_every_action_is_sent_back() {
    for (answer, sent) in [
        (
            Answer::Accept(Some(json!({"name": "Ada"}).as_object().unwrap().clone())),
            json!({"action": "accept", "content": {"name": "Ada"}}),
        ),
        (Answer::Decline, json!({"action": "decline"})),
        (Answer::Cancel, json!({"action": "cancel"})),
    ] {
        let mut s = modern_session(vec![tool("t", json!({"type": "object"}))]);
        s.call_tool(0, "t", Default::default());
        let (reqs, _) = drain(&mut s);
        respond_result(
            &mut s,
            &reqs[0],
            json!({"resultType": "input_required", "requestState": "s",
                   "inputRequests": {"who": {"method": "elicitation/create", "params": {"mode": "form", "message": "name?", "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}}}, "r": {"method": "roots/list"}}}),
        );
        let (reqs, events) = drain(&mut s);
        assert!(reqs.is_empty(), "the call waits for the person");
        let pending: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::ElicitationRequested(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].elicitation.message, "name?");
        assert_eq!(
            pending[0].related_call.as_ref().map(|c| c.tool.as_str()),
            Some("t")
        );
        // A sampling answer is not an elicitation answer: the input still waits.
        assert!(s.reject_sampling(0, pending[0].input).is_err());
        s.answer_elicitation(0, pending[0].input, &answer).unwrap();
        let (reqs, _) = drain(&mut s);
        let params = &body(&reqs[0])["params"];
        assert_eq!(params["name"], "t");
        assert_eq!(params["inputResponses"]["who"], sent);
        assert_eq!(params["inputResponses"]["r"], json!({"roots": []}));
        assert_eq!(params["requestState"], "s");
        // The envelope declares both modes.
        assert_eq!(
            params["_meta"]["io.modelcontextprotocol/clientCapabilities"]["elicitation"],
            json!({"form": {}, "url": {}})
        );
    }
}

#[test]
fn a_malformed_elicitation_input_fails_the_call_with_the_reason() {
    let mut s = modern_session(vec![tool("t", json!({"type": "object"}))]);
    let call = s.call_tool(0, "t", Default::default());
    let (reqs, _) = drain(&mut s);
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "input_required",
               "inputRequests": {"u": {"method": "elicitation/create", "params": {"mode": "url", "message": "go"}}}}),
    );
    let (_, events) = drain(&mut s);
    let failed = events.iter().find_map(|e| match e {
        Event::ToolCallFailed { call: c, error } if *c == call => Some(error.failure.clone()),
        _ => None,
    });
    assert_eq!(
        failed,
        Some(Failure::Unusable(
            "its input_required result is unusable: its elicitation request \"u\" is malformed: it asks to open a URL but has no url".into()
        ))
    );
}

#[test]
fn a_roots_input_is_answered_with_the_roots_the_person_shares() {
    use mcp_desk_protocol::model::Root;
    let mut s = modern_session(vec![tool("t", json!({"type": "object"}))]);
    s.set_roots(0, vec![Root::new("file:///srv/data").with_name("Data")]);
    // A stateless server has no session to tell of the change.
    assert!(drain(&mut s).0.is_empty());
    s.call_tool(0, "t", Default::default());
    let (reqs, _) = drain(&mut s);
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "input_required", "inputRequests": {"r": {"method": "roots/list"}}}),
    );
    let (reqs, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SamplingRequested(_)))
    );
    assert_eq!(
        body(&reqs[0])["params"]["inputResponses"]["r"],
        json!({"roots": [{"uri": "file:///srv/data", "name": "Data"}]})
    );
    // The envelope declares roots, announcing changes.
    assert_eq!(
        body(&reqs[0])["params"]["_meta"]["io.modelcontextprotocol/clientCapabilities"]["roots"],
        json!({"listChanged": true})
    );
}

#[test]
fn a_server_that_never_stops_asking_is_stopped() {
    let mut s = modern_session(vec![tool("t", json!({"type": "object"}))]);
    let call = s.call_tool(0, "t", Default::default());
    let (mut reqs, _) = drain(&mut s);
    let mut failed = None;
    for _ in 0..20 {
        let Some(req) = reqs.first().cloned() else {
            break;
        };
        respond_result(
            &mut s,
            &req,
            json!({"resultType": "input_required", "requestState": "again"}),
        );
        let (next, events) = drain(&mut s);
        failed = events.iter().find_map(|e| match e {
            Event::ToolCallFailed { call: c, error } if *c == call => Some(error.clone()),
            _ => None,
        });
        reqs = next;
        if failed.is_some() {
            break;
        }
    }
    assert_eq!(failed.expect("stopped").failure, Failure::TooManyRounds(10));
}

#[test]
fn tools_with_invalid_header_marks_are_left_out_and_valid_marks_become_headers() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    respond_result(&mut s, &reqs[0], discover_result());
    let (reqs, _) = drain(&mut s);
    respond_result(
        &mut s,
        &reqs[0],
        json!({"tools": [
            tool("good", json!({"type": "object", "properties": {"region": {"type": "string", "x-mcp-header": "Region"}}})),
            tool("bad", json!({"type": "object", "properties": {"n": {"type": "number", "x-mcp-header": "N"}}})),
        ]}),
    );
    let (_, events) = drain(&mut s);
    let names: Vec<String> = events
        .iter()
        .find_map(|e| match e {
            Event::ToolsListed(tools) => Some(tools.iter().map(|t| t.name.to_string()).collect()),
            _ => None,
        })
        .unwrap();
    assert_eq!(names, ["good"]);
    s.call_tool(
        0,
        "good",
        json!({"region": "eu"}).as_object().cloned().unwrap(),
    );
    let (reqs, _) = drain(&mut s);
    assert_eq!(reqs[0].header("mcp-param-region"), Some("eu"));
}

#[test]
fn a_server_that_took_initialize_last_time_gets_initialize_first() {
    let mut s = session_knowing(Transport::Stateful);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(body(&reqs[0])["method"], "initialize");
    assert_eq!(body(&reqs[0])["params"]["protocolVersion"], "2025-11-25");
    assert_eq!(s.transport(), Transport::Stateful);
}

#[test]
fn a_server_that_spoke_http_sse_last_time_gets_its_stream_opened_first() {
    let mut s = session_knowing(Transport::LegacySse);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].method, HttpMethod::Get);
    assert_eq!(reqs[0].header("accept"), Some("text/event-stream"));
}

#[test]
fn when_the_way_that_worked_last_time_fails_negotiation_starts_over_from_the_newest() {
    // The server moved on from HTTP+SSE to 2026-07-28.
    let mut s = session_knowing(Transport::LegacySse);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    respond(
        &mut s,
        reqs[0].transfer,
        405,
        "text/plain",
        "Method Not Allowed",
    );
    let (reqs, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ConnectFailed { .. })),
        "{events:?}"
    );
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(body(&reqs[0])["method"], "server/discover");
    respond_result(&mut s, &reqs[0], discover_result());
    let (_, events) = drain(&mut s);
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Connected {
                transport: Transport::Stateless,
                ..
            }
        )),
        "{events:?}"
    );

    // A server that is simply down: one round of full negotiation, then one clear error
    // that names every attempt, the remembered way first.
    let mut s = session_knowing(Transport::Stateful);
    s.connect(0);
    for _ in 0..3 {
        let (reqs, _) = drain(&mut s);
        let Some(req) = reqs.first() else { break };
        s.on_failure(0, req.transfer, "Failed to fetch");
    }
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "{reqs:?}");
    let failed: Vec<(&Error, &Vec<Error>)> = events
        .iter()
        .filter_map(|e| match e {
            Event::ConnectFailed { error, tried } => Some((error, tried)),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "{events:?}");
    let (last, tried) = failed[0];
    assert_eq!(last.failure, Failure::Network("Failed to fetch".into()));
    let ways: Vec<&Doing> = tried.iter().map(|e| &e.doing).collect();
    assert_eq!(
        ways,
        [&Doing::FollowingLastTime, &Doing::Discovering],
        "the remembered way first"
    );
}

#[test]
fn an_http_sse_server_is_reached_through_its_endpoint_event() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    respond(
        &mut s,
        reqs[0].transfer,
        404,
        "text/html",
        "Cannot POST /sse",
    );
    let (reqs, _) = drain(&mut s);
    assert_eq!(body(&reqs[0])["method"], "initialize");
    respond(
        &mut s,
        reqs[0].transfer,
        404,
        "text/html",
        "Cannot POST /sse",
    );
    let (reqs, _) = drain(&mut s);
    let get = reqs[0].clone();
    assert_eq!(get.method, HttpMethod::Get);
    assert_eq!(get.url, URL);
    assert_eq!(get.header("accept"), Some("text/event-stream"));

    s.on_response(
        0,
        get.transfer,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    s.on_body(
        0,
        get.transfer,
        b"event: endpoint\r\ndata: /message?sessionId=s-1\r\n\r\n",
    );
    let (reqs, _) = drain(&mut s);
    let init = reqs[0].clone();
    assert_eq!(init.url, "http://127.0.0.1:9/message?sessionId=s-1");
    assert_eq!(body(&init)["params"]["protocolVersion"], "2024-11-05");
    assert_eq!(init.header("mcp-protocol-version"), None);
    s.on_response(0, init.transfer, ResponseHead::new(202));
    s.on_end(0, init.transfer);
    let (_, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ConnectFailed { .. })),
        "a 202 is not the end: {events:?}"
    );

    let result = json!({"jsonrpc": "2.0", "id": body(&init)["id"], "result": {
        "protocolVersion": "2024-11-05", "capabilities": {"tools": {}},
        "serverInfo": {"name": "everything", "version": "1"}}});
    s.on_body(
        0,
        get.transfer,
        format!("event: message\ndata: {result}\n\n").as_bytes(),
    );
    let (reqs, events) = drain(&mut s);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Connected {
            transport: Transport::LegacySse,
            ..
        }
    )));
    let confirm = reqs[0].clone();
    assert_eq!(body(&confirm)["method"], "notifications/initialized");
    assert_eq!(confirm.url, init.url);
    s.on_response(0, confirm.transfer, ResponseHead::new(202));
    s.on_end(0, confirm.transfer);
    let (reqs, _) = drain(&mut s);
    assert_eq!(
        reqs.len(),
        1,
        "tools/list only, no standalone GET: {reqs:?}"
    );
    assert_eq!(body(&reqs[0])["method"], "tools/list");
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    let list = json!({"jsonrpc": "2.0", "id": body(&reqs[0])["id"], "result": {"tools": [tool("trigger", json!({"type": "object"}))]}});
    s.on_body(
        0,
        get.transfer,
        format!("event: message\ndata: {list}\n\n").as_bytes(),
    );
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolsListed(t) if t.len() == 1))
    );

    // A sampling request on the one stream belongs to the one running call.
    let call = s.call_tool(0, "trigger", Default::default());
    let (reqs, _) = drain(&mut s);
    let call_id = body(&reqs[0])["id"].clone();
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    let ask = json!({"jsonrpc": "2.0", "id": 0, "method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}], "maxTokens": 5}});
    s.on_body(
        0,
        get.transfer,
        format!("event: message\ndata: {ask}\n\n").as_bytes(),
    );
    let (_, events) = drain(&mut s);
    let pending = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(pending.related_call.map(|c| c.call), Some(call));
    // That link is a guess, shown but not binding: the call ending leaves the request waiting.
    let done = json!({"jsonrpc": "2.0", "id": call_id, "result": {"content": []}});
    s.on_body(
        0,
        get.transfer,
        format!("event: message\ndata: {done}\n\n").as_bytes(),
    );
    let (_, events) = drain(&mut s);
    assert!(
        !events.iter().any(|e| matches!(e, Event::InputGone { .. })),
        "{events:?}"
    );
    s.answer_sampling(0, pending.input, &answer()).unwrap();
    let (reqs, _) = drain(&mut s);
    assert_eq!(reqs[0].url, init.url);
    assert_eq!(body(&reqs[0])["id"], 0);

    // The stream ending ends the session, and a running call with it.
    let call = s.call_tool(0, "trigger", Default::default());
    let (reqs, _) = drain(&mut s);
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    s.on_end(0, get.transfer);
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Disconnected { .. }))
    );
}

#[test]
fn nothing_answering_anywhere_lists_every_attempt() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    respond(&mut s, reqs[0].transfer, 404, "text/plain", "no");
    let (reqs, _) = drain(&mut s);
    respond(&mut s, reqs[0].transfer, 404, "text/plain", "no");
    let (reqs, _) = drain(&mut s);
    respond(&mut s, reqs[0].transfer, 404, "text/plain", "no");
    let (_, events) = drain(&mut s);
    let (error, tried) = events
        .iter()
        .find_map(|e| match e {
            Event::ConnectFailed { error, tried } => Some((error.clone(), tried.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(error.doing, Doing::OpeningLegacyStream);
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.hint, Some(Hint::CheckUrl));
    let ways: Vec<Doing> = tried.into_iter().map(|e| e.doing).collect();
    assert_eq!(
        ways,
        [
            Doing::Discovering,
            Doing::Initializing(Revision::V2025_11_25)
        ]
    );
}

#[test]
fn cancelling_a_call_waiting_for_input_at_2026_drops_its_inputs_and_tells_nobody() {
    let mut s = modern_session(vec![tool("t", json!({"type": "object"}))]);
    let call = s.call_tool(0, "t", Default::default());
    let (reqs, _) = drain(&mut s);
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "input_required", "inputRequests": {"x": sampling_input("x")}}),
    );
    let (_, events) = drain(&mut s);
    let input = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .unwrap();
    s.cancel_call(0, call, "changed my mind");
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "2026 has no cancel message: {reqs:?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::InputGone { input: i, .. } if *i == input))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallCancelled { call: c, .. } if *c == call))
    );
    assert!(s.answer_sampling(0, input, &answer()).is_err());
}

#[test]
fn cancelling_a_running_2026_call_closes_its_stream() {
    let mut s = modern_session(vec![tool("t", json!({"type": "object"}))]);
    let call = s.call_tool(0, "t", Default::default());
    let mut transfers = Vec::new();
    while let Some(t) = s.poll_transmit() {
        if let Transmit::Send(r) = t {
            transfers.push(r.transfer);
        }
    }
    s.cancel_call(0, call, "stop");
    let mut aborted = Vec::new();
    let mut sent = 0;
    while let Some(t) = s.poll_transmit() {
        match t {
            Transmit::Abort(t) => aborted.push(t),
            Transmit::Send(_) => sent += 1,
        }
    }
    assert_eq!(aborted, transfers, "closing the stream is the cancel");
    assert_eq!(sent, 0);
}

#[test]
fn a_catch_all_page_answering_discover_is_not_a_2026_server_and_initialize_follows() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    respond(
        &mut s,
        reqs[0].transfer,
        200,
        "text/html",
        "<!DOCTYPE html><p>Welcome</p>",
    );
    let (reqs, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ConnectFailed { .. })),
        "{events:?}"
    );
    assert_eq!(body(&reqs[0])["method"], "initialize");
}

/// Calls `summarize`, has the server refuse it with HTTP 400 and the JSON-RPC error `code`
/// and `message`, and returns the call's failure.
fn refused_call(s: &mut ClientSession, code: i64, message: &str) -> Error {
    let call = s.call_tool(0, "summarize", Default::default());
    let (reqs, _) = drain(s);
    let id = body(&reqs[0])["id"].clone();
    let refusal = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    respond(
        s,
        reqs[0].transfer,
        400,
        "application/json",
        &refusal.to_string(),
    );
    let (_, events) = drain(s);
    events
        .into_iter()
        .find_map(|e| match e {
            Event::ToolCallFailed { call: c, error } if c == call => Some(error),
            _ => None,
        })
        .expect("the call fails")
}

#[test]
fn a_2026_call_refused_for_want_of_a_back_channel_says_so() {
    let mut s = modern_session(vec![tool("summarize", json!({"type": "object"}))]);
    let error = refused_call(
        &mut s,
        -32600,
        "Cannot send 'sampling/createMessage': this transport context has no back-channel for server-initiated requests.",
    );
    assert_eq!(error.hint, Some(Hint::WantsBackChannel));
    assert_eq!(error.status(), Some(400));
    // Any other refusal of a first send is not read as one.
    let error = refused_call(&mut s, -32602, "Invalid arguments");
    assert_eq!(error.hint, None);
}

/// 2026-07-28 change notifications (S26 basic/patterns/subscriptions.mdx): a server that says
/// its lists change gets one `subscriptions/listen` stream asking for them; subscribing to a
/// resource closes it and opens one naming the resource; the acknowledgment says what the
/// server agreed to, and the updates on the stream are heard.
#[test]
fn a_2026_server_is_listened_to_and_a_subscription_is_a_new_filter() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    let mut discovered = discover_result();
    discovered["capabilities"] = json!({"resources": {"listChanged": true}, "prompts": {}});
    respond_result(&mut s, &reqs[0], discovered);
    let (reqs, _) = drain(&mut s);
    let methods: Vec<Value> = reqs.iter().map(|r| body(r)["method"].clone()).collect();
    assert_eq!(
        methods,
        [
            json!("resources/list"),
            json!("resources/templates/list"),
            json!("prompts/list"),
            json!("subscriptions/listen")
        ]
    );
    let first = reqs[3].clone();
    assert_eq!(
        body(&first)["params"]["notifications"],
        json!({"resourcesListChanged": true})
    );
    // Its stream opens; no deadline ends it.
    s.on_response(
        0,
        first.transfer,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );

    s.subscribe_resource(0, "note://today", true);
    let (transmits, _) = {
        let mut transmits = Vec::new();
        while let Some(t) = s.poll_transmit() {
            transmits.push(t);
        }
        (transmits, ())
    };
    assert!(
        transmits
            .iter()
            .any(|t| matches!(t, Transmit::Abort(id) if *id == first.transfer)),
        "the old stream is closed: {transmits:?}"
    );
    let second = transmits
        .iter()
        .find_map(|t| match t {
            Transmit::Send(r) => Some(r.clone()),
            Transmit::Abort(_) => None,
        })
        .expect("a new listen");
    assert_eq!(
        body(&second)["params"]["notifications"],
        json!({"resourcesListChanged": true, "resourceSubscriptions": ["note://today"]})
    );
    let id = body(&second)["id"].clone();
    s.on_response(
        0,
        second.transfer,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    let ack = json!({"jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged", "params": {
        "_meta": {"io.modelcontextprotocol/subscriptionId": id},
        "notifications": {"resourcesListChanged": true, "resourceSubscriptions": ["note://today"]}}});
    let updated = json!({"jsonrpc": "2.0", "method": "notifications/resources/updated", "params": {
        "_meta": {"io.modelcontextprotocol/subscriptionId": id}, "uri": "note://today"}});
    s.on_body(
        0,
        second.transfer,
        format!("event: message\ndata: {ack}\n\nevent: message\ndata: {updated}\n\n").as_bytes(),
    );
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Subscribed { uri, on: true } if uri == "note://today"))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ResourceUpdated { uri } if uri == "note://today"))
    );
}

/// The listen stream dying takes the subscriptions with it, said, and a click opens it again.
#[test]
fn a_listen_stream_that_ends_drops_its_subscriptions_and_is_opened_again() {
    let mut s = session(None);
    s.connect(0);
    let (reqs, _) = drain(&mut s);
    let mut discovered = discover_result();
    discovered["capabilities"] = json!({"resources": {"subscribe": true}});
    respond_result(&mut s, &reqs[0], discovered);
    let (reqs, _) = drain(&mut s);
    // No list changes offered: nothing to listen for yet.
    assert!(
        reqs.iter()
            .all(|r| body(r)["method"] != "subscriptions/listen")
    );
    s.subscribe_resource(0, "note://a", true);
    let (reqs, _) = drain(&mut s);
    let listen = reqs
        .iter()
        .find(|r| body(r)["method"] == "subscriptions/listen")
        .expect("a listen")
        .clone();
    respond(&mut s, listen.transfer, 500, "text/plain", "down");
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Subscribed { uri, on: false } if uri == "note://a"))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::BrowseFailed { error }
        if error.failure == Failure::Unusable("the stream of the server's changes ended".into())))
    );
    s.subscribe_resource(0, "note://a", true);
    let (reqs, _) = drain(&mut s);
    assert_eq!(
        reqs.iter()
            .filter(|r| body(r)["method"] == "subscriptions/listen")
            .count(),
        1
    );
}

fn question_input() -> Value {
    json!({"method": "elicitation/create", "params": {"mode": "form", "message": "Sure?",
           "requestedSchema": {"type": "object", "properties": {"sure": {"type": "boolean"}}}}})
}

#[test]
fn a_read_needing_input_is_read_again_with_the_answers_and_the_state() {
    let mut s = modern_session(vec![]);
    s.read_resource(0, "note://secret");
    let (reqs, _) = drain(&mut s);
    let first = body(&reqs[0]);
    assert_eq!(first["method"], "resources/read");
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "input_required", "requestState": "read-1",
               "inputRequests": {"ok": question_input()}}),
    );
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "the read waits for the person");
    let pending = events
        .iter()
        .find_map(|e| match e {
            Event::ElicitationRequested(p) => Some(p.clone()),
            _ => None,
        })
        .expect("the question is queued");
    assert_eq!(
        pending.related_call.map(|c| c.tool),
        Some("resources/read note://secret".to_owned())
    );
    let yes = json!({"sure": true}).as_object().cloned();
    s.answer_elicitation(0, pending.input, &Answer::Accept(yes))
        .unwrap();
    let (reqs, _) = drain(&mut s);
    assert_eq!(reqs.len(), 1);
    let retry = body(&reqs[0]);
    assert_eq!(retry["method"], "resources/read");
    assert_ne!(retry["id"], first["id"], "a new JSON-RPC id");
    assert_eq!(retry["params"]["uri"], "note://secret");
    assert_eq!(retry["params"]["requestState"], "read-1");
    assert_eq!(
        retry["params"]["inputResponses"]["ok"],
        json!({"action": "accept", "content": {"sure": true}})
    );
    assert_eq!(
        retry["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "complete", "contents": [{"uri": "note://secret", "text": "42"}]}),
    );
    let (_, events) = drain(&mut s);
    let read: Vec<&String> = events
        .iter()
        .filter_map(|e| match e {
            Event::ResourceRead { uri, .. } => Some(uri),
            _ => None,
        })
        .collect();
    assert_eq!(read, ["note://secret"]);
}

#[test]
fn a_prompt_whose_sampling_input_is_rejected_fails_as_declined_without_a_retry() {
    let mut s = modern_session(vec![]);
    let arguments = json!({"who": "Ada"}).as_object().cloned().unwrap();
    s.get_prompt(0, "greet", arguments);
    let (reqs, _) = drain(&mut s);
    assert_eq!(body(&reqs[0])["params"]["arguments"], json!({"who": "Ada"}));
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "input_required", "inputRequests": {"line": sampling_input("a line")}}),
    );
    let (_, events) = drain(&mut s);
    let input = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .expect("the sampling input is queued");
    s.reject_sampling(0, input).unwrap();
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "no retry and no error sent: {reqs:?}");
    let failed: Vec<&Error> = events
        .iter()
        .filter_map(|e| match e {
            Event::BrowseFailed { error } => Some(error),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [&Error::new(
            Doing::GettingPrompt("greet".into()),
            Failure::Declined {
                input: "line".into()
            }
        )]
    );
}

#[test]
fn a_prompt_answered_is_got_again_with_its_arguments() {
    let mut s = modern_session(vec![]);
    let arguments = json!({"who": "Ada"}).as_object().cloned().unwrap();
    s.get_prompt(0, "greet", arguments);
    let (reqs, _) = drain(&mut s);
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "input_required", "requestState": "p",
               "inputRequests": {"line": sampling_input("a line")}}),
    );
    let (_, events) = drain(&mut s);
    let input = events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.input),
            _ => None,
        })
        .unwrap();
    s.answer_sampling(0, input, &answer()).unwrap();
    let (reqs, _) = drain(&mut s);
    let params = &body(&reqs[0])["params"];
    assert_eq!(body(&reqs[0])["method"], "prompts/get");
    assert_eq!(params["name"], "greet");
    assert_eq!(params["arguments"], json!({"who": "Ada"}));
    assert_eq!(params["requestState"], "p");
    assert_eq!(
        params["inputResponses"]["line"]["content"]["text"],
        "Cats nap."
    );
    respond_result(
        &mut s,
        &reqs[0],
        json!({"resultType": "complete", "messages": [{"role": "user", "content": {"type": "text", "text": "Hi Ada"}}]}),
    );
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::PromptGot { name, .. } if name == "greet")),
        "{events:?}"
    );
}
