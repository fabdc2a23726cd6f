//! The providers a person can pick, with their stable ids, the wire format each speaks, and
//! the defaults a workshop attendee should not have to look up.

/// How a provider is spoken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireFormat {
    /// Nothing goes over the network (Mock, Manual).
    Local,
    /// OpenAI Chat Completions (`/chat/completions`), spoken by many.
    OpenAiChat,
    /// Anthropic Messages (`/v1/messages`).
    AnthropicMessages,
    /// Google Gemini `generateContent` / `streamGenerateContent`.
    Gemini,
}

/// A provider preset; `id()` is what the `provider` URL key and the selects use (and how it
/// is saved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ProviderKind {
    /// The built-in deterministic provider: no key, no network.
    Mock,
    /// A person types the completion.
    Manual,
    OpenAi,
    Anthropic,
    Gemini,
    OpenRouter,
    Ollama,
    /// Any OpenAI-compatible server (LM Studio, llama.cpp, vLLM, Groq…) at a base URL.
    OpenAiCompatible,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 8] = [
        ProviderKind::Mock,
        ProviderKind::Manual,
        ProviderKind::OpenAi,
        ProviderKind::Anthropic,
        ProviderKind::Gemini,
        ProviderKind::OpenRouter,
        ProviderKind::Ollama,
        ProviderKind::OpenAiCompatible,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ProviderKind::Mock => "mock",
            ProviderKind::Manual => "manual",
            ProviderKind::OpenAi => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Gemini => "gemini",
            ProviderKind::OpenRouter => "openrouter",
            ProviderKind::Ollama => "ollama",
            ProviderKind::OpenAiCompatible => "openai-compatible",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::Mock => "Mock (built in, no key)",
            ProviderKind::Manual => "Manual (you write the answer)",
            ProviderKind::OpenAi => "OpenAI",
            ProviderKind::Anthropic => "Anthropic",
            ProviderKind::Gemini => "Google Gemini",
            ProviderKind::OpenRouter => "OpenRouter",
            ProviderKind::Ollama => "Ollama (local)",
            ProviderKind::OpenAiCompatible => {
                "OpenAI-compatible (LM Studio, llama.cpp, vLLM, Groq…)"
            }
        }
    }

    pub fn from_id(id: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|p| p.id() == id)
    }

    pub fn wire_format(self) -> WireFormat {
        match self {
            ProviderKind::Mock | ProviderKind::Manual => WireFormat::Local,
            ProviderKind::Anthropic => WireFormat::AnthropicMessages,
            ProviderKind::Gemini => WireFormat::Gemini,
            ProviderKind::OpenAi
            | ProviderKind::OpenRouter
            | ProviderKind::Ollama
            | ProviderKind::OpenAiCompatible => WireFormat::OpenAiChat,
        }
    }

    /// The API base the preset uses unless the person gives another.
    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::Mock | ProviderKind::Manual => "",
            ProviderKind::OpenAi => "https://api.openai.com/v1",
            ProviderKind::Anthropic => "https://api.anthropic.com/v1",
            ProviderKind::Gemini => "https://generativelanguage.googleapis.com/v1beta",
            ProviderKind::OpenRouter => "https://openrouter.ai/api/v1",
            ProviderKind::Ollama => "http://localhost:11434/v1",
            ProviderKind::OpenAiCompatible => "http://localhost:1234/v1",
        }
    }

    /// Whether calls need an API key.
    pub fn needs_key(self) -> bool {
        matches!(
            self,
            ProviderKind::OpenAi
                | ProviderKind::Anthropic
                | ProviderKind::Gemini
                | ProviderKind::OpenRouter
        )
    }

    /// The model this provider asks when neither the person nor the hints name one.
    pub fn default_model(self) -> &'static str {
        match self {
            ProviderKind::Manual => "human",
            ProviderKind::Mock => crate::mock::MODEL,
            ProviderKind::OpenAi => "gpt-4o-mini",
            ProviderKind::Anthropic => "claude-3-5-haiku-latest",
            ProviderKind::Gemini => "gemini-2.0-flash",
            ProviderKind::OpenRouter => "openai/gpt-4o-mini",
            ProviderKind::Ollama => "llama3.2",
            ProviderKind::OpenAiCompatible => "local-model",
        }
    }
}

impl From<ProviderKind> for String {
    fn from(kind: ProviderKind) -> String {
        kind.id().to_owned()
    }
}

impl TryFrom<String> for ProviderKind {
    type Error = String;

    fn try_from(id: String) -> Result<Self, String> {
        ProviderKind::from_id(&id).ok_or_else(|| format!("unknown provider {id:?}"))
    }
}

/// One configured provider: what the person entered in the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    /// Empty = the preset's default.
    pub base_url: String,
    pub api_key: String,
    /// The models the person uses with it, in their order of preference (may be empty).
    pub models: Vec<String>,
}

impl ProviderConfig {
    pub fn new(kind: ProviderKind) -> Self {
        ProviderConfig {
            kind,
            base_url: String::new(),
            api_key: String::new(),
            models: Vec::new(),
        }
    }

    /// The base URL in use, without a trailing slash.
    pub fn base(&self) -> String {
        let base = if self.base_url.trim().is_empty() {
            self.kind.default_base_url()
        } else {
            self.base_url.trim()
        };
        base.trim_end_matches('/').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_the_ui_contract() {
        let ids: Vec<&str> = ProviderKind::ALL.iter().map(|p| p.id()).collect();
        assert_eq!(
            ids,
            [
                "mock",
                "manual",
                "openai",
                "anthropic",
                "gemini",
                "openrouter",
                "ollama",
                "openai-compatible"
            ]
        );
        for p in ProviderKind::ALL {
            assert_eq!(ProviderKind::from_id(p.id()), Some(p));
        }
        assert_eq!(ProviderKind::from_id("groq"), None);
    }

    #[test]
    fn the_base_url_falls_back_to_the_preset_and_loses_its_trailing_slash() {
        let mut config = ProviderConfig::new(ProviderKind::Ollama);
        assert_eq!(config.base(), "http://localhost:11434/v1");
        config.base_url = "http://127.0.0.1:9999/v1/ ".into();
        assert_eq!(config.base(), "http://127.0.0.1:9999/v1");
    }
}
