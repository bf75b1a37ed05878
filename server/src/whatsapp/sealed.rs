//! A WhatsApp profile at rest, sealed: the profile folder (less Chromium's caches) archived and
//! encrypted with XChaCha20-Poly1305 under a key derived from `NOVI_SESSION_KEY`. The worker
//! unseals it into a private folder before starting Chromium, seals it again periodically, and
//! on a clean shutdown seals it and removes the plaintext.

use std::{
    io,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
};

use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{Aead, AeadCore, KeyInit, OsRng},
};
use sha2::{Digest, Sha256};

/// Marks the file as a Novi sealed profile, version 1.
const MAGIC: &[u8; 8] = b"NOVISEAL";
const VERSION: u8 = 1;
const NONCE: usize = 24;
/// Chromium's caches: large, rebuilt on start, and nothing WhatsApp needs to stay linked.
pub(crate) const SKIPPED: &[&str] = &[
    "Cache",
    "Code Cache",
    "GPUCache",
    "GrShaderCache",
    "ShaderCache",
    "GraphiteDawnCache",
    "DawnGraphiteCache",
    "DawnWebGPUCache",
    "GPUPersistentCache",
    "Crashpad",
    "SingletonLock",
    "SingletonSocket",
    "SingletonCookie",
    "DevToolsActivePort",
];

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{0} is not a sealed profile, or the key is not the one it was sealed with")]
    Refused(PathBuf),
}

/// The key for sealing, from the configured secret.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl SealKey {
    pub fn derive(secret: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"novi whatsapp profile v1\0");
        hasher.update(secret.as_bytes());
        Self(hasher.finalize().into())
    }
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(..)")
    }
}

/// The sealed file that belongs to a profile folder.
pub fn sealed_path(profile: &Path) -> PathBuf {
    profile.with_extension("sealed")
}

/// Archives and encrypts the profile into its sealed file (written whole, then renamed).
pub fn seal(profile: &Path, key: &SealKey) -> Result<(), SealError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SealError::Io { path, source }
    };
    let mut archive = tar::Builder::new(Vec::new());
    archive.follow_symlinks(false);
    add_folder(&mut archive, profile, Path::new("")).map_err(io_error(profile))?;
    let plain = archive.into_inner().map_err(io_error(profile))?;
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(&nonce, plain.as_slice())
        .map_err(|_| SealError::Refused(profile.to_path_buf()))?;
    let target = sealed_path(profile);
    let temporary = target.with_extension("sealed.tmp");
    let mut bytes = Vec::with_capacity(MAGIC.len() + 1 + NONCE + sealed.len());
    bytes.extend_from_slice(MAGIC);
    bytes.push(VERSION);
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&sealed);
    std::fs::write(&temporary, bytes).map_err(io_error(&temporary))?;
    std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o600)).map_err(io_error(&temporary))?;
    std::fs::rename(&temporary, &target).map_err(io_error(&target))
}

/// Seals the profile and removes the plaintext folder.
pub fn seal_and_remove(profile: &Path, key: &SealKey) -> Result<(), SealError> {
    seal(profile, key)?;
    std::fs::remove_dir_all(profile).map_err(|source| SealError::Io {
        path: profile.to_path_buf(),
        source,
    })
}

/// Restores the profile from its sealed file into a private (0700) folder. Returns false when
/// there is nothing sealed yet.
pub fn unseal(profile: &Path, key: &SealKey) -> Result<bool, SealError> {
    let source = sealed_path(profile);
    let bytes = match std::fs::read(&source) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => {
            return Err(SealError::Io {
                path: source,
                source: error,
            });
        }
    };
    let header = MAGIC.len() + 1;
    if bytes.len() < header + NONCE || &bytes[..MAGIC.len()] != MAGIC || bytes[MAGIC.len()] != VERSION {
        return Err(SealError::Refused(source));
    }
    let nonce = XNonce::from_slice(&bytes[header..header + NONCE]);
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let plain = cipher
        .decrypt(nonce, &bytes[header + NONCE..])
        .map_err(|_| SealError::Refused(source.clone()))?;
    let io_error = |source| SealError::Io {
        path: profile.to_path_buf(),
        source,
    };
    if profile.exists() {
        std::fs::remove_dir_all(profile).map_err(io_error)?;
    }
    private_folder(profile).map_err(io_error)?;
    tar::Archive::new(plain.as_slice()).unpack(profile).map_err(io_error)?;
    Ok(true)
}

/// Creates the folder readable by this user only.
pub fn private_folder(path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
}

fn add_folder(archive: &mut tar::Builder<Vec<u8>>, root: &Path, relative: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(root.join(relative))? {
        let entry = entry?;
        let name = entry.file_name();
        if SKIPPED.iter().any(|skipped| name == *skipped) {
            continue;
        }
        let inside = relative.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            archive.append_dir(&inside, entry.path())?;
            add_folder(archive, root, &inside)?;
        } else if kind.is_file() {
            // A live profile changes under us; a file that vanished is simply not kept.
            match std::fs::File::open(entry.path()) {
                Ok(mut file) => archive.append_file(&inside, &mut file)?,
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(error),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_round_trips_and_a_wrong_key_is_refused() {
        let root = std::env::temp_dir().join(format!("novi-seal-{}", std::process::id()));
        let profile = root.join("business-1");
        std::fs::create_dir_all(profile.join("Default/Local Storage")).unwrap();
        std::fs::create_dir_all(profile.join("Default/Cache")).unwrap();
        std::fs::write(profile.join("Default/Local Storage/000003.log"), b"session-token-123").unwrap();
        std::fs::write(profile.join("Default/Cache/big"), vec![0u8; 1024]).unwrap();
        let key = SealKey::derive("a long and random secret for sealing profiles");

        seal_and_remove(&profile, &key).unwrap();
        assert!(!profile.exists());
        let sealed = std::fs::read(sealed_path(&profile)).unwrap();
        assert!(
            !sealed.windows(13).any(|w| w == b"session-token"),
            "no plaintext in the sealed file"
        );

        let wrong = SealKey::derive("another secret that is long enough to be one");
        assert!(matches!(unseal(&profile, &wrong), Err(SealError::Refused(_))));
        assert!(unseal(&profile, &key).unwrap());
        assert_eq!(
            std::fs::read(profile.join("Default/Local Storage/000003.log")).unwrap(),
            b"session-token-123"
        );
        assert!(!profile.join("Default/Cache").exists(), "caches are not kept");
        let mode = std::fs::metadata(&profile).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        std::fs::remove_dir_all(root).unwrap();
    }
}
