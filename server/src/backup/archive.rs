//! The archive: a gzip'd tar whose first entry is `manifest.json`, followed by the database
//! dump and the session store under `sessions/`. The manifest lists every other entry with its
//! size and SHA-256, so a damaged or altered archive is refused before anything is restored.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
    fs::File,
    io::{self, BufReader, BufWriter, Read, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Component, Path, PathBuf},
};

use chrono::{DateTime, Utc};
use flate2::{Compression, read::GzDecoder, write::GzEncoder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{BackupError, io_error};

pub const PREFIX: &str = "novi-backup-";
pub const SUFFIX: &str = ".tar.gz";
pub const SESSIONS: &str = "sessions";
const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "novi-backup";
const VERSION: u32 = 1;
/// A manifest is a few kilobytes; anything far larger is not one.
const MANIFEST_LIMIT: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> Self {
        if url.starts_with("sqlite:") {
            Self::Sqlite
        } else {
            Self::Postgres
        }
    }

    /// Where the database sits inside the archive.
    pub fn dump_file(self) -> &'static str {
        match self {
            Self::Sqlite => "database.sqlite",
            Self::Postgres => "database.pgdump",
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The Novi version that wrote it.
    pub novi: String,
    pub created_at: DateTime<Utc>,
    pub engine: Engine,
    /// The migrations applied to the database, oldest first.
    pub migrations: Vec<String>,
    /// Rows per table, counted in the same snapshot the dump was taken from.
    pub tables: BTreeMap<String, u64>,
    /// Whether the session store holds sealed profiles (`NOVI_SESSION_KEY`) or plaintext ones.
    pub sessions_sealed: bool,
    pub files: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl Manifest {
    pub fn new(
        created_at: DateTime<Utc>,
        engine: Engine,
        migrations: Vec<String>,
        tables: BTreeMap<String, u64>,
        sessions_sealed: bool,
    ) -> Self {
        Self {
            format: FORMAT.to_string(),
            version: VERSION,
            novi: env!("CARGO_PKG_VERSION").to_string(),
            created_at,
            engine,
            migrations,
            tables,
            sessions_sealed,
            files: Vec::new(),
        }
    }
}

/// Archives every file under `staging` into `target` (written whole, then renamed, so a
/// half-written archive never carries the final name) and returns the manifest it holds.
pub fn write(staging: &Path, mut manifest: Manifest, target: &Path) -> Result<Manifest, BackupError> {
    let mut files = Vec::new();
    list_files(staging, Path::new(""), &mut files).map_err(io_error(staging))?;
    for relative in &files {
        let path = staging.join(relative);
        let (size, sha256) = digest(&path).map_err(io_error(&path))?;
        manifest.files.push(Entry {
            path: archive_name(relative),
            size,
            sha256,
        });
    }
    let partial = target.with_extension("partial");
    let written = (|| -> io::Result<()> {
        // The archive holds every password hash and sealed credential: its owner's eyes only.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)?;
        let mut tar = tar::Builder::new(GzEncoder::new(BufWriter::new(file), Compression::default()));
        let json = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
        append_bytes(&mut tar, MANIFEST, &json)?;
        for relative in &files {
            let mut source = File::open(staging.join(relative))?;
            tar.append_file(archive_name(relative), &mut source)?;
        }
        let mut gz = tar.into_inner()?;
        gz.flush()?;
        let file = gz.finish()?.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(io_error(&partial)(error));
    }
    std::fs::rename(&partial, target).map_err(io_error(target))?;
    Ok(manifest)
}

/// Unpacks `archive` into the empty folder `into` and returns its manifest, after checking
/// that it is a Novi backup of a known version and that every file is whole.
pub fn open(archive: &Path, into: &Path) -> Result<Manifest, BackupError> {
    let refused = |reason: String| BackupError::Refused {
        archive: archive.to_path_buf(),
        reason,
    };
    let file = File::open(archive).map_err(io_error(archive))?;
    let mut tar = tar::Archive::new(GzDecoder::new(BufReader::new(file)));
    let mut entries = tar
        .entries()
        .map_err(|error| refused(format!("it is not a readable archive ({error})")))?;
    let manifest = match entries.next() {
        Some(Ok(mut first)) if first.path().is_ok_and(|path| path == Path::new(MANIFEST)) => {
            let mut json = Vec::new();
            first
                .by_ref()
                .take(MANIFEST_LIMIT)
                .read_to_end(&mut json)
                .map_err(|error| refused(format!("its manifest cannot be read ({error})")))?;
            serde_json::from_slice::<Manifest>(&json)
                .map_err(|error| refused(format!("its manifest is not a Novi manifest ({error})")))?
        }
        Some(Err(error)) => return Err(refused(format!("it is not a readable archive ({error})"))),
        _ => {
            return Err(refused(
                "it does not start with a Novi manifest: not a Novi backup".into(),
            ));
        }
    };
    if manifest.format != FORMAT {
        return Err(refused(format!(
            "its format is `{}`, not a Novi backup",
            manifest.format
        )));
    }
    if manifest.version != VERSION {
        return Err(refused(format!(
            "it is format version {}; this Novi reads version {VERSION}",
            manifest.version
        )));
    }
    let listed: BTreeMap<&str, &Entry> = manifest
        .files
        .iter()
        .map(|entry| (entry.path.as_str(), entry))
        .collect();
    let mut seen = BTreeSet::new();
    for entry in entries {
        let mut entry = entry.map_err(|error| refused(format!("it is damaged ({error})")))?;
        let name = entry
            .path()
            .map_err(|error| refused(format!("it is damaged ({error})")))?
            .to_string_lossy()
            .into_owned();
        let Some(expected) = listed.get(name.as_str()) else {
            return Err(refused(format!("{name} is not in its manifest")));
        };
        let relative = safe_relative(&name).ok_or_else(|| refused(format!("{name} points outside the archive")))?;
        if !entry.header().entry_type().is_file() || !seen.insert(name.clone()) {
            return Err(refused(format!("{name} is not a single regular file")));
        }
        let target = into.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        let (size, sha256) = copy_hashed(&mut entry, &target).map_err(|error| match error {
            Failed::Read(error) => refused(format!("it is damaged ({error})")),
            Failed::Write(error) => io_error(&target)(error),
        })?;
        if size != expected.size || sha256 != expected.sha256 {
            return Err(refused(format!(
                "{name} does not match its checksum: the archive is damaged"
            )));
        }
    }
    if let Some(missing) = listed.keys().find(|name| !seen.contains(**name)) {
        return Err(refused(format!("{missing} is missing: the archive is cut short")));
    }
    if !seen.contains(manifest.engine.dump_file()) {
        return Err(refused("it holds no database".into()));
    }
    Ok(manifest)
}

fn append_bytes<W: Write>(tar: &mut tar::Builder<W>, name: &str, bytes: &[u8]) -> io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(Utc::now().timestamp().try_into().unwrap_or_default());
    header.set_cksum();
    tar.append_data(&mut header, name, bytes)
}

/// Regular files under `root`, relative to it, in a stable order.
fn list_files(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut children: Vec<_> = std::fs::read_dir(root.join(relative))?.collect::<Result<_, _>>()?;
    children.sort_by_key(|entry| entry.file_name());
    for child in children {
        let kind = child.file_type()?;
        let path = relative.join(child.file_name());
        if kind.is_dir() {
            list_files(root, &path, out)?;
        } else if kind.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn archive_name(relative: &Path) -> String {
    relative.to_string_lossy().into_owned()
}

/// The path of an entry when it stays inside the archive's folder.
fn safe_relative(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    let inside = path.components().all(|part| matches!(part, Component::Normal(_)));
    (inside && !name.is_empty()).then(|| path.to_path_buf())
}

/// Which side of a copy failed: reading an archive means it is damaged, writing is our disk.
enum Failed {
    Read(io::Error),
    Write(io::Error),
}

fn digest(path: &Path) -> io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    hash_into(&mut file, &mut io::sink()).map_err(|(Failed::Read(error) | Failed::Write(error))| error)
}

fn copy_hashed(source: &mut impl Read, target: &Path) -> Result<(u64, String), Failed> {
    let mut file = BufWriter::new(File::create(target).map_err(Failed::Write)?);
    let hashed = hash_into(source, &mut file)?;
    file.flush().map_err(Failed::Write)?;
    Ok(hashed)
}

fn hash_into(source: &mut impl Read, sink: &mut impl Write) -> Result<(u64, String), Failed> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0u64;
    loop {
        let read = source.read(&mut buffer).map_err(Failed::Read)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        sink.write_all(&buffer[..read]).map_err(Failed::Write)?;
        size += read as u64;
    }
    let hash = hasher.finalize();
    Ok((size, hash.iter().map(|byte| format!("{byte:02x}")).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::scratch::Scratch;

    fn manifest() -> Manifest {
        Manifest::new(
            Utc::now(),
            Engine::Sqlite,
            vec!["m1".into()],
            BTreeMap::from([("orders".into(), 3)]),
            false,
        )
    }

    fn made(base: &Path) -> PathBuf {
        let staging = Scratch::new(base, "test-staging").unwrap();
        std::fs::write(staging.path().join("database.sqlite"), b"not really a database").unwrap();
        std::fs::create_dir_all(staging.path().join("sessions/business-1")).unwrap();
        std::fs::write(staging.path().join("sessions/business-1/Cookies"), b"cookie jar").unwrap();
        let target = base.join("novi-backup-test.tar.gz");
        write(staging.path(), manifest(), &target).unwrap();
        target
    }

    fn reason(result: Result<Manifest, BackupError>) -> String {
        match result {
            Err(BackupError::Refused { reason, .. }) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn an_archive_opens_to_the_files_and_manifest_it_was_written_with() {
        let base = Scratch::new(&std::env::temp_dir(), "test").unwrap();
        let archive = made(base.path());
        let into = Scratch::new(base.path(), "test-open").unwrap();
        let opened = open(&archive, into.path()).unwrap();
        assert_eq!(opened.tables["orders"], 3);
        assert_eq!(opened.files.len(), 2);
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&archive).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            std::fs::read(into.path().join("sessions/business-1/Cookies")).unwrap(),
            b"cookie jar"
        );
    }

    #[test]
    fn a_damaged_or_foreign_archive_is_refused() {
        let base = Scratch::new(&std::env::temp_dir(), "test").unwrap();
        let archive = made(base.path());
        let mut bytes = std::fs::read(&archive).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        let damaged = base.path().join("damaged.tar.gz");
        std::fs::write(&damaged, &bytes).unwrap();
        let into = Scratch::new(base.path(), "test-damaged").unwrap();
        assert!(!reason(open(&damaged, into.path())).is_empty());

        let cut = base.path().join("cut.tar.gz");
        std::fs::write(&cut, &std::fs::read(&archive).unwrap()[..middle]).unwrap();
        let into = Scratch::new(base.path(), "test-cut").unwrap();
        assert!(!reason(open(&cut, into.path())).is_empty());

        let foreign = base.path().join("foreign.tar.gz");
        let mut tar = tar::Builder::new(GzEncoder::new(File::create(&foreign).unwrap(), Compression::fast()));
        append_bytes(&mut tar, "etc/passwd", b"root:x:0:0").unwrap();
        tar.into_inner().unwrap().finish().unwrap();
        let into = Scratch::new(base.path(), "test-foreign").unwrap();
        assert!(reason(open(&foreign, into.path())).contains("not a Novi backup"));

        let text = base.path().join("notes.tar.gz");
        std::fs::write(&text, "hello").unwrap();
        let into = Scratch::new(base.path(), "test-text").unwrap();
        assert!(reason(open(&text, into.path())).contains("not a readable archive"));
    }

    #[test]
    fn entries_may_not_leave_the_folder() {
        assert_eq!(safe_relative("sessions/a/b"), Some(PathBuf::from("sessions/a/b")));
        assert_eq!(safe_relative("../etc/passwd"), None);
        assert_eq!(safe_relative("/etc/passwd"), None);
        assert_eq!(safe_relative("sessions/../../x"), None);
    }
}
