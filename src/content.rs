//! MCP content blocks as the page shows them: text as text, everything else labelled.

use mcp_desk_protocol::model::{ContentBlock, SamplingMessageContentBlock};

/// One tool-result block as text.
pub fn content_block_text(block: &ContentBlock) -> String {
    match block {
        ContentBlock::Text(t) => t.text.clone(),
        ContentBlock::Image(i) => {
            format!("[image, {}, {} bytes base64]", i.mime_type, i.data.len())
        }
        ContentBlock::Audio(a) => {
            format!("[audio, {}, {} bytes base64]", a.mime_type, a.data.len())
        }
        ContentBlock::Resource(_) => "[embedded resource]".into(),
        ContentBlock::ResourceLink(r) => format!("[resource link: {}]", r.uri),
        _ => "[content of a type this page does not show yet]".into(),
    }
}

/// What kind of block a sampling message holds, for its label.
pub fn sampling_block_kind(block: &SamplingMessageContentBlock) -> &'static str {
    match block {
        SamplingMessageContentBlock::Text(_) => "text",
        SamplingMessageContentBlock::Image(_) => "image",
        SamplingMessageContentBlock::Audio(_) => "audio",
        SamplingMessageContentBlock::ToolUse(_) => "tool_use",
        SamplingMessageContentBlock::ToolResult(_) => "tool_result",
        _ => "other",
    }
}

/// One sampling message block as text.
pub fn sampling_block_text(block: &SamplingMessageContentBlock) -> String {
    match block {
        SamplingMessageContentBlock::Text(t) => t.text.clone(),
        SamplingMessageContentBlock::Image(i) => {
            format!("[image, {}, {} bytes base64]", i.mime_type, i.data.len())
        }
        SamplingMessageContentBlock::Audio(a) => {
            format!("[audio, {}, {} bytes base64]", a.mime_type, a.data.len())
        }
        SamplingMessageContentBlock::ToolUse(u) => format!(
            "[tool use {} of {}: {}]",
            u.id,
            u.name,
            serde_json::Value::Object(u.input.clone())
        ),
        SamplingMessageContentBlock::ToolResult(r) => format!(
            "[tool result for {}: {}]",
            r.tool_use_id,
            r.content
                .iter()
                .map(content_block_text)
                .collect::<Vec<_>>()
                .join(" ")
        ),
        _ => "[content of a type this page does not show yet]".into(),
    }
}
