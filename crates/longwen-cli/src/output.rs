//! Everything the CLI prints besides the answer itself: progress on stderr, errors, key status.
//! Progress redraws one line on a terminal and stays quiet in pipes, so scripts see clean output.

use crate::strings::{self, Text};
use crate::view;
use longwen_core::client::WaitReason;
use longwen_core::secrets::{KeySource, KeyStatus};
use longwen_core::types::{Chat, DocumentProgress, MessageStatus};
use longwen_core::{Error, Lang};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, UNIX_EPOCH};

pub struct Printer {
    /// Chinese or English; follows the engine once the database (and its settings) is open.
    zh: AtomicBool,
    tty: bool,
    /// Whether a progress line is open on stderr and needs a newline.
    open_line: AtomicBool,
}

impl Printer {
    pub fn new(lang: Lang) -> Printer {
        Printer {
            zh: AtomicBool::new(lang == Lang::Zh),
            tty: std::io::stderr().is_terminal(),
            open_line: AtomicBool::new(false),
        }
    }

    pub fn set_lang(&self, lang: Lang) {
        self.zh.store(lang == Lang::Zh, Ordering::Relaxed);
    }

    pub fn lang(&self) -> Lang {
        if self.zh.load(Ordering::Relaxed) {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn text(&self, id: Text) -> &'static str {
        strings::text(id, self.lang())
    }

    pub fn key_status(&self, status: &KeyStatus, just_saved: bool) {
        let masked = status.masked.clone().unwrap_or_default();
        let line = match (status.present, status.source, just_saved) {
            (false, _, _) => self.text(Text::KeyNone).to_string(),
            (true, Some(KeySource::Environment), _) => {
                format!("{}: {masked}", self.text(Text::KeyEnv))
            }
            (true, _, true) => format!("{}: {masked}", self.text(Text::KeySaved)),
            (true, _, false) => format!("{}: {masked}", self.text(Text::KeyKeyring)),
        };
        println!("{line}");
    }

    pub fn document_progress(&self, name: &str, progress: &DocumentProgress) {
        let step = match progress {
            DocumentProgress::Checking => self.text(Text::Checking).to_string(),
            DocumentProgress::Hashing { done, total } => {
                format!("{} {}%", self.text(Text::Hashing), percent(*done, *total))
            }
            DocumentProgress::AlreadyUploaded { .. } => {
                self.text(Text::AlreadyUploaded).to_string()
            }
            DocumentProgress::Uploading { sent, total } => {
                format!("{} {}%", self.text(Text::Uploading), percent(*sent, *total))
            }
            DocumentProgress::Reading => self.text(Text::Reading).to_string(),
            DocumentProgress::Ready { .. } => self.text(Text::Ready).to_string(),
        };
        self.progress_line(&format!("{name} {step}"));
    }

    pub fn waiting(&self, reason: WaitReason, retry_in_ms: u64) {
        let secs = Duration::from_millis(retry_in_ms).as_secs().max(1);
        self.progress_line(&strings::waiting(reason, secs, self.lang()));
    }

    /// Progress goes only to a terminal, redrawn in place.
    fn progress_line(&self, line: &str) {
        if !self.tty {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.open_line.store(true, Ordering::Relaxed);
    }

    pub fn end_progress_line(&self) {
        if self.open_line.swap(false, Ordering::Relaxed) {
            eprintln!();
        }
    }

    /// Said when an answer ends early with its text kept (stopped, or cut off).
    pub fn partial_kept(&self, error: &Error) {
        if matches!(
            MessageStatus::ended_by(error),
            MessageStatus::Stopped | MessageStatus::Interrupted
        ) {
            eprintln!("{}", self.text(Text::PartialKept));
        }
    }

    pub fn error(&self, error: &Error) {
        self.end_progress_line();
        let message = strings::error_message(error, self.lang());
        eprintln!("error [{}]: {message}", error.kind());
        if let Some(id) = error.request_id() {
            eprintln!("{}: {id}", self.text(Text::RequestId));
        }
    }
}

fn percent(done: u64, total: u64) -> u64 {
    done.saturating_mul(100).checked_div(total).unwrap_or(100)
}

/// Minutes east of UTC of the local time zone now (0 where it cannot be told).
pub fn utc_offset_minutes() -> i32 {
    #[cfg(unix)]
    {
        let now = std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as libc::time_t);
        // SAFETY: localtime_r writes only into `tm`, which lives for the call.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        if !unsafe { libc::localtime_r(&now, &mut tm) }.is_null() {
            return (tm.tm_gmtoff / 60) as i32;
        }
    }
    0
}

pub fn format_time(unix: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// A chat as text; an answer's error in `lang`.
pub fn print_chat(chat: &Chat, lang: Lang) {
    println!("# {} (chat {})", chat.summary.title, chat.summary.id);
    for d in &chat.documents {
        println!("- {} ({} bytes)", d.name, d.size);
    }
    for m in &chat.messages {
        let status = m.status.as_str();
        println!("\n## {} [{}] {}", m.role, status, format_time(m.created_at));
        println!("{}", m.text);
        if let Some(e) = view::error_message(m, lang) {
            println!("({e})");
        }
    }
}
