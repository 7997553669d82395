//! Secrets the server hands out or checks: argon2id password hashes and random tokens
//! (sessions, mailed links) stored only as SHA-256 hashes.
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::error::{DomainError, DomainResult};
use super::text::{self, Lines};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 1024;

pub(crate) fn check_password(password: &str, field: &str) -> DomainResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(DomainError::bad_input(
            field,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(DomainError::bad_input(
            field,
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    // A password is typed on a keyboard: a control character in one is a client bug.
    text::check_chars(password, field, Lines::Single)
}

/// A fresh random token (256 bits, URL-safe) and the hash under which it is stored.
pub(crate) fn new_token() -> (String, String) {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub(crate) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Argon2 is deliberately slow; it runs off the async workers.
pub(crate) async fn hash_password(password: String) -> DomainResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await
    .map_err(|e| anyhow::anyhow!("password hashing task: {e}"))?
    .map_err(DomainError::Internal)
}

/// Verifies against the stored hash, or against a throwaway hash when there is no user,
/// so both failures cost the same time.
pub(crate) async fn verify_password(
    password: String,
    stored: Option<String>,
) -> DomainResult<bool> {
    tokio::task::spawn_blocking(move || {
        let argon = Argon2::default();
        match stored {
            Some(stored) => {
                let parsed = PasswordHash::new(&stored)
                    .map_err(|e| anyhow::anyhow!("stored password hash: {e}"))?;
                Ok(argon.verify_password(password.as_bytes(), &parsed).is_ok())
            }
            None => {
                let salt = SaltString::generate(&mut OsRng);
                let _ = argon.hash_password(password.as_bytes(), &salt);
                Ok(false)
            }
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("password verification task: {e}"))?
    .map_err(DomainError::Internal)
}
