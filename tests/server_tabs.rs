//! The server tabs as a person uses them: open one, move between them with the arrow keys,
//! each keeps its own URL and forced revision, and closing one leaves the rest.
#![cfg(target_arch = "wasm32")]

mod page;

use leptos::prelude::*;
use page::{click, find, find_all, key, mount, settle, text, type_into, value};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Which tab is in front, as the tab list tells assistive technology.
fn selected_tab() -> usize {
    find_all("server-tab")
        .iter()
        .position(|tab| {
            tab.query_selector("[role=tab]")
                .unwrap()
                .unwrap()
                .get_attribute("aria-selected")
                .as_deref()
                == Some("true")
        })
        .expect("one tab is selected")
}

/// Clicks the close button of the tab at `index`.
fn close_tab(index: usize) {
    find_all("server-close")[index]
        .clone()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
}

#[wasm_bindgen_test]
async fn tabs_open_switch_by_arrow_keep_their_own_form_and_close() {
    let (state, _) = mount();
    settle().await;
    assert_eq!(find_all("server-tab").len(), 1);
    type_into("server-url", "http://127.0.0.1:9/first");
    settle().await;

    click("add-server");
    settle().await;
    assert_eq!(find_all("server-tab").len(), 2);
    assert_eq!(selected_tab(), 1, "the new tab comes to the front");
    assert_eq!(value("server-url"), "", "a new tab starts empty");
    type_into("server-url", "http://127.0.0.1:9/second");
    let select = "protocol-revision-select";
    page::choose(select, "2025-11-25");
    settle().await;

    // Arrows wrap around the tab list; each tab shows its own URL and revision.
    key("server-tabs", "ArrowRight", false);
    settle().await;
    assert_eq!(selected_tab(), 0);
    assert_eq!(value("server-url"), "http://127.0.0.1:9/first");
    assert_eq!(value(select), "auto");
    key("server-tabs", "ArrowLeft", false);
    settle().await;
    assert_eq!(selected_tab(), 1);
    assert_eq!(value("server-url"), "http://127.0.0.1:9/second");
    assert_eq!(value(select), "2025-11-25");
    let names: Vec<String> = find_all("server-tab")
        .iter()
        .map(|t| t.get_attribute("data-name").unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["http://127.0.0.1:9/first", "http://127.0.0.1:9/second"]
    );

    // Closing the tab in front brings the other forward; the last one is emptied, not closed.
    let ids = || {
        state
            .servers
            .with_untracked(|s| s.iter().map(|p| p.id).collect::<Vec<_>>())
    };
    let closed = ids()[1];
    close_tab(1);
    settle().await;
    assert_eq!(find_all("server-tab").len(), 1);
    assert_eq!(value("server-url"), "http://127.0.0.1:9/first");
    // A tab opened next never takes a closed tab's id (its requests' keys start with it).
    click("add-server");
    settle().await;
    assert!(!ids().contains(&closed), "{:?} reused {closed:?}", ids());
    close_tab(1);
    settle().await;
    click("server-close");
    settle().await;
    assert_eq!(find_all("server-tab").len(), 1);
    assert_eq!(value("server-url"), "");
    assert_eq!(state.servers.with_untracked(Vec::len), 1);
}

#[wasm_bindgen_test]
async fn a_url_with_a_password_is_refused_without_showing_it_and_a_token_stays_out_of_the_tab() {
    let (state, _) = mount();
    settle().await;
    type_into("server-url", "https://me:pa55word@127.0.0.1:9/mcp");
    click("connect");
    settle().await;
    let status = text("connection-status");
    assert!(
        status.contains("user name or password") && status.contains("https://…@127.0.0.1:9/mcp"),
        "{status}"
    );
    assert!(!status.contains("pa55word"), "{status}");
    // A token in the query is the server's business; the tab (its name until the server
    // names itself, also used in the log) shows it hidden.
    type_into("server-url", "http://127.0.0.1:9/mcp?token=srv-tok-4711");
    settle().await;
    assert_eq!(
        state.panel_untracked().label_untracked(),
        "http://127.0.0.1:9/mcp?token=…"
    );
    assert!(!text("server-tabs").contains("srv-tok-4711"));
    let tab = &find_all("server-tab")[0];
    assert_eq!(
        tab.get_attribute("data-name").as_deref(),
        Some("http://127.0.0.1:9/mcp?token=…")
    );
    let title = tab
        .query_selector("[role=tab]")
        .unwrap()
        .unwrap()
        .get_attribute("title")
        .unwrap();
    assert!(!title.contains("srv-tok-4711"), "{title}");
    assert_eq!(
        find("connection-status")
            .get_attribute("data-state")
            .as_deref(),
        Some("error"),
        "the refused URL left the status in error"
    );
}
