//! A sampling request as the providers need it: read once, field by field, from MCP's
//! `CreateMessageRequestParams`, with the content a provider must refuse rather than drop kept
//! visible.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use mcp_desk_protocol::model::{
    ContentBlock, CreateMessageRequestParams, Role as McpRole, SamplingMessage,
    SamplingMessageContentBlock, ToolChoiceMode,
};
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
    /// Reads a (possibly edited) sampling request, field by field.
    pub fn from_params(params: &CreateMessageRequestParams) -> Result<Sampling, MappingError> {
        let messages = params
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| read_message(i, m))
            .collect::<Result<Vec<_>, _>>()?;
        let tools = params
            .tools
            .iter()
            .flatten()
            .map(|t| SamplingTool {
                name: t.name.to_string(),
                description: t.description.as_ref().map(|d| d.to_string()),
                input_schema: Value::Object((*t.input_schema).clone()),
            })
            .collect();
        let tool_choice = match params.tool_choice.as_ref().and_then(|c| c.mode.as_ref()) {
            None => None,
            Some(ToolChoiceMode::Auto) => Some(ToolChoice::Auto),
            Some(ToolChoiceMode::Required) => Some(ToolChoice::Required),
            Some(ToolChoiceMode::None) => Some(ToolChoice::None),
            Some(other) => {
                return Err(MappingError(format!("unknown toolChoice mode {other:?}")));
            }
        };
        Ok(Sampling {
            system: params.system_prompt.clone().filter(|s| !s.is_empty()),
            messages,
            max_tokens: params.max_tokens,
            // As written on the wire: 0.3 stays 0.3, not the f32 nearest to it.
            temperature: params
                .temperature
                .map(|t| t.to_string().parse().unwrap_or(f64::from(t))),
            stop_sequences: params.stop_sequences.clone().unwrap_or_default(),
            tools,
            tool_choice,
        })
    }

    /// Reads `CreateMessageRequestParams` JSON (as a server sends it).
    pub fn from_json(value: &Value) -> Result<Sampling, MappingError> {
        let params = serde_json::from_value::<CreateMessageRequestParams>(value.clone())
            .map_err(|e| MappingError(format!("the request is malformed: {e}")))?;
        Sampling::from_params(&params)
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

fn read_message(index: usize, message: &SamplingMessage) -> Result<Message, MappingError> {
    let role = match message.role {
        McpRole::User => Role::User,
        McpRole::Assistant => Role::Assistant,
    };
    let blocks = message
        .content
        .iter()
        .map(|b| read_block(index, b))
        .collect::<Result<_, _>>()?;
    Ok(Message { role, blocks })
}

fn read_block(index: usize, block: &SamplingMessageContentBlock) -> Result<Block, MappingError> {
    Ok(match block {
        SamplingMessageContentBlock::Text(t) => Block::Text(t.text.clone()),
        SamplingMessageContentBlock::Image(i) => Block::Image {
            data: i.data.clone(),
            mime_type: i.mime_type.clone(),
        },
        SamplingMessageContentBlock::Audio(a) => Block::Audio {
            data: a.data.clone(),
            mime_type: a.mime_type.clone(),
        },
        SamplingMessageContentBlock::ToolUse(u) => Block::ToolUse {
            id: u.id.clone(),
            name: u.name.clone(),
            input: u.input.clone(),
        },
        SamplingMessageContentBlock::ToolResult(r) => Block::ToolResult {
            tool_use_id: r.tool_use_id.clone(),
            content: r
                .content
                .iter()
                .map(|b| read_result_block(index, b))
                .collect::<Result<_, _>>()?,
            is_error: r.is_error.unwrap_or(false),
        },
        _ => return Err(cannot_send(index, "unknown")),
    })
}

/// A block of a tool result's content.
fn read_result_block(index: usize, block: &ContentBlock) -> Result<Block, MappingError> {
    Ok(match block {
        ContentBlock::Text(t) => Block::Text(t.text.clone()),
        ContentBlock::Image(i) => Block::Image {
            data: i.data.clone(),
            mime_type: i.mime_type.clone(),
        },
        ContentBlock::Audio(a) => Block::Audio {
            data: a.data.clone(),
            mime_type: a.mime_type.clone(),
        },
        ContentBlock::Resource(_) => return Err(cannot_send(index, "resource")),
        ContentBlock::ResourceLink(_) => return Err(cannot_send(index, "resource_link")),
        _ => return Err(cannot_send(index, "unknown")),
    })
}

/// Content a model cannot be sent, named by its `type`.
fn cannot_send(index: usize, kind: &str) -> MappingError {
    MappingError(format!(
        "message {} holds content of type {kind:?}, which MCP Desk cannot send to a model",
        index + 1
    ))
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
                .starts_with("the request is malformed: unknown variant `system`")
        );
        let resource = json!({"maxTokens": 5, "messages": [{"role": "user", "content": {
            "type": "tool_result", "toolUseId": "t1",
            "content": [{"type": "resource_link", "uri": "file:///a", "name": "a"}]}}]});
        assert_eq!(
            Sampling::from_json(&resource).unwrap_err().0,
            "message 1 holds content of type \"resource_link\", which MCP Desk cannot send to a model"
        );
    }
}
