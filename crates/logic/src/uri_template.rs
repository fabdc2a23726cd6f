//! Resource templates' URIs (RFC 6570, as S25 server/resources.mdx "Resource Templates" asks):
//! the variables a person fills in, and the URI they make. Expressions with every operator
//! (`{var}`, `{+var}`, `{#var}`, `{.var}`, `{/var}`, `{;var}`, `{?var}`, `{&var}`), several
//! variables each, and the prefix modifier (`{var:3}`); a value is one string (the explode
//! modifier `*` is read, and a value is never a list here). An empty value is left out, as
//! RFC 6570 does for undefined ones.

use std::collections::BTreeMap;

/// The variables of `template`, in the order they first appear.
pub fn variables(template: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for expression in expressions(template) {
        for spec in expression.split(',') {
            let name = name_of(spec.trim_start_matches(OPERATORS));
            if !name.is_empty() && !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// `template` with its variables replaced by `values` (RFC 6570 section 3.2).
pub fn expand(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        out.push_str(&expand_expression(&rest[open + 1..open + close], values));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

const OPERATORS: &[char] = &['+', '#', '.', '/', ';', '?', '&'];

fn expressions(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(expression, _)| expression))
}

/// A variable spec's name, without its `*` or `:n` modifier.
fn name_of(spec: &str) -> &str {
    spec.split([':', '*']).next().unwrap_or("").trim()
}

fn expand_expression(expression: &str, values: &BTreeMap<String, String>) -> String {
    let operator = expression.chars().next().filter(|c| OPERATORS.contains(c));
    let specs = match operator {
        Some(op) => &expression[op.len_utf8()..],
        None => expression,
    };
    // (what comes first, between values, whether names are written, whether reserved
    // characters pass as they are)
    let (first, separator, named, reserved) = match operator {
        None => ("", ",", false, false),
        Some('+') => ("", ",", false, true),
        Some('#') => ("#", ",", false, true),
        Some('.') => (".", ".", false, false),
        Some('/') => ("/", "/", false, false),
        Some(';') => (";", ";", true, false),
        Some('?') => ("?", "&", true, false),
        _ => ("&", "&", true, false),
    };
    let parts: Vec<String> = specs
        .split(',')
        .filter_map(|spec| {
            let name = name_of(spec);
            let value = values.get(name).filter(|v| !v.is_empty())?;
            let value = match spec
                .split_once(':')
                .and_then(|(_, n)| n.parse::<usize>().ok())
            {
                Some(prefix) => value.chars().take(prefix).collect(),
                None => value.clone(),
            };
            let encoded = encode(&value, reserved);
            Some(if named {
                format!("{name}={encoded}")
            } else {
                encoded
            })
        })
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    format!("{first}{}", parts.join(separator))
}

/// Percent-encodes all but the unreserved characters (and, for `+` and `#`, the reserved
/// ones and existing `%XX` escapes).
fn encode(value: &str, reserved: bool) -> String {
    let mut out = String::with_capacity(value.len());
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let unreserved = b.is_ascii_alphanumeric() || b"-._~".contains(&b);
        let keep_reserved = reserved
            && (b":/?#[]@!$&'()*+,;=".contains(&b)
                || (b == b'%'
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)));
        if unreserved || keep_reserved {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_variables_are_named_once_in_order() {
        assert_eq!(
            variables("demo://resource/dynamic/text/{resourceId}"),
            ["resourceId"]
        );
        assert_eq!(
            variables("file:///{+path}{?q,lang}{&q}{#frag:3}"),
            ["path", "q", "lang", "frag"]
        );
        assert!(variables("demo://static").is_empty());
    }

    /// The examples of RFC 6570 section 3.2, with var = "value", hello = "Hello World!",
    /// path = "/foo/bar", x = 1024, y = 768 — and one deliberate difference: an empty value is
    /// a field left empty, so it is left out as an undefined one is (the RFC writes `empty=`).
    #[test]
    fn every_operator_expands_as_rfc_6570_says() {
        let v = values(&[
            ("var", "value"),
            ("hello", "Hello World!"),
            ("path", "/foo/bar"),
            ("x", "1024"),
            ("y", "768"),
            ("empty", ""),
        ]);
        for (template, expanded) in [
            ("{var}", "value"),
            ("{hello}", "Hello%20World%21"),
            ("{+hello}", "Hello%20World!"),
            ("{+path}/here", "/foo/bar/here"),
            ("{#path,x}/here", "#/foo/bar,1024/here"),
            ("X{.x,y}", "X.1024.768"),
            ("{/var,x}/here", "/value/1024/here"),
            ("{;x,y}", ";x=1024;y=768"),
            ("{?x,y,empty}", "?x=1024&y=768"),
            ("?fixed=yes{&x}", "?fixed=yes&x=1024"),
            ("{var:3}", "val"),
            ("{undefined}", ""),
            (
                "demo://resource/dynamic/text/{resourceId}",
                "demo://resource/dynamic/text/",
            ),
        ] {
            assert_eq!(expand(template, &v), expanded, "{template}");
        }
        assert_eq!(
            expand(
                "demo://resource/dynamic/text/{resourceId}",
                &values(&[("resourceId", "3")])
            ),
            "demo://resource/dynamic/text/3"
        );
    }
}
