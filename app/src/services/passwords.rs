//! Password hashing with argon2id. Hashing is CPU-heavy by design, so it runs on the blocking
//! pool and never stalls the async runtime.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};

use crate::error::ServiceError;

pub async fn hash(password: String) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| ServiceError::Internal(format!("password hashing failed: {error}")))
    })
    .await
    .map_err(|error| ServiceError::Internal(format!("password hashing task failed: {error}")))?
}

pub async fn verify(password: String, hash: String) -> Result<bool, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|error| ServiceError::Internal(format!("stored password hash is invalid: {error}")))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|error| ServiceError::Internal(format!("password check task failed: {error}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hash = hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), hash.clone()).await.unwrap());
        assert!(!verify("wrong horse".into(), hash).await.unwrap());
    }
}
