//! Provider failures in plain words, each with what the person can do about it.

use serde_json::Value;

use crate::provider::ProviderKind;

/// What went wrong, so the dialog can offer the right next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    BadKey,
    Forbidden,
    BrowserAccessDisabled,
    UnknownModel,
    RateLimited {
        retry_after: Option<String>,
    },
    ServerTrouble,
    BadRequest,
    Network,
    MalformedAnswer,
    Mapping,
    /// The person pressed Stop.
    Stopped,
}

/// A provider call that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    pub kind: ErrorKind,
    pub message: String,
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ProviderError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ProviderError {
            kind,
            message: message.into(),
        }
    }

    pub fn malformed(provider: ProviderKind, what: impl std::fmt::Display) -> Self {
        ProviderError::new(
            ErrorKind::MalformedAnswer,
            format!(
                "{} sent an answer MCP Desk cannot read: {what}.",
                provider.label()
            ),
        )
    }
}

/// The message inside an error body of any of the three wire formats.
pub fn body_message(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let error = value.get("error")?;
    match error {
        Value::String(s) => Some(s.clone()),
        other => other
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// Describes a non-2xx answer of a provider.
pub fn from_http(
    provider: ProviderKind,
    model: &str,
    status: u16,
    retry_after: Option<&str>,
    body: &str,
) -> ProviderError {
    let name = provider.label();
    let detail = body_message(body).unwrap_or_else(|| excerpt(body));
    let lower = detail.to_ascii_lowercase();
    match status {
        401 => ProviderError::new(
            ErrorKind::BadKey,
            format!(
                "{name} refused the API key (HTTP 401: {detail}). Check the key in Provider settings."
            ),
        ),
        403 if provider == ProviderKind::Anthropic
            && (lower.contains("cors") || lower.contains("browser")) =>
        {
            ProviderError::new(
                ErrorKind::BrowserAccessDisabled,
                format!(
                    "Your Anthropic organization does not allow API calls from a browser (HTTP 403: {detail}). An organization admin can allow it, or pick another provider."
                ),
            )
        }
        403 => ProviderError::new(
            ErrorKind::Forbidden,
            format!(
                "{name} does not allow this call (HTTP 403: {detail}). Check the key's permissions, project or region."
            ),
        ),
        404 => ProviderError::new(
            ErrorKind::UnknownModel,
            format!(
                "{name} does not know the model \"{model}\" (HTTP 404: {detail}). Pick another model, or check the base URL."
            ),
        ),
        429 => {
            let wait = retry_after
                .map(|s| format!(" It asks to wait {s} s."))
                .unwrap_or_default();
            ProviderError::new(
                ErrorKind::RateLimited {
                    retry_after: retry_after.map(str::to_owned),
                },
                format!(
                    "{name} is rate-limiting these calls (HTTP 429: {detail}).{wait} Regenerate later, or pick another model or provider."
                ),
            )
        }
        400 | 413 | 422 => ProviderError::new(
            ErrorKind::BadRequest,
            format!(
                "{name} refused the request (HTTP {status}: {detail}). Edit the request (max tokens, stop sequences, content) and generate again."
            ),
        ),
        _ => ProviderError::new(
            ErrorKind::ServerTrouble,
            format!(
                "{name} is failing or overloaded (HTTP {status}: {detail}). Try again shortly, or pick another provider."
            ),
        ),
    }
}

/// Describes a call the browser could not make at all (no status: refused, offline, CORS).
pub fn from_network(
    provider: ProviderKind,
    base: &str,
    page_origin: &str,
    error: &str,
) -> ProviderError {
    let hint = match provider {
        ProviderKind::Ollama => format!(
            " Ollama answers pages from other origins only when started with OLLAMA_ORIGINS={page_origin} (and it must be running)."
        ),
        ProviderKind::OpenAiCompatible => " A local server must allow this page's origin (CORS): LM Studio needs `lms server start --cors`; llama.cpp and vLLM need their CORS option.".to_owned(),
        ProviderKind::Anthropic => " If your organization disabled browser access, Anthropic refuses the CORS preflight.".to_owned(),
        _ => " Check the base URL and your connection; the browser hides the reason when a server refuses this page's origin (CORS).".to_owned(),
    };
    ProviderError::new(
        ErrorKind::Network,
        format!(
            "The browser could not reach {} at {base}: {}.{hint}",
            provider.label(),
            error.trim_end_matches('.')
        ),
    )
}

fn excerpt(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return "no details".into();
    }
    match body.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &body[..cut]),
        None => body.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_message_of_each_error_body() {
        let openai = r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#;
        let anthropic = r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#;
        let gemini =
            r#"{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}"#;
        assert_eq!(
            body_message(openai).as_deref(),
            Some("Incorrect API key provided")
        );
        assert_eq!(
            body_message(anthropic).as_deref(),
            Some("invalid x-api-key")
        );
        assert_eq!(body_message(gemini).as_deref(), Some("API key not valid."));
        assert_eq!(body_message("<html>"), None);
    }

    #[test]
    fn every_status_class_says_what_to_do() {
        let e = from_http(ProviderKind::OpenAi, "gpt", 401, None, "{}");
        assert_eq!(e.kind, ErrorKind::BadKey);
        assert!(e.message.contains("Provider settings"));
        let e = from_http(
            ProviderKind::Anthropic,
            "c",
            403,
            None,
            r#"{"type":"error","error":{"type":"permission_error","message":"CORS requests are not allowed for this Organization because of the admin setting."}}"#,
        );
        assert_eq!(e.kind, ErrorKind::BrowserAccessDisabled);
        let e = from_http(ProviderKind::Gemini, "gemini-x", 404, None, "");
        assert!(e.message.contains("gemini-x") && e.kind == ErrorKind::UnknownModel);
        let e = from_http(ProviderKind::OpenAi, "m", 429, Some("20"), "{}");
        assert_eq!(
            e.kind,
            ErrorKind::RateLimited {
                retry_after: Some("20".into())
            }
        );
        assert!(e.message.contains("wait 20 s"));
        assert_eq!(
            from_http(ProviderKind::Anthropic, "m", 529, None, "").kind,
            ErrorKind::ServerTrouble
        );
        assert_eq!(
            from_http(ProviderKind::OpenAi, "m", 400, None, "").kind,
            ErrorKind::BadRequest
        );
    }

    #[test]
    fn network_failures_name_the_local_servers_cors_switch() {
        let e = from_network(
            ProviderKind::Ollama,
            "http://localhost:11434/v1",
            "https://desk.example",
            "Failed to fetch",
        );
        assert!(
            e.message.contains("OLLAMA_ORIGINS=https://desk.example"),
            "{}",
            e.message
        );
    }
}
