//! Random tokens and password hashing.
//!
//! Session ids and e-mail tokens are 256-bit random values given to the user once; only their
//! SHA-256 is stored, so a leaked database does not leak live sessions or reset links.
//! Passwords use Argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane), computed on
//! a blocking thread so that the async runtime keeps serving other requests meanwhile.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
pub const ARGON2_ITERATIONS: u32 = 2;
pub const ARGON2_PARALLELISM: u32 = 1;

/// A fresh random token, as given to the user (URL-safe base64 of 32 bytes).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    URL_SAFE_NO_PAD.encode(digest)
}

fn argon2() -> Argon2<'static> {
    // The parameters are constants within Argon2's documented bounds, so this cannot fail.
    let params = Params::new(
        ARGON2_MEMORY_KIB,
        ARGON2_ITERATIONS,
        ARGON2_PARALLELISM,
        None,
    )
    .unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

pub async fn hash_password(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password)).await?
}

pub fn hash_password_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

/// Verifies `password` against `stored`. With no stored hash (unknown account, or an invitation
/// not yet accepted) it verifies against a fixed dummy hash, so that the answer takes as long as
/// for a real account and timing does not reveal which addresses have accounts.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, HashError> {
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match stored {
            Some(hash) => (hash, true),
            None => (dummy_hash().to_string(), false),
        };
        let ok = match PasswordHash::new(&hash) {
            Ok(parsed) => argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        };
        ok && real
    })
    .await
    .map_err(HashError::from)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password_blocking("locactive-timing-equaliser").unwrap_or_default())
}

/// Computes the dummy hash ahead of the first login, so that request is not slower than others.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_required_cost() {
        let hash = hash_password("cheval-agrafe-batterie".into())
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify_password("cheval-agrafe-batterie".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("autre-chose-encore".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("locactive-timing-equaliser".into(), None)
                .await
                .unwrap()
        );
    }
}
