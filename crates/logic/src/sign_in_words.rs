//! A sign-in's failures in plain words: what went wrong and what the person (or the server's
//! owner) can do about it. `origin` is the page's, for the CORS advice.

use mcp_desk_protocol::auth::AuthError;
use mcp_desk_protocol::redact;

pub fn error(error: &AuthError, origin: &str) -> String {
    match error {
        AuthError::BadServerUrl => {
            "The server URL cannot be signed in to: it needs a scheme and a host.".into()
        }
        AuthError::NoResourceMetadata { tried } => format!(
            "The server asks for a sign-in but publishes no OAuth metadata MCP Desk could read (tried {}). Its owner must serve /.well-known/oauth-protected-resource, readable by this page (CORS for {origin}).",
            tried.join("; ")
        ),
        AuthError::BadResourceMetadata { url, why } => format!(
            "The server's OAuth metadata at {} cannot be used: {why}.",
            redact::url(url)
        ),
        AuthError::ResourceMismatch { expected, found } => format!(
            "The server's OAuth metadata is for {found}, not {expected}: MCP Desk does not sign in with it. Connect with the URL the server names itself by, or ask its owner to correct its metadata."
        ),
        AuthError::NoServerMetadata { issuer, tried } => format!(
            "The authorization server {issuer} publishes no metadata MCP Desk could read (tried {}).",
            tried.join("; ")
        ),
        AuthError::ClientOfAnotherServer { issuer, bound } => format!(
            "The client id under Advanced was registered with {bound}, but this server now sends you to {issuer}: MCP Desk does not offer it there. Enter the client registered with {issuer}, or clear the field to register anew."
        ),
        AuthError::WrongIssuer { expected, found } => format!(
            "The authorization server's metadata names {found} as its issuer, not {expected}: it is not used (OAuth requires them to be identical)."
        ),
        AuthError::BadServerMetadata { url, why } => format!(
            "The authorization server's metadata at {} cannot be used: {why}.",
            redact::url(url)
        ),
        AuthError::NoPkce { issuer } => format!(
            "The authorization server {issuer} does not offer PKCE with S256, which MCP requires: MCP Desk does not sign in with it."
        ),
        AuthError::NoClient {
            issuer,
            redirect_uri,
        } => format!(
            "The authorization server {issuer} offers no way for MCP Desk to register itself. Register a client there with the redirect URI {redirect_uri}, then enter its client id under Advanced and sign in again."
        ),
        AuthError::RegistrationRefused { status, why } => format!(
            "The authorization server refused to register MCP Desk (HTTP {status}): {why}"
        ),
        AuthError::Unreachable { what, url, why } => format!(
            "The page could not read the answer of the authorization server's {what} at {} ({why}). Most often its CORS settings do not allow this page: its owner must allow the origin {origin} (POST with a Content-Type header, and GET).",
            redact::url(url)
        ),
        AuthError::BadAnswer { what, why } => {
            format!("The authorization server's {what} answered in a way MCP Desk cannot use: {why}.")
        }
        AuthError::StateMismatch => {
            "The sign-in came back with a state this tab did not send, so it was ignored. Sign in again.".into()
        }
        AuthError::IssuerMismatch { expected, found } => format!(
            "The sign-in came back naming {} instead of {expected}, so it was refused (RFC 9207). Sign in again.",
            found.as_deref().unwrap_or("no issuer")
        ),
        AuthError::Denied { description } => format!(
            "The sign-in was declined{}.",
            description
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ),
        AuthError::AuthorizationFailed { error, description } => format!(
            "The authorization server refused the sign-in ({error}){}.",
            description
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ),
        AuthError::TokenRefused { error, description } => format!(
            "The authorization server refused to issue a token ({error}){}.",
            description
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ),
        AuthError::NoCode => "The sign-in came back without a code. Sign in again.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_endpoint_without_cors_is_named_with_what_its_owner_must_allow() {
        let text = error(
            &AuthError::Unreachable {
                what: "token endpoint",
                url: "https://as.example/token?x=secret".into(),
                why: "TypeError: Failed to fetch".into(),
            },
            "https://desk.example.org",
        );
        assert_eq!(
            text,
            "The page could not read the answer of the authorization server's token endpoint at https://as.example/token?x=… (TypeError: Failed to fetch). Most often its CORS settings do not allow this page: its owner must allow the origin https://desk.example.org (POST with a Content-Type header, and GET)."
        );
    }

    #[test]
    fn what_to_register_names_the_redirect_uri() {
        let text = error(
            &AuthError::NoClient {
                issuer: "https://as".into(),
                redirect_uri: "https://desk.example.org/".into(),
            },
            "",
        );
        assert!(
            text.contains("redirect URI https://desk.example.org/,"),
            "{text}"
        );
        assert_eq!(
            error(&AuthError::Denied { description: None }, ""),
            "The sign-in was declined."
        );
    }
}
