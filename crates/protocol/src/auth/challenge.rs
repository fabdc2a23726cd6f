//! The `Bearer` challenge of a `401` or `403` (RFC 6750 section 3, RFC 9728 section 5.1): where
//! the server's resource metadata is, the scopes it asks for, and the error it names
//! (`insufficient_scope` asks for a step-up).

/// What a `WWW-Authenticate: Bearer …` challenge says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    pub resource_metadata: Option<String>,
    pub scope: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

impl Challenge {
    /// The `Bearer` challenge among those of a `WWW-Authenticate` value (several schemes may
    /// share one header); none when there is no `Bearer` one.
    pub fn parse(header: &str) -> Option<Challenge> {
        let mut scanner = Scanner {
            text: header,
            at: 0,
        };
        let mut in_bearer = false;
        let mut found = None::<Challenge>;
        while let Some(token) = scanner.token() {
            if scanner.eat('=') {
                // An auth-param of the challenge being read.
                let value = scanner.value();
                if let (true, Some(challenge)) = (in_bearer, found.as_mut()) {
                    let slot = match token.to_ascii_lowercase().as_str() {
                        "resource_metadata" => &mut challenge.resource_metadata,
                        "scope" => &mut challenge.scope,
                        "error" => &mut challenge.error,
                        "error_description" => &mut challenge.error_description,
                        _ => continue,
                    };
                    slot.get_or_insert(value);
                }
            } else {
                // A new scheme: its params follow until the next one.
                in_bearer = token.eq_ignore_ascii_case("bearer") && found.is_none();
                if in_bearer {
                    found = Some(Challenge::default());
                }
            }
            scanner.eat(',');
        }
        found
    }

    /// Whether this asks for more scopes than the token has (a step-up).
    pub fn wants_more_scope(&self) -> bool {
        self.error.as_deref() == Some("insufficient_scope")
    }
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl Scanner<'_> {
    fn skip_space(&mut self) {
        while self.text[self.at..].starts_with([' ', '\t', ',']) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        while self.text[self.at..].starts_with([' ', '\t']) {
            self.at += 1;
        }
        if self.text[self.at..].starts_with(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// A token (a scheme or a param's name).
    fn token(&mut self) -> Option<String> {
        self.skip_space();
        let rest = &self.text[self.at..];
        let end = rest
            .find(|c: char| c == '=' || c == ',' || c.is_whitespace())
            .unwrap_or(rest.len());
        if end == 0 {
            // Nothing readable here: step over one character so the scan ends.
            let c = rest.chars().next()?;
            self.at += c.len_utf8();
            return self.token();
        }
        self.at += end;
        Some(rest[..end].to_owned())
    }

    /// A param's value: a quoted string (with `\` escapes) or a token.
    fn value(&mut self) -> String {
        while self.text[self.at..].starts_with([' ', '\t']) {
            self.at += 1;
        }
        let rest = &self.text[self.at..];
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        self.at += 1 + i + 1;
                        return out;
                    }
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            out.push(next);
                        }
                    }
                    c => out.push(c),
                }
            }
            self.at = self.text.len();
            return out;
        }
        let end = rest.find([',', ' ', '\t']).unwrap_or(rest.len());
        self.at += end;
        rest[..end].to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bearer_challenge_of_a_401() {
        let c = Challenge::parse(
            r#"Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="files:read""#,
        )
        .unwrap();
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("https://mcp.example.com/.well-known/oauth-protected-resource")
        );
        assert_eq!(c.scope.as_deref(), Some("files:read"));
        assert!(!c.wants_more_scope());
    }

    #[test]
    fn reads_a_step_up_among_other_schemes_with_escapes_and_tokens() {
        let c = Challenge::parse(
            r#"Basic realm="x, y", Bearer error=insufficient_scope, scope="a b", error_description="need \"b\"", Other resource_metadata="https://evil""#,
        )
        .unwrap();
        assert_eq!(
            c,
            Challenge {
                resource_metadata: None,
                scope: Some("a b".into()),
                error: Some("insufficient_scope".into()),
                error_description: Some("need \"b\"".into()),
            }
        );
        assert!(c.wants_more_scope());
    }

    #[test]
    fn no_bearer_no_challenge_and_a_bare_bearer_is_an_empty_one() {
        assert_eq!(Challenge::parse(r#"Basic realm="x""#), None);
        assert_eq!(Challenge::parse(""), None);
        assert_eq!(Challenge::parse("Bearer"), Some(Challenge::default()));
        assert_eq!(
            Challenge::parse("bearer realm=\"unterminated"),
            Some(Challenge::default())
        );
    }
}
