//! The seed's scenario as a real MCP server, for demos and end-to-end tests.
//!
//! One tool, `create_blog_post {title, draft}`: it asks the client, by sampling, to summarise
//! the draft (with a system prompt, model hints and priorities, `maxTokens` and a
//! temperature), then returns the draft with the summary as its abstract. Up to 2025-11-25 the
//! sampling request travels on the tool call's own stream; at 2026-07-28 the call answers
//! `input_required` and finishes when the client calls again with the summary. It runs rmcp's Streamable HTTP server behind CORS, so a page on another origin
//! (MCP Desk on its own port) can use it.
// rmcp marks its sampling types deprecated (SEP-2577); this server exists to ask for sampling.
#![allow(deprecated)]

pub mod bench;
pub mod countdown;
mod event_store;
pub mod forecast;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Method};
use axum::routing::get;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ClientResult, ContentBlock,
    CreateMessageRequest, CreateMessageRequestParams, CreateMessageResult, ErrorData,
    Implementation, InputRequest, InputRequiredResult, ListToolsResult, ModelHint,
    ModelPreferences, PaginatedRequestParams, SamplingMessage, SamplingMessageContentBlock,
    ServerCapabilities, ServerInfo, ServerRequest, Tool,
};
use rmcp::service::{PeerRequestOptions, RequestContext, RoleServer};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::cors::{Any, CorsLayer};

pub use event_store::MemoryEventStore;

/// The system prompt the tool sends with its sampling request.
pub const SYSTEM_PROMPT: &str = "You write concise, factual abstracts for blog posts.";
/// The `maxTokens` of the sampling request.
pub const MAX_TOKENS: u32 = 200;

/// The MCP server: a tool that needs the client's LLM, and a few for tests and benches.
#[derive(Debug, Clone, Default)]
pub struct BlogDemo {
    /// What every session heard, for tests that check from the server's side.
    heard: Arc<countdown::Heard>,
}

/// The example post `create_blog_post` offers as its arguments' defaults, so the seed's loop
/// runs with no typing.
pub const EXAMPLE_TITLE: &str = "Sampling in practice";
pub const EXAMPLE_DRAFT: &str = "MCP servers can ask the client's model for help. This post shows how a person stays in the loop: every request is reviewed before a model sees it, and every answer before the server does. It ends with a checklist for server authors.";

#[derive(Debug, Deserialize)]
struct BlogPost {
    title: String,
    draft: String,
    /// How long to wait for the client's answer before cancelling the sampling request
    /// (`notifications/cancelled`, up to 2025-11-25); absent = wait as long as it takes.
    #[serde(default)]
    answer_within_seconds: Option<u64>,
}

fn blog_post_tool() -> Tool {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "title": {"type": "string", "description": "The post's title", "default": EXAMPLE_TITLE},
            "draft": {"type": "string", "description": "The post's text, to be summarised into its abstract", "default": EXAMPLE_DRAFT},
            "answer_within_seconds": {"type": "integer", "minimum": 1, "description": "Optional: cancel the sampling request if the client has not answered within this many seconds (revisions up to 2025-11-25)"}
        },
        "required": ["title", "draft"]
    });
    let serde_json::Value::Object(schema) = schema else {
        unreachable!("a JSON object literal")
    };
    Tool::new(
        "create_blog_post",
        "Turns a draft into a blog post whose abstract is written by the client's LLM (by sampling).",
        Arc::new(schema),
    )
}

/// The sampling request the tool sends for a post.
pub fn summary_request(title: &str, draft: &str) -> CreateMessageRequestParams {
    let prompt = format!(
        "Summarise this blog post draft in one or two sentences for its abstract.\n\nTitle: {title}\n\n{draft}"
    );
    CreateMessageRequestParams::new(vec![SamplingMessage::user_text(prompt)], MAX_TOKENS)
        .with_system_prompt(SYSTEM_PROMPT)
        .with_model_preferences(
            ModelPreferences::new()
                .with_hints(vec![
                    ModelHint::new("claude-3-5-sonnet"),
                    ModelHint::new("gpt-4o-mini"),
                ])
                .with_intelligence_priority(0.6)
                .with_speed_priority(0.5)
                .with_cost_priority(0.3),
        )
        .with_temperature(0.3)
}

/// Whether the request came at revision 2026-07-28 or later (sampling inside results).
fn speaks_2026(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_some_and(|v| v.to_string().as_str() >= "2026-07-28")
}

pub(crate) fn tool_error(text: impl Into<String>) -> Result<CallToolResponse, ErrorData> {
    Ok(CallToolResult::error(vec![ContentBlock::text(text)]).into())
}

impl BlogDemo {
    async fn create_blog_post(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let arguments = serde_json::Value::Object(request.arguments.clone().unwrap_or_default());
        let post: BlogPost = match serde_json::from_value(arguments) {
            Ok(post) => post,
            Err(e) => {
                return tool_error(format!(
                    "Invalid arguments: {e}. Expected {{\"title\": string, \"draft\": string}}."
                ));
            }
        };
        if post.title.trim().is_empty() || post.draft.trim().is_empty() {
            return tool_error("Both the title and the draft must be non-empty.");
        }
        let can_sample = context
            .client_capabilities()
            .is_some_and(|c| c.sampling.is_some());
        if !can_sample {
            return tool_error(
                "This tool needs the client's LLM, but the client did not declare the sampling capability.",
            );
        }
        if speaks_2026(&context) {
            return multi_round_trip(&post, &request);
        }
        let ask = summary_request(&post.title, &post.draft);
        let answer = match post.answer_within_seconds {
            None => context.peer.create_message(ask).await,
            Some(seconds) => create_message_within(&context, ask, seconds).await,
        };
        let answer = match answer {
            Ok(answer) => answer,
            Err(rmcp::ServiceError::McpError(e)) => {
                return tool_error(format!("Sampling failed: {}", e.message));
            }
            Err(rmcp::ServiceError::Timeout { .. }) => {
                return tool_error(format!(
                    "Sampling failed: the client did not answer within {} s, so the request was cancelled.",
                    post.answer_within_seconds.unwrap_or_default()
                ));
            }
            Err(e) => return tool_error(format!("Sampling failed: {e}")),
        };
        write_post(&post, &answer)
    }
}

/// A sampling request with a deadline: rmcp cancels it on the client
/// (`notifications/cancelled`, reason "request timeout") when the deadline passes.
async fn create_message_within(
    context: &RequestContext<RoleServer>,
    ask: CreateMessageRequestParams,
    seconds: u64,
) -> Result<CreateMessageResult, rmcp::ServiceError> {
    let request = ServerRequest::CreateMessageRequest(CreateMessageRequest::new(ask));
    let options = PeerRequestOptions::with_timeout(Duration::from_secs(seconds.max(1)));
    let handle = context
        .peer
        .send_request_with_option(request, options)
        .await?;
    match handle.await_response().await? {
        ClientResult::CreateMessageResult(answer) => Ok(*answer),
        _ => Err(rmcp::ServiceError::UnexpectedResponse),
    }
}

/// The key of the summary in the 2026-07-28 `inputRequests` / `inputResponses`.
pub const ABSTRACT_INPUT: &str = "abstract";
/// The demo's `requestState`: the only state it hands out, so any other echo is refused.
pub const REQUEST_STATE: &str = "blog-post/awaiting-abstract/v1";

/// 2026-07-28: ask for the summary inside the result, finish when the client calls again.
fn multi_round_trip(
    post: &BlogPost,
    request: &CallToolRequestParams,
) -> Result<CallToolResponse, ErrorData> {
    let Some(response) = request
        .input_responses
        .as_ref()
        .and_then(|r| r.get(ABSTRACT_INPUT))
    else {
        let ask = CreateMessageRequest::new(summary_request(&post.title, &post.draft));
        let inputs =
            BTreeMap::from([(ABSTRACT_INPUT.to_owned(), InputRequest::CreateMessage(ask))]);
        return Ok(InputRequiredResult::new(Some(inputs), Some(REQUEST_STATE.to_owned())).into());
    };
    if request.request_state.as_deref() != Some(REQUEST_STATE) {
        return Err(ErrorData::invalid_params(
            "Invalid or expired requestState",
            Some(serde_json::json!({"reason": "invalid_request_state"})),
        ));
    }
    match serde_json::from_value::<CreateMessageResult>(response.clone()) {
        Ok(answer) => write_post(post, &answer),
        Err(e) => tool_error(format!(
            "Sampling failed: the client's answer is malformed: {e}"
        )),
    }
}

/// The finished post, its abstract from the sampling answer.
fn write_post(
    post: &BlogPost,
    answer: &CreateMessageResult,
) -> Result<CallToolResponse, ErrorData> {
    let summary: Vec<&str> = answer
        .message
        .content
        .iter()
        .filter_map(|block| match block {
            SamplingMessageContentBlock::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
        .collect();
    if summary.is_empty() {
        return tool_error(format!(
            "Sampling answered without text (model {}); no abstract to write.",
            answer.model
        ));
    }
    let post_text = format!(
        "# {}\n\n> Abstract: {}\n\n{}\n\n_Abstract written by {}._",
        post.title,
        summary.join(" "),
        post.draft,
        answer.model
    );
    Ok(CallToolResult::success(vec![ContentBlock::text(post_text)]).into())
}

impl ServerHandler for BlogDemo {
    fn get_info(&self) -> ServerInfo {
        ServerInfo::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("mcp-desk-demo", env!("CARGO_PKG_VERSION")).with_title("MCP Desk demo server"),
            )
            .with_instructions("Call create_blog_post; it asks your LLM, by sampling, to write the post's abstract.")
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(vec![
            blog_post_tool(),
            forecast::tool(),
            bench::tool(),
            countdown::tool(),
        ]))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        match request.name.as_ref() {
            "create_blog_post" => self.create_blog_post(request, context).await,
            bench::NAME => bench::call(&request, &context).await,
            countdown::NAME => countdown::call(&request, &context, &self.heard).await,
            forecast::NAME => {
                let tools_declared = context
                    .client_capabilities()
                    .and_then(|c| c.sampling)
                    .is_some_and(|s| s.tools.is_some());
                if !tools_declared {
                    return tool_error(
                        "This tool samples with tools, but the client did not declare the sampling.tools capability.",
                    );
                }
                if speaks_2026(&context) {
                    forecast::call_2026(&request)
                } else {
                    forecast::call_2025(&request, &context).await
                }
            }
            other => Err(ErrorData::invalid_params(
                format!("Unknown tool: {other}"),
                None,
            )),
        }
    }
}

/// CORS for a page on another origin: preflights answered, the session header exposed.
fn cors() -> CorsLayer {
    let header = |name: &'static str| HeaderName::from_static(name);
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header("content-type"),
            header("accept"),
            header("authorization"),
            header("mcp-session-id"),
            header("mcp-protocol-version"),
            header("last-event-id"),
            header("mcp-method"),
            header("mcp-name"),
        ])
        .expose_headers([header("mcp-session-id"), header("mcp-protocol-version")])
        // Browsers may reuse a preflight for ten minutes instead of repeating it per POST.
        .max_age(std::time::Duration::from_secs(600))
}

/// The demo server's HTTP app: `/mcp` is the MCP endpoint, `/` says what this is; `heard`
/// collects what its sessions heard.
pub fn app(cancel: CancellationToken, heard: Arc<countdown::Heard>) -> Router {
    let config = StreamableHttpServerConfig::default().with_cancellation_token(cancel);
    let mcp = StreamableHttpService::new(
        move || {
            Ok(BlogDemo {
                heard: Arc::clone(&heard),
            })
        },
        Arc::new(
            LocalSessionManager::default().with_event_store(Arc::new(MemoryEventStore::default())),
        ),
        config,
    );
    Router::new()
        .route(
            "/",
            get(|| async { "MCP Desk demo server. The MCP endpoint (Streamable HTTP) is /mcp.\n" }),
        )
        .nest_service("/mcp", mcp)
        .layer(cors())
}

/// A running demo server; stops when dropped.
pub struct DemoServer {
    addr: SocketAddr,
    heard: Arc<countdown::Heard>,
    cancel: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl DemoServer {
    /// The MCP endpoint, e.g. `http://127.0.0.1:8787/mcp`.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the server heard from its clients (cancellations, so far).
    pub fn heard(&self) -> &countdown::Heard {
        &self.heard
    }

    /// Stops accepting, ends the sessions, and waits for the server to finish.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Binds `addr` (port 0 picks a free port) and serves the demo on the current tokio runtime.
pub async fn serve(addr: SocketAddr) -> std::io::Result<DemoServer> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let cancel = CancellationToken::new();
    let heard = Arc::new(countdown::Heard::default());
    let app = app(cancel.clone(), Arc::clone(&heard));
    let stop = cancel.clone();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
    });
    Ok(DemoServer {
        addr,
        heard,
        cancel,
        task: Some(task),
    })
}
