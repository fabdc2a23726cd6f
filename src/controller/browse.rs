//! Browsing what a server offers besides tools: reading a resource (a listed one, or a
//! template filled in), subscribing to its updates, getting a prompt with its arguments, and
//! asking for completions as the person types an argument or a template variable.

use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use mcp_desk_logic::uri_template;
use mcp_desk_protocol::session::Target;
use serde_json::{Map, Value};

use super::Controller;
use crate::connection::Connection;
use crate::state::{ServerId, ServerPanel};

impl Controller {
    /// Tab `server` and its connection, while it has one.
    fn tab(&self, server: ServerId) -> Option<(ServerPanel, Rc<Connection>)> {
        Some((self.state.panel_of(server)?, self.connection(server)?))
    }

    /// Reads the resource at `uri` for tab `server`; what it holds replaces what was shown.
    pub fn read_resource(&self, server: ServerId, uri: String) {
        let Some((panel, connection)) = self.tab(server) else {
            return;
        };
        panel.browse.reading.set(Some(uri.clone()));
        panel.browse.read.set(None);
        connection.with_session(|s, now| s.read_resource(now, &uri));
    }

    /// Reads the template the person filled in: its URI, with the variables put in.
    pub fn read_template(&self, server: ServerId) {
        let Some(panel) = self.state.panel_of(server) else {
            return;
        };
        let Some(template) = panel.browse.template.get_untracked() else {
            return;
        };
        let uri = panel
            .browse
            .template_values
            .with_untracked(|values| uri_template::expand(&template, values));
        self.read_resource(server, uri);
    }

    /// Subscribes to the resource's updates, or stops.
    pub fn toggle_subscription(&self, server: ServerId, uri: String) {
        let Some((panel, connection)) = self.tab(server) else {
            return;
        };
        let on = !panel.browse.subscribed.with_untracked(|s| s.contains(&uri));
        connection.with_session(|s, now| s.subscribe_resource(now, &uri, on));
    }

    /// Gets the prompt picked, with its arguments as typed (empty ones left out).
    pub fn get_prompt(&self, server: ServerId) {
        let Some((panel, connection)) = self.tab(server) else {
            return;
        };
        let Some(name) = panel.browse.prompt.get_untracked() else {
            return;
        };
        let arguments = panel.browse.prompt_args.with_untracked(filled);
        let missing: Vec<String> = panel.browse.prompts.with_untracked(|all| {
            all.iter()
                .filter(|p| p.name == name)
                .flat_map(|p| p.arguments.iter())
                .filter(|a| a.required && !arguments.contains_key(&a.name))
                .map(|a| a.name.clone())
                .collect()
        });
        if !missing.is_empty() {
            return panel.browse.prompt_error.set(Some(format!(
                "Fill in {} first: the prompt needs {}.",
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            )));
        }
        panel.browse.prompt_error.set(None);
        panel.browse.prompt_result.set(None);
        connection.with_session(|s, now| s.get_prompt(now, &name, arguments));
    }

    /// The person typed `value` into `argument` of the prompt picked, or into variable
    /// `argument` of the template being filled in: kept, and suggestions asked for.
    pub fn type_argument(&self, server: ServerId, target: Target, argument: String, value: String) {
        let Some(values) = self.set_argument(server, &target, &argument, &value) else {
            return;
        };
        // Asked once typing pauses (S25 server/utilities/completion.mdx "Implementation
        // Considerations": clients SHOULD debounce rapid completion requests).
        let controller = self.clone();
        set_timeout(
            move || {
                let current = values.try_with_untracked(|v| v.get(&argument).cloned());
                if current.flatten().as_deref() != Some(value.as_str()) {
                    return;
                }
                // The other arguments already given help the server suggest (2025-06-18 on).
                let context = values.with_untracked(|v| {
                    let mut others = v.clone();
                    others.remove(&argument);
                    filled(&others)
                });
                if let Some(connection) = controller.connection(server) {
                    connection.with_session(|s, now| {
                        s.complete_argument(now, target, &argument, &value, context)
                    });
                }
            },
            SUGGEST_AFTER,
        );
    }
}

impl Controller {
    /// The person picked suggestion `value` for `argument`: it is the value, and nothing more
    /// is asked for it.
    pub fn pick_argument(&self, server: ServerId, target: Target, argument: String, value: String) {
        self.set_argument(server, &target, &argument, &value);
    }

    /// Keeps `value` for `argument` of `target` and clears the suggestions shown; the values
    /// it went into.
    fn set_argument(
        &self,
        server: ServerId,
        target: &Target,
        argument: &str,
        value: &str,
    ) -> Option<RwSignal<BTreeMap<String, String>>> {
        let browse = self.state.panel_of(server)?.browse;
        let values = browse.values_of(target);
        values.update(|v| {
            v.insert(argument.to_owned(), value.to_owned());
        });
        browse.suggestions.set(None);
        Some(values)
    }
}

/// How long typing must pause before suggestions are asked for.
const SUGGEST_AFTER: std::time::Duration = std::time::Duration::from_millis(200);

/// The values given, as JSON strings (an empty one is not given).
fn filled(values: &BTreeMap<String, String>) -> Map<String, Value> {
    values
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}
