//! MCP Desk's LLM providers **without I/O**: they turn a reviewed sampling request into the
//! HTTP request a provider needs, read its answer (whole or streamed) back into a completion,
//! and turn that into the `CreateMessageResult` the server receives. The browser layer does
//! the fetching.
//!
//! Wire formats: [`openai`] Chat Completions (OpenAI, OpenRouter, Ollama and every
//! OpenAI-compatible server), [`anthropic`] Messages, [`gemini`] `generateContent`; plus the
//! built-in [`mock`] and the Manual provider (a person writes the answer). [`model_choice`]
//! picks the model from the server's preferences; [`error`] says what failed in plain words.

pub mod anthropic;
pub mod call;
pub mod completion;
pub mod dispatch;
pub mod error;
pub mod gemini;
pub mod mock;
pub mod model_choice;
pub mod openai;
pub mod provider;
pub mod sampling;

pub use call::LlmRequest;
pub use completion::{Completion, StopReason, ToolCall};
pub use dispatch::StreamDecoder;
pub use error::{ErrorKind, ProviderError};
pub use provider::{ProviderConfig, ProviderKind, WireFormat};
pub use sampling::{MappingError, Sampling};
