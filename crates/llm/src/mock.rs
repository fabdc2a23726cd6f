//! The built-in Mock provider: a deterministic completion computed from the request itself,
//! so a workshop can run the whole sampling loop with no key and no network.
//!
//! It answers with the first sentence of the last paragraph of the last user message (for a
//! "summarise this draft" request, the draft's opening sentence), prefixed so nobody mistakes
//! it for a real model, and it honours `maxTokens` (counting words as tokens).
// rmcp marks its sampling types deprecated (SEP-2577); MCP Desk is a sampling client.
#![allow(deprecated)]

use mcp_desk_protocol::model::{CreateMessageRequestParams, Role, SamplingMessageContentBlock};

use crate::completion::{Completion, StopReason};

/// The one model the Mock provider has.
pub const MODEL: &str = "mcp-desk-mock-1";

/// Computes the Mock's answer to a (possibly edited) sampling request.
pub fn complete(params: &CreateMessageRequestParams) -> Completion {
    let prompt = last_user_text(params).unwrap_or_default();
    let gist = first_sentence(last_paragraph(&prompt));
    let full = if gist.is_empty() {
        "Mock completion: (the request held no text to answer).".to_owned()
    } else {
        format!("Mock summary: {gist}")
    };
    let budget = params.max_tokens as usize;
    let words: Vec<&str> = full.split_whitespace().collect();
    if words.len() > budget {
        Completion::text(words[..budget].join(" "), MODEL, StopReason::MaxTokens)
    } else {
        Completion::text(full, MODEL, StopReason::EndTurn)
    }
}

fn last_user_text(params: &CreateMessageRequestParams) -> Option<String> {
    params
        .messages
        .iter()
        .rev()
        .filter(|m| m.role == Role::User)
        .find_map(|m| {
            let texts: Vec<&str> = m
                .content
                .iter()
                .filter_map(|block| match block {
                    SamplingMessageContentBlock::Text(t) => Some(t.text.as_str()),
                    _ => None,
                })
                .collect();
            (!texts.is_empty()).then(|| texts.join("\n"))
        })
}

fn last_paragraph(text: &str) -> &str {
    text.trim()
        .rsplit("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or("")
}

fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && text[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8());
    match end {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_desk_protocol::model::SamplingMessage;

    fn request(text: &str, max_tokens: u32) -> CreateMessageRequestParams {
        CreateMessageRequestParams::new(vec![SamplingMessage::user_text(text)], max_tokens)
    }

    #[test]
    fn summarises_the_draft_by_its_first_sentence() {
        let params = request(
            "Summarise this draft.\n\nTitle: Rust\n\nRust is fast. It is also safe!",
            200,
        );
        let c = complete(&params);
        assert_eq!(c.text, "Mock summary: Rust is fast.");
        assert_eq!(c.model, MODEL);
        assert_eq!(c.stop_reason, StopReason::EndTurn);
    }

    #[test]
    fn is_deterministic_and_follows_edits() {
        let a = complete(&request("Hello there. More.", 50));
        assert_eq!(a, complete(&request("Hello there. More.", 50)));
        assert_ne!(a.text, complete(&request("Edited prompt. More.", 50)).text);
    }

    #[test]
    fn honours_max_tokens() {
        let c = complete(&request("one two three four five six seven.", 3));
        assert_eq!(c.text, "Mock summary: one");
        assert_eq!(c.stop_reason, StopReason::MaxTokens);
    }

    #[test]
    fn uses_the_last_user_message_and_skips_non_text() {
        let mut params = request("first question.", 50);
        params
            .messages
            .push(SamplingMessage::assistant_text("an answer."));
        params
            .messages
            .push(SamplingMessage::user_text("second question? yes"));
        assert_eq!(complete(&params).text, "Mock summary: second question?");
        let empty = CreateMessageRequestParams::new(vec![], 50);
        assert!(complete(&empty).text.contains("no text"));
    }

    #[test]
    fn a_decimal_point_does_not_end_the_sentence() {
        assert_eq!(
            complete(&request("Version 2.5 ships today. Yes.", 50)).text,
            "Mock summary: Version 2.5 ships today."
        );
    }
}
