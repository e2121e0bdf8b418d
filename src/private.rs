//! Files and directories only this user may read: catalogue caches, key files and the
//! editor's file can reveal secrets or steer commands.

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::Path;

/// Create `path` (mode 0600) holding `content`. Never through a name that already exists,
/// so a link planted beforehand (in a shared temporary directory, say) is refused rather
/// than followed.
pub(crate) fn create_file(path: &Path, content: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

/// Create `path` and any missing parents with mode 0700 (existing ones are left as they
/// are: check them where that matters).
pub(crate) fn create_dir(path: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
}

/// This process's effective user id: whose files and directories count as its own.
pub(crate) fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// What makes a directory unfit to hold private files.
#[derive(Debug)]
pub(crate) enum Unfit {
    /// It cannot be looked at (missing, say).
    Unreadable(std::io::Error),
    /// A file, or a link (which might lead anywhere).
    NotADirectory,
    /// Another user owns it (this user id).
    Owner(u32),
    /// Other users have permissions the caller forbids (these mode bits).
    Open(u32),
}

impl Unfit {
    /// Whether someone may be attacking (as opposed to the directory merely being absent).
    pub(crate) fn is_unsafe(&self) -> bool {
        !matches!(self, Unfit::Unreadable(_))
    }
}

impl std::fmt::Display for Unfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unfit::Unreadable(e) => write!(f, "{e}"),
            Unfit::NotADirectory => f.write_str("it is not a directory (a symbolic link?)"),
            Unfit::Owner(uid) => write!(
                f,
                "it belongs to user id {uid}, not to this user ({})",
                euid()
            ),
            Unfit::Open(mode) => write!(f, "other users have access to it (mode {mode:o})"),
        }
    }
}

/// Check `dir` as it is now, without following a link: a directory of this user's own with
/// none of the `forbidden` permission bits (`0o022`: nobody else may write in it; `0o077`:
/// nobody else may even enter).
pub(crate) fn check_dir(dir: &Path, forbidden: u32) -> Result<(), Unfit> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::symlink_metadata(dir).map_err(Unfit::Unreadable)?;
    if !meta.file_type().is_dir() {
        return Err(Unfit::NotADirectory);
    }
    if meta.uid() != euid() {
        return Err(Unfit::Owner(meta.uid()));
    }
    if meta.mode() & forbidden != 0 {
        return Err(Unfit::Open(meta.mode() & 0o777));
    }
    Ok(())
}

/// Where one of midclt's files lives: `$OVERRIDE` when set, else `$XDG_VAR/midclt/NAME`,
/// else `~/HOME_DEFAULT/midclt/NAME` (the XDG base-directory rule); `None` without any of
/// them.
pub(crate) fn user_file(
    override_var: &str,
    xdg_var: &str,
    home_default: &str,
    name: &str,
) -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(p) = var(override_var) {
        return Some(PathBuf::from(p));
    }
    let dir = var(xdg_var)
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(home_default)))?;
    Some(dir.join("midclt").join(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn files_are_private_and_never_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("args.jsonc");
        create_file(&path, "{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // A name that exists (here: planted as a link to another file) is refused.
        let target = dir.path().join("target");
        std::fs::write(&target, "x").unwrap();
        let planted = dir.path().join("planted.jsonc");
        std::os::unix::fs::symlink(&target, &planted).unwrap();
        assert!(create_file(&planted, "secret").is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "x");
        let sub = dir.path().join("a").join("b");
        create_dir(&sub).unwrap();
        let mode = std::fs::metadata(&sub).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
