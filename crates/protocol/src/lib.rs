//! MCP Desk's protocol core: an MCP client **without I/O**.
//!
//! It decodes what servers send (SSE streams, JSON-RPC), keeps one session's state, says which
//! HTTP exchanges to perform next and when it next needs waking. The app's browser layer does
//! the fetching and keeps the clock; the app's state turns [`Event`]s into what a person sees.
//! Nothing here knows about a browser, a socket, a clock or an async runtime — every rule is a
//! plain host test. Failures are data ([`Error`]); the app words them.
//!
//! Payload types are rmcp's (`rmcp::model`, re-exported as [`model`]); rmcp marks its
//! sampling and logging types deprecated (SEP-2577), which the modules that use them allow.

pub mod auth;
pub mod elicitation;
pub mod error;
pub mod event;
pub mod http;
pub mod jsonrpc;
pub mod legacy_sse;
pub mod mrtr;
pub mod negotiation;
pub mod notification;
pub mod offer;
pub mod redact;
pub mod revision;
pub mod session;
pub mod sse;
pub mod stateless;
pub mod task;
pub mod time;

pub use error::{AnswerError, Doing, Error, Failure, Hint};
pub use event::{
    CallId, Closed, Event, Gone, InputId, LogEntry, LogLevel, LogSource, PendingElicitation,
    PendingSampling, RelatedCall,
};
pub use http::{HttpMethod, HttpRequest, ResponseHead, TransferId, Transmit};
pub use negotiation::Transport;
pub use revision::Revision;
pub use session::{ClientSession, SessionConfig};

/// rmcp's MCP model types, so that the other crates use exactly the same ones.
pub use rmcp::model;
