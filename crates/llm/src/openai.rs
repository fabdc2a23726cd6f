//! OpenAI Chat Completions (`POST {base}/chat/completions`), the format OpenAI, OpenRouter,
//! Ollama, LM Studio, llama.cpp, vLLM and Groq all speak: request mapping, the answer, and
//! the streamed answer (`data:` chunks ending in `[DONE]`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::call::LlmRequest;
use crate::completion::{Completion, StopReason, ToolCall, tool_input};
use crate::error::{ErrorKind, ProviderError};
use crate::provider::{ProviderConfig, ProviderKind};
use crate::sampling::{Block, MappingError, Role, Sampling, ToolChoice, blocks_text};

/// Builds the request for `model`.
pub fn build(
    config: &ProviderConfig,
    model: &str,
    s: &Sampling,
    stream: bool,
) -> Result<LlmRequest, MappingError> {
    let mut messages = Vec::new();
    if let Some(system) = &s.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    for (i, message) in s.messages.iter().enumerate() {
        match message.role {
            Role::User => user_messages(i, &message.blocks, &mut messages)?,
            Role::Assistant => messages.push(assistant_message(i, &message.blocks)?),
        }
    }
    let mut body = json!({"model": model, "messages": messages});
    // OpenAI's own API wants max_completion_tokens (its reasoning models refuse max_tokens);
    // the compatible servers know max_tokens.
    let max_key = if config.kind == ProviderKind::OpenAi {
        "max_completion_tokens"
    } else {
        "max_tokens"
    };
    body[max_key] = json!(s.max_tokens);
    if let Some(t) = s.temperature {
        body["temperature"] = json!(t);
    }
    if !s.stop_sequences.is_empty() {
        body["stop"] = json!(s.stop_sequences);
    }
    if !s.tools.is_empty() {
        body["tools"] = Value::Array(
            s.tools
                .iter()
                .map(|t| json!({"type": "function", "function": t.declaration("parameters")}))
                .collect(),
        );
    }
    if let Some(choice) = s.tool_choice {
        body["tool_choice"] = json!(match choice {
            ToolChoice::Auto => "auto",
            ToolChoice::Required => "required",
            ToolChoice::None => "none",
        });
    }
    if stream {
        body["stream"] = json!(true);
        if matches!(config.kind, ProviderKind::OpenAi | ProviderKind::OpenRouter) {
            body["stream_options"] = json!({"include_usage": true});
        }
    }
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if !config.api_key.is_empty() {
        headers.push((
            "Authorization".to_owned(),
            format!("Bearer {}", config.api_key),
        ));
    }
    if config.kind == ProviderKind::OpenRouter {
        headers.push(("X-Title".to_owned(), "MCP Desk".to_owned()));
    }
    Ok(LlmRequest {
        url: format!("{}/chat/completions", config.base()),
        headers,
        body: body.to_string(),
        stream,
    })
}

fn user_messages(i: usize, blocks: &[Block], out: &mut Vec<Value>) -> Result<(), MappingError> {
    let mut parts = Vec::new();
    for block in blocks {
        match block {
            Block::Text(t) => parts.push(json!({"type": "text", "text": t})),
            Block::Image { data, mime_type } => parts.push(json!({
                "type": "image_url",
                "image_url": {"url": format!("data:{mime_type};base64,{data}")}
            })),
            Block::Audio { data, mime_type } => {
                let format = match mime_type.as_str() {
                    "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
                    "audio/mpeg" | "audio/mp3" => "mp3",
                    other => {
                        return Err(MappingError(format!(
                            "message {}: Chat Completions takes audio as WAV or MP3 only, not {other}",
                            i + 1
                        )));
                    }
                };
                parts.push(
                    json!({"type": "input_audio", "input_audio": {"data": data, "format": format}}),
                );
            }
            Block::ToolResult {
                tool_use_id,
                content,
                is_error,
            } => {
                let text = blocks_text(content);
                let text = if *is_error {
                    format!("Error: {text}")
                } else {
                    text
                };
                out.push(json!({"role": "tool", "tool_call_id": tool_use_id, "content": text}));
            }
            Block::ToolUse { .. } => {
                return Err(MappingError(format!(
                    "message {}: a user message cannot hold a tool_use block",
                    i + 1
                )));
            }
        }
    }
    if parts.is_empty() {
        return Ok(());
    }
    let only_text = parts.iter().all(|p| p["type"] == "text");
    let content = if only_text {
        json!(
            parts
                .iter()
                .filter_map(|p| p["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        )
    } else {
        Value::Array(parts)
    };
    out.push(json!({"role": "user", "content": content}));
    Ok(())
}

fn assistant_message(i: usize, blocks: &[Block]) -> Result<Value, MappingError> {
    let mut text = Vec::new();
    let mut calls = Vec::new();
    for block in blocks {
        match block {
            Block::Text(t) => text.push(t.as_str()),
            Block::ToolUse { id, name, input } => calls.push(json!({
                "id": id,
                "type": "function",
                "function": {"name": name, "arguments": Value::Object(input.clone()).to_string()}
            })),
            other => {
                return Err(MappingError(format!(
                    "message {}: Chat Completions takes no {} block in an assistant message",
                    i + 1,
                    other.kind()
                )));
            }
        }
    }
    let mut message = json!({"role": "assistant"});
    message["content"] = if text.is_empty() {
        Value::Null
    } else {
        json!(text.join("\n"))
    };
    if !calls.is_empty() {
        message["tool_calls"] = Value::Array(calls);
    }
    Ok(message)
}

fn stop_reason(finish: &str) -> StopReason {
    match finish {
        "stop" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        "tool_calls" | "function_call" => StopReason::ToolUse,
        other => StopReason::Other(other.to_owned()),
    }
}

/// Reads a complete (non-streamed) answer.
pub fn parse(kind: ProviderKind, body: &str) -> Result<Completion, ProviderError> {
    let value: Value = serde_json::from_str(body).map_err(|e| ProviderError::malformed(kind, e))?;
    let choice = value
        .pointer("/choices/0")
        .ok_or_else(|| ProviderError::malformed(kind, "no choices"))?;
    let message = &choice["message"];
    let mut tool_calls = Vec::new();
    for call in message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = call
            .pointer("/function/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let arguments = call
            .pointer("/function/arguments")
            .and_then(Value::as_str)
            .unwrap_or_default();
        tool_calls.push(ToolCall {
            id: call
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            name: name.to_owned(),
            input: tool_input(name, arguments)?,
        });
    }
    Ok(Completion {
        text: message
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        tool_calls,
        model: value
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        output_tokens: value
            .pointer("/usage/completion_tokens")
            .and_then(Value::as_u64),
        stop_reason: stop_reason(
            choice
                .get("finish_reason")
                .and_then(Value::as_str)
                .unwrap_or("stop"),
        ),
    })
}

/// Assembles a streamed answer chunk by chunk.
#[derive(Debug)]
pub struct OpenAiStream {
    kind: ProviderKind,
    text: String,
    model: String,
    finish: Option<String>,
    /// The tokens written, from the usage chunk (when asked for with `include_usage`).
    tokens: Option<u64>,
    /// Tool calls by their `index`: (id, name, arguments so far).
    calls: BTreeMap<u64, (String, String, String)>,
    done: bool,
}

impl OpenAiStream {
    pub fn new(kind: ProviderKind) -> Self {
        OpenAiStream {
            kind,
            text: String::new(),
            model: String::new(),
            finish: None,
            tokens: None,
            calls: BTreeMap::new(),
            done: false,
        }
    }

    /// One SSE `data` payload; returns the new text, if any.
    pub fn on_data(&mut self, data: &str) -> Result<Option<String>, ProviderError> {
        if data.trim() == "[DONE]" {
            self.done = true;
            return Ok(None);
        }
        let chunk: Value =
            serde_json::from_str(data).map_err(|e| ProviderError::malformed(self.kind, e))?;
        if let Some(message) = chunk.get("error").map(|e| {
            e.get("message")
                .and_then(Value::as_str)
                .unwrap_or("unknown error")
        }) {
            return Err(ProviderError::new(
                ErrorKind::ServerTrouble,
                format!("{} failed while answering: {message}", self.kind.label()),
            ));
        }
        if let Some(model) = chunk
            .get("model")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
        {
            self.model = model.to_owned();
        }
        if let Some(n) = chunk
            .pointer("/usage/completion_tokens")
            .and_then(Value::as_u64)
        {
            self.tokens = Some(n);
        }
        let Some(choice) = chunk.pointer("/choices/0") else {
            return Ok(None); // the usage chunk
        };
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.finish = Some(reason.to_owned());
        }
        for call in choice
            .pointer("/delta/tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let index = call.get("index").and_then(Value::as_u64).unwrap_or(0);
            let entry = self.calls.entry(index).or_default();
            if let Some(id) = call.get("id").and_then(Value::as_str) {
                entry.0 = id.to_owned();
            }
            if let Some(name) = call.pointer("/function/name").and_then(Value::as_str) {
                entry.1.push_str(name);
            }
            if let Some(args) = call.pointer("/function/arguments").and_then(Value::as_str) {
                entry.2.push_str(args);
            }
        }
        match choice.pointer("/delta/content").and_then(Value::as_str) {
            Some(delta) if !delta.is_empty() => {
                self.text.push_str(delta);
                Ok(Some(delta.to_owned()))
            }
            _ => Ok(None),
        }
    }

    /// The stream ended: the whole completion, or why it is incomplete.
    pub fn finish(self, model_asked: &str) -> Result<Completion, ProviderError> {
        let Some(finish) = self.finish else {
            return Err(ProviderError::new(
                ErrorKind::MalformedAnswer,
                format!(
                    "{}'s stream ended before the answer was complete{}; the text so far is kept, Regenerate to try again.",
                    self.kind.label(),
                    if self.done {
                        " (no finish_reason)"
                    } else {
                        " (no [DONE])"
                    }
                ),
            ));
        };
        let mut tool_calls = Vec::new();
        for (_, (id, name, args)) in self.calls {
            let input = tool_input(&name, &args)?;
            tool_calls.push(ToolCall { id, name, input });
        }
        Ok(Completion {
            text: self.text,
            tool_calls,
            model: if self.model.is_empty() {
                model_asked.to_owned()
            } else {
                self.model
            },
            stop_reason: stop_reason(&finish),
            output_tokens: self.tokens,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampling(v: Value) -> Sampling {
        Sampling::from_json(&v).unwrap()
    }

    fn body(r: &LlmRequest) -> Value {
        serde_json::from_str(&r.body).unwrap()
    }

    #[test]
    fn maps_system_messages_parameters_and_auth() {
        let mut config = ProviderConfig::new(ProviderKind::OpenAi);
        config.api_key = "sk-test".into();
        let s = sampling(json!({
            "systemPrompt": "Be brief.", "maxTokens": 64, "temperature": 0.5, "stopSequences": ["##"],
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "Hi"}},
                {"role": "assistant", "content": {"type": "text", "text": "Hello"}},
                {"role": "user", "content": [{"type": "text", "text": "See"}, {"type": "image", "data": "AAA", "mimeType": "image/png"}]}
            ]
        }));
        let r = build(&config, "gpt-4o-mini", &s, false).unwrap();
        assert_eq!(r.url, "https://api.openai.com/v1/chat/completions");
        assert_eq!(r.header("authorization"), Some("Bearer sk-test"));
        assert_eq!(
            body(&r),
            json!({
                "model": "gpt-4o-mini",
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello"},
                    {"role": "user", "content": [
                        {"type": "text", "text": "See"},
                        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}}
                    ]}
                ],
                "max_completion_tokens": 64, "temperature": 0.5, "stop": ["##"]
            })
        );
    }

    #[test]
    fn compatible_servers_get_max_tokens_and_no_key_header_without_a_key() {
        let mut config = ProviderConfig::new(ProviderKind::Ollama);
        config.base_url = "http://127.0.0.1:1/v1/".into();
        let s = sampling(
            json!({"maxTokens": 9, "messages": [{"role": "user", "content": {"type": "text", "text": "x"}}]}),
        );
        let r = build(&config, "llama3", &s, true).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:1/v1/chat/completions");
        assert_eq!(r.header("authorization"), None);
        let b = body(&r);
        assert_eq!(b["max_tokens"], 9);
        assert_eq!(b["stream"], true);
        assert!(b.get("stream_options").is_none());
    }

    #[test]
    fn maps_tools_tool_choice_tool_uses_and_tool_results() {
        let s = sampling(json!({
            "maxTokens": 100,
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "Weather in Oslo?"}},
                {"role": "assistant", "content": {"type": "tool_use", "id": "c1", "name": "weather", "input": {"city": "Oslo"}}},
                {"role": "user", "content": {"type": "tool_result", "toolUseId": "c1", "content": [{"type": "text", "text": "-3C"}]}}
            ],
            "tools": [{"name": "weather", "description": "Now", "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
            "toolChoice": {"mode": "auto"}
        }));
        let b = body(
            &build(
                &ProviderConfig::new(ProviderKind::OpenAiCompatible),
                "m",
                &s,
                false,
            )
            .unwrap(),
        );
        assert_eq!(
            b["messages"][1],
            json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Oslo\"}"}}]})
        );
        assert_eq!(
            b["messages"][2],
            json!({"role": "tool", "tool_call_id": "c1", "content": "-3C"})
        );
        assert_eq!(
            b["tools"][0],
            json!({"type": "function", "function": {
            "name": "weather", "description": "Now", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}})
        );
        assert_eq!(b["tool_choice"], "auto");
    }

    #[test]
    fn refuses_audio_it_cannot_take_and_images_from_the_assistant() {
        let audio = sampling(
            json!({"maxTokens": 5, "messages": [{"role": "user", "content": {"type": "audio", "data": "x", "mimeType": "audio/ogg"}}]}),
        );
        let e = build(
            &ProviderConfig::new(ProviderKind::OpenAi),
            "m",
            &audio,
            false,
        )
        .unwrap_err();
        assert!(e.0.contains("audio/ogg"), "{e}");
        let wav = sampling(
            json!({"maxTokens": 5, "messages": [{"role": "user", "content": {"type": "audio", "data": "x", "mimeType": "audio/wav"}}]}),
        );
        let b = body(&build(&ProviderConfig::new(ProviderKind::OpenAi), "m", &wav, false).unwrap());
        assert_eq!(
            b["messages"][0]["content"][0],
            json!({"type": "input_audio", "input_audio": {"data": "x", "format": "wav"}})
        );
        let image = sampling(
            json!({"maxTokens": 5, "messages": [{"role": "assistant", "content": {"type": "image", "data": "x", "mimeType": "image/png"}}]}),
        );
        assert!(
            build(
                &ProviderConfig::new(ProviderKind::OpenAi),
                "m",
                &image,
                false
            )
            .is_err()
        );
    }

    #[test]
    fn parses_text_tool_calls_stop_reasons_and_the_answering_model() {
        let text = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hi there."},"finish_reason":"length"}],
            "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"#;
        let c = parse(ProviderKind::OpenAi, text).unwrap();
        assert_eq!(
            (c.text.as_str(), c.model.as_str(), c.stop_reason),
            ("Hi there.", "gpt-4o-mini-2024-07-18", StopReason::MaxTokens)
        );
        assert_eq!(c.output_tokens, Some(2));
        let tools = r#"{"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,
            "tool_calls":[{"id":"call_9","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
            "finish_reason":"tool_calls"}]}"#;
        let c = parse(ProviderKind::OpenAi, tools).unwrap();
        assert_eq!(c.stop_reason, StopReason::ToolUse);
        assert_eq!(c.output_tokens, None, "no usage, no count");
        assert_eq!(c.tool_calls[0].id, "call_9");
        assert_eq!(c.tool_calls[0].input["city"], "Oslo");
        let bad_args = tools.replace(r#"{\"city\":\"Oslo\"}"#, "not json");
        assert!(parse(ProviderKind::OpenAi, &bad_args).is_err());
        assert!(parse(ProviderKind::OpenAi, "{}").is_err());
        let filtered = r#"{"model":"m","choices":[{"message":{"content":""},"finish_reason":"content_filter"}]}"#;
        assert_eq!(
            parse(ProviderKind::OpenAi, filtered).unwrap().stop_reason,
            StopReason::Other("content_filter".into())
        );
    }

    #[test]
    fn assembles_a_streamed_answer_with_text_and_tool_call_fragments() {
        let mut s = OpenAiStream::new(ProviderKind::OpenAi);
        let chunks = [
            r#"{"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            r#"{"id":"c","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#,
            r#"{"id":"c","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"lo."},"finish_reason":null}]}"#,
            r#"{"id":"c","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}]},"finish_reason":null}]}"#,
            r#"{"id":"c","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}"#,
            r#"{"id":"c","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Oslo\"}"}}]},"finish_reason":null}]}"#,
            r#"{"id":"c","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            r#"{"id":"c","model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
            "[DONE]",
        ];
        let mut deltas = Vec::new();
        for c in chunks {
            if let Some(d) = s.on_data(c).unwrap() {
                deltas.push(d);
            }
        }
        assert_eq!(deltas, ["Hel", "lo."]);
        let c = s.finish("asked").unwrap();
        assert_eq!(c.text, "Hello.");
        assert_eq!(c.model, "gpt-4o-mini-2024-07-18");
        assert_eq!(c.stop_reason, StopReason::ToolUse);
        assert_eq!(c.tool_calls[0].input["city"], "Oslo");
        assert_eq!(c.output_tokens, Some(2), "from the usage chunk");
    }

    #[test]
    fn a_cut_stream_or_an_error_chunk_is_reported() {
        let mut s = OpenAiStream::new(ProviderKind::OpenAi);
        s.on_data(r#"{"model":"m","choices":[{"index":0,"delta":{"content":"Half"},"finish_reason":null}]}"#).unwrap();
        let e = s.finish("m").unwrap_err();
        assert_eq!(e.kind, ErrorKind::MalformedAnswer);
        let mut s = OpenAiStream::new(ProviderKind::OpenRouter);
        let e = s
            .on_data(r#"{"error":{"message":"upstream overloaded","code":502}}"#)
            .unwrap_err();
        assert!(e.message.contains("upstream overloaded"));
        assert!(
            OpenAiStream::new(ProviderKind::OpenAi)
                .on_data("{not json")
                .is_err()
        );
    }
}
