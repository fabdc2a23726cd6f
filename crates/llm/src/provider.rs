//! The providers a person can pick in the sampling dialog, with their stable ids.

/// A provider preset; `id()` is what the `provider` URL key and the select use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// A person types the completion.
    Manual,
    /// The built-in deterministic provider: no key, no network.
    Mock,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 2] = [ProviderKind::Mock, ProviderKind::Manual];

    pub fn id(self) -> &'static str {
        match self {
            ProviderKind::Manual => "manual",
            ProviderKind::Mock => "mock",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::Manual => "Manual (you write the answer)",
            ProviderKind::Mock => "Mock (built in, no key)",
        }
    }

    pub fn from_id(id: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The model this provider asks when the person names none.
    pub fn default_model(self) -> &'static str {
        match self {
            ProviderKind::Manual => "human",
            ProviderKind::Mock => crate::mock::MODEL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for p in ProviderKind::ALL {
            assert_eq!(ProviderKind::from_id(p.id()), Some(p));
        }
        assert_eq!(ProviderKind::from_id("openai"), None);
    }
}
