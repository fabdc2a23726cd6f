//! What every 2026-07-28 request carries: the `_meta` envelope (protocol version, client
//! capabilities, client info), the standard headers (`MCP-Protocol-Version`, `Mcp-Method`,
//! `Mcp-Name`), and `Mcp-Param-*` headers mirrored from tool arguments marked `x-mcp-header`.

// rmcp marks its logging and sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::model::{
    ClientCapabilities, ElicitationCapability, ErrorData, FormElicitationCapability,
    Implementation, JsonObject, LoggingLevel, RootsCapabilities, SamplingCapability,
    UrlElicitationCapability,
};
use crate::revision::Revision;

pub const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub const META_CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub const META_CLIENT_INFO: &str = "io.modelcontextprotocol/clientInfo";
pub const META_LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";

/// The client's capabilities, the same in `initialize` and in every 2026 envelope: sampling,
/// with tools (the providers map MCP tools onto their tool calling), roots, announcing
/// changes (S25 client/roots.mdx), and elicitation in both modes (S25 client/elicitation.mdx,
/// "Capabilities"; a 2025-06-18 server reads it as form mode, and one older ignores it).
pub fn client_capabilities() -> ClientCapabilities {
    let mut sampling = SamplingCapability::default();
    sampling.tools = Some(JsonObject::new());
    let mut roots = RootsCapabilities::default();
    roots.list_changed = Some(true);
    let mut capabilities = ClientCapabilities::default();
    capabilities.sampling = Some(sampling);
    capabilities.roots = Some(roots);
    capabilities.elicitation = Some(
        ElicitationCapability::new()
            .with_form(FormElicitationCapability::new())
            .with_url(UrlElicitationCapability::new()),
    );
    capabilities
}

/// Adds the 2026-07-28 envelope to `params` (an object, or null for none), keeping any
/// `_meta` keys already there (such as `progressToken`). A `log_level` asks for the server's
/// log messages on this request's stream.
pub fn with_envelope(
    params: Value,
    client_info: &Implementation,
    log_level: Option<LoggingLevel>,
) -> Value {
    let mut params = match params {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let meta = params
        .entry("_meta")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    let meta = meta.as_object_mut().expect("made an object above");
    meta.insert(
        META_PROTOCOL_VERSION.into(),
        Revision::V2026_07_28.as_str().into(),
    );
    meta.insert(
        META_CLIENT_CAPABILITIES.into(),
        serde_json::to_value(client_capabilities()).unwrap_or_default(),
    );
    meta.insert(
        META_CLIENT_INFO.into(),
        serde_json::to_value(client_info).unwrap_or_default(),
    );
    if let Some(level) = log_level {
        meta.insert(
            META_LOG_LEVEL.into(),
            serde_json::to_value(level).unwrap_or_default(),
        );
    }
    Value::Object(params)
}

/// The 2026-07-28 request headers for `method` with `params` (`Mcp-Name` from `params.name`
/// or `params.uri` where the method names something).
pub fn request_headers(method: &str, params: &Value) -> Vec<(String, String)> {
    let mut headers = vec![
        (
            "MCP-Protocol-Version".to_owned(),
            Revision::V2026_07_28.as_str().to_owned(),
        ),
        ("Mcp-Method".to_owned(), method.to_owned()),
    ];
    let name_key = match method {
        "tools/call" | "prompts/get" => Some("name"),
        "resources/read" => Some("uri"),
        _ => None,
    };
    if let Some(name) = name_key.and_then(|k| params.get(k)).and_then(Value::as_str) {
        headers.push(("Mcp-Name".to_owned(), encode_header_value(name)));
    }
    headers
}

/// A header value as 2026-07-28 carries it: printable ASCII without edge whitespace as is,
/// anything else as `=?base64?<base64 of UTF-8>?=`.
pub fn encode_header_value(value: &str) -> String {
    let plain = value.bytes().all(|b| (0x20..=0x7e).contains(&b))
        && value.trim() == value
        && !(value.starts_with("=?base64?") && value.ends_with("?="));
    if plain {
        value.to_owned()
    } else {
        format!(
            "=?base64?{}?=",
            base64::engine::general_purpose::STANDARD.encode(value.as_bytes())
        )
    }
}

/// One argument a tool wants mirrored into a header: the property path and the header token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamHeader {
    pub path: Vec<String>,
    pub token: String,
}

/// The `x-mcp-header` marks of a tool's input schema, or why they are invalid (then the client
/// must not offer the tool). Valid marks sit on a property reached from the root through
/// `properties` only, are RFC 9110 tokens, mark an integer, string or boolean property, and
/// are unique ignoring case.
pub fn param_headers(input_schema: &Value) -> Result<Vec<ParamHeader>, String> {
    let mut found: Vec<ParamHeader> = Vec::new();
    // (path from the root through `properties` only, or None once off that chain; schema)
    let mut stack: Vec<(Option<Vec<String>>, &Value)> = vec![(Some(Vec::new()), input_schema)];
    while let Some((path, node)) = stack.pop() {
        let Value::Object(schema) = node else {
            continue;
        };
        if let Some(mark) = schema.get("x-mcp-header") {
            let Some(path) = path.clone().filter(|p| !p.is_empty()) else {
                return Err("x-mcp-header sits where no tool argument can reach it".into());
            };
            let at = path.join(".");
            let Some(token) = mark.as_str() else {
                return Err(format!("property {at}: x-mcp-header must be a string"));
            };
            if token.is_empty() || !token.bytes().all(is_tchar) {
                return Err(format!(
                    "property {at}: x-mcp-header {token:?} is not a valid header name"
                ));
            }
            match schema.get("type").and_then(Value::as_str) {
                Some("string" | "integer" | "boolean") => {}
                other => {
                    return Err(format!(
                        "property {at}: x-mcp-header is allowed on integer, string or boolean properties only (type {})",
                        other.unwrap_or("missing")
                    ));
                }
            }
            if found.iter().any(|f| f.token.eq_ignore_ascii_case(token)) {
                return Err(format!("x-mcp-header {token:?} is used twice"));
            }
            found.push(ParamHeader {
                path,
                token: token.to_owned(),
            });
        }
        for (keyword, value) in schema {
            match keyword.as_str() {
                "properties" => {
                    if let Value::Object(props) = value {
                        for (name, sub) in props {
                            let sub_path = path.clone().map(|mut p| {
                                p.push(name.clone());
                                p
                            });
                            stack.push((sub_path, sub));
                        }
                    }
                }
                "items"
                | "contains"
                | "unevaluatedItems"
                | "additionalProperties"
                | "propertyNames"
                | "unevaluatedProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contentSchema" => stack.push((None, value)),
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    if let Value::Array(items) = value {
                        stack.extend(items.iter().map(|v| (None, v)));
                    }
                }
                "patternProperties" | "dependentSchemas" | "$defs" | "definitions" => {
                    if let Value::Object(map) = value {
                        stack.extend(map.values().map(|v| (None, v)));
                    }
                }
                _ => {}
            }
        }
    }
    found.sort_by(|a, b| a.token.cmp(&b.token));
    Ok(found)
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The `Mcp-Param-*` headers for a call's arguments; absent or non-scalar values send none.
pub fn param_header_values(
    marks: &[ParamHeader],
    arguments: &Map<String, Value>,
) -> Vec<(String, String)> {
    marks
        .iter()
        .filter_map(|mark| {
            let mut node = arguments.get(mark.path.first()?)?;
            for key in &mark.path[1..] {
                node = node.get(key)?;
            }
            let text = match node {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((
                format!("Mcp-Param-{}", mark.token),
                encode_header_value(&text),
            ))
        })
        .collect()
}

/// Whether a 2026-07-28 server refused a call because its tool tried to send a server-to-client
/// request (sampling, elicitation, roots) the 2025 way, on the call's own stream. At 2026-07-28
/// a request carries no such back-channel: a server asks by returning `input_required` instead
/// (S26 basic/patterns/mrtr.mdx). The spec gives the refusal no code of its own, so this reads
/// what SDKs send: the Python SDK 2.x answers -32600 "Cannot send 'sampling/createMessage':
/// this transport context has no back-channel for server-initiated requests."
pub fn wants_back_channel(error: &ErrorData) -> bool {
    const WORDS: [&str; 3] = ["back-channel", "back channel", "backchannel"];
    const METHODS: [&str; 3] = ["sampling/createmessage", "elicitation/create", "roots/list"];
    let message = error.message.to_ascii_lowercase();
    // The words themselves; or an Invalid Request refusal naming a server-to-client method
    // (a tool's own error may name one without meaning this).
    WORDS.iter().any(|w| message.contains(w))
        || (error.code.0 == -32600
            && message.contains("cannot send")
            && METHODS.iter().any(|m| message.contains(m)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_envelope_keeps_existing_meta_and_adds_the_required_keys() {
        let info = Implementation::new("mcp-desk", "1");
        let params = with_envelope(
            json!({"name": "t", "_meta": {"progressToken": 4}}),
            &info,
            Some(LoggingLevel::Debug),
        );
        assert_eq!(params["_meta"][META_LOG_LEVEL], "debug");
        let meta = &params["_meta"];
        assert_eq!(meta["progressToken"], 4);
        assert_eq!(meta[META_PROTOCOL_VERSION], "2026-07-28");
        assert_eq!(
            meta[META_CLIENT_CAPABILITIES],
            json!({"elicitation": {"form": {}, "url": {}}, "roots": {"listChanged": true}, "sampling": {"tools": {}}})
        );
        assert_eq!(meta[META_CLIENT_INFO]["name"], "mcp-desk");
        assert_eq!(
            with_envelope(Value::Null, &info, None)["_meta"][META_PROTOCOL_VERSION],
            "2026-07-28"
        );
        assert!(
            with_envelope(Value::Null, &info, None)["_meta"]
                .get(META_LOG_LEVEL)
                .is_none()
        );
    }

    #[test]
    fn tool_calls_name_their_tool_in_a_header() {
        let headers = request_headers("tools/call", &json!({"name": "summarize"}));
        assert!(headers.contains(&("Mcp-Method".into(), "tools/call".into())));
        assert!(headers.contains(&("Mcp-Name".into(), "summarize".into())));
        assert!(headers.contains(&("MCP-Protocol-Version".into(), "2026-07-28".into())));
        let headers = request_headers("tools/list", &json!({}));
        assert!(!headers.iter().any(|(k, _)| k == "Mcp-Name"));
        let headers = request_headers("resources/read", &json!({"uri": "file:///a"}));
        assert!(headers.contains(&("Mcp-Name".into(), "file:///a".into())));
    }

    #[test]
    fn header_values_outside_printable_ascii_are_base64_wrapped() {
        assert_eq!(encode_header_value("eu-west"), "eu-west");
        assert_eq!(encode_header_value("Zürich"), "=?base64?WsO8cmljaA==?=");
        assert_eq!(encode_header_value(" padded"), "=?base64?IHBhZGRlZA==?=");
        assert_eq!(
            encode_header_value("=?base64?x?="),
            "=?base64?PT9iYXNlNjQ/eD89?="
        );
    }

    #[test]
    fn marked_arguments_become_param_headers() {
        let schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "opts": {"type": "object", "properties": {"dry": {"type": "boolean", "x-mcp-header": "Dry-Run"}}},
            "text": {"type": "string"}
        }});
        let marks = param_headers(&schema).unwrap();
        assert_eq!(marks.len(), 2);
        let args = json!({"region": "Zürich", "opts": {"dry": true}, "text": "x"});
        let headers = param_header_values(&marks, args.as_object().unwrap());
        assert_eq!(
            headers,
            vec![
                ("Mcp-Param-Dry-Run".to_owned(), "true".to_owned()),
                (
                    "Mcp-Param-Region".to_owned(),
                    "=?base64?WsO8cmljaA==?=".to_owned()
                ),
            ]
        );
        assert!(param_header_values(&marks, &Map::new()).is_empty());
    }

    #[test]
    fn invalid_marks_are_reported() {
        let cases = [
            json!({"properties": {"a": {"type": "number", "x-mcp-header": "A"}}}),
            json!({"properties": {"a": {"type": "string", "x-mcp-header": "bad name"}}}),
            json!({"properties": {"a": {"type": "string", "x-mcp-header": 3}}}),
            json!({"properties": {"a": {"type": "string", "x-mcp-header": "X"}, "b": {"type": "string", "x-mcp-header": "x"}}}),
            json!({"properties": {"a": {"type": "array", "items": {"type": "string", "x-mcp-header": "I"}}}}),
            json!({"type": "object", "x-mcp-header": "Root"}),
        ];
        for schema in cases {
            assert!(param_headers(&schema).is_err(), "{schema}");
        }
        assert_eq!(param_headers(&json!({"type": "object"})), Ok(vec![]));
    }

    #[test]
    fn a_refusal_for_want_of_a_back_channel_is_recognised() {
        use crate::model::ErrorCode;
        let python = ErrorData::new(
            ErrorCode(-32600),
            "Cannot send 'sampling/createMessage': this transport context has no back-channel for server-initiated requests.",
            None,
        );
        assert!(wants_back_channel(&python));
        let elicit = ErrorData::new(
            ErrorCode(-32600),
            "Cannot send elicitation/create on this request",
            None,
        );
        assert!(wants_back_channel(&elicit));
        // A tool's own failure that merely names a method is not one.
        let tool_error = ErrorData::new(
            ErrorCode(-32603),
            "sampling/createMessage returned nothing",
            None,
        );
        assert!(!wants_back_channel(&tool_error));
        let other = ErrorData::new(ErrorCode(-32602), "Unknown tool: summarize", None);
        assert!(!wants_back_channel(&other));
    }
}
