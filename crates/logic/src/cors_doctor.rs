//! The CORS doctor: why a page could not reach a server, and the fix. A browser reports every
//! one of these failures the same way (`TypeError: Failed to fetch`), so the page asks a few
//! questions of its own — does anything answer at all (a `no-cors` request, whose answer is
//! opaque but arrives), does a simple request come back readable, does one that needs a
//! preflight, does each MCP header pass — and this module turns the answers into a diagnosis
//! and a fix with the page's origin filled in. Pure: the page does the asking.

use mcp_desk_protocol::{Error, Failure, Hint};

/// What went wrong between the page and the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diagnosis {
    /// Nothing answers: no server listens there, or the name does not resolve.
    Unreachable,
    /// The server answers but sends no CORS headers, or refuses the preflight.
    NoCors { preflight_refused: bool },
    /// CORS is there, but these headers the page sends are not allowed.
    HeaderNotAllowed(Vec<&'static str>),
    /// A stateful server's `Mcp-Session-Id` is not exposed to the page.
    SessionIdNotExposed,
    /// An https page and a plain-http server that is not this machine.
    MixedContent,
    /// The browser refused a public page access to a local address.
    LocalNetworkDenied,
    /// The server answered every question: something else went wrong.
    Other,
}

impl Diagnosis {
    /// The name tests read (`data-diagnosis`).
    pub fn id(&self) -> &'static str {
        match self {
            Diagnosis::Unreachable => "unreachable",
            Diagnosis::NoCors { .. } => "no-cors",
            Diagnosis::HeaderNotAllowed(_) => "header-not-allowed",
            Diagnosis::SessionIdNotExposed => "session-id-not-exposed",
            Diagnosis::MixedContent => "mixed-content",
            Diagnosis::LocalNetworkDenied => "local-network-denied",
            Diagnosis::Other => "other",
        }
    }
}

/// The headers MCP Desk sends that a server's CORS must allow, one question each. (Not yet
/// `Authorization`, which the page does not send until it signs in; nor a 2026 tool's own
/// `Mcp-Param-*` headers, which a server allowing all headers allows.)
pub const MCP_HEADERS: [&str; 5] = [
    "Mcp-Protocol-Version",
    "Mcp-Session-Id",
    "Last-Event-ID",
    "Mcp-Method",
    "Mcp-Name",
];

/// The state of the browser's local-network permission for this page, if it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Granted,
    Prompt,
    Denied,
}

impl Permission {
    pub fn parse(state: &str) -> Option<Permission> {
        match state {
            "granted" => Some(Permission::Granted),
            "prompt" => Some(Permission::Prompt),
            "denied" => Some(Permission::Denied),
            _ => None,
        }
    }
}

/// What the page found out by asking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// A `no-cors` request got an (opaque) answer: something listens there.
    pub reached: bool,
    /// A simple CORS request (no preflight) came back readable.
    pub readable: bool,
    /// A request needing a preflight (`Content-Type: application/json`) came back readable.
    pub preflight_passed: bool,
    /// Of [`MCP_HEADERS`], those whose request failed when the preflight alone passed.
    pub refused_headers: Vec<&'static str>,
    pub local_network: Option<Permission>,
}

/// What to do about a failure before asking anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Triage {
    /// The failure says it already.
    Known(Diagnosis),
    /// The browser gave no reason: ask the server.
    Ask,
    /// Not a matter of reaching the server (the server answered, and said no).
    NotReachability,
}

/// Of a failed connect (`last`, after the ways `tried`), the failure to diagnose: the last,
/// unless it says nothing of reaching the server and an earlier way could not reach it (the
/// browser words all those alike).
pub fn subject(last: Error, tried: Vec<Error>) -> Error {
    let unreached = |e: &Error| matches!(e.failure, Failure::Network(_));
    if unreached(&last) || last.hint.is_some() {
        return last;
    }
    tried.into_iter().find(unreached).unwrap_or(last)
}

/// Looks at a failure of the session with `server` from the page at `page`.
pub fn triage(page: &str, server: &str, error: &Error) -> Triage {
    if error.hint == Some(Hint::ExposeSessionId) {
        return Triage::Known(Diagnosis::SessionIdNotExposed);
    }
    if !matches!(error.failure, Failure::Network(_)) {
        return Triage::NotReachability;
    }
    match (Place::of(page), Place::of(server)) {
        (Some(p), Some(s)) if p.secure && !s.secure && s.reach != Reach::Loopback => {
            Triage::Known(Diagnosis::MixedContent)
        }
        _ => Triage::Ask,
    }
}

/// The diagnosis from the answers the page got.
pub fn diagnose(page: &str, server: &str, answers: &Answers) -> Diagnosis {
    if !answers.reached {
        let public_to_local = match (Place::of(page), Place::of(server)) {
            (Some(p), Some(s)) => p.reach == Reach::Public && s.reach != Reach::Public,
            _ => false,
        };
        return if public_to_local && answers.local_network == Some(Permission::Denied) {
            Diagnosis::LocalNetworkDenied
        } else {
            Diagnosis::Unreachable
        };
    }
    if !answers.readable || !answers.preflight_passed {
        return Diagnosis::NoCors {
            preflight_refused: answers.readable,
        };
    }
    if !answers.refused_headers.is_empty() {
        return Diagnosis::HeaderNotAllowed(answers.refused_headers.clone());
    }
    Diagnosis::Other
}

/// One way to fix it: a title and text to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: &'static str,
    pub code: String,
}

/// The diagnosis in words, with the fixes for the SDKs people use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    pub diagnosis: Diagnosis,
    pub summary: String,
    pub fixes: Vec<Fix>,
}

/// What to tell the person, for a server at `server` and a page whose origin is `origin`.
pub fn advise(diagnosis: Diagnosis, origin: &str, server: &str) -> Advice {
    let at = mcp_desk_protocol::redact::url(server);
    let summary = match &diagnosis {
        Diagnosis::Unreachable => format!(
            "Nothing answers at {at}: no server listens there, or its name does not resolve (this is not CORS; the browser got no answer at all). Is the server running, on this port and path? A server that speaks stdio needs a bridge to be reached over HTTP."
        ),
        Diagnosis::NoCors {
            preflight_refused: false,
        } => format!(
            "The server at {at} answers, but sends no CORS headers, so the browser does not let this page ({origin}) read its answers. Let this origin in with the server's CORS settings, and expose Mcp-Session-Id."
        ),
        Diagnosis::NoCors {
            preflight_refused: true,
        } => format!(
            "The server at {at} answers simple requests, but refuses the browser's preflight (OPTIONS) for a JSON POST, so this page ({origin}) cannot send MCP messages. Let this origin in with the server's CORS settings, which answer the preflight."
        ),
        Diagnosis::HeaderNotAllowed(headers) => format!(
            "The server at {at} has CORS, but does not allow the header{} {} that MCP Desk sends. Allow them (or all headers) in its CORS settings.",
            if headers.len() == 1 { "" } else { "s" },
            headers.join(", ")
        ),
        Diagnosis::SessionIdNotExposed => format!(
            "The server at {at} starts a session, but does not expose the Mcp-Session-Id header to browsers, so this page cannot send it back and the server refuses the next request. Add it to the exposed headers of its CORS settings."
        ),
        Diagnosis::MixedContent => format!(
            "This page is served over https and {at} is plain http on another machine: browsers block that (mixed content). Serve the server over https, reach it through localhost (e.g. ssh -L 8000:localhost:8000 <host>), or open MCP Desk over http."
        ),
        Diagnosis::LocalNetworkDenied => format!(
            "The browser refused this public page ({origin}) access to {at}, a local address. Allow local network access for this site (the icon left of the address bar, then Site settings), or open MCP Desk from this machine (cargo xtask dev, or python3 -m http.server in its folder)."
        ),
        Diagnosis::Other => format!(
            "The server at {at} answers this page's questions, CORS included, yet the request failed; the log has the browser's words."
        ),
    };
    let fixes = match &diagnosis {
        Diagnosis::Unreachable => vec![bridge(origin)],
        Diagnosis::NoCors { .. }
        | Diagnosis::HeaderNotAllowed(_)
        | Diagnosis::SessionIdNotExposed => vec![
            python(origin),
            typescript(origin),
            rust(origin),
            bridge(origin),
        ],
        Diagnosis::MixedContent | Diagnosis::LocalNetworkDenied | Diagnosis::Other => Vec::new(),
    };
    Advice {
        diagnosis,
        summary,
        fixes,
    }
}

fn python(origin: &str) -> Fix {
    Fix {
        title: "Python SDK (Starlette)",
        code: format!(
            "from starlette.middleware.cors import CORSMiddleware\n\napp = CORSMiddleware(\n    mcp.streamable_http_app(),\n    allow_origins=[\"{origin}\"],\n    allow_methods=[\"GET\", \"POST\", \"DELETE\"],\n    allow_headers=[\"*\"],\n    expose_headers=[\"Mcp-Session-Id\", \"Mcp-Protocol-Version\"],\n)\n# uvicorn.run(app, port=8000)"
        ),
    }
}

fn typescript(origin: &str) -> Fix {
    Fix {
        title: "TypeScript SDK (express + cors)",
        code: format!(
            "import cors from \"cors\";\n\napp.use(cors({{\n  origin: \"{origin}\",\n  exposedHeaders: [\"Mcp-Session-Id\", \"Mcp-Protocol-Version\"],\n}}));"
        ),
    }
}

fn rust(origin: &str) -> Fix {
    Fix {
        title: "rmcp (axum + tower-http)",
        code: format!(
            "use tower_http::cors::{{AllowHeaders, Any, CorsLayer}};\n\nlet cors = CorsLayer::new()\n    .allow_origin(\"{origin}\".parse::<http::HeaderValue>()?)\n    .allow_methods(Any)\n    .allow_headers(AllowHeaders::mirror_request())\n    .expose_headers([\n        http::HeaderName::from_static(\"mcp-session-id\"),\n        http::HeaderName::from_static(\"mcp-protocol-version\"),\n    ]);\nlet app = axum::Router::new().nest_service(\"/mcp\", mcp_service).layer(cors);"
        ),
    }
}

fn bridge(origin: &str) -> Fix {
    let port = crate::stdio_bridge::DEFAULT_PORT;
    let command =
        crate::stdio_bridge::command("<the command that starts your server>", port, origin)
            .unwrap_or_default();
    Fix {
        title: "Any stdio server, through a bridge",
        code: format!(
            "{command}\n# then connect to {}",
            crate::stdio_bridge::url(port)
        ),
    }
}

/// How far away a host is, as browsers rank addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// This machine.
    Loopback,
    /// The local network.
    Private,
    Public,
}

/// The scheme and host of a URL, as far as the doctor cares.
struct Place {
    secure: bool,
    reach: Reach,
}

impl Place {
    fn of(url: &str) -> Option<Place> {
        let (scheme, rest) = url.trim().split_once("://")?;
        let authority = rest.split(['/', '?', '#']).next()?;
        let host_port = authority.rsplit('@').next()?;
        let host = if let Some(v6) = host_port.strip_prefix('[') {
            v6.split(']').next()?
        } else {
            host_port.split(':').next()?
        };
        Some(Place {
            secure: scheme.eq_ignore_ascii_case("https"),
            reach: reach(&host.to_ascii_lowercase()),
        })
    }
}

fn reach(host: &str) -> Reach {
    // An IPv4 address mapped into IPv6 is that IPv4 address.
    let host = host.strip_prefix("::ffff:").unwrap_or(host);
    if host.contains(':') {
        // IPv6: ::1 (in any spelling) is this machine; fc00::/7 and fe80::/10 are local.
        let groups: Vec<&str> = host.split(':').filter(|g| !g.is_empty()).collect();
        let zero = |g: &&str| g.bytes().all(|b| b == b'0');
        if groups
            .last()
            .is_some_and(|g| g.trim_start_matches('0') == "1")
            && groups[..groups.len() - 1].iter().all(zero)
        {
            return Reach::Loopback;
        }
        let first = groups
            .first()
            .map_or(0, |g| u16::from_str_radix(g, 16).unwrap_or(0));
        return if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 {
            Reach::Private
        } else {
            Reach::Public
        };
    }
    let octets: Vec<u8> = host.split('.').map_while(|p| p.parse().ok()).collect();
    if octets.len() == 4 && host.split('.').count() == 4 {
        return match octets[..] {
            [127, ..] => Reach::Loopback,
            [10, ..] | [192, 168, ..] | [169, 254, ..] => Reach::Private,
            [172, b, ..] if (16..32).contains(&b) => Reach::Private,
            _ => Reach::Public,
        };
    }
    if host == "localhost" || host.ends_with(".localhost") {
        Reach::Loopback
    } else if host.ends_with(".local") || !host.contains('.') {
        // A `.local` name, or a bare one (`myserver`), resolves on the local network.
        Reach::Private
    } else {
        Reach::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_desk_protocol::Doing;

    const PAGE: &str = "http://127.0.0.1:8080/";
    const PUBLIC_PAGE: &str = "https://mcp-desk.github.io/mcp-desk/";

    fn network() -> Error {
        Error::new(
            Doing::Discovering,
            Failure::Network("Failed to fetch".into()),
        )
    }

    fn answers(
        reached: bool,
        readable: bool,
        preflight: bool,
        refused: &[&'static str],
    ) -> Answers {
        Answers {
            reached,
            readable,
            preflight_passed: preflight,
            refused_headers: refused.to_vec(),
            local_network: None,
        }
    }

    #[test]
    fn each_failure_kind_has_its_own_diagnosis() {
        let server = "http://127.0.0.1:8000/mcp";
        assert_eq!(triage(PAGE, server, &network()), Triage::Ask);
        assert_eq!(
            diagnose(PAGE, server, &answers(false, false, false, &[])),
            Diagnosis::Unreachable
        );
        assert_eq!(
            diagnose(PAGE, server, &answers(true, false, false, &[])),
            Diagnosis::NoCors {
                preflight_refused: false
            }
        );
        assert_eq!(
            diagnose(PAGE, server, &answers(true, true, false, &[])),
            Diagnosis::NoCors {
                preflight_refused: true
            }
        );
        assert_eq!(
            diagnose(
                PAGE,
                server,
                &answers(true, true, true, &["Mcp-Method", "Mcp-Name"])
            ),
            Diagnosis::HeaderNotAllowed(vec!["Mcp-Method", "Mcp-Name"])
        );
        assert_eq!(
            diagnose(PAGE, server, &answers(true, true, true, &[])),
            Diagnosis::Other
        );
        let exposed = Error::new(
            Doing::Confirming,
            Failure::Status {
                status: 400,
                excerpt: "Bad Request: Missing session ID".into(),
                rpc: None,
            },
        )
        .with_hint(Some(Hint::ExposeSessionId));
        assert_eq!(
            triage(PAGE, server, &exposed),
            Triage::Known(Diagnosis::SessionIdNotExposed)
        );
        let refused = Error::new(
            Doing::ListingTools,
            Failure::Status {
                status: 500,
                excerpt: String::new(),
                rpc: None,
            },
        );
        assert_eq!(triage(PAGE, server, &refused), Triage::NotReachability);
    }

    #[test]
    fn a_failed_connect_is_diagnosed_by_the_way_that_could_not_reach_the_server() {
        let revision = Error::new(
            Doing::Discovering,
            Failure::UnknownRevision("1999-01-01".into()),
        );
        assert_eq!(subject(revision.clone(), vec![network()]), network());
        assert_eq!(subject(revision.clone(), vec![]), revision);
        let hinted = revision.clone().with_hint(Some(Hint::ExposeSessionId));
        assert_eq!(subject(hinted.clone(), vec![network()]), hinted);
    }

    #[test]
    fn an_https_page_cannot_reach_plain_http_elsewhere_but_may_reach_this_machine() {
        assert_eq!(
            triage(PUBLIC_PAGE, "http://192.168.1.20:8000/mcp", &network()),
            Triage::Known(Diagnosis::MixedContent)
        );
        assert_eq!(
            triage(PUBLIC_PAGE, "http://mcp.example.com/mcp", &network()),
            Triage::Known(Diagnosis::MixedContent)
        );
        assert_eq!(
            triage(PUBLIC_PAGE, "http://localhost:8000/mcp", &network()),
            Triage::Ask
        );
        assert_eq!(
            triage(PUBLIC_PAGE, "http://127.0.0.1:8000/mcp", &network()),
            Triage::Ask
        );
        assert_eq!(
            triage(PUBLIC_PAGE, "https://mcp.example.com/mcp", &network()),
            Triage::Ask
        );
    }

    #[test]
    fn a_public_page_refused_a_local_address_is_told_apart_from_nothing_listening() {
        let mut denied = answers(false, false, false, &[]);
        denied.local_network = Some(Permission::Denied);
        assert_eq!(
            diagnose(PUBLIC_PAGE, "http://localhost:8000/mcp", &denied),
            Diagnosis::LocalNetworkDenied
        );
        assert_eq!(
            diagnose(PUBLIC_PAGE, "http://10.0.0.5:8000/mcp", &denied),
            Diagnosis::LocalNetworkDenied
        );
        // The page is local itself, or the server is public: that permission is not asked.
        assert_eq!(
            diagnose(PAGE, "http://localhost:8000/mcp", &denied),
            Diagnosis::Unreachable
        );
        assert_eq!(
            diagnose(PUBLIC_PAGE, "https://mcp.example.com/mcp", &denied),
            Diagnosis::Unreachable
        );
        let mut prompt = denied.clone();
        prompt.local_network = Some(Permission::Prompt);
        assert_eq!(
            diagnose(PUBLIC_PAGE, "http://localhost:8000/mcp", &prompt),
            Diagnosis::Unreachable
        );
        assert_eq!(Permission::parse("denied"), Some(Permission::Denied));
        assert_eq!(Permission::parse("maybe"), None);
    }

    #[test]
    fn the_fix_carries_the_page_origin_and_the_summary_no_token() {
        let advice = advise(
            Diagnosis::NoCors {
                preflight_refused: false,
            },
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8000/mcp?token=secret",
        );
        assert_eq!(advice.diagnosis.id(), "no-cors");
        assert!(!advice.summary.contains("secret"), "{}", advice.summary);
        let titles: Vec<_> = advice.fixes.iter().map(|f| f.title).collect();
        assert_eq!(
            titles,
            [
                "Python SDK (Starlette)",
                "TypeScript SDK (express + cors)",
                "rmcp (axum + tower-http)",
                "Any stdio server, through a bridge"
            ]
        );
        for fix in &advice.fixes {
            assert!(
                fix.code.contains("\"http://127.0.0.1:8080\"")
                    || fix.code.contains("--cors http://127.0.0.1:8080"),
                "{}",
                fix.code
            );
        }
        assert!(
            advice.fixes[0]
                .code
                .contains("expose_headers=[\"Mcp-Session-Id\"")
        );
        assert_eq!(
            advise(Diagnosis::Unreachable, "o", "http://h/mcp")
                .fixes
                .len(),
            1
        );
        assert!(
            advise(Diagnosis::MixedContent, "o", "http://h/mcp")
                .fixes
                .is_empty()
        );
    }

    #[test]
    fn hosts_are_ranked_as_browsers_rank_them() {
        assert_eq!(reach("localhost"), Reach::Loopback);
        assert_eq!(reach("127.0.0.1"), Reach::Loopback);
        assert_eq!(reach("::1"), Reach::Loopback);
        assert_eq!(reach("172.20.1.1"), Reach::Private);
        assert_eq!(reach("172.32.1.1"), Reach::Public);
        assert_eq!(reach("printer.local"), Reach::Private);
        assert_eq!(reach("example.com"), Reach::Public);
        assert_eq!(reach("8.8.8.8"), Reach::Public);
        assert!(Place::of("http://[::1]:8000/mcp").is_some_and(|p| p.reach == Reach::Loopback));
        assert_eq!(reach("0:0:0:0:0:0:0:1"), Reach::Loopback);
        assert_eq!(reach("::ffff:127.0.0.1"), Reach::Loopback);
        assert_eq!(reach("fd12::1"), Reach::Private);
        assert_eq!(reach("127.0.0.1.nip.io"), Reach::Public);
        assert_eq!(reach("10.example.com"), Reach::Public);
        assert_eq!(reach("myserver"), Reach::Private);
    }
}
