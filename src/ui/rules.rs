//! The rules panel: for the server in the connect form (and optionally one of its tools),
//! always ask or approve automatically within budgets; and the global pause.

use leptos::prelude::*;
use mcp_desk_logic::rules::{Budget, Mode, Rule, parse_limit};

use crate::controller::Controller;
use crate::state::AppState;

#[component]
pub fn RulesPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    let mode = RwSignal::new(Mode::AlwaysAsk);
    let tool = RwSignal::new(String::new());
    let per_minute = RwSignal::new(String::new());
    let per_hour = RwSignal::new(String::new());
    let max_tokens = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let save = {
        let controller = controller.clone();
        move |_| {
            let server = state
                .panel_untracked()
                .url
                .get_untracked()
                .trim()
                .to_owned();
            if server.is_empty() {
                return message.set(Some("Enter a server URL in the connect form first.".into()));
            }
            let budget = match (
                parse_limit(&per_minute.get_untracked()),
                parse_limit(&per_hour.get_untracked()),
                parse_limit(&max_tokens.get_untracked()),
            ) {
                (Ok(requests_per_minute), Ok(tokens_per_hour), Ok(max_tokens_per_request)) => {
                    Budget {
                        requests_per_minute,
                        tokens_per_hour,
                        max_tokens_per_request,
                    }
                }
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return message.set(Some(e)),
            };
            let server = state.server_key(&server);
            let shown = server.shown().to_owned();
            controller.save_rule(Rule {
                server,
                tool: Some(tool.get_untracked().trim().to_owned()).filter(|t| !t.is_empty()),
                mode: mode.get_untracked(),
                budget,
            });
            message.set(Some(format!("Saved the rule for {shown}.")));
        }
    };
    let rows = {
        let controller = controller.clone();
        move || {
            state.rules.with(|book| {
                book.rules
                    .iter()
                    .map(|r| {
                        let (server, tool_name) = (r.server.clone(), r.tool.clone());
                        let controller = controller.clone();
                        view! {
                            <li data-testid="rule-item" data-mode=r.mode.id()>
                                <span>{r.describe()}</span>
                                <button
                                    type="button"
                                    aria-label="Delete this rule"
                                    on:click=move |_| controller.delete_rule(&server, tool_name.as_deref())
                                >
                                    "Delete"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            })
        }
    };
    view! {
        <section class="panel" aria-labelledby="rules-heading">
            <h2 id="rules-heading">"Rules"</h2>
            <label class="inline">
                <input
                    type="checkbox"
                    data-testid="rules-pause"
                    prop:checked=move || state.rules.with(|b| b.paused)
                    on:change=move |ev| controller.pause_rules(event_target_checked(&ev))
                />
                " Pause every automatic approval (ask for everything)"
            </label>
            <p class="hint">{move || format!("For {}:", if state.panel().url.get().is_empty() { "the server in the connect form".to_owned() } else { mcp_desk_protocol::redact::url(&state.panel().url.get()) })}</p>
            <label for="rule-mode">"When it asks for sampling"</label>
            <select id="rule-mode" data-testid="rule-mode" on:change=move |ev| {
                if let Some(m) = Mode::from_id(&event_target_value(&ev)) {
                    mode.set(m);
                }
            }>
                {Mode::ALL.map(|m| view! { <option value=m.id() prop:selected=move || mode.get() == m>{m.label()}</option> }).collect_view()}
            </select>
            <label for="rule-tool">"Only for the tool (empty: all its requests)"</label>
            <input id="rule-tool" data-testid="rule-tool" prop:value=move || tool.get() on:input=move |ev| tool.set(event_target_value(&ev))/>
            <label for="rule-per-minute">"At most this many automatic approvals per minute"</label>
            <input id="rule-per-minute" data-testid="rule-requests-per-minute" inputmode="numeric" prop:value=move || per_minute.get() on:input=move |ev| per_minute.set(event_target_value(&ev))/>
            <label for="rule-per-hour">"At most this many tokens per hour (counted as each request's max tokens)"</label>
            <input id="rule-per-hour" data-testid="rule-tokens-per-hour" inputmode="numeric" prop:value=move || per_hour.get() on:input=move |ev| per_hour.set(event_target_value(&ev))/>
            <label for="rule-max-tokens">"Ask when a request allows more tokens than"</label>
            <input id="rule-max-tokens" data-testid="rule-max-tokens" inputmode="numeric" prop:value=move || max_tokens.get() on:input=move |ev| max_tokens.set(event_target_value(&ev))/>
            <button type="button" data-testid="rule-save" on:click=save>"Save rule"</button>
            {move || message.get().map(|m| view! { <p class="hint" role="status" data-testid="rule-message">{m}</p> })}
            <ul data-testid="rule-list">{rows}</ul>
        </section>
    }
}
