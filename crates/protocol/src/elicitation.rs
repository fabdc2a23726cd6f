//! Elicitation (S25 client/elicitation.mdx, 2025-11-25; form only in 2025-06-18; inside
//! `input_required` in 2026-07-28): a server asks the person a question, as a form built from
//! a schema or as a URL to open elsewhere. Here the request's params are read (by hand: rmcp's
//! `ElicitRequestParams` decodes every schema into its own types, refusing what the page can
//! still show and explain) and the person's answer is worded as the spec's result. The form
//! itself — fields from the schema, checking an answer against it — is
//! `mcp_desk_logic::schema_form`'s.

use serde_json::{Map, Value, json};

/// What an `elicitation/create` asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Elicitation {
    /// Why the server asks, in its words.
    pub message: String,
    pub mode: Mode,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Form mode: `requestedSchema` as sent (a flat object of primitive properties).
    Form { schema: Value },
    /// URL mode (2025-11-25): a page the person opens out of band. `id` is the
    /// `elicitationId` a later `notifications/elicitation/complete` names (2026-07-28 has none).
    Url { url: String, id: Option<String> },
}

impl Mode {
    /// The mode's name, as the spec spells it (`data-mode`).
    pub fn name(&self) -> &'static str {
        match self {
            Mode::Form { .. } => "form",
            Mode::Url { .. } => "url",
        }
    }
}

/// Reads `elicitation/create` params, or says what is wrong with them. A missing `mode` is form
/// mode ("Clients MUST treat requests without a mode field as form mode").
pub fn decode(params: &Value) -> Result<Elicitation, String> {
    let message = match params.get("message") {
        Some(Value::String(m)) => m.clone(),
        Some(other) => return Err(format!("its message is not a string: {other}")),
        None => return Err("it has no message".into()),
    };
    let mode = match params.get("mode").and_then(Value::as_str) {
        None | Some("form") => match params.get("requestedSchema") {
            Some(schema @ Value::Object(_)) => Mode::Form {
                schema: schema.clone(),
            },
            Some(other) => return Err(format!("its requestedSchema is not an object: {other}")),
            None => return Err("it asks for a form but has no requestedSchema".into()),
        },
        Some("url") => {
            let url = params
                .get("url")
                .and_then(Value::as_str)
                .ok_or("it asks to open a URL but has no url")?;
            // "The url parameter MUST contain a valid URL": one the page can show and open.
            let after_scheme = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"));
            let Some(after_scheme) = after_scheme else {
                return Err(format!(
                    "its url {url:?} is not an http(s) URL a browser tab can open"
                ));
            };
            // Browsers skip extra slashes after the scheme: the host is what follows them.
            let host = after_scheme
                .trim_start_matches(['/', '\\'])
                .split(['/', '\\', '?', '#'])
                .next()
                .unwrap_or("");
            if host.rsplit('@').next().is_none_or(str::is_empty) {
                return Err(format!("its url {url:?} names no host"));
            }
            let id = match params.get("elicitationId") {
                None | Some(Value::Null) => None,
                Some(Value::String(id)) => Some(id.clone()),
                Some(other) => return Err(format!("its elicitationId is not a string: {other}")),
            };
            Mode::Url {
                url: url.to_owned(),
                id,
            }
        }
        Some(other) => return Err(format!("its mode {other:?} is neither form nor url")),
    };
    Ok(Elicitation { message, mode })
}

/// The person's answer (S25 client/elicitation.mdx "Response Actions").
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Form mode: the content, checked against the schema. URL mode: consent, no content.
    Accept(Option<Map<String, Value>>),
    /// The person said no.
    Decline,
    /// The person dismissed it without choosing (closed the dialog, pressed Escape).
    Cancel,
}

impl Answer {
    /// The action's name, as the spec spells it.
    pub fn action(&self) -> &'static str {
        match self {
            Answer::Accept(_) => "accept",
            Answer::Decline => "decline",
            Answer::Cancel => "cancel",
        }
    }

    /// The `ElicitResult`: a JSON-RPC result up to 2025-11-25, an `inputResponses` value at
    /// 2026-07-28 (the same object, without `resultType`).
    pub fn result(&self) -> Value {
        match self {
            Answer::Accept(Some(content)) => json!({"action": "accept", "content": content}),
            other => json!({"action": other.action()}),
        }
    }
}

/// JSON-RPC error code -32042 (2025-11-25, S25 client/elicitation.mdx "URL Elicitation
/// Required Error"): the request cannot go on until the person has opened these pages.
pub const URL_ELICITATION_REQUIRED: i32 = -32042;

/// The URL elicitations a -32042 error's `data.elicitations` carries ("Any elicitations
/// returned in the error MUST be URL mode elicitations and have an elicitationId"); any that
/// are not are left out, and the reason why said.
pub fn required_by(data: Option<&Value>) -> (Vec<Elicitation>, Vec<String>) {
    let mut usable = Vec::new();
    let mut refused = Vec::new();
    let items = data
        .and_then(|d| d.get("elicitations"))
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for item in items {
        match decode(item) {
            Ok(
                e @ Elicitation {
                    mode: Mode::Url { id: Some(_), .. },
                    ..
                },
            ) => usable.push(e),
            Ok(_) => refused.push(
                "an elicitation in the error is not a URL one with an elicitationId".to_owned(),
            ),
            Err(e) => refused.push(e),
        }
    }
    (usable, refused)
}

/// The `elicitationId` of a `notifications/elicitation/complete`, if it names one.
pub fn completed_id(params: &Value) -> Option<&str> {
    params.get("elicitationId").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_without_mode_is_a_form() {
        let schema = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        let e = decode(&json!({"message": "Who?", "requestedSchema": schema})).unwrap();
        assert_eq!(e.message, "Who?");
        assert_eq!(e.mode, Mode::Form { schema });
        assert_eq!(e.mode.name(), "form");
    }

    #[test]
    fn url_mode_keeps_the_url_and_its_id() {
        let e = decode(&json!({"mode": "url", "message": "Sign in", "url": "https://x.example/a?b=1", "elicitationId": "e-1"})).unwrap();
        assert_eq!(
            e.mode,
            Mode::Url {
                url: "https://x.example/a?b=1".into(),
                id: Some("e-1".into())
            }
        );
        // 2026-07-28 drops elicitationId.
        let e = decode(&json!({"mode": "url", "message": "Sign in", "url": "https://x.example/"}))
            .unwrap();
        assert_eq!(
            e.mode,
            Mode::Url {
                url: "https://x.example/".into(),
                id: None
            }
        );
    }

    #[test]
    fn what_cannot_be_shown_is_refused_with_the_reason() {
        for (params, why) in [
            (json!({"requestedSchema": {}}), "it has no message"),
            (
                json!({"message": "x"}),
                "it asks for a form but has no requestedSchema",
            ),
            (
                json!({"message": "x", "requestedSchema": "a"}),
                "its requestedSchema is not an object: \"a\"",
            ),
            (
                json!({"mode": "url", "message": "x"}),
                "it asks to open a URL but has no url",
            ),
            (
                json!({"mode": "url", "message": "x", "url": "javascript:alert(1)"}),
                "its url \"javascript:alert(1)\" is not an http(s) URL a browser tab can open",
            ),
            (
                json!({"mode": "url", "message": "x", "url": "https:///"}),
                "its url \"https:///\" names no host",
            ),
            (
                json!({"mode": "voice", "message": "x"}),
                "its mode \"voice\" is neither form nor url",
            ),
        ] {
            assert_eq!(decode(&params).unwrap_err(), why, "{params}");
        }
    }

    #[test]
    fn a_url_elicitation_required_error_gives_its_url_elicitations() {
        let data = json!({"elicitations": [
            {"mode": "url", "elicitationId": "e1", "url": "https://x.example/connect", "message": "Connect"},
            {"mode": "url", "url": "https://x.example/", "message": "no id"},
            {"mode": "form", "message": "x", "requestedSchema": {}}
        ]});
        let (usable, refused) = required_by(Some(&data));
        assert_eq!(usable.len(), 1);
        assert_eq!(usable[0].message, "Connect");
        assert_eq!(refused.len(), 2);
        assert_eq!(required_by(None), (Vec::new(), Vec::new()));
    }

    #[test]
    fn each_answer_is_the_spec_result() {
        let mut content = Map::new();
        content.insert("name".into(), json!("octocat"));
        assert_eq!(
            Answer::Accept(Some(content)).result(),
            json!({"action": "accept", "content": {"name": "octocat"}})
        );
        assert_eq!(Answer::Accept(None).result(), json!({"action": "accept"}));
        assert_eq!(Answer::Decline.result(), json!({"action": "decline"}));
        assert_eq!(Answer::Cancel.result(), json!({"action": "cancel"}));
    }
}
