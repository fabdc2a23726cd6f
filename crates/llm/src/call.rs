//! The HTTP request a provider call needs, described without performing it.

/// A request to an LLM API; the browser layer performs it.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Whether the answer comes as Server-Sent Events.
    pub stream: bool,
}

impl LlmRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
