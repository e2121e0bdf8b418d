//! Job progress on stderr: a bar on a terminal, or one line per new description.

use super::terminal;
use crate::jobs::{OnInterrupt, Progress};
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::time::Duration;

/// A progress bar on a terminal (indicatif).
pub(crate) struct Bar {
    bar: indicatif::ProgressBar,
}

impl Bar {
    pub(crate) fn new() -> Bar {
        let bar = indicatif::ProgressBar::new(100);
        // indicatif colours by console's own test (CLICOLOR_FORCE colours even a pipe);
        // a template without colours leaves it nothing to decide.
        let template = if terminal::colour(terminal::Stream::Stderr) {
            "{spinner} [{bar:40.cyan/blue}] {percent:>3}% {wide_msg}"
        } else {
            "{spinner} [{bar:40}] {percent:>3}% {wide_msg}"
        };
        let style = indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("#>-");
        bar.set_style(style);
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar { bar }
    }
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new()
    }
}

impl Progress for Bar {
    fn update(&mut self, percent: Option<f64>, description: Option<&str>) {
        if let Some(p) = percent.filter(|p| *p > 0.0) {
            self.bar.set_position(p.clamp(0.0, 100.0) as u64);
        }
        if let Some(d) = description.filter(|d| !d.is_empty()) {
            // The bar is drawn only on a terminal.
            self.bar.set_message(terminal::text(d).into_owned());
        }
    }
    fn notice(&mut self, text: &str) {
        self.bar
            .suspend(|| eprintln!("midclt: {}", terminal::text(text)));
    }
    fn interrupted(&mut self, job_id: i64, method: &str) -> OnInterrupt {
        let choice = self.bar.suspend(|| ask_about_job(job_id, method));
        if choice == OnInterrupt::Detach {
            // No more updates come: the bar must not stay drawn under the next output.
            self.bar.finish_and_clear();
        }
        choice
    }
    fn finish(&mut self, success: bool) {
        if success {
            self.bar.set_position(100);
            self.bar.finish();
        } else {
            // A failed job stops where it was, marked as failed.
            let last = self.bar.message();
            self.bar.abandon_with_message(if last.is_empty() {
                "failed".to_string()
            } else {
                format!("failed: {last}")
            });
        }
        // The bar stays; what is printed next starts on a line of its own.
        eprintln!();
    }
}

/// Each new description on its own line (`-jp description`), fit for logs.
#[derive(Default)]
pub(crate) struct Descriptions {
    last: Option<String>,
    percent: f64,
}

impl Progress for Descriptions {
    fn update(&mut self, percent: Option<f64>, description: Option<&str>) {
        // A job's percentage never goes down: a lower one is an older report arriving late.
        if let Some(p) = percent {
            if p < self.percent {
                return;
            }
            self.percent = p;
        }
        if let Some(d) = description.filter(|d| !d.is_empty()) {
            if self.last.as_deref() != Some(d) {
                if terminal::stderr_is_terminal() {
                    eprintln!("{}", terminal::text(d));
                } else {
                    eprintln!("{d}");
                }
                self.last = Some(d.to_string());
            }
        }
    }
    fn interrupted(&mut self, job_id: i64, method: &str) -> OnInterrupt {
        ask_about_job(job_id, method)
    }
    fn finish(&mut self, _: bool) {}
}

/// Ctrl-C during a job: a person at a terminal chooses; anything else detaches, since a
/// script that is interrupted must not abort work it cannot see.
pub(crate) fn ask_about_job(job_id: i64, method: &str) -> OnInterrupt {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return OnInterrupt::Detach;
    }
    eprint!(
        "\nJob {job_id} ({}) is still running. [a]bort it, [d]etach (it goes on running), or [w]ait? [d] ",
        terminal::text(method)
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return OnInterrupt::Detach;
    }
    match answer.trim().to_ascii_lowercase().as_str() {
        "a" | "abort" => {
            eprintln!("Aborting job {job_id}...");
            OnInterrupt::Abort
        }
        "w" | "wait" => OnInterrupt::Wait,
        _ => OnInterrupt::Detach,
    }
}

/// Bytes moving, on a terminal: how many, how fast, and (when the size is known) how
/// far along, with the job's own description beside them.
pub(crate) struct Bytes {
    bar: indicatif::ProgressBar,
    /// Drawn since `start`; a transfer refused before its first byte shows no bar.
    started: bool,
}

impl Bytes {
    pub(crate) fn new() -> Bytes {
        let bar = indicatif::ProgressBar::hidden();
        Bytes {
            bar,
            started: false,
        }
    }
}

impl Default for Bytes {
    fn default() -> Self {
        Bytes::new()
    }
}

impl crate::transfer::ByteProgress for Bytes {
    fn start(&mut self, total: Option<u64>) {
        let template = match total {
            Some(total) => {
                self.bar.set_length(total);
                "{spinner} [{bar:30.cyan/blue}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {wide_msg}"
            }
            None => "{spinner} {bytes} {binary_bytes_per_sec} {elapsed} {wide_msg}",
        };
        let style = indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("#>-");
        self.bar.set_style(style);
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        self.bar.enable_steady_tick(Duration::from_millis(120));
        self.started = true;
    }
    fn advance(&mut self, bytes: u64) {
        self.bar.inc(bytes);
    }
    fn message(&mut self, text: &str) {
        self.bar.set_message(terminal::text(text).into_owned());
    }
    fn finish(&mut self, success: bool) {
        if !std::mem::take(&mut self.started) {
            return;
        }
        if success {
            self.bar.finish();
        } else {
            self.bar.abandon();
        }
        eprintln!();
    }
}
