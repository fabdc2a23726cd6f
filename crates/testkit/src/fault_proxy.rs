//! A proxy in front of a real MCP server that injects HTTP faults on demand, so tests can
//! show what a person sees when a server misbehaves. `/ok/mcp` forwards everything; the other
//! paths answer certain requests themselves with the fault named.

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;

/// The faults on offer, each at its own path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything.
    None,
    /// Every request answered 404.
    Status404,
    /// A `tools/call` answered 500 with a plain-text body.
    Status500OnToolCall,
    /// A `tools/call` answered 200 `application/json` with a truncated body.
    InvalidJsonOnToolCall,
    /// A `tools/call` answered with an SSE stream that ends after its priming event.
    CloseStreamOnToolCall,
    /// A `tools/call`'s real SSE stream, cut right after the first message passed through (the
    /// server's request), as a dropped connection would: the client must resume it.
    DropStreamAfterFirstMessage,
}

impl Fault {
    fn segment(self) -> &'static str {
        match self {
            Fault::None => "ok",
            Fault::Status404 => "404",
            Fault::Status500OnToolCall => "500-on-call",
            Fault::InvalidJsonOnToolCall => "bad-json-on-call",
            Fault::CloseStreamOnToolCall => "close-on-call",
            Fault::DropStreamAfterFirstMessage => "drop-after-first-message",
        }
    }

    fn from_segment(segment: &str) -> Option<Fault> {
        [
            Fault::None,
            Fault::Status404,
            Fault::Status500OnToolCall,
            Fault::InvalidJsonOnToolCall,
            Fault::CloseStreamOnToolCall,
            Fault::DropStreamAfterFirstMessage,
        ]
        .into_iter()
        .find(|f| f.segment() == segment)
    }
}

#[derive(Clone)]
struct Upstream {
    url: String,
    http: reqwest::Client,
}

/// The running proxy; stops when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Starts a proxy for the MCP endpoint `upstream` (e.g. `http://127.0.0.1:P/mcp`).
    pub async fn start(upstream: String) -> std::io::Result<FaultProxy> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Upstream {
            url: upstream,
            http: reqwest::Client::new(),
        };
        let app = axum::Router::new().fallback(handle).with_state(state);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FaultProxy { addr, task })
    }

    /// The endpoint that shows `fault`.
    pub fn url(&self, fault: Fault) -> String {
        format!("http://{}/{}/mcp", self.addr, fault.segment())
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn with_cors(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("mcp-session-id, mcp-protocol-version"),
    );
    response
}

fn plain(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    with_cors(response)
}

fn is_tool_call(body: &Bytes) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("method")
                .and_then(|m| m.as_str())
                .map(|m| m == "tools/call")
        })
        .unwrap_or(false)
}

async fn handle(State(upstream): State<Upstream>, request: Request) -> Response {
    let segment = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let Some(fault) = Fault::from_segment(segment) else {
        return plain(StatusCode::NOT_FOUND, "text/plain", "unknown fault path");
    };
    if request.method() == Method::OPTIONS {
        let mut response = plain(StatusCode::NO_CONTENT, "text/plain", Body::empty());
        let h = response.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
        );
        // Allow whatever the page asks to send (the 2026 `Mcp-Param-*` names vary per tool).
        let asked = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned()
            .unwrap_or_else(|| HeaderValue::from_static("content-type"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
        return response;
    }
    if fault == Fault::Status404 {
        return plain(StatusCode::NOT_FOUND, "text/plain", "no MCP endpoint here");
    }
    let method = request.method().clone();
    let headers = request.headers().clone();
    let body = match axum::body::to_bytes(request.into_body(), 16 * 1024 * 1024).await {
        Ok(body) => body,
        Err(e) => {
            return plain(
                StatusCode::BAD_REQUEST,
                "text/plain",
                format!("unreadable body: {e}"),
            );
        }
    };
    if method == Method::POST && is_tool_call(&body) {
        match fault {
            Fault::Status500OnToolCall => {
                return plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/plain",
                    "internal failure injected by test proxy",
                );
            }
            Fault::InvalidJsonOnToolCall => {
                return plain(
                    StatusCode::OK,
                    "application/json",
                    r#"{"jsonrpc": "2.0", "id": "#,
                );
            }
            Fault::CloseStreamOnToolCall => {
                return plain(StatusCode::OK, "text/event-stream", "id: 1\ndata: \n\n");
            }
            Fault::None | Fault::Status404 | Fault::DropStreamAfterFirstMessage => {}
        }
    }
    let cut = fault == Fault::DropStreamAfterFirstMessage
        && method == Method::POST
        && is_tool_call(&body);
    forward(&upstream, method, &headers, body, cut).await
}

async fn forward(
    upstream: &Upstream,
    method: Method,
    headers: &HeaderMap,
    body: Bytes,
    cut_after_first_message: bool,
) -> Response {
    let Ok(method) = reqwest::Method::from_bytes(method.as_str().as_bytes()) else {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "method");
    };
    let mut outgoing = upstream
        .http
        .request(method, &upstream.url)
        .body(body.to_vec());
    // What a browser client sends an MCP server: every `Mcp-*` header of any revision.
    for (name, value) in headers {
        let name = name.as_str();
        let forwarded =
            matches!(name, "content-type" | "accept" | "last-event-id") || name.starts_with("mcp-");
        if let (true, Ok(value)) = (forwarded, value.to_str()) {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        Err(e) => {
            return plain(
                StatusCode::BAD_GATEWAY,
                "text/plain",
                format!("upstream unreachable: {e}"),
            );
        }
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut kept = Vec::new();
    for name in [
        "content-type",
        "mcp-session-id",
        "mcp-protocol-version",
        "cache-control",
    ] {
        if let Some(value) = answer
            .headers()
            .get(name)
            .and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok())
        {
            kept.push((name, value));
        }
    }
    let stream = answer.bytes_stream();
    let body = if cut_after_first_message {
        Body::from_stream(until_first_message(Box::pin(stream)))
    } else {
        Body::from_stream(stream)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    for (name, value) in kept {
        response.headers_mut().insert(name, value);
    }
    with_cors(response)
}

/// Passes SSE bytes through until an event with data (a message, not a priming event) has
/// passed in full, then ends the stream at once.
fn until_first_message(
    stream: impl futures_util::Stream<Item = reqwest::Result<Bytes>> + Send + Unpin + 'static,
) -> impl futures_util::Stream<Item = reqwest::Result<Bytes>> + Send + 'static {
    use futures_util::StreamExt;
    futures_util::stream::unfold(
        (stream, String::new(), false),
        |(mut stream, mut seen, done)| async move {
            if done {
                return None;
            }
            let chunk = stream.next().await?;
            let mut done = false;
            if let Ok(bytes) = &chunk {
                seen.push_str(&String::from_utf8_lossy(bytes));
                let normalized = seen.replace("\r\n", "\n");
                let events: Vec<&str> = normalized.split("\n\n").collect();
                // Every part but the last is a complete event.
                done = events[..events.len() - 1].iter().any(|event| {
                    event.lines().any(|line| {
                        line.starts_with("data:") && !line["data:".len()..].trim().is_empty()
                    })
                });
            }
            Some((chunk, (stream, seen, done)))
        },
    )
}
