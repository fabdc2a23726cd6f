//! Randomness for what must differ between devices (the salt that names servers in saved
//! settings). Not for secrets.

/// 128 bits from `Math.random()`.
pub fn bits128() -> [u64; 2] {
    let draw = || (js_sys::Math::random() * u64::MAX as f64) as u64;
    [draw(), draw()]
}
