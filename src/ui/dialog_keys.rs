//! The review dialogs' keyboard (sampling and elicitation alike): Ctrl+Enter (⌘+Enter)
//! confirms — a plain Enter never does, so a stray key cannot send an answer a rule pre-filled
//! — Esc outside an input or text area dismisses (rejects a sampling request, cancels a
//! question; a focused select or button does not hold it back), and
//! Tab stays inside the dialog. When a dialog appears, focus lands on its heading (unless the
//! person is typing elsewhere).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The heading's ref; focuses it when the dialog appears, unless focus is in a form field.
pub fn focus_on_arrival() -> NodeRef<leptos::html::H2> {
    let heading_ref = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading_ref.get() {
            let typing = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .is_some_and(|e| {
                    matches!(
                        e.tag_name().to_ascii_lowercase().as_str(),
                        "input" | "textarea" | "select"
                    )
                });
            if !typing {
                let _ = heading.focus();
            }
        }
    });
    heading_ref
}

/// A dialog's `keydown` handler: `confirm` on Ctrl+Enter, `dismiss` on Esc.
pub fn on_keydown(
    confirm: impl Fn() + 'static,
    dismiss: impl Fn() + 'static,
    dialog: NodeRef<leptos::html::Section>,
) -> impl Fn(leptos::ev::KeyboardEvent) + 'static {
    move |ev: leptos::ev::KeyboardEvent| {
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name().to_ascii_lowercase())
            .unwrap_or_default();
        let in_text = matches!(target.as_str(), "textarea" | "input");
        match ev.key().as_str() {
            "Enter" if ev.ctrl_key() || ev.meta_key() => {
                ev.prevent_default();
                confirm();
            }
            // Not while typing: an Esc meant for the text must not throw the request away.
            "Escape" if !in_text => {
                ev.prevent_default();
                dismiss();
            }
            "Tab" => {
                if let Some(section) = dialog.get() {
                    keep_focus_inside(&section, &ev);
                }
            }
            _ => {}
        }
    }
}

/// The focus trap: Tab from the last control goes to the first, Shift+Tab from the first to
/// the last, so keyboard focus stays in the dialog while a request waits.
fn keep_focus_inside(section: &web_sys::HtmlElement, ev: &leptos::ev::KeyboardEvent) {
    let Ok(list) = section.query_selector_all(
        "button:not([disabled]), textarea, input, select, audio[controls], [tabindex=\"-1\"]",
    ) else {
        return;
    };
    let controls: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let is = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a.is_same_node(Some(el)));
    if ev.shift_key() && is(first) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && is(last) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
