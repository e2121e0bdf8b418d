//! The shell's persistent history: `$MIDCLT_HISTORY`, else `$XDG_STATE_HOME/midclt/history`,
//! else `~/.local/state/midclt/history`; a private file (0600 in a 0700 directory), and
//! never a line that may hold a secret.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::PathBuf;

/// Lines kept across sessions (older ones are dropped when the file is read).
const KEEP: usize = 1000;

/// Words that mark a line as possibly holding a secret. Over-matching costs one history
/// entry; under-matching leaves a password in a file, so the list is generous.
const SECRET_WORDS: &[&str] = &[
    "pass", "secret", "token", "private", "otp", "cred", "apikey", "api_key=", "key=", "key\":",
    "key':",
];

pub(crate) struct History {
    path: Option<PathBuf>,
}

impl History {
    /// The history file for this user; `None` keeps history in memory only.
    pub(crate) fn open() -> History {
        History {
            path: crate::private::user_file(
                "MIDCLT_HISTORY",
                "XDG_STATE_HOME",
                ".local/state",
                "history",
            ),
        }
    }

    /// The stored lines, oldest first (at most [`KEEP`]). A file others may read is not
    /// trusted with more lines (it is warned about once, here).
    pub(crate) fn load(&self) -> Vec<String> {
        let Some(path) = &self.path else {
            return Vec::new();
        };
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                eprintln!(
                    "midclt: warning: {} can be read by other users; run `chmod 600 {0}`",
                    path.display()
                );
            }
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            return Vec::new();
        };
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let skip = lines.len().saturating_sub(KEEP);
        if skip > 0 {
            // Keep the file from growing without bound.
            let kept = lines[skip..].join("\n") + "\n";
            let _ = std::fs::write(path, kept);
        }
        lines.into_iter().skip(skip).collect()
    }

    /// Remember `line` unless it may hold a secret; returns whether it was kept (and so
    /// belongs in the editor's in-memory history too). Failing to write is not worth
    /// stopping the shell for.
    pub(crate) fn add(&self, line: &str) -> bool {
        if may_hold_secret(line) || line.contains('\n') {
            return false;
        }
        if let Some(path) = &self.path {
            if let Some(dir) = path.parent() {
                let _ = crate::private::create_dir(dir);
            }
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(path);
            if let Ok(mut f) = file {
                let _ = writeln!(f, "{line}");
            }
        }
        true
    }
}

/// Whether a command line may carry a password, key or token.
pub(crate) fn may_hold_secret(line: &str) -> bool {
    let lower = line.to_lowercase();
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::may_hold_secret;

    #[test]
    fn secret_lines_are_recognised() {
        for line in [
            "account user create username=bob password=hunter2",
            "account user update bob password_disabled=false",
            "auth api_key create name=x key=abc",
            "system general update ui_certificate=1 \"privatekey\": 1",
            "auth generate_token",
            "auth twofactor verify otp=123456",
            "kerberos keytab create name=x file=\"secret\"",
        ] {
            assert!(may_hold_secret(line), "{line}");
        }
        for line in [
            "auth api_key query",
            "auth api_key delete id=3",
            "account user query username,uid WHERE uid > 1000",
            "system info",
        ] {
            assert!(!may_hold_secret(line), "{line}");
        }
    }
}
