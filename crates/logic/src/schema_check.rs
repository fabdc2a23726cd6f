//! Checking a value against a JSON Schema (2020-12, as MCP tools send them), for a tool's
//! `structuredContent` against its `outputSchema` (S25 server/tools.mdx "Output Schema":
//! clients SHOULD validate structured results against it). The keywords tools use are checked
//! — `type` (one or several), `enum`, `const`, `properties`, `required`,
//! `additionalProperties`, `items`, `prefixItems`, `minItems`/`maxItems`,
//! `minLength`/`maxLength`, `minimum`/`maximum` (and exclusive ones), `anyOf`, `oneOf`,
//! `allOf`, `not`, and `$ref` into the schema's own `$defs`/`definitions`. A `$ref` anywhere
//! else (a network URL) is never fetched, and what it would require is not checked. Formats
//! and patterns are not checked either (a pattern engine would cost the page more than it
//! saves). A schema that loops or branches without end is stopped.

use serde_json::Value;

/// Checks `value` against `schema`; the first problem found, with where it is (a JSON
/// pointer), in words.
pub fn check(schema: &Value, value: &Value) -> Result<(), String> {
    Checker {
        root: schema,
        steps: std::cell::Cell::new(0),
    }
    .check(schema, value, "", 0)
}

struct Checker<'a> {
    root: &'a Value,
    /// Schemas checked so far: `anyOf`s of `$ref`s can branch without end.
    steps: std::cell::Cell<u32>,
}

/// Deeper than this, a schema is taken to loop through its `$ref`s.
const MAX_DEPTH: usize = 64;
/// More checks than this, and the schema is taken to branch without end.
const MAX_STEPS: u32 = 10_000;

impl<'a> Checker<'a> {
    fn check(
        &self,
        schema: &'a Value,
        value: &Value,
        at: &str,
        depth: usize,
    ) -> Result<(), String> {
        let here = || if at.is_empty() { "the value" } else { at };
        let schema = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(format!("{} is not allowed here", here())),
            Value::Object(map) => map,
            _ => return Ok(()),
        };
        if depth > MAX_DEPTH {
            return Err(format!("the schema nests too deep at {}", here()));
        }
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > MAX_STEPS {
            return Err("the schema takes too many steps to check".into());
        }
        // A `$ref` elsewhere than the schema itself (a network URL) is never fetched: what it
        // would say is not checked.
        if let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| self.resolve(reference))
        {
            self.check(target, value, at, depth + 1)?;
        }
        if let Some(types) = schema.get("type") {
            let allowed: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !allowed.is_empty() && !allowed.iter().any(|t| is_type(value, t)) {
                return Err(format!(
                    "{} is {}, not {}",
                    here(),
                    type_of(value),
                    allowed.join(" or ")
                ));
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            return Err(format!(
                "{} is {value}, not one of {}",
                here(),
                Value::Array(options.clone())
            ));
        }
        if let Some(constant) = schema.get("const")
            && constant != value
        {
            return Err(format!("{} is {value}, not {constant}", here()));
        }
        match value {
            Value::Object(object) => {
                if let Some(required) = schema.get("required").and_then(Value::as_array) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !object.contains_key(name) {
                            return Err(format!("{} lacks {name:?}, which is required", here()));
                        }
                    }
                }
                let properties = schema.get("properties").and_then(Value::as_object);
                for (name, item) in object {
                    let path = format!("{at}/{name}");
                    match properties.and_then(|p| p.get(name)) {
                        Some(property) => self.check(property, item, &path, depth + 1)?,
                        None => {
                            if let Some(extra) = schema.get("additionalProperties") {
                                self.check(extra, item, &path, depth + 1)?;
                            }
                        }
                    }
                }
            }
            Value::Array(items) => {
                let n = items.len() as u64;
                if let Some(min) = count(schema, "minItems").filter(|m| n < *m) {
                    return Err(format!("{} has {n} items, fewer than {min}", here()));
                }
                if let Some(max) = count(schema, "maxItems").filter(|m| n > *m) {
                    return Err(format!("{} has {n} items, more than {max}", here()));
                }
                let prefix = schema
                    .get("prefixItems")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{at}/{i}");
                    if let Some(item_schema) = prefix.get(i).or_else(|| schema.get("items")) {
                        self.check(item_schema, item, &path, depth + 1)?;
                    }
                }
            }
            Value::String(text) => {
                let n = text.chars().count() as u64;
                if let Some(min) = count(schema, "minLength").filter(|m| n < *m) {
                    return Err(format!("{} has {n} characters, fewer than {min}", here()));
                }
                if let Some(max) = count(schema, "maxLength").filter(|m| n > *m) {
                    return Err(format!("{} has {n} characters, more than {max}", here()));
                }
            }
            Value::Number(number) => {
                let n = number.as_f64().unwrap_or(0.0);
                let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
                let broken = [
                    (
                        "minimum",
                        bound("minimum").is_some_and(|m| n < m),
                        "less than",
                    ),
                    (
                        "maximum",
                        bound("maximum").is_some_and(|m| n > m),
                        "more than",
                    ),
                    (
                        "exclusiveMinimum",
                        bound("exclusiveMinimum").is_some_and(|m| n <= m),
                        "not more than",
                    ),
                    (
                        "exclusiveMaximum",
                        bound("exclusiveMaximum").is_some_and(|m| n >= m),
                        "not less than",
                    ),
                ];
                if let Some((key, _, words)) = broken.iter().find(|(_, broken, _)| *broken) {
                    return Err(format!("{} is {number}, {words} {}", here(), schema[*key]));
                }
            }
            _ => {}
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.check(sub, value, at, depth + 1)?;
            }
        }
        if let Some(any) = schema.get("anyOf").and_then(Value::as_array)
            && !any
                .iter()
                .any(|sub| self.check(sub, value, at, depth + 1).is_ok())
        {
            return Err(format!(
                "{} matches none of the schemas it may (anyOf)",
                here()
            ));
        }
        if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
            let matching = one
                .iter()
                .filter(|sub| self.check(sub, value, at, depth + 1).is_ok())
                .count();
            if matching != 1 {
                return Err(format!(
                    "{} matches {matching} of the schemas it must match exactly one of (oneOf)",
                    here()
                ));
            }
        }
        if let Some(not) = schema.get("not")
            && self.check(not, value, at, depth + 1).is_ok()
        {
            return Err(format!("{} matches a schema it must not (not)", here()));
        }
        Ok(())
    }

    /// A `$ref` into the schema itself (`#`, `#/$defs/…`, `#/definitions/…`); nothing else.
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }
}

fn count(schema: &serde_json::Map<String, Value>, key: &str) -> Option<u64> {
    schema.get(key).and_then(Value::as_u64)
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        // JSON Schema counts 1.0 as an integer.
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        _ => true,
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Shaped like server-everything's `get-structured-content` output schema.
    fn weather() -> Value {
        json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {"temperature": {"type": "number"}, "conditions": {"type": "string"},
                "humidity": {"type": "number", "minimum": 0, "maximum": 100}},
            "required": ["temperature", "conditions", "humidity"], "additionalProperties": false})
    }

    #[test]
    fn a_value_that_fits_passes_and_each_misfit_is_named_where_it_is() {
        assert_eq!(
            check(
                &weather(),
                &json!({"temperature": 22.5, "conditions": "Sunny", "humidity": 40})
            ),
            Ok(())
        );
        for (value, why) in [
            (
                json!({"temperature": 22.5, "conditions": "Sunny"}),
                "the value lacks \"humidity\", which is required",
            ),
            (
                json!({"temperature": "hot", "conditions": "Sunny", "humidity": 4}),
                "/temperature is a string, not number",
            ),
            (
                json!({"temperature": 1, "conditions": "Sunny", "humidity": 140}),
                "/humidity is 140, more than 100",
            ),
            (
                json!({"temperature": 1, "conditions": "Sunny", "humidity": 1, "wind": 3}),
                "/wind is not allowed here",
            ),
            (json!([1]), "the value is an array, not object"),
        ] {
            assert_eq!(check(&weather(), &value), Err(why.to_owned()), "{value}");
        }
    }

    #[test]
    fn refs_into_the_schema_are_followed_and_others_never_fetched() {
        let schema = json!({"$defs": {"point": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}},
            "type": "array", "items": {"$ref": "#/$defs/point"}, "minItems": 1});
        assert_eq!(check(&schema, &json!([{"x": 1}, {"x": 2.0}])), Ok(()));
        assert_eq!(
            check(&schema, &json!([{"x": 1.5}])),
            Err("/0/x is a number, not integer".into())
        );
        assert_eq!(
            check(&schema, &json!([])),
            Err("the value has 0 items, fewer than 1".into())
        );
        // Never fetched: what a remote schema would require is not checked.
        let remote = json!({"$ref": "https://example.com/schema.json", "type": "integer"});
        assert_eq!(check(&remote, &json!(1)), Ok(()));
        assert_eq!(
            check(&remote, &json!("1")),
            Err("the value is a string, not integer".into())
        );
        // A schema whose anyOf branches without end is stopped, not run for ever.
        let branching = json!({"$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}, {"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"});
        assert_eq!(
            check(&branching, &json!(1)),
            Err("the value matches none of the schemas it may (anyOf)".into())
        );
        // A schema that refers to itself for ever is stopped.
        let looping = json!({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"});
        assert_eq!(
            check(&looping, &json!(1)),
            Err("the schema nests too deep at the value".into())
        );
    }

    #[test]
    fn combinations_enums_and_several_types() {
        let schema = json!({"anyOf": [{"type": "string", "maxLength": 2}, {"type": "null"}]});
        assert_eq!(check(&schema, &json!("ab")), Ok(()));
        assert_eq!(check(&schema, &Value::Null), Ok(()));
        assert_eq!(
            check(&schema, &json!("abc")),
            Err("the value matches none of the schemas it may (anyOf)".into())
        );
        assert_eq!(
            check(&json!({"type": ["integer", "null"]}), &json!(3)),
            Ok(())
        );
        assert_eq!(
            check(&json!({"enum": ["a", "b"]}), &json!("c")),
            Err("the value is \"c\", not one of [\"a\",\"b\"]".into())
        );
        assert_eq!(
            check(
                &json!({"oneOf": [{"type": "number"}, {"type": "integer"}]}),
                &json!(3)
            ),
            Err("the value matches 2 of the schemas it must match exactly one of (oneOf)".into())
        );
    }
}
