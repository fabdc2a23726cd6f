//! JSON-RPC 2.0 as MCP uses it: classify what the server sent, build what the client sends.
//!
//! Only the envelope lives here; the payloads are rmcp's model types, decoded by the session.

use serde_json::{Map, Value, json};

/// One JSON-RPC message received from a server.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// The server asks the client something (e.g. `sampling/createMessage`).
    Request {
        id: Value,
        method: String,
        params: Value,
    },
    /// A message that expects no answer.
    Notification { method: String, params: Value },
    /// A successful answer to one of the client's requests.
    Response { id: Value, result: Value },
    /// A failed answer; `id` is `null` when the server could not read the request's id.
    Error { id: Value, error: RpcError },
}

/// The `error` member of a JSON-RPC response.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (JSON-RPC error {})", self.message, self.code)?;
        if let Some(data) = &self.data {
            write!(f, ": {data}")?;
        }
        Ok(())
    }
}

/// Why bytes from a server are not a JSON-RPC message, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Error codes the client itself sends.
pub mod codes {
    /// The person refused a sampling request (MCP 2025-11-25, client/sampling).
    pub const USER_REJECTED: i64 = -1;
    /// The client refused a request on its own account (too many waiting): an
    /// implementation-defined server-error code, as JSON-RPC reserves -32000 to -32099.
    pub const CLIENT_REFUSED: i64 = -32000;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const METHOD_NOT_FOUND: i64 = -32601;
}

/// Parses one body or SSE `data` payload: a single message or a batch (2025-03-26 allowed batches).
pub fn decode(text: &str) -> Result<Vec<Incoming>, DecodeError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        DecodeError(format!(
            "the server sent invalid JSON ({e}); it began: {}",
            excerpt(text, 120)
        ))
    })?;
    match value {
        Value::Array(items) if !items.is_empty() => items.into_iter().map(classify).collect(),
        Value::Array(_) => Err(DecodeError(
            "the server sent an empty JSON-RPC batch".into(),
        )),
        other => classify(other).map(|m| vec![m]),
    }
}

/// Sorts one JSON value into request, notification, response or error.
pub fn classify(value: Value) -> Result<Incoming, DecodeError> {
    let Value::Object(mut obj) = value else {
        return Err(DecodeError(format!(
            "the server sent JSON that is not a JSON-RPC message: {}",
            excerpt(&value.to_string(), 120)
        )));
    };
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(DecodeError(
            "the server sent a message without \"jsonrpc\": \"2.0\"".into(),
        ));
    }
    let id = obj.remove("id");
    if let Some(method) = obj.remove("method") {
        let Value::String(method) = method else {
            return Err(DecodeError(
                "the server sent a non-string \"method\"".into(),
            ));
        };
        let params = obj.remove("params").unwrap_or(Value::Null);
        return Ok(match id {
            Some(id) if is_valid_id(&id) => Incoming::Request { id, method, params },
            Some(_) => {
                return Err(DecodeError(format!(
                    "the server sent request {method} with an id that is neither a string nor a number"
                )));
            }
            None => Incoming::Notification { method, params },
        });
    }
    let id = id.unwrap_or(Value::Null);
    if let Some(result) = obj.remove("result") {
        return Ok(Incoming::Response { id, result });
    }
    if let Some(error) = obj.remove("error") {
        let code = error.get("code").and_then(Value::as_i64);
        let message = error.get("message").and_then(Value::as_str);
        let (Some(code), Some(message)) = (code, message) else {
            return Err(DecodeError(format!(
                "the server sent a malformed JSON-RPC error object: {}",
                excerpt(&error.to_string(), 120)
            )));
        };
        return Ok(Incoming::Error {
            id,
            error: RpcError {
                code,
                message: message.to_owned(),
                data: error.get("data").cloned(),
            },
        });
    }
    Err(DecodeError(
        "the server sent a JSON-RPC message with neither method, result nor error".into(),
    ))
}

fn is_valid_id(id: &Value) -> bool {
    matches!(id, Value::String(_) | Value::Number(_))
}

/// A request from the client.
pub fn request(id: u64, method: &str, params: Value) -> String {
    let mut obj = Map::new();
    obj.insert("jsonrpc".into(), "2.0".into());
    obj.insert("id".into(), id.into());
    obj.insert("method".into(), method.into());
    if !params.is_null() {
        obj.insert("params".into(), params);
    }
    Value::Object(obj).to_string()
}

/// A notification from the client.
pub fn notification(method: &str, params: Value) -> String {
    let mut obj = Map::new();
    obj.insert("jsonrpc".into(), "2.0".into());
    obj.insert("method".into(), method.into());
    if !params.is_null() {
        obj.insert("params".into(), params);
    }
    Value::Object(obj).to_string()
}

/// The client's successful answer to a server request.
pub fn result(id: &Value, result: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string()
}

/// The client's error answer to a server request.
pub fn error(id: &Value, code: i64, message: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

/// The first `max` characters of `text`, for error messages.
pub fn excerpt(text: &str, max: usize) -> String {
    let trimmed = text.trim();
    match trimmed.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None if trimmed.is_empty() => "(empty)".into(),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_four_kinds() {
        let got = decode(r#"{"jsonrpc":"2.0","id":0,"method":"sampling/createMessage","params":{"maxTokens":5}}"#).unwrap();
        assert!(
            matches!(&got[0], Incoming::Request { method, id, .. } if method == "sampling/createMessage" && id == &json!(0))
        );
        let got =
            decode(r#"{"jsonrpc":"2.0","method":"notifications/message","params":{}}"#).unwrap();
        assert!(
            matches!(&got[0], Incoming::Notification { method, .. } if method == "notifications/message")
        );
        let got = decode(r#"{"jsonrpc":"2.0","id":"a","result":{"x":1}}"#).unwrap();
        assert_eq!(
            got[0],
            Incoming::Response {
                id: json!("a"),
                result: json!({"x":1})
            }
        );
        let got = decode(
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#,
        )
        .unwrap();
        assert!(
            matches!(&got[0], Incoming::Error { id: Value::Null, error } if error.code == -32700)
        );
    }

    #[test]
    fn a_batch_is_split_into_messages() {
        let got =
            decode(r#"[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","id":1,"result":{}}]"#)
                .unwrap();
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn invalid_json_is_reported_with_an_excerpt() {
        let err = decode(r#"{"jsonrpc": "2.0", "id": "#).unwrap_err();
        assert!(err.0.contains("invalid JSON"), "{err}");
        assert!(err.0.contains(r#"{"jsonrpc": "2.0", "id":"#), "{err}");
    }

    #[test]
    fn non_messages_are_refused_with_a_reason() {
        assert!(
            decode("42")
                .unwrap_err()
                .0
                .contains("not a JSON-RPC message")
        );
        assert!(
            decode(r#"{"id":1,"result":{}}"#)
                .unwrap_err()
                .0
                .contains("jsonrpc")
        );
        assert!(
            decode(r#"{"jsonrpc":"2.0","id":1}"#)
                .unwrap_err()
                .0
                .contains("neither")
        );
        assert!(
            decode(r#"{"jsonrpc":"2.0","id":1,"error":{"code":"x"}}"#)
                .unwrap_err()
                .0
                .contains("malformed")
        );
        assert!(
            decode(r#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#)
                .unwrap_err()
                .0
                .contains("id")
        );
        assert!(decode("[]").unwrap_err().0.contains("empty"));
    }

    #[test]
    fn builders_write_the_envelope() {
        assert_eq!(
            request(3, "tools/list", Value::Null),
            r#"{"id":3,"jsonrpc":"2.0","method":"tools/list"}"#
        );
        let err: Value = serde_json::from_str(&error(
            &json!(0),
            codes::USER_REJECTED,
            "User rejected sampling request",
        ))
        .unwrap();
        assert_eq!(
            err,
            json!({"jsonrpc":"2.0","id":0,"error":{"code":-1,"message":"User rejected sampling request"}})
        );
        let ok: Value = serde_json::from_str(&result(&json!("s-1"), json!({}))).unwrap();
        assert_eq!(ok["id"], json!("s-1"));
        assert_eq!(
            notification("notifications/initialized", Value::Null),
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
        );
    }

    #[test]
    fn excerpt_cuts_on_char_boundaries() {
        assert_eq!(excerpt("ééé", 2), "éé…");
        assert_eq!(excerpt("  ", 5), "(empty)");
    }
}
