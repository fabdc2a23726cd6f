//! Where a protected server's metadata is, and what it says: the Protected Resource Metadata
//! (RFC 9728) that names its authorization servers, and an authorization server's own metadata
//! (RFC 8414, or OpenID Connect Discovery), each found at the well-known URLs in the order the
//! spec gives (S25 basic/authorization.mdx "Authorization Server Discovery"; S26
//! basic/authorization/authorization-server-discovery.mdx) and checked before use.

use serde_json::Value;

/// A URL cut into its origin (`scheme://authority`, scheme and host lower-cased) and its path
/// (without query or fragment; empty for the root).
pub fn split(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return None;
    }
    // User info never belongs to a resource or an issuer; the host is compared case-blind.
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let path = if path == "/" { "" } else { path };
    Some((
        format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase()
        ),
        path.to_owned(),
    ))
}

/// The canonical URI of an MCP server for the `resource` parameter (RFC 8707 section 2; S25
/// "Canonical Server URI"): lower-case scheme and host, no query, no fragment, no trailing
/// slash on the root.
pub fn resource_of(server_url: &str) -> Option<String> {
    split(server_url).map(|(origin, path)| format!("{origin}{path}"))
}

/// Whether the resource metadata names (`named`) covers the server reached (`reached`, a
/// canonical URI): the same resource, or its origin or a path above it on the same origin (RFC
/// 9728 section 3.3: metadata at the root well-known URL names the origin).
pub fn covers(named: &str, reached: &str) -> bool {
    let (Some(named), Some(reached)) = (resource_of(named), resource_of(reached)) else {
        return false;
    };
    named == reached
        || reached
            .strip_prefix(&named)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Where to look for the Protected Resource Metadata: the header's `resource_metadata` when
/// the challenge gave one; else the path-based well-known URL, then the root one.
pub fn resource_metadata_urls(server_url: &str, from_header: Option<&str>) -> Vec<String> {
    if let Some(url) = from_header {
        return vec![url.to_owned()];
    }
    let Some((origin, path)) = split(server_url) else {
        return Vec::new();
    };
    let mut urls = Vec::new();
    if !path.is_empty() {
        urls.push(format!(
            "{origin}/.well-known/oauth-protected-resource{path}"
        ));
    }
    urls.push(format!("{origin}/.well-known/oauth-protected-resource"));
    urls
}

/// Where to look for an authorization server's metadata, in the spec's order: with a path,
/// OAuth with path insertion, OpenID with path insertion, OpenID with the path appended;
/// without one, OAuth then OpenID.
pub fn server_metadata_urls(issuer: &str) -> Vec<String> {
    let Some((origin, path)) = split(issuer) else {
        return Vec::new();
    };
    if path.is_empty() {
        return vec![
            format!("{origin}/.well-known/oauth-authorization-server"),
            format!("{origin}/.well-known/openid-configuration"),
        ];
    }
    vec![
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
        format!("{origin}/.well-known/openid-configuration{path}"),
        format!("{origin}{path}/.well-known/openid-configuration"),
    ]
}

/// What a protected MCP server says of itself (RFC 9728 section 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMetadata {
    pub resource: String,
    pub authorization_servers: Vec<String>,
    pub scopes_supported: Option<Vec<String>>,
}

impl ResourceMetadata {
    /// Reads a metadata document; says what is missing when it cannot be used.
    pub fn read(body: &str) -> Result<ResourceMetadata, String> {
        let value: Value =
            serde_json::from_str(body).map_err(|e| format!("it is not JSON ({e})"))?;
        let resource = value
            .get("resource")
            .and_then(Value::as_str)
            .ok_or("it names no resource")?
            .to_owned();
        let authorization_servers = strings(&value, "authorization_servers").unwrap_or_default();
        if authorization_servers.is_empty() {
            return Err("it lists no authorization_servers".into());
        }
        Ok(ResourceMetadata {
            resource,
            authorization_servers,
            scopes_supported: strings(&value, "scopes_supported"),
        })
    }
}

/// An authorization server's metadata (RFC 8414 section 2), the fields MCP Desk uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub registration_endpoint: Option<String>,
    /// `None` when the server does not say (then it offers no PKCE).
    pub code_challenge_methods_supported: Option<Vec<String>>,
    pub scopes_supported: Option<Vec<String>>,
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    pub client_id_metadata_document_supported: bool,
    /// RFC 9207: the server puts `iss` in its authorization responses.
    pub authorization_response_iss_parameter_supported: bool,
}

impl ServerMetadata {
    /// Reads a metadata document fetched for `issuer`: its `issuer` must be that one exactly
    /// (RFC 8414 section 3.3), else it is not used.
    pub fn read(body: &str, issuer: &str) -> Result<ServerMetadata, MetadataError> {
        let value: Value = serde_json::from_str(body)
            .map_err(|e| MetadataError::Unusable(format!("it is not JSON ({e})")))?;
        let said = value
            .get("issuer")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if said != issuer {
            return Err(MetadataError::WrongIssuer(said.to_owned()));
        }
        let endpoint = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| MetadataError::Unusable(format!("it has no {name}")))
        };
        let flag = |name: &str| value.get(name).and_then(Value::as_bool) == Some(true);
        Ok(ServerMetadata {
            issuer: issuer.to_owned(),
            authorization_endpoint: endpoint("authorization_endpoint")?,
            token_endpoint: endpoint("token_endpoint")?,
            registration_endpoint: endpoint("registration_endpoint").ok(),
            code_challenge_methods_supported: strings(&value, "code_challenge_methods_supported"),
            scopes_supported: strings(&value, "scopes_supported"),
            token_endpoint_auth_methods_supported: strings(
                &value,
                "token_endpoint_auth_methods_supported",
            ),
            client_id_metadata_document_supported: flag("client_id_metadata_document_supported"),
            authorization_response_iss_parameter_supported: flag(
                "authorization_response_iss_parameter_supported",
            ),
        })
    }

    /// The 2025-03-26 defaults for a server without metadata (S2503 basic/authorization.mdx
    /// "Fallbacks for Servers without Metadata Discovery"): `/authorize`, `/token` and
    /// `/register` at the authorization base URL, PKCE as that revision requires of all.
    pub fn defaults_at(base: &str) -> ServerMetadata {
        ServerMetadata {
            issuer: base.to_owned(),
            authorization_endpoint: format!("{base}/authorize"),
            token_endpoint: format!("{base}/token"),
            registration_endpoint: Some(format!("{base}/register")),
            code_challenge_methods_supported: Some(vec!["S256".into()]),
            scopes_supported: None,
            token_endpoint_auth_methods_supported: None,
            client_id_metadata_document_supported: false,
            authorization_response_iss_parameter_supported: false,
        }
    }

    /// Whether PKCE with S256 is offered (S25 "Authorization Code Protection": clients MUST
    /// refuse to go on otherwise).
    pub fn offers_s256(&self) -> bool {
        self.code_challenge_methods_supported
            .as_ref()
            .is_some_and(|methods| methods.iter().any(|m| m == "S256"))
    }
}

/// Why a server metadata document was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataError {
    /// It names another issuer than the one it was fetched for.
    WrongIssuer(String),
    Unusable(String),
}

fn strings(value: &Value, name: &str) -> Option<Vec<String>> {
    value.get(name).and_then(Value::as_array).map(|items| {
        items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_cut_and_made_canonical() {
        assert_eq!(
            split("HTTPS://User:pw@Mcp.Example.com:8443/public/mcp?token=x#f"),
            Some(("https://mcp.example.com:8443".into(), "/public/mcp".into()))
        );
        assert_eq!(
            resource_of("https://mcp.example.com/"),
            Some("https://mcp.example.com".into())
        );
        assert_eq!(resource_of("mcp.example.com"), None);
        assert_eq!(split("https:///x"), None);
    }

    #[test]
    fn metadata_covers_its_resource_or_what_lies_below_it_on_its_origin() {
        let reached = "https://mcp.example.com/public/mcp";
        assert!(covers("https://MCP.example.com/public/mcp", reached));
        assert!(covers("https://mcp.example.com", reached));
        assert!(covers("https://mcp.example.com/", reached));
        assert!(covers("https://mcp.example.com/public", reached));
        assert!(
            !covers("https://mcp.example.com/pub", reached),
            "a path, not a prefix"
        );
        assert!(!covers("https://mcp.example.com/public/mcp/x", reached));
        assert!(!covers("https://mcp.example.com:8443", reached));
        assert!(!covers("https://evil.example.com", reached));
    }

    #[test]
    fn resource_metadata_is_looked_for_where_the_spec_says() {
        assert_eq!(
            resource_metadata_urls("https://example.com/public/mcp", None),
            [
                "https://example.com/.well-known/oauth-protected-resource/public/mcp",
                "https://example.com/.well-known/oauth-protected-resource"
            ]
        );
        assert_eq!(
            resource_metadata_urls("https://example.com/", None),
            ["https://example.com/.well-known/oauth-protected-resource"]
        );
        assert_eq!(
            resource_metadata_urls(
                "https://example.com/mcp",
                Some("https://meta.example.com/prm")
            ),
            ["https://meta.example.com/prm"]
        );
    }

    #[test]
    fn server_metadata_is_looked_for_in_the_spec_order() {
        assert_eq!(
            server_metadata_urls("https://auth.example.com/tenant1"),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example.com/.well-known/openid-configuration/tenant1",
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
            ]
        );
        assert_eq!(
            server_metadata_urls("https://auth.example.com"),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server",
                "https://auth.example.com/.well-known/openid-configuration",
            ]
        );
    }

    #[test]
    fn metadata_naming_another_issuer_is_not_used() {
        let body = r#"{"issuer": "https://honest.example", "authorization_endpoint": "https://honest.example/a", "token_endpoint": "https://honest.example/t"}"#;
        assert_eq!(
            ServerMetadata::read(body, "https://attacker.example"),
            Err(MetadataError::WrongIssuer("https://honest.example".into()))
        );
        // Exactly: no trailing-slash forgiveness.
        assert!(matches!(
            ServerMetadata::read(body, "https://honest.example/"),
            Err(MetadataError::WrongIssuer(_))
        ));
        let m = ServerMetadata::read(body, "https://honest.example").unwrap();
        assert!(!m.offers_s256(), "no methods listed, no PKCE");
        assert_eq!(m.registration_endpoint, None);
    }

    #[test]
    fn resource_metadata_needs_a_resource_and_an_authorization_server() {
        assert_eq!(
            ResourceMetadata::read(r#"{"resource": "https://x/mcp", "authorization_servers": []}"#),
            Err("it lists no authorization_servers".into())
        );
        assert_eq!(
            ResourceMetadata::read(r#"{"authorization_servers": ["https://a"]}"#),
            Err("it names no resource".into())
        );
        let m = ResourceMetadata::read(
            r#"{"resource": "https://x/mcp", "authorization_servers": ["https://a"], "scopes_supported": ["s"]}"#,
        )
        .unwrap();
        assert_eq!(m.scopes_supported, Some(vec!["s".into()]));
    }
}
