//! A form from a JSON Schema of flat primitive properties — what an elicitation's
//! `requestedSchema` may hold (S25 client/elicitation.mdx, "Requested Schema"): strings (with
//! `format` email, uri, date, date-time, and length bounds), numbers and integers (with a
//! range), booleans, single choices (`enum`, with legacy `enumNames`, or `oneOf` of
//! `const`/`title`) and multiple choices (`type: "array"` of `items.enum` or `items.anyOf`,
//! with `minItems`/`maxItems`). Each field knows its first value (the schema's `default`), and
//! an answer is checked against the schema before it is sent, with the error beside the field
//! ("Clients SHOULD validate all responses against the provided schema").

use serde_json::{Map, Number, Value};

/// The fields of a form, by property name (the page reads JSON objects key-sorted: keeping
/// the order as sent would cost the bundle serde_json's `preserve_order`).
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The property's name: the key of its value in the answer.
    pub name: String,
    /// The label: the schema's `title`, else the name.
    pub label: String,
    pub description: Option<String>,
    pub required: bool,
    pub kind: Kind,
    default: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text {
        format: Option<TextFormat>,
        min_length: Option<u64>,
        max_length: Option<u64>,
    },
    Number {
        integer: bool,
        /// Kept as sent, so the error says `100`, not `100.0`.
        minimum: Option<Number>,
        maximum: Option<Number>,
    },
    Boolean,
    /// One of the options.
    Choice(Vec<Choice>),
    /// Any number of the options, within the bounds.
    Choices {
        options: Vec<Choice>,
        min_items: Option<u64>,
        max_items: Option<u64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    Email,
    Uri,
    Date,
    DateTime,
}

impl TextFormat {
    /// The HTML input type that helps a person type it.
    pub fn input_type(self) -> &'static str {
        match self {
            TextFormat::Email => "email",
            TextFormat::Uri => "url",
            TextFormat::Date => "date",
            // `datetime-local` has no time zone, which RFC 3339 requires: typed as text.
            TextFormat::DateTime => "text",
        }
    }

    /// What a valid value looks like.
    pub fn example(self) -> &'static str {
        match self {
            TextFormat::Email => "name@example.com",
            TextFormat::Uri => "https://example.com/",
            TextFormat::Date => "2026-12-02",
            TextFormat::DateTime => "2026-12-02T09:30:00Z",
        }
    }
}

/// An option of a choice: the value sent, and the label shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// What a person has entered in one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Text and numbers, as typed.
    Text(String),
    Boolean(bool),
    /// The chosen option's value; empty for none.
    Choice(String),
    Choices(Vec<String>),
}

impl Form {
    /// The form for `schema`, or why the schema cannot be one (named by its field).
    pub fn of(schema: &Value) -> Result<Form, String> {
        match schema.get("type").and_then(Value::as_str) {
            Some("object") | None => {}
            Some(other) => return Err(format!("its type is {other:?}, not \"object\"")),
        }
        let required: Vec<&str> = match schema.get("required") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            Some(other) => return Err(format!("its required is not a list: {other}")),
        };
        let properties = match schema.get("properties") {
            None | Some(Value::Null) => return Ok(Form { fields: Vec::new() }),
            Some(Value::Object(p)) => p,
            Some(other) => return Err(format!("its properties is not an object: {other}")),
        };
        let fields = properties
            .iter()
            .map(|(name, property)| {
                field(name, property, required.contains(&name.as_str()))
                    .map_err(|e| format!("field {name:?}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Form { fields })
    }

    /// A tool's arguments as a form (its `inputSchema`, JSON Schema 2020-12 kept as sent): the
    /// properties a form can ask for, and the names of those it cannot (nested objects, lists
    /// of anything but options, several types, `$ref`s), which stay in the JSON text.
    pub fn of_tool(schema: &Value) -> (Form, Vec<String>) {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        let mut json_only = Vec::new();
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            match field(name, property, required.contains(&name.as_str())) {
                Ok(field) if property.get("$ref").is_none() => fields.push(field),
                _ => json_only.push(name.clone()),
            }
        }
        (Form { fields }, json_only)
    }

    /// Checks what was entered (one entry per field, in order): the answer's content, or the
    /// error of each field that is wrong, by field name.
    pub fn check(&self, entries: &[Entry]) -> Result<Map<String, Value>, Vec<(String, String)>> {
        let mut content = Map::new();
        let mut errors = Vec::new();
        for (field, entry) in self.fields.iter().zip(entries) {
            match field.check(entry) {
                Ok(Some(value)) => {
                    content.insert(field.name.clone(), value);
                }
                Ok(None) => {}
                Err(e) => errors.push((field.name.clone(), e)),
            }
        }
        if errors.is_empty() {
            Ok(content)
        } else {
            Err(errors)
        }
    }
}

impl Field {
    /// What the field shows first: the schema's default, else empty (a box unticked).
    pub fn initial(&self) -> Entry {
        let default = self.default.as_ref();
        match &self.kind {
            Kind::Text { .. } | Kind::Number { .. } => Entry::Text(match default {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            }),
            Kind::Boolean => Entry::Boolean(default.and_then(Value::as_bool).unwrap_or(false)),
            Kind::Choice(_) => {
                Entry::Choice(default.and_then(Value::as_str).unwrap_or("").to_owned())
            }
            Kind::Choices { .. } => Entry::Choices(
                default
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
        }
    }

    /// What the field shows for `value` as arguments hold it (`None`: not given), or `None`
    /// when it cannot show it (a number where text belongs, say).
    pub fn entry_of(&self, value: Option<&Value>) -> Option<Entry> {
        Some(match (&self.kind, value) {
            (Kind::Text { .. } | Kind::Number { .. }, None) => Entry::Text(String::new()),
            (Kind::Text { .. }, Some(Value::String(s))) => Entry::Text(s.clone()),
            (Kind::Number { .. }, Some(Value::Number(n))) => Entry::Text(n.to_string()),
            (Kind::Boolean, None) => Entry::Boolean(false),
            (Kind::Boolean, Some(Value::Bool(b))) => Entry::Boolean(*b),
            (Kind::Choice(_), None) => Entry::Choice(String::new()),
            // A value that is none of the options cannot be shown as chosen.
            (Kind::Choice(options), Some(Value::String(s)))
                if options.iter().any(|o| o.value == *s) =>
            {
                Entry::Choice(s.clone())
            }
            (Kind::Choices { .. }, None) => Entry::Choices(Vec::new()),
            (Kind::Choices { options, .. }, Some(Value::Array(items))) => Entry::Choices(
                items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .filter(|v| options.iter().any(|o| o.value == *v))
                            .map(str::to_owned)
                    })
                    .collect::<Option<_>>()?,
            ),
            _ => return None,
        })
    }

    /// The value to send for `entry` (`None`: left out, as an empty optional field is), or
    /// what is wrong with it, in words for the person.
    pub fn check(&self, entry: &Entry) -> Result<Option<Value>, String> {
        match (&self.kind, entry) {
            (Kind::Boolean, Entry::Boolean(b)) => Ok(Some(Value::Bool(*b))),
            (kind, Entry::Text(text))
                if matches!(kind, Kind::Text { .. } | Kind::Number { .. }) =>
            {
                if text.trim().is_empty() {
                    return self.empty();
                }
                match kind {
                    Kind::Text {
                        format,
                        min_length,
                        max_length,
                    } => check_text(text, *format, *min_length, *max_length).map(Some),
                    Kind::Number {
                        integer,
                        minimum,
                        maximum,
                    } => check_number(text.trim(), *integer, minimum.as_ref(), maximum.as_ref())
                        .map(Some),
                    _ => unreachable!("matched above"),
                }
            }
            (Kind::Choice(options), Entry::Choice(value)) => {
                if value.is_empty() {
                    return self.empty();
                }
                known(options, value)?;
                Ok(Some(Value::String(value.clone())))
            }
            (
                Kind::Choices {
                    options,
                    min_items,
                    max_items,
                },
                Entry::Choices(values),
            ) => {
                if values.is_empty() && !self.required {
                    return Ok(None);
                }
                for value in values {
                    known(options, value)?;
                }
                let n = values.len() as u64;
                if let Some(min) = min_items.filter(|min| n < *min) {
                    return Err(format!("Choose at least {min}."));
                }
                if let Some(max) = max_items.filter(|max| n > *max) {
                    return Err(format!("Choose at most {max}."));
                }
                Ok(Some(Value::Array(
                    values.iter().cloned().map(Value::String).collect(),
                )))
            }
            _ => Err("This field's value is of the wrong kind.".into()),
        }
    }

    fn empty(&self) -> Result<Option<Value>, String> {
        if self.required {
            Err("Required.".into())
        } else {
            Ok(None)
        }
    }
}

fn field(name: &str, property: &Value, required: bool) -> Result<Field, String> {
    let text = |key: &str| property.get(key).and_then(Value::as_str).map(str::to_owned);
    let count = |key: &str| property.get(key).and_then(Value::as_u64);
    let bound = |key: &str| match property.get(key) {
        Some(Value::Number(n)) => Some(n.clone()),
        _ => None,
    };
    let kind = match (
        property.get("type").and_then(Value::as_str),
        choices_of(property),
    ) {
        (Some("string") | None, Some(options)) => Kind::Choice(options),
        (Some("string"), None) => Kind::Text {
            format: match property.get("format").and_then(Value::as_str) {
                Some("email") => Some(TextFormat::Email),
                Some("uri") => Some(TextFormat::Uri),
                Some("date") => Some(TextFormat::Date),
                Some("date-time") => Some(TextFormat::DateTime),
                // A format the spec does not name is shown as plain text.
                _ => None,
            },
            min_length: count("minLength"),
            max_length: count("maxLength"),
        },
        (Some(t @ ("number" | "integer")), _) => Kind::Number {
            integer: t == "integer",
            minimum: bound("minimum"),
            maximum: bound("maximum"),
        },
        (Some("boolean"), _) => Kind::Boolean,
        (Some("array"), _) => Kind::Choices {
            options: property
                .get("items")
                .and_then(choices_of)
                .ok_or("a list must be of options (items with enum or anyOf)")?,
            min_items: count("minItems"),
            max_items: count("maxItems"),
        },
        (Some(other), _) => {
            return Err(format!(
                "type {other:?} is not one a form can ask for (string, number, integer, boolean, or a list of options)"
            ));
        }
        (None, None) => return Err("it has no type".into()),
    };
    Ok(Field {
        name: name.to_owned(),
        label: text("title").unwrap_or_else(|| name.to_owned()),
        description: text("description"),
        required,
        kind,
        default: property.get("default").cloned(),
    })
}

/// The options of `schema`: `enum` (labelled by `enumNames` when it matches), or `oneOf` /
/// `anyOf` of `{const, title}`.
fn choices_of(schema: &Value) -> Option<Vec<Choice>> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let names = schema.get("enumNames").and_then(Value::as_array);
        let names = names.filter(|n| n.len() == values.len());
        return Some(
            values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let value = v.as_str()?.to_owned();
                    let label = names
                        .and_then(|n| n[i].as_str())
                        .map_or_else(|| value.clone(), str::to_owned);
                    Some(Choice { value, label })
                })
                .collect(),
        );
    }
    let titled = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))?
        .as_array()?;
    Some(
        titled
            .iter()
            .filter_map(|option| {
                let value = option.get("const")?.as_str()?.to_owned();
                let label = option
                    .get("title")
                    .and_then(Value::as_str)
                    .map_or_else(|| value.clone(), str::to_owned);
                Some(Choice { value, label })
            })
            .collect(),
    )
}

fn known(options: &[Choice], value: &str) -> Result<(), String> {
    if options.iter().any(|o| o.value == value) {
        Ok(())
    } else {
        Err(format!("{value:?} is not one of the options."))
    }
}

fn check_text(
    text: &str,
    format: Option<TextFormat>,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<Value, String> {
    let length = text.chars().count() as u64;
    if let Some(min) = min.filter(|min| length < *min) {
        return Err(format!("At least {min} characters ({length} now)."));
    }
    if let Some(max) = max.filter(|max| length > *max) {
        return Err(format!("At most {max} characters ({length} now)."));
    }
    if let Some(format) = format {
        let fits = match format {
            TextFormat::Email => is_email(text),
            TextFormat::Uri => is_uri(text),
            TextFormat::Date => is_date(text),
            TextFormat::DateTime => is_date_time(text),
        };
        if !fits {
            let what = match format {
                TextFormat::Email => "an email address",
                TextFormat::Uri => "a URI",
                TextFormat::Date => "a date",
                TextFormat::DateTime => "a date and time with its zone",
            };
            return Err(format!("Not {what}, such as {}.", format.example()));
        }
    }
    Ok(Value::String(text.to_owned()))
}

/// Reads a number with serde_json's own parser (already in the page: `str::parse::<f64>` and
/// float formatting would add core's float code to the bundle).
fn check_number(
    text: &str,
    integer: bool,
    minimum: Option<&Number>,
    maximum: Option<&Number>,
) -> Result<Value, String> {
    let number = serde_json::from_str::<Number>(text).ok();
    let number = match (number, integer) {
        (Some(n), true) if n.is_i64() || n.is_u64() => n,
        (_, true) => return Err("Not a whole number.".into()),
        (Some(n), false) => n,
        (None, false) => return Err("Not a number.".into()),
    };
    let n = number.as_f64().unwrap_or(0.0);
    if let Some(min) = minimum.filter(|min| n < min.as_f64().unwrap_or(f64::MIN)) {
        return Err(format!("At least {min}."));
    }
    if let Some(max) = maximum.filter(|max| n > max.as_f64().unwrap_or(f64::MAX)) {
        return Err(format!("At most {max}."));
    }
    Ok(Value::Number(number))
}

/// `local@domain`, with no spaces and a domain that has a dot or is a name (the form's job
/// is to catch typing slips; the server checks for real).
fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// A scheme (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`), a colon, and more.
fn is_uri(text: &str) -> bool {
    match text.split_once(':') {
        Some((scheme, rest)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !rest.is_empty()
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// `YYYY-MM-DD`, a day that exists (RFC 3339 full-date).
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`.
fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't', ' ']) else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => return false,
    };
    let zone_ok = matches!(zone, "Z" | "z")
        || (zone.len() == 6
            && zone.as_bytes()[3] == b':'
            && digits(&zone.as_bytes()[1..3]).is_some_and(|h| h < 24)
            && digits(&zone.as_bytes()[4..6]).is_some_and(|m| m < 60));
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let b = hms.as_bytes();
    zone_ok
        && !fraction.is_empty()
        && fraction.bytes().all(|c| c.is_ascii_digit())
        && b.len() == 8
        && b[2] == b':'
        && b[5] == b':'
        && digits(&b[0..2]).is_some_and(|h| h < 24)
        && digits(&b[3..5]).is_some_and(|m| m < 60)
        && digits(&b[6..8]).is_some_and(|s| s <= 60)
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The schema server-everything's `trigger-elicitation-request` sends, trimmed.
    fn everything() -> Value {
        json!({"type": "object", "properties": {
            "name": {"title": "String", "type": "string", "description": "Your full, legal name"},
            "check": {"title": "Boolean", "type": "boolean"},
            "firstLine": {"type": "string", "default": "It was a dark and stormy night."},
            "email": {"type": "string", "format": "email"},
            "birthdate": {"type": "string", "format": "date"},
            "integer": {"type": "integer", "minimum": 1, "maximum": 100, "default": 42},
            "number": {"type": "number", "minimum": 0, "maximum": 1000, "default": 2.5},
            "friend": {"type": "string", "enum": ["Monica", "Rachel"], "default": "Monica"},
            "instruments": {"type": "array", "minItems": 1, "maxItems": 2,
                "items": {"type": "string", "enum": ["Guitar", "Piano", "Drums"]}, "default": ["Guitar"]},
            "hero": {"type": "string", "oneOf": [{"const": "hero-1", "title": "Superman"}, {"const": "hero-2", "title": "Wonder Woman"}]},
            "fish": {"type": "array", "items": {"anyOf": [{"const": "fish-1", "title": "Tuna"}]}},
            "pet": {"type": "string", "enum": ["pet-1", "pet-2"], "enumNames": ["Cats", "Dogs"]}
        }, "required": ["name"]})
    }

    fn form() -> Form {
        Form::of(&everything()).unwrap()
    }

    fn field<'a>(form: &'a Form, name: &str) -> &'a Field {
        form.fields.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn every_kind_of_field_is_read_in_order_with_labels_and_defaults() {
        let form = form();
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        // serde_json keeps object keys sorted; the page shows them in that order.
        assert_eq!(names.len(), 12);
        assert_eq!(field(&form, "name").label, "String");
        assert!(field(&form, "name").required);
        assert!(!field(&form, "email").required);
        assert_eq!(field(&form, "firstLine").label, "firstLine");
        assert_eq!(
            field(&form, "firstLine").initial(),
            Entry::Text("It was a dark and stormy night.".into())
        );
        assert_eq!(field(&form, "integer").initial(), Entry::Text("42".into()));
        assert_eq!(field(&form, "number").initial(), Entry::Text("2.5".into()));
        assert_eq!(field(&form, "check").initial(), Entry::Boolean(false));
        assert_eq!(
            field(&form, "instruments").initial(),
            Entry::Choices(vec!["Guitar".into()])
        );
        assert_eq!(field(&form, "hero").initial(), Entry::Choice(String::new()));
        let labels = |name: &str| match &field(&form, name).kind {
            Kind::Choice(o) | Kind::Choices { options: o, .. } => o
                .iter()
                .map(|c| format!("{}={}", c.value, c.label))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(labels("hero"), ["hero-1=Superman", "hero-2=Wonder Woman"]);
        assert_eq!(labels("fish"), ["fish-1=Tuna"]);
        assert_eq!(labels("pet"), ["pet-1=Cats", "pet-2=Dogs"]);
        assert_eq!(labels("friend"), ["Monica=Monica", "Rachel=Rachel"]);
        assert_eq!(
            field(&form, "email").kind,
            Kind::Text {
                format: Some(TextFormat::Email),
                min_length: None,
                max_length: None
            }
        );
    }

    #[test]
    fn the_defaults_with_a_name_make_a_valid_answer_and_empty_optionals_are_left_out() {
        let form = form();
        let entries: Vec<Entry> = form
            .fields
            .iter()
            .map(|f| match f.name.as_str() {
                "name" => Entry::Text("Ada".into()),
                _ => f.initial(),
            })
            .collect();
        assert_eq!(
            Value::Object(form.check(&entries).unwrap()),
            json!({"name": "Ada", "check": false, "firstLine": "It was a dark and stormy night.",
                   "integer": 42, "number": 2.5, "friend": "Monica", "instruments": ["Guitar"]})
        );
    }

    #[test]
    fn each_rule_is_checked_with_the_error_beside_its_field() {
        let form = form();
        let mut entries: Vec<Entry> = form.fields.iter().map(Field::initial).collect();
        let set = |entries: &mut Vec<Entry>, name: &str, entry: Entry| {
            let at = form.fields.iter().position(|f| f.name == name).unwrap();
            entries[at] = entry;
        };
        set(&mut entries, "email", Entry::Text("ada.example.com".into()));
        set(&mut entries, "birthdate", Entry::Text("2026-02-30".into()));
        set(&mut entries, "integer", Entry::Text("4.5".into()));
        set(&mut entries, "number", Entry::Text("1001".into()));
        set(&mut entries, "instruments", Entry::Choices(vec![]));
        set(&mut entries, "hero", Entry::Choice("hero-9".into()));
        let errors = form.check(&entries).unwrap_err();
        let errors: Vec<String> = errors.iter().map(|(f, e)| format!("{f}: {e}")).collect();
        assert_eq!(
            errors,
            [
                "birthdate: Not a date, such as 2026-12-02.",
                "email: Not an email address, such as name@example.com.",
                "hero: \"hero-9\" is not one of the options.",
                "integer: Not a whole number.",
                "name: Required.",
                "number: At most 1000.",
            ]
        );
    }

    #[test]
    fn lengths_counts_and_ranges_are_bounded_both_ways() {
        let f = Form::of(&json!({"properties": {
            "code": {"type": "string", "minLength": 2, "maxLength": 3},
            "n": {"type": "number", "minimum": 1.5},
            "pick": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"enum": ["a", "b", "c"]}}
        }, "required": ["pick"]}))
        .unwrap();
        let check = |code: &str, n: &str, pick: &[&str]| {
            f.check(&[
                Entry::Text(code.into()),
                Entry::Text(n.into()),
                Entry::Choices(pick.iter().map(|s| s.to_string()).collect()),
            ])
        };
        let errors = check("é", "1", &["a"]).unwrap_err();
        assert_eq!(
            errors,
            [
                ("code".into(), "At least 2 characters (1 now).".into()),
                ("n".into(), "At least 1.5.".into()),
                ("pick".into(), "Choose at least 2.".into()),
            ]
        );
        let errors = check("abcd", "x", &["a", "b", "c"]).unwrap_err();
        assert_eq!(
            errors,
            [
                ("code".into(), "At most 3 characters (4 now).".into()),
                ("n".into(), "Not a number.".into()),
                ("pick".into(), "Choose at most 2.".into()),
            ]
        );
        assert_eq!(
            Value::Object(check("ab", "2", &["a", "c"]).unwrap()),
            json!({"code": "ab", "n": 2, "pick": ["a", "c"]})
        );
    }

    #[test]
    fn formats_accept_what_they_name_and_nothing_else() {
        for (text, ok) in [
            ("ada@example.com", true),
            ("ada@localhost", true),
            ("ada@", false),
            ("@example.com", false),
            ("a da@example.com", false),
        ] {
            assert_eq!(is_email(text), ok, "{text}");
        }
        for (text, ok) in [
            ("https://example.com/x", true),
            ("urn:isbn:123", true),
            ("example.com", false),
            ("1http://x", false),
            ("https://exa mple.com", false),
        ] {
            assert_eq!(is_uri(text), ok, "{text}");
        }
        for (text, ok) in [
            ("2024-02-29", true),
            ("2023-02-29", false),
            ("2026-13-01", false),
            ("2026-1-01", false),
        ] {
            assert_eq!(is_date(text), ok, "{text}");
        }
        for (text, ok) in [
            ("2026-12-02T09:30:00Z", true),
            ("2026-12-02T09:30:00.123+01:00", true),
            ("2026-12-02T09:30:00", false),
            ("2026-12-02T09:30Z", false),
            ("2026-12-02T25:30:00Z", false),
        ] {
            assert_eq!(is_date_time(text), ok, "{text}");
        }
    }

    #[test]
    fn a_tools_schema_gives_the_fields_it_can_and_leaves_the_rest_to_the_json() {
        let schema = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {
                "message": {"type": "string"},
                "count": {"type": "integer", "minimum": 1},
                "options": {"type": "object", "properties": {"a": {"type": "string"}}},
                "tags": {"type": "array", "items": {"type": "string"}},
                "maybe": {"type": ["string", "null"]},
                "shape": {"$ref": "#/$defs/shape"}
            }, "required": ["message"], "additionalProperties": false,
            "$defs": {"shape": {"type": "string"}}});
        let (form, json_only) = Form::of_tool(&schema);
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["count", "message"]);
        assert_eq!(json_only, ["maybe", "options", "shape", "tags"]);
        let count = &form.fields[0];
        assert_eq!(
            count.entry_of(Some(&json!(3))),
            Some(Entry::Text("3".into()))
        );
        assert_eq!(count.entry_of(None), Some(Entry::Text(String::new())));
        assert_eq!(count.entry_of(Some(&json!("three"))), None);
        let option = |v: &str| Choice {
            value: v.into(),
            label: v.into(),
        };
        let choices = Field {
            name: "c".into(),
            label: "c".into(),
            description: None,
            required: false,
            kind: Kind::Choices {
                options: vec![option("a"), option("b")],
                min_items: None,
                max_items: None,
            },
            default: None,
        };
        assert_eq!(
            choices.entry_of(Some(&json!(["a", "b"]))),
            Some(Entry::Choices(vec!["a".into(), "b".into()]))
        );
        assert_eq!(choices.entry_of(Some(&json!([1]))), None);
        // A value that is none of the options is not shown as chosen (the JSON keeps it).
        assert_eq!(choices.entry_of(Some(&json!(["z"]))), None);
    }

    #[test]
    fn schemas_a_form_cannot_show_are_refused_naming_the_field() {
        for (schema, why) in [
            (
                json!({"type": "array"}),
                "its type is \"array\", not \"object\"",
            ),
            (
                json!({"properties": {"a": {"type": "object"}}}),
                "field \"a\": type \"object\" is not one a form can ask for (string, number, integer, boolean, or a list of options)",
            ),
            (
                json!({"properties": {"a": {"type": "array", "items": {"type": "string"}}}}),
                "field \"a\": a list must be of options (items with enum or anyOf)",
            ),
            (
                json!({"properties": {"a": {}}}),
                "field \"a\": it has no type",
            ),
        ] {
            assert_eq!(Form::of(&schema).unwrap_err(), why, "{schema}");
        }
        assert_eq!(Form::of(&json!({"type": "object"})).unwrap().fields, []);
    }
}
