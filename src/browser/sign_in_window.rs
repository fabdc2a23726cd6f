//! The window a sign-in happens in: opened over the page, so the page keeps its connections
//! and whatever waits for the person; when the authorization server sends the person back,
//! that window (a second copy of the page) tells the page the redirect's query on a
//! `BroadcastChannel` — which works where an authorization server cuts `window.opener` off —
//! and closes.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

const CHANNEL: &str = "mcp-desk.sign-in";

/// Opens `url` in a new window; `false` when the browser blocked it.
pub fn open(url: &str) -> bool {
    web_sys::window()
        .and_then(|w| {
            w.open_with_url_and_target_and_features(
                url,
                "mcp-desk-sign-in",
                "popup,width=520,height=720",
            )
            .ok()
        })
        .flatten()
        .is_some()
}

/// A redirect back that this tab was not waiting for: hands its `query` to the page waiting
/// for it (which checks its `state`), and closes this page when it is the sign-in window
/// (named so, or opened by another — a browser may clear the name on the way). `false` when it
/// is not, and this page goes on.
pub fn hand_back(query: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    if let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) {
        let _ = channel.post_message(&wasm_bindgen::JsValue::from_str(query));
        channel.close();
    }
    let named = window.name().ok().as_deref() == Some("mcp-desk-sign-in");
    let opened = window
        .opener()
        .is_ok_and(|o| !o.is_null() && !o.is_undefined());
    if named || opened {
        let _ = window.close();
    }
    named || opened
}

/// Calls `f` with each redirect query a sign-in window hands back, for the page's life.
pub fn on_return(f: impl Fn(String) + 'static) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let handler =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(query) = event.data().as_string() {
                f(query);
            }
        });
    channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // Both live as long as the page.
    handler.forget();
    std::mem::forget(channel);
}
