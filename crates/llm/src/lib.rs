//! MCP Desk's LLM providers **without I/O**: they turn a reviewed sampling request into a
//! completion (or, for network providers, into the HTTP request to make and the parser of
//! its answer) and the completion into the `CreateMessageResult` the server receives.
//!
//! Today: the built-in [`mock`] provider for demos with no key, and [`ProviderKind::Manual`],
//! where a person writes the completion.

pub mod completion;
pub mod mock;
pub mod provider;

pub use completion::{Completion, StopReason};
pub use provider::ProviderKind;
