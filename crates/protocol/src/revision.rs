//! The MCP protocol revisions MCP Desk knows, newest first, and what each one implies.

/// A protocol revision, named by its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Revision {
    V2024_11_05,
    V2025_03_26,
    V2025_06_18,
    V2025_11_25,
    V2026_07_28,
}

/// The revisions that open a session with `initialize`, newest first.
pub const INITIALIZE_ERA: &[&str] = &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

impl Revision {
    /// Every revision, newest first.
    pub const ALL: [Revision; 5] = [
        Revision::V2026_07_28,
        Revision::V2025_11_25,
        Revision::V2025_06_18,
        Revision::V2025_03_26,
        Revision::V2024_11_05,
    ];

    /// The newest revision with an `initialize` handshake.
    pub const LATEST_WITH_INITIALIZE: Revision = Revision::V2025_11_25;

    pub fn as_str(self) -> &'static str {
        match self {
            Revision::V2024_11_05 => "2024-11-05",
            Revision::V2025_03_26 => "2025-03-26",
            Revision::V2025_06_18 => "2025-06-18",
            Revision::V2025_11_25 => "2025-11-25",
            Revision::V2026_07_28 => "2026-07-28",
        }
    }

    pub fn parse(text: &str) -> Option<Revision> {
        Revision::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
    }

    /// The same revision as rmcp names it.
    pub fn protocol_version(self) -> crate::model::ProtocolVersion {
        use crate::model::ProtocolVersion;
        match self {
            Revision::V2024_11_05 => ProtocolVersion::V_2024_11_05,
            Revision::V2025_03_26 => ProtocolVersion::V_2025_03_26,
            Revision::V2025_06_18 => ProtocolVersion::V_2025_06_18,
            Revision::V2025_11_25 => ProtocolVersion::V_2025_11_25,
            Revision::V2026_07_28 => ProtocolVersion::V_2026_07_28,
        }
    }

    /// Whether sessions start with `initialize` (every revision before 2026-07-28).
    pub fn has_initialize(self) -> bool {
        self < Revision::V2026_07_28
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order_is_by_date() {
        for r in Revision::ALL {
            assert_eq!(Revision::parse(r.as_str()), Some(r));
        }
        assert!(Revision::V2024_11_05 < Revision::V2026_07_28);
        assert_eq!(Revision::parse("2025-01-01"), None);
        for r in Revision::ALL {
            assert_eq!(r.protocol_version().as_str(), r.as_str());
        }
    }

    #[test]
    fn the_initialize_era_ends_before_2026() {
        let era: Vec<&str> = Revision::ALL
            .into_iter()
            .filter(|r| r.has_initialize())
            .map(Revision::as_str)
            .collect();
        assert_eq!(era, INITIALIZE_ERA);
    }
}
