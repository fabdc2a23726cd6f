//! Whether a server URL typed in the connect form can be used, and why not.

use mcp_desk_protocol::redact;

/// Refuses what `fetch` cannot use, with the reason (never echoing a password).
pub fn check(url: &str) -> Result<(), String> {
    if url.is_empty() {
        return Err("Enter the MCP server's URL, e.g. http://127.0.0.1:8787/mcp.".into());
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "{} is not an http:// or https:// URL; MCP Desk connects over Streamable HTTP.",
            redact::url(url)
        ));
    }
    // The browser refuses to fetch a URL carrying a user name or password.
    if redact::carries_user_info(url) {
        return Err(format!(
            "{} carries a user name or password before the host, which browsers refuse to send; give the server its token the way it documents (e.g. in the query).",
            redact::url(url)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_fetch_cannot_use_without_echoing_secrets() {
        assert!(check("").unwrap_err().contains("Enter"));
        assert!(check("ftp://h/x").unwrap_err().contains("not an http"));
        let e = check("http://me:pa55@h/mcp").unwrap_err();
        assert!(
            e.contains("user name or password") && !e.contains("pa55"),
            "{e}"
        );
        assert_eq!(check("http://127.0.0.1:8787/mcp?token=t"), Ok(()));
    }
}
