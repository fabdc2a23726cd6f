//! Anthropic Messages (`POST {base}/messages`): request mapping (with the header that allows
//! calls from a browser), the answer, and the streamed answer (`message_start`,
//! `content_block_*`, `message_delta`, `message_stop`, `ping`, `error` events).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::call::LlmRequest;
use crate::completion::{Completion, StopReason, ToolCall, tool_input};
use crate::error::{ErrorKind, ProviderError};
use crate::provider::{ProviderConfig, ProviderKind};
use crate::sampling::{Block, MappingError, Role, Sampling, ToolChoice};

/// The API version MCP Desk speaks.
pub const API_VERSION: &str = "2023-06-01";

pub fn build(
    config: &ProviderConfig,
    model: &str,
    s: &Sampling,
    stream: bool,
) -> Result<LlmRequest, MappingError> {
    let messages = s
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let content = m
                .blocks
                .iter()
                .map(|b| block(i, b))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(json!({
                "role": match m.role { Role::User => "user", Role::Assistant => "assistant" },
                "content": content,
            }))
        })
        .collect::<Result<Vec<_>, MappingError>>()?;
    let mut body = json!({"model": model, "max_tokens": s.max_tokens, "messages": messages});
    if let Some(system) = &s.system {
        body["system"] = json!(system);
    }
    if let Some(t) = s.temperature {
        body["temperature"] = json!(t);
    }
    if !s.stop_sequences.is_empty() {
        body["stop_sequences"] = json!(s.stop_sequences);
    }
    if !s.tools.is_empty() {
        body["tools"] = Value::Array(
            s.tools
                .iter()
                .map(|t| t.declaration("input_schema"))
                .collect(),
        );
    }
    if let Some(choice) = s.tool_choice {
        body["tool_choice"] = json!({"type": match choice {
            ToolChoice::Auto => "auto",
            ToolChoice::Required => "any",
            ToolChoice::None => "none",
        }});
    }
    if stream {
        body["stream"] = json!(true);
    }
    Ok(LlmRequest {
        url: format!("{}/messages", config.base()),
        headers: vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("x-api-key".to_owned(), config.api_key.clone()),
            ("anthropic-version".to_owned(), API_VERSION.to_owned()),
            (
                "anthropic-dangerous-direct-browser-access".to_owned(),
                "true".to_owned(),
            ),
        ],
        body: body.to_string(),
        stream,
    })
}

fn block(i: usize, b: &Block) -> Result<Value, MappingError> {
    Ok(match b {
        Block::Text(t) => json!({"type": "text", "text": t}),
        Block::Image { data, mime_type } => json!({
            "type": "image",
            "source": {"type": "base64", "media_type": mime_type, "data": data}
        }),
        Block::Audio { .. } => {
            return Err(MappingError(format!(
                "message {}: Anthropic's models take no audio; answer by hand or pick a provider that does",
                i + 1
            )));
        }
        Block::ToolUse { id, name, input } => {
            json!({"type": "tool_use", "id": id, "name": name, "input": input})
        }
        Block::ToolResult {
            tool_use_id,
            content,
            is_error,
        } => {
            let content = content
                .iter()
                .map(|c| block(i, c))
                .collect::<Result<Vec<_>, _>>()?;
            let mut result =
                json!({"type": "tool_result", "tool_use_id": tool_use_id, "content": content});
            if *is_error {
                result["is_error"] = json!(true);
            }
            result
        }
    })
}

fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "end_turn" => StopReason::EndTurn,
        "max_tokens" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        "tool_use" => StopReason::ToolUse,
        other => StopReason::Other(other.to_owned()),
    }
}

pub fn parse(body: &str) -> Result<Completion, ProviderError> {
    let kind = ProviderKind::Anthropic;
    let value: Value = serde_json::from_str(body).map_err(|e| ProviderError::malformed(kind, e))?;
    let content = value
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| ProviderError::malformed(kind, "no content"))?;
    let mut text = String::new();
    let mut tool_calls = Vec::new();
    for b in content {
        match b.get("type").and_then(Value::as_str) {
            Some("text") => {
                text.push_str(b.get("text").and_then(Value::as_str).unwrap_or_default())
            }
            Some("tool_use") => tool_calls.push(ToolCall {
                id: b
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                name: b
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                input: b
                    .get("input")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
            }),
            Some("thinking" | "redacted_thinking") => {}
            other => {
                return Err(ProviderError::malformed(
                    kind,
                    format!("a content block of type {other:?} it cannot pass on"),
                ));
            }
        }
    }
    Ok(Completion {
        text,
        tool_calls,
        model: value
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        output_tokens: value
            .pointer("/usage/output_tokens")
            .and_then(Value::as_u64),
        stop_reason: stop_reason(
            value
                .get("stop_reason")
                .and_then(Value::as_str)
                .unwrap_or("end_turn"),
        ),
    })
}

/// A content block being streamed.
#[derive(Debug)]
enum Partial {
    Text,
    ToolUse {
        id: String,
        name: String,
        json: String,
    },
    Ignored,
}

/// Assembles a streamed answer event by event.
#[derive(Debug, Default)]
pub struct AnthropicStream {
    model: String,
    text: String,
    blocks: BTreeMap<u64, Partial>,
    calls: Vec<ToolCall>,
    stop: Option<String>,
    stopped: bool,
    /// The tokens written so far (`usage` of `message_start`, then of each `message_delta`,
    /// which counts them all).
    tokens: Option<u64>,
}

impl AnthropicStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// One SSE event (`event` name and `data`); returns the new text, if any.
    pub fn on_event(&mut self, event: &str, data: &str) -> Result<Option<String>, ProviderError> {
        let kind = ProviderKind::Anthropic;
        let value: Value =
            serde_json::from_str(data).map_err(|e| ProviderError::malformed(kind, e))?;
        let name = if event.is_empty() || event == "message" {
            value
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
        } else {
            event
        };
        let index = value.get("index").and_then(Value::as_u64).unwrap_or(0);
        match name {
            "message_start" => {
                self.tokens = value
                    .pointer("/message/usage/output_tokens")
                    .and_then(Value::as_u64);
                self.model = value
                    .pointer("/message/model")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
            }
            "content_block_start" => {
                let block = &value["content_block"];
                let partial = match block.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        let initial = block
                            .get("text")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        self.text.push_str(initial);
                        self.blocks.insert(index, Partial::Text);
                        return Ok(Some(initial.to_owned()).filter(|t| !t.is_empty()));
                    }
                    Some("tool_use") => Partial::ToolUse {
                        id: block
                            .get("id")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        name: block
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        json: String::new(),
                    },
                    _ => Partial::Ignored,
                };
                self.blocks.insert(index, partial);
            }
            "content_block_delta" => {
                let delta = &value["delta"];
                match (
                    delta.get("type").and_then(Value::as_str),
                    self.blocks.get_mut(&index),
                ) {
                    (Some("text_delta"), _) => {
                        let t = delta
                            .get("text")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        self.text.push_str(t);
                        return Ok(Some(t.to_owned()));
                    }
                    (Some("input_json_delta"), Some(Partial::ToolUse { json, .. })) => {
                        json.push_str(
                            delta
                                .get("partial_json")
                                .and_then(Value::as_str)
                                .unwrap_or_default(),
                        );
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                if let Some(Partial::ToolUse { id, name, json }) = self.blocks.remove(&index) {
                    let input = tool_input(&name, &json)?;
                    self.calls.push(ToolCall { id, name, input });
                }
            }
            "message_delta" => {
                if let Some(reason) = value.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    self.stop = Some(reason.to_owned());
                }
                if let Some(n) = value
                    .pointer("/usage/output_tokens")
                    .and_then(Value::as_u64)
                {
                    self.tokens = Some(n);
                }
            }
            "message_stop" => self.stopped = true,
            "ping" => {}
            "error" => {
                let message = value
                    .pointer("/error/message")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown error");
                let kind_name = value
                    .pointer("/error/type")
                    .and_then(Value::as_str)
                    .unwrap_or("error");
                return Err(ProviderError::new(
                    ErrorKind::ServerTrouble,
                    format!(
                        "Anthropic failed while answering ({kind_name}): {message}. Regenerate to try again."
                    ),
                ));
            }
            _ => {}
        }
        Ok(None)
    }

    pub fn finish(self, model_asked: &str) -> Result<Completion, ProviderError> {
        let (true, Some(stop)) = (self.stopped, self.stop) else {
            return Err(ProviderError::new(
                ErrorKind::MalformedAnswer,
                "Anthropic's stream ended before message_stop; the text so far is kept, Regenerate to try again.",
            ));
        };
        Ok(Completion {
            text: self.text,
            tool_calls: self.calls,
            model: if self.model.is_empty() {
                model_asked.to_owned()
            } else {
                self.model
            },
            stop_reason: stop_reason(&stop),
            output_tokens: self.tokens,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_request_with_browser_access_headers() {
        let mut config = ProviderConfig::new(ProviderKind::Anthropic);
        config.api_key = "sk-ant".into();
        let s = Sampling::from_json(&json!({
            "systemPrompt": "Brief.", "maxTokens": 200, "temperature": 0.3, "stopSequences": ["END"],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "Look"}, {"type": "image", "data": "QQ==", "mimeType": "image/jpeg"}]},
                {"role": "assistant", "content": {"type": "tool_use", "id": "tu1", "name": "w", "input": {"a": 1}}},
                {"role": "user", "content": {"type": "tool_result", "toolUseId": "tu1", "content": [{"type": "text", "text": "ok"}], "isError": true}}
            ],
            "tools": [{"name": "w", "inputSchema": {"type": "object"}}],
            "toolChoice": {"mode": "required"}
        }))
        .unwrap();
        let r = build(&config, "claude-x", &s, true).unwrap();
        assert_eq!(r.url, "https://api.anthropic.com/v1/messages");
        assert_eq!(r.header("x-api-key"), Some("sk-ant"));
        assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
        assert_eq!(
            r.header("anthropic-dangerous-direct-browser-access"),
            Some("true")
        );
        let b: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            b,
            json!({
                "model": "claude-x", "max_tokens": 200, "system": "Brief.", "temperature": 0.3,
                "stop_sequences": ["END"], "stream": true,
                "messages": [
                    {"role": "user", "content": [
                        {"type": "text", "text": "Look"},
                        {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "QQ=="}}
                    ]},
                    {"role": "assistant", "content": [{"type": "tool_use", "id": "tu1", "name": "w", "input": {"a": 1}}]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "tu1", "content": [{"type": "text", "text": "ok"}], "is_error": true}]}
                ],
                "tools": [{"name": "w", "input_schema": {"type": "object"}}],
                "tool_choice": {"type": "any"}
            })
        );
    }

    #[test]
    fn refuses_audio() {
        let s = Sampling::from_json(&json!({"maxTokens": 5, "messages": [{"role": "user", "content": {"type": "audio", "data": "x", "mimeType": "audio/wav"}}]})).unwrap();
        assert!(
            build(
                &ProviderConfig::new(ProviderKind::Anthropic),
                "c",
                &s,
                false
            )
            .unwrap_err()
            .0
            .contains("audio")
        );
    }

    #[test]
    fn parses_an_answer_with_text_and_a_tool_use() {
        let body = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022",
            "content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"w","input":{"city":"Oslo"}}],
            "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}"#;
        let c = parse(body).unwrap();
        assert_eq!(c.text, "Let me check.");
        assert_eq!(c.model, "claude-3-5-haiku-20241022");
        assert_eq!(c.stop_reason, StopReason::ToolUse);
        assert_eq!(c.tool_calls[0].input["city"], "Oslo");
        assert_eq!(c.output_tokens, Some(5));
        let stopped = body.replace(
            "\"tool_use\",\"stop_sequence\":null",
            "\"stop_sequence\",\"stop_sequence\":\"END\"",
        );
        assert_eq!(
            parse(&stopped).unwrap().stop_reason,
            StopReason::StopSequence
        );
    }

    #[test]
    fn assembles_the_event_stream() {
        let events = [
            (
                "message_start",
                r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-3-5-haiku-20241022","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}"#,
            ),
            (
                "content_block_start",
                r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            ),
            ("ping", r#"{"type": "ping"}"#),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"#,
            ),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}"#,
            ),
            (
                "content_block_stop",
                r#"{"type":"content_block_stop","index":0}"#,
            ),
            (
                "content_block_start",
                r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"w","input":{}}}"#,
            ),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Os"}}"#,
            ),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"lo\"}"}}"#,
            ),
            (
                "content_block_stop",
                r#"{"type":"content_block_stop","index":1}"#,
            ),
            (
                "message_delta",
                r#"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":15}}"#,
            ),
            ("message_stop", r#"{"type":"message_stop"}"#),
        ];
        let mut s = AnthropicStream::new();
        let mut text = String::new();
        for (event, data) in events {
            if let Some(d) = s.on_event(event, data).unwrap() {
                text.push_str(&d);
            }
        }
        assert_eq!(text, "Hello!");
        let c = s.finish("asked").unwrap();
        assert_eq!(c.model, "claude-3-5-haiku-20241022");
        assert_eq!(c.stop_reason, StopReason::ToolUse);
        assert_eq!(c.tool_calls[0].input["city"], "Oslo");
        // message_delta's usage counts every token written, not the ones since message_start.
        assert_eq!(c.output_tokens, Some(15));
    }

    #[test]
    fn an_error_event_or_a_cut_stream_is_reported() {
        let mut s = AnthropicStream::new();
        let e = s
            .on_event(
                "error",
                r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
            )
            .unwrap_err();
        assert!(e.message.contains("Overloaded"));
        let mut s = AnthropicStream::new();
        s.on_event(
            "message_start",
            r#"{"type":"message_start","message":{"model":"c"}}"#,
        )
        .unwrap();
        assert_eq!(s.finish("c").unwrap_err().kind, ErrorKind::MalformedAnswer);
    }
}
