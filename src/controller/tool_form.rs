//! A tool's arguments as a form beside the JSON text, the two always in step: picking a tool
//! builds the form from its `inputSchema` (properties a form cannot show stay in the JSON);
//! a field edited writes its value into the JSON (or says, beside the field, why it cannot);
//! the JSON edited fills the fields it can.

use leptos::prelude::*;
use mcp_desk_logic::schema_form::Form;
use serde_json::{Map, Value};

use super::Controller;
use crate::state::{ServerPanel, ToolForm};

impl Controller {
    /// The form for the tool just picked, filled from its pre-filled arguments.
    pub(super) fn build_tool_form(&self, panel: &ServerPanel, schema: &Value) {
        let (form, json_only) = Form::of_tool(schema);
        if form.fields.is_empty() {
            return panel.tool_form.set(None);
        }
        let owner = self.child_owner();
        let tool_form = owner.with(|| ToolForm {
            entries: form
                .fields
                .iter()
                .map(|f| RwSignal::new(f.entry_of(None).unwrap_or_else(|| f.initial())))
                .collect(),
            form,
            json_only,
            errors: RwSignal::new(Vec::new()),
            owner: owner.clone(),
        });
        panel.tool_form.set(Some(tool_form));
        self.tool_json_edited();
    }

    /// A field of the form was edited: its value goes into the JSON text (left out when
    /// empty), or its error stands beside it and the JSON keeps what it had.
    pub fn tool_field_edited(&self, index: usize) {
        let panel = self.state.panel_untracked();
        let Some(tool_form) = panel.tool_form.get_untracked() else {
            return;
        };
        let (Some(field), Some(entry)) = (
            tool_form.form.fields.get(index),
            tool_form.entries.get(index),
        ) else {
            return;
        };
        let name = field.name.clone();
        let checked = field.check(&entry.get_untracked());
        let mut arguments = match serde_json::from_str::<Value>(&panel.tool_args.get_untracked()) {
            Ok(Value::Object(map)) => map,
            _ if panel.tool_args.with_untracked(|t| t.trim().is_empty()) => Map::new(),
            _ => {
                return set_error(
                    &tool_form,
                    &name,
                    Some("The JSON below is not an object: fix it first, then this field goes into it.".into()),
                );
            }
        };
        match checked {
            Ok(Some(value)) => {
                arguments.insert(name.clone(), value);
            }
            Ok(None) => {
                arguments.remove(&name);
            }
            Err(why) => return set_error(&tool_form, &name, Some(why)),
        }
        set_error(&tool_form, &name, None);
        panel.tool_args.set(
            serde_json::to_string_pretty(&Value::Object(arguments)).unwrap_or_else(|_| "{}".into()),
        );
    }

    /// The JSON text was edited: each field shows what it now holds, if the field can.
    pub fn tool_json_edited(&self) {
        let panel = self.state.panel_untracked();
        let Some(tool_form) = panel.tool_form.get_untracked() else {
            return;
        };
        let Ok(Value::Object(arguments)) =
            serde_json::from_str::<Value>(&panel.tool_args.get_untracked())
        else {
            // Half-typed JSON: the fields keep what they show until it parses again.
            return;
        };
        let mut errors = Vec::new();
        for (field, entry) in tool_form.form.fields.iter().zip(&tool_form.entries) {
            let value = arguments.get(&field.name);
            match field.entry_of(value) {
                Some(shown) => {
                    if entry.get_untracked() != shown {
                        entry.set(shown);
                    }
                }
                None => errors.push((
                    field.name.clone(),
                    format!(
                        "The JSON gives {}, which this field cannot show; edit it there.",
                        value.cloned().unwrap_or(Value::Null)
                    ),
                )),
            }
        }
        tool_form.errors.set(errors);
    }
}

/// Sets (or clears) the error beside field `name`.
fn set_error(tool_form: &ToolForm, name: &str, error: Option<String>) {
    tool_form.errors.update(|errors| {
        errors.retain(|(n, _)| n != name);
        if let Some(error) = error {
            errors.push((name.to_owned(), error));
        }
    });
}
