//! Performs the protocol core's [`HttpRequest`]s with the browser's `fetch`, reading bodies
//! as streams (an SSE stream can stay open for minutes), a sign-in's requests whole, and turns
//! failures into sentences.

use js_sys::{Reflect, Uint8Array};
use mcp_desk_protocol::{HttpRequest, ResponseHead};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, Request, RequestInit, Response};

/// The body of a response, read chunk by chunk.
pub struct BodyReader {
    reader: Option<ReadableStreamDefaultReader>,
}

impl BodyReader {
    /// The next chunk, `None` at the end of the body.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, String> {
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        let step = JsFuture::from(reader.read()).await.map_err(|e| {
            format!(
                "The connection broke while reading the answer: {}",
                js_error_text(&e)
            )
        })?;
        let done = Reflect::get(&step, &JsValue::from_str("done"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            self.reader = None;
            return Ok(None);
        }
        let value = Reflect::get(&step, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED);
        Ok(Some(Uint8Array::new(&value).to_vec()))
    }
}

/// Starts `req`; resolves when the response head is in.
pub async fn send(
    req: &HttpRequest,
    signal: &AbortSignal,
) -> Result<(ResponseHead, BodyReader), String> {
    send_with(req, signal, true).await
}

/// [`send`], following redirects or (`follow` false) failing on one.
async fn send_with(
    req: &HttpRequest,
    signal: &AbortSignal,
    follow: bool,
) -> Result<(ResponseHead, BodyReader), String> {
    let init = RequestInit::new();
    init.set_method(req.method.as_str());
    if !follow {
        init.set_redirect(web_sys::RequestRedirect::Error);
    }
    init.set_signal(Some(signal));
    let headers = web_sys::Headers::new().map_err(|e| js_error_text(&e))?;
    for (name, value) in &req.headers {
        headers
            .set(name, value)
            .map_err(|e| format!("The header {name} cannot be sent: {}", js_error_text(&e)))?;
    }
    init.set_headers(&headers);
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(&req.url, &init).map_err(|e| {
        format!(
            "{} is not a URL the browser can fetch: {}",
            mcp_desk_protocol::redact::url(&req.url),
            without_urls(&js_error_text(&e))
        )
    })?;
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| describe_fetch_failure(&req.url, &e))?
        .unchecked_into();
    let mut head = ResponseHead::new(response.status());
    if let Ok(Some(iter)) = js_sys::try_iter(response.headers().as_ref()) {
        for pair in iter.flatten() {
            let pair: js_sys::Array = pair.unchecked_into();
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                head.headers.push((name, value));
            }
        }
    }
    let reader = response.body().map(|body| {
        body.get_reader()
            .unchecked_into::<ReadableStreamDefaultReader>()
    });
    Ok((head, BodyReader { reader }))
}

/// A fetch that rejects gives no status: the server is down, the name does not resolve, or
/// CORS refused the answer. The browser words them all alike; the CORS doctor finds out which.
pub fn describe_fetch_failure(url: &str, error: &JsValue) -> String {
    let raw = js_error_text(error);
    if raw.contains("AbortError") || raw.contains("aborted") {
        return "The request was aborted.".into();
    }
    format!(
        "Could not reach {} ({raw}).",
        mcp_desk_protocol::redact::url(url)
    )
}

/// A browser's error text with any URL it quotes (credentials and all) cut off.
fn without_urls(text: &str) -> String {
    match text.find("://") {
        Some(at) => {
            let start = text[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
            format!("{}…", &text[..start])
        }
        None => text.to_owned(),
    }
}

/// The message of a JS error value.
pub fn js_error_text(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        let name = String::from(e.name());
        let message = String::from(e.message());
        if name == "Error" || name.is_empty() {
            return message;
        }
        return format!("{name}: {message}");
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// The most of an answer to a sign-in's request that is read (bytes).
const AUTH_BODY_MAX: usize = 1024 * 1024;

/// Performs a sign-in's request: its status and body as text, or why no answer could be read.
pub async fn fetch_text(
    request: &mcp_desk_protocol::auth::AuthRequest,
) -> Result<(u16, String), String> {
    let method = match request.method {
        "POST" => mcp_desk_protocol::HttpMethod::Post,
        _ => mcp_desk_protocol::HttpMethod::Get,
    };
    let req = HttpRequest {
        transfer: mcp_desk_protocol::TransferId(0),
        method,
        url: request.url.clone(),
        headers: request.headers.clone(),
        body: request.body.clone(),
    };
    let controller = web_sys::AbortController::new().map_err(|e| js_error_text(&e))?;
    // A redirect would send a POST's body again — a code, a verifier, a secret — wherever it
    // points: those follow none (metadata GETs, which carry nothing, may be redirected).
    let follow = request.method == "GET";
    let (head, mut body) = send_with(&req, &controller.signal(), follow).await?;
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next_chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > AUTH_BODY_MAX {
            controller.abort();
            return Err(format!(
                "its answer is larger than {} MiB",
                AUTH_BODY_MAX / 1024 / 1024
            ));
        }
    }
    Ok((head.status, String::from_utf8_lossy(&bytes).into_owned()))
}
