//! The questions the CORS doctor puts to a server the page could not reach, each a `fetch`
//! that either comes back or does not within a few seconds: does anything answer at all
//! (`no-cors`), can the page read a simple answer, one behind a preflight, one carrying a given
//! header; and the state of the browser's local-network permission.

use std::time::Duration;

use js_sys::{Object, Reflect};
use leptos::prelude::set_timeout_with_handle;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestInit, RequestMode};

/// How long one question waits for its answer.
const WAIT: Duration = Duration::from_secs(5);

/// A JSON-RPC ping no server acts on: whatever the answer, it came back.
const PING: &str = r#"{"jsonrpc":"2.0","id":"mcp-desk-cors-probe","method":"ping"}"#;

/// Whether anything answers at `url` (an opaque answer to a `no-cors` POST counts).
pub async fn reaches(url: &str) -> bool {
    ask(url, RequestMode::NoCors, "text/plain", &[]).await
}

/// Whether the page can read the answer to a POST with `content_type` and `headers`
/// (`text/plain` and none: a simple request; anything else needs a preflight).
pub async fn readable(url: &str, content_type: &str, headers: &[(&str, &str)]) -> bool {
    ask(url, RequestMode::Cors, content_type, headers).await
}

async fn ask(url: &str, mode: RequestMode, content_type: &str, headers: &[(&str, &str)]) -> bool {
    let Ok(controller) = AbortController::new() else {
        return false;
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(mode);
    init.set_signal(Some(&controller.signal()));
    init.set_body(&JsValue::from_str(PING));
    let Ok(sent) = web_sys::Headers::new() else {
        return false;
    };
    let _ = sent.set("Content-Type", content_type);
    for (name, value) in headers {
        let _ = sent.set(name, value);
    }
    init.set_headers(&sent);
    let Some(window) = web_sys::window() else {
        return false;
    };
    let timer = set_timeout_with_handle(move || controller.abort(), WAIT).ok();
    let answered = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .is_ok();
    if let Some(timer) = timer {
        timer.clear();
    }
    answered
}

/// `navigator.permissions.query({name: "local-network-access"})`'s state, where the browser
/// has that permission (`granted`, `prompt`, `denied`).
pub async fn local_network_permission() -> Option<String> {
    let window: JsValue = web_sys::window()?.into();
    let navigator = Reflect::get(&window, &"navigator".into()).ok()?;
    let permissions = Reflect::get(&navigator, &"permissions".into()).ok()?;
    let query: js_sys::Function = Reflect::get(&permissions, &"query".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let descriptor = Object::new();
    Reflect::set(&descriptor, &"name".into(), &"local-network-access".into()).ok()?;
    let promise: js_sys::Promise = query
        .call1(&permissions, &descriptor)
        .ok()?
        .dyn_into()
        .ok()?;
    let status = JsFuture::from(promise).await.ok()?;
    Reflect::get(&status, &"state".into()).ok()?.as_string()
}
