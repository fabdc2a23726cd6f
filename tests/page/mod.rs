//! What the app's browser tests share: mounting the page in a fresh container, finding
//! elements by `data-testid`, and acting on them as a person would.
#![allow(dead_code)] // each test file uses its own share of these

use leptos::prelude::*;
use mcp_desk::controller::Controller;
use mcp_desk::state::AppState;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Mounts the whole page, with no connection, in a container of its own (the test runner's
/// output lives in the body too); returns its state and controller.
pub fn mount() -> (AppState, Controller) {
    let document = web_sys::window().unwrap().document().unwrap();
    if let Some(old) = document.get_element_by_id("app-under-test") {
        old.remove();
    }
    let container = document.create_element("div").unwrap();
    container.set_id("app-under-test");
    document.body().unwrap().append_child(&container).unwrap();
    let state = AppState::new();
    let controller = std::rc::Rc::new(std::cell::RefCell::new(None));
    let slot = controller.clone();
    leptos::mount::mount_to(container.unchecked_into(), move || {
        let mounted = Controller::new(state);
        *slot.borrow_mut() = Some(mounted.clone());
        provide_context(state);
        provide_context(mounted);
        view! { <mcp_desk::ui::App/> }
    })
    .forget();
    let controller = controller.borrow_mut().take().unwrap();
    (state, controller)
}

/// Lets Leptos run its scheduled effects.
pub async fn settle() {
    for _ in 0..3 {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    }
}

pub fn find(id: &str) -> Element {
    find_all(id)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no [data-testid={id}]"))
}

pub fn find_all(id: &str) -> Vec<Element> {
    let list = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .query_selector_all(&format!("[data-testid=\"{id}\"]"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

pub fn value(id: &str) -> String {
    let el = find(id);
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return t.value();
    }
    if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        return s.value();
    }
    el.dyn_into::<web_sys::HtmlInputElement>().unwrap().value()
}

pub fn type_into(id: &str, text: &str) {
    let el = find(id);
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        t.set_value(text);
    } else {
        el.dyn_ref::<web_sys::HtmlInputElement>()
            .unwrap()
            .set_value(text);
    }
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// Picks `option` in a select, as a person does (the page hears `change`).
pub fn choose(id: &str, option: &str) {
    let el = find(id);
    el.dyn_ref::<web_sys::HtmlSelectElement>()
        .unwrap_or_else(|| panic!("[data-testid={id}] is not a select"))
        .set_value(option);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

pub fn click(id: &str) {
    find(id).dyn_into::<HtmlElement>().unwrap().click();
}

pub fn text(id: &str) -> String {
    find(id).text_content().unwrap_or_default()
}

pub fn key(id: &str, key: &str, ctrl: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    find(id).dispatch_event(&event).unwrap();
}
