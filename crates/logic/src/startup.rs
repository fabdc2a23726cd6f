//! Settings read from the page's URL (fragment first, then query string), as listed in the
//! UI contract: `server` (repeatable: one server tab each), `connect`, `provider`, `base`,
//! `model`, `revision`. An API key is never read from the URL.

/// What the URL asked for at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartupSettings {
    /// The servers to open, one tab each, in order.
    pub servers: Vec<String>,
    pub connect: bool,
    pub provider: Option<String>,
    pub base: Option<String>,
    pub model: Option<String>,
    pub revision: Option<String>,
    /// Presenter mode (`present=1`): larger type, the timeline beside the dialog.
    pub present: bool,
}

impl StartupSettings {
    /// Reads `#key=value&…` and `?key=value&…`; the fragment wins where both set a key.
    pub fn parse(fragment: &str, query: &str) -> Self {
        let mut settings = StartupSettings::default();
        for (text, plus_is_space) in [(query, true), (fragment, false)] {
            let text = text.trim_start_matches(['#', '?']);
            // The fragment's servers replace the query string's, like every other key.
            let mut servers = Vec::new();
            for pair in text.split('&').filter(|p| !p.is_empty()) {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                let value = percent_decode(value, plus_is_space);
                let non_empty = (!value.is_empty()).then(|| value.clone());
                match key {
                    "server" => servers.extend(non_empty),
                    "connect" => settings.connect = matches!(value.as_str(), "1" | "true" | "yes"),
                    "present" => settings.present = matches!(value.as_str(), "1" | "true" | "yes"),
                    "provider" => settings.provider = non_empty,
                    "base" => settings.base = non_empty,
                    "model" => settings.model = non_empty,
                    "revision" => settings.revision = non_empty,
                    _ => {}
                }
            }
            if !servers.is_empty() {
                settings.servers = servers;
            }
        }
        settings
    }
}

/// Decodes `%XX` escapes (and `+` in a query string); malformed escapes stay as written.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}
