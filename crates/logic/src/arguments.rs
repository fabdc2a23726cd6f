//! A tool call's arguments as the page first offers them, from the tool's input schema: each
//! property's `default`, else its first of `examples`; a required property without either
//! gets an empty value of its type (its `minimum`, for a number; its first option, for a
//! choice); an optional one without
//! either is left out, so a test knob like `answer_within_seconds` is not offered as 0.

use serde_json::{Map, Value};

/// The arguments to pre-fill for a tool with this input schema, pretty-printed.
pub fn prefill(schema: &Value) -> String {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut arguments = Map::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let offered = suggested(property).or_else(|| {
                required
                    .contains(&name.as_str())
                    .then(|| empty_of(property))
            });
            if let Some(value) = offered {
                arguments.insert(name.clone(), value);
            }
        }
    }
    serde_json::to_string_pretty(&Value::Object(arguments)).unwrap_or_else(|_| "{}".into())
}

/// What the schema itself suggests: `default`, else the first of `examples`.
fn suggested(property: &Value) -> Option<Value> {
    property.get("default").cloned().or_else(|| {
        property
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .cloned()
    })
}

/// An empty value a person fills in: `""`, the minimum (or 0), `false`, `[]`, `{}`.
fn empty_of(property: &Value) -> Value {
    // A choice: its first option (an empty string is none of them).
    let first_option = property
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .or_else(|| {
            property
                .get("oneOf")
                .and_then(Value::as_array)
                .and_then(|o| o.first())
                .and_then(|o| o.get("const"))
        });
    if let Some(first) = first_option {
        return first.clone();
    }
    let kind = match property.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        // `["string", "null"]`: the first type that is not null.
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    };
    match kind {
        Some("number" | "integer") => property
            .get("minimum")
            .filter(|m| m.is_number())
            .cloned()
            .unwrap_or(Value::from(0)),
        Some("boolean") => Value::Bool(false),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => Value::Object(Map::new()),
        _ => Value::String(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(schema: Value) -> Value {
        serde_json::from_str(&prefill(&schema)).unwrap()
    }

    #[test]
    fn defaults_then_examples_then_empty_values_for_required_properties() {
        let schema = json!({
            "type": "object",
            "properties": {
                "title": {"type": "string", "default": "Sampling in practice"},
                "draft": {"type": "string", "examples": ["A first draft.", "Another."]},
                "count": {"type": "integer", "minimum": 1},
                "flag": {"type": "boolean"},
                "tags": {"type": ["array", "null"]},
                "answer_within_seconds": {"type": "integer", "minimum": 1}
            },
            "required": ["title", "draft", "count", "flag", "tags"]
        });
        assert_eq!(
            parsed(schema),
            json!({"title": "Sampling in practice", "draft": "A first draft.", "count": 1,
                   "flag": false, "tags": []})
        );
    }

    #[test]
    fn an_optional_property_is_offered_only_with_a_suggestion() {
        let schema = json!({"properties": {
            "seconds": {"type": "integer"},
            "mode": {"type": "string", "default": "fast"}
        }});
        assert_eq!(parsed(schema), json!({"mode": "fast"}));
        assert_eq!(parsed(json!({})), json!({}));
    }

    #[test]
    fn a_required_choice_without_a_default_offers_its_first_option() {
        let schema = json!({"type": "object", "properties": {
            "location": {"type": "string", "enum": ["New York", "Chicago"]},
            "level": {"type": "string", "oneOf": [{"const": "low"}, {"const": "high"}]}
        }, "required": ["location", "level"]});
        assert_eq!(
            parsed(schema),
            json!({"location": "New York", "level": "low"})
        );
    }
}
