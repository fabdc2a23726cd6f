//! Reaching a stdio server from the page: a page cannot start processes, but the npm bridge
//! `supergateway` can, serving the server as Streamable HTTP with CORS. Given the command a
//! person would run, this says the exact bridge command and the URL it will serve.
//! `--stateful` matters: the bridge's stateless mode answers a server's own requests (sampling)
//! with an error instead of passing them on.

/// The bridge, pinned to the release the tests run against.
pub const BRIDGE: &str = "npx -y supergateway@4.0.0";

/// The port the helper offers first.
pub const DEFAULT_PORT: u16 = 8000;

/// The URL the bridge serves on `port`.
pub fn url(port: u16) -> String {
    format!("http://localhost:{port}/mcp")
}

/// The bridge command for `stdio` (the server's own command) on `port`, letting `origin` in;
/// `None` while there is no command.
pub fn command(stdio: &str, port: u16, origin: &str) -> Option<String> {
    let stdio = stdio.trim();
    if stdio.is_empty() {
        return None;
    }
    Some(format!(
        "{BRIDGE} --stdio {} --outputTransport streamableHttp --stateful --port {port} --cors {origin}",
        quote(stdio)
    ))
}

/// One shell word: in double quotes when that keeps it as typed (also fine for Windows'
/// shells), else in single quotes (POSIX shells).
fn quote(text: &str) -> String {
    if !text.contains(['"', '$', '`', '\\', '!']) {
        return format!("\"{text}\"");
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A typed port, if it is one.
pub fn parse_port(text: &str) -> Option<u16> {
    text.trim().parse().ok().filter(|p| *p > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bridge_command_carries_the_server_command_port_and_origin() {
        assert_eq!(
            command(" uv run server.py ", 8000, "http://127.0.0.1:8080").as_deref(),
            Some(
                "npx -y supergateway@4.0.0 --stdio \"uv run server.py\" --outputTransport streamableHttp --stateful --port 8000 --cors http://127.0.0.1:8080"
            )
        );
        assert_eq!(command("  ", 8000, "o"), None);
        assert_eq!(url(8123), "http://localhost:8123/mcp");
    }

    #[test]
    fn a_command_with_quotes_or_dollars_stays_one_word() {
        assert_eq!(quote("python -c \"print(1)\""), "'python -c \"print(1)\"'");
        assert_eq!(quote("echo $HOME it's"), r"'echo $HOME it'\''s'");
        assert_eq!(quote("node server.js"), "\"node server.js\"");
    }

    #[test]
    fn ports_are_read_as_typed() {
        assert_eq!(parse_port(" 8001 "), Some(8001));
        assert_eq!(parse_port("0"), None);
        assert_eq!(parse_port("eighty"), None);
        assert_eq!(parse_port("70000"), None);
    }
}
