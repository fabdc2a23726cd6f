//! Wall-clock time as the page records it: milliseconds since the Unix epoch (the browser's
//! `Date.now()`), written as ISO 8601 in UTC, e.g. `2026-12-02T09:30:00.250Z` (by
//! [`mcp_desk_protocol::time`], which writes the tasks' timestamps the same way).

/// `ms` since 1970-01-01T00:00:00Z as ISO 8601 with milliseconds, in UTC; a clock before the
/// epoch, or broken, reads as the epoch.
pub fn iso8601(ms: f64) -> String {
    let ms = if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    };
    mcp_desk_protocol::time::iso8601(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_utc_with_milliseconds() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_796_203_800_250.0), "2026-12-02T09:30:00.250Z");
        assert_eq!(iso8601(1_709_251_199_999.0), "2024-02-29T23:59:59.999Z");
    }

    #[test]
    fn a_clock_before_the_epoch_or_broken_reads_as_the_epoch() {
        assert_eq!(iso8601(-5.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(f64::NAN), "1970-01-01T00:00:00.000Z");
    }
}
