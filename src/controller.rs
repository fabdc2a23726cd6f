//! The person's intents (connect, call a tool, approve, reject, …) carried out on the
//! connection and the page state. UI components call these and nothing lower.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use mcp_desk_llm::Completion;
use mcp_desk_protocol::{InputId, LogLevel, LogSource, SessionConfig};
use send_wrapper::SendWrapper;
use serde_json::Value;

use crate::connection::Connection;
use crate::state::{AppState, ConnectionStatus, RunningCall};

/// Cheap to clone; safe to capture in view closures (the page is single-threaded).
#[derive(Clone)]
pub struct Controller {
    state: AppState,
    connection: SendWrapper<Rc<RefCell<Option<Rc<Connection>>>>>,
}

impl Controller {
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            connection: SendWrapper::new(Rc::new(RefCell::new(None))),
        }
    }

    pub fn state(&self) -> AppState {
        self.state
    }

    fn current(&self) -> Option<Rc<Connection>> {
        self.connection.borrow().clone()
    }

    /// Connects to the URL in the connect form, replacing any current connection.
    pub fn connect(&self) {
        let url = self.state.server_url.get_untracked().trim().to_owned();
        if let Err(reason) = check_server_url(&url) {
            self.state.status.set(ConnectionStatus::Failed(reason));
            return;
        }
        self.disconnect();
        self.state.protocol_version.set(None);
        self.state.transport.set(None);
        self.state.server_name.set(None);
        self.state.tools.set(Vec::new());
        self.state.status.set(ConnectionStatus::Connecting);
        let config = SessionConfig {
            url,
            client_name: "mcp-desk".into(),
            client_version: env!("CARGO_PKG_VERSION").into(),
            revision: self.state.forced_revision.get_untracked(),
        };
        let connection = Connection::start(config, self.state);
        if let Some(level) = self.state.server_log_level.get_untracked() {
            connection.with_session(|s| s.set_log_level(&level));
        }
        *self.connection.borrow_mut() = Some(connection);
    }

    pub fn disconnect(&self) {
        if let Some(connection) = self.connection.borrow_mut().take() {
            connection.with_session(|s| s.disconnect());
        }
    }

    /// Cancels the running tool call.
    pub fn cancel_call(&self) {
        let Some(running) = self.state.running_call.get_untracked() else {
            return;
        };
        if let Some(connection) = self.current() {
            connection.with_session(|s| s.cancel_call(running.call, "Cancelled by the person"));
        }
    }

    /// Asks the server for its log messages from `level` up (empty: leave the server's default).
    pub fn set_log_level(&self, level: &str) {
        if level.is_empty() {
            return;
        }
        self.state.server_log_level.set(Some(level.to_owned()));
        if let Some(connection) = self.current() {
            connection.with_session(|s| s.set_log_level(level));
        }
    }

    /// Picks a tool and fills the arguments with a skeleton from its input schema.
    pub fn select_tool(&self, name: &str) {
        let skeleton = self.state.tools.with_untracked(|tools| {
            tools
                .iter()
                .find(|t| t.name == name)
                .map(|t| arguments_skeleton(&t.input_schema))
        });
        self.state.selected_tool.set(Some(name.to_owned()));
        if let Some(skeleton) = skeleton {
            self.state.tool_args.set(skeleton);
        }
    }

    /// Calls the selected tool with the JSON in the arguments box.
    pub fn call_tool(&self) {
        let fail = |text: String| {
            self.state.tool_outcome.set(Some(crate::state::ToolOutcome {
                tool: self.state.selected_tool.get_untracked().unwrap_or_default(),
                text: format!("error: {text}"),
                is_error: true,
            }))
        };
        let Some(tool) = self.state.selected_tool.get_untracked() else {
            return fail("Pick a tool first.".into());
        };
        let arguments = match serde_json::from_str::<Value>(&self.state.tool_args.get_untracked()) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return fail(
                    "The arguments must be a JSON object, like {\"name\": \"value\"}.".into(),
                );
            }
            Err(e) => return fail(format!("The arguments are not valid JSON: {e}.")),
        };
        let Some(connection) = self.current() else {
            return fail("Not connected: connect to a server first.".into());
        };
        self.state.tool_outcome.set(None);
        let call = connection.with_session(|s| s.call_tool(&tool, arguments));
        // A call refused at once has already reported its failure.
        if self.state.tool_outcome.get_untracked().is_none() {
            self.state.running_call.set(Some(RunningCall {
                call,
                tool,
                progress: None,
            }));
        }
    }

    /// Sends the approved completion to the server and takes the request off the queue.
    pub fn approve(&self, input: InputId, completion: Completion) -> Result<(), String> {
        let connection = self.current().ok_or("Not connected any more.")?;
        let result = completion.into_result()?;
        connection.with_session(|s| s.answer_sampling(input, &result))?;
        self.state.record(
            &self.server_of(input),
            "answer",
            serde_json::json!({"request": input.0, "result": result}),
        );
        self.remove_from_queue(input);
        Ok(())
    }

    /// Refuses the request; the server hears "User rejected sampling request".
    pub fn reject(&self, input: InputId) -> Result<(), String> {
        let connection = self.current().ok_or("Not connected any more.")?;
        connection.with_session(|s| s.reject_sampling(input))?;
        self.state.record(
            &self.server_of(input),
            "rejection",
            serde_json::json!({"request": input.0}),
        );
        self.remove_from_queue(input);
        Ok(())
    }

    /// The MCP endpoint a queued request came from.
    fn server_of(&self, input: InputId) -> String {
        self.state.queue.with_untracked(|q| {
            q.iter()
                .find(|item| item.input == input)
                .map(|item| item.server_url.clone())
                .unwrap_or_default()
        })
    }

    /// Drops a request the session no longer knows (the session ended), with a notice.
    pub fn dismiss(&self, input: InputId, why: &str) {
        self.remove_from_queue(input);
        self.state.notices.update(|n| n.push(why.to_owned()));
        self.state
            .push_log(LogLevel::Warning, LogSource::Client, why.to_owned());
    }

    fn remove_from_queue(&self, input: InputId) {
        self.state
            .queue
            .update(|q| q.retain(|item| item.input != input));
        if self.state.focused.get_untracked() == Some(input) {
            self.state.focused.set(None);
        }
    }
}

/// Refuses what `fetch` cannot use, with the reason.
pub fn check_server_url(url: &str) -> Result<(), String> {
    if url.is_empty() {
        return Err("Enter the MCP server's URL, e.g. http://127.0.0.1:8787/mcp.".into());
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "{url} is not an http:// or https:// URL; MCP Desk connects over Streamable HTTP."
        ));
    }
    Ok(())
}

/// `{"prop": ""…}` from an object schema's properties, pretty-printed, so a person sees what to fill.
pub fn arguments_skeleton(schema: &Value) -> String {
    let mut skeleton = serde_json::Map::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let value = match prop.get("default") {
                Some(default) => default.clone(),
                None => match prop.get("type").and_then(Value::as_str) {
                    Some("number" | "integer") => Value::from(0),
                    Some("boolean") => Value::Bool(false),
                    Some("array") => Value::Array(Vec::new()),
                    Some("object") => Value::Object(Default::default()),
                    _ => Value::String(String::new()),
                },
            };
            skeleton.insert(name.clone(), value);
        }
    }
    serde_json::to_string_pretty(&Value::Object(skeleton)).unwrap_or_else(|_| "{}".into())
}
