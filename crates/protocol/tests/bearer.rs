//! The session with a protected server: a `401` (or a `403` asking for more scope) ends in a
//! failure that carries the challenge, so the page can sign in; once signed in, the token goes
//! as `Authorization: Bearer` with every request to that server — and to no other origin.

mod support;
use support::drain;

use mcp_desk_protocol::{ClientSession, Event, Failure, ResponseHead, Revision, SessionConfig};

const URL: &str = "http://127.0.0.1:9/mcp";

fn session(revision: Revision) -> ClientSession {
    ClientSession::new(SessionConfig {
        url: URL.into(),
        client_name: "mcp-desk".into(),
        client_version: "0.1.0".into(),
        revision: Some(revision),
        known_transport: None,
        log_level: None,
        roots: Vec::new(),
    })
}

/// The failure the connection ended with.
fn connect_failure(events: &[Event]) -> Failure {
    events
        .iter()
        .find_map(|e| match e {
            Event::ConnectFailed { error, .. } => Some(error.failure.clone()),
            _ => None,
        })
        .expect("ConnectFailed")
}

const CHALLENGE: &str =
    r#"Bearer resource_metadata="http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp""#;

#[test]
fn a_401_on_connecting_ends_it_with_the_challenge_at_every_revision() {
    for revision in [Revision::V2025_11_25, Revision::V2026_07_28] {
        let mut s = session(revision);
        s.connect(0);
        let (sends, _) = drain(&mut s);
        assert_eq!(sends[0].header("authorization"), None);
        let t = sends[0].transfer;
        s.on_response(
            0,
            t,
            ResponseHead::new(401).with_header("WWW-Authenticate", CHALLENGE),
        );
        s.on_body(0, t, b"{\"error\":\"invalid_token\"}");
        s.on_end(0, t);
        let (_, events) = drain(&mut s);
        assert_eq!(
            connect_failure(&events),
            Failure::Unauthorized {
                status: 401,
                challenge: Some(CHALLENGE.into())
            },
            "{revision:?}"
        );
    }
    // A challenge CORS hides is no challenge the page can read: the 401 still asks to sign in.
    let mut s = session(Revision::V2025_11_25);
    s.connect(0);
    let (sends, _) = drain(&mut s);
    s.on_response(0, sends[0].transfer, ResponseHead::new(401));
    s.on_end(0, sends[0].transfer);
    let (_, events) = drain(&mut s);
    assert_eq!(
        connect_failure(&events),
        Failure::Unauthorized {
            status: 401,
            challenge: None
        }
    );
}

#[test]
fn a_403_asks_to_sign_in_only_when_its_challenge_wants_more_scope() {
    let step_up = r#"Bearer error="insufficient_scope", scope="files:write""#;
    for (challenge, asks) in [
        (Some(step_up), true),
        (None, false),
        (Some("Bearer error=\"invalid_token\""), false),
    ] {
        let mut s = session(Revision::V2025_11_25);
        s.connect(0);
        let (sends, _) = drain(&mut s);
        let mut head = ResponseHead::new(403);
        if let Some(c) = challenge {
            head = head.with_header("www-authenticate", c);
        }
        s.on_response(0, sends[0].transfer, head);
        s.on_end(0, sends[0].transfer);
        let (_, events) = drain(&mut s);
        let failure = connect_failure(&events);
        assert_eq!(
            matches!(failure, Failure::Unauthorized { status: 403, .. }),
            asks,
            "{failure:?}"
        );
    }
}

#[test]
fn the_token_goes_with_every_request_to_its_server_over_http_sse_too() {
    let mut s = session(Revision::V2024_11_05);
    s.set_authorization(Some("Bearer tok-1".into()));
    s.connect(0);
    let (sends, _) = drain(&mut s);
    assert_eq!(sends[0].header("authorization"), Some("Bearer tok-1"));
    assert!(!sends[0].url.contains("tok-1"));
    assert!(!format!("{s:?}").contains("tok-1"), "Debug hides the token");
    // 2024-11-05 falls back to HTTP+SSE: the stream's GET carries it too.
    let t = sends[0].transfer;
    s.on_response(0, t, ResponseHead::new(405));
    s.on_end(0, t);
    let (sends, _) = drain(&mut s);
    let get = sends
        .iter()
        .find(|r| r.method.as_str() == "GET")
        .expect("the stream's GET");
    assert_eq!(get.header("authorization"), Some("Bearer tok-1"));
    // Its endpoint (the same origin: another is refused) gets the token with every POST.
    s.on_response(
        0,
        get.transfer,
        ResponseHead::new(200).with_header("content-type", "text/event-stream"),
    );
    s.on_body(
        0,
        get.transfer,
        b"event: endpoint\ndata: /messages?sessionId=1\n\n",
    );
    let (sends, _) = drain(&mut s);
    assert_eq!(sends[0].url, "http://127.0.0.1:9/messages?sessionId=1");
    assert_eq!(sends[0].header("authorization"), Some("Bearer tok-1"));
}

#[test]
fn a_new_token_is_sent_from_then_on_and_none_after_signing_out() {
    let mut s = session(Revision::V2025_11_25);
    s.set_authorization(Some("Bearer tok-1".into()));
    s.connect(0);
    let (sends, _) = drain(&mut s);
    let init = &sends[0];
    assert_eq!(init.header("authorization"), Some("Bearer tok-1"));
    // Refreshed while initialize was out: what follows carries the new one.
    s.set_authorization(Some("Bearer tok-2".into()));
    let answer = serde_json::json!({"jsonrpc": "2.0", "id": 0, "result": {
        "protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
        "serverInfo": {"name": "s", "version": "1"}}});
    s.on_response(
        0,
        init.transfer,
        ResponseHead::new(200)
            .with_header("content-type", "application/json")
            .with_header("mcp-session-id", "s-1"),
    );
    s.on_body(0, init.transfer, answer.to_string().as_bytes());
    s.on_end(0, init.transfer);
    let (sends, _) = drain(&mut s);
    assert!(!sends.is_empty());
    assert!(
        sends
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer tok-2"))
    );
    s.set_authorization(None);
    s.disconnect(0);
    let (sends, _) = drain(&mut s);
    assert!(!sends.is_empty(), "the DELETE");
    assert!(sends.iter().all(|r| r.header("authorization").is_none()));
}
