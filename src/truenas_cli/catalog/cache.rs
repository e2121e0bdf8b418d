//! The catalogue cache on disk: one directory per server and user, holding an index and
//! one file per method.
//!
//! A cached catalogue decides which method a command calls, so a catalogue planted by
//! another local user could turn `auth api_key query` into `api_key.delete`. The cache is
//! therefore used only inside a directory that this user owns and nobody else can write
//! (checked without following links); directories are made 0700 and files 0600, since a
//! catalogue also reveals the user's roles and the server's method set.

use super::{Index, MethodDetail, FORMAT};
use crate::error::{Error, Result};
use crate::private::Unfit;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

/// `$MIDCLT_CACHE_DIR`, else `$XDG_CACHE_HOME/midclt`, else `~/.cache/midclt`, else a
/// directory of this user's own in the temporary directory.
pub(crate) fn root() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|d| !d.is_empty());
    if let Some(d) = var("MIDCLT_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = var("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("midclt");
    }
    match var("HOME") {
        Some(h) => PathBuf::from(h).join(".cache").join("midclt"),
        None => std::env::temp_dir().join(format!("midclt-cache-{}", uid())),
    }
}

fn uid() -> u32 {
    crate::private::euid()
}

/// The cache directory of one server and user, created if need be; `None` when the cache
/// root cannot be trusted (warned about) or made.
pub(super) fn dir_for(server_key: &str, verbose: bool) -> Option<PathBuf> {
    let root = root();
    match ensure_private_dir(&root) {
        Ok(()) => Some(root.join(key(server_key))),
        Err(why) => {
            // Unsafe cache: warn always (someone may be attacking); a missing, unwritable
            // one only costs speed.
            if why.unsafe_dir || verbose {
                eprintln!(
                    "midclt: warning: not using the catalogue cache {}: {}",
                    root.display(),
                    why.message
                );
            }
            None
        }
    }
}

struct Refusal {
    message: String,
    unsafe_dir: bool,
}

/// Create `dir` (0700) when missing, then check what is there now, without following a
/// link: a directory, owned by this user, writable by nobody else.
fn ensure_private_dir(dir: &Path) -> Result<(), Refusal> {
    let made = crate::private::create_dir(dir);
    if let Err(e) = made {
        return Err(Refusal {
            message: format!("cannot create it: {e}"),
            unsafe_dir: false,
        });
    }
    crate::private::check_dir(dir, 0o022).map_err(|unfit| Refusal {
        unsafe_dir: unfit.is_unsafe(),
        message: match unfit {
            Unfit::Open(bits) => {
                format!("other users can write to it (mode {bits:o}); run `chmod 700` on it")
            }
            other => other.to_string(),
        },
    })
}

fn key(server_key: &str) -> String {
    let h = Sha256::digest(server_key.as_bytes());
    h.iter()
        .take(12)
        .fold(String::with_capacity(24), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The cached index, when it is there, ours, and for this server version.
pub(super) fn read_index(dir: &Path, version: &str) -> Option<Index> {
    read_any_index(dir).filter(|index| index.version == version)
}

/// The cached index whatever server version it was made for (suggestions only).
pub(super) fn read_any_index(dir: &Path) -> Option<Index> {
    let meta = std::fs::symlink_metadata(dir).ok()?;
    if !meta.file_type().is_dir() || meta.uid() != uid() || meta.mode() & 0o022 != 0 {
        return None;
    }
    let text = std::fs::read_to_string(dir.join("index.json")).ok()?;
    let index: Index = serde_json::from_str(&text).ok()?;
    (index.format == FORMAT).then_some(index)
}

/// Replace the cache in `dir` with this catalogue. Built beside the final place and
/// swapped in, so a concurrent reader never sees a half-written cache.
pub(super) fn write(
    dir: &Path,
    index: &Index,
    details: &HashMap<String, MethodDetail>,
) -> Result<()> {
    // Another midclt (a host of the same fleet, a parallel run) may have cached this
    // version meanwhile: keep its copy, which a reader may be using, rather than swap it
    // away under that reader.
    let cached = || read_index(dir, &index.version).is_some();
    if cached() {
        return Ok(());
    }
    let parent = dir.parent().unwrap_or(dir);
    let tmp = parent.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        crate::client::id::new_request_id()?
    ));
    let result = fill(&tmp, index, details).and_then(|()| {
        if cached() {
            let _ = std::fs::remove_dir_all(&tmp);
            return Ok(());
        }
        swap_in(&tmp, dir)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn fill(tmp: &Path, index: &Index, details: &HashMap<String, MethodDetail>) -> Result<()> {
    let io = |e: std::io::Error| Error::io(format!("{}: {e}", tmp.display()));
    crate::private::create_dir(&tmp.join("methods")).map_err(io)?;
    for (name, d) in details {
        let text = serde_json::to_string(d).map_err(|e| Error::io(e.to_string()))?;
        crate::private::create_file(&tmp.join("methods").join(format!("{name}.json")), &text)
            .map_err(io)?;
    }
    let text = serde_json::to_string(index).map_err(|e| Error::io(e.to_string()))?;
    crate::private::create_file(&tmp.join("index.json"), &text).map_err(io)
}

fn swap_in(tmp: &Path, dir: &Path) -> Result<()> {
    let parent = dir.parent().unwrap_or(dir);
    let old = parent.join(format!(".old-{}", crate::client::id::new_request_id()?));
    let had_old = std::fs::rename(dir, &old).is_ok();
    let result =
        std::fs::rename(tmp, dir).map_err(|e| Error::io(format!("{}: {e}", dir.display())));
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    result
}

/// `midclt cache clear`: remove every cached catalogue; returns how many there were.
pub(crate) fn clear() -> Result<usize> {
    let root = root();
    let entries = match std::fs::read_dir(&root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(format!("cannot read {}: {e}", root.display()))),
    };
    let mut n = 0;
    for entry in entries.flatten() {
        let p = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&p)
                .map_err(|e| Error::io(format!("cannot remove {}: {e}", p.display())))?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn a_directory_others_can_write_or_a_link_is_refused() {
        let base = tempfile::tempdir().unwrap();
        let fine = base.path().join("fine");
        assert!(ensure_private_dir(&fine).is_ok());
        let mode = std::fs::metadata(&fine).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);

        let open = base.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = ensure_private_dir(&open).err().unwrap();
        assert!(e.unsafe_dir && e.message.contains("other users can write"));

        let link = base.path().join("link");
        std::os::unix::fs::symlink(&fine, &link).unwrap();
        let e = ensure_private_dir(&link).err().unwrap();
        assert!(e.unsafe_dir && e.message.contains("not a directory"));
    }

    #[test]
    fn cache_files_are_private() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("server");
        let index = Index {
            format: FORMAT,
            version: "v1".into(),
            namespaces: vec![],
            commands: vec![],
        };
        let mut details = HashMap::new();
        details.insert("a.b".to_string(), MethodDetail::default());
        write(&dir, &index, &details).unwrap();
        for p in [dir.clone(), dir.join("methods")] {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", p.display());
        }
        for p in [dir.join("index.json"), dir.join("methods").join("a.b.json")] {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", p.display());
        }
        assert!(read_index(&dir, "v1").is_some());
        assert!(read_index(&dir, "v2").is_none());
    }
}
