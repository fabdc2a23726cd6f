//! One entry point over the wire formats: the request for a provider, and the decoder of its
//! (streamed) answer.

use crate::anthropic::{self, AnthropicStream};
use crate::call::LlmRequest;
use crate::completion::Completion;
use crate::error::ProviderError;
use crate::gemini::{self, GeminiAnswer};
use crate::openai::{self, OpenAiStream};
use crate::provider::{ProviderConfig, ProviderKind, WireFormat};
use crate::sampling::{MappingError, Sampling};

/// The HTTP request that asks `config`'s provider for a completion from `model`.
pub fn request(
    config: &ProviderConfig,
    model: &str,
    sampling: &Sampling,
    stream: bool,
) -> Result<LlmRequest, MappingError> {
    if config.kind.needs_key() && config.api_key.trim().is_empty() {
        return Err(MappingError(format!(
            "{} needs an API key: enter it in Provider settings (it stays in this browser).",
            config.kind.label()
        )));
    }
    match config.kind.wire_format() {
        WireFormat::OpenAiChat => openai::build(config, model, sampling, stream),
        WireFormat::AnthropicMessages => anthropic::build(config, model, sampling, stream),
        WireFormat::Gemini => gemini::build(config, model, sampling, stream),
        WireFormat::Local => Err(MappingError(format!(
            "{} answers in the page; there is nothing to send",
            config.kind.label()
        ))),
    }
}

/// Reads a complete (non-streamed) answer.
pub fn parse(
    kind: ProviderKind,
    body: &str,
    model_asked: &str,
) -> Result<Completion, ProviderError> {
    match kind.wire_format() {
        WireFormat::AnthropicMessages => anthropic::parse(body),
        WireFormat::Gemini => gemini::parse(body, model_asked),
        _ => openai::parse(kind, body),
    }
}

/// Assembles a streamed answer, whatever the provider.
#[derive(Debug)]
pub enum StreamDecoder {
    OpenAi(OpenAiStream),
    Anthropic(AnthropicStream),
    Gemini(GeminiAnswer),
}

impl StreamDecoder {
    pub fn new(kind: ProviderKind) -> Self {
        match kind.wire_format() {
            WireFormat::AnthropicMessages => StreamDecoder::Anthropic(AnthropicStream::new()),
            WireFormat::Gemini => StreamDecoder::Gemini(GeminiAnswer::new()),
            _ => StreamDecoder::OpenAi(OpenAiStream::new(kind)),
        }
    }

    /// One SSE event; returns the text it adds, if any.
    pub fn on_event(&mut self, event: &str, data: &str) -> Result<Option<String>, ProviderError> {
        match self {
            StreamDecoder::OpenAi(s) => s.on_data(data),
            StreamDecoder::Anthropic(s) => s.on_event(event, data),
            StreamDecoder::Gemini(s) => s.on_chunk(data),
        }
    }

    pub fn finish(self, model_asked: &str) -> Result<Completion, ProviderError> {
        match self {
            StreamDecoder::OpenAi(s) => s.finish(model_asked),
            StreamDecoder::Anthropic(s) => s.finish(model_asked),
            StreamDecoder::Gemini(s) => s.finish(model_asked),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_provider_that_needs_a_key_is_not_called_without_one() {
        let s = Sampling::from_json(&json!({"maxTokens": 5, "messages": []})).unwrap();
        let e = request(&ProviderConfig::new(ProviderKind::OpenAi), "m", &s, true).unwrap_err();
        assert!(e.0.contains("API key"));
        assert!(request(&ProviderConfig::new(ProviderKind::Ollama), "m", &s, true).is_ok());
    }
}
