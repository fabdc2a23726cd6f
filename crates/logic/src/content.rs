//! MCP content as the page shows it: text as text, everything else labelled, media only as a
//! `data:` URL of a checked type — never as HTML; a resource's contents likewise, other
//! binaries offered as a download. Also the sampling request's model
//! preferences in words.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use mcp_desk_protocol::model::{
    CallToolResult, ContentBlock, CreateMessageRequestParams, ResourceContents,
    SamplingMessageContentBlock,
};

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
        ContentBlock::Resource(r) => {
            let uri = match &r.resource {
                ResourceContents::TextResourceContents { uri, .. }
                | ResourceContents::BlobResourceContents { uri, .. } => uri.as_str(),
                _ => "",
            };
            format!("[embedded resource: {uri}]")
        }
        ContentBlock::ResourceLink(r) => format!("[resource link: {}]", r.uri),
        _ => "[content of a type this page does not show yet]".into(),
    }
}

/// A tool's result as the result panel shows it: its blocks' text, else its structured
/// content; prefixed `error: ` when the tool says it failed.
pub fn tool_result_text(result: &CallToolResult) -> (String, bool) {
    let text = result
        .content
        .iter()
        .map(content_block_text)
        .chain(
            result
                .structured_content
                .as_ref()
                .filter(|_| result.content.is_empty())
                .map(|v| v.to_string()),
        )
        .collect::<Vec<_>>()
        .join("\n\n");
    let is_error = result.is_error == Some(true);
    (
        if is_error {
            format!("error: {text}")
        } else {
            text
        },
        is_error,
    )
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

/// The start of a request's last message, for its line in the queue.
pub fn excerpt(params: &CreateMessageRequestParams, max_chars: usize) -> String {
    params
        .messages
        .last()
        .and_then(|m| m.content.first().map(sampling_block_text))
        .unwrap_or_default()
        .chars()
        .take(max_chars)
        .collect()
}

/// A `data:` URL for media the page may show, or `None` if the type or data looks wrong
/// (SVG is refused: it can carry script).
pub fn media_url(kind: &str, mime_type: &str, data: &str) -> Option<String> {
    let mime = mime_type.trim().to_ascii_lowercase();
    let type_ok = mime.starts_with(&format!("{kind}/"))
        && mime.len() < 64
        && mime
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/+-.".contains(&b))
        && mime != "image/svg+xml";
    let data_ok = !data.is_empty()
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=\r\n".contains(&b));
    (type_ok && data_ok).then(|| format!("data:{mime};base64,{}", data.replace(['\r', '\n'], "")))
}

/// How the page shows one item of a resource read (S25 server/resources.mdx "Resource
/// Contents"): text as text; a blob as an image or audio when its type is one the page may
/// show, else as a file to download — with its text when it is text in a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Text(String),
    Image(String),
    Audio(String),
    Binary {
        /// Its size, decoded.
        bytes: usize,
        /// A `data:` URL that downloads it and never renders (`application/octet-stream`).
        download: Option<String>,
        /// Its text, when its type says text and it decodes as UTF-8.
        text: Option<String>,
    },
}

/// One content block (of a prompt's message, say) as shown: text as text, media when its type
/// is one the page may show, an embedded resource as its contents, anything else labelled.
pub fn block_shown(block: &ContentBlock) -> Shown {
    let media = match block {
        ContentBlock::Image(i) => media_url("image", &i.mime_type, &i.data).map(Shown::Image),
        ContentBlock::Audio(a) => media_url("audio", &a.mime_type, &a.data).map(Shown::Audio),
        ContentBlock::Resource(r) => Some(resource_shown(&r.resource).2),
        _ => None,
    };
    media.unwrap_or_else(|| Shown::Text(content_block_text(block)))
}

/// One item of a resource read, as shown: its URI, its type, and how.
pub fn resource_shown(contents: &ResourceContents) -> (String, Option<String>, Shown) {
    use base64::Engine as _;
    match contents {
        ResourceContents::TextResourceContents {
            uri,
            mime_type,
            text,
            ..
        } => (uri.clone(), mime_type.clone(), Shown::Text(text.clone())),
        ResourceContents::BlobResourceContents {
            uri,
            mime_type,
            blob,
            ..
        } => {
            let mime = mime_type.clone().unwrap_or_default();
            let shown = if let Some(url) = media_url("image", &mime, blob) {
                Shown::Image(url)
            } else if let Some(url) = media_url("audio", &mime, blob) {
                Shown::Audio(url)
            } else {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(blob.replace(['\r', '\n'], ""))
                    .ok();
                let texty = mime.starts_with("text/") || mime.ends_with("json");
                Shown::Binary {
                    bytes: decoded.as_ref().map_or(0, Vec::len),
                    download: decoded
                        .as_ref()
                        .and_then(|_| media_url("application", "application/octet-stream", blob)),
                    text: decoded
                        .filter(|_| texty)
                        .and_then(|bytes| String::from_utf8(bytes).ok()),
                }
            };
            (uri.clone(), mime_type.clone(), shown)
        }
        _ => (
            String::new(),
            None,
            Shown::Text("[contents of a kind this page does not know]".into()),
        ),
    }
}

/// Enough rows to show a text whole (about 70 characters a row), from 3 up to 14; longer
/// ones scroll.
pub fn rows_for(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().count().div_ceil(70).max(1))
        .sum::<usize>()
        .clamp(3, 14)
}

/// The model hints the server sent, in order, or `none`.
pub fn hints_text(params: &CreateMessageRequestParams) -> String {
    let hints: Vec<String> = params
        .model_preferences
        .as_ref()
        .and_then(|p| p.hints.as_ref())
        .map(|hints| hints.iter().filter_map(|h| h.name.clone()).collect())
        .unwrap_or_default();
    if hints.is_empty() {
        "none".into()
    } else {
        hints.join(", ")
    }
}

/// The three priorities the server sent (`cost 0.3 · speed 0.5`), or `none`.
pub fn priorities_text(params: &CreateMessageRequestParams) -> String {
    let Some(p) = &params.model_preferences else {
        return "none".into();
    };
    let parts: Vec<String> = [
        ("cost", p.cost_priority),
        ("speed", p.speed_priority),
        ("intelligence", p.intelligence_priority),
    ]
    .into_iter()
    .filter_map(|(name, v)| v.map(|v| format!("{name} {v}")))
    .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_is_shown_only_with_a_checked_type_and_base64_data() {
        assert_eq!(
            media_url("image", "image/PNG", "iVBO\r\nRw=="),
            Some("data:image/png;base64,iVBORw==".into())
        );
        assert_eq!(media_url("image", "image/svg+xml", "PHN2Zz4="), None);
        assert_eq!(media_url("image", "audio/wav", "UklG"), None);
        assert_eq!(media_url("audio", "audio/wav", "<script>"), None);
        assert_eq!(media_url("audio", "audio/wav", ""), None);
    }

    #[test]
    fn a_message_box_is_tall_enough_for_its_text() {
        assert_eq!(rows_for("short"), 3);
        assert_eq!(rows_for(&"x".repeat(70 * 5)), 5);
        assert_eq!(rows_for(&"line\n".repeat(40)), 14);
    }

    #[test]
    fn preferences_read_as_words() {
        let params: CreateMessageRequestParams = serde_json::from_value(serde_json::json!({
            "messages": [{"role": "user", "content": {"type": "text", "text": "Hello there"}}],
            "maxTokens": 5,
            "modelPreferences": {"hints": [{"name": "claude"}, {"name": "gpt"}], "costPriority": 0.3}
        }))
        .unwrap();
        assert_eq!(hints_text(&params), "claude, gpt");
        assert_eq!(priorities_text(&params), "cost 0.3");
        assert_eq!(excerpt(&params, 5), "Hello");
    }

    #[test]
    fn resource_contents_are_text_media_or_a_download() {
        let blob = |mime: &str, data: &str| ResourceContents::BlobResourceContents {
            uri: "demo://b".into(),
            mime_type: Some(mime.into()),
            blob: data.into(),
            meta: None,
        };
        assert_eq!(
            resource_shown(&ResourceContents::text("hi", "demo://t")).2,
            Shown::Text("hi".into())
        );
        assert_eq!(
            resource_shown(&blob("image/png", "iVBORw0KGgo=")).2,
            Shown::Image("data:image/png;base64,iVBORw0KGgo=".into())
        );
        // Text in a blob: its size, a download, and its text.
        assert_eq!(
            resource_shown(&blob("text/plain", "UmVzb3VyY2UgMQ==")).2,
            Shown::Binary {
                bytes: 10,
                download: Some("data:application/octet-stream;base64,UmVzb3VyY2UgMQ==".into()),
                text: Some("Resource 1".into()),
            }
        );
        // An SVG may carry script: offered as a file, never drawn.
        assert_eq!(
            resource_shown(&blob("image/svg+xml", "PHN2Zz4=")).2,
            Shown::Binary {
                bytes: 5,
                download: Some("data:application/octet-stream;base64,PHN2Zz4=".into()),
                text: None,
            }
        );
        // Not base64 at all: nothing to download.
        assert_eq!(
            resource_shown(&blob("application/zip", "not base64!")).2,
            Shown::Binary {
                bytes: 0,
                download: None,
                text: None,
            }
        );
    }
}
