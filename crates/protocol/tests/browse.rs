//! Resources, resource templates, prompts and completions (S25 server/resources.mdx,
//! server/prompts.mdx, server/utilities/completion.mdx): listed when the server declares them,
//! every page, again when the server says a list changed; a read, a prompt with arguments, a
//! completion, a subscription and its updates — fed by hand the way a browser would.

mod support;
use support::{body, drain};

use mcp_desk_protocol::{
    ClientSession, Doing, Event, Failure, HttpMethod, HttpRequest, ResponseHead, Revision,
    SessionConfig, TransferId, session::Target,
};
use serde_json::{Value, json};

const URL: &str = "http://127.0.0.1:9/mcp";

fn answer(s: &mut ClientSession, req: &HttpRequest, result: Value) {
    let id = body(req)["id"].clone();
    s.on_response(
        0,
        req.transfer,
        ResponseHead::new(200).with_header("content-type", "application/json"),
    );
    s.on_body(
        0,
        req.transfer,
        json!({"jsonrpc": "2.0", "id": id, "result": result})
            .to_string()
            .as_bytes(),
    );
    s.on_end(0, req.transfer);
}

/// The requests among `sends` with this method.
fn of<'a>(sends: &'a [HttpRequest], method: &str) -> Vec<&'a HttpRequest> {
    sends
        .iter()
        .filter(|r| body(r)["method"] == method)
        .collect()
}

/// A 2025-11-25 session with a server offering `capabilities`, ready; returns the requests
/// it POSTed once ready, and its standalone GET stream, opened.
fn ready(capabilities: Value) -> (ClientSession, Vec<HttpRequest>, TransferId) {
    let mut s = ClientSession::new(SessionConfig {
        url: URL.into(),
        client_name: "mcp-desk".into(),
        client_version: "0.1.0".into(),
        revision: Some(Revision::V2025_11_25),
        known_transport: None,
        log_level: None,
        roots: Vec::new(),
    });
    s.connect(0);
    let (sends, _) = drain(&mut s);
    let init = &sends[0];
    s.on_response(
        0,
        init.transfer,
        ResponseHead::new(200)
            .with_header("content-type", "application/json")
            .with_header("mcp-session-id", "sess-1"),
    );
    s.on_body(
        0,
        init.transfer,
        json!({"jsonrpc": "2.0", "id": 0, "result": {"protocolVersion": "2025-11-25",
            "capabilities": capabilities, "serverInfo": {"name": "s", "version": "1"}}})
        .to_string()
        .as_bytes(),
    );
    s.on_end(0, init.transfer);
    let (sends, _) = drain(&mut s);
    s.on_response(0, sends[0].transfer, ResponseHead::new(202));
    s.on_end(0, sends[0].transfer);
    let (sends, _) = drain(&mut s);
    let (gets, posts): (Vec<_>, Vec<_>) =
        sends.into_iter().partition(|r| r.method == HttpMethod::Get);
    let get = gets[0].transfer;
    s.on_response(
        0,
        get,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    (s, posts, get)
}

fn everything() -> (ClientSession, Vec<HttpRequest>, TransferId) {
    ready(
        json!({"resources": {"subscribe": true, "listChanged": true}, "prompts": {}, "completions": {}}),
    )
}

#[test]
fn only_what_the_server_declares_is_listed() {
    let (_, sends, _) = ready(json!({"tools": {}}));
    let methods: Vec<Value> = sends.iter().map(|r| body(r)["method"].clone()).collect();
    assert_eq!(methods, [json!("tools/list")]);
    let (_, sends, _) = everything();
    let methods: Vec<Value> = sends.iter().map(|r| body(r)["method"].clone()).collect();
    assert_eq!(
        methods,
        [
            json!("resources/list"),
            json!("resources/templates/list"),
            json!("prompts/list")
        ]
    );
}

#[test]
fn every_page_of_a_list_is_gathered_and_a_change_lists_again() {
    let (mut s, sends, get) = everything();
    let list = of(&sends, "resources/list")[0].clone();
    answer(
        &mut s,
        &list,
        json!({"resources": [{"uri": "demo://a", "name": "A"}], "nextCursor": "p2"}),
    );
    let (sends, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, Event::ResourcesListed(_)))
    );
    assert_eq!(body(&sends[0])["params"], json!({"cursor": "p2"}));
    answer(
        &mut s,
        &sends[0],
        json!({"resources": [{"uri": "demo://b", "name": "B", "mimeType": "text/plain"}]}),
    );
    let (_, events) = drain(&mut s);
    let listed = events.iter().find_map(|e| match e {
        Event::ResourcesListed(r) => Some(r.iter().map(|r| r.uri.clone()).collect::<Vec<_>>()),
        _ => None,
    });
    assert_eq!(listed, Some(vec!["demo://a".into(), "demo://b".into()]));

    // The server says the list changed: resources and templates are listed again.
    s.on_body(
        0,
        get,
        b"event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/resources/list_changed\"}\n\n",
    );
    let (sends, _) = drain(&mut s);
    let methods: Vec<Value> = sends.iter().map(|r| body(r)["method"].clone()).collect();
    assert_eq!(
        methods,
        [json!("resources/list"), json!("resources/templates/list")]
    );
}

#[test]
fn a_read_a_prompt_and_a_completion_come_back_as_events() {
    let (mut s, _, _) = everything();
    s.read_resource(0, "demo://resource/dynamic/blob/3");
    s.get_prompt(
        0,
        "args-prompt",
        json!({"city": "Oslo"}).as_object().unwrap().clone(),
    );
    s.complete_argument(
        0,
        Target::Prompt("completable-prompt".into()),
        "department",
        "En",
        serde_json::Map::new(),
    );
    let (sends, _) = drain(&mut s);
    let bodies: Vec<Value> = sends.iter().map(body).collect();
    assert_eq!(bodies[0]["method"], "resources/read");
    assert_eq!(
        bodies[0]["params"],
        json!({"uri": "demo://resource/dynamic/blob/3"})
    );
    assert_eq!(
        bodies[1]["params"],
        json!({"name": "args-prompt", "arguments": {"city": "Oslo"}})
    );
    assert_eq!(
        bodies[2]["params"],
        json!({"ref": {"type": "ref/prompt", "name": "completable-prompt"}, "argument": {"name": "department", "value": "En"}})
    );
    answer(
        &mut s,
        &sends[0],
        json!({"contents": [{"uri": "demo://resource/dynamic/blob/3", "mimeType": "text/plain", "blob": "aGk="}]}),
    );
    answer(
        &mut s,
        &sends[1],
        json!({"messages": [{"role": "user", "content": {"type": "text", "text": "Weather in Oslo?"}}]}),
    );
    answer(
        &mut s,
        &sends[2],
        json!({"completion": {"values": ["Engineering"], "hasMore": false}}),
    );
    let (_, events) = drain(&mut s);
    assert!(events.iter().any(|e| matches!(e, Event::ResourceRead { uri, contents } if uri == "demo://resource/dynamic/blob/3" && contents.len() == 1)));
    assert!(events.iter().any(|e| matches!(e, Event::PromptGot { name, prompt } if name == "args-prompt" && prompt.messages.len() == 1)));
    assert!(events.iter().any(
        |e| matches!(e, Event::Completed { argument, value, values, .. }
        if argument == "department" && value == "En" && values == &["Engineering".to_owned()])
    ));
}

#[test]
fn a_failed_read_and_a_malformed_prompt_say_what_was_asked() {
    let (mut s, _, _) = everything();
    s.read_resource(0, "demo://nowhere");
    s.get_prompt(0, "p", serde_json::Map::new());
    let (sends, _) = drain(&mut s);
    let id = body(&sends[0])["id"].clone();
    s.on_response(
        0,
        sends[0].transfer,
        ResponseHead::new(200).with_header("content-type", "application/json"),
    );
    s.on_body(
        0,
        sends[0].transfer,
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32002, "message": "Resource not found"}})
            .to_string()
            .as_bytes(),
    );
    s.on_end(0, sends[0].transfer);
    answer(&mut s, &sends[1], json!({"messages": "none"}));
    let (_, events) = drain(&mut s);
    let failed: Vec<(Doing, bool)> = events
        .iter()
        .filter_map(|e| match e {
            Event::BrowseFailed { error } => Some((
                error.doing.clone(),
                matches!(error.failure, Failure::Unusable(_)),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [
            (Doing::ReadingResource("demo://nowhere".into()), false),
            (Doing::GettingPrompt("p".into()), true)
        ]
    );
}

#[test]
fn a_subscription_hears_updates_and_is_refused_where_it_cannot_be() {
    let (mut s, _, get) = everything();
    s.subscribe_resource(0, "demo://a", true);
    let (sends, _) = drain(&mut s);
    assert_eq!(body(&sends[0])["method"], "resources/subscribe");
    assert_eq!(body(&sends[0])["params"], json!({"uri": "demo://a"}));
    answer(&mut s, &sends[0], json!({}));
    s.on_body(
        0,
        get,
        b"event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/resources/updated\",\"params\":{\"uri\":\"demo://a\"}}\n\n",
    );
    let (_, events) = drain(&mut s);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Subscribed { uri, on: true } if uri == "demo://a"))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ResourceUpdated { uri } if uri == "demo://a"))
    );
    // A server without `subscribe`: refused here, nothing sent.
    let (mut s, _, _) = ready(json!({"resources": {}}));
    s.subscribe_resource(0, "demo://a", true);
    let (sends, events) = drain(&mut s);
    assert!(sends.is_empty());
    assert!(events.iter().any(|e| matches!(e, Event::BrowseFailed { error }
        if error.failure == Failure::Unusable("the server does not offer resource subscriptions".into()))));
    // Nor completions: nothing is asked.
    s.complete_argument(
        0,
        Target::Template("demo://{id}".into()),
        "id",
        "1",
        serde_json::Map::new(),
    );
    assert!(drain(&mut s).0.is_empty());
}
