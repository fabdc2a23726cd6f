//! What an authorization server granted, kept per server: the client the page is to it, the
//! access token (sent only as `Authorization: Bearer` to the server it was issued for), when it
//! expires, and the refresh token that renews it (OAuth 2.1 section 4.3; S26
//! basic/authorization/ "Refresh Tokens"). Tokens never show in `Debug`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{Answer, AuthError, AuthRequest, form};

/// A token is renewed this long before it expires (ms) — or halfway through its life, when that
/// is shorter (else a short-lived token would be renewed at once, again and again).
const EARLY_MS: u64 = 60_000;

/// Who the page is to an authorization server, and how it proves it at the token endpoint:
/// `none` (a public client), `client_secret_basic` or `client_secret_post`.
#[derive(Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub secret: Option<String>,
    pub auth_method: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("secret", &self.secret.as_ref().map(|_| "[secret]"))
            .field("auth_method", &self.auth_method)
            .finish()
    }
}

impl Client {
    /// A client with `secret` (if any), authenticating the way the server supports: without a
    /// secret `none`; with one `client_secret_basic` unless the server lists only
    /// `client_secret_post` (RFC 8414: `client_secret_basic` when it lists none).
    pub fn new(id: String, secret: Option<String>, supported: Option<&[String]>) -> Client {
        let auth_method = match (&secret, supported) {
            (None, _) => "none",
            (Some(_), Some(methods))
                if !methods.iter().any(|m| m == "client_secret_basic")
                    && methods.iter().any(|m| m == "client_secret_post") =>
            {
                "client_secret_post"
            }
            (Some(_), _) => "client_secret_basic",
        };
        Client {
            id,
            secret,
            auth_method: auth_method.into(),
        }
    }

    /// A token request to `url` with `pairs`, authenticated as this client (RFC 6749 section
    /// 2.3.1: basic encodes the id and secret form-encoded first).
    pub fn token_request<'a>(
        &'a self,
        url: &str,
        mut pairs: Vec<(&'a str, &'a str)>,
    ) -> AuthRequest {
        let basic = match (&self.secret, self.auth_method.as_str()) {
            (Some(secret), "client_secret_basic") => Some(format!(
                "Basic {}",
                STANDARD.encode(format!(
                    "{}:{}",
                    form::escape(&self.id),
                    form::escape(secret)
                ))
            )),
            (Some(secret), "client_secret_post") => {
                pairs.push(("client_id", &self.id));
                pairs.push(("client_secret", secret));
                None
            }
            _ => {
                pairs.push(("client_id", &self.id));
                None
            }
        };
        let mut request = AuthRequest::form(url, form::encode(&pairs));
        if let Some(basic) = basic {
            request.headers.push(("Authorization".into(), basic));
        }
        request
    }
}

/// What an authorization server granted for one MCP server.
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    pub issuer: String,
    pub token_endpoint: String,
    /// The MCP server's canonical URI: the only server the token goes to.
    pub resource: String,
    /// The `resource` parameter of its requests (what the server's metadata names).
    pub audience: String,
    pub client: Client,
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// When the access token expires (ms on the caller's wall clock), when the server said.
    pub expires_at_ms: Option<u64>,
    /// When to renew it: a minute before it expires, or halfway through a shorter life.
    pub refresh_at_ms: Option<u64>,
    /// The scopes granted (as the server said, else as asked).
    pub scope: Option<String>,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("issuer", &self.issuer)
            .field("resource", &self.resource)
            .field("client", &self.client)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A token endpoint's successful answer.
pub(super) struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: Option<u64>,
    pub scope: Option<String>,
}

impl Client {
    fn to_json(&self) -> Value {
        json!({"id": self.id, "secret": self.secret, "auth_method": self.auth_method})
    }

    fn from_json(value: &Value) -> Option<Client> {
        Some(Client {
            id: text(value, "id")?,
            secret: text(value, "secret"),
            auth_method: text(value, "auth_method")?,
        })
    }
}

/// A string field of a saved record.
pub(super) fn text(value: &Value, name: &str) -> Option<String> {
    value.get(name).and_then(Value::as_str).map(str::to_owned)
}

impl Grant {
    /// The grant as saved in the tab's storage (written by hand: derived code costs the page
    /// kilobytes).
    pub fn to_json(&self) -> Value {
        json!({
            "issuer": self.issuer,
            "token_endpoint": self.token_endpoint,
            "resource": self.resource,
            "audience": self.audience,
            "client": self.client.to_json(),
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at_ms": self.expires_at_ms,
            "refresh_at_ms": self.refresh_at_ms,
            "scope": self.scope,
        })
    }

    /// A saved grant read back; none when it is not one.
    pub fn from_json(value: &Value) -> Option<Grant> {
        Some(Grant {
            issuer: text(value, "issuer")?,
            token_endpoint: text(value, "token_endpoint")?,
            resource: text(value, "resource")?,
            audience: text(value, "audience")?,
            client: Client::from_json(value.get("client")?)?,
            access_token: text(value, "access_token")?,
            refresh_token: text(value, "refresh_token"),
            expires_at_ms: value.get("expires_at_ms").and_then(Value::as_u64),
            refresh_at_ms: value.get("refresh_at_ms").and_then(Value::as_u64),
            scope: text(value, "scope"),
        })
    }

    /// The `Authorization` header value for the MCP server.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.access_token)
    }

    /// Whether the token has expired, or soon will, at `now_ms`.
    pub fn needs_refresh(&self, now_ms: u64) -> bool {
        self.refresh_at_ms.is_some_and(|at| now_ms >= at)
    }

    /// The refresh request, when there is a refresh token (with the `resource`, RFC 8707).
    pub fn refresh_request(&self) -> Option<AuthRequest> {
        let refresh = self.refresh_token.as_deref()?;
        Some(self.client.token_request(
            &self.token_endpoint,
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("resource", &self.audience),
            ],
        ))
    }

    /// The refresh request's answer, at `now_ms`: the new access token (and the new refresh
    /// token, when the server rotates it).
    pub fn refreshed(&mut self, answer: Answer, now_ms: u64) -> Result<(), AuthError> {
        let tokens = read_tokens(answer, &self.token_endpoint)?;
        self.access_token = tokens.access_token;
        if tokens.refresh_token.is_some() {
            self.refresh_token = tokens.refresh_token;
        }
        (self.expires_at_ms, self.refresh_at_ms) = expiry(tokens.expires_in, now_ms);
        if tokens.scope.is_some() {
            self.scope = tokens.scope;
        }
        Ok(())
    }
}

/// When a token given at `now_ms` for `expires_in` seconds expires, and when to renew it.
pub(super) fn expiry(expires_in: Option<u64>, now_ms: u64) -> (Option<u64>, Option<u64>) {
    let Some(life) = expires_in.map(|s| s.saturating_mul(1000)) else {
        return (None, None);
    };
    let at = now_ms.saturating_add(life);
    (Some(at), Some(at - EARLY_MS.min(life / 2)))
}

/// Reads a token endpoint's answer (OAuth 2.1 sections 3.2.3 and 3.2.4).
pub(super) fn read_tokens(answer: Answer, url: &str) -> Result<Tokens, AuthError> {
    let (status, body) = answer.map_err(|why| AuthError::Unreachable {
        what: "token endpoint",
        url: url.to_owned(),
        why,
    })?;
    let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    if !(200..300).contains(&status) {
        return Err(AuthError::TokenRefused {
            error: text("error").unwrap_or_else(|| format!("HTTP {status}")),
            description: text("error_description"),
        });
    }
    let access_token = text("access_token").ok_or(AuthError::BadAnswer {
        what: "token endpoint",
        why: "its answer has no access_token".into(),
    })?;
    match text("token_type") {
        Some(kind) if kind.eq_ignore_ascii_case("bearer") => {}
        other => {
            return Err(AuthError::BadAnswer {
                what: "token endpoint",
                why: format!(
                    "it issued a token of type {}, not Bearer",
                    other.as_deref().unwrap_or("(none)")
                ),
            });
        }
    }
    Ok(Tokens {
        access_token,
        refresh_token: text("refresh_token"),
        expires_in: value.get("expires_in").and_then(Value::as_u64),
        scope: text("scope"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> Grant {
        Grant {
            issuer: "https://as".into(),
            token_endpoint: "https://as/token".into(),
            resource: "https://mcp/mcp".into(),
            audience: "https://mcp/mcp".into(),
            client: Client::new("desk".into(), None, None),
            access_token: "at-1".into(),
            refresh_token: Some("rt-1".into()),
            expires_at_ms: Some(100_000),
            refresh_at_ms: Some(40_000),
            scope: None,
        }
    }

    #[test]
    fn clients_authenticate_the_way_the_server_supports() {
        let public = Client::new("p".into(), None, None);
        let r = public.token_request("https://as/token", vec![("grant_type", "x")]);
        assert_eq!(r.body.as_deref(), Some("grant_type=x&client_id=p"));
        assert_eq!(r.header("authorization"), None);
        let basic = Client::new("id:1".into(), Some("s p".into()), None);
        assert_eq!(basic.auth_method, "client_secret_basic");
        let r = basic.token_request("https://as/token", vec![("grant_type", "x")]);
        assert_eq!(r.body.as_deref(), Some("grant_type=x"));
        assert_eq!(
            r.header("authorization"),
            Some(format!("Basic {}", STANDARD.encode("id%3A1:s%20p")).as_str())
        );
        let only_post = ["client_secret_post".to_owned()];
        let post = Client::new("c".into(), Some("s".into()), Some(&only_post));
        let r = post.token_request("https://as/token", vec![("grant_type", "x")]);
        assert_eq!(
            r.body.as_deref(),
            Some("grant_type=x&client_id=c&client_secret=s")
        );
    }

    #[test]
    fn a_grant_refreshes_before_it_expires_and_keeps_a_refresh_token_not_rotated() {
        let mut g = grant();
        assert!(!g.needs_refresh(39_999));
        assert!(g.needs_refresh(40_000));
        let r = g.refresh_request().unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some(
                "grant_type=refresh_token&refresh_token=rt-1&resource=https%3A%2F%2Fmcp%2Fmcp&client_id=desk"
            )
        );
        g.refreshed(
            Ok((
                200,
                r#"{"access_token":"at-2","token_type":"bearer","expires_in":3600}"#.into(),
            )),
            50_000,
        )
        .unwrap();
        assert_eq!(
            (g.access_token.as_str(), g.refresh_token.as_deref()),
            ("at-2", Some("rt-1"))
        );
        // A minute before an hour's token expires.
        assert_eq!(
            (g.expires_at_ms, g.refresh_at_ms),
            (Some(3_650_000), Some(3_590_000))
        );
        // Halfway through a short life, so a fresh token is not renewed at once.
        g.refreshed(
            Ok((200, r#"{"access_token":"at-3","token_type":"Bearer","expires_in":30,"refresh_token":"rt-2"}"#.into())),
            60_000,
        )
        .unwrap();
        assert_eq!(g.refresh_token.as_deref(), Some("rt-2"));
        assert_eq!(
            (g.expires_at_ms, g.refresh_at_ms),
            (Some(90_000), Some(75_000))
        );
        assert!(!g.needs_refresh(60_000));
        g.refreshed(
            Ok((
                200,
                r#"{"access_token":"at-4","token_type":"bearer"}"#.into(),
            )),
            70_000,
        )
        .unwrap();
        assert_eq!((g.expires_at_ms, g.refresh_at_ms), (None, None));
        assert!(!g.needs_refresh(u64::MAX), "no expiry, no renewal");
    }

    #[test]
    fn a_refused_or_unreadable_token_answer_says_why() {
        let mut g = grant();
        assert_eq!(
            g.refreshed(
                Ok((
                    400,
                    r#"{"error":"invalid_grant","error_description":"expired"}"#.into()
                )),
                0
            ),
            Err(AuthError::TokenRefused {
                error: "invalid_grant".into(),
                description: Some("expired".into())
            })
        );
        assert_eq!(
            g.refreshed(Err("TypeError: Failed to fetch".into()), 0),
            Err(AuthError::Unreachable {
                what: "token endpoint",
                url: "https://as/token".into(),
                why: "TypeError: Failed to fetch".into()
            })
        );
        assert!(matches!(
            g.refreshed(
                Ok((200, r#"{"access_token":"x","token_type":"mac"}"#.into())),
                0
            ),
            Err(AuthError::BadAnswer { .. })
        ));
        assert_eq!(g.access_token, "at-1", "nothing changes on a failure");
    }

    #[test]
    fn a_grant_is_saved_and_read_back_whole() {
        let mut g = grant();
        g.client = Client::new("c".into(), Some("s".into()), None);
        assert_eq!(Grant::from_json(&g.to_json()), Some(g.clone()));
        g.refresh_token = None;
        g.expires_at_ms = None;
        g.refresh_at_ms = None;
        assert_eq!(Grant::from_json(&g.to_json()), Some(g));
        assert_eq!(Grant::from_json(&json!({"issuer": "x"})), None);
    }

    #[test]
    fn no_token_shows_in_debug() {
        let mut g = grant();
        g.client = Client::new("c".into(), Some("client-secret".into()), None);
        let shown = format!("{g:?}");
        assert!(
            !shown.contains("at-1") && !shown.contains("rt-1") && !shown.contains("client-secret"),
            "{shown}"
        );
    }
}
