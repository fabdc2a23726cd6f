//! One field of a form generated from a schema (`mcp_desk_logic::schema_form`) — an
//! elicitation's question, a tool's arguments: its label (marked when required), its input,
//! select or checkboxes, its description and its error. What is typed goes into the field's
//! entry at once (`input`, so Ctrl+Enter sends what was typed last); `edited` hears of it.

use leptos::prelude::*;
use mcp_desk_logic::schema_form::{Entry, Field, Kind, TextFormat};

/// How a form's fields and errors are named for tests, and the prefix of their element ids.
#[derive(Clone, Copy)]
pub struct FieldIds {
    pub field: &'static str,
    pub error: &'static str,
    pub prefix: &'static str,
}

/// One field of the form: its label (marked when required), its input, its description and
/// its error.
pub fn field_view(
    field: Field,
    entry: RwSignal<Entry>,
    errors: RwSignal<Vec<(String, String)>>,
    ids: FieldIds,
    edited: Option<Callback<()>>,
) -> impl IntoView {
    let id = format!("{}-{}", ids.prefix, field.name);
    let name = field.name.clone();
    let error = move || {
        errors.with(|e| {
            e.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, msg)| view! { <p class="error" data-testid=ids.error>{msg.clone()}</p> })
        })
    };
    let kind = match &field.kind {
        Kind::Text { .. } => "text",
        Kind::Number { .. } => "number",
        Kind::Boolean => "boolean",
        Kind::Choice(_) => "choice",
        Kind::Choices { .. } => "choices",
    };
    let input = input_view(&field, &id, entry, edited);
    view! {
        <div class="field" data-testid=ids.field data-name=field.name.clone() data-kind=kind>
            <label for=id>{field.label.clone()}{field.required.then_some(" *")}</label>
            {input}
            {field.description.clone().map(|d| view! { <small class="hint">{d}</small> })}
            {error}
        </div>
    }
}

fn input_view(
    field: &Field,
    id: &str,
    entry: RwSignal<Entry>,
    edited: Option<Callback<()>>,
) -> AnyView {
    let edited = move || {
        if let Some(edited) = edited {
            edited.run(());
        }
    };
    match &field.kind {
        Kind::Choice(options) => {
            // Each option says whether it is the one chosen: a `value` set on the select
            // before its options exist would show "(choose)" while another is kept.
            let chosen = move |value: &str| matches!(entry.get(), Entry::Choice(c) if c == value);
            view! {
                <select id=id.to_owned() on:change=move |ev| {
                    entry.set(Entry::Choice(event_target_value(&ev)));
                    edited();
                }>
                    <option value="" prop:selected=move || chosen("")>"(choose)"</option>
                    {options
                        .iter()
                        .map(|o| {
                            let value = o.value.clone();
                            view! { <option value=o.value.clone() prop:selected=move || chosen(&value)>{o.label.clone()}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        Kind::Choices { options, .. } => {
            let boxes = options.iter().map(|o| {
                view! {
                    <label class="choice">
                        {input(Input::Option(o.value.clone()), String::new(), entry, edited)}
                        {o.label.clone()}
                    </label>
                }
            });
            view! { <fieldset id=id.to_owned() aria-label=field.label.clone()>{boxes.collect_view()}</fieldset> }.into_any()
        }
        Kind::Text { format, .. } => {
            input(Input::Text(*format), id.to_owned(), entry, edited).into_any()
        }
        Kind::Number { integer, .. } => {
            input(Input::Number(*integer), id.to_owned(), entry, edited).into_any()
        }
        Kind::Boolean => input(Input::Boolean, id.to_owned(), entry, edited).into_any(),
    }
}

/// What one `<input>` edits: every kind shares one view, so the page carries its code once.
#[derive(Clone)]
enum Input {
    Text(Option<TextFormat>),
    Number(bool),
    Boolean,
    /// One option of a multiple choice, ticked or not.
    Option(String),
}

fn input(
    kind: Input,
    id: String,
    entry: RwSignal<Entry>,
    edited: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let (input_type, placeholder, step) = match &kind {
        Input::Text(format) => (
            format.map_or("text", TextFormat::input_type),
            format.map_or("", TextFormat::example),
            None,
        ),
        Input::Number(integer) => ("number", "", Some(if *integer { "1" } else { "any" })),
        Input::Boolean | Input::Option(_) => ("checkbox", "", None),
    };
    let value = match &kind {
        Input::Option(option) => Some(option.clone()),
        _ => None,
    };
    let is_box = value.is_some() || matches!(kind, Input::Boolean);
    // A box's value is its option (the property set as `value` would otherwise clear it).
    let box_value = value.clone().unwrap_or_default();
    let ticked = kind.clone();
    let changed = kind;
    view! {
        <input id=(!id.is_empty()).then_some(id) type=input_type placeholder=placeholder step=step value=value
            prop:value=move || match entry.get() { Entry::Text(t) if !is_box => t, _ => box_value.clone() }
            prop:checked=move || match (&ticked, entry.get()) {
                (Input::Boolean, Entry::Boolean(b)) => b,
                (Input::Option(o), Entry::Choices(v)) => v.contains(o),
                _ => false,
            }
            // `input`, not `change`: a change fires only on leaving the field, and Ctrl+Enter
            // accepts without leaving it.
            on:input=move |ev| {
                let on = event_target_checked(&ev);
                match &changed {
                    Input::Boolean => entry.set(Entry::Boolean(on)),
                    Input::Option(option) => entry.update(|e| {
                        if let Entry::Choices(values) = e {
                            values.retain(|v| v != option);
                            if on {
                                values.push(option.clone());
                            }
                        }
                    }),
                    _ => entry.set(Entry::Text(event_target_value(&ev))),
                }
                edited();
            }
        />
    }
}
