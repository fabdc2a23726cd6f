//! The protocol core's failures and reasons in words a person can act on: what was being done,
//! what the server said (status, body, JSON-RPC error), and what usually fixes it.

use mcp_desk_protocol::http::status_text;
use mcp_desk_protocol::model::ErrorData;
use mcp_desk_protocol::revision::{INITIALIZE_ERA, Revision};
use mcp_desk_protocol::{AnswerError, Closed, Doing, Error, Failure, Gone, Hint};

/// What was being done, as the server would name it.
pub fn doing(doing: &Doing) -> String {
    match doing {
        Doing::Discovering => "server/discover".into(),
        Doing::Initializing(revision) => format!("initialize (revision {})", revision.as_str()),
        Doing::Confirming => "notifications/initialized".into(),
        Doing::OpeningLegacyStream => "the HTTP+SSE stream (GET)".into(),
        Doing::FollowingLastTime => "connecting the way that worked last time".into(),
        Doing::ListingTools => "tools/list".into(),
        Doing::CallingTool { tool, round: 0 } => format!("tools/call {tool}"),
        Doing::CallingTool { tool, round } => {
            format!("tools/call {tool} (sent again with the answers of round {round})")
        }
        Doing::Pinging => "ping".into(),
        Doing::SettingLogLevel => "logging/setLevel".into(),
        Doing::Listing(method) => (*method).into(),
        Doing::ReadingResource(uri) => format!("resources/read {uri}"),
        Doing::GettingPrompt(name) => format!("prompts/get {name}"),
        Doing::Subscribing(uri) => format!("resources/subscribe {uri}"),
        Doing::Unsubscribing(uri) => format!("resources/unsubscribe {uri}"),
        Doing::Completing(argument) => format!("completion/complete for {argument}"),
        Doing::Listening => "subscriptions/listen".into(),
        Doing::CancellingTask => "tasks/cancel".into(),
    }
}

/// A JSON-RPC error as the server sent it.
pub fn rpc(error: &ErrorData) -> String {
    let mut text = format!("{} (JSON-RPC error {})", error.message, error.code.0);
    if let Some(data) = &error.data {
        text.push_str(&format!(": {data}"));
    }
    text
}

/// How something failed, without what was being done.
pub fn failure(failure: &Failure) -> String {
    match failure {
        Failure::Network(detail) => detail.clone(),
        Failure::Status {
            status,
            excerpt,
            rpc: error,
        } => {
            let detail = error.as_ref().map_or_else(|| excerpt.clone(), rpc);
            format!("HTTP {status} {}: {detail}", status_text(*status))
        }
        Failure::Rpc(error) => format!("the server refused it: {}", rpc(error)),
        Failure::Unauthorized { status: 403, .. } => {
            "the server needs more permissions (HTTP 403 insufficient_scope): sign in again to grant them".into()
        }
        Failure::Unauthorized { status, .. } => {
            format!("the server asks you to sign in (HTTP {status})")
        }
        Failure::Unusable(why) => format!("the answer is unusable: {why}"),
        Failure::EndedEarly => {
            "the server closed the response stream before sending its result".into()
        }
        Failure::TimedOut { seconds } => format!("no answer within {seconds} s"),
        Failure::SessionExpired => "the server no longer knows this session (HTTP 404; it expired or the server restarted). MCP Desk started a new session; call the tool again".into(),
        Failure::SessionEnded => "the session ended".into(),
        Failure::Declined { input } => format!(
            "you rejected sampling input {input:?}; at revision 2026-07-28 the server is not told, the request is just not sent again"
        ),
        Failure::TooManyRounds(max) => {
            format!("the server asked for more input {max} rounds in a row, so MCP Desk stopped the call")
        }
        Failure::UnknownRevision(chosen) => format!(
            "the server chose protocol revision {chosen}, which MCP Desk does not speak (it speaks {})",
            INITIALIZE_ERA.join(", ")
        ),
        Failure::NoCommonRevision(supported) => format!(
            "the server supports only protocol revisions {}, none of which MCP Desk speaks ({})",
            if supported.is_empty() {
                "(none listed)".to_owned()
            } else {
                supported.join(", ")
            },
            Revision::ALL.map(Revision::as_str).join(", ")
        ),
        Failure::ForcedRevisionRefused(why) => format!(
            "the server does not speak revision 2026-07-28, which was forced: {}",
            self::failure(why)
        ),
        Failure::NoVersionsListed => "its answer to server/discover lists no supportedVersions".into(),
        Failure::OlderRevisions(supported) => format!("it supports {}", supported.join(", ")),
        Failure::NotConnected => "not connected: connect to a server first".into(),
    }
}

/// What usually fixes it.
pub fn hint(hint: Hint) -> &'static str {
    match hint {
        Hint::CheckUrl => "check the server URL (it often ends in /mcp).",
        Hint::SessionGone => {
            "the session has probably expired or the server restarted; reconnect to start a new one."
        }
        Hint::ExposeSessionId => {
            "if this server uses sessions, it must expose the Mcp-Session-Id header to browsers (Access-Control-Expose-Headers), or the page cannot send it back."
        }
        Hint::OriginRefused => {
            "the server may refuse this page's origin (MCP servers must check Origin); allow it in the server's configuration."
        }
        Hint::RequestStateRefused => {
            "the server did not accept the call sent again with your answers; its requestState may have expired or been refused. Call the tool again to start over."
        }
        Hint::WantsBackChannel => {
            "the tool sends its request to the client the 2025 way, on the call's own stream, which a 2026-07-28 call does not have. Connect at 2025-11-25 (the connect form's protocol revision) to use it."
        }
    }
}

/// A failure with what was being done and what usually fixes it:
/// `tools/call t failed: HTTP 500 Internal Server Error: … — check ….`
pub fn error(error: &Error) -> String {
    let mut text = format!(
        "{} failed: {}",
        doing(&error.doing),
        failure(&error.failure)
    );
    match error.hint {
        Some(h) => {
            text.push_str(" — ");
            text.push_str(hint(h));
        }
        // A failure in the browser's words may end its own sentence already.
        None if text.ends_with('.') => {}
        None => text.push('.'),
    }
    text
}

/// Connecting failed, with every way tried before.
pub fn connect_failed(last: &Error, tried: &[Error]) -> String {
    let mut text = error(last);
    if !tried.is_empty() {
        let before: Vec<String> = tried
            .iter()
            .map(|e| {
                let failure = failure(&e.failure);
                format!("{}: {}", doing(&e.doing), failure.trim_end_matches('.'))
            })
            .collect();
        text.push_str(&format!(" (Tried before: {}.)", before.join("; ")));
    }
    text
}

/// Why a request left the queue without the person's answer.
pub fn gone(gone: &Gone) -> String {
    match gone {
        Gone::ServerCancelled(reason) => format!(
            "The server cancelled this request: {}",
            reason.as_deref().unwrap_or("no reason given")
        ),
        Gone::CallEnded { tool } => format!(
            "The call of {tool} ended before this request was answered; the server no longer waits for it."
        ),
        Gone::CallCancelled => "The tool call it belonged to was cancelled.".into(),
        Gone::RoundRejected => {
            "Another request of the same tool call was rejected, so the call ends.".into()
        }
        Gone::SessionExpired => {
            "The server forgot the session (it expired or restarted); a new one was started.".into()
        }
        Gone::SessionEnded => "The session ended.".into(),
    }
}

/// Why a session ended.
pub fn closed(closed: &Closed) -> String {
    match closed {
        Closed::Disconnected => "Disconnected.".into(),
        Closed::StreamLost(why) => format!(
            "The server's HTTP+SSE stream ended ({}); the session is over, reconnect to start again.",
            failure(why)
        ),
    }
}

/// Why an answer could not be sent.
pub fn answer_error(error: &AnswerError) -> String {
    match error {
        AnswerError::SessionClosed => {
            "The session is closed; the server no longer waits for this answer.".into()
        }
        AnswerError::NotPending => {
            "This request is no longer pending (answered or cancelled).".into()
        }
        AnswerError::NotAssistant => "A sampling answer must have the role \"assistant\".".into(),
        AnswerError::NoModel => "A sampling answer must name the model that produced it.".into(),
    }
}

/// A call refused until the person opens a page (-32042, URL elicitation required).
pub fn url_elicitation_required(tool: &str) -> String {
    format!(
        "{tool} needs you to open a page first (URL elicitation required, -32042); it waits in the queue. Once you are done there, call {tool} again."
    )
}

/// A 2026-07-28 call the person declined by rejecting one of its inputs.
pub fn declined(tool: &str, input: &str) -> String {
    format!(
        "You rejected sampling input {input:?}; at revision 2026-07-28 the server is not told, the call of {tool} is just not sent again."
    )
}

/// What the page does when a 2026-07-28 call of `tool` was refused because the tool sends its
/// request the 2025 way (`error`, as the server said it).
pub fn falling_back(tool: &str, server: &str, error: &Error) -> String {
    let message = error.rpc().map(|e| e.message.to_ascii_lowercase());
    let message = message.as_deref().unwrap_or("");
    // What the tool asked for, when the server's words name the method.
    let asks = if message.contains("elicitation/create") {
        "a question (elicitation)"
    } else if message.contains("roots/list") {
        "the roots"
    } else if message.contains("sampling/createmessage") {
        "sampling"
    } else {
        "input"
    };
    let said = error
        .rpc()
        .map(|e| format!(" (the server said: {})", e.message))
        .unwrap_or_default();
    format!(
        "{tool} asks the client for {asks} the 2025 way, on the tool call's own stream, and a 2026-07-28 call has no such back-channel{said}. Reconnecting to {server} at 2025-11-25, which it also speaks, and calling {tool} again with the same arguments. This server is met at 2025-11-25 from now on in this browser tab."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_desk_protocol::model::ErrorCode;

    fn call(round: u32) -> Doing {
        Doing::CallingTool {
            tool: "create_blog_post".into(),
            round,
        }
    }

    #[test]
    fn an_http_failure_names_the_call_the_status_the_body_and_the_fix() {
        let e = Error::new(
            Doing::Discovering,
            Failure::Status {
                status: 404,
                excerpt: "Cannot POST /wrong".into(),
                rpc: None,
            },
        )
        .with_hint(Some(Hint::CheckUrl));
        assert_eq!(
            error(&e),
            "server/discover failed: HTTP 404 Not Found: Cannot POST /wrong — check the server URL (it often ends in /mcp)."
        );
        let e = Error::new(
            call(0),
            Failure::Status {
                status: 500,
                excerpt: "{…}".into(),
                rpc: Some(ErrorData::new(
                    ErrorCode::INTERNAL_ERROR,
                    "database on fire",
                    None,
                )),
            },
        );
        assert_eq!(
            error(&e),
            "tools/call create_blog_post failed: HTTP 500 Internal Server Error: database on fire (JSON-RPC error -32603)."
        );
    }

    #[test]
    fn a_refused_retry_says_the_state_may_have_expired() {
        let e = Error::new(
            call(1),
            Failure::Rpc(ErrorData::new(
                ErrorCode::INVALID_PARAMS,
                "Invalid or expired requestState",
                Some(serde_json::json!({"reason": "x"})),
            )),
        )
        .with_hint(Some(Hint::RequestStateRefused));
        assert_eq!(
            error(&e),
            "tools/call create_blog_post (sent again with the answers of round 1) failed: the server refused it: Invalid or expired requestState (JSON-RPC error -32602): {\"reason\":\"x\"} — the server did not accept the call sent again with your answers; its requestState may have expired or been refused. Call the tool again to start over."
        );
    }

    #[test]
    fn a_connection_that_found_no_way_in_lists_every_way_tried() {
        let last = Error::new(
            Doing::OpeningLegacyStream,
            Failure::Network("Failed to fetch".into()),
        );
        let tried = [
            Error::new(
                Doing::Discovering,
                Failure::OlderRevisions(vec!["2025-11-25".into()]),
            ),
            Error::new(
                Doing::Initializing(Revision::V2025_11_25),
                Failure::TimedOut { seconds: 30 },
            ),
        ];
        assert_eq!(
            connect_failed(&last, &tried),
            "the HTTP+SSE stream (GET) failed: Failed to fetch. (Tried before: server/discover: it supports 2025-11-25; initialize (revision 2025-11-25): no answer within 30 s.)"
        );
    }

    #[test]
    fn reasons_read_as_sentences() {
        assert_eq!(
            gone(&Gone::CallEnded { tool: "t".into() }),
            "The call of t ended before this request was answered; the server no longer waits for it."
        );
        assert_eq!(
            gone(&Gone::ServerCancelled(Some("request timeout".into()))),
            "The server cancelled this request: request timeout"
        );
        assert_eq!(
            closed(&Closed::StreamLost(Failure::EndedEarly)),
            "The server's HTTP+SSE stream ended (the server closed the response stream before sending its result); the session is over, reconnect to start again."
        );
        assert_eq!(
            declined("create_blog_post", "abstract"),
            "You rejected sampling input \"abstract\"; at revision 2026-07-28 the server is not told, the call of create_blog_post is just not sent again."
        );
        assert_eq!(
            answer_error(&AnswerError::NotPending),
            "This request is no longer pending (answered or cancelled)."
        );
    }

    #[test]
    fn a_failure_that_ends_its_own_sentence_gets_no_second_period() {
        let e = Error::new(
            Doing::Initializing(Revision::V2025_11_25),
            Failure::Network("Could not reach http://h/mcp (TypeError: Failed to fetch).".into()),
        );
        assert_eq!(
            connect_failed(
                &e,
                &[Error {
                    doing: Doing::Discovering,
                    ..e.clone()
                }]
            ),
            "initialize (revision 2025-11-25) failed: Could not reach http://h/mcp (TypeError: Failed to fetch). (Tried before: server/discover: Could not reach http://h/mcp (TypeError: Failed to fetch).)"
        );
    }

    #[test]
    fn falling_back_quotes_the_server_and_says_what_happens_next() {
        let refused = |message: &str| {
            Error::new(
                call(0),
                Failure::Status {
                    status: 400,
                    excerpt: String::new(),
                    rpc: Some(ErrorData::new(ErrorCode(-32600), message.to_owned(), None)),
                },
            )
        };
        assert_eq!(
            falling_back("summarize", "py", &refused("No back-channel.")),
            "summarize asks the client for input the 2025 way, on the tool call's own stream, and a 2026-07-28 call has no such back-channel (the server said: No back-channel.). Reconnecting to py at 2025-11-25, which it also speaks, and calling summarize again with the same arguments. This server is met at 2025-11-25 from now on in this browser tab."
        );
        for (method, asks) in [
            ("sampling/createMessage", "for sampling the 2025 way"),
            (
                "elicitation/create",
                "for a question (elicitation) the 2025 way",
            ),
            ("roots/list", "for the roots the 2025 way"),
        ] {
            let said = falling_back(
                "t",
                "py",
                &refused(&format!("Cannot send '{method}': no back-channel")),
            );
            assert!(
                said.starts_with(&format!("t asks the client {asks}, ")),
                "{said}"
            );
        }
    }
}
