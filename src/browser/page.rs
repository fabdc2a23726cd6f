//! The page itself: its origin, its URL's settings, the `data-ready` flag, the title, focus,
//! its being hidden, opening a URL in a new tab, an element's markup as shown (for the
//! timeline's SVG export), and leaving for a sign-in and coming back (its address without
//! query, going to a URL, putting the query it had back).

/// The page's origin, e.g. `http://127.0.0.1:8080`.
pub fn origin() -> Option<String> {
    web_sys::window()?.location().origin().ok()
}

/// The URL's fragment and query string, for `mcp_desk_logic::startup::StartupSettings::parse`.
pub fn url_settings_text() -> (String, String) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return (String::new(), String::new());
    };
    (
        location.hash().unwrap_or_default(),
        location.search().unwrap_or_default(),
    )
}

/// Marks `<body data-ready="true">` so tests and people know the page takes input, and a
/// `mcp-desk-ready` performance mark so `cargo xtask bench` can time the load.
pub fn mark_ready() {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-ready", "true");
    }
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("mcp-desk-ready");
    }
}

/// Puts a count in front of the page title, e.g. `(2) MCP Desk`.
pub fn set_title(pending: usize) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let title = if pending == 0 {
            "MCP Desk".to_owned()
        } else {
            format!("({pending}) MCP Desk")
        };
        document.set_title(&title);
    }
}

/// Moves keyboard focus to the first element matching `selector`, if there is one.
pub fn focus(selector: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Calls `f` whenever the page is hidden or left (tab switched, closed, navigated away): the
/// last moment to save what must survive.
pub fn on_hide(f: impl Fn() + 'static) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = Closure::<dyn Fn()>::new(f);
    let _ = window.add_event_listener_with_callback("pagehide", callback.as_ref().unchecked_ref());
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            callback.as_ref().unchecked_ref(),
        );
    }
    // It lives as long as the page.
    callback.forget();
}

/// Asks the browser to open `url` in a new tab that cannot reach back to this page
/// (`noopener`) and is not told where it came from (`noreferrer`); false when it threw.
pub fn open_in_new_tab(url: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    // With `noopener` the browser returns no handle whether or not it opened the tab (a
    // pop-up blocker is silent too): only a thrown error says it refused.
    window
        .open_with_url_and_target_and_features(url, "_blank", "noopener,noreferrer")
        .is_ok()
}

/// The markup of the element with `data-testid` `id`, as the page shows it now (the timeline's
/// SVG, for its export).
pub fn markup_of(id: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let element = document
        .query_selector(&format!("[data-testid=\"{id}\"]"))
        .ok()??;
    Some(element.outer_html())
}

/// The page's address without query or fragment: where a sign-in sends the person back.
pub fn address() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}",
        location.origin().ok()?,
        location.pathname().ok()?
    ))
}

/// Leaves the page for `url` (the authorization server's sign-in page).
pub fn go_to(url: &str) -> Result<(), String> {
    web_sys::window()
        .ok_or("no window")?
        .location()
        .assign(url)
        .map_err(|e| super::http::js_error_text(&e))
}

/// Shows `query` and `fragment` (each with its `?` or `#`, or empty) as the page's, without
/// loading anything: the settings the page had before a sign-in took the person away, and no
/// code left in the address bar.
pub fn replace_settings(query: &str, fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}{fragment}")),
        );
    }
}
