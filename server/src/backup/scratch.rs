//! A private working folder that is removed with everything in it when dropped, whether the
//! backup succeeded or not.

use std::{
    os::unix::fs::DirBuilderExt,
    path::{Path, PathBuf},
};

use rand::{Rng, distr::Alphanumeric};

use super::{BackupError, io_error};

pub struct Scratch(PathBuf);

impl Scratch {
    /// Creates `<base>/.novi-<purpose>-<random>` readable by this user only: it holds a copy
    /// of the database and of the WhatsApp sessions.
    pub fn new(base: &Path, purpose: &str) -> Result<Self, BackupError> {
        let path = base.join(format!(".novi-{purpose}-{}", suffix()));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .recursive(true)
            .create(&path)
            .map_err(io_error(&path))?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.0) {
            tracing::warn!(path = %self.0.display(), %error, "cannot remove a backup's working folder");
        }
    }
}

/// Twelve random lower-case letters and digits: safe in file names and PostgreSQL identifiers.
pub fn suffix() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(12)
        .map(|c| char::from(c).to_ascii_lowercase())
        .collect()
}
