//! The CORS doctor's verdict under the connection status: what went wrong in plain words,
//! and each fix with the page's origin filled in, ready to copy.

use leptos::prelude::*;
use mcp_desk_logic::cors_doctor::Fix;

use crate::controller::Controller;
use crate::state::AppState;

#[component]
pub fn CorsDoctor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    move || {
        let panel = state.panel();
        if panel.diagnosing.get() {
            return Some(
                view! { <p class="hint" role="status">"Finding out why the server could not be reached…"</p> }
                    .into_any(),
            );
        }
        let advice = panel.doctor.get()?;
        let fixes = advice
            .fixes
            .into_iter()
            .map(|fix| view! { <FixBlock fix=fix controller=controller.clone() /> })
            .collect_view();
        Some(
            view! {
                <section class="doctor" data-testid="cors-doctor" data-diagnosis=advice.diagnosis.id() role="alert">
                    <h3>"Why it failed"</h3>
                    <p data-testid="cors-doctor-summary">{advice.summary}</p>
                    {fixes}
                </section>
            }
            .into_any(),
        )
    }
}

/// One fix: its title, the text to copy, and a Copy button.
#[component]
fn FixBlock(fix: Fix, controller: Controller) -> impl IntoView {
    let code = fix.code.clone();
    view! {
        <div class="fix" data-testid="cors-doctor-fix" data-name=fix.title>
            <div class="fix-head">
                <h4>{fix.title}</h4>
                <button type="button" on:click=move |_| controller.copy_text(code.clone())>"Copy"</button>
            </div>
            <pre>{fix.code}</pre>
        </div>
    }
}
