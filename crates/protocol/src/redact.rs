//! Server URLs as the page writes them down: the credentials a URL can carry (user info, query
//! values, fragment) are hidden, so the log, the audit trail and its export never hold a token
//! that a hosted MCP server put in its address.

/// `url` with its user info, every query value and its fragment replaced by `…`; scheme, host,
/// port, path and query names stay, so the server is still recognisable. When in doubt (a
/// password holding a `/`, say) more is hidden, never less.
pub fn url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        // Browsers skip extra slashes after the scheme (`http:///user@host` has user info).
        Some((scheme, rest)) => (Some(scheme), rest.trim_start_matches(['/', '\\'])),
        None => (None, url),
    };
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((before, _)) => (before, Some("…")),
        None => (rest, None),
    };
    let (before_query, query) = match before_fragment.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (before_fragment, None),
    };
    let authority_end = before_query.find(['/', '\\']).unwrap_or(before_query.len());
    let authority = &before_query[..authority_end];
    let mut out = String::with_capacity(url.len());
    if let Some(scheme) = scheme {
        out.push_str(scheme);
        out.push_str("://");
    }
    match authority.rsplit_once('@') {
        Some((_, host)) => {
            out.push_str("…@");
            out.push_str(host);
            out.push_str(&before_query[authority_end..]);
        }
        // Not a host[:port]: `user:pa/ss@host` ends its authority inside the password.
        None if !plausible_authority(authority) => match before_query.rsplit_once('@') {
            Some((_, after)) => {
                out.push_str("…@");
                out.push_str(after);
            }
            None => out.push('…'),
        },
        None => out.push_str(before_query),
    }
    if let Some(query) = query {
        out.push('?');
        let hidden: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) => format!("{name}=…"),
                None if pair.is_empty() => String::new(),
                None => "…".to_owned(),
            })
            .collect();
        out.push_str(&hidden.join("&"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Whether `url` holds a user name or password before its host (what [`url`] hides as `…@`,
/// or hides whole when it cannot tell where the host starts).
pub fn carries_user_info(url_text: &str) -> bool {
    let shown = url(url_text);
    let after_scheme = shown
        .split_once("://")
        .map_or(shown.as_str(), |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    authority.contains("…@") || after_scheme.starts_with('…')
}

/// Whether `authority` can be a `host[:port]` (a port is digits only; IPv6 hosts are bracketed).
fn plausible_authority(authority: &str) -> bool {
    let port = match authority.rsplit_once(']') {
        Some((_, after)) => after.strip_prefix(':'),
        None => authority.split_once(':').map(|(_, port)| port),
    };
    port.is_none_or(|p| p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::{carries_user_info, url};

    #[test]
    fn a_plain_url_is_unchanged() {
        for plain in [
            "http://127.0.0.1:8787/mcp",
            "https://example.com",
            "http://h/p?",
        ] {
            assert_eq!(url(plain), plain);
        }
    }

    #[test]
    fn query_values_user_info_and_fragment_are_hidden() {
        assert_eq!(
            url("https://mcp.example.com/mcp?api_key=sk-secret&profile=work"),
            "https://mcp.example.com/mcp?api_key=…&profile=…"
        );
        assert_eq!(
            url("https://me:hunter22@example.com:8443/sse?s3cret#tok"),
            "https://…@example.com:8443/sse?…#…"
        );
        assert_eq!(url("https://tok3n@example.com"), "https://…@example.com");
    }

    #[test]
    fn an_at_sign_in_the_path_or_query_is_not_user_info() {
        assert_eq!(
            url("https://example.com/users/@me?next=a@b"),
            "https://example.com/users/@me?next=…"
        );
    }

    #[test]
    fn a_password_with_a_slash_or_extra_slashes_after_the_scheme_still_hide_the_user_info() {
        assert_eq!(
            url("https://user:ab/cd==@host/mcp?x=1"),
            "https://…@host/mcp?x=…"
        );
        assert_eq!(url("http:///tok@host/mcp"), "http://…@host/mcp");
        assert_eq!(url("https://user:pa/ss"), "https://…");
        assert_eq!(url("http://[::1]:8787/mcp"), "http://[::1]:8787/mcp");
        assert_eq!(url("http://u:p@[::1]:8787/mcp"), "http://…@[::1]:8787/mcp");
    }

    #[test]
    fn user_info_is_told_apart_from_an_at_sign_elsewhere() {
        for with in [
            "https://me:pw@h/mcp",
            "http:///tok@h",
            "https://user:ab/cd@h/mcp",
        ] {
            assert!(carries_user_info(with), "{with}");
        }
        for without in ["https://h/users/@me?next=a@b", "http://h:1/mcp?token=x"] {
            assert!(!carries_user_info(without), "{without}");
        }
    }

    #[test]
    fn hiding_twice_changes_nothing() {
        let once = url("https://u:p@h:1/a/b?x=1&y#z");
        assert_eq!(url(&once), once);
    }
}
