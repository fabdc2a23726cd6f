//! Multi-round-trip requests (2026-07-28, S26 basic/patterns/mrtr.mdx): a `tools/call`,
//! `resources/read` or `prompts/get` ("Supported Requests") answered with `resultType:
//! "input_required"` is fulfilled input by input, then sent again — the same params, the
//! answers as `inputResponses`, the `requestState` exactly as received — and may need further
//! rounds. The request sent again is rmcp's (`CallToolRequestParams`,
//! `ReadResourceRequestParams`, `GetPromptRequestParams`, with `InputResponses`), and so is a
//! sampling input (`CreateMessageRequestParams`); the result is read here by each input's
//! method rather than with rmcp's `InputRequiredResult`, whose `InputRequest` decodes every
//! elicitation schema too (see the README's Performance). Writing the params as JSON instead
//! was measured: 0.2 KB more.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::elicitation::{self, Elicitation};
use crate::model::{
    CallToolRequestParams, CreateMessageRequestParams, GetPromptRequestParams, InputResponses,
    ReadResourceRequestParams,
};

/// A round may not go on for ever: a server asking this many times in a row is stopped.
pub const MAX_ROUNDS: u32 = 10;

/// Whether a result is an `input_required` one (a missing `resultType` means complete).
pub fn is_input_required(result: &Value) -> bool {
    result.get("resultType").and_then(Value::as_str) == Some("input_required")
}

/// One input of an `input_required` result, as the client answers it.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    /// With the params as received, as JSON text.
    Sampling(Box<CreateMessageRequestParams>, String),
    Elicitation(Elicitation),
    Roots,
}

/// An `input_required` result, decoded: each input by its key (in key order), and the state.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRequired {
    pub inputs: Vec<(String, Asked)>,
    pub request_state: Option<String>,
}

/// Decodes an `input_required` result, refusing what the spec forbids in words a person can
/// act on: only `sampling/createMessage`, `elicitation/create` and `roots/list` may be asked,
/// and at least one of `inputRequests` and `requestState` must be there.
pub fn decode_input_required(result: &Value) -> Result<InputRequired, String> {
    let request_state = match result.get("requestState") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => return Err(format!("its requestState is not a string: {other}")),
    };
    let requests = match result.get("inputRequests") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(other) => return Err(format!("its inputRequests is not an object: {other}")),
    };
    if requests.is_none() && request_state.is_none() {
        return Err("it asks for input but names neither inputRequests nor requestState".into());
    }
    let inputs = requests
        .into_iter()
        .flatten()
        .map(|(key, input)| {
            let method = input.get("method").and_then(Value::as_str).unwrap_or("");
            let params = input.get("params").cloned().unwrap_or(Value::Null);
            let key = key.clone();
            let asked = match method {
                "sampling/createMessage" => {
                    let raw = params.to_string();
                    Asked::Sampling(
                        Box::new(serde_json::from_value(params).map_err(|e| {
                            format!("its sampling request {key:?} is malformed: {e}")
                        })?),
                        raw,
                    )
                }
                "elicitation/create" => Asked::Elicitation(
                    elicitation::decode(&params).map_err(|e| {
                        format!("its elicitation request {key:?} is malformed: {e}")
                    })?,
                ),
                "roots/list" => Asked::Roots,
                other => {
                    return Err(format!(
                        "it asks for {other:?} (input {key:?}), which no client can answer inside a result"
                    ));
                }
            };
            Ok((key, asked))
        })
        .collect::<Result<_, String>>()?;
    Ok(InputRequired {
        inputs,
        request_state,
    })
}

/// The request a round sends again.
#[derive(Debug, Clone, PartialEq)]
pub enum Retried {
    Tool {
        name: String,
        arguments: Map<String, Value>,
    },
    Read {
        uri: String,
    },
    Prompt {
        name: String,
        arguments: Map<String, Value>,
    },
}

impl Retried {
    pub fn method(&self) -> &'static str {
        match self {
            Retried::Tool { .. } => "tools/call",
            Retried::Read { .. } => "resources/read",
            Retried::Prompt { .. } => "prompts/get",
        }
    }

    /// What the person sees it as: the tool's name, or the method and what it reads or gets.
    pub fn label(&self) -> String {
        match self {
            Retried::Tool { name, .. } => name.clone(),
            Retried::Read { uri } => format!("resources/read {uri}"),
            Retried::Prompt { name, .. } => format!("prompts/get {name}"),
        }
    }
}

/// A request between rounds: what to send again, and the answers gathered so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub retried: Retried,
    /// 1 for the answers to the first `input_required` result.
    pub number: u32,
    request_state: Option<String>,
    waiting: BTreeSet<String>,
    responses: InputResponses,
}

impl Round {
    /// A round waiting for the inputs named `keys`.
    pub fn new(
        retried: Retried,
        number: u32,
        request_state: Option<String>,
        keys: impl IntoIterator<Item = String>,
    ) -> Self {
        Round {
            retried,
            number,
            request_state,
            waiting: keys.into_iter().collect(),
            responses: InputResponses::new(),
        }
    }

    /// Records the answer to input `key`; true once every input is answered.
    pub fn answer(&mut self, key: &str, response: Value) -> bool {
        if self.waiting.remove(key) {
            self.responses.insert(key.to_owned(), response);
        }
        self.is_complete()
    }

    pub fn is_complete(&self) -> bool {
        self.waiting.is_empty()
    }

    /// The params sent again (without `_meta`, which is fresh every time): the same as
    /// before, the answers, and the state exactly as received (none if none came: "Client
    /// Requirements").
    pub fn retry(&self) -> Value {
        let responses = (!self.responses.is_empty()).then(|| self.responses.clone());
        let state = self.request_state.clone();
        let params = match &self.retried {
            Retried::Tool { name, arguments } => {
                let mut params =
                    CallToolRequestParams::new(name.clone()).with_arguments(arguments.clone());
                params.input_responses = responses;
                params.request_state = state;
                serde_json::to_value(params)
            }
            Retried::Read { uri } => {
                let mut params = ReadResourceRequestParams::new(uri.clone());
                params.input_responses = responses;
                params.request_state = state;
                serde_json::to_value(params)
            }
            Retried::Prompt { name, arguments } => {
                let mut params = GetPromptRequestParams::new(name.clone());
                if !arguments.is_empty() {
                    params.arguments = Some(arguments.clone());
                }
                params.input_responses = responses;
                params.request_state = state;
                serde_json::to_value(params)
            }
        };
        params.unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sampling(text: &str) -> Value {
        json!({"method": "sampling/createMessage", "params": {
            "messages": [{"role": "user", "content": {"type": "text", "text": text}}],
            "maxTokens": 50
        }})
    }

    #[test]
    fn only_input_required_results_are_rounds() {
        assert!(is_input_required(&json!({"resultType": "input_required"})));
        assert!(!is_input_required(
            &json!({"resultType": "complete", "content": []})
        ));
        assert!(!is_input_required(&json!({"content": []})));
    }

    #[test]
    fn decodes_each_kind_of_input_in_key_order() {
        let result = json!({"resultType": "input_required", "requestState": "s1", "inputRequests": {
            "b": sampling("hello"),
            "a": {"method": "roots/list"},
            "c": {"method": "elicitation/create", "params": {"mode": "form", "message": "name?", "requestedSchema": {"type": "object", "properties": {}}}}
        }});
        let decoded = decode_input_required(&result).unwrap();
        assert_eq!(decoded.request_state.as_deref(), Some("s1"));
        let keys: Vec<&str> = decoded.inputs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(decoded.inputs[0].1, Asked::Roots);
        assert!(matches!(decoded.inputs[1].1, Asked::Sampling(ref p, _) if p.max_tokens == 50));
        assert!(
            matches!(&decoded.inputs[2].1, Asked::Elicitation(e) if e.message == "name?" && e.mode.name() == "form")
        );
    }

    #[test]
    fn refuses_what_the_spec_forbids() {
        assert_eq!(
            decode_input_required(
                &json!({"resultType": "input_required", "inputRequests": {"x": {"method": "ping"}}})
            ),
            Err(
                r#"it asks for "ping" (input "x"), which no client can answer inside a result"#
                    .into()
            )
        );
        let bad = [
            json!({"resultType": "input_required"}),
            json!({"resultType": "input_required", "inputRequests": {"x": {"method": "sampling/createMessage", "params": {}}}}),
            json!({"resultType": "input_required", "requestState": 5}),
        ];
        for result in bad {
            assert!(decode_input_required(&result).is_err(), "{result}");
        }
    }

    #[test]
    fn a_round_retries_once_every_input_is_answered_with_state_verbatim() {
        let args = json!({"text": "t"}).as_object().cloned().unwrap();
        let mut round = Round::new(
            Retried::Tool {
                name: "summarize".into(),
                arguments: args,
            },
            1,
            Some("opaque==state".into()),
            ["a".to_owned(), "b".to_owned()],
        );
        assert!(!round.answer("a", json!({"model": "m"})));
        assert!(!round.answer("unknown", json!(1)));
        assert!(round.answer("b", json!({"roots": []})));
        let params = round.retry();
        assert_eq!(
            params,
            json!({"name": "summarize", "arguments": {"text": "t"},
                   "inputResponses": {"a": {"model": "m"}, "b": {"roots": []}},
                   "requestState": "opaque==state"})
        );
    }

    #[test]
    fn a_state_only_round_retries_at_once_without_responses() {
        let tool = Retried::Tool {
            name: "t".into(),
            arguments: Map::new(),
        };
        let round = Round::new(tool, 1, Some("s".into()), Vec::new());
        assert!(round.is_complete());
        assert_eq!(
            round.retry(),
            json!({"name": "t", "arguments": {}, "requestState": "s"})
        );
    }

    #[test]
    fn a_read_or_a_prompt_is_sent_again_as_it_was_with_the_answers() {
        let mut read = Round::new(
            Retried::Read {
                uri: "note://x".into(),
            },
            1,
            None,
            ["ok".to_owned()],
        );
        assert!(read.answer("ok", json!({"action": "accept"})));
        assert_eq!(
            read.retry(),
            json!({"uri": "note://x", "inputResponses": {"ok": {"action": "accept"}}})
        );
        let arguments = json!({"who": "Ada"}).as_object().cloned().unwrap();
        let prompt = Round::new(
            Retried::Prompt {
                name: "greet".into(),
                arguments,
            },
            2,
            Some("s2".into()),
            Vec::new(),
        );
        assert_eq!(
            prompt.retry(),
            json!({"name": "greet", "arguments": {"who": "Ada"}, "requestState": "s2"})
        );
        assert_eq!(prompt.retried.label(), "prompts/get greet");
    }
}
