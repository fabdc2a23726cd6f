//! Which revision and transport a server speaks, decided from its answers, newest first:
//! `server/discover` (2026-07-28, stateless) → `initialize` (2025-11-25 … 2024-11-05 over
//! Streamable HTTP) → a GET waiting for an `endpoint` event (the 2024-11-05 HTTP+SSE transport).
//!
//! The rules follow the 2026-07-28 spec's backward-compatibility section: a modern error body
//! means "fix the request", anything unrecognised means "an older server: fall back".

use serde_json::Value;

use crate::error::Failure;
use crate::jsonrpc::{self, Incoming};
use crate::model::{ErrorCode, ErrorData};
use crate::revision::{INITIALIZE_ERA, Revision};

/// How the client talks to the server once connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transport {
    /// Streamable HTTP at 2026-07-28: no session, every request carries its own `_meta`.
    Stateless,
    /// Streamable HTTP with `initialize` and (usually) an `Mcp-Session-Id`.
    #[default]
    Stateful,
    /// The 2024-11-05 HTTP+SSE transport: one GET stream, POSTs to its `endpoint`.
    LegacySse,
}

impl Transport {
    /// How the page names it.
    pub fn label(self) -> &'static str {
        match self {
            Transport::Stateless => "Streamable HTTP, stateless",
            Transport::Stateful => "Streamable HTTP, session",
            Transport::LegacySse => "HTTP+SSE (legacy)",
        }
    }
}

/// What an answer to `server/discover` means for the connection.
#[derive(Debug, Clone, PartialEq)]
pub enum Discovery {
    /// The server speaks 2026-07-28 and described itself.
    Modern(DiscoverInfo),
    /// A modern server that does not implement `server/discover`: carry on stateless, blind.
    ModernWithoutDiscovery,
    /// An older server (or none that understood): try `initialize`; why.
    Legacy(Failure),
    /// A modern server refused the request itself; falling back would not help.
    Refused(Failure),
}

/// The parts of a `DiscoverResult` the client uses.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoverInfo {
    pub supported_versions: Vec<String>,
    pub capabilities: Value,
    pub server_info: Option<Value>,
    pub instructions: Option<String>,
}

impl DiscoverInfo {
    pub fn has_tools(&self) -> bool {
        self.capabilities.get("tools").is_some()
    }
}

/// Judges a successful (2xx) `server/discover` result.
pub fn judge_discover_result(result: &Value) -> Discovery {
    let Some(versions) = result.get("supportedVersions").and_then(Value::as_array) else {
        return Discovery::Legacy(Failure::NoVersionsListed);
    };
    let supported: Vec<String> = versions
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if supported
        .iter()
        .any(|v| v == Revision::V2026_07_28.as_str())
    {
        return Discovery::Modern(DiscoverInfo {
            supported_versions: supported,
            capabilities: result.get("capabilities").cloned().unwrap_or(Value::Null),
            server_info: result
                .pointer("/_meta/io.modelcontextprotocol~1serverInfo")
                .cloned(),
            instructions: result
                .get("instructions")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    versions_fallback(&supported)
}

/// Judges a JSON-RPC error answer to `server/discover`, with the HTTP status it came with.
pub fn judge_discover_error(status: u16, error: &ErrorData) -> Discovery {
    match error.code {
        ErrorCode::UNSUPPORTED_PROTOCOL_VERSION => {
            let supported: Vec<String> = error
                .data
                .as_ref()
                .and_then(|d| d.get("supported"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            versions_fallback(&supported)
        }
        ErrorCode::HEADER_MISMATCH | ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY => {
            Discovery::Refused(Failure::Rpc(error.clone()))
        }
        ErrorCode::METHOD_NOT_FOUND if status == 404 => Discovery::ModernWithoutDiscovery,
        _ if (200..300).contains(&status) => Discovery::Legacy(Failure::Rpc(error.clone())),
        _ => Discovery::Legacy(Failure::Status {
            status,
            excerpt: error.message.to_string(),
            rpc: Some(error.clone()),
        }),
    }
}

/// Judges a non-2xx answer to `server/discover` from its status and body.
pub fn judge_discover_http_failure(status: u16, body: &str) -> Discovery {
    let error = jsonrpc::decode(body).ok().and_then(|messages| {
        messages.into_iter().find_map(|m| match m {
            Incoming::Error { error, .. } => Some(error),
            _ => None,
        })
    });
    match error {
        Some(error) => judge_discover_error(status, &error),
        None => Discovery::Legacy(Failure::Status {
            status,
            excerpt: jsonrpc::excerpt(body, 80),
            rpc: None,
        }),
    }
}

fn versions_fallback(supported: &[String]) -> Discovery {
    if supported
        .iter()
        .any(|v| INITIALIZE_ERA.contains(&v.as_str()))
    {
        Discovery::Legacy(Failure::OlderRevisions(supported.to_vec()))
    } else {
        Discovery::Refused(Failure::NoCommonRevision(supported.to_vec()))
    }
}

/// Whether a failed `initialize` POST means "try the 2024-11-05 HTTP+SSE transport".
pub fn initialize_failure_means_legacy_sse(status: u16) -> bool {
    matches!(status, 400 | 404 | 405)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rpc_error(code: i32, data: Option<Value>) -> ErrorData {
        ErrorData::new(ErrorCode(code), "m", data)
    }

    #[test]
    fn a_discover_result_listing_2026_is_modern() {
        let result = json!({
            "supportedVersions": ["2025-11-25", "2026-07-28"],
            "capabilities": {"tools": {}},
            "instructions": "hi",
            "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "s", "version": "1"}}
        });
        let Discovery::Modern(info) = judge_discover_result(&result) else {
            panic!("expected modern");
        };
        assert!(info.has_tools());
        assert_eq!(info.server_info.unwrap()["name"], "s");
        assert_eq!(info.instructions.as_deref(), Some("hi"));
    }

    #[test]
    fn a_discover_result_with_only_older_versions_falls_back_to_initialize() {
        let result = json!({"supportedVersions": ["2025-06-18"]});
        assert_eq!(
            judge_discover_result(&result),
            Discovery::Legacy(Failure::OlderRevisions(vec!["2025-06-18".into()]))
        );
        assert_eq!(
            judge_discover_result(&json!({})),
            Discovery::Legacy(Failure::NoVersionsListed)
        );
    }

    #[test]
    fn unknown_versions_only_are_refused_with_the_list() {
        assert_eq!(
            judge_discover_result(&json!({"supportedVersions": ["2030-01-01"]})),
            Discovery::Refused(Failure::NoCommonRevision(vec!["2030-01-01".into()]))
        );
    }

    #[test]
    fn unsupported_version_error_falls_back_when_an_initialize_revision_is_offered() {
        let e = rpc_error(
            -32022,
            Some(json!({"supported": ["2025-11-25"], "requested": "2026-07-28"})),
        );
        assert_eq!(
            judge_discover_error(400, &e),
            Discovery::Legacy(Failure::OlderRevisions(vec!["2025-11-25".into()]))
        );
        let e = rpc_error(-32022, Some(json!({"supported": ["2031-01-01"]})));
        assert_eq!(
            judge_discover_error(400, &e),
            Discovery::Refused(Failure::NoCommonRevision(vec!["2031-01-01".into()]))
        );
    }

    #[test]
    fn header_and_capability_errors_are_modern_refusals_not_fallbacks() {
        for code in [-32020, -32021] {
            assert_eq!(
                judge_discover_error(400, &rpc_error(code, None)),
                Discovery::Refused(Failure::Rpc(rpc_error(code, None)))
            );
        }
    }

    #[test]
    fn method_not_found_on_404_is_modern_but_on_200_is_legacy() {
        let e = rpc_error(-32601, None);
        assert_eq!(
            judge_discover_error(404, &e),
            Discovery::ModernWithoutDiscovery
        );
        assert_eq!(
            judge_discover_error(200, &e),
            Discovery::Legacy(Failure::Rpc(e.clone()))
        );
    }

    #[test]
    fn unrecognised_4xx_bodies_mean_an_older_server() {
        // What the TypeScript SDK 1.x answers a request without a session.
        let body = r#"{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Server not initialized"},"id":null}"#;
        assert!(matches!(
            judge_discover_http_failure(400, body),
            Discovery::Legacy(Failure::Status { status: 400, rpc: Some(ref e), .. }) if e.code.0 == -32000
        ));
        assert_eq!(
            judge_discover_http_failure(404, "<!DOCTYPE html><p>Cannot POST /sse</p>"),
            Discovery::Legacy(Failure::Status {
                status: 404,
                excerpt: "<!DOCTYPE html><p>Cannot POST /sse</p>".into(),
                rpc: None
            })
        );
        assert!(matches!(
            judge_discover_http_failure(405, ""),
            Discovery::Legacy(Failure::Status { status: 405, .. })
        ));
    }

    #[test]
    fn only_400_404_405_on_initialize_mean_http_sse() {
        assert!(initialize_failure_means_legacy_sse(404));
        assert!(initialize_failure_means_legacy_sse(405));
        assert!(initialize_failure_means_legacy_sse(400));
        assert!(!initialize_failure_means_legacy_sse(500));
        assert!(!initialize_failure_means_legacy_sse(403));
    }
}
