//! What a server offers besides tools, and what reading or getting it returns, read from JSON
//! by hand: resources, resource templates and prompts (S25 server/resources.mdx,
//! server/prompts.mdx) with the fields the page shows, a read's contents, a prompt's messages.
//! rmcp has types for all of them, but their derived decoding (icons, annotations, `_meta` on
//! each) cost the page 10.4 KB gzip more — measured; see the README's Performance — for a
//! handful of strings. A prompt message's content is rmcp's `ContentBlock`, which tool results
//! decode already, and a read's contents are rmcp's `ResourceContents`.

use serde_json::Value;

use crate::model::{ContentBlock, ResourceContents};

/// A resource a server lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceInfo {
    pub uri: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub mime_type: Option<String>,
}

/// A resource template a server lists (its URI is an RFC 6570 template).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInfo {
    pub uri_template: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub mime_type: Option<String>,
}

/// A prompt a server lists, with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptInfo {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub arguments: Vec<ArgumentInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentInfo {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub required: bool,
}

/// A prompt as got: its description and its messages (role, content).
#[derive(Debug, Clone, PartialEq)]
pub struct GotPrompt {
    pub description: Option<String>,
    pub messages: Vec<(String, ContentBlock)>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The items of page `key` of a list result (`resources`, `resourceTemplates`, `prompts`),
/// each read by `read`; an item without what it must have is an error naming it.
pub fn page<T>(
    result: &Value,
    key: &str,
    read: impl Fn(&Value) -> Option<T>,
) -> Result<(Vec<T>, Option<String>), String> {
    let items = result
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("it has no {key} list"))?;
    let read: Vec<T> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            read(item).ok_or_else(|| format!("item {i} of {key} lacks a name or URI: {item}"))
        })
        .collect::<Result<_, _>>()?;
    Ok((read, text(result, "nextCursor")))
}

pub fn resource(item: &Value) -> Option<ResourceInfo> {
    Some(ResourceInfo {
        uri: text(item, "uri")?,
        name: text(item, "name")?,
        title: text(item, "title"),
        description: text(item, "description"),
        mime_type: text(item, "mimeType"),
    })
}

pub fn template(item: &Value) -> Option<TemplateInfo> {
    Some(TemplateInfo {
        uri_template: text(item, "uriTemplate")?,
        name: text(item, "name")?,
        title: text(item, "title"),
        description: text(item, "description"),
        mime_type: text(item, "mimeType"),
    })
}

pub fn prompt(item: &Value) -> Option<PromptInfo> {
    let arguments = match item.get("arguments").and_then(Value::as_array) {
        Some(args) => args
            .iter()
            .map(|a| {
                Some(ArgumentInfo {
                    name: text(a, "name")?,
                    title: text(a, "title"),
                    description: text(a, "description"),
                    required: a.get("required").and_then(Value::as_bool) == Some(true),
                })
            })
            .collect::<Option<_>>()?,
        None => Vec::new(),
    };
    Some(PromptInfo {
        name: text(item, "name")?,
        title: text(item, "title"),
        description: text(item, "description"),
        arguments,
    })
}

/// A `resources/read` result's contents: each text or blob, with its URI and type.
pub fn contents(result: &Value) -> Result<Vec<ResourceContents>, String> {
    let items = result
        .get("contents")
        .and_then(Value::as_array)
        .ok_or("it has no contents list")?;
    items
        .iter()
        .map(|item| {
            let uri = text(item, "uri").ok_or_else(|| format!("contents without a uri: {item}"))?;
            let mime_type = text(item, "mimeType");
            match (text(item, "text"), text(item, "blob")) {
                (Some(text), _) => Ok(ResourceContents::TextResourceContents {
                    uri,
                    mime_type,
                    text,
                    meta: None,
                }),
                (None, Some(blob)) => Ok(ResourceContents::BlobResourceContents {
                    uri,
                    mime_type,
                    blob,
                    meta: None,
                }),
                (None, None) => Err(format!("contents of {uri} hold neither text nor blob")),
            }
        })
        .collect()
}

/// A `prompts/get` result: its description and messages.
pub fn got_prompt(result: &Value) -> Result<GotPrompt, String> {
    let messages = result
        .get("messages")
        .and_then(Value::as_array)
        .ok_or("it has no messages list")?
        .iter()
        .map(|m| {
            let role = text(m, "role").ok_or_else(|| format!("a message without a role: {m}"))?;
            let content = serde_json::from_value::<ContentBlock>(
                m.get("content").cloned().unwrap_or(Value::Null),
            )
            .map_err(|e| format!("the content of a {role} message is malformed: {e}"))?;
            Ok((role, content))
        })
        .collect::<Result<_, String>>()?;
    Ok(GotPrompt {
        description: text(result, "description"),
        messages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_are_read_with_their_cursor_and_a_bad_item_is_named() {
        let result = json!({"resources": [{"uri": "demo://a", "name": "A", "mimeType": "text/plain", "icons": []}], "nextCursor": "2"});
        let (items, cursor) = page(&result, "resources", resource).unwrap();
        assert_eq!(
            items,
            [ResourceInfo {
                uri: "demo://a".into(),
                name: "A".into(),
                title: None,
                description: None,
                mime_type: Some("text/plain".into())
            }]
        );
        assert_eq!(cursor.as_deref(), Some("2"));
        assert_eq!(
            page(
                &json!({"resources": [{"name": "A"}]}),
                "resources",
                resource
            )
            .unwrap_err(),
            "item 0 of resources lacks a name or URI: {\"name\":\"A\"}"
        );
        assert_eq!(
            page(&json!({}), "prompts", prompt).unwrap_err(),
            "it has no prompts list"
        );
        let (prompts, _) = page(
            &json!({"prompts": [{"name": "p", "arguments": [{"name": "city", "required": true}, {"name": "state"}]}]}),
            "prompts",
            prompt,
        )
        .unwrap();
        let required: Vec<(&str, bool)> = prompts[0]
            .arguments
            .iter()
            .map(|a| (a.name.as_str(), a.required))
            .collect();
        assert_eq!(required, [("city", true), ("state", false)]);
    }

    #[test]
    fn contents_and_messages_are_read_or_refused_with_the_reason() {
        let read = contents(&json!({"contents": [
            {"uri": "demo://t", "mimeType": "text/plain", "text": "hi"},
            {"uri": "demo://b", "blob": "aGk="}
        ]}))
        .unwrap();
        assert_eq!(read.len(), 2);
        assert!(
            matches!(&read[1], ResourceContents::BlobResourceContents { blob, .. } if blob == "aGk=")
        );
        assert_eq!(
            contents(&json!({"contents": [{"uri": "demo://x"}]})).unwrap_err(),
            "contents of demo://x hold neither text nor blob"
        );
        let got = got_prompt(&json!({"description": "d", "messages": [{"role": "user", "content": {"type": "text", "text": "Hi"}}]})).unwrap();
        assert_eq!(got.description.as_deref(), Some("d"));
        assert_eq!(got.messages[0].0, "user");
        assert!(
            got_prompt(&json!({"messages": [{"role": "user", "content": {"type": "nope"}}]}))
                .unwrap_err()
                .starts_with("the content of a user message is malformed: ")
        );
    }
}
