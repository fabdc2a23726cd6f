//! Google Gemini's native API (`models/{model}:generateContent`, and
//! `:streamGenerateContent?alt=sse` whose events each carry a `GenerateContentResponse`):
//! request mapping, the answer and the streamed answer.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::call::LlmRequest;
use crate::completion::{Completion, StopReason, ToolCall};
use crate::error::{ErrorKind, ProviderError};
use crate::provider::{ProviderConfig, ProviderKind};
use crate::sampling::{Block, MappingError, Role, Sampling, ToolChoice, blocks_text};

pub fn build(
    config: &ProviderConfig,
    model: &str,
    s: &Sampling,
    stream: bool,
) -> Result<LlmRequest, MappingError> {
    // functionResponse names the function, MCP's tool_result only its call id.
    let mut names: HashMap<&str, &str> = HashMap::new();
    for m in &s.messages {
        for b in &m.blocks {
            if let Block::ToolUse { id, name, .. } = b {
                names.insert(id, name);
            }
        }
    }
    let mut contents = Vec::new();
    for (i, m) in s.messages.iter().enumerate() {
        let mut parts = Vec::new();
        for b in &m.blocks {
            parts.push(match b {
                Block::Text(t) => json!({"text": t}),
                Block::Image { data, mime_type } | Block::Audio { data, mime_type } => {
                    json!({"inlineData": {"mimeType": mime_type, "data": data}})
                }
                Block::ToolUse { id, name, input } => {
                    json!({"functionCall": {"id": id, "name": name, "args": input}})
                }
                Block::ToolResult { tool_use_id, content, is_error } => {
                    let name = names.get(tool_use_id.as_str()).ok_or_else(|| {
                        MappingError(format!(
                            "message {}: the tool_result for {tool_use_id} answers no earlier tool_use, and Gemini needs the function's name",
                            i + 1
                        ))
                    })?;
                    let key = if *is_error { "error" } else { "result" };
                    json!({"functionResponse": {"id": tool_use_id, "name": name, "response": {key: blocks_text(content)}}})
                }
            });
        }
        contents.push(json!({
            "role": match m.role { Role::User => "user", Role::Assistant => "model" },
            "parts": parts,
        }));
    }
    let mut generation = json!({"maxOutputTokens": s.max_tokens});
    if let Some(t) = s.temperature {
        generation["temperature"] = json!(t);
    }
    if !s.stop_sequences.is_empty() {
        generation["stopSequences"] = json!(s.stop_sequences);
    }
    let mut body = json!({"contents": contents, "generationConfig": generation});
    if let Some(system) = &s.system {
        body["systemInstruction"] = json!({"parts": [{"text": system}]});
    }
    if !s.tools.is_empty() {
        let declarations: Vec<Value> = s
            .tools
            .iter()
            .map(|t| t.declaration("parameters"))
            .collect();
        body["tools"] = json!([{"functionDeclarations": declarations}]);
    }
    if let Some(choice) = s.tool_choice {
        body["toolConfig"] = json!({"functionCallingConfig": {"mode": match choice {
            ToolChoice::Auto => "AUTO",
            ToolChoice::Required => "ANY",
            ToolChoice::None => "NONE",
        }}});
    }
    let url = if stream {
        format!(
            "{}/models/{model}:streamGenerateContent?alt=sse",
            config.base()
        )
    } else {
        format!("{}/models/{model}:generateContent", config.base())
    };
    Ok(LlmRequest {
        url,
        headers: vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("x-goog-api-key".to_owned(), config.api_key.clone()),
        ],
        body: body.to_string(),
        stream,
    })
}

/// Accumulates `GenerateContentResponse`s: one for a plain answer, many when streamed.
#[derive(Debug, Default)]
pub struct GeminiAnswer {
    text: String,
    calls: Vec<ToolCall>,
    model: String,
    finish: Option<String>,
    /// The tokens written, from the latest `usageMetadata`.
    tokens: Option<u64>,
}

impl GeminiAnswer {
    pub fn new() -> Self {
        Self::default()
    }

    /// One response (or stream chunk); returns its new text, if any.
    pub fn on_chunk(&mut self, data: &str) -> Result<Option<String>, ProviderError> {
        let kind = ProviderKind::Gemini;
        let value: Value =
            serde_json::from_str(data).map_err(|e| ProviderError::malformed(kind, e))?;
        if let Some(message) = value.pointer("/error/message").and_then(Value::as_str) {
            return Err(ProviderError::new(
                ErrorKind::ServerTrouble,
                format!("Gemini failed while answering: {message}"),
            ));
        }
        if let Some(reason) = value
            .pointer("/promptFeedback/blockReason")
            .and_then(Value::as_str)
        {
            return Err(ProviderError::new(
                ErrorKind::BadRequest,
                format!(
                    "Gemini refused the prompt ({reason}). Edit the request and generate again, or answer by hand."
                ),
            ));
        }
        if let Some(model) = value.get("modelVersion").and_then(Value::as_str) {
            self.model = model.to_owned();
        }
        if let Some(n) = value
            .pointer("/usageMetadata/candidatesTokenCount")
            .and_then(Value::as_u64)
        {
            self.tokens = Some(n);
        }
        let Some(candidate) = value.pointer("/candidates/0") else {
            return Ok(None);
        };
        if let Some(reason) = candidate.get("finishReason").and_then(Value::as_str) {
            self.finish = Some(reason.to_owned());
        }
        let mut new_text = String::new();
        for part in candidate
            .pointer("/content/parts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if part.get("thought").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            if let Some(t) = part.get("text").and_then(Value::as_str) {
                new_text.push_str(t);
            }
            if let Some(call) = part.get("functionCall") {
                let n = self.calls.len() + 1;
                self.calls.push(ToolCall {
                    id: call
                        .get("id")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("gemini-call-{n}")),
                    name: call
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    input: call
                        .get("args")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_else(Map::new),
                });
            }
        }
        self.text.push_str(&new_text);
        Ok(Some(new_text).filter(|t| !t.is_empty()))
    }

    pub fn finish(self, model_asked: &str) -> Result<Completion, ProviderError> {
        let Some(finish) = self.finish else {
            return Err(ProviderError::new(
                ErrorKind::MalformedAnswer,
                "Gemini's answer ended without a finishReason; the text so far is kept, Regenerate to try again.",
            ));
        };
        let stop_reason = match finish.as_str() {
            "STOP" if !self.calls.is_empty() => StopReason::ToolUse,
            "STOP" => StopReason::EndTurn,
            "MAX_TOKENS" => StopReason::MaxTokens,
            other => StopReason::Other(other.to_ascii_lowercase()),
        };
        Ok(Completion {
            text: self.text,
            tool_calls: self.calls,
            model: if self.model.is_empty() {
                model_asked.to_owned()
            } else {
                self.model
            },
            stop_reason,
            output_tokens: self.tokens,
        })
    }
}

/// Reads a complete (non-streamed) answer.
pub fn parse(body: &str, model_asked: &str) -> Result<Completion, ProviderError> {
    let mut answer = GeminiAnswer::new();
    answer.on_chunk(body)?;
    answer.finish(model_asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_contents_system_generation_config_and_tools() {
        let mut config = ProviderConfig::new(ProviderKind::Gemini);
        config.api_key = "AIza".into();
        let s = Sampling::from_json(&json!({
            "systemPrompt": "Brief.", "maxTokens": 99, "temperature": 0.1, "stopSequences": ["X"],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "Hear"}, {"type": "audio", "data": "UklG", "mimeType": "audio/wav"}]},
                {"role": "assistant", "content": {"type": "tool_use", "id": "c1", "name": "w", "input": {"city": "Oslo"}}},
                {"role": "user", "content": {"type": "tool_result", "toolUseId": "c1", "content": [{"type": "text", "text": "-3C"}]}}
            ],
            "tools": [{"name": "w", "description": "Weather", "inputSchema": {"type": "object"}}],
            "toolChoice": {"mode": "none"}
        }))
        .unwrap();
        let r = build(&config, "gemini-2.0-flash", &s, true).unwrap();
        assert_eq!(
            r.url,
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"
        );
        assert_eq!(r.header("x-goog-api-key"), Some("AIza"));
        let b: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            b,
            json!({
                "contents": [
                    {"role": "user", "parts": [{"text": "Hear"}, {"inlineData": {"mimeType": "audio/wav", "data": "UklG"}}]},
                    {"role": "model", "parts": [{"functionCall": {"id": "c1", "name": "w", "args": {"city": "Oslo"}}}]},
                    {"role": "user", "parts": [{"functionResponse": {"id": "c1", "name": "w", "response": {"result": "-3C"}}}]}
                ],
                "systemInstruction": {"parts": [{"text": "Brief."}]},
                "generationConfig": {"maxOutputTokens": 99, "temperature": 0.1, "stopSequences": ["X"]},
                "tools": [{"functionDeclarations": [{"name": "w", "description": "Weather", "parameters": {"type": "object"}}]}],
                "toolConfig": {"functionCallingConfig": {"mode": "NONE"}}
            })
        );
        let plain = build(&config, "gemini-2.0-flash", &s, false).unwrap();
        assert!(
            plain
                .url
                .ends_with("/models/gemini-2.0-flash:generateContent")
        );
    }

    #[test]
    fn a_tool_result_without_its_tool_use_is_refused() {
        let s = Sampling::from_json(&json!({"maxTokens": 5, "messages": [
            {"role": "user", "content": {"type": "tool_result", "toolUseId": "zz", "content": []}}]}))
        .unwrap();
        assert!(build(&ProviderConfig::new(ProviderKind::Gemini), "g", &s, false).is_err());
    }

    #[test]
    fn parses_answers_and_streams() {
        let body = r#"{"candidates":[{"content":{"parts":[{"text":"Cold."}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],
            "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"totalTokenCount":4},"modelVersion":"gemini-2.0-flash-001"}"#;
        let c = parse(body, "gemini-2.0-flash").unwrap();
        assert_eq!(
            (c.text.as_str(), c.model.as_str(), c.stop_reason),
            ("Cold.", "gemini-2.0-flash-001", StopReason::MaxTokens)
        );
        assert_eq!(c.output_tokens, Some(1));

        let mut s = GeminiAnswer::new();
        let chunks = [
            r#"{"candidates":[{"content":{"parts":[{"text":"It is "}],"role":"model"},"index":0}],"modelVersion":"gemini-2.0-flash-001"}"#,
            r#"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"w","args":{"city":"Oslo"}}}],"role":"model"},"finishReason":"STOP","index":0}],"modelVersion":"gemini-2.0-flash-001"}"#,
        ];
        let deltas: Vec<String> = chunks
            .iter()
            .filter_map(|c| s.on_chunk(c).unwrap())
            .collect();
        assert_eq!(deltas, ["It is "]);
        let c = s.finish("g").unwrap();
        assert_eq!(c.stop_reason, StopReason::ToolUse);
        assert_eq!(c.tool_calls[0].name, "w");
        assert_eq!(c.tool_calls[0].input["city"], "Oslo");
        assert_eq!(c.output_tokens, None, "no usageMetadata, no count");
    }

    #[test]
    fn blocked_prompts_errors_and_cut_streams_are_reported() {
        assert_eq!(
            parse(r#"{"promptFeedback":{"blockReason":"SAFETY"}}"#, "g")
                .unwrap_err()
                .kind,
            ErrorKind::BadRequest
        );
        assert!(parse(r#"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#, "g").is_err());
        let mut s = GeminiAnswer::new();
        s.on_chunk(r#"{"candidates":[{"content":{"parts":[{"text":"Half"}]}}]}"#)
            .unwrap();
        assert_eq!(s.finish("g").unwrap_err().kind, ErrorKind::MalformedAnswer);
    }
}
