//! The 2024-11-05 HTTP+SSE transport's one rule a client must compute: where its POSTs go.
//! The server's first event on the GET stream is `endpoint`, whose data is a URL, usually
//! relative (`/message?sessionId=…`), resolved against the stream's URL.

/// Resolves the `endpoint` event's data against the URL of the SSE stream; refuses another origin.
pub fn resolve_endpoint(stream_url: &str, endpoint: &str) -> Result<String, String> {
    let endpoint = endpoint.trim();
    if endpoint.is_empty() {
        return Err("the server's endpoint event is empty".into());
    }
    let origin = origin_of(stream_url)
        .ok_or_else(|| format!("{} is not an http(s) URL", crate::redact::url(stream_url)))?;
    let resolved = if endpoint.starts_with("http://") || endpoint.starts_with("https://") {
        endpoint.to_owned()
    } else if let Some(rest) = endpoint.strip_prefix("//") {
        let scheme = &stream_url[..stream_url.find(':').unwrap_or(0)];
        format!("{scheme}://{rest}")
    } else if endpoint.starts_with('/') {
        format!("{origin}{endpoint}")
    } else {
        let path_end = stream_url[origin.len()..]
            .find(['?', '#'])
            .map_or(stream_url.len(), |i| origin.len() + i);
        let base = &stream_url[..path_end];
        let dir = &base[..base
            .rfind('/')
            .filter(|&i| i >= origin.len())
            .map_or(base.len(), |i| i + 1)];
        let dir = if dir.len() == origin.len() {
            format!("{origin}/")
        } else {
            dir.to_owned()
        };
        format!("{dir}{endpoint}")
    };
    if origin_of(&resolved).as_deref() != Some(origin.as_str()) {
        return Err(format!(
            "the server's endpoint event points to another origin ({resolved}); refusing to send messages there"
        ));
    }
    Ok(resolved)
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(format!("{scheme}://{}", &rest[..authority_end]).to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_absolute_paths_against_the_origin() {
        assert_eq!(
            resolve_endpoint("http://localhost:3002/sse", "/message?sessionId=ab-1").unwrap(),
            "http://localhost:3002/message?sessionId=ab-1"
        );
    }

    #[test]
    fn resolves_relative_paths_against_the_stream_folder() {
        assert_eq!(
            resolve_endpoint("http://h:1/api/sse?x=1", "messages?s=2").unwrap(),
            "http://h:1/api/messages?s=2"
        );
        assert_eq!(resolve_endpoint("http://h:1", "m").unwrap(), "http://h:1/m");
    }

    #[test]
    fn accepts_full_urls_on_the_same_origin_only() {
        assert_eq!(
            resolve_endpoint("http://h:1/sse", "http://h:1/post").unwrap(),
            "http://h:1/post"
        );
        assert!(resolve_endpoint("http://h:1/sse", "http://evil.example/post").is_err());
        assert!(resolve_endpoint("http://h:1/sse", "//evil.example/post").is_err());
        assert!(resolve_endpoint("http://h:1/sse", "  ").is_err());
    }
}
