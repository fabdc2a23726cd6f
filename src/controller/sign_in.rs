//! Signing in to protected servers (S25 basic/authorization.mdx): a `401`, or a `403` asking
//! for more scope, leaves the tab waiting for the person (`auth-authorize`); the sign-in
//! (`mcp_desk_protocol::auth::SignIn`) runs its requests from here and sends the person to the
//! authorization server in a window of its own (the page keeps its connections and what waits
//! for the person), or, where the browser blocks that window, in the page itself, which picks
//! up on their return with its settings restored.
//! Grants are kept per server in the tab's storage, refreshed before they expire, sent only
//! to the server they were issued for, and forgotten on sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_desk_logic::sign_in_words;
use mcp_desk_protocol::auth::{
    AuthError, AuthRequest, Challenge, Grant, Next, SignIn, SignInConfig, metadata,
};
use mcp_desk_protocol::{LogLevel, LogSource, redact};

use super::Controller;
use crate::browser::{clock, http, page, random, sign_in_window};
use crate::state::{AuthStatus, ServerId};
use crate::store::{self, PendingSignIn};

/// How many times in a row a server may ask for more scope before the page stops asking.
const STEP_UPS: u32 = 2;

impl Controller {
    /// Tab `server`'s connect or call was refused for want of a token (`status`, with its
    /// `challenge` when the page could read it): a held grant is refreshed once; else the tab
    /// waits for the person to sign in.
    pub(super) fn sign_in_needed(&self, server: ServerId, status: u16, challenge: Option<String>) {
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let challenge = challenge.as_deref().and_then(Challenge::parse);
        let url = panel.url.get_untracked();
        let grant = metadata::resource_of(&url)
            .and_then(|r| store::grant_for(&r))
            .map(|(g, _)| g);
        let (refreshed, step_ups) = {
            let mut tabs = self.live.tabs.borrow_mut();
            let tab = tabs.entry(server).or_default();
            tab.challenge = challenge;
            if status == 403 {
                tab.step_ups += 1;
            }
            let refreshed = tab.refreshed;
            tab.refreshed = true;
            (refreshed, tab.step_ups)
        };
        if status == 401
            && !refreshed
            && let Some(grant) = grant.filter(|g| g.refresh_token.is_some())
        {
            return self.refresh_then_connect(server, grant);
        }
        if step_ups > STEP_UPS {
            return panel.auth.set(AuthStatus::Failed(format!(
                "The server still asks for more permissions after {STEP_UPS} sign-ins; MCP Desk stopped asking. Check what your account may do there."
            )));
        }
        let why = match status {
            403 => "The server needs more permissions: sign in again to grant them.",
            _ => "The server asks you to sign in.",
        };
        self.state.push_log(
            LogLevel::Info,
            LogSource::Client,
            format!("{} ({})", why, redact::url(&url)),
        );
        panel.auth.set(AuthStatus::SignedOut(why.into()));
    }

    /// The person starts signing in to the tab in front (`auth-authorize`).
    pub fn sign_in(&self) {
        let panel = self.state.panel_untracked();
        let server = panel.id;
        let (Some(address), Some(random)) = (page::address(), random::secure_bytes::<48>()) else {
            return panel.auth.set(AuthStatus::Failed(
                "This browser offers no secure random numbers, which a sign-in needs.".into(),
            ));
        };
        let url = panel.url.get_untracked().trim().to_owned();
        let (challenge, granted) = {
            let tabs = self.live.tabs.borrow();
            let challenge = tabs.get(&server).and_then(|t| t.challenge.clone());
            let granted = metadata::resource_of(&url)
                .and_then(|r| store::grant_for(&r))
                .and_then(|(g, _)| g.scope);
            (challenge, granted)
        };
        // The person comes back to the page's folder (what a hosted build's metadata document
        // lists as its redirect URI).
        let base = match address.rfind('/') {
            Some(at) => address[..=at].to_owned(),
            None => address,
        };
        let mut config = SignInConfig {
            server_url: url,
            redirect_uri: base.clone(),
            client_id: Some(panel.client_id.get_untracked()),
            client_secret: Some(panel.client_secret.get_untracked()),
            client_issuer: panel.client_issuer.get_untracked(),
            metadata_document: None,
            client_name: "MCP Desk".into(),
            challenge,
            granted_scope: granted,
        };
        panel.auth.set(AuthStatus::SigningIn(
            "Looking for the server's authorization server…".into(),
        ));
        let this = self.clone();
        spawn_local(async move {
            config.metadata_document = own_metadata_document(&base).await;
            let (sign_in, next) = SignIn::start(config, &random);
            this.drive(server, sign_in, next).await
        });
    }

    /// Runs a sign-in's requests until it sends the person away, ends, or fails.
    async fn drive(&self, server: ServerId, mut sign_in: SignIn, mut next: Next) {
        while let Some(request) = self.step(server, &mut sign_in, next) {
            let answer = http::fetch_text(&request).await;
            next = sign_in.answered(answer, clock::wall_ms() as u64);
        }
    }

    /// Does what `next` says; the request to perform next, if any. (Apart from the loop that
    /// awaits, so the page carries this code once.)
    #[inline(never)]
    fn step(&self, server: ServerId, sign_in: &mut SignIn, next: Next) -> Option<AuthRequest> {
        let panel = self.state.panel_of(server)?;
        match next {
            Next::Fetch(request) => {
                panel.auth.set(AuthStatus::SigningIn(format!(
                    "Asking {}…",
                    redact::url(&request.url)
                )));
                Some(request)
            }
            Next::Authorize(url) => {
                // In a window of its own, so the page keeps its connections and what waits for
                // the person; the sign-in waits here for that window's hand-back.
                if sign_in_window::open(&url) {
                    panel.auth.set(AuthStatus::InWindow);
                    *self.live.signing_in.borrow_mut() = Some((server, sign_in.clone()));
                    return None;
                }
                // A blocked window: the page itself goes, its settings and the sign-in waiting
                // in the tab's storage for the person's return.
                let (fragment, query) = page::url_settings_text();
                let client = [
                    panel.client_id.get_untracked(),
                    panel.client_secret.get_untracked(),
                    panel.client_issuer.get_untracked().unwrap_or_default(),
                ];
                store::save_sign_in(sign_in, &query, &fragment, &client);
                if let Err(e) = page::go_to(&url) {
                    panel.auth.set(AuthStatus::Failed(format!(
                        "The page could not open the sign-in page: {e}"
                    )));
                }
                None
            }
            Next::Done(grant) => {
                self.signed_in(server, *grant);
                None
            }
            Next::Failed(error) => {
                let words = sign_in_words::error(&error, &page::origin().unwrap_or_default());
                self.state
                    .push_log(LogLevel::Error, LogSource::Client, words.clone());
                panel.auth.set(AuthStatus::Failed(words));
                None
            }
        }
    }

    fn signed_in(&self, server: ServerId, grant: Grant) {
        let remember = self
            .state
            .panel_of(server)
            .is_some_and(|p| p.remember_sign_in.get_untracked());
        store::save_grant(&grant, remember);
        // A client the person typed is bound to the server it first signed in with.
        if let Some(panel) = self.state.panel_of(server)
            && !panel.client_id.get_untracked().trim().is_empty()
            && panel.client_issuer.get_untracked().is_none()
        {
            panel.client_issuer.set(Some(grant.issuer.clone()));
        }
        self.state.push_log(
            LogLevel::Info,
            LogSource::Client,
            format!(
                "Signed in to {} with {}{}",
                grant.resource,
                grant.issuer,
                grant
                    .scope
                    .as_deref()
                    .map(|s| format!(" (scopes: {s})"))
                    .unwrap_or_default()
            ),
        );
        if let Some(tab) = self.live.tabs.borrow_mut().get_mut(&server) {
            tab.refreshed = false;
        }
        self.connect_server(server);
    }

    /// Listens for the sign-in window's hand-back, for the page's life.
    pub fn listen_for_sign_ins(&self) {
        let this = self.clone();
        sign_in_window::on_return(move |query| this.sign_in_window_returned(&query));
    }

    /// The sign-in window is back with the redirect's `query`: the waiting sign-in checks it
    /// and trades the code. A query for no waiting sign-in is ignored (another tab's).
    fn sign_in_window_returned(&self, query: &str) {
        let waiting = self.live.signing_in.borrow_mut().take();
        let Some((server, mut sign_in)) = waiting else {
            return;
        };
        let state = mcp_desk_protocol::auth::form::decode(query)
            .into_iter()
            .find(|(name, _)| name == "state")
            .map(|(_, value)| value);
        if state.as_deref() != Some(sign_in.state()) {
            *self.live.signing_in.borrow_mut() = Some((server, sign_in));
            return;
        }
        let next = sign_in.redirected(query);
        let this = self.clone();
        spawn_local(async move { this.drive(server, sign_in, next).await });
    }

    /// At start-up, before the page reads its settings: the sign-in a redirect back belongs
    /// to (taken from the tab's storage), with the page's query as it was before it left put
    /// back in the address bar; and the redirect's own query.
    pub fn returning_sign_in() -> Option<(PendingSignIn, String)> {
        let (fragment, query) = page::url_settings_text();
        if !is_redirect(&query) {
            // Back without finishing (the Back button): the waiting sign-in and its verifier
            // are not kept.
            store::take_sign_in();
            return None;
        }
        let Some(pending) = store::take_sign_in() else {
            // No sign-in of this tab's waits for it (a stale link): the code leaves the address.
            page::replace_settings("", &fragment);
            return None;
        };
        page::replace_settings(&pending.query, &pending.fragment);
        Some((pending, query))
    }

    /// Whether this page is a sign-in window back from the authorization server: then it has
    /// handed the redirect's query to the page that opened it and is closing.
    pub fn hands_back_sign_in() -> bool {
        let (_, query) = page::url_settings_text();
        is_redirect(&query) && !store::sign_in_waits() && sign_in_window::hand_back(&query)
    }

    /// Picks the returning sign-in up: the tab for its server checks the redirect and trades
    /// the code for tokens, then connects.
    pub fn resume_sign_in(&self, pending: PendingSignIn, redirect: String) {
        let url = pending.sign_in.server_url().to_owned();
        let existing = self.state.servers.with_untracked(|servers| {
            servers
                .iter()
                .find(|p| p.url.get_untracked().trim() == url)
                .map(|p| p.id)
        });
        let server = existing.unwrap_or_else(|| {
            let first = self.state.panel_untracked();
            first.url.set(url.clone());
            first.id
        });
        self.state.active.set(server);
        // The client the person typed comes back with it.
        if let Some(panel) = self.state.panel_of(server) {
            let [id, secret, issuer] = pending.client;
            panel.client_id.set(id);
            panel.client_secret.set(secret);
            panel
                .client_issuer
                .set(Some(issuer).filter(|i| !i.is_empty()));
        }
        let mut sign_in = pending.sign_in;
        let next = sign_in.redirected(&redirect);
        if let Some(panel) = self.state.panel_of(server) {
            panel
                .auth
                .set(AuthStatus::SigningIn("Back from the sign-in page…".into()));
        }
        let this = self.clone();
        spawn_local(async move { this.drive(server, sign_in, next).await });
    }

    /// The `Authorization` value for tab `server`'s URL, when the tab holds a grant for it;
    /// `Err` when the grant is due for renewal first (the tab connects once it is renewed).
    pub(super) fn authorization_for(
        &self,
        server: ServerId,
        url: &str,
    ) -> Result<Option<String>, ()> {
        let Some((grant, remembered)) =
            metadata::resource_of(url).and_then(|r| store::grant_for(&r))
        else {
            return Ok(None);
        };
        if let Some(panel) = self.state.panel_of(server) {
            panel.remember_sign_in.set(remembered);
        }
        let refreshed = self
            .live
            .tabs
            .borrow()
            .get(&server)
            .is_some_and(|t| t.refreshed);
        if grant.needs_refresh(clock::wall_ms() as u64)
            && grant.refresh_token.is_some()
            && !refreshed
        {
            self.refresh_then_connect(server, grant);
            return Err(());
        }
        if let Some(panel) = self.state.panel_of(server) {
            panel.auth.set(AuthStatus::SignedIn {
                issuer: grant.issuer.clone(),
            });
        }
        self.renew_before_expiry(server, &grant);
        Ok(Some(grant.bearer()))
    }

    /// Renews the token of tab `server`'s connection when it is due (`Grant::refresh_at_ms`: a
    /// minute before it expires, or halfway through a shorter life), without reconnecting: the
    /// session sends the new one from then on.
    fn renew_before_expiry(&self, server: ServerId, grant: &Grant) {
        let (Some(at), Some(_)) = (grant.refresh_at_ms, &grant.refresh_token) else {
            return;
        };
        let wait = at.saturating_sub(clock::wall_ms() as u64);
        let resource = grant.resource.clone();
        let this = self.clone();
        set_timeout(
            move || {
                // Signed out meanwhile, or already renewed (another timer): nothing to do.
                let Some((grant, _)) = store::grant_for(&resource)
                    .filter(|(g, _)| g.needs_refresh(clock::wall_ms() as u64))
                else {
                    return;
                };
                let Some(request) = grant.refresh_request() else {
                    return;
                };
                spawn_local(async move {
                    // A refusal leaves it: a later 401 asks the person.
                    let Ok(grant) = renewed(grant, request).await else {
                        return;
                    };
                    if let Some(connection) = this.connection(server) {
                        connection.with_session(|s, _| s.set_authorization(Some(grant.bearer())));
                    }
                    this.renew_before_expiry(server, &grant);
                });
            },
            std::time::Duration::from_millis(wait),
        );
    }

    /// Renews `grant` with its refresh token, then connects tab `server`; a refused refresh
    /// forgets the grant, and the connect asks the person to sign in again.
    fn refresh_then_connect(&self, server: ServerId, grant: Grant) {
        let Some(request) = grant.refresh_request() else {
            return;
        };
        // Once per connection: the connect that follows uses what it gets.
        self.live
            .tabs
            .borrow_mut()
            .entry(server)
            .or_default()
            .refreshed = true;
        let used = grant.refresh_token.clone();
        let resource = grant.resource.clone();
        if let Some(panel) = self.state.panel_of(server) {
            panel
                .auth
                .set(AuthStatus::SigningIn("Renewing the token…".into()));
        }
        let this = self.clone();
        spawn_local(async move {
            match renewed(grant, request).await {
                Ok(_) => {
                    this.state.push_log(
                        LogLevel::Info,
                        LogSource::Client,
                        format!("Renewed the token for {resource}"),
                    );
                }
                Err(error) => {
                    // Forgotten only when the server refused it, and only if no other refresh
                    // replaced it meanwhile (a rotated token used twice is refused).
                    let current = store::grant_for(&resource).and_then(|(g, _)| g.refresh_token);
                    if matches!(error, AuthError::TokenRefused { .. }) && current == used {
                        store::forget_grant(&resource);
                    }
                    this.state.push_log(
                        LogLevel::Warning,
                        LogSource::Client,
                        format!(
                            "Could not renew the token for {}: {}",
                            resource,
                            sign_in_words::error(&error, &page::origin().unwrap_or_default())
                        ),
                    );
                }
            }
            this.connect_server(server);
        });
    }

    /// Whether the tab in front's sign-in is remembered on this device (`auth-remember`): a
    /// grant it holds moves there, or back to the tab only.
    pub fn remember_sign_in(&self, on: bool) {
        let panel = self.state.panel_untracked();
        panel.remember_sign_in.set(on);
        let grant =
            metadata::resource_of(&panel.url.get_untracked()).and_then(|r| store::grant_for(&r));
        if let Some((grant, _)) = grant {
            store::save_grant(&grant, on);
        }
    }

    /// Signs the tab in front out (`auth-sign-out`): its server's tokens are forgotten and the
    /// connection closed.
    pub fn sign_out(&self) {
        let panel = self.state.panel_untracked();
        let url = panel.url.get_untracked();
        if let Some(resource) = metadata::resource_of(&url) {
            store::forget_grant(&resource);
        }
        self.disconnect_server(panel.id);
        panel.forget_connection(crate::state::ConnectionStatus::Idle);
        panel.auth.set(AuthStatus::SignedOut(
            "You signed out; the tokens are forgotten.".into(),
        ));
        self.state.push_log(
            LogLevel::Info,
            LogSource::Client,
            format!("Signed out of {}", redact::url(&url)),
        );
    }
}

/// `grant` renewed with `request` (its refresh request), and kept where it was kept (the tab,
/// or the device); unchanged in storage when the renewal fails.
async fn renewed(mut grant: Grant, request: AuthRequest) -> Result<Grant, AuthError> {
    let remembered = store::grant_for(&grant.resource).is_some_and(|(_, r)| r);
    let answer = http::fetch_text(&request).await;
    grant.refreshed(answer, clock::wall_ms() as u64)?;
    store::save_grant(&grant, remembered);
    Ok(grant)
}

/// The page's own Client ID Metadata Document, when the site serves one for this address: an
/// HTTPS page whose `client-metadata.json` names itself by its URL exactly (a build made with
/// `cargo xtask dist --site`).
async fn own_metadata_document(base: &str) -> Option<String> {
    if !base.starts_with("https://") {
        return None;
    }
    let url = format!("{base}client-metadata.json");
    let request = mcp_desk_protocol::auth::AuthRequest {
        method: "GET",
        url: url.clone(),
        headers: Vec::new(),
        body: None,
    };
    let (status, body) = http::fetch_text(&request).await.ok()?;
    let document: serde_json::Value = serde_json::from_str(&body).ok()?;
    (status == 200 && document["client_id"] == url.as_str()).then_some(url)
}

/// Whether a query is an authorization server's redirect (it carries `state`).
fn is_redirect(query: &str) -> bool {
    mcp_desk_protocol::auth::form::decode(query)
        .iter()
        .any(|(name, _)| name == "state")
}
