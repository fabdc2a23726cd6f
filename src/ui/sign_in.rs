//! Signing in to a protected server: where it stands (`auth-status`), why the server asks,
//! the button that starts it (`auth-authorize`), the one that signs out (`auth-sign-out`), and
//! whether its tokens are remembered on this device (`auth-remember`).
//! Shown once a server has asked.

use leptos::prelude::*;

use crate::controller::Controller;
use crate::state::{AppState, AuthStatus};

#[component]
pub fn SignInPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let auth = move || state.panel().auth.get();
    move || {
        let status = auth();
        if status == AuthStatus::NotAsked {
            return None;
        }
        let note = match &status {
            AuthStatus::SignedOut(why) | AuthStatus::SigningIn(why) => Some(why.clone()),
            AuthStatus::SignedIn { issuer } => Some(format!("Signed in with {issuer}.")),
            AuthStatus::InWindow => {
                Some("Waiting for you in the sign-in window. Closed it? Sign in again.".into())
            }
            AuthStatus::NotAsked | AuthStatus::Failed(_) => None,
        };
        let can_start = matches!(
            status,
            AuthStatus::SignedOut(_) | AuthStatus::Failed(_) | AuthStatus::InWindow
        );
        let signed_in = matches!(status, AuthStatus::SignedIn { .. });
        let start = controller.clone();
        let out = controller.clone();
        let keep = controller.clone();
        Some(view! {
            <div class="sign-in">
                <p
                    data-testid="auth-status"
                    data-state=status.state()
                    class=if status.state() == "error" { "status bad" } else { "status" }
                    role="status"
                >
                    {status.text()}
                </p>
                {note.map(|n| view! { <p class="hint">{n}</p> })}
                <label>
                    <input
                        type="checkbox"
                        data-testid="auth-remember"
                        prop:checked=move || state.panel().remember_sign_in.get()
                        on:change=move |ev| keep.remember_sign_in(event_target_checked(&ev))
                    />
                    " Remember this sign-in on this device (otherwise it is forgotten when the tab closes)"
                </label>
                {can_start.then(|| view! {
                    <button type="button" data-testid="auth-authorize" on:click=move |_| start.sign_in()>
                        "Sign in"
                    </button>
                })}
                {signed_in.then(|| view! {
                    <button type="button" data-testid="auth-sign-out" on:click=move |_| out.sign_out()>
                        "Sign out"
                    </button>
                })}
            </div>
        })
    }
}
