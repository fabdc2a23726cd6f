//! A completion as the person reviews it — text and tool calls, the model that really
//! answered, why it stopped — and its conversion into MCP's `CreateMessageResult`.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use mcp_desk_protocol::model::{
    CreateMessageResult, Role, SamplingMessage, SamplingMessageContentBlock,
};
use serde_json::{Map, Value};

use crate::error::{ErrorKind, ProviderError};

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

    /// Reads MCP's name back (the dialog's select).
    pub fn parse(text: &str) -> StopReason {
        match text {
            "endTurn" => StopReason::EndTurn,
            "maxTokens" => StopReason::MaxTokens,
            "stopSequence" => StopReason::StopSequence,
            "toolUse" => StopReason::ToolUse,
            other => StopReason::Other(other.to_owned()),
        }
    }
}

/// A tool call the model made.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub input: Map<String, Value>,
}

/// Reads a tool call's arguments as the model sent them (JSON text, possibly streamed in
/// pieces): empty means none; anything but a JSON object is refused, never dropped.
pub fn tool_input(name: &str, arguments: &str) -> Result<Map<String, Value>, ProviderError> {
    if arguments.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(arguments) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ProviderError::new(
            ErrorKind::MalformedAnswer,
            format!(
                "The model called {name} with arguments that are not a JSON object: {arguments}"
            ),
        )),
    }
}

/// What a model (or a person) produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    pub model: String,
    pub stop_reason: StopReason,
    /// How many tokens the model wrote, when its provider says.
    pub output_tokens: Option<u64>,
}

impl Completion {
    /// A text-only completion.
    pub fn text(
        text: impl Into<String>,
        model: impl Into<String>,
        stop_reason: StopReason,
    ) -> Self {
        Completion {
            text: text.into(),
            tool_calls: Vec::new(),
            model: model.into(),
            stop_reason,
            output_tokens: None,
        }
    }

    /// The result sent to the server: the assistant message (one text block, or the text and
    /// tool uses as a list), the model, the stop reason.
    pub fn into_result(self) -> CreateMessageResult {
        let mut blocks = Vec::new();
        if !self.text.is_empty() || self.tool_calls.is_empty() {
            blocks.push(SamplingMessageContentBlock::text(self.text));
        }
        for call in self.tool_calls {
            blocks.push(SamplingMessageContentBlock::tool_use(
                call.id, call.name, call.input,
            ));
        }
        let message = match blocks.pop() {
            Some(only) if blocks.is_empty() => SamplingMessage::new(Role::Assistant, only),
            Some(last) => {
                blocks.push(last);
                SamplingMessage::new_multiple(Role::Assistant, blocks)
            }
            None => SamplingMessage::assistant_text(""),
        };
        let mut result = CreateMessageResult::new(message, self.model);
        result.stop_reason = Some(self.stop_reason.as_str().to_owned());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_text_completion_becomes_one_text_block() {
        let result = Completion::text("Short.", "mock-1", StopReason::MaxTokens).into_result();
        assert_eq!(
            serde_json::to_value(result).unwrap(),
            json!({"role": "assistant", "content": {"type": "text", "text": "Short."},
                   "model": "mock-1", "stopReason": "maxTokens"})
        );
    }

    #[test]
    fn tool_calls_become_tool_use_blocks() {
        let mut input = Map::new();
        input.insert("city".into(), json!("Oslo"));
        let completion = Completion {
            text: String::new(),
            tool_calls: vec![ToolCall {
                id: "call_1".into(),
                name: "weather".into(),
                input,
            }],
            model: "gpt-x".into(),
            stop_reason: StopReason::ToolUse,
            output_tokens: None,
        };
        assert_eq!(
            serde_json::to_value(completion.into_result()).unwrap(),
            json!({"role": "assistant",
                   "content": {"type": "tool_use", "id": "call_1", "name": "weather", "input": {"city": "Oslo"}},
                   "model": "gpt-x", "stopReason": "toolUse"})
        );
    }

    #[test]
    fn stop_reasons_round_trip() {
        for r in ["endTurn", "maxTokens", "stopSequence", "toolUse", "refusal"] {
            assert_eq!(StopReason::parse(r).as_str(), r);
        }
    }
}
