//! PKCE (RFC 7636) with S256, and the `state` that ties a redirect to the sign-in that sent the
//! person away: both made from random bytes the caller draws (the core draws none).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A code verifier and its S256 challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkce {
    /// 43 characters of base64url: 32 random bytes (RFC 7636 section 4.1).
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn from_random(bytes: &[u8; 32]) -> Pkce {
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        let challenge = challenge_of(&verifier);
        Pkce {
            verifier,
            challenge,
        }
    }
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 section 4.2).
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An unguessable `state` from 16 random bytes.
pub fn state_from(bytes: &[u8; 16]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s_own_example() {
        // RFC 7636 appendix B.
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let pkce = Pkce::from_random(&[7; 32]);
        assert_eq!(pkce.verifier.len(), 43);
        assert_eq!(pkce.challenge, challenge_of(&pkce.verifier));
        assert_eq!(state_from(&[0; 16]).len(), 22);
    }
}
