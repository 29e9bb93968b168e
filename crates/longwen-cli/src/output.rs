//! Everything the CLI prints besides the answer itself: progress on stderr, errors, key status.
//! Progress redraws one line on a terminal and stays quiet in pipes, so scripts see clean output.

use longwen_core::client::WaitReason;
use longwen_core::engine::{Chat, DocumentProgress};
use longwen_core::secrets::{KeySource, KeyStatus};
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

    fn lang(&self) -> Lang {
        if self.zh.load(Ordering::Relaxed) {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn text(&self, id: &str) -> String {
        let (en, zh) = match id {
            "key_prompt" => (
                "Paste your DashScope API key: ",
                "请粘贴您的百炼 API 密钥：",
            ),
            "key_empty" => ("the key is empty", "密钥为空"),
            "key_saved" => ("Saved in the system keychain", "已保存到系统钥匙串"),
            "key_env" => (
                "Using the key from the DASHSCOPE_API_KEY environment variable",
                "正在使用环境变量 DASHSCOPE_API_KEY 中的密钥",
            ),
            "key_keyring" => ("Key in the system keychain", "密钥保存在系统钥匙串中"),
            "key_none" => (
                "No API key is set. Run: longwen key set",
                "尚未设置 API 密钥。请运行：longwen key set",
            ),
            "checking" => ("checking", "检查中"),
            "hashing" => ("hashing", "计算校验值"),
            "already" => ("already uploaded", "已上传过"),
            "uploading" => ("uploading", "上传中"),
            "reading" => ("the service is reading it", "服务正在读取"),
            "ready" => ("ready", "就绪"),
            "partial" => ("The partial answer is kept.", "已保留部分回答。"),
            "request_id" => ("request id", "请求编号"),
            _ => ("", ""),
        };
        match self.lang() {
            Lang::En => en.to_string(),
            Lang::Zh => zh.to_string(),
        }
    }

    pub fn key_status(&self, status: &KeyStatus, just_saved: bool) {
        let masked = status.masked.clone().unwrap_or_default();
        let line = match (status.present, status.source, just_saved) {
            (false, _, _) => self.text("key_none"),
            (true, Some(KeySource::Environment), _) => {
                format!("{}: {masked}", self.text("key_env"))
            }
            (true, _, true) => format!("{}: {masked}", self.text("key_saved")),
            (true, _, false) => format!("{}: {masked}", self.text("key_keyring")),
        };
        println!("{line}");
    }

    pub fn document_progress(&self, name: &str, progress: &DocumentProgress) {
        let step = match progress {
            DocumentProgress::Checking => self.text("checking"),
            DocumentProgress::Hashing { done, total } => {
                format!("{} {}%", self.text("hashing"), percent(*done, *total))
            }
            DocumentProgress::AlreadyUploaded { .. } => self.text("already"),
            DocumentProgress::Uploading { sent, total } => {
                format!("{} {}%", self.text("uploading"), percent(*sent, *total))
            }
            DocumentProgress::Reading => self.text("reading"),
            DocumentProgress::Ready { .. } => self.text("ready"),
        };
        self.progress_line(&format!("{name} {step}"));
    }

    pub fn waiting(&self, reason: WaitReason, retry_in_ms: u64) {
        let secs = Duration::from_millis(retry_in_ms).as_secs().max(1);
        let line = match (reason, self.lang()) {
            (WaitReason::FileParsing, Lang::En) => {
                format!("The service is still reading your documents; trying again in {secs} s")
            }
            (WaitReason::FileParsing, Lang::Zh) => format!("服务仍在读取文档，{secs} 秒后重试"),
            (_, Lang::En) => format!("The service is busy; retrying in {secs} s"),
            (_, Lang::Zh) => format!("服务繁忙，{secs} 秒后重试"),
        };
        self.progress_line(&line);
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

    pub fn partial_kept(&self, error: &Error) {
        if matches!(
            error,
            Error::Cancelled | Error::StreamCut(_) | Error::Timeout(_) | Error::Network(_)
        ) {
            eprintln!("{}", self.text("partial"));
        }
    }

    pub fn error(&self, error: &Error) {
        self.end_progress_line();
        eprintln!("error [{}]: {}", error.kind(), error.message(self.lang()));
        if let Some(id) = error.request_id() {
            eprintln!("{}: {id}", self.text("request_id"));
        }
    }
}

fn percent(done: u64, total: u64) -> u64 {
    done.saturating_mul(100).checked_div(total).unwrap_or(100)
}

pub fn format_time(unix: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

pub fn print_chat(chat: &Chat) {
    println!("# {} (chat {})", chat.summary.title, chat.summary.id);
    for d in &chat.documents {
        println!("- {} ({} bytes)", d.name, d.size);
    }
    for m in &chat.messages {
        let status = serde_json::to_value(m.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!("\n## {} [{}] {}", m.role, status, format_time(m.created_at));
        println!("{}", m.text);
        if let Some(e) = &m.error_message {
            println!("({e})");
        }
    }
}
