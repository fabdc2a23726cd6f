//! `localStorage` for settings a person chose to keep (never keys unless they opt in).

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn local_get(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

pub fn local_set(key: &str, value: &str) {
    if let Some(storage) = local() {
        let _ = storage.set_item(key, value);
    }
}
