//! The one place saved values are read and written. At start-up [`load`] reads the device's
//! salt, the audit trail, the rules, the provider settings (keys from wherever they were
//! kept) and the shared roots into the page state; [`persist`] then saves each whenever it changes — one `Effect` per
//! signal, as Leptos's todomvc does — the audit trail at most once a second and at once when
//! the page is hidden or left. How each server was last reached lives in the tab's storage.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use mcp_desk_logic::providers::{KeyPlace, ProviderSettings};
use mcp_desk_logic::rules::RuleBook;
use mcp_desk_logic::{audit, roots, server_key, transport_memory};
use mcp_desk_protocol::Transport;

use crate::browser::{page, random, storage};
use crate::state::AppState;

const SALT: &str = "mcp-desk.salt";
const AUDIT: &str = "mcp-desk.audit";
const RULES: &str = "mcp-desk.rules";
const PROVIDERS: &str = "mcp-desk.providers";
const ROOTS: &str = "mcp-desk.roots";

/// How long new audit entries wait to be saved together. Saving writes the whole trail, so one
/// save per entry would make every answer to a busy server slower as the trail grows; a
/// second's entries cost one save instead.
const AUDIT_SAVE_AFTER: Duration = Duration::from_secs(1);

/// Reads what this device saved into `state` (a new device gets a new salt).
pub fn load(state: &AppState) {
    let salt = storage::local_get(SALT).unwrap_or_else(|| {
        let salt = server_key::new_salt(random::bits128());
        storage::local_set(SALT, &salt);
        salt
    });
    state
        .audit
        .set(audit::load(storage::local_get(AUDIT).as_deref()));
    state
        .rules
        .set(RuleBook::load(storage::local_get(RULES).as_deref(), &salt));
    state.provider.set(ProviderSettings::load(
        storage::local_get(PROVIDERS).as_deref(),
        |slot| storage::session_get(slot).or_else(|| storage::local_get(slot)),
        &salt,
    ));
    state.salt.set_value(salt);
    state
        .roots
        .set(roots::load(storage::local_get(ROOTS).as_deref()));
}

/// Saves the rules and the provider settings whenever they change, and the audit trail soon
/// after (and when the page is hidden or left). What `load` read is saved again — the rules
/// and settings at once, the trail a second later — so values an older version saved with a
/// token in them are rewritten without it.
pub fn persist(state: AppState) {
    Effect::new(move |_| {
        state
            .rules
            .with(|book| storage::local_set(RULES, &book.to_saved()))
    });
    Effect::new(move |_| state.provider.with(save_providers));
    Effect::new(move |_| {
        state
            .roots
            .with(|r| storage::local_set(ROOTS, &roots::to_saved(r)))
    });
    let pending = Rc::new(Cell::new(false));
    let flush = {
        let pending = Rc::clone(&pending);
        move || {
            if pending.replace(false) {
                state
                    .audit
                    .with_untracked(|trail| storage::local_set(AUDIT, &audit::to_saved(trail)));
            }
        }
    };
    let soon = flush.clone();
    Effect::new(move |_| {
        state.audit.track();
        if !pending.replace(true) {
            set_timeout(soon.clone(), AUDIT_SAVE_AFTER);
        }
    });
    page::on_hide(flush);
}

fn save_providers(settings: &ProviderSettings) {
    let saved = settings.to_saved();
    storage::local_set(PROVIDERS, &saved.settings);
    for (slot, place) in saved.keys {
        storage::session_remove(&slot);
        storage::local_remove(&slot);
        match place {
            KeyPlace::Nowhere => {}
            KeyPlace::Tab(key) => storage::session_set(&slot, &key),
            KeyPlace::Device(key) => storage::local_set(&slot, &key),
        }
    }
}

/// How `url` was reached last time, if this tab knows.
pub fn recall_transport(url: &str) -> Option<Transport> {
    transport_memory::decode(&storage::session_get(&transport_memory::slot(url))?)
}

/// Notes how `url` was just reached.
pub fn remember_transport(url: &str, transport: Transport) {
    storage::session_set(
        &transport_memory::slot(url),
        transport_memory::encode(transport),
    );
}
