//! Where a download is written: a private temporary file beside the target, renamed over
//! it only once the whole transfer and its job succeeded, so a partial or failed download
//! never sits under the final name.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

/// A file being written: created as `.NAME.XXXXXXXX.part` (mode 0600) in the target's
/// directory; [`PartFile::commit`] renames it to the target, and dropping it uncommitted
/// (an error, Ctrl-C) removes it.
#[derive(Debug)]
pub struct PartFile {
    temp: PathBuf,
    target: PathBuf,
    file: Option<File>,
}

/// Names longer than this are shortened in the temporary name (the system's limit for one
/// name is 255 bytes, and the temporary name adds to it).
const NAME_ROOM: usize = 200;

impl PartFile {
    /// Create the temporary file for `target` (nothing is written to `target` itself).
    pub fn create(target: &Path) -> Result<PartFile> {
        if target.is_dir() {
            return Err(Error::usage(format!(
                "{} is a directory; name the file to write",
                target.display()
            )));
        }
        let Some(name) = target.file_name() else {
            return Err(Error::usage(format!(
                "{} does not name a file",
                target.display()
            )));
        };
        let mut short = name.to_string_lossy().into_owned();
        while short.len() > NAME_ROOM {
            short.pop();
        }
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut last = None;
        for _ in 0..8 {
            let temp = dir.join(format!(".{short}.{}.part", random_suffix()?));
            let opened = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&temp);
            match opened {
                Ok(file) => {
                    return Ok(PartFile {
                        temp,
                        target: target.to_path_buf(),
                        file: Some(file),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => {
                    return Err(Error::io(format!(
                        "cannot write {} (creating its temporary file in {}): {e}",
                        target.display(),
                        dir.display()
                    )))
                }
            }
        }
        Err(Error::io(format!(
            "cannot write {} (creating its temporary file in {}): {}",
            target.display(),
            dir.display(),
            last.map_or_else(String::new, |e| e.to_string())
        )))
    }

    /// The temporary file's path.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Flush the data to disk and rename the temporary file to the target (replacing a
    /// file of that name).
    pub fn commit(mut self) -> Result<()> {
        let target = self.target.clone();
        let saving = |e: io::Error| Error::io(format!("cannot save {}: {e}", target.display()));
        if let Some(file) = self.file.take() {
            file.sync_all().map_err(saving)?;
        }
        std::fs::rename(&self.temp, &target).map_err(saving)?;
        // Renamed: nothing is left for Drop to remove.
        self.temp = PathBuf::new();
        Ok(())
    }
}

fn random_suffix() -> Result<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::io(format!("no randomness for a temporary file name: {e}")))?;
    Ok(format!("{:08x}", u32::from_le_bytes(bytes)))
}

impl Write for PartFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(file) = self.file.as_mut() else {
            return Err(io::Error::other("the file is closed"));
        };
        // The path goes into the error: the caller only knows "the download".
        file.write(buf)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.target.display())))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), File::flush)
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        self.file.take();
        if !self.temp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn committed_files_replace_the_target_and_dropped_ones_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        std::fs::write(&target, "old").unwrap();
        let mut part = PartFile::create(&target).unwrap();
        part.write_all(b"new content").unwrap();
        let mode = std::fs::metadata(part.temp_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        // Until the commit the target keeps its old content.
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        part.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new content");
        assert_eq!(entries(dir.path()), ["out.bin"]);

        let mut part = PartFile::create(&target).unwrap();
        part.write_all(b"partial").unwrap();
        drop(part);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new content");
        assert_eq!(entries(dir.path()), ["out.bin"]);
    }

    #[test]
    fn directories_and_missing_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = PartFile::create(dir.path()).unwrap_err();
        assert!(e.message.contains("is a directory"), "{}", e.message);
        let e = PartFile::create(&dir.path().join("no/such/dir/f")).unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Io);
    }
}
