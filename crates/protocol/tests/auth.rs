//! Signing in to a protected server, rule by rule (S25 basic/authorization.mdx, S26
//! basic/authorization/): every discovery layout, each way to a client id, the authorization
//! URL, the redirect's checks and the code's exchange — the sign-in driven by hand, each of its
//! requests answered here.

use mcp_desk_protocol::auth::{
    AuthError, AuthRequest, Challenge, Next, SignIn, SignInConfig, form,
};
use serde_json::{Value, json};

const SERVER: &str = "https://mcp.example.com/mcp";
const PAGE: &str = "https://desk.example.org/app/";
const AS: &str = "https://auth.example.com";

fn config() -> SignInConfig {
    SignInConfig {
        server_url: SERVER.into(),
        redirect_uri: PAGE.into(),
        client_id: None,
        client_secret: None,
        client_issuer: None,
        metadata_document: None,
        client_name: "MCP Desk".into(),
        challenge: None,
        granted_scope: None,
    }
}

fn prm() -> Value {
    json!({"resource": SERVER, "authorization_servers": [AS], "scopes_supported": ["mcp:tools"]})
}

fn as_metadata() -> Value {
    json!({
        "issuer": AS,
        "authorization_endpoint": format!("{AS}/authorize"),
        "token_endpoint": format!("{AS}/token"),
        "registration_endpoint": format!("{AS}/register"),
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["mcp:tools", "offline_access"],
    })
}

fn ok(value: &Value) -> Result<(u16, String), String> {
    Ok((200, value.to_string()))
}

fn fetch(next: Next) -> AuthRequest {
    match next {
        Next::Fetch(request) => request,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn authorize_url(next: Next) -> String {
    match next {
        Next::Authorize(url) => url,
        other => panic!("expected the authorization URL, got {other:?}"),
    }
}

fn failure(next: Next) -> AuthError {
    match next {
        Next::Failed(e) => e,
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// The query of `url`, as pairs.
fn query(url: &str) -> Vec<(String, String)> {
    form::decode(url.split_once('?').map_or("", |(_, q)| q))
}

fn param(url: &str, name: &str) -> Option<String> {
    query(url)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// Walks from the start to the authorization URL with `metadata` for the server, registering
/// dynamically; returns the sign-in and the URL.
fn to_authorize(config: SignInConfig, metadata: Value) -> (SignIn, String) {
    let (mut s, next) = SignIn::start(config, &[1; 48]);
    assert_eq!(
        fetch(next).url,
        "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    );
    let r = fetch(s.answered(ok(&prm()), 0));
    assert_eq!(
        r.url,
        "https://auth.example.com/.well-known/oauth-authorization-server"
    );
    let next = s.answered(ok(&metadata), 0);
    let next = match next {
        Next::Fetch(r) if r.url.ends_with("/register") => {
            s.answered(Ok((201, json!({"client_id": "dyn-1"}).to_string())), 0)
        }
        other => other,
    };
    let url = authorize_url(next);
    (s, url)
}

#[test]
fn a_challenge_with_resource_metadata_leads_to_registration_and_the_authorization_url() {
    let mut c = config();
    c.challenge = Challenge::parse(
        r#"Bearer resource_metadata="https://mcp.example.com/prm", scope="files:read""#,
    );
    let (mut s, next) = SignIn::start(c, &[1; 48]);
    let r = fetch(next);
    assert_eq!(
        (r.method, r.url.as_str()),
        ("GET", "https://mcp.example.com/prm")
    );
    assert_eq!(
        r.header("authorization"),
        None,
        "no token goes anywhere yet"
    );
    fetch(s.answered(ok(&prm()), 0));
    let register = fetch(s.answered(ok(&as_metadata()), 0));
    assert_eq!(
        (register.method, register.url.as_str()),
        ("POST", "https://auth.example.com/register")
    );
    let body: Value = serde_json::from_str(register.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"client_name": "MCP Desk", "redirect_uris": [PAGE],
               "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
               "token_endpoint_auth_method": "none", "application_type": "web"})
    );
    let url = authorize_url(s.answered(Ok((201, json!({"client_id": "dyn-1"}).to_string())), 0));
    assert!(
        url.starts_with("https://auth.example.com/authorize?"),
        "{url}"
    );
    let pairs: Vec<(String, String)> = query(&url);
    let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "response_type",
            "client_id",
            "redirect_uri",
            "code_challenge",
            "code_challenge_method",
            "state",
            "resource",
            "scope"
        ]
    );
    assert_eq!(param(&url, "client_id").as_deref(), Some("dyn-1"));
    assert_eq!(
        param(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(param(&url, "resource").as_deref(), Some(SERVER));
    assert_eq!(param(&url, "state").as_deref(), Some(s.state()));
    // The challenge's scope wins; offline_access because the server lists it.
    assert_eq!(
        param(&url, "scope").as_deref(),
        Some("files:read offline_access")
    );
}

#[test]
fn the_well_known_urls_are_tried_in_order_and_the_issuers_path_is_inserted() {
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    let root = fetch(s.answered(Ok((404, String::new())), 0));
    assert_eq!(
        root.url,
        "https://mcp.example.com/.well-known/oauth-protected-resource"
    );
    let tenant =
        json!({"resource": SERVER, "authorization_servers": ["https://auth.example.com/tenant1"]});
    let first = fetch(s.answered(ok(&tenant), 0));
    assert_eq!(
        first.url,
        "https://auth.example.com/.well-known/oauth-authorization-server/tenant1"
    );
    let second = fetch(s.answered(Err("TypeError: Failed to fetch".into()), 0));
    assert_eq!(
        second.url,
        "https://auth.example.com/.well-known/openid-configuration/tenant1"
    );
    let third = fetch(s.answered(Ok((404, String::new())), 0));
    assert_eq!(
        third.url,
        "https://auth.example.com/tenant1/.well-known/openid-configuration"
    );
    let e = failure(s.answered(Ok((500, String::new())), 0));
    assert_eq!(
        e,
        AuthError::NoServerMetadata {
            issuer: "https://auth.example.com/tenant1".into(),
            tried: vec![
                "https://mcp.example.com/.well-known/oauth-protected-resource/mcp (HTTP 404)".into(),
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1 (TypeError: Failed to fetch)".into(),
                "https://auth.example.com/.well-known/openid-configuration/tenant1 (HTTP 404)".into(),
                "https://auth.example.com/tenant1/.well-known/openid-configuration (HTTP 500)".into(),
            ]
        }
    );
}

#[test]
fn a_2025_03_26_server_without_resource_metadata_falls_back_to_its_base_url_then_the_defaults() {
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    fetch(s.answered(Ok((404, String::new())), 0));
    let legacy = fetch(s.answered(Ok((404, String::new())), 0));
    assert_eq!(
        legacy.url,
        "https://mcp.example.com/.well-known/oauth-authorization-server"
    );
    // No header that would make the page's request need a CORS preflight.
    assert_eq!(legacy.header("mcp-protocol-version"), None);
    let register = fetch(s.answered(Ok((404, String::new())), 0));
    assert_eq!(register.url, "https://mcp.example.com/register");
    let url = authorize_url(s.answered(Ok((201, json!({"client_id": "c"}).to_string())), 0));
    assert!(
        url.starts_with("https://mcp.example.com/authorize?"),
        "{url}"
    );
    assert_eq!(param(&url, "scope"), None, "no scope known, none asked");
    // Its metadata, where it has some, is used — with its issuer checked too.
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    fetch(s.answered(Ok((404, String::new())), 0));
    fetch(s.answered(Err("refused".into()), 0));
    let mut legacy = as_metadata();
    legacy["issuer"] = json!("https://mcp.example.com");
    let register = fetch(s.answered(ok(&legacy), 0));
    assert_eq!(register.url, "https://auth.example.com/register");
    // And with nothing at all, the person hears what was tried.
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    fetch(s.answered(Ok((404, String::new())), 0));
    fetch(s.answered(Ok((404, String::new())), 0));
    assert_eq!(
        failure(s.answered(Err("TypeError: Failed to fetch".into()), 0)),
        AuthError::NoResourceMetadata {
            tried: vec![
                "https://mcp.example.com/.well-known/oauth-protected-resource/mcp (HTTP 404)".into(),
                "https://mcp.example.com/.well-known/oauth-protected-resource (HTTP 404)".into(),
                "https://mcp.example.com/.well-known/oauth-authorization-server (TypeError: Failed to fetch)".into(),
            ]
        }
    );
}

#[test]
fn metadata_that_cannot_be_trusted_stops_the_sign_in() {
    // Another resource's metadata.
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    let other = json!({"resource": "https://evil.example.com/mcp", "authorization_servers": [AS]});
    assert_eq!(
        failure(s.answered(ok(&other), 0)),
        AuthError::ResourceMismatch {
            expected: SERVER.into(),
            found: "https://evil.example.com/mcp".into()
        }
    );
    // An issuer that is not the one asked for.
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    fetch(s.answered(ok(&prm()), 0));
    let mut wrong = as_metadata();
    wrong["issuer"] = json!("https://attacker.example");
    assert_eq!(
        failure(s.answered(ok(&wrong), 0)),
        AuthError::WrongIssuer {
            expected: AS.into(),
            found: "https://attacker.example".into()
        }
    );
    // No S256: no sign-in.
    for methods in [json!(["plain"]), Value::Null] {
        let (mut s, next) = SignIn::start(config(), &[1; 48]);
        fetch(next);
        fetch(s.answered(ok(&prm()), 0));
        let mut plain = as_metadata();
        plain["code_challenge_methods_supported"] = methods;
        assert_eq!(
            failure(s.answered(ok(&plain), 0)),
            AuthError::NoPkce { issuer: AS.into() }
        );
    }
}

#[test]
fn a_client_id_comes_from_the_person_then_a_metadata_document_then_registration() {
    let mut cimd = as_metadata();
    cimd["client_id_metadata_document_supported"] = json!(true);
    // Pre-registered wins, even where the others would work.
    let mut c = config();
    c.client_id = Some(" mine ".into());
    c.metadata_document = Some("https://desk.example.org/app/client-metadata.json".into());
    let (_, url) = to_authorize(c, cimd.clone());
    assert_eq!(param(&url, "client_id").as_deref(), Some("mine"));
    // Then the metadata document, when the server takes them and the page is on HTTPS.
    let mut c = config();
    c.metadata_document = Some("https://desk.example.org/app/client-metadata.json".into());
    let (_, url) = to_authorize(c.clone(), cimd.clone());
    assert_eq!(
        param(&url, "client_id").as_deref(),
        Some("https://desk.example.org/app/client-metadata.json")
    );
    // Not where the server does not say it takes them: registration.
    let (_, url) = to_authorize(c, as_metadata());
    assert_eq!(param(&url, "client_id").as_deref(), Some("dyn-1"));
    // Nothing: the person is told what to register.
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    fetch(s.answered(ok(&prm()), 0));
    let mut closed = as_metadata();
    closed
        .as_object_mut()
        .unwrap()
        .remove("registration_endpoint");
    assert_eq!(
        failure(s.answered(ok(&closed), 0)),
        AuthError::NoClient {
            issuer: AS.into(),
            redirect_uri: PAGE.into()
        }
    );
    // A refused registration says why.
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    fetch(s.answered(ok(&prm()), 0));
    fetch(s.answered(ok(&as_metadata()), 0));
    assert_eq!(
        failure(
            s.answered(
                Ok((
                    400,
                    json!({"error": "invalid_redirect_uri", "error_description": "https only"})
                        .to_string()
                )),
                0
            )
        ),
        AuthError::RegistrationRefused {
            status: 400,
            why: "https only".into()
        }
    );
}

#[test]
fn the_redirect_is_checked_then_the_code_is_exchanged_with_the_verifier_and_resource() {
    let (mut s, url) = to_authorize(config(), as_metadata());
    // The sign-in waits across the redirect as data.
    let saved = s
        .to_json()
        .expect("a sign-in waiting for the person")
        .to_string();
    s = SignIn::from_json(&serde_json::from_str(&saved).unwrap()).unwrap();
    let state = param(&url, "state").unwrap();
    let token = fetch(s.redirected(&format!("?code=c-1&state={state}")));
    assert_eq!(
        (token.method, token.url.as_str()),
        ("POST", "https://auth.example.com/token")
    );
    let body = form::decode(token.body.as_deref().unwrap());
    let get = |n: &str| body.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    assert_eq!(get("grant_type"), Some("authorization_code"));
    assert_eq!(get("code"), Some("c-1"));
    assert_eq!(get("redirect_uri"), Some(PAGE));
    assert_eq!(get("resource"), Some(SERVER));
    assert_eq!(get("client_id"), Some("dyn-1"));
    let verifier = get("code_verifier").unwrap();
    assert_eq!(
        mcp_desk_protocol::auth::pkce::challenge_of(verifier),
        param(&url, "code_challenge").unwrap()
    );
    let done = s.answered(
        Ok((200, json!({"access_token": "at", "token_type": "bearer", "expires_in": 3600, "refresh_token": "rt"}).to_string())),
        1_000,
    );
    let Next::Done(grant) = done else {
        panic!("{done:?}")
    };
    assert_eq!(grant.bearer(), "Bearer at");
    assert_eq!(grant.expires_at_ms, Some(3_601_000));
    assert_eq!(grant.resource, SERVER);
    assert_eq!(grant.scope.as_deref(), Some("mcp:tools offline_access"));
    assert!(grant.refresh_request().is_some());
}

#[test]
fn a_redirect_that_is_not_ours_or_names_another_issuer_is_refused_before_its_error_is_read() {
    let (mut s, url) = to_authorize(config(), as_metadata());
    let state = param(&url, "state").unwrap();
    let mut again = s.clone();
    assert_eq!(
        failure(s.redirected("?code=c&state=forged")),
        AuthError::StateMismatch
    );
    // iss present: compared as a string, without normalising (the error is not read).
    assert_eq!(
        failure(again.clone().redirected(&format!(
            "?error=access_denied&error_description=fake&state={state}&iss=https%3A%2F%2FAUTH.example.com"
        ))),
        AuthError::IssuerMismatch {
            expected: AS.into(),
            found: Some("https://AUTH.example.com".into())
        }
    );
    assert_eq!(
        failure(again.clone().redirected(&format!(
            "?error=access_denied&error_description=Not+now&state={state}&iss=https%3A%2F%2Fauth.example.com"
        ))),
        AuthError::Denied {
            description: Some("Not now".into())
        }
    );
    assert_eq!(
        failure(
            again
                .clone()
                .redirected(&format!("?error=server_error&state={state}"))
        ),
        AuthError::AuthorizationFailed {
            error: "server_error".into(),
            description: None
        }
    );
    assert!(matches!(
        again.redirected(&format!("?code=c&state={state}")),
        Next::Fetch(_)
    ));
    // Promised and missing: refused.
    let mut promising = as_metadata();
    promising["authorization_response_iss_parameter_supported"] = json!(true);
    let (s, url) = to_authorize(config(), promising);
    // (Kept across the redirect, the promise is kept too.)
    let mut s = SignIn::from_json(&s.to_json().unwrap()).unwrap();
    let state = param(&url, "state").unwrap();
    assert_eq!(
        failure(s.redirected(&format!("?code=c&state={state}"))),
        AuthError::IssuerMismatch {
            expected: AS.into(),
            found: None
        }
    );
}

#[test]
fn a_token_endpoint_the_page_cannot_reach_is_named() {
    let (mut s, url) = to_authorize(config(), as_metadata());
    let state = param(&url, "state").unwrap();
    fetch(s.redirected(&format!("?code=c&state={state}")));
    assert_eq!(
        failure(s.answered(Err("TypeError: Failed to fetch".into()), 0)),
        AuthError::Unreachable {
            what: "token endpoint",
            url: "https://auth.example.com/token".into(),
            why: "TypeError: Failed to fetch".into()
        }
    );
}

#[test]
fn scopes_follow_the_strategy_and_a_step_up_keeps_what_was_granted() {
    // From scopes_supported when the challenge gives none.
    let (_, url) = to_authorize(config(), as_metadata());
    assert_eq!(
        param(&url, "scope").as_deref(),
        Some("mcp:tools offline_access")
    );
    // offline_access only where the authorization server lists it.
    let mut quiet = as_metadata();
    quiet["scopes_supported"] = json!(["mcp:tools"]);
    let (_, url) = to_authorize(config(), quiet);
    assert_eq!(param(&url, "scope").as_deref(), Some("mcp:tools"));
    // A step-up: the challenge's scopes and those granted before.
    let mut c = config();
    c.challenge = Challenge::parse(r#"Bearer error="insufficient_scope", scope="files:write""#);
    c.granted_scope = Some("mcp:tools files:write".into());
    let (_, url) = to_authorize(c, as_metadata());
    assert_eq!(
        param(&url, "scope").as_deref(),
        Some("files:write mcp:tools offline_access")
    );
}

#[test]
fn a_pre_registered_confidential_client_authenticates_at_the_token_endpoint() {
    let mut c = config();
    c.client_id = Some("conf".into());
    c.client_secret = Some("s3cret".into());
    let (mut s, url) = to_authorize(c, as_metadata());
    let state = param(&url, "state").unwrap();
    let token = fetch(s.redirected(&format!("?code=c&state={state}")));
    // client_secret_basic: the id and secret form-encoded, then base64 (RFC 6749 2.3.1).
    assert_eq!(
        token.header("authorization"),
        Some("Basic Y29uZjpzM2NyZXQ=")
    );
    assert!(!token.body.as_deref().unwrap().contains("s3cret"));
    assert!(!url.contains("s3cret"), "the secret never goes into a URL");
    assert!(!format!("{s:?}").contains("s3cret"));
}

#[test]
fn a_url_that_is_no_resource_fails_at_once() {
    let mut c = config();
    c.server_url = "mcp.example.com".into();
    let (_, next) = SignIn::start(c, &[1; 48]);
    assert_eq!(failure(next), AuthError::BadServerUrl);
}

#[test]
fn metadata_at_the_root_naming_the_origin_covers_the_server_and_is_its_audience() {
    let (mut s, next) = SignIn::start(config(), &[1; 48]);
    fetch(next);
    fetch(s.answered(Ok((404, String::new())), 0));
    let origin = json!({"resource": "https://mcp.example.com", "authorization_servers": [AS]});
    fetch(s.answered(ok(&origin), 0));
    fetch(s.answered(ok(&as_metadata()), 0));
    let url = authorize_url(s.answered(Ok((201, json!({"client_id": "c"}).to_string())), 0));
    assert_eq!(
        param(&url, "resource").as_deref(),
        Some("https://mcp.example.com")
    );
    let state = param(&url, "state").unwrap();
    let token = fetch(s.redirected(&format!("?code=c&state={state}")));
    assert!(
        token
            .body
            .as_deref()
            .unwrap()
            .contains("resource=https%3A%2F%2Fmcp.example.com&")
    );
    let done = s.answered(
        Ok((
            200,
            json!({"access_token": "a", "token_type": "bearer"}).to_string(),
        )),
        0,
    );
    let Next::Done(grant) = done else {
        panic!("{done:?}")
    };
    // Kept under the server reached; its requests name what the metadata named.
    assert_eq!(
        (grant.resource.as_str(), grant.audience.as_str()),
        (SERVER, "https://mcp.example.com")
    );
}

#[test]
fn a_client_typed_for_one_authorization_server_is_not_offered_to_another() {
    let mut c = config();
    c.client_id = Some("mine".into());
    c.client_secret = Some("s".into());
    c.client_issuer = Some("https://old-auth.example.com".into());
    let (mut s, next) = SignIn::start(c, &[1; 48]);
    fetch(next);
    fetch(s.answered(ok(&prm()), 0));
    assert_eq!(
        failure(s.answered(ok(&as_metadata()), 0)),
        AuthError::ClientOfAnotherServer {
            issuer: AS.into(),
            bound: "https://old-auth.example.com".into()
        }
    );
}

#[test]
fn a_page_on_a_loopback_address_registers_as_a_native_application() {
    let mut c = config();
    c.redirect_uri = "http://127.0.0.1:8080/".into();
    let (mut s, next) = SignIn::start(c, &[1; 48]);
    fetch(next);
    fetch(s.answered(ok(&prm()), 0));
    let register = fetch(s.answered(ok(&as_metadata()), 0));
    let body: Value = serde_json::from_str(register.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["application_type"], "native");
    assert!(
        !format!("{register:?}").contains("127.0.0.1:8080/\""),
        "Debug shows no body"
    );
}
