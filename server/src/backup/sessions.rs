//! The WhatsApp session store (`WHATSAPP_SESSION_PATH`) in and out of an archive. With
//! `NOVI_SESSION_KEY` set only the sealed profiles go in: the plaintext folders beside them are
//! a running worker's working copies. Without it, the profiles go in as they are, less
//! Chromium's caches and locks.

use std::{io, os::unix::fs::DirBuilderExt, path::Path};

use super::{BackupError, io_error};
use crate::whatsapp::sealed::SKIPPED;

/// Copies the store into `into` (created even when there is nothing to copy) and returns
/// whether what was copied is sealed.
pub fn copy_out(store: &Path, sealed: bool, into: &Path) -> Result<bool, BackupError> {
    private_folder(into)?;
    let children = match std::fs::read_dir(store) {
        Ok(children) => children,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(sealed),
        Err(error) => return Err(io_error(store)(error)),
    };
    for child in children {
        let child = child.map_err(io_error(store))?;
        let name = child.file_name();
        let is_sealed_profile = name.to_string_lossy().ends_with(".sealed");
        if sealed && !is_sealed_profile {
            continue;
        }
        copy_tree(&child.path(), &into.join(&name))?;
    }
    Ok(sealed)
}

/// Refuses a session folder that already holds something: a restore never mixes profiles.
pub fn ensure_empty(store: &Path) -> Result<(), BackupError> {
    match std::fs::read_dir(store).map(|mut children| children.next().is_some()) {
        Ok(true) => Err(BackupError::NotEmpty(format!(
            "the WhatsApp session folder {}",
            store.display()
        ))),
        Ok(false) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(io_error(store)(error)),
    }
}

/// Puts the archived store back into `store` (an archive of an empty store has no `from`).
pub fn copy_in(from: &Path, store: &Path) -> Result<(), BackupError> {
    private_folder(store)?;
    let children = match std::fs::read_dir(from) {
        Ok(children) => children,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(io_error(from)(error)),
    };
    for child in children {
        let child = child.map_err(io_error(from))?;
        copy_tree(&child.path(), &store.join(child.file_name()))?;
    }
    Ok(())
}

fn private_folder(path: &Path) -> Result<(), BackupError> {
    std::fs::DirBuilder::new()
        .mode(0o700)
        .recursive(true)
        .create(path)
        .map_err(io_error(path))
}

/// Copies regular files and folders; links, sockets and Chromium's caches stay behind, and a
/// file Chromium removes while it is being copied is simply not there.
fn copy_tree(source: &Path, target: &Path) -> Result<(), BackupError> {
    let name = source.file_name().map(|name| name.to_string_lossy().into_owned());
    if name
        .as_deref()
        .is_some_and(|name| SKIPPED.contains(&name) || name.ends_with(".tmp"))
    {
        return Ok(());
    }
    let kind = match std::fs::symlink_metadata(source) {
        Ok(metadata) => metadata.file_type(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(io_error(source)(error)),
    };
    if kind.is_dir() {
        private_folder(target)?;
        for child in std::fs::read_dir(source).map_err(io_error(source))? {
            let child = child.map_err(io_error(source))?;
            copy_tree(&child.path(), &target.join(child.file_name()))?;
        }
    } else if kind.is_file() {
        match std::fs::copy(source, target) {
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(io_error(source)(error)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::scratch::Scratch;

    #[test]
    fn sealed_stores_give_only_their_sealed_profiles_and_caches_never_go() {
        let base = Scratch::new(&std::env::temp_dir(), "test-sessions").unwrap();
        let store = base.path().join("whatsapp");
        std::fs::create_dir_all(store.join("business-1/Default/Cache")).unwrap();
        std::fs::write(store.join("business-1/Default/Cookies"), b"c").unwrap();
        std::fs::write(store.join("business-1/Default/Cache/data_0"), b"x").unwrap();
        std::fs::write(store.join("business-1.sealed"), b"s").unwrap();

        let plain = base.path().join("plain");
        assert!(!copy_out(&store, false, &plain).unwrap());
        assert!(plain.join("business-1/Default/Cookies").exists());
        assert!(!plain.join("business-1/Default/Cache").exists());

        let sealed = base.path().join("sealed");
        assert!(copy_out(&store, true, &sealed).unwrap());
        assert!(sealed.join("business-1.sealed").exists());
        assert!(!sealed.join("business-1").exists());

        assert!(matches!(ensure_empty(&store), Err(BackupError::NotEmpty(_))));
        let restored = base.path().join("restored");
        ensure_empty(&restored).unwrap();
        copy_in(&sealed, &restored).unwrap();
        assert_eq!(std::fs::read(restored.join("business-1.sealed")).unwrap(), b"s");
    }
}
