//! The one place saved values are read and written. At start-up [`load`] reads the device's
//! salt, the audit trail, the rules, the provider settings (keys from wherever they were
//! kept) and the shared roots into the page state; [`persist`] then saves each whenever it changes — one `Effect` per
//! signal, as Leptos's todomvc does — the audit trail at most once a second and at once when
//! the page is hidden or left. How each server was last reached lives in the tab's storage, and
//! so do the sign-ins' grants (tokens; on the device only where the person opts in) and a
//! sign-in waiting for the person's return.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use mcp_desk_logic::providers::{KeyPlace, ProviderSettings};
use mcp_desk_logic::rules::RuleBook;
use mcp_desk_logic::{audit, roots, server_key, transport_memory};
use mcp_desk_protocol::Transport;
use mcp_desk_protocol::auth::{Grant, SignIn};

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

const GRANTS: &str = "mcp-desk.grants";
const SIGN_IN: &str = "mcp-desk.sign-in";

/// The grants kept in one storage: the tab's (`remembered` false) or the device's.
fn grants_in(remembered: bool) -> Vec<Grant> {
    let text = match remembered {
        false => storage::session_get(GRANTS),
        true => storage::local_get(GRANTS),
    };
    let saved: Option<serde_json::Value> = text.and_then(|text| serde_json::from_str(&text).ok());
    saved
        .as_ref()
        .and_then(serde_json::Value::as_array)
        .map(|all| all.iter().filter_map(Grant::from_json).collect())
        .unwrap_or_default()
}

fn save_grants_in(remembered: bool, all: &[Grant]) {
    let value: Vec<serde_json::Value> = all.iter().map(Grant::to_json).collect();
    let text = serde_json::Value::Array(value).to_string();
    match (remembered, all.is_empty()) {
        (false, true) => storage::session_remove(GRANTS),
        (false, false) => storage::session_set(GRANTS, &text),
        (true, true) => storage::local_remove(GRANTS),
        (true, false) => storage::local_set(GRANTS, &text),
    }
}

/// The grant for the MCP server whose canonical URI is `resource`, and whether it is
/// remembered on this device (the person opted in) rather than kept for the tab.
pub fn grant_for(resource: &str) -> Option<(Grant, bool)> {
    [false, true].into_iter().find_map(|remembered| {
        grants_in(remembered)
            .into_iter()
            .find(|g| g.resource == resource)
            .map(|g| (g, remembered))
    })
}

/// Keeps `grant` — on this device when `remember`, else for the tab only — in place of any
/// older one for its server, wherever that was.
pub fn save_grant(grant: &Grant, remember: bool) {
    forget_grant(&grant.resource);
    let mut all = grants_in(remember);
    all.push(grant.clone());
    save_grants_in(remember, &all);
}

/// Forgets the grant for `resource`, wherever it was kept (signing out).
pub fn forget_grant(resource: &str) {
    for remembered in [false, true] {
        let mut all = grants_in(remembered);
        let before = all.len();
        all.retain(|g| g.resource != resource);
        if all.len() != before {
            save_grants_in(remembered, &all);
        }
    }
}

/// A sign-in waiting for the person to come back from the authorization server, with the
/// page's query and fragment (its settings) before it left, and the client the person typed
/// (id, secret, the issuer it is bound to).
pub struct PendingSignIn {
    pub sign_in: SignIn,
    pub query: String,
    pub fragment: String,
    pub client: [String; 3],
}

/// Keeps `sign_in` (waiting for the person's return) with the page's `query` and `fragment`
/// and the typed `client`.
pub fn save_sign_in(sign_in: &SignIn, query: &str, fragment: &str, client: &[String; 3]) {
    if let Some(sign_in) = sign_in.to_json() {
        let value = serde_json::json!({
            "sign_in": sign_in, "query": query, "fragment": fragment, "client": client,
        });
        storage::session_set(SIGN_IN, &value.to_string());
    }
}

/// Whether a sign-in of this tab's waits for the person's return (a full-page sign-in).
pub fn sign_in_waits() -> bool {
    storage::session_get(SIGN_IN).is_some()
}

/// The sign-in waiting for a return, taken (a redirect is used once).
pub fn take_sign_in() -> Option<PendingSignIn> {
    let text = storage::session_get(SIGN_IN)?;
    storage::session_remove(SIGN_IN);
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let field = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let client = &value["client"];
    Some(PendingSignIn {
        sign_in: SignIn::from_json(value.get("sign_in")?)?,
        query: field(&value["query"]),
        fragment: field(&value["fragment"]),
        client: [field(&client[0]), field(&client[1]), field(&client[2])],
    })
}
