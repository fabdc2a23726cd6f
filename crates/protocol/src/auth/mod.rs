//! OAuth 2.1 for protected MCP servers, without I/O (S25 basic/authorization.mdx; S26
//! basic/authorization/): `sign_in` walks from a `401` to tokens — discovery, the client's
//! identity, PKCE, the person's visit to the authorization server and the code's exchange —
//! one HTTP request at a time, which the caller performs and answers; `grant` keeps what was
//! granted and refreshes it. Errors are [`AuthError`]s: the app words them.

pub mod challenge;
pub mod form;
pub mod grant;
pub mod metadata;
pub mod pkce;
pub mod sign_in;

pub use challenge::Challenge;
pub use grant::{Client, Grant};
pub use sign_in::{Next, SignIn, SignInConfig};

/// An HTTP request of the sign-in's, for the caller to perform. It never goes to the MCP
/// server with a token, and carries no token in its URL; `Debug` shows no body or header
/// values (they carry verifiers, codes, secrets).
#[derive(Clone, PartialEq, Eq)]
pub struct AuthRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl std::fmt::Debug for AuthRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("AuthRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .finish_non_exhaustive()
    }
}

impl AuthRequest {
    fn get(url: &str) -> AuthRequest {
        AuthRequest {
            method: "GET",
            url: url.to_owned(),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
        }
    }

    /// A form POST (the token endpoint's kind of request).
    fn form(url: &str, body: String) -> AuthRequest {
        AuthRequest {
            method: "POST",
            url: url.to_owned(),
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("Accept".into(), "application/json".into()),
            ],
            body: Some(body),
        }
    }

    /// The value of a header, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How an [`AuthRequest`] went: the status and body, or the browser's words when no answer
/// could be read (unreachable, or refused by CORS).
pub type Answer = Result<(u16, String), String>;

/// Why signing in (or refreshing) stopped, with what the person needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// The server URL cannot be a resource (no scheme or host).
    BadServerUrl,
    /// No Protected Resource Metadata at any of these URLs, and no 2025-03-26 metadata either.
    NoResourceMetadata { tried: Vec<String> },
    /// The metadata found cannot be used.
    BadResourceMetadata { url: String, why: String },
    /// The metadata is for another resource than the server reached.
    ResourceMismatch { expected: String, found: String },
    /// No metadata for the authorization server at any of these URLs.
    NoServerMetadata { issuer: String, tried: Vec<String> },
    /// The client id typed for this server belongs to another authorization server than the
    /// one its metadata names now.
    ClientOfAnotherServer { issuer: String, bound: String },
    /// The authorization server's metadata names another issuer.
    WrongIssuer { expected: String, found: String },
    /// The metadata cannot be used.
    BadServerMetadata { url: String, why: String },
    /// The authorization server does not offer PKCE with S256.
    NoPkce { issuer: String },
    /// No way to get a client id: not pre-registered, no metadata document accepted, no
    /// registration endpoint. The person must register this redirect URI themselves.
    NoClient {
        issuer: String,
        redirect_uri: String,
    },
    /// Dynamic registration was refused.
    RegistrationRefused { status: u16, why: String },
    /// A request got no answer the page could read: unreachable, or (most often) refused by
    /// CORS. `what` names the endpoint (`token endpoint`, …).
    Unreachable {
        what: &'static str,
        url: String,
        why: String,
    },
    /// An answer that is not what the spec says it should be.
    BadAnswer { what: &'static str, why: String },
    /// The redirect came back with another `state`: not this sign-in's.
    StateMismatch,
    /// RFC 9207: the redirect names another issuer (or none, where it promised one).
    IssuerMismatch {
        expected: String,
        found: Option<String>,
    },
    /// The person (or the authorization server) said no.
    Denied { description: Option<String> },
    /// The authorization server answered the authorization request with an error.
    AuthorizationFailed {
        error: String,
        description: Option<String>,
    },
    /// The token endpoint refused the code or the refresh token.
    TokenRefused {
        error: String,
        description: Option<String>,
    },
    /// A redirect came back with neither a code nor an error.
    NoCode,
}
