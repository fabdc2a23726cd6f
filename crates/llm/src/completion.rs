//! A completion as the person reviews it, and its conversion into MCP's `CreateMessageResult`.

use mcp_desk_protocol::model::{CreateMessageResult, SamplingMessage};

/// Why generation stopped, in MCP's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    /// Any other reason a provider gave, kept as it came.
    Other(String),
}

impl StopReason {
    pub fn as_str(&self) -> &str {
        match self {
            StopReason::EndTurn => "endTurn",
            StopReason::MaxTokens => "maxTokens",
            StopReason::StopSequence => "stopSequence",
            StopReason::ToolUse => "toolUse",
            StopReason::Other(s) => s,
        }
    }
}

/// The text a model (or a person) produced, with the model that really answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub model: String,
    pub stop_reason: StopReason,
}

impl Completion {
    /// The result sent to the server: an assistant text message, the model, the stop reason.
    pub fn into_result(self) -> CreateMessageResult {
        CreateMessageResult::new(SamplingMessage::assistant_text(self.text), self.model)
            .with_stop_reason(self.stop_reason.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn becomes_the_wire_result() {
        let result = Completion {
            text: "Short.".into(),
            model: "mock-1".into(),
            stop_reason: StopReason::MaxTokens,
        }
        .into_result();
        assert_eq!(
            serde_json::to_value(result).unwrap(),
            json!({"role": "assistant", "content": {"type": "text", "text": "Short."},
                   "model": "mock-1", "stopReason": "maxTokens"})
        );
    }
}
