//! A sampling request as the providers need it: read once from MCP's
//! `CreateMessageRequestParams` (as JSON, so every field the server sent is seen), with the
//! content a provider must refuse rather than drop kept visible.

use mcp_desk_protocol::model::CreateMessageRequestParams;
use serde_json::{Map, Value};

/// Who speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// One block of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Text(String),
    Image {
        data: String,
        mime_type: String,
    },
    Audio {
        data: String,
        mime_type: String,
    },
    ToolUse {
        id: String,
        name: String,
        input: Map<String, Value>,
    },
    ToolResult {
        tool_use_id: String,
        content: Vec<Block>,
        is_error: bool,
    },
}

impl Block {
    /// How the block is named in a refusal.
    pub fn kind(&self) -> &'static str {
        match self {
            Block::Text(_) => "text",
            Block::Image { .. } => "image",
            Block::Audio { .. } => "audio",
            Block::ToolUse { .. } => "tool_use",
            Block::ToolResult { .. } => "tool_result",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub role: Role,
    pub blocks: Vec<Block>,
}

/// A tool the model may call while sampling.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplingTool {
    pub name: String,
    pub description: Option<String>,
    pub input_schema: Value,
}

impl SamplingTool {
    /// The tool as most providers declare it: its name, its input schema under `schema_key`,
    /// and its description when it has one.
    pub fn declaration(&self, schema_key: &str) -> Value {
        let mut declaration = serde_json::json!({"name": self.name});
        declaration[schema_key] = self.input_schema.clone();
        if let Some(d) = &self.description {
            declaration["description"] = Value::String(d.clone());
        }
        declaration
    }
}

/// `toolChoice.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolChoice {
    Auto,
    Required,
    None,
}

/// What every provider maps from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampling {
    pub system: Option<String>,
    pub messages: Vec<Message>,
    pub max_tokens: u32,
    pub temperature: Option<f64>,
    pub stop_sequences: Vec<String>,
    pub tools: Vec<SamplingTool>,
    pub tool_choice: Option<ToolChoice>,
}

/// Why a request cannot be read or sent as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError(pub String);

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Sampling {
    /// Reads a (possibly edited) sampling request.
    pub fn from_params(params: &CreateMessageRequestParams) -> Result<Sampling, MappingError> {
        let value = serde_json::to_value(params).map_err(|e| MappingError(e.to_string()))?;
        Sampling::from_json(&value)
    }

    /// Reads `CreateMessageRequestParams` JSON.
    pub fn from_json(value: &Value) -> Result<Sampling, MappingError> {
        let messages = value
            .get("messages")
            .and_then(Value::as_array)
            .ok_or_else(|| MappingError("the request has no messages".into()))?
            .iter()
            .enumerate()
            .map(|(i, m)| read_message(i, m))
            .collect::<Result<Vec<_>, _>>()?;
        let tools = value
            .get("tools")
            .and_then(Value::as_array)
            .map(|tools| {
                tools
                    .iter()
                    .map(|t| SamplingTool {
                        name: t
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        description: t
                            .get("description")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        input_schema: t
                            .get("inputSchema")
                            .cloned()
                            .unwrap_or_else(|| serde_json::json!({"type": "object"})),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let tool_choice = match value.pointer("/toolChoice/mode").and_then(Value::as_str) {
            None => None,
            Some("auto") => Some(ToolChoice::Auto),
            Some("required") => Some(ToolChoice::Required),
            Some("none") => Some(ToolChoice::None),
            Some(other) => return Err(MappingError(format!("unknown toolChoice mode {other:?}"))),
        };
        Ok(Sampling {
            system: value
                .get("systemPrompt")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            messages,
            max_tokens: value
                .get("maxTokens")
                .and_then(Value::as_u64)
                .map(|n| n.min(u64::from(u32::MAX)) as u32)
                .ok_or_else(|| MappingError("the request has no maxTokens".into()))?,
            temperature: value.get("temperature").and_then(Value::as_f64),
            stop_sequences: value
                .get("stopSequences")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            tools,
            tool_choice,
        })
    }

    /// The text of the last user message (what a mock answers to).
    pub fn last_user_text(&self) -> String {
        self.messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(|m| {
                m.blocks
                    .iter()
                    .filter_map(|b| match b {
                        Block::Text(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }
}

fn read_message(index: usize, message: &Value) -> Result<Message, MappingError> {
    let role = match message.get("role").and_then(Value::as_str) {
        Some("user") => Role::User,
        Some("assistant") => Role::Assistant,
        other => {
            return Err(MappingError(format!(
                "message {} has the role {other:?}; only user and assistant exist",
                index + 1
            )));
        }
    };
    let blocks = match message.get("content") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|b| read_block(index, b))
            .collect::<Result<_, _>>()?,
        Some(single) => vec![read_block(index, single)?],
        None => {
            return Err(MappingError(format!(
                "message {} has no content",
                index + 1
            )));
        }
    };
    Ok(Message { role, blocks })
}

fn read_block(index: usize, block: &Value) -> Result<Block, MappingError> {
    let text = |key: &str| {
        block
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Ok(match block.get("type").and_then(Value::as_str) {
        Some("text") => Block::Text(text("text")),
        Some("image") => Block::Image {
            data: text("data"),
            mime_type: text("mimeType"),
        },
        Some("audio") => Block::Audio {
            data: text("data"),
            mime_type: text("mimeType"),
        },
        Some("tool_use") => Block::ToolUse {
            id: text("id"),
            name: text("name"),
            input: block
                .get("input")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        },
        Some("tool_result") => Block::ToolResult {
            tool_use_id: text("toolUseId"),
            content: block
                .get("content")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|b| read_block(index, b))
                        .collect::<Result<_, _>>()
                })
                .transpose()?
                .unwrap_or_default(),
            is_error: block
                .get("isError")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        other => {
            return Err(MappingError(format!(
                "message {} holds content of type {other:?}, which MCP Desk cannot send to a model",
                index + 1
            )));
        }
    })
}

/// The text inside tool-result content (what providers that take text only receive).
pub fn blocks_text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_field_and_block_kind() {
        let s = Sampling::from_json(&json!({
            "systemPrompt": "Be brief.",
            "maxTokens": 50,
            "temperature": 0.2,
            "stopSequences": ["END"],
            "messages": [
                {"role": "user", "content": [
                    {"type": "text", "text": "Look:"},
                    {"type": "image", "data": "iVBO", "mimeType": "image/png"}
                ]},
                {"role": "assistant", "content": {"type": "tool_use", "id": "t1", "name": "weather", "input": {"city": "Oslo"}}},
                {"role": "user", "content": {"type": "tool_result", "toolUseId": "t1", "content": [{"type": "text", "text": "-3C"}]}}
            ],
            "tools": [{"name": "weather", "description": "Weather now", "inputSchema": {"type": "object"}}],
            "toolChoice": {"mode": "required"}
        }))
        .unwrap();
        assert_eq!(s.system.as_deref(), Some("Be brief."));
        assert_eq!((s.max_tokens, s.temperature), (50, Some(0.2)));
        assert_eq!(s.stop_sequences, ["END"]);
        assert_eq!(
            s.messages[0].blocks[1],
            Block::Image {
                data: "iVBO".into(),
                mime_type: "image/png".into()
            }
        );
        assert!(
            matches!(&s.messages[1].blocks[0], Block::ToolUse { name, .. } if name == "weather")
        );
        assert!(
            matches!(&s.messages[2].blocks[0], Block::ToolResult { tool_use_id, content, .. } if tool_use_id == "t1" && blocks_text(content) == "-3C")
        );
        assert_eq!(s.tools[0].name, "weather");
        assert_eq!(s.tool_choice, Some(ToolChoice::Required));
        assert_eq!(s.last_user_text(), "");
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(Sampling::from_json(&json!({"maxTokens": 5})).is_err());
        assert!(
            Sampling::from_json(
                &json!({"messages": [], "maxTokens": 5, "toolChoice": {"mode": "sometimes"}})
            )
            .is_err()
        );
        let bad_role = json!({"maxTokens": 5, "messages": [{"role": "system", "content": {"type": "text", "text": "x"}}]});
        assert!(
            Sampling::from_json(&bad_role)
                .unwrap_err()
                .0
                .contains("role")
        );
        let bad_block =
            json!({"maxTokens": 5, "messages": [{"role": "user", "content": {"type": "video"}}]});
        assert!(
            Sampling::from_json(&bad_block)
                .unwrap_err()
                .0
                .contains("video")
        );
    }
}
