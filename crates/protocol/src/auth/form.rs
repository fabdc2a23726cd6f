//! `application/x-www-form-urlencoded`, as OAuth writes its requests and the authorization
//! server its redirect (RFC 6749 appendix B): encoding pairs into a body or a query, and reading
//! a query back.

/// `pairs` as `a=1&b=2`, each name and value percent-encoded (space as `%20`, which every
/// server reads).
pub fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", escape(name), escape(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One component percent-encoded: only the RFC 3986 unreserved characters stay as they are.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The pairs of a query (with or without its `?`), decoded: `+` is a space, `%XX` a byte.
/// Malformed escapes are kept as written.
pub fn decode(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (unescape(name), unescape(value))
        })
        .collect()
}

fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'+', ..) => out.push(b' '),
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 2;
            }
            (byte, ..) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes_what_oauth_sends() {
        let body = encode(&[
            ("redirect_uri", "http://127.0.0.1:8080/app/"),
            ("scope", "mcp:tools offline_access"),
        ]);
        assert_eq!(
            body,
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fapp%2F&scope=mcp%3Atools%20offline_access"
        );
        assert_eq!(
            decode(&format!("?{body}&x=a+b&bad=%zz&end=%4")),
            [
                ("redirect_uri".into(), "http://127.0.0.1:8080/app/".into()),
                ("scope".into(), "mcp:tools offline_access".into()),
                ("x".into(), "a b".into()),
                ("bad".into(), "%zz".into()),
                ("end".into(), "%4".into()),
            ]
        );
    }
}
