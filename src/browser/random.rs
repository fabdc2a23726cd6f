//! Randomness: `Math.random()` for what must merely differ between devices (the salt that
//! names servers in saved settings), and the browser's cryptographic generator for secrets (a
//! sign-in's PKCE verifier and `state`).

/// 128 bits from `Math.random()`.
pub fn bits128() -> [u64; 2] {
    let draw = || (js_sys::Math::random() * u64::MAX as f64) as u64;
    [draw(), draw()]
}

/// `N` bytes from `crypto.getRandomValues`; none when the browser offers no such generator.
pub fn secure_bytes<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0; N];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes)
}
