//! What went wrong, as data: what the session was doing, and how it failed — the HTTP status
//! and an excerpt of the body, the JSON-RPC error, the network's words, or a rule of the
//! protocol the answer broke. The app words these for people; nothing here is a sentence.

use crate::model::ErrorData;
use crate::revision::Revision;

/// What the session was doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doing {
    /// `server/discover` (2026-07-28 first).
    Discovering,
    /// `initialize`, offering this revision.
    Initializing(Revision),
    /// `notifications/initialized`.
    Confirming,
    /// The 2024-11-05 HTTP+SSE transport's GET, waiting for its `endpoint` event.
    OpeningLegacyStream,
    /// Connecting the way that worked last time.
    FollowingLastTime,
    ListingTools,
    /// A tool call; `round` 0 is the first send, n the send with round n's answers
    /// (2026-07-28 `input_required`).
    CallingTool {
        tool: String,
        round: u32,
    },
    Pinging,
    SettingLogLevel,
    /// A list other than the tools': `resources/list`, `resources/templates/list`,
    /// `prompts/list`.
    Listing(&'static str),
    ReadingResource(String),
    GettingPrompt(String),
    Subscribing(String),
    Unsubscribing(String),
    /// `completion/complete` for this argument.
    Completing(String),
    /// `subscriptions/listen` (2026-07-28).
    Listening,
    /// `tasks/cancel` (2025-11-25).
    CancellingTask,
}

/// How something failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No answer reached the page (refused, unreachable, blocked by CORS, aborted): the
    /// browser's words.
    Network(String),
    /// A status other than 2xx: the status, the start of the body, and the JSON-RPC error in
    /// it if there is one.
    Status {
        status: u16,
        excerpt: String,
        rpc: Option<ErrorData>,
    },
    /// The server wants a token (`401`), or a token with more scopes (`403` with
    /// `insufficient_scope`): the status, and its `WWW-Authenticate` challenge when the page
    /// could read it (S25 basic/authorization.mdx "Error Handling").
    Unauthorized {
        status: u16,
        challenge: Option<String>,
    },
    /// The server answered with a JSON-RPC error.
    Rpc(ErrorData),
    /// The answer could not be used: invalid JSON, a content type MCP does not use, too
    /// large, or a result of the wrong shape. Says what was wrong.
    Unusable(String),
    /// The response stream ended before the result.
    EndedEarly,
    /// No answer within this many seconds.
    TimedOut { seconds: u64 },
    /// The server forgot the session (404 with its id); a new one was started.
    SessionExpired,
    /// The session ended while this was waiting.
    SessionEnded,
    /// A 2026-07-28 server kept asking for input, this many rounds in a row.
    TooManyRounds(u32),
    /// The person rejected 2026-07-28 input `input`, so the request was not sent again.
    Declined { input: String },
    /// The server chose a protocol revision MCP Desk does not speak.
    UnknownRevision(String),
    /// The server supports only these revisions, none of which MCP Desk speaks.
    NoCommonRevision(Vec<String>),
    /// The forced revision was refused; why the server is not a 2026-07-28 one.
    ForcedRevisionRefused(Box<Failure>),
    /// `server/discover` listed no `supportedVersions`.
    NoVersionsListed,
    /// `server/discover` listed only revisions that open with `initialize`.
    OlderRevisions(Vec<String>),
    /// Not connected (yet, or any more).
    NotConnected,
}

/// Something the session knows that explains a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// A 404 without a session: the URL is probably wrong.
    CheckUrl,
    /// A 404 with a session id: it expired, or the server restarted.
    SessionGone,
    /// A 400 after `initialize` without a session id: the server may not expose
    /// `Mcp-Session-Id` to browsers.
    ExposeSessionId,
    /// A 403: the server may refuse this page's origin.
    OriginRefused,
    /// A call sent again with answers was refused: its `requestState` may have expired.
    RequestStateRefused,
    /// A 2026-07-28 call was refused because the tool sends its server-to-client request the
    /// 2025 way, on the call's own stream, which a stateless request does not have: the
    /// server also speaks 2025-11-25, where that works.
    WantsBackChannel,
}

/// A failure with what was being done when it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub doing: Doing,
    pub failure: Failure,
    pub hint: Option<Hint>,
}

impl Error {
    pub fn new(doing: Doing, failure: Failure) -> Self {
        Self {
            doing,
            failure,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: Option<Hint>) -> Self {
        self.hint = hint;
        self
    }

    /// The HTTP status, if the failure had one.
    pub fn status(&self) -> Option<u16> {
        match &self.failure {
            Failure::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The JSON-RPC error, if the server sent one.
    pub fn rpc(&self) -> Option<&ErrorData> {
        match &self.failure {
            Failure::Rpc(e) | Failure::Status { rpc: Some(e), .. } => Some(e),
            _ => None,
        }
    }
}

/// Why the person's answer to a server request could not be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    /// The session is closed: the server no longer waits.
    SessionClosed,
    /// Answered, cancelled, or gone with its call already.
    NotPending,
    /// A sampling answer must have the role `assistant`.
    NotAssistant,
    /// A sampling answer must name its model.
    NoModel,
}
