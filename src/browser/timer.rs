//! Waiting in the browser: a `setTimeout` as a future.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;

/// Resolves after `ms` milliseconds (at once if the page has no window).
pub async fn sleep(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let Some(window) = web_sys::window() else {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            return;
        };
        let on_time = resolve.clone();
        let callback = Closure::once_into_js(move || {
            let _ = on_time.call0(&wasm_bindgen::JsValue::NULL);
        });
        let delay = i32::try_from(ms).unwrap_or(i32::MAX);
        if window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), delay)
            .is_err()
        {
            // No timer: go on at once rather than never.
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
