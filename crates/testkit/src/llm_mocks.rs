//! Stand-ins for the LLM APIs MCP Desk calls from the page (there is no internet here), each
//! speaking its provider's documented wire format, streamed or not: OpenAI Chat Completions,
//! Anthropic Messages and Google Gemini `generateContent`. They answer deterministically,
//! check the auth headers the real APIs check, fail the way the real APIs fail for the model
//! names `missing-model` (404) and `rate-limited` (429) (OpenAI also `overloaded-slowly`: 503
//! after two seconds), call the first offered tool when
//! tools are offered, and record every request so tests can see what reached the "LLM".

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};
use tower_http::cors::{Any, CorsLayer};

pub const OPENAI_KEY: &str = "sk-test-openai";
pub const ANTHROPIC_KEY: &str = "sk-ant-test";
pub const GEMINI_KEY: &str = "gemini-test-key";
/// The OpenAI model that answers 503 "overloaded", and only after [`OVERLOADED_AFTER`]: a
/// model call still running when its request goes away, then failing.
pub const OVERLOADED_SLOWLY: &str = "overloaded-slowly";
pub const OVERLOADED_AFTER: Duration = Duration::from_secs(2);
/// Streamed answers arrive in pieces this far apart, so a page can be seen streaming.
const CHUNK_GAP: Duration = Duration::from_millis(60);

/// A request one of the mocks received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub provider: &'static str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Recorded>>>);

/// The three mock APIs on one loopback port; stops when dropped.
pub struct LlmMocks {
    addr: SocketAddr,
    log: Log,
    task: tokio::task::JoinHandle<()>,
}

impl LlmMocks {
    pub async fn start() -> std::io::Result<LlmMocks> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let log = Log::default();
        let app = Router::new()
            .route("/openai/v1/chat/completions", post(openai))
            .route("/anthropic/v1/messages", post(anthropic))
            .route("/gemini/v1beta/models/{call}", post(gemini))
            .layer(
                CorsLayer::new()
                    .allow_origin(Any)
                    .allow_methods(Any)
                    .allow_headers(Any)
                    .expose_headers([header::RETRY_AFTER]),
            )
            .with_state(log.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(LlmMocks { addr, log, task })
    }

    /// The base URL to give MCP Desk for a provider id (`openai`, `anthropic`, `gemini`).
    pub fn base_url(&self, provider: &str) -> String {
        match provider {
            "anthropic" => format!("http://{}/anthropic/v1", self.addr),
            "gemini" => format!("http://{}/gemini/v1beta", self.addr),
            _ => format!("http://{}/openai/v1", self.addr),
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.0.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for LlmMocks {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn record(log: &Log, provider: &'static str, path: String, headers: &HeaderMap, body: &Value) {
    let headers = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    if let Ok(mut l) = log.0.lock() {
        l.push(Recorded {
            provider,
            path,
            headers,
            body: body.clone(),
        });
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("a response")
}

fn rate_limited(body: Value) -> Response {
    let mut r = json_response(StatusCode::TOO_MANY_REQUESTS, body);
    r.headers_mut()
        .insert(header::RETRY_AFTER, "7".parse().expect("a header value"));
    r
}

/// Server-Sent Events, one piece every [`CHUNK_GAP`].
fn sse(events: Vec<String>) -> Response {
    let stream = futures_util::stream::unfold(events.into_iter(), |mut rest| async move {
        let next = rest.next()?;
        tokio::time::sleep(CHUNK_GAP).await;
        Some((Ok::<Bytes, Infallible>(Bytes::from(next)), rest))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(stream))
        .expect("a response")
}

/// The deterministic answer: the first sentence of the last paragraph of the prompt.
pub fn answer_text(provider: &str, prompt: &str) -> String {
    let paragraph = prompt
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .last()
        .unwrap_or_default();
    let sentence = match paragraph.find(". ") {
        Some(i) => &paragraph[..=i],
        None => paragraph,
    };
    format!("{provider} mock summary: {sentence}")
}

/// Splits a text into the pieces a stream sends.
fn pieces(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in text.split_inclusive(' ') {
        current.push_str(word);
        if current.len() >= 12 {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// What a mock decides to answer.
enum Reply {
    Text(String),
    /// Call the tool named, with these arguments.
    Tool {
        name: String,
        input: Value,
    },
}

fn decide(provider: &str, prompt: &str, tools: &[String], answered_tool: Option<String>) -> Reply {
    match (tools.first(), answered_tool) {
        (Some(tool), None) => Reply::Tool {
            name: tool.clone(),
            input: json!({"city": "Oslo"}),
        },
        (_, Some(result)) => Reply::Text(format!(
            "{provider} mock answer from the tool result: {result}"
        )),
        (None, None) => Reply::Text(answer_text(provider, prompt)),
    }
}

// ----- OpenAI Chat Completions -----

async fn openai(State(log): State<Log>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": {"message": "We could not parse the JSON body of your request.", "type": "invalid_request_error", "param": null, "code": null}}),
        );
    };
    record(
        &log,
        "openai",
        "/v1/chat/completions".into(),
        &headers,
        &request,
    );
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {OPENAI_KEY}"))
    {
        return json_response(
            StatusCode::UNAUTHORIZED,
            json!({"error": {"message": "Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}),
        );
    }
    let model = request["model"].as_str().unwrap_or_default().to_owned();
    match model.as_str() {
        "missing-model" => {
            return json_response(
                StatusCode::NOT_FOUND,
                json!({"error": {"message": "The model `missing-model` does not exist or you do not have access to it.", "type": "invalid_request_error", "param": null, "code": "model_not_found"}}),
            );
        }
        "rate-limited" => {
            return rate_limited(
                json!({"error": {"message": "Rate limit reached for requests", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}),
            );
        }
        OVERLOADED_SLOWLY => {
            tokio::time::sleep(OVERLOADED_AFTER).await;
            return json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"error": {"message": "The engine is currently overloaded, please try again later.", "type": "server_error", "param": null, "code": null}}),
            );
        }
        _ => {}
    }
    let messages = request["messages"].as_array().cloned().unwrap_or_default();
    let prompt = messages
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .map(|m| match &m["content"] {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts
                .iter()
                .filter_map(|p| p["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        })
        .unwrap_or_default();
    let tools: Vec<String> = request["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.pointer("/function/name").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    let answered = messages
        .iter()
        .rev()
        .find(|m| m["role"] == "tool")
        .and_then(|m| m["content"].as_str())
        .map(str::to_owned);
    let answered_model = format!("{model}-2025-01-01");
    let reply = decide("OpenAI", &prompt, &tools, answered);
    let id = "chatcmpl-mock1";
    if request["stream"] != true {
        let (message, finish) = match &reply {
            Reply::Text(t) => (
                json!({"role": "assistant", "content": t, "refusal": null}),
                "stop",
            ),
            Reply::Tool { name, input } => (
                json!({"role": "assistant", "content": null, "tool_calls": [{"id": "call_mock1", "type": "function", "function": {"name": name, "arguments": input.to_string()}}]}),
                "tool_calls",
            ),
        };
        return json_response(
            StatusCode::OK,
            json!({
                "id": id, "object": "chat.completion", "created": 1_700_000_000, "model": answered_model,
                "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
            }),
        );
    }
    let chunk = |delta: Value, finish: Value| {
        format!(
            "data: {}\n\n",
            json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": answered_model, "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]})
        )
    };
    let mut events = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    let finish = match &reply {
        Reply::Text(t) => {
            events.extend(
                pieces(t)
                    .into_iter()
                    .map(|p| chunk(json!({"content": p}), Value::Null)),
            );
            "stop"
        }
        Reply::Tool { name, input } => {
            events.push(chunk(json!({"tool_calls": [{"index": 0, "id": "call_mock1", "type": "function", "function": {"name": name, "arguments": ""}}]}), Value::Null));
            let args = input.to_string();
            let (a, b) = args.split_at(args.len() / 2);
            for part in [a, b] {
                events.push(chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": part}}]}),
                    Value::Null,
                ));
            }
            "tool_calls"
        }
    };
    events.push(chunk(json!({}), json!(finish)));
    if request.pointer("/stream_options/include_usage") == Some(&json!(true)) {
        events.push(format!("data: {}\n\n", json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": answered_model, "choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})));
    }
    events.push("data: [DONE]\n\n".into());
    sse(events)
}

// ----- Anthropic Messages -----

async fn anthropic(State(log): State<Log>, headers: HeaderMap, body: Bytes) -> Response {
    let error = |status: StatusCode, kind: &str, message: &str| {
        json_response(
            status,
            json!({"type": "error", "error": {"type": kind, "message": message}}),
        )
    };
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "The request body is not valid JSON.",
        );
    };
    record(&log, "anthropic", "/v1/messages".into(), &headers, &request);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    if headers.contains_key(header::ORIGIN)
        && header("anthropic-dangerous-direct-browser-access") != "true"
    {
        return error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "CORS requests must set 'anthropic-dangerous-direct-browser-access' header",
        );
    }
    if header("x-api-key") != ANTHROPIC_KEY {
        return error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid x-api-key",
        );
    }
    if header("anthropic-version").is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "anthropic-version: header is required",
        );
    }
    if request["max_tokens"].as_u64().is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "max_tokens: Field required",
        );
    }
    let model = request["model"].as_str().unwrap_or_default().to_owned();
    match model.as_str() {
        "missing-model" => {
            return error(
                StatusCode::NOT_FOUND,
                "not_found_error",
                "model: missing-model",
            );
        }
        "rate-limited" => {
            let mut r = rate_limited(
                json!({"type": "error", "error": {"type": "rate_limit_error", "message": "Number of request tokens has exceeded your per-minute rate limit"}}),
            );
            r.headers_mut().insert(
                "anthropic-ratelimit-requests-remaining",
                "0".parse().expect("a header value"),
            );
            return r;
        }
        _ => {}
    }
    let messages = request["messages"].as_array().cloned().unwrap_or_default();
    let last_user = messages
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .cloned()
        .unwrap_or(Value::Null);
    let blocks: Vec<Value> = match &last_user["content"] {
        Value::String(s) => vec![json!({"type": "text", "text": s})],
        Value::Array(b) => b.clone(),
        _ => Vec::new(),
    };
    let prompt = blocks
        .iter()
        .filter_map(|b| b["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let answered =
        blocks
            .iter()
            .find(|b| b["type"] == "tool_result")
            .map(|b| match &b["content"] {
                Value::String(s) => s.clone(),
                Value::Array(c) => c
                    .iter()
                    .filter_map(|x| x["text"].as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => String::new(),
            });
    let tools: Vec<String> = request["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .map(str::to_owned)
        .collect();
    let reply = decide("Anthropic", &prompt, &tools, answered);
    let (content, stop) = match &reply {
        Reply::Text(t) => (json!([{"type": "text", "text": t}]), "end_turn"),
        Reply::Tool { name, input } => (
            json!([{"type": "tool_use", "id": "toolu_mock1", "name": name, "input": input}]),
            "tool_use",
        ),
    };
    if request["stream"] != true {
        return json_response(
            StatusCode::OK,
            json!({
                "id": "msg_mock1", "type": "message", "role": "assistant", "model": model, "content": content,
                "stop_reason": stop, "stop_sequence": null, "usage": {"input_tokens": 10, "output_tokens": 5}
            }),
        );
    }
    let event = |name: &str, data: Value| format!("event: {name}\ndata: {data}\n\n");
    let mut events = vec![event(
        "message_start",
        json!({"type": "message_start", "message": {"id": "msg_mock1", "type": "message", "role": "assistant", "content": [], "model": model, "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 10, "output_tokens": 1}}}),
    )];
    match &reply {
        Reply::Text(t) => {
            events.push(event("content_block_start", json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})));
            events.push(event("ping", json!({"type": "ping"})));
            for p in pieces(t) {
                events.push(event("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}})));
            }
        }
        Reply::Tool { name, input } => {
            events.push(event("content_block_start", json!({"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "toolu_mock1", "name": name, "input": {}}})));
            let args = input.to_string();
            let (a, b) = args.split_at(args.len() / 2);
            for part in [a, b] {
                events.push(event("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": part}})));
            }
        }
    }
    events.push(event(
        "content_block_stop",
        json!({"type": "content_block_stop", "index": 0}),
    ));
    events.push(event("message_delta", json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null}, "usage": {"output_tokens": 5}})));
    events.push(event("message_stop", json!({"type": "message_stop"})));
    sse(events)
}

// ----- Google Gemini -----

async fn gemini(
    State(log): State<Log>,
    Path(call): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let error = |status: StatusCode, code: u16, message: &str, kind: &str| {
        json_response(
            status,
            json!({"error": {"code": code, "message": message, "status": kind}}),
        )
    };
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            400,
            "Invalid JSON payload received.",
            "INVALID_ARGUMENT",
        );
    };
    record(
        &log,
        "gemini",
        format!("/v1beta/models/{call}"),
        &headers,
        &request,
    );
    if headers.get("x-goog-api-key").and_then(|v| v.to_str().ok()) != Some(GEMINI_KEY) {
        return error(
            StatusCode::BAD_REQUEST,
            400,
            "API key not valid. Please pass a valid API key.",
            "INVALID_ARGUMENT",
        );
    }
    let Some((model, method)) = call.split_once(':') else {
        return error(StatusCode::NOT_FOUND, 404, "Method not found.", "NOT_FOUND");
    };
    let stream = match method {
        "generateContent" => false,
        "streamGenerateContent" => true,
        _ => return error(StatusCode::NOT_FOUND, 404, "Method not found.", "NOT_FOUND"),
    };
    match model {
        "missing-model" => {
            return error(
                StatusCode::NOT_FOUND,
                404,
                "models/missing-model is not found for API version v1beta, or is not supported for generateContent.",
                "NOT_FOUND",
            );
        }
        "rate-limited" => {
            return rate_limited(
                json!({"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}}),
            );
        }
        _ => {}
    }
    let contents = request["contents"].as_array().cloned().unwrap_or_default();
    let last_user = contents
        .iter()
        .rev()
        .find(|c| c["role"] == "user")
        .cloned()
        .unwrap_or(Value::Null);
    let parts = last_user["parts"].as_array().cloned().unwrap_or_default();
    let prompt = parts
        .iter()
        .filter_map(|p| p["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let answered = parts.iter().find_map(|p| {
        p.pointer("/functionResponse/response/result").map(|r| {
            r.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| r.to_string())
        })
    });
    let tools: Vec<String> = request
        .pointer("/tools/0/functionDeclarations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d["name"].as_str())
        .map(str::to_owned)
        .collect();
    let version = format!("{model}-001");
    let candidate = |parts: Value, finish: Option<&str>| {
        let mut c = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
        if let Some(f) = finish {
            c["finishReason"] = json!(f);
        }
        json!({"candidates": [c], "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15}, "modelVersion": version})
    };
    let reply = decide("Gemini", &prompt, &tools, answered);
    if !stream {
        let parts = match &reply {
            Reply::Text(t) => json!([{"text": t}]),
            Reply::Tool { name, input } => json!([{"functionCall": {"name": name, "args": input}}]),
        };
        return json_response(StatusCode::OK, candidate(parts, Some("STOP")));
    }
    let mut events = Vec::new();
    match &reply {
        Reply::Text(t) => {
            let ps = pieces(t);
            let last = ps.len().saturating_sub(1);
            for (i, p) in ps.into_iter().enumerate() {
                let finish = (i == last).then_some("STOP");
                events.push(format!(
                    "data: {}\r\n\r\n",
                    candidate(json!([{"text": p}]), finish)
                ));
            }
        }
        Reply::Tool { name, input } => {
            events.push(format!(
                "data: {}\r\n\r\n",
                candidate(
                    json!([{"functionCall": {"name": name, "args": input}}]),
                    Some("STOP")
                )
            ));
        }
    }
    sse(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_with_the_first_sentence_of_the_last_paragraph() {
        assert_eq!(
            answer_text("OpenAI", "Summarise.\n\nTitle: T\n\nCats sleep. Dogs bark."),
            "OpenAI mock summary: Cats sleep."
        );
        assert_eq!(
            pieces("one two three four five").concat(),
            "one two three four five"
        );
    }
}
