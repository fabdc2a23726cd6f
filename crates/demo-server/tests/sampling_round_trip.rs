//! The demo server over real HTTP, as a browser client sees it: the blog-post tool asks for a
//! summary by sampling on the tool call's stream, and finishes with what the client answered.

use futures_util::StreamExt;
use mcp_desk_demo::{DemoServer, MAX_TOKENS, SYSTEM_PROMPT};
use mcp_desk_protocol::sse::SseDecoder;
use serde_json::{Value, json};

const ACCEPT: &str = "application/json, text/event-stream";

/// A bare Streamable HTTP client: just enough to reach the tool call.
struct RawClient {
    http: reqwest::Client,
    url: String,
    session: String,
}

impl RawClient {
    async fn connect(server: &DemoServer) -> RawClient {
        let http = reqwest::Client::new();
        let url = server.url();
        let response = http
            .post(&url)
            .header("accept", ACCEPT)
            .header("content-type", "application/json")
            .json(&json!({
                "jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {
                    "protocolVersion": "2025-11-25",
                    "capabilities": {"sampling": {}},
                    "clientInfo": {"name": "demo-server-test", "version": "0"}
                }
            }))
            .send()
            .await
            .expect("initialize is answered");
        assert!(
            response.status().is_success(),
            "initialize: {}",
            response.status()
        );
        let session = response
            .headers()
            .get("mcp-session-id")
            .expect("the server assigns a session")
            .to_str()
            .unwrap()
            .to_owned();
        let mut messages = messages(response);
        let init = messages.next().await.expect("an initialize result");
        assert_eq!(init["result"]["serverInfo"]["name"], "mcp-desk-demo");
        let client = RawClient { http, url, session };
        let status = client
            .post(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await
            .status();
        assert_eq!(status, 202);
        client
    }

    async fn post(&self, body: Value) -> reqwest::Response {
        self.http
            .post(&self.url)
            .header("accept", ACCEPT)
            .header("content-type", "application/json")
            .header("mcp-session-id", &self.session)
            .header("mcp-protocol-version", "2025-11-25")
            .json(&body)
            .send()
            .await
            .expect("the server answers")
    }
}

/// The JSON-RPC messages of an SSE (or JSON) response, as they arrive.
fn messages(response: reqwest::Response) -> futures_util::stream::BoxStream<'static, Value> {
    let is_sse = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/event-stream"));
    if !is_sse {
        return futures_util::stream::once(async move { response.json::<Value>().await.unwrap() })
            .boxed();
    }
    let mut decoder = SseDecoder::new();
    response
        .bytes_stream()
        .flat_map(move |chunk| {
            let events = decoder.feed(&chunk.expect("the stream stays open"));
            futures_util::stream::iter(
                events.into_iter().filter(|e| !e.data.is_empty()).map(|e| {
                    serde_json::from_str::<Value>(&e.data).expect("JSON-RPC in each event")
                }),
            )
        })
        .boxed()
}

async fn start() -> DemoServer {
    mcp_desk_demo::serve(([127, 0, 0, 1], 0).into())
        .await
        .expect("the demo server starts")
}

/// Calls the tool, answers its sampling request with `answer`, returns (request, tool result).
async fn call_and_answer(answer: impl Fn(&Value) -> Value) -> (Value, Value) {
    let server = start().await;
    let client = RawClient::connect(&server).await;
    let call = client
        .post(json!({
            "jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": "create_blog_post", "arguments": {
                "title": "Tide pools",
                "draft": "Tide pools hold whole worlds. Anemones wait for the sea to come back."
            }}
        }))
        .await;
    let mut stream = messages(call);
    let request = stream
        .next()
        .await
        .expect("a sampling request on the call's stream");
    assert_eq!(request["method"], "sampling/createMessage", "{request}");
    let mut reply = answer(&request);
    reply["jsonrpc"] = json!("2.0");
    reply["id"] = request["id"].clone();
    let status = client.post(reply).await.status();
    assert_eq!(status, 202, "the answer is accepted");
    let result = stream.next().await.expect("the tool result");
    assert_eq!(result["id"], 7, "{result}");
    server.shutdown().await;
    (request, result)
}

#[tokio::test]
async fn the_blog_post_tool_summarises_by_sampling() {
    let (request, result) = call_and_answer(|_| {
        json!({"result": {
            "role": "assistant",
            "content": {"type": "text", "text": "Tide pools are small worlds."},
            "model": "test-model-1",
            "stopReason": "endTurn"
        }})
    })
    .await;

    let params = &request["params"];
    assert_eq!(params["systemPrompt"], SYSTEM_PROMPT);
    assert_eq!(params["maxTokens"], MAX_TOKENS);
    assert!(
        params["modelPreferences"]["hints"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );
    let prompt = params["messages"][0]["content"]["text"].as_str().unwrap();
    assert!(prompt.contains("Anemones wait for the sea"), "{prompt}");

    let text = result["result"]["content"][0]["text"].as_str().unwrap();
    assert_ne!(result["result"]["isError"], true, "{result}");
    assert!(
        text.contains("> Abstract: Tide pools are small worlds."),
        "{text}"
    );
    assert!(text.contains("test-model-1"), "{text}");
    assert!(
        text.contains("Anemones wait for the sea to come back."),
        "{text}"
    );
}

#[tokio::test]
async fn a_rejected_sampling_request_becomes_a_tool_error() {
    let (_, result) = call_and_answer(
        |_| json!({"error": {"code": -1, "message": "User rejected sampling request"}}),
    )
    .await;
    assert_eq!(result["result"]["isError"], true, "{result}");
    let text = result["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("Sampling failed: User rejected sampling request"),
        "{text}"
    );
}

#[tokio::test]
async fn a_page_on_another_origin_may_call_it_and_read_the_session() {
    let server = start().await;
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, server.url())
        .header("origin", "http://127.0.0.1:8080")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,mcp-session-id,mcp-protocol-version",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        allowed.contains("mcp-session-id") && allowed.contains("mcp-protocol-version"),
        "{allowed}"
    );

    let client = RawClient::connect(&server).await;
    let listed = client
        .post(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .await;
    let mut stream = messages(listed);
    let tools = stream.next().await.unwrap();
    assert_eq!(tools["result"]["tools"][0]["name"], "create_blog_post");

    let initialize = reqwest::Client::new()
        .post(server.url())
        .header("origin", "http://127.0.0.1:8080")
        .header("accept", ACCEPT)
        .json(
            &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"}}}),
        )
        .send()
        .await
        .unwrap();
    let exposed = initialize.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("mcp-session-id"), "{exposed}");
    server.shutdown().await;
}

/// A 2026-07-28 request: no session, the envelope in `_meta`, the standard headers.
async fn post_2026(server: &DemoServer, id: u64, params: Value) -> Value {
    let mut params = params;
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {"sampling": {}},
        "io.modelcontextprotocol/clientInfo": {"name": "demo-server-test", "version": "0"}
    });
    let response = reqwest::Client::new()
        .post(server.url())
        .header("accept", ACCEPT)
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", "create_blog_post")
        .json(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params}))
        .send()
        .await
        .unwrap();
    messages(response).next().await.expect("an answer")
}

#[tokio::test]
async fn at_2026_07_28_the_summary_is_asked_inside_the_result() {
    let server = start().await;
    let call = json!({"name": "create_blog_post", "arguments": {"title": "Tide pools", "draft": "Anemones wait."}});
    let first = post_2026(&server, 1, call.clone()).await;
    let result = &first["result"];
    assert_eq!(result["resultType"], "input_required", "{first}");
    let ask = &result["inputRequests"][mcp_desk_demo::ABSTRACT_INPUT];
    assert_eq!(ask["method"], "sampling/createMessage");
    assert_eq!(ask["params"]["systemPrompt"], SYSTEM_PROMPT);
    let state = result["requestState"].as_str().unwrap().to_owned();

    let mut retry = call.clone();
    retry["inputResponses"] = json!({mcp_desk_demo::ABSTRACT_INPUT: {
        "role": "assistant", "content": {"type": "text", "text": "Small worlds."}, "model": "m-2026"}});
    retry["requestState"] = json!(state);
    let done = post_2026(&server, 2, retry.clone()).await;
    let text = done["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("> Abstract: Small worlds.") && text.contains("m-2026"),
        "{done}"
    );

    retry["requestState"] = json!("tampered");
    let refused = post_2026(&server, 3, retry).await;
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    server.shutdown().await;
}
