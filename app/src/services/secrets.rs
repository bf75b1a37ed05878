//! Credentials Novi keeps for a business (the WhatsApp Cloud API access token and app secret),
//! sealed at rest with XChaCha20-Poly1305 under a key derived from `NOVI_SESSION_KEY`, or from
//! `JWT_SECRET` when that is not set. Changing the key makes stored credentials unreadable:
//! they must then be entered again.

use base64::{Engine, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{Aead, AeadCore, KeyInit, OsRng},
};
use sha2::{Digest, Sha256};

use crate::error::ServiceError;

const PREFIX: &str = "v1:";
const NONCE: usize = 24;

#[derive(Clone)]
pub struct SecretBox([u8; 32]);

impl SecretBox {
    pub fn derive(material: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"novi stored credentials v1\0");
        hasher.update(material.as_bytes());
        Self(hasher.finalize().into())
    }

    pub fn seal(&self, plain: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(&nonce, plain.as_bytes())
            .expect("sealing a short text in memory cannot fail");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(bytes))
    }

    pub fn open(&self, sealed: &str) -> Result<String, ServiceError> {
        let unreadable = || {
            ServiceError::Internal(
                "a stored credential cannot be opened (was NOVI_SESSION_KEY or JWT_SECRET changed?)".into(),
            )
        };
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|encoded| STANDARD.decode(encoded).ok())
            .filter(|bytes| bytes.len() > NONCE)
            .ok_or_else(unreadable)?;
        let (nonce, body) = bytes.split_at(NONCE);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| unreadable())?;
        String::from_utf8(plain).map_err(|_| unreadable())
    }
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_its_key() {
        let secrets = SecretBox::derive("a key of the installation");
        let sealed = secrets.seal("EAAG-access-token");
        assert!(!sealed.contains("EAAG"));
        assert_ne!(sealed, secrets.seal("EAAG-access-token"), "a fresh nonce every time");
        assert_eq!(secrets.open(&sealed).unwrap(), "EAAG-access-token");
        assert!(SecretBox::derive("another key").open(&sealed).is_err());
        assert!(secrets.open("v1:not base64!").is_err());
    }
}
