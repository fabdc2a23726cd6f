//! Multi-round-trip requests (2026-07-28): a `tools/call` answered with
//! `resultType: "input_required"` is fulfilled input by input, then sent again — same name and
//! arguments, the answers as `inputResponses`, the `requestState` exactly as received — and
//! may need further rounds.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::model::CreateMessageRequestParams;

/// A round may not go on for ever: a server asking this many times in a row is stopped.
pub const MAX_ROUNDS: u32 = 10;

/// One input the server asks for inside an `input_required` result.
#[derive(Debug, Clone, PartialEq)]
pub enum InputRequest {
    Sampling(CreateMessageRequestParams),
    Elicitation(Value),
    Roots,
}

/// An `input_required` result, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRequired {
    /// Server-chosen key → what it asks for, in key order.
    pub requests: Vec<(String, InputRequest)>,
    pub request_state: Option<String>,
}

/// Whether a result is an `input_required` one (a missing `resultType` means complete).
pub fn is_input_required(result: &Value) -> bool {
    result.get("resultType").and_then(Value::as_str) == Some("input_required")
}

/// Decodes an `input_required` result, refusing what the spec forbids in words a person can act on.
pub fn decode_input_required(result: &Value) -> Result<InputRequired, String> {
    let request_state = match result.get("requestState") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(format!("its requestState is not a string: {other}"));
        }
    };
    let mut requests = Vec::new();
    match result.get("inputRequests") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (key, request) in map {
                let method = request.get("method").and_then(Value::as_str).unwrap_or("");
                let params = request.get("params").cloned().unwrap_or(Value::Null);
                let input = match method {
                    "sampling/createMessage" => {
                        InputRequest::Sampling(serde_json::from_value(params).map_err(|e| {
                            format!("its sampling request {key:?} is malformed: {e}")
                        })?)
                    }
                    "elicitation/create" => InputRequest::Elicitation(params),
                    "roots/list" => InputRequest::Roots,
                    other => {
                        return Err(format!(
                            "it asks for {other:?} (input {key:?}), which no client can answer inside a result"
                        ));
                    }
                };
                requests.push((key.clone(), input));
            }
        }
        Some(other) => return Err(format!("its inputRequests is not an object: {other}")),
    }
    if requests.is_empty() && request_state.is_none() {
        return Err("it asks for input but names neither inputRequests nor requestState".into());
    }
    Ok(InputRequired {
        requests,
        request_state,
    })
}

/// A tool call between rounds: what to send again, and the answers gathered so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub tool: String,
    pub arguments: Map<String, Value>,
    /// 1 for the answers to the first `input_required` result.
    pub number: u32,
    request_state: Option<String>,
    waiting: BTreeMap<String, ()>,
    responses: Map<String, Value>,
}

impl Round {
    /// A round waiting for the inputs named `keys`.
    pub fn new(
        tool: String,
        arguments: Map<String, Value>,
        number: u32,
        request_state: Option<String>,
        keys: impl IntoIterator<Item = String>,
    ) -> Self {
        Round {
            tool,
            arguments,
            number,
            request_state,
            waiting: keys.into_iter().map(|k| (k, ())).collect(),
            responses: Map::new(),
        }
    }

    /// Records the answer to input `key`; true once every input is answered.
    pub fn answer(&mut self, key: &str, response: Value) -> bool {
        if self.waiting.remove(key).is_some() {
            self.responses.insert(key.to_owned(), response);
        }
        self.is_complete()
    }

    pub fn is_complete(&self) -> bool {
        self.waiting.is_empty()
    }

    /// The params of the call sent again (without `_meta`, which is fresh every time).
    pub fn retry_params(&self) -> Value {
        let mut params = json!({"name": self.tool, "arguments": self.arguments});
        if !self.responses.is_empty() {
            params["inputResponses"] = Value::Object(self.responses.clone());
        }
        if let Some(state) = &self.request_state {
            params["requestState"] = Value::String(state.clone());
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "c": {"method": "elicitation/create", "params": {"message": "name?"}}
        }});
        let decoded = decode_input_required(&result).unwrap();
        assert_eq!(decoded.request_state.as_deref(), Some("s1"));
        let keys: Vec<&str> = decoded.requests.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert!(
            matches!(decoded.requests[1].1, InputRequest::Sampling(ref p) if p.max_tokens == 50)
        );
    }

    #[test]
    fn refuses_what_the_spec_forbids() {
        let bad = [
            json!({"resultType": "input_required"}),
            json!({"resultType": "input_required", "inputRequests": {"x": {"method": "ping"}}}),
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
            "summarize".into(),
            args,
            1,
            Some("opaque==state".into()),
            ["a".to_owned(), "b".to_owned()],
        );
        assert!(!round.answer("a", json!({"model": "m"})));
        assert!(!round.answer("unknown", json!(1)));
        assert!(round.answer("b", json!({"roots": []})));
        let params = round.retry_params();
        assert_eq!(params["name"], "summarize");
        assert_eq!(params["arguments"]["text"], "t");
        assert_eq!(params["requestState"], "opaque==state");
        assert_eq!(params["inputResponses"]["a"]["model"], "m");
        assert_eq!(params["inputResponses"].as_object().unwrap().len(), 2);
        assert!(params.get("_meta").is_none());
    }

    #[test]
    fn a_state_only_round_retries_at_once_without_responses() {
        let round = Round::new("t".into(), Map::new(), 1, Some("s".into()), Vec::new());
        assert!(round.is_complete());
        assert!(round.retry_params().get("inputResponses").is_none());
    }
}
