//! Calls an LLM API straight from the page: performs the request the llm crate built, streams
//! the answer's text to the dialog as it arrives, and ends with the completion or a failure in
//! plain words. The person can stop it at any time.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use leptos::task::spawn_local;
use mcp_desk_llm::dispatch::{self, StreamDecoder};
use mcp_desk_llm::error::{self, ErrorKind, ProviderError};
use mcp_desk_llm::{Completion, LlmRequest, ProviderKind, Sampling};
use mcp_desk_logic::providers::ProviderSettings;
use mcp_desk_protocol::model::CreateMessageRequestParams;
use mcp_desk_protocol::sse::SseDecoder;
use mcp_desk_protocol::{HttpMethod, HttpRequest, TransferId};
use web_sys::AbortController;

use crate::browser::{http, page};

/// An error body longer than this is cut (it is only shown).
const MAX_ERROR_BODY: usize = 64 * 1024;
/// A whole (non-streamed) answer longer than this is refused.
const MAX_ANSWER: usize = 16 * 1024 * 1024;

/// What a call needs besides the request.
pub struct CallContext {
    pub kind: ProviderKind,
    pub model: String,
    pub base: String,
}

/// The streamed call of `model` at `kind` for these sampling params, with the person's
/// saved settings for that provider; or why it cannot be made, in plain words.
pub fn prepare(
    settings: &ProviderSettings,
    kind: ProviderKind,
    model: &str,
    params: &CreateMessageRequestParams,
) -> Result<(LlmRequest, CallContext), String> {
    let config = settings.config(kind);
    let request = Sampling::from_params(params)
        .and_then(|sampling| dispatch::request(&config, model, &sampling, true))
        .map_err(|e| format!("Cannot ask {}: {e}.", kind.label()))?;
    let context = CallContext {
        kind,
        model: model.to_owned(),
        base: config.base(),
    };
    Ok((request, context))
}

/// Starts the call; `on_text` gets each piece of streamed text, `on_done` the outcome.
/// Returns the controller that stops it.
pub fn start(
    request: LlmRequest,
    context: CallContext,
    on_text: impl Fn(String) + 'static,
    on_done: impl FnOnce(Result<Completion, ProviderError>) + 'static,
) -> Option<AbortController> {
    let controller = AbortController::new().ok()?;
    let signal = controller.signal();
    spawn_local(async move {
        let outcome = perform(&request, &context, &signal, &on_text).await;
        let outcome = match outcome {
            Err(_) if signal.aborted() => Err(ProviderError::new(
                ErrorKind::Stopped,
                "Stopped. The text so far is kept: edit it, Generate again, or approve it.",
            )),
            other => other,
        };
        on_done(outcome);
    });
    Some(controller)
}

async fn perform(
    request: &LlmRequest,
    context: &CallContext,
    signal: &web_sys::AbortSignal,
    // Not generic: one copy of the call for every caller.
    on_text: &dyn Fn(String),
) -> Result<Completion, ProviderError> {
    let http_request = HttpRequest {
        transfer: TransferId(0),
        method: HttpMethod::Post,
        url: request.url.clone(),
        headers: request.headers.clone(),
        body: Some(request.body.clone()),
    };
    let origin = page::origin().unwrap_or_default();
    let (head, mut body) = http::send(&http_request, signal).await.map_err(|e| {
        error::from_network(
            context.kind,
            &mcp_desk_protocol::redact::url(&context.base),
            &origin,
            &e,
        )
    })?;
    let broke = |e: String| {
        ProviderError::new(
            ErrorKind::Network,
            format!(
                "The connection to {} broke while it answered: {e}",
                context.kind.label()
            ),
        )
    };
    if !head.is_success() {
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = body.next_chunk().await {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_ERROR_BODY {
                break;
            }
        }
        return Err(error::from_http(
            context.kind,
            &context.model,
            head.status,
            head.header("retry-after"),
            &String::from_utf8_lossy(&bytes),
        ));
    }
    if head.media_type().as_deref() == Some("text/event-stream") {
        let mut sse = SseDecoder::new();
        let mut decoder = StreamDecoder::new(context.kind);
        while let Some(chunk) = body.next_chunk().await.map_err(broke)? {
            for event in sse.feed(&chunk) {
                if event.data.is_empty() {
                    continue;
                }
                if let Some(text) = decoder.on_event(&event.event, &event.data)? {
                    on_text(text);
                }
            }
        }
        return decoder.finish(&context.model);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next_chunk().await.map_err(broke)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_ANSWER {
            return Err(ProviderError::malformed(
                context.kind,
                "the answer is larger than 16 MiB",
            ));
        }
    }
    let completion = dispatch::parse(
        context.kind,
        &String::from_utf8_lossy(&bytes),
        &context.model,
    )?;
    on_text(completion.text.clone());
    Ok(completion)
}
