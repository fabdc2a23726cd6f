//! 2025-11-25 tasks, rule by rule (S25 basic/utilities/tasks.mdx). The client as requestor:
//! which calls go as a task, polling at the server's interval, fetching the result once input
//! is needed, the task's elicitation belonging to the call and its answer marked with the task,
//! cancelling with `tasks/cancel`, and what fails the call. The client as receiver: a sampling
//! or elicitation asked as a task is answered with the task at once, the person's answer
//! completes it, and the server's `tasks/get`, `tasks/result`, `tasks/list` and `tasks/cancel`
//! are answered.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

mod support;
use support::{body, drain};

use mcp_desk_protocol::elicitation::Answer;
use mcp_desk_protocol::model::{CreateMessageResult, SamplingMessage};
use mcp_desk_protocol::task::{RELATED_TASK, TaskStatus};
use mcp_desk_protocol::{
    CallId, ClientSession, Doing, Error, Event, Failure, Gone, HttpMethod, HttpRequest,
    ResponseHead, Revision, SessionConfig, TransferId,
};
use serde_json::{Map, Value, json};

fn only<'a>(reqs: &'a [HttpRequest], method: &str) -> &'a HttpRequest {
    let found: Vec<&HttpRequest> = reqs
        .iter()
        .filter(|r| body(r)["method"] == method)
        .collect();
    assert_eq!(found.len(), 1, "one {method} in {reqs:?}");
    found[0]
}

/// Answers `req` with a JSON body holding `result`.
fn answer(s: &mut ClientSession, now: u64, req: &HttpRequest, result: Value) {
    let id = body(req)["id"].clone();
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

/// A 2025-11-25 session whose server declares `capabilities`, listing `research` (which
/// requires a task) and `echo`.
fn ready(capabilities: Value) -> ClientSession {
    ready_at("2025-11-25", capabilities)
}

/// [`ready`], the server choosing revision `version`.
fn ready_at(version: &str, capabilities: Value) -> ClientSession {
    ready_with_stream(version, capabilities).0
}

/// [`ready_at`], and the transfer of the session's standalone GET stream.
fn ready_with_stream(version: &str, capabilities: Value) -> (ClientSession, TransferId) {
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
    let (reqs, _) = drain(&mut s);
    answer(
        &mut s,
        0,
        &reqs[0],
        json!({"protocolVersion": version, "capabilities": capabilities,
               "serverInfo": {"name": "srv", "version": "1"}}),
    );
    let (reqs, _) = drain(&mut s);
    s.on_response(0, reqs[0].transfer, ResponseHead::new(202));
    s.on_end(0, reqs[0].transfer);
    let (reqs, _) = drain(&mut s);
    let get = reqs
        .iter()
        .find(|r| r.method == HttpMethod::Get)
        .expect("the standalone stream")
        .transfer;
    s.on_response(
        0,
        get,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    let schema = json!({"type": "object"});
    answer(
        &mut s,
        0,
        only(&reqs, "tools/list"),
        json!({"tools": [
            {"name": "research", "inputSchema": schema, "execution": {"taskSupport": "required"}},
            {"name": "echo", "inputSchema": schema}
        ]}),
    );
    drain(&mut s);
    (s, get)
}

fn with_tasks() -> Value {
    json!({"tools": {}, "tasks": {"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}}})
}

fn task(status: &str, message: &str) -> Value {
    json!({"taskId": "t-1", "status": status, "statusMessage": message,
           "createdAt": "2025-11-25T10:30:00Z", "lastUpdatedAt": "2025-11-25T10:30:00Z",
           "ttl": 300000, "pollInterval": 1000})
}

fn statuses(events: &[Event]) -> Vec<(TaskStatus, Option<String>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::TaskStatus {
                status, message, ..
            } => Some((*status, message.clone())),
            _ => None,
        })
        .collect()
}

/// Calls `research` at 0 ms and answers with task `t-1`, working: the call and its
/// `tools/call`'s params.
fn research_started(s: &mut ClientSession) -> (CallId, Value) {
    research_answered(s, json!({"task": task("working", "Gathering sources...")}))
}

/// Calls `research` at 0 ms and answers its `tools/call` with `created`: the call and the
/// `tools/call`'s params.
fn research_answered(s: &mut ClientSession, created: Value) -> (CallId, Value) {
    let call = s.call_tool(0, "research", Map::new());
    let (reqs, _) = drain(s);
    let sent = only(&reqs, "tools/call");
    let params = body(sent)["params"].clone();
    answer(s, 0, sent, created);
    (call, params)
}

#[test]
fn a_tool_that_requires_a_task_is_called_as_one_and_polled_at_the_servers_interval() {
    let mut s = ready(with_tasks());
    let (call, params) = research_started(&mut s);
    assert_eq!(params["task"], json!({}));
    assert_eq!(params["_meta"]["progressToken"], json!(call.0));
    let (_, events) = drain(&mut s);
    assert_eq!(
        statuses(&events),
        [(TaskStatus::Working, Some("Gathering sources...".into()))]
    );
    assert_eq!(s.poll_timeout(), Some(1_000));
    s.handle_timeout(999);
    assert!(drain(&mut s).0.is_empty(), "not a moment early");
    s.handle_timeout(1_000);
    let (reqs, _) = drain(&mut s);
    let get = only(&reqs, "tasks/get");
    assert_eq!(body(get)["params"], json!({"taskId": "t-1"}));
    // No second poll while one is out.
    s.handle_timeout(5_000);
    assert!(drain(&mut s).0.is_empty());
    answer(&mut s, 5_000, get, task("working", "Analyzing content..."));
    let (_, events) = drain(&mut s);
    assert_eq!(
        statuses(&events),
        [(TaskStatus::Working, Some("Analyzing content...".into()))]
    );
    assert_eq!(s.poll_timeout(), Some(6_000));

    // A plain tool goes as a plain call.
    s.call_tool(5_000, "echo", Map::new());
    let (reqs, _) = drain(&mut s);
    assert_eq!(body(only(&reqs, "tools/call"))["params"].get("task"), None);
}

#[test]
fn without_the_servers_capability_no_call_goes_as_a_task() {
    let mut s = ready(json!({"tools": {}}));
    s.call_tool(0, "research", Map::new());
    let (reqs, _) = drain(&mut s);
    assert_eq!(body(only(&reqs, "tools/call"))["params"].get("task"), None);
}

#[test]
fn a_task_needing_input_has_its_result_fetched_and_its_question_belongs_to_the_call() {
    let mut s = ready(with_tasks());
    let (call, _) = research_started(&mut s);
    s.handle_timeout(1_000);
    let (reqs, _) = drain(&mut s);
    answer(
        &mut s,
        1_000,
        only(&reqs, "tasks/get"),
        task("input_required", "Requesting clarification..."),
    );
    let (reqs, events) = drain(&mut s);
    assert_eq!(
        statuses(&events),
        [(
            TaskStatus::InputRequired,
            Some("Requesting clarification...".into())
        )]
    );
    let fetch = only(&reqs, "tasks/result");
    assert_eq!(body(fetch)["params"], json!({"taskId": "t-1"}));
    // Polling goes on beside it, and a task still needing input is not fetched twice.
    s.handle_timeout(2_000);
    let (reqs, _) = drain(&mut s);
    answer(
        &mut s,
        2_000,
        only(&reqs, "tasks/get"),
        task("input_required", "Requesting clarification..."),
    );
    assert!(drain(&mut s).0.is_empty(), "one tasks/result only");

    // The question comes on the tasks/result stream, marked with the task.
    s.on_response(
        2_100,
        fetch.transfer,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    let question = json!({"jsonrpc": "2.0", "id": 7, "method": "elicitation/create",
        "params": {"message": "Which?", "_meta": {RELATED_TASK: {"taskId": "t-1"}},
                   "requestedSchema": {"type": "object", "properties": {"pick": {"type": "string"}}}}});
    s.on_body(2_100, fetch.transfer, &sse(&question));
    let (_, events) = drain(&mut s);
    let pending = events
        .iter()
        .find_map(|e| match e {
            Event::ElicitationRequested(p) => Some(p.clone()),
            _ => None,
        })
        .expect("the question is asked");
    assert_eq!(
        pending.related_call.map(|r| (r.call, r.tool)),
        Some((call, "research".into()))
    );
    let mut content = Map::new();
    content.insert("pick".into(), json!("programming"));
    s.answer_elicitation(2_200, pending.input, &Answer::Accept(Some(content)))
        .unwrap();
    let (reqs, _) = drain(&mut s);
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        body(&reqs[0]),
        json!({"jsonrpc": "2.0", "id": 7, "result": {"action": "accept",
            "content": {"pick": "programming"}, "_meta": {RELATED_TASK: {"taskId": "t-1"}}}})
    );

    // The result ends the call.
    let done = json!({"jsonrpc": "2.0", "id": body(fetch)["id"],
        "result": {"content": [{"type": "text", "text": "Report"}]}});
    s.on_body(2_000, fetch.transfer, &sse(&done));
    s.on_end(2_000, fetch.transfer);
    let (_, events) = drain(&mut s);
    let finished: Vec<CallId> = events
        .iter()
        .filter_map(|e| match e {
            Event::ToolCallFinished { call, result } => {
                assert_eq!(result.content[0].as_text().unwrap().text, "Report");
                Some(*call)
            }
            _ => None,
        })
        .collect();
    assert_eq!(finished, [call]);
    s.handle_timeout(20_000);
    assert!(
        drain(&mut s).0.is_empty(),
        "nothing is polled once the call is done"
    );
}

#[test]
fn a_finished_task_is_fetched_at_once_and_its_error_is_the_calls() {
    let mut s = ready(with_tasks());
    let (call, _) = research_answered(&mut s, json!({"task": task("failed", "Broke")}));
    let (reqs, _) = drain(&mut s);
    let fetch = only(&reqs, "tasks/result");
    s.on_response(
        10,
        fetch.transfer,
        ResponseHead::new(200).with_header("content-type", "application/json"),
    );
    let error = json!({"jsonrpc": "2.0", "id": body(fetch)["id"],
        "error": {"code": -32603, "message": "Research failed"}});
    s.on_body(10, fetch.transfer, error.to_string().as_bytes());
    s.on_end(10, fetch.transfer);
    let (_, events) = drain(&mut s);
    let failed: Vec<(CallId, Doing, String)> = events
        .iter()
        .filter_map(|e| match e {
            Event::ToolCallFailed {
                call,
                error:
                    Error {
                        doing,
                        failure: Failure::Rpc(e),
                        ..
                    },
            } => Some((*call, doing.clone(), e.message.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [(
            call,
            Doing::CallingTool {
                tool: "research".into(),
                round: 0
            },
            "Research failed".into()
        )]
    );
    s.handle_timeout(20_000);
    assert!(
        drain(&mut s).0.is_empty(),
        "nothing is polled once the call failed"
    );
}

#[test]
fn cancelling_a_task_sends_tasks_cancel_and_stops_polling() {
    let mut s = ready(with_tasks());
    let (call, _) = research_started(&mut s);
    drain(&mut s);
    s.cancel_call(500, call, "user cancelled");
    let (reqs, events) = drain(&mut s);
    let methods: Vec<Value> = reqs.iter().map(|r| body(r)["method"].clone()).collect();
    assert_eq!(methods, [json!("tasks/cancel")]);
    assert_eq!(body(&reqs[0])["params"], json!({"taskId": "t-1"}));
    assert!(events.contains(&Event::ToolCallCancelled {
        call,
        reason: "user cancelled".into()
    }));
    answer(&mut s, 600, &reqs[0], task("cancelled", "Cancelled"));
    drain(&mut s);
    s.handle_timeout(20_000);
    assert!(
        drain(&mut s).0.is_empty(),
        "nothing is polled after the cancel"
    );
}

#[test]
fn an_unusable_task_or_a_lost_session_fails_the_call() {
    let mut s = ready(with_tasks());
    let (call, _) = research_answered(&mut s, json!({"task": {"status": "working"}}));
    let (_, events) = drain(&mut s);
    assert!(
        events.contains(&Event::ToolCallFailed {
            call,
            error: Error::new(
                Doing::CallingTool {
                    tool: "research".into(),
                    round: 0
                },
                Failure::Unusable(
                    "the task it created is unusable: it has no taskId string".into()
                )
            ),
        }),
        "{events:?}"
    );

    let (call, _) = research_started(&mut s);
    drain(&mut s);
    s.disconnect(100);
    let (_, events) = drain(&mut s);
    let failed = events
        .iter()
        .filter(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call))
        .count();
    assert_eq!(failed, 1, "{events:?}");
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn a_result_awaited_for_long_is_kept_while_the_server_says_the_task_runs() {
    use mcp_desk_protocol::session::CALL_IDLE_TIMEOUT_MS;
    let mut s = ready(with_tasks());
    let (call, _) = research_started(&mut s);
    s.handle_timeout(1_000);
    let (reqs, _) = drain(&mut s);
    answer(
        &mut s,
        1_000,
        only(&reqs, "tasks/get"),
        task("input_required", "Which?"),
    );
    let (reqs, _) = drain(&mut s);
    only(&reqs, "tasks/result");
    // The tasks/result says nothing for longer than a call may be silent, but every poll
    // says the task works on: the call goes on.
    let mut now = 1_000;
    while now < 1_000 + CALL_IDLE_TIMEOUT_MS + 10_000 {
        now += 1_000;
        s.handle_timeout(now);
        let (reqs, events) = drain(&mut s);
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::ToolCallFailed { .. })),
            "at {now}: {events:?}"
        );
        assert!(
            !reqs.iter().any(|r| body(r)["method"] == "tasks/cancel"),
            "at {now}"
        );
        for get in reqs.iter().filter(|r| body(r)["method"] == "tasks/get") {
            answer(&mut s, now, get, task("working", "Thinking..."));
        }
    }
    s.cancel_call(now, call, "enough");
    let (reqs, _) = drain(&mut s);
    only(&reqs, "tasks/cancel");
}

#[test]
fn a_task_already_done_is_not_cancelled_on_the_server() {
    let mut s = ready(with_tasks());
    let (call, _) = research_answered(&mut s, json!({"task": task("completed", "Done")}));
    let (reqs, _) = drain(&mut s);
    only(&reqs, "tasks/result");
    s.cancel_call(10, call, "changed my mind");
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "{reqs:?}");
    assert!(events.contains(&Event::ToolCallCancelled {
        call,
        reason: "changed my mind".into()
    }));
}

#[test]
fn a_call_cancelled_before_its_task_is_known_has_the_task_cancelled_once_it_is() {
    let mut s = ready(with_tasks());
    let call = s.call_tool(0, "research", Map::new());
    let (reqs, _) = drain(&mut s);
    let sent = only(&reqs, "tools/call").clone();
    s.cancel_call(5, call, "too slow");
    let (reqs, events) = drain(&mut s);
    assert!(
        reqs.is_empty(),
        "no notifications/cancelled for a task: {reqs:?}"
    );
    assert!(events.contains(&Event::ToolCallCancelled {
        call,
        reason: "too slow".into()
    }));
    answer(
        &mut s,
        10,
        &sent,
        json!({"task": task("working", "Started")}),
    );
    let (reqs, events) = drain(&mut s);
    assert_eq!(
        body(only(&reqs, "tasks/cancel"))["params"],
        json!({"taskId": "t-1"})
    );
    assert!(
        statuses(&events).is_empty(),
        "the cancelled call shows nothing more"
    );
    s.handle_timeout(20_000);
    assert!(drain(&mut s).0.is_empty(), "nothing is polled");
}

/// Calls `echo` and opens its response stream: where the server's requests come.
fn call_stream(s: &mut ClientSession) -> (CallId, TransferId) {
    call_stream_with_id(s).0
}

/// [`call_stream`], and the `tools/call`'s JSON-RPC id.
fn call_stream_with_id(s: &mut ClientSession) -> ((CallId, TransferId), Value) {
    let call = s.call_tool(0, "echo", Map::new());
    let (reqs, _) = drain(s);
    let sent = only(&reqs, "tools/call");
    let (t, id) = (sent.transfer, body(sent)["id"].clone());
    s.on_response(
        0,
        t,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    ((call, t), id)
}

/// `message` as one event of a stream.
fn sse(message: &Value) -> Vec<u8> {
    format!("data: {message}\n\n").into_bytes()
}

/// The sampling request among `events` that waits for the person.
fn asked_sampling(events: &[Event]) -> mcp_desk_protocol::PendingSampling {
    events
        .iter()
        .find_map(|e| match e {
            Event::SamplingRequested(p) => Some(p.clone()),
            _ => None,
        })
        .expect("a sampling request waits for the person")
}

/// The server sends `message` on stream `t` at `now`; what the client sent back, as JSON.
fn server_says(s: &mut ClientSession, now: u64, t: TransferId, message: Value) -> Vec<Value> {
    s.on_body(now, t, &sse(&message));
    let (reqs, _) = drain(s);
    reqs.iter().map(body).collect()
}

fn ask(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

fn sampling_as_task() -> Value {
    json!({"task": {"ttl": 300000}, "maxTokens": 50,
           "messages": [{"role": "user", "content": {"type": "text", "text": "Hi"}}]})
}

fn completion() -> CreateMessageResult {
    CreateMessageResult::new(SamplingMessage::assistant_text("Hello."), "mock-1".into())
        .with_stop_reason("endTurn")
}

#[test]
fn a_sampling_asked_as_a_task_is_a_task_at_once_and_the_persons_answer_completes_it() {
    let mut s = ready(json!({"tools": {}}));
    // 2026-12-02T10:12:12.000Z when the session's clock read 0.
    s.set_wall_clock(1_796_206_332_000);
    let (call, t) = call_stream(&mut s);
    s.on_body(
        1_000,
        t,
        &sse(&ask(5, "sampling/createMessage", sampling_as_task())),
    );
    let (reqs, events) = drain(&mut s);
    let replies: Vec<Value> = reqs.iter().map(body).collect();
    assert_eq!(
        replies,
        [json!({"jsonrpc": "2.0", "id": 5, "result": {"task": {
            "taskId": "mcp-desk-task-1", "status": "working",
            "statusMessage": "Waiting for the person's review",
            "createdAt": "2026-12-02T10:12:13.000Z", "lastUpdatedAt": "2026-12-02T10:12:13.000Z",
            "ttl": 300000, "pollInterval": 1000}}})]
    );
    let pending = asked_sampling(&events);
    assert_eq!(pending.related_call.map(|r| r.call), Some(call));

    let task = json!({"taskId": "mcp-desk-task-1"});
    let got = server_says(&mut s, 2_000, t, ask(6, "tasks/get", task.clone()));
    assert_eq!(got[0]["result"]["status"], "working");
    assert!(
        server_says(&mut s, 2_000, t, ask(7, "tasks/result", task.clone())).is_empty(),
        "tasks/result waits for the answer"
    );
    s.answer_sampling(3_000, pending.input, &completion())
        .unwrap();
    let (reqs, _) = drain(&mut s);
    let replies: Vec<Value> = reqs.iter().map(body).collect();
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0]["id"], 7);
    assert_eq!(replies[0]["result"]["model"], "mock-1");
    assert_eq!(replies[0]["result"]["_meta"][RELATED_TASK], task);

    let got = server_says(&mut s, 4_000, t, ask(8, "tasks/get", task.clone()));
    assert_eq!(got[0]["result"]["status"], "completed");
    assert_eq!(
        got[0]["result"]["lastUpdatedAt"],
        "2026-12-02T10:12:15.000Z"
    );
    let again = server_says(&mut s, 4_000, t, ask(9, "tasks/result", task.clone()));
    assert_eq!(again[0]["result"]["content"]["text"], "Hello.");
    let cancel = server_says(&mut s, 4_000, t, ask(10, "tasks/cancel", task.clone()));
    assert_eq!(
        cancel[0]["error"]["code"], -32602,
        "a task done is not cancelled"
    );
    let list = server_says(&mut s, 4_000, t, ask(11, "tasks/list", json!({})));
    let ids: Vec<&Value> = list[0]["result"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["taskId"])
        .collect();
    assert_eq!(ids, [&json!("mcp-desk-task-1")]);
    let unknown = server_says(
        &mut s,
        4_000,
        t,
        ask(12, "tasks/get", json!({"taskId": "nope"})),
    );
    assert_eq!(unknown[0]["error"]["code"], -32602);
}

#[test]
fn a_refused_task_fails_with_the_error_the_request_would_have_had() {
    let mut s = ready(json!({"tools": {}}));
    let (_, t) = call_stream(&mut s);
    s.on_body(
        0,
        t,
        &sse(&ask(5, "sampling/createMessage", sampling_as_task())),
    );
    let (_, events) = drain(&mut s);
    let input = asked_sampling(&events).input;
    let task = json!({"taskId": "mcp-desk-task-1"});
    server_says(&mut s, 0, t, ask(6, "tasks/result", task.clone()));
    s.reject_sampling(0, input).unwrap();
    let (reqs, _) = drain(&mut s);
    assert_eq!(
        body(&reqs[0]),
        json!({"jsonrpc": "2.0", "id": 6, "error": {"code": -1, "message": "User rejected sampling request"}})
    );
    let got = server_says(&mut s, 0, t, ask(7, "tasks/get", task));
    assert_eq!(got[0]["result"]["status"], "failed");
}

#[test]
fn a_task_the_server_cancels_leaves_the_queue_and_its_waiting_result_is_refused() {
    let mut s = ready(json!({"tools": {}}));
    let (_, t) = call_stream(&mut s);
    let question = json!({"task": {}, "mode": "form", "message": "Name?",
        "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}});
    s.on_body(0, t, &sse(&ask(5, "elicitation/create", question)));
    let (reqs, events) = drain(&mut s);
    assert_eq!(body(&reqs[0])["result"]["task"]["ttl"], Value::Null);
    let input = events
        .iter()
        .find_map(|e| match e {
            Event::ElicitationRequested(p) => Some(p.input),
            _ => None,
        })
        .unwrap();
    let task = json!({"taskId": "mcp-desk-task-1"});
    server_says(&mut s, 0, t, ask(6, "tasks/result", task.clone()));
    s.on_body(0, t, &sse(&ask(7, "tasks/cancel", task)));
    let (reqs, events) = drain(&mut s);
    let replies: Vec<Value> = reqs.iter().map(body).collect();
    let ids: Vec<&Value> = replies.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [&json!(6), &json!(7)]);
    assert_eq!(replies[0]["error"]["message"], "The task was cancelled");
    assert_eq!(replies[1]["result"]["status"], "cancelled");
    assert!(events.contains(&Event::InputGone {
        input,
        reason: Gone::ServerCancelled(Some("it cancelled task mcp-desk-task-1".into()))
    }));
    assert!(s.answer_elicitation(0, input, &Answer::Decline).is_err());
}

#[test]
fn before_2025_11_25_a_task_asked_for_is_ignored_and_the_request_answered_as_ever() {
    let mut s = ready_at("2025-06-18", json!({"tools": {}}));
    let (_, t) = call_stream(&mut s);
    s.on_body(
        0,
        t,
        &sse(&ask(5, "sampling/createMessage", sampling_as_task())),
    );
    let (reqs, events) = drain(&mut s);
    assert!(reqs.is_empty(), "no task is made: {reqs:?}");
    let input = asked_sampling(&events).input;
    s.answer_sampling(0, input, &completion()).unwrap();
    let (reqs, _) = drain(&mut s);
    assert_eq!(body(&reqs[0])["id"], 5);
    assert_eq!(body(&reqs[0])["result"]["model"], "mock-1");
}

#[test]
fn a_received_task_whose_call_ends_is_cancelled_and_its_held_result_refused() {
    let mut s = ready(json!({"tools": {}}));
    let ((call, t), id) = call_stream_with_id(&mut s);
    s.on_body(
        0,
        t,
        &sse(&ask(5, "sampling/createMessage", sampling_as_task())),
    );
    drain(&mut s);
    let task = json!({"taskId": "mcp-desk-task-1"});
    assert!(server_says(&mut s, 0, t, ask(6, "tasks/result", task.clone())).is_empty());
    // The tool call ends first.
    let done = json!({"jsonrpc": "2.0", "id": id, "result": {"content": []}});
    s.on_body(10, t, &sse(&done));
    let (reqs, events) = drain(&mut s);
    let replies: Vec<Value> = reqs.iter().map(body).collect();
    assert_eq!(
        replies,
        [
            json!({"jsonrpc": "2.0", "id": 6, "error": {"code": -32600, "message": "The task was cancelled"}})
        ]
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFinished { call: c, .. } if *c == call))
    );
    let got = server_says(&mut s, 20, t, ask(7, "tasks/get", task));
    assert_eq!(got[0]["result"]["status"], "cancelled");
}

#[test]
fn a_task_the_server_cancels_late_starts_its_calls_clock_again() {
    use mcp_desk_protocol::session::CALL_IDLE_TIMEOUT_MS;
    let (mut s, get) = ready_with_stream("2025-11-25", json!({"tools": {}}));
    let (call, t) = call_stream(&mut s);
    s.on_body(
        0,
        t,
        &sse(&ask(5, "sampling/createMessage", sampling_as_task())),
    );
    drain(&mut s);
    // The person took longer than a call may be silent; then the server cancels the task.
    let late = CALL_IDLE_TIMEOUT_MS + 100_000;
    s.on_body(
        late,
        get,
        &sse(&ask(
            6,
            "tasks/cancel",
            json!({"taskId": "mcp-desk-task-1"}),
        )),
    );
    drain(&mut s);
    s.handle_timeout(late + 1);
    let (_, events) = drain(&mut s);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call)),
        "{events:?}"
    );
}

#[test]
fn a_task_call_timing_out_before_its_task_is_known_is_cancelled_as_a_task() {
    use mcp_desk_protocol::session::CALL_IDLE_TIMEOUT_MS;
    let mut s = ready(with_tasks());
    let call = s.call_tool(0, "research", Map::new());
    let (reqs, _) = drain(&mut s);
    let sent = only(&reqs, "tools/call").clone();
    s.handle_timeout(CALL_IDLE_TIMEOUT_MS);
    let (reqs, events) = drain(&mut s);
    let methods: Vec<Value> = reqs.iter().map(|r| body(r)["method"].clone()).collect();
    assert!(
        !methods.contains(&json!("notifications/cancelled")),
        "{methods:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ToolCallFailed { call: c, .. } if *c == call))
    );
    answer(
        &mut s,
        CALL_IDLE_TIMEOUT_MS + 1,
        &sent,
        json!({"task": task("working", "Late")}),
    );
    let (reqs, _) = drain(&mut s);
    only(&reqs, "tasks/cancel");
}

#[test]
fn a_received_task_list_refuses_a_cursor_it_never_gave() {
    let mut s = ready(json!({"tools": {}}));
    let (_, t) = call_stream(&mut s);
    let refused = server_says(&mut s, 0, t, ask(5, "tasks/list", json!({"cursor": "x"})));
    assert_eq!(refused[0]["error"]["code"], -32602);
    let listed = server_says(&mut s, 0, t, ask(6, "tasks/list", json!({})));
    assert_eq!(listed[0]["result"], json!({"tasks": []}));
}
