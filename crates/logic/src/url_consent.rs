//! What a person needs to see before opening a URL a server asks them to open (URL-mode
//! elicitation, S25 client/elicitation.mdx "Safe URL Handling"): the host the page really
//! goes to, highlighted apart from the rest ("SHOULD highlight the domain of the URL to
//! mitigate subdomain spoofing"), and warnings for what makes a URL ambiguous or suspicious
//! ("SHOULD have warnings for … URIs containing Punycode").

/// The parts of a URL the consent dialog shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlLook {
    /// The host the browser will go to (without user info or port), lower-cased.
    pub host: String,
    /// What to be wary of, in words for the person; empty when nothing stands out.
    pub warnings: Vec<&'static str>,
}

/// Looks at an `http(s)` URL (the protocol core refuses any other) the way a browser parses
/// it: tabs and newlines dropped, extra slashes (or backslashes) after the scheme skipped.
pub fn look(url: &str) -> UrlLook {
    let url: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, rest) = url.split_once(':').unwrap_or(("", &url));
    let rest = rest.trim_start_matches(['/', '\\']);
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let (user_info, host_port) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(user), host),
        None => (None, authority),
    };
    let host = match host_port.strip_prefix('[') {
        // An IPv6 literal keeps its brackets.
        Some(v6) => format!("[{}]", v6.split(']').next().unwrap_or("")),
        None => host_port.split(':').next().unwrap_or("").to_owned(),
    }
    .to_ascii_lowercase();
    let mut warnings = Vec::new();
    if host.split('.').any(|label| label.starts_with("xn--")) {
        warnings.push(
            "The host is written in Punycode (xn--…): it may be made to look like another name.",
        );
    }
    if !host.is_ascii() {
        warnings.push(
            "The host has characters outside ASCII: some look like familiar letters but are not.",
        );
    }
    if user_info.is_some() {
        warnings.push(
            "The URL puts text and an @ before its host: the page it opens is on the host shown here, whatever that text says.",
        );
    }
    if scheme.eq_ignore_ascii_case("http") {
        warnings.push("It is not HTTPS: what you enter there travels unencrypted.");
    }
    UrlLook { host, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_the_one_the_browser_goes_to() {
        for (url, host) in [
            ("https://auth.example.com/connect?e=1", "auth.example.com"),
            ("https://Auth.Example.com:8443/x", "auth.example.com"),
            ("https://bank.com@evil.example/login", "evil.example"),
            ("http://[::1]:3000/cb", "[::1]"),
            ("https://example.com#frag", "example.com"),
            ("https:///evil.example/", "evil.example"),
            ("https:\\\\evil.example\\x", "evil.example"),
            ("https://ev\til.exa\nmple/", "evil.example"),
        ] {
            assert_eq!(look(url).host, host, "{url}");
        }
    }

    #[test]
    fn what_is_suspicious_is_said() {
        assert!(look("https://modelcontextprotocol.io").warnings.is_empty());
        assert_eq!(
            look("https://xn--pple-43d.com/").warnings,
            ["The host is written in Punycode (xn--…): it may be made to look like another name."]
        );
        assert_eq!(
            look("https://аpple.com/").warnings,
            ["The host has characters outside ASCII: some look like familiar letters but are not."]
        );
        assert_eq!(
            look("http://bank.com@evil.example/").warnings,
            [
                "The URL puts text and an @ before its host: the page it opens is on the host shown here, whatever that text says.",
                "It is not HTTPS: what you enter there travels unencrypted.",
            ]
        );
    }
}
