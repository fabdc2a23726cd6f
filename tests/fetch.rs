//! The browser layer's fetch: bodies arrive as streams, failures become sentences.
#![cfg(target_arch = "wasm32")]

use mcp_desk::browser::http;
use mcp_desk_protocol::sse::SseDecoder;
use mcp_desk_protocol::{HttpMethod, HttpRequest, TransferId};
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

fn get(url: &str) -> HttpRequest {
    HttpRequest {
        transfer: TransferId(1),
        method: HttpMethod::Get,
        url: url.into(),
        headers: vec![("Accept".into(), "text/event-stream".into())],
        body: None,
    }
}

#[wasm_bindgen_test]
async fn an_event_stream_body_is_read_to_its_end_and_decodes() {
    let stream =
        "id: 0\ndata: \n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n\n";
    let url = format!(
        "data:text/event-stream,{}",
        js_sys::encode_uri_component(stream)
    );
    let controller = AbortController::new().unwrap();
    let (head, mut body) = http::send(&get(&url), &controller.signal()).await.unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(head.media_type().as_deref(), Some("text/event-stream"));
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    while let Some(chunk) = body.next_chunk().await.unwrap() {
        events.extend(decoder.feed(&chunk));
    }
    let data: Vec<String> = events.into_iter().map(|e| e.data).collect();
    assert_eq!(data, ["", r#"{"jsonrpc":"2.0","method":"x"}"#]);
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_named_with_the_browser_words_and_the_doctor_finds_nothing() {
    let controller = AbortController::new().unwrap();
    let error = match http::send(&get("http://127.0.0.1:1/mcp"), &controller.signal()).await {
        Ok(_) => panic!("port 1 answered"),
        Err(e) => e,
    };
    // The browser words every such failure alike; the CORS doctor's questions tell them apart.
    assert_eq!(
        error,
        "Could not reach http://127.0.0.1:1/mcp (TypeError: Failed to fetch)."
    );
    assert!(!mcp_desk::browser::probe::reaches("http://127.0.0.1:1/mcp").await);
}

#[wasm_bindgen_test]
async fn an_aborted_request_says_so() {
    let controller = AbortController::new().unwrap();
    controller.abort();
    let error = match http::send(&get("http://127.0.0.1:1/mcp"), &controller.signal()).await {
        Ok(_) => panic!("an aborted fetch resolved"),
        Err(e) => e,
    };
    assert_eq!(error, "The request was aborted.");
}

#[wasm_bindgen_test]
async fn a_url_fetch_cannot_use_is_refused_with_the_url() {
    let controller = AbortController::new().unwrap();
    let error = match http::send(&get("http://exa mple/ mcp"), &controller.signal()).await {
        Ok(_) => panic!("a broken URL was fetched"),
        Err(e) => e,
    };
    assert!(error.contains("exa mple"), "{error}");
}
