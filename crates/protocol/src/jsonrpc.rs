//! JSON-RPC 2.0 as MCP uses it: sort what the server sent into requests, notifications,
//! results and errors, and write what the client sends. Ids, error data and the outgoing
//! envelopes are rmcp's (`RequestId`, `ErrorData`, `JsonRpcRequest`, `JsonRpcResponse`,
//! `JsonRpcError`, `JsonRpcNotification`). Incoming messages are sorted here by which members
//! they have, once, rather than by rmcp's `JsonRpcMessage`, whose untagged-and-flattened
//! decoding buffers every message before it picks a variant (see the README's Performance).

use serde::Serialize;
use serde_json::Value;

use crate::model::{
    ErrorCode, ErrorData, JsonRpcError, JsonRpcNotification, JsonRpcRequest, JsonRpcResponse,
    JsonRpcVersion2_0, RequestId,
};

/// One JSON-RPC message received from a server.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// The server asks the client something (e.g. `sampling/createMessage`).
    Request {
        id: RequestId,
        method: String,
        params: Value,
    },
    /// A message that expects no answer.
    Notification { method: String, params: Value },
    /// A successful answer to one of the client's requests.
    Response { id: RequestId, result: Value },
    /// A failed answer; no `id` when the server could not read the request's id.
    Error {
        id: Option<RequestId>,
        error: ErrorData,
    },
}

/// Why bytes from a server are not a JSON-RPC message, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Error codes the client itself sends (rmcp's [`ErrorCode`] has the standard ones).
pub mod codes {
    use super::ErrorCode;

    /// The person refused a sampling request (MCP 2025-11-25, client/sampling).
    pub const USER_REJECTED: ErrorCode = ErrorCode(-1);
    /// The client refused a request on its own account (too many waiting): an
    /// implementation-defined server-error code, as JSON-RPC reserves -32000 to -32099.
    pub const CLIENT_REFUSED: ErrorCode = ErrorCode(-32000);
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
    let id = match obj.remove("id") {
        None | Some(Value::Null) => None,
        Some(id) => Some(request_id(&id).ok_or_else(|| {
            DecodeError("the server sent an id that is neither a string nor an integer".into())
        })?),
    };
    if let Some(method) = obj.remove("method") {
        let Value::String(method) = method else {
            return Err(DecodeError(
                "the server sent a non-string \"method\"".into(),
            ));
        };
        let params = obj.remove("params").unwrap_or(Value::Null);
        return Ok(match id {
            Some(id) => Incoming::Request { id, method, params },
            None => Incoming::Notification { method, params },
        });
    }
    if let Some(result) = obj.remove("result") {
        return match id {
            Some(id) => Ok(Incoming::Response { id, result }),
            None => Err(DecodeError("the server sent a result without an id".into())),
        };
    }
    if let Some(error) = obj.remove("error") {
        let error = error_data(error).map_err(|error| {
            DecodeError(format!(
                "the server sent a malformed JSON-RPC error object: {}",
                excerpt(&error.to_string(), 120)
            ))
        })?;
        return Ok(Incoming::Error { id, error });
    }
    Err(DecodeError(
        "the server sent a JSON-RPC message with neither method, result nor error".into(),
    ))
}

/// A JSON-RPC id as rmcp's [`RequestId`]: a string or an integer (JSON-RPC 2.0 "Request object";
/// MCP forbids `null`).
pub fn request_id(id: &Value) -> Option<RequestId> {
    match id {
        Value::String(s) => Some(RequestId::String(s.as_str().into())),
        Value::Number(n) => n.as_i64().map(RequestId::Number),
        _ => None,
    }
}

/// A JSON-RPC error object (`code` an integer, `message` a string, `data` anything) as rmcp's
/// [`ErrorData`], read by hand: its derived decoding costs 1.3 KB gzip (README, Performance).
/// What is not one comes back unchanged.
fn error_data(error: Value) -> Result<ErrorData, Value> {
    let code = error.get("code").and_then(Value::as_i64);
    let message = error.get("message").and_then(Value::as_str);
    match (code.and_then(|c| i32::try_from(c).ok()), message) {
        (Some(code), Some(message)) => Ok(ErrorData::new(
            ErrorCode(code),
            message.to_owned(),
            error.get("data").cloned(),
        )),
        _ => Err(error),
    }
}

/// A request's or notification's method and params, inside rmcp's envelopes.
#[derive(Serialize)]
struct Call<'a> {
    method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<Value>,
}

// The builders take `Value`s, not any `Serialize`: one copy of each in the page, whatever it sends.

/// A request from the client (no `params` member when `params` is `None`).
pub fn request(id: u64, method: &str, params: Option<Value>) -> String {
    let id = RequestId::Number(i64::try_from(id).unwrap_or(i64::MAX));
    to_text(&JsonRpcRequest::new(id, Call { method, params }))
}

/// A notification from the client.
pub fn notification(method: &str, params: Option<Value>) -> String {
    to_text(&JsonRpcNotification {
        jsonrpc: JsonRpcVersion2_0,
        notification: Call { method, params },
    })
}

/// The client's successful answer to a server request.
pub fn result(id: &RequestId, result: Value) -> String {
    to_text(&JsonRpcResponse {
        jsonrpc: JsonRpcVersion2_0,
        id: id.clone(),
        result,
    })
}

/// The client's error answer to a server request.
pub fn error(id: &RequestId, code: ErrorCode, message: &str) -> String {
    to_text(&JsonRpcError::new(
        Some(id.clone()),
        ErrorData::new(code, message.to_owned(), None),
    ))
}

fn to_text<T: Serialize>(message: &T) -> String {
    // Writing JSON to a string fails only for maps with non-string keys, which MCP has none of.
    serde_json::to_string(message).unwrap_or_default()
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
    use serde_json::json;

    #[test]
    fn classifies_the_four_kinds() {
        let got = decode(r#"{"jsonrpc":"2.0","id":0,"method":"sampling/createMessage","params":{"maxTokens":5}}"#).unwrap();
        assert!(
            matches!(&got[0], Incoming::Request { method, id: RequestId::Number(0), .. } if method == "sampling/createMessage")
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
                id: RequestId::String("a".into()),
                result: json!({"x":1})
            }
        );
        let got = decode(
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#,
        )
        .unwrap();
        assert_eq!(
            got[0],
            Incoming::Error {
                id: None,
                error: ErrorData::new(ErrorCode::PARSE_ERROR, "Parse error", None)
            }
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
        assert!(
            err.0.starts_with("the server sent invalid JSON (")
                && err.0.ends_with(r#"it began: {"jsonrpc": "2.0", "id":"#),
            "{err}"
        );
    }

    #[test]
    fn non_messages_are_refused_with_a_reason() {
        let refusal = |text: &str| decode(text).unwrap_err().0;
        assert_eq!(
            refusal("42"),
            "the server sent JSON that is not a JSON-RPC message: 42"
        );
        assert_eq!(
            refusal(r#"{"id":1,"result":{}}"#),
            r#"the server sent a message without "jsonrpc": "2.0""#
        );
        assert_eq!(
            refusal(r#"{"jsonrpc":"2.0","id":1}"#),
            "the server sent a JSON-RPC message with neither method, result nor error"
        );
        assert_eq!(
            refusal(r#"{"jsonrpc":"2.0","id":1,"error":{"code":"x"}}"#),
            r#"the server sent a malformed JSON-RPC error object: {"code":"x"}"#
        );
        assert_eq!(
            refusal(r#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#),
            "the server sent an id that is neither a string nor an integer"
        );
        assert_eq!(refusal("[]"), "the server sent an empty JSON-RPC batch");
    }

    #[test]
    fn builders_write_the_envelope() {
        let sent: Value = serde_json::from_str(&request(3, "tools/list", None)).unwrap();
        assert_eq!(
            sent,
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"})
        );
        let err: Value = serde_json::from_str(&error(
            &RequestId::Number(0),
            codes::USER_REJECTED,
            "User rejected sampling request",
        ))
        .unwrap();
        assert_eq!(
            err,
            json!({"jsonrpc":"2.0","id":0,"error":{"code":-1,"message":"User rejected sampling request"}})
        );
        let ok: Value =
            serde_json::from_str(&result(&RequestId::String("s-1".into()), json!({}))).unwrap();
        assert_eq!(ok, json!({"jsonrpc": "2.0", "id": "s-1", "result": {}}));
        let note: Value =
            serde_json::from_str(&notification("notifications/initialized", None)).unwrap();
        assert_eq!(
            note,
            json!({"jsonrpc":"2.0","method":"notifications/initialized"})
        );
    }

    #[test]
    fn excerpt_cuts_on_char_boundaries() {
        assert_eq!(excerpt("ééé", 2), "éé…");
        assert_eq!(excerpt("  ", 5), "(empty)");
    }
}
