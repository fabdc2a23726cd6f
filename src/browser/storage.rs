//! Web storage: `localStorage` for what a person chose to keep on this device, and
//! `sessionStorage` (gone when the tab closes) for API keys unless they opt in.

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn local_get(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

pub fn local_set(key: &str, value: &str) {
    if let Some(storage) = local() {
        let _ = storage.set_item(key, value);
    }
}

pub fn local_remove(key: &str) {
    if let Some(storage) = local() {
        let _ = storage.remove_item(key);
    }
}

pub fn session_get(key: &str) -> Option<String> {
    session()?.get_item(key).ok()?
}

pub fn session_set(key: &str, value: &str) {
    if let Some(storage) = session() {
        let _ = storage.set_item(key, value);
    }
}

pub fn session_remove(key: &str) {
    if let Some(storage) = session() {
        let _ = storage.remove_item(key);
    }
}
