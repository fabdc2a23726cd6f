//! Signing in to a protected MCP server, one HTTP request at a time (S25 basic/authorization.mdx
//! "Authorization Flow Steps"): the Protected Resource Metadata (from the challenge's
//! `resource_metadata`, else the well-known URLs; for a server without it, the 2025-03-26
//! metadata or defaults), the authorization server's metadata (issuer checked, S256 required),
//! the client's identity (pre-registered, a Client ID Metadata Document, or dynamic
//! registration), the authorization URL with PKCE, `state` and `resource` for the person to
//! visit, then the redirect's checks (`state`, RFC 9207 `iss`) and the code's exchange. The
//! whole sign-in is data, so the page keeps it across the redirect.

use serde_json::{Value, json};

use super::grant::{Client, Grant, expiry, read_tokens, text};
use super::metadata::{self, MetadataError, ResourceMetadata, ServerMetadata};
use super::pkce::{Pkce, state_from};
use super::{Answer, AuthError, AuthRequest, Challenge, form};

/// What a sign-in starts from.
#[derive(Clone, PartialEq, Eq)]
pub struct SignInConfig {
    /// The MCP server's URL as the page reaches it.
    pub server_url: String,
    /// Where the authorization server sends the person back: the page.
    pub redirect_uri: String,
    /// A client the person registered themselves (S25 "Preregistration"), and its secret for
    /// the rare confidential set-up.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// The authorization server that client was first used with: it is never offered to
    /// another (S26 basic/authorization/client-registration.mdx "Authorization Server
    /// Binding").
    pub client_issuer: Option<String>,
    /// The URL of the page's Client ID Metadata Document, where the page is served over HTTPS.
    pub metadata_document: Option<String>,
    /// How the page names itself when it registers.
    pub client_name: String,
    /// The challenge of the `401` or `403` that asked for it, when the page could read it.
    pub challenge: Option<Challenge>,
    /// The scopes already granted: a step-up asks for these and the new ones.
    pub granted_scope: Option<String>,
}

/// What to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Perform this request and hand its answer to [`SignIn::answered`].
    Fetch(AuthRequest),
    /// Send the person to this URL; the redirect back goes to [`SignIn::redirected`].
    Authorize(String),
    Done(Box<Grant>),
    Failed(AuthError),
}

#[derive(Clone, PartialEq, Eq)]
enum Stage {
    /// Fetching the resource metadata from `urls[at]`.
    ResourceMetadata {
        urls: Vec<String>,
        at: usize,
    },
    /// Fetching the authorization server's metadata from `urls[at]`.
    ServerMetadata {
        issuer: String,
        urls: Vec<String>,
        at: usize,
    },
    /// 2025-03-26: fetching the metadata at the authorization base URL.
    LegacyMetadata {
        base: String,
    },
    Registering,
    /// Waiting for the person's return.
    Authorizing,
    Exchanging,
    Over,
}

/// One sign-in, from the challenge to the grant.
#[derive(Clone, PartialEq, Eq)]
pub struct SignIn {
    config: SignInConfig,
    /// The server's canonical URI (what its grant is kept under).
    resource: String,
    /// The `resource` parameter: the resource its metadata names (the server's URI, or an
    /// origin or path that covers it).
    audience: String,
    stage: Stage,
    /// What was tried and why it failed, for the error if nothing works.
    tried: Vec<String>,
    resource_scopes: Option<Vec<String>>,
    server: Option<ServerMetadata>,
    client: Option<Client>,
    verifier: String,
    challenge: String,
    state: String,
    scope: Option<String>,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("resource", &self.resource)
            .field("issuer", &self.server.as_ref().map(|s| &s.issuer))
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl SignIn {
    /// Starts signing in, with 48 random bytes (the PKCE verifier's 32, the state's 16).
    pub fn start(config: SignInConfig, random: &[u8; 48]) -> (SignIn, Next) {
        let mut verifier = [0; 32];
        verifier.copy_from_slice(&random[..32]);
        let mut state = [0; 16];
        state.copy_from_slice(&random[32..]);
        let pkce = Pkce::from_random(&verifier);
        let resource = metadata::resource_of(&config.server_url).unwrap_or_default();
        let urls = metadata::resource_metadata_urls(
            &config.server_url,
            config
                .challenge
                .as_ref()
                .and_then(|c| c.resource_metadata.as_deref()),
        );
        let mut sign_in = SignIn {
            config,
            audience: resource.clone(),
            resource,
            stage: Stage::Over,
            tried: Vec::new(),
            resource_scopes: None,
            server: None,
            client: None,
            verifier: pkce.verifier,
            challenge: pkce.challenge,
            state: state_from(&state),
            scope: None,
        };
        if sign_in.resource.is_empty() || urls.is_empty() {
            return (sign_in, Next::Failed(AuthError::BadServerUrl));
        }
        let next = Next::Fetch(AuthRequest::get(&urls[0]));
        sign_in.stage = Stage::ResourceMetadata { urls, at: 0 };
        (sign_in, next)
    }

    /// A sign-in waiting for the person's return, as the page keeps it across the redirect:
    /// what the exchange of the code needs (the verifier is as secret as a token; it lives in
    /// the tab's storage for that one trip). None at any other stage.
    pub fn to_json(&self) -> Option<Value> {
        let (Stage::Authorizing, Some(server), Some(client)) =
            (&self.stage, &self.server, &self.client)
        else {
            return None;
        };
        Some(json!({
            "server_url": self.config.server_url,
            "redirect_uri": self.config.redirect_uri,
            "resource": self.resource,
            "audience": self.audience,
            "issuer": server.issuer,
            "token_endpoint": server.token_endpoint,
            "iss_supported": server.authorization_response_iss_parameter_supported,
            "client": {"id": client.id, "secret": client.secret, "auth_method": client.auth_method},
            "verifier": self.verifier,
            "state": self.state,
            "scope": self.scope,
        }))
    }

    /// A waiting sign-in read back, ready for [`SignIn::redirected`].
    pub fn from_json(value: &Value) -> Option<SignIn> {
        let client = value.get("client")?;
        let issuer = text(value, "issuer")?;
        let server = ServerMetadata {
            token_endpoint: text(value, "token_endpoint")?,
            authorization_response_iss_parameter_supported: value
                .get("iss_supported")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            ..ServerMetadata::defaults_at(&issuer)
        };
        let server = ServerMetadata { issuer, ..server };
        Some(SignIn {
            config: SignInConfig {
                server_url: text(value, "server_url")?,
                redirect_uri: text(value, "redirect_uri")?,
                client_id: None,
                client_secret: None,
                client_issuer: None,
                metadata_document: None,
                client_name: String::new(),
                challenge: None,
                granted_scope: None,
            },
            resource: text(value, "resource")?,
            audience: text(value, "audience")?,
            stage: Stage::Authorizing,
            tried: Vec::new(),
            resource_scopes: None,
            server: Some(server),
            client: Some(Client {
                id: text(client, "id")?,
                secret: text(client, "secret"),
                auth_method: text(client, "auth_method")?,
            }),
            verifier: text(value, "verifier")?,
            challenge: String::new(),
            state: text(value, "state")?,
            scope: text(value, "scope"),
        })
    }

    /// The `state` the redirect back must carry: which sign-in a redirect belongs to.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The MCP server this signs in to.
    pub fn server_url(&self) -> &str {
        &self.config.server_url
    }

    /// The answer to the request of the last [`Next::Fetch`], at `now_ms` (wall clock).
    pub fn answered(&mut self, answer: Answer, now_ms: u64) -> Next {
        let next = match std::mem::replace(&mut self.stage, Stage::Over) {
            Stage::ResourceMetadata { urls, at } => self.on_resource_metadata(answer, urls, at),
            Stage::ServerMetadata { issuer, urls, at } => {
                self.on_server_metadata(answer, issuer, urls, at)
            }
            Stage::LegacyMetadata { base } => self.on_legacy_metadata(answer, base),
            Stage::Registering => self.on_registered(answer),
            Stage::Exchanging => self.on_tokens(answer, now_ms),
            Stage::Authorizing | Stage::Over => Next::Failed(AuthError::NoCode),
        };
        if let Next::Failed(_) | Next::Done(_) = next {
            self.stage = Stage::Over;
        }
        next
    }

    fn on_resource_metadata(&mut self, answer: Answer, urls: Vec<String>, at: usize) -> Next {
        let url = urls[at].clone();
        match answer {
            Ok((200, body)) => match ResourceMetadata::read(&body) {
                Err(why) => Next::Failed(AuthError::BadResourceMetadata { url, why }),
                // RFC 9728 section 3.3: the metadata must be for the resource reached — itself,
                // or (found at the root) its origin or a path above it.
                Ok(found) if !metadata::covers(&found.resource, &self.resource) => {
                    Next::Failed(AuthError::ResourceMismatch {
                        expected: self.resource.clone(),
                        found: found.resource,
                    })
                }
                Ok(found) => {
                    self.audience = metadata::resource_of(&found.resource).unwrap_or_default();
                    self.resource_scopes = found.scopes_supported;
                    // RFC 9728 section 7.6 leaves the choice to the client: the first listed.
                    let issuer = found.authorization_servers[0].clone();
                    self.server_metadata_at(issuer, 0)
                }
            },
            other => {
                self.tried.push(format!("{url} ({})", failed(&other)));
                if at + 1 < urls.len() {
                    let next = Next::Fetch(AuthRequest::get(&urls[at + 1]));
                    self.stage = Stage::ResourceMetadata { urls, at: at + 1 };
                    return next;
                }
                // No Protected Resource Metadata: a 2025-03-26 server, whose metadata is at its
                // authorization base URL (S2503 basic/authorization.mdx "Server Metadata
                // Discovery").
                let Some((base, _)) = metadata::split(&self.config.server_url) else {
                    return Next::Failed(AuthError::BadServerUrl);
                };
                // Without the MCP-Protocol-Version header that revision suggests: it would make
                // the page's request one that needs a CORS preflight, which metadata endpoints
                // rarely answer.
                let request =
                    AuthRequest::get(&format!("{base}/.well-known/oauth-authorization-server"));
                self.stage = Stage::LegacyMetadata { base };
                Next::Fetch(request)
            }
        }
    }

    fn server_metadata_at(&mut self, issuer: String, at: usize) -> Next {
        let urls = metadata::server_metadata_urls(&issuer);
        let Some(url) = urls.get(at) else {
            return Next::Failed(AuthError::NoServerMetadata {
                issuer,
                tried: std::mem::take(&mut self.tried),
            });
        };
        let next = Next::Fetch(AuthRequest::get(url));
        self.stage = Stage::ServerMetadata { issuer, urls, at };
        next
    }

    fn on_server_metadata(
        &mut self,
        answer: Answer,
        issuer: String,
        urls: Vec<String>,
        at: usize,
    ) -> Next {
        let url = urls[at].clone();
        match answer {
            Ok((200, body)) => self.use_metadata(ServerMetadata::read(&body, &issuer), issuer, url),
            other => {
                self.tried.push(format!("{url} ({})", failed(&other)));
                self.server_metadata_at(issuer, at + 1)
            }
        }
    }

    fn on_legacy_metadata(&mut self, answer: Answer, base: String) -> Next {
        let url = format!("{base}/.well-known/oauth-authorization-server");
        match answer {
            Ok((200, body)) => self.use_metadata(ServerMetadata::read(&body, &base), base, url),
            // No metadata either: that revision's default endpoints.
            Ok((404, _)) => self.choose_client(ServerMetadata::defaults_at(&base)),
            other => {
                self.tried.push(format!("{url} ({})", failed(&other)));
                Next::Failed(AuthError::NoResourceMetadata {
                    tried: std::mem::take(&mut self.tried),
                })
            }
        }
    }

    fn use_metadata(
        &mut self,
        read: Result<ServerMetadata, MetadataError>,
        issuer: String,
        url: String,
    ) -> Next {
        match read {
            Err(MetadataError::WrongIssuer(found)) => Next::Failed(AuthError::WrongIssuer {
                expected: issuer,
                found,
            }),
            Err(MetadataError::Unusable(why)) => {
                Next::Failed(AuthError::BadServerMetadata { url, why })
            }
            Ok(server) if !server.offers_s256() => Next::Failed(AuthError::NoPkce { issuer }),
            Ok(server) => self.choose_client(server),
        }
    }

    /// The client's identity, in the spec's order (S25 "Client Registration Approaches").
    fn choose_client(&mut self, server: ServerMetadata) -> Next {
        let methods = server.token_endpoint_auth_methods_supported.clone();
        let registration = server.registration_endpoint.clone();
        let issuer = server.issuer.clone();
        let document = self.config.metadata_document.clone().filter(|url| {
            url.starts_with("https://") && server.client_id_metadata_document_supported
        });
        self.server = Some(server);
        if let Some(id) = self
            .config
            .client_id
            .clone()
            .filter(|id| !id.trim().is_empty())
        {
            if let Some(bound) = self.config.client_issuer.clone().filter(|b| *b != issuer) {
                return Next::Failed(AuthError::ClientOfAnotherServer { issuer, bound });
            }
            let secret = self.config.client_secret.clone().filter(|s| !s.is_empty());
            self.client = Some(Client::new(
                id.trim().to_owned(),
                secret,
                methods.as_deref(),
            ));
            return self.authorize();
        }
        if let Some(url) = document {
            self.client = Some(Client::new(url, None, None));
            return self.authorize();
        }
        let Some(endpoint) = registration else {
            return Next::Failed(AuthError::NoClient {
                issuer,
                redirect_uri: self.config.redirect_uri.clone(),
            });
        };
        // RFC 7591, as a public client: `web` for a page served from the web, `native` for one
        // on a loopback address (S26 basic/authorization/client-registration.mdx).
        let loopback = metadata::split(&self.config.redirect_uri).is_some_and(|(origin, _)| {
            ["://localhost", "://127.0.0.1", "://[::1]"]
                .iter()
                .any(|host| origin.contains(host))
        });
        let body = json!({
            "client_name": self.config.client_name,
            "redirect_uris": [self.config.redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "application_type": if loopback { "native" } else { "web" },
        });
        self.stage = Stage::Registering;
        Next::Fetch(AuthRequest {
            method: "POST",
            url: endpoint,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Accept".into(), "application/json".into()),
            ],
            body: Some(body.to_string()),
        })
    }

    fn on_registered(&mut self, answer: Answer) -> Next {
        let url = self
            .server
            .as_ref()
            .and_then(|s| s.registration_endpoint.clone())
            .unwrap_or_default();
        let (status, body) = match answer {
            Ok(answer) => answer,
            Err(why) => {
                return Next::Failed(AuthError::Unreachable {
                    what: "registration endpoint",
                    url,
                    why,
                });
            }
        };
        let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        if !(200..300).contains(&status) {
            let why = text("error_description")
                .or_else(|| text("error"))
                .unwrap_or_else(|| body.chars().take(200).collect());
            return Next::Failed(AuthError::RegistrationRefused { status, why });
        }
        let Some(id) = text("client_id") else {
            return Next::Failed(AuthError::BadAnswer {
                what: "registration endpoint",
                why: "its answer has no client_id".into(),
            });
        };
        let methods = self
            .server
            .as_ref()
            .and_then(|s| s.token_endpoint_auth_methods_supported.clone());
        let mut client = Client::new(id, text("client_secret"), methods.as_deref());
        if let Some(method) = text("token_endpoint_auth_method").filter(|_| client.secret.is_some())
        {
            client.auth_method = method;
        }
        self.client = Some(client);
        self.authorize()
    }

    /// The authorization URL (OAuth 2.1 section 4.1.1, PKCE, RFC 8707 `resource`), with the
    /// scopes the spec's strategy picks (S25 "Scope Selection Strategy").
    fn authorize(&mut self) -> Next {
        let (Some(server), Some(client)) = (&self.server, &self.client) else {
            return Next::Failed(AuthError::NoCode);
        };
        let mut scopes: Vec<String> = match (
            self.config.challenge.as_ref().and_then(|c| c.scope.clone()),
            &self.resource_scopes,
        ) {
            (Some(asked), _) => asked.split_whitespace().map(str::to_owned).collect(),
            (None, Some(supported)) => supported.clone(),
            (None, None) => Vec::new(),
        };
        // A step-up keeps what was granted (S25 "Step-Up Authorization Flow").
        for granted in self
            .config
            .granted_scope
            .iter()
            .flat_map(|s| s.split_whitespace())
        {
            if !scopes.iter().any(|s| s == granted) {
                scopes.push(granted.to_owned());
            }
        }
        // Refresh tokens are asked for only where the server lists `offline_access` (S26
        // basic/authorization/ "Refresh Tokens").
        let offline = server
            .scopes_supported
            .as_ref()
            .is_some_and(|s| s.iter().any(|s| s == "offline_access"));
        if offline && !scopes.is_empty() && !scopes.iter().any(|s| s == "offline_access") {
            scopes.push("offline_access".into());
        }
        self.scope = (!scopes.is_empty()).then(|| scopes.join(" "));
        let mut pairs = vec![
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", self.config.redirect_uri.as_str()),
            ("code_challenge", self.challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("state", self.state.as_str()),
            ("resource", self.audience.as_str()),
        ];
        if let Some(scope) = &self.scope {
            pairs.push(("scope", scope));
        }
        let endpoint = &server.authorization_endpoint;
        let joint = if endpoint.contains('?') { '&' } else { '?' };
        let url = format!("{endpoint}{joint}{}", form::encode(&pairs));
        self.stage = Stage::Authorizing;
        Next::Authorize(url)
    }

    /// The person is back: the redirect's query. Checked (`state`, then RFC 9207 `iss` before
    /// anything it says is used or shown), then the code is exchanged.
    pub fn redirected(&mut self, query: &str) -> Next {
        if self.stage != Stage::Authorizing {
            return Next::Failed(AuthError::NoCode);
        }
        self.stage = Stage::Over;
        let pairs = form::decode(query);
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        if get("state").as_deref() != Some(self.state.as_str()) {
            return Next::Failed(AuthError::StateMismatch);
        }
        let (Some(server), Some(client)) = (self.server.clone(), self.client.clone()) else {
            return Next::Failed(AuthError::NoCode);
        };
        // S26 basic/authorization/ "Authorization Response Issuer Validation": compared as
        // strings, without normalising; absence is refused only where it was promised.
        let iss = get("iss");
        let promised = server.authorization_response_iss_parameter_supported;
        if iss.as_deref().is_some_and(|iss| iss != server.issuer) || (promised && iss.is_none()) {
            return Next::Failed(AuthError::IssuerMismatch {
                expected: server.issuer,
                found: iss,
            });
        }
        if let Some(error) = get("error") {
            let description = get("error_description");
            return Next::Failed(match error.as_str() {
                "access_denied" => AuthError::Denied { description },
                _ => AuthError::AuthorizationFailed { error, description },
            });
        }
        let Some(code) = get("code") else {
            return Next::Failed(AuthError::NoCode);
        };
        let request = client.token_request(
            &server.token_endpoint,
            vec![
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &self.config.redirect_uri),
                ("code_verifier", &self.verifier),
                ("resource", &self.audience),
            ],
        );
        self.stage = Stage::Exchanging;
        Next::Fetch(request)
    }

    fn on_tokens(&mut self, answer: Answer, now_ms: u64) -> Next {
        let (Some(server), Some(client)) = (self.server.take(), self.client.take()) else {
            return Next::Failed(AuthError::NoCode);
        };
        match read_tokens(answer, &server.token_endpoint) {
            Err(e) => Next::Failed(e),
            Ok(tokens) => {
                let (expires_at_ms, refresh_at_ms) = expiry(tokens.expires_in, now_ms);
                Next::Done(Box::new(Grant {
                    issuer: server.issuer,
                    token_endpoint: server.token_endpoint,
                    resource: self.resource.clone(),
                    audience: self.audience.clone(),
                    client,
                    access_token: tokens.access_token,
                    refresh_token: tokens.refresh_token,
                    expires_at_ms,
                    refresh_at_ms,
                    scope: tokens.scope.or_else(|| self.scope.clone()),
                }))
            }
        }
    }
}

/// Why a metadata request gave nothing usable, in a few words.
fn failed(answer: &Answer) -> String {
    match answer {
        Ok((status, _)) => format!("HTTP {status}"),
        Err(why) => why.clone(),
    }
}
