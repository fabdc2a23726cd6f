//! The page's clocks: wall time for records people read (the audit trail's timestamps) and a
//! monotonic clock for timers and budgets, which no change of the system time can move back.

/// Milliseconds since the Unix epoch (`Date.now()`).
pub fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// Milliseconds since the page loaded (`performance.now()`); the wall clock if the page has
/// no `performance`.
pub fn monotonic_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(wall_ms, |p| p.now())
}
