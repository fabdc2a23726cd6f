//! The person's edits of a sampling request at the first checkpoint, as typed: the fields the
//! spec lets a client change (system prompt, max tokens, temperature, stop sequences) and the
//! text of each text block. [`RequestEdits::apply`] turns them into the request the LLM is
//! asked, or says what is wrong with them.
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use mcp_desk_protocol::model::{
    CreateMessageRequestParams, SamplingContent, SamplingMessageContentBlock,
};

/// Where a text block sits: message index, block index.
pub type TextAt = (usize, usize);

/// What the person typed, field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEdits {
    pub system_prompt: String,
    pub max_tokens: String,
    pub temperature: String,
    /// One stop sequence per line.
    pub stop_sequences: String,
    /// The text of each text block, in the order of [`text_blocks`].
    pub texts: Vec<String>,
}

/// Every text block of a request, in order.
pub fn text_blocks(params: &CreateMessageRequestParams) -> Vec<(TextAt, String)> {
    let mut found = Vec::new();
    for (m, message) in params.messages.iter().enumerate() {
        for (b, block) in message.content.iter().enumerate() {
            if let SamplingMessageContentBlock::Text(t) = block {
                found.push(((m, b), t.text.clone()));
            }
        }
    }
    found
}

impl RequestEdits {
    /// The request as the server sent it, unedited.
    pub fn of(params: &CreateMessageRequestParams) -> Self {
        Self {
            system_prompt: params.system_prompt.clone().unwrap_or_default(),
            max_tokens: params.max_tokens.to_string(),
            temperature: params
                .temperature
                .map(|t| t.to_string())
                .unwrap_or_default(),
            stop_sequences: params.stop_sequences.clone().unwrap_or_default().join("\n"),
            texts: text_blocks(params).into_iter().map(|(_, t)| t).collect(),
        }
    }

    /// Whether the person changed anything the server sent (compared as typed: cheaper in the
    /// page than comparing whole requests).
    pub fn changes(&self, original: &CreateMessageRequestParams) -> bool {
        *self != RequestEdits::of(original)
    }

    /// The request with these edits, or what is wrong with them. A field left as the server
    /// sent it stays exactly as sent (an empty list of stop sequences stays an empty list).
    pub fn apply(
        &self,
        original: &CreateMessageRequestParams,
    ) -> Result<CreateMessageRequestParams, String> {
        let sent = RequestEdits::of(original);
        let mut params = original.clone();
        for (((m, b), _), text) in text_blocks(original).into_iter().zip(&self.texts) {
            let block = match &mut params.messages[m].content {
                SamplingContent::Single(block) => Some(block),
                SamplingContent::Multiple(blocks) => blocks.get_mut(b),
            };
            if let Some(SamplingMessageContentBlock::Text(t)) = block {
                t.text = text.clone();
            }
        }
        if self.stop_sequences != sent.stop_sequences {
            let stops: Vec<String> = self
                .stop_sequences
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            params.stop_sequences = (!stops.is_empty()).then_some(stops);
        }
        if self.system_prompt != sent.system_prompt {
            params.system_prompt =
                (!self.system_prompt.trim().is_empty()).then(|| self.system_prompt.clone());
        }
        if self.max_tokens != sent.max_tokens {
            params.max_tokens = match self.max_tokens.trim().parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => return Err("Max tokens must be a whole number above 0.".into()),
            };
        }
        if self.temperature != sent.temperature {
            params.temperature = match self.temperature.trim() {
                "" => None,
                t => match t.parse::<f32>() {
                    Ok(t) if (0.0..=2.0).contains(&t) => Some(t),
                    _ => return Err("Temperature must be a number from 0 to 2, or empty.".into()),
                },
            };
        }
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request() -> CreateMessageRequestParams {
        serde_json::from_value(json!({
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "one"}},
                {"role": "assistant", "content": [
                    {"type": "image", "data": "iVBO", "mimeType": "image/png"},
                    {"type": "text", "text": "two"}
                ]}
            ],
            "systemPrompt": "Be brief.",
            "maxTokens": 50,
            "temperature": 0.5
        }))
        .unwrap()
    }

    #[test]
    fn unedited_is_the_request_as_sent() {
        let original = request();
        let edits = RequestEdits::of(&original);
        assert_eq!(edits.texts, ["one", "two"]);
        assert_eq!(edits.apply(&original).unwrap(), original);
        assert!(!edits.changes(&original));
        // Even what text boxes cannot hold: a stop sequence of line breaks, an empty list, an
        // empty system prompt.
        let mut odd = request();
        odd.stop_sequences = Some(vec!["\n\nHuman:".into()]);
        odd.system_prompt = Some(String::new());
        assert_eq!(RequestEdits::of(&odd).apply(&odd).unwrap(), odd);
        odd.stop_sequences = Some(Vec::new());
        assert_eq!(RequestEdits::of(&odd).apply(&odd).unwrap(), odd);
    }

    #[test]
    fn edits_land_in_their_blocks_and_fields() {
        let original = request();
        let mut edits = RequestEdits::of(&original);
        edits.texts = vec!["uno".into(), "dos".into()];
        edits.system_prompt = " ".into();
        edits.max_tokens = " 80 ".into();
        edits.temperature = String::new();
        edits.stop_sequences = "END\n\nSTOP".into();
        assert!(edits.changes(&original));
        let edited = serde_json::to_value(edits.apply(&original).unwrap()).unwrap();
        assert_eq!(edited["messages"][0]["content"]["text"], "uno");
        assert_eq!(edited["messages"][1]["content"][1]["text"], "dos");
        assert_eq!(edited["messages"][1]["content"][0]["type"], "image");
        assert!(edited.get("systemPrompt").is_none());
        assert!(edited.get("temperature").is_none());
        assert_eq!(edited["maxTokens"], 80);
        assert_eq!(edited["stopSequences"], json!(["END", "STOP"]));
    }

    #[test]
    fn bad_numbers_are_refused_with_the_rule() {
        let original = request();
        let mut edits = RequestEdits::of(&original);
        edits.max_tokens = "0".into();
        assert!(edits.apply(&original).unwrap_err().contains("above 0"));
        edits.max_tokens = "5".into();
        edits.temperature = "3".into();
        assert!(edits.apply(&original).unwrap_err().contains("0 to 2"));
    }
}
