//! One error type for everything a person can meet. Each variant has a stable `kind`
//! (scripts and the UI match on it), the request id when the service gave one, and a plain
//! sentence in zh-CN and en that says what happened and what to do next.

use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// The language of user-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh")]
    Zh,
}

impl Lang {
    /// Parses "zh", "zh-CN", "zh_CN.UTF-8", "en", "en-US"...; anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") || s == "c" || s == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of the environment (LC_ALL, LC_MESSAGES, LANG), English by default.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .filter(|v| !v.is_empty())
            .find_map(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// What the service said when it refused a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceInfo {
    pub status: u16,
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

impl std::fmt::Display for ServiceInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(c) = &self.code {
            write!(f, " {c}")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

impl ServiceInfo {
    /// Replaces every occurrence of `secret` in what the service sent with `masked`.
    pub(crate) fn scrub(&mut self, secret: &str, masked: &str) {
        if secret.is_empty() {
            return;
        }
        for field in [&mut self.code, &mut self.message, &mut self.request_id] {
            if let Some(v) = field.as_mut().filter(|v| v.contains(secret)) {
                *v = v.replace(secret, masked);
            }
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The variants that carry what the service said, in one list for `service_info` and
/// `service_info_mut` (a macro, because the two differ only in mutability).
macro_rules! service_variants {
    ($error:expr) => {{
        use Error::*;
        match $error {
            KeyRefused(s)
            | RateLimited(s, _)
            | Arrears(s)
            | FreeTierOnly(s)
            | ContentRefused(s)
            | ModelNotFound(s)
            | WrongAddress(s)
            | FileTooLarge(s)
            | FileParsing(s)
            | FileInvalid(s)
            | FileNotFound(s)
            | FileFormatUnsupported(s)
            | FileTooManyPages(s)
            | FileBlank(s)
            | TooManyFiles(s)
            | ContextTooLong(s)
            | UploadQuota(s)
            | FileParseFailed(s)
            | Service(s) => Some(s),
            _ => None,
        }
    }};
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // --- the key -------------------------------------------------------------
    #[error("no API key is set")]
    KeyMissing,
    #[error("the API key was refused ({0})")]
    KeyRefused(Box<ServiceInfo>),
    #[error("the OS keyring is not available: {0}")]
    KeyringUnavailable(String),
    #[error("refusing to send the API key over plain http to {0}")]
    InsecureUrl(String),

    // --- refusals by the service ----------------------------------------------
    #[error("rate limited ({0})")]
    RateLimited(Box<ServiceInfo>, Option<Duration>),
    #[error("account in arrears ({0})")]
    Arrears(Box<ServiceInfo>),
    #[error("free tier only ({0})")]
    FreeTierOnly(Box<ServiceInfo>),
    #[error("content refused by moderation ({0})")]
    ContentRefused(Box<ServiceInfo>),
    #[error("model not found ({0})")]
    ModelNotFound(Box<ServiceInfo>),
    #[error("wrong address ({0})")]
    WrongAddress(Box<ServiceInfo>),
    #[error("file too large ({0})")]
    FileTooLarge(Box<ServiceInfo>),
    #[error("file still being parsed ({0})")]
    FileParsing(Box<ServiceInfo>),
    #[error("invalid file ({0})")]
    FileInvalid(Box<ServiceInfo>),
    #[error("file not found on the service ({0})")]
    FileNotFound(Box<ServiceInfo>),
    #[error("file format not supported ({0})")]
    FileFormatUnsupported(Box<ServiceInfo>),
    #[error("file has too many pages ({0})")]
    FileTooManyPages(Box<ServiceInfo>),
    #[error("file has no readable text ({0})")]
    FileBlank(Box<ServiceInfo>),
    #[error("too many files ({0})")]
    TooManyFiles(Box<ServiceInfo>),
    #[error("too much text for the model ({0})")]
    ContextTooLong(Box<ServiceInfo>),
    #[error("cloud storage quota reached ({0})")]
    UploadQuota(Box<ServiceInfo>),
    #[error("the file failed to parse on the service ({0})")]
    FileParseFailed(Box<ServiceInfo>),
    #[error("the service refused the request ({0})")]
    Service(Box<ServiceInfo>),

    // --- the network -----------------------------------------------------------
    #[error("network error: {0}")]
    Network(String),
    #[error("proxy error: {0}")]
    Proxy(String),
    #[error("TLS error: {0}")]
    Tls(String),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("the answer stream was cut: {0}")]
    StreamCut(String),
    #[error("stopped")]
    Cancelled,

    // --- local input -------------------------------------------------------------
    #[error("file not found or unreadable: {}", .0.display())]
    InputMissing(PathBuf),
    #[error("is a folder, not a file: {}", .0.display())]
    InputIsDirectory(PathBuf),
    #[error("file is empty: {}", .0.display())]
    InputEmpty(PathBuf),
    /// `legacy` is true for DOC/PPT/PPTX: the user should save as DOCX/PDF.
    #[error("unsupported file type: {}", .path.display())]
    InputUnsupported { path: PathBuf, legacy: bool },
    #[error("file too large: {} ({size} bytes, limit {limit})", .path.display())]
    InputTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("too many documents in one question: {count} (limit {limit})")]
    InputTooManyDocuments { count: usize, limit: usize },
    #[error("text too long for a plain-text document: about {tokens} tokens (limit {limit})")]
    TextTooLong { tokens: usize, limit: usize },
    /// The question alone, when documents go with it (the contract's 9,000 tokens).
    #[error("question too long: about {tokens} tokens (limit {limit} with documents)")]
    QuestionTooLong { tokens: usize, limit: usize },
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("not found: {0}")]
    NotFound(String),

    // --- ourselves ---------------------------------------------------------------
    #[error("storage error: {0}")]
    Storage(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A stable machine-readable name, the same in every language.
    pub fn kind(&self) -> &'static str {
        use Error::*;
        match self {
            KeyMissing => "key_missing",
            KeyRefused(_) => "key_refused",
            KeyringUnavailable(_) => "keyring_unavailable",
            InsecureUrl(_) => "insecure_url",
            RateLimited(..) => "rate_limited",
            Arrears(_) => "arrears",
            FreeTierOnly(_) => "free_tier_only",
            ContentRefused(_) => "content_refused",
            ModelNotFound(_) => "model_not_found",
            WrongAddress(_) => "wrong_address",
            FileTooLarge(_) => "file_too_large",
            FileParsing(_) => "file_parsing",
            FileInvalid(_) => "file_invalid",
            FileNotFound(_) => "file_not_found",
            FileFormatUnsupported(_) => "file_format_unsupported",
            FileTooManyPages(_) => "file_too_many_pages",
            FileBlank(_) => "file_blank",
            TooManyFiles(_) => "too_many_files",
            ContextTooLong(_) => "context_too_long",
            UploadQuota(_) => "upload_quota",
            FileParseFailed(_) => "file_parse_failed",
            Service(_) => "service_error",
            Network(_) => "network",
            Proxy(_) => "proxy",
            Tls(_) => "tls",
            Timeout(_) => "timeout",
            StreamCut(_) => "stream_cut",
            Cancelled => "cancelled",
            InputMissing(_) => "input_missing",
            InputIsDirectory(_) => "input_is_directory",
            InputEmpty(_) => "input_empty",
            InputUnsupported { .. } => "input_unsupported",
            InputTooLarge { .. } => "input_too_large",
            InputTooManyDocuments { .. } => "input_too_many_documents",
            TextTooLong { .. } => "text_too_long",
            QuestionTooLong { .. } => "question_too_long",
            InvalidArgument(_) => "invalid_argument",
            NotFound(_) => "not_found",
            Storage(_) => "storage",
            Internal(_) => "internal",
        }
    }

    /// What the service said, when this error came from the service.
    pub fn service_info(&self) -> Option<&ServiceInfo> {
        service_variants!(self)
    }

    pub(crate) fn service_info_mut(&mut self) -> Option<&mut ServiceInfo> {
        service_variants!(self)
    }

    pub fn request_id(&self) -> Option<&str> {
        self.service_info().and_then(|s| s.request_id.as_deref())
    }

    /// Technical detail for a "details" disclosure: never the key, never a stack trace.
    pub fn detail(&self) -> String {
        self.to_string()
    }

    /// Exit code for the CLI; part of its interface.
    pub fn exit_code(&self) -> i32 {
        use Error::*;
        match self {
            KeyRefused(_) => 3,
            RateLimited(..) => 4,
            Network(_) | Proxy(_) | Tls(_) | Timeout(_) | StreamCut(_) => 5,
            InputMissing(_)
            | InputIsDirectory(_)
            | InputEmpty(_)
            | InputUnsupported { .. }
            | InputTooLarge { .. }
            | InputTooManyDocuments { .. }
            | TextTooLong { .. }
            | QuestionTooLong { .. } => 6,
            Arrears(_)
            | FreeTierOnly(_)
            | ContentRefused(_)
            | ModelNotFound(_)
            | WrongAddress(_)
            | FileTooLarge(_)
            | FileParsing(_)
            | FileInvalid(_)
            | FileNotFound(_)
            | FileFormatUnsupported(_)
            | FileTooManyPages(_)
            | FileBlank(_)
            | TooManyFiles(_)
            | ContextTooLong(_)
            | UploadQuota(_)
            | FileParseFailed(_)
            | Service(_) => 7,
            Cancelled => 130,
            InvalidArgument(_) => 2,
            _ => 1,
        }
    }

    /// Whether trying again later may help (used to offer a Retry button).
    pub fn is_retryable(&self) -> bool {
        use Error::*;
        matches!(
            self,
            RateLimited(..)
                | Network(_)
                | Proxy(_)
                | Timeout(_)
                | StreamCut(_)
                | FileParsing(_)
                | Service(_)
        )
    }

    /// The next step a person can take, as a stable action name the UI turns into a button.
    pub fn action(&self) -> Option<&'static str> {
        use Error::*;
        match self {
            // FileInvalid: the likely cause is a RAM-user key; the fix is the main account's key.
            KeyMissing | KeyRefused(_) | InsecureUrl(_) | ModelNotFound(_) | WrongAddress(_)
            | FileInvalid(_) => Some("open_settings"),
            InputMissing(_)
            | InputIsDirectory(_)
            | InputEmpty(_)
            | InputUnsupported { .. }
            | InputTooLarge { .. }
            | FileTooLarge(_)
            | FileFormatUnsupported(_)
            | FileTooManyPages(_)
            | FileBlank(_)
            | FileParseFailed(_) => Some("remove_file"),
            e if e.is_retryable() => Some("retry"),
            _ => None,
        }
    }

    /// A plain sentence for a person: what happened and what to do next.
    pub fn message(&self, lang: Lang) -> String {
        let (en, zh) = self.texts();
        match lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The serialisable form the faces show.
    pub fn report(&self, lang: Lang) -> ErrorReport {
        ErrorReport {
            kind: self.kind().to_string(),
            message: self.message(lang),
            request_id: self.request_id().map(str::to_string),
            detail: self.detail(),
            action: self.action().map(str::to_string),
            retry_after_secs: match self {
                Error::RateLimited(_, Some(d)) => Some(d.as_secs()),
                _ => None,
            },
        }
    }

    fn texts(&self) -> (String, String) {
        use Error::*;
        let file_name = |p: &PathBuf| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string())
        };
        match self {
            KeyMissing => (
                "No API key is set. Open Settings and paste your DashScope API key.".into(),
                "尚未设置 API 密钥。请打开“设置”，粘贴您的百炼（DashScope）API 密钥。".into(),
            ),
            KeyRefused(_) => (
                "The service refused the API key. Check that it is copied in full and that it belongs to the region chosen in Settings (keys work in one region only).".into(),
                "服务拒绝了这个 API 密钥。请检查密钥是否完整复制，以及它是否属于“设置”中所选的地域（密钥只在一个地域有效）。".into(),
            ),
            KeyringUnavailable(_) => (
                "The system keychain is not available, so the API key cannot be stored safely. Unlock your keychain (or log in to a desktop session) and try again, or set the DASHSCOPE_API_KEY environment variable.".into(),
                "系统钥匙串不可用，无法安全保存 API 密钥。请解锁钥匙串（或登录桌面会话）后重试，或设置环境变量 DASHSCOPE_API_KEY。".into(),
            ),
            InsecureUrl(u) => (
                format!("The address {u} does not use https, so your API key was not sent. Use an https:// address in Settings."),
                format!("地址 {u} 未使用 https，为保护密钥未发送请求。请在“设置”中使用 https:// 地址。"),
            ),
            RateLimited(_, after) => match after {
                Some(d) => (
                    format!("The service is busy (too many requests). Please try again in {} s.", d.as_secs().max(1)),
                    format!("服务繁忙（请求过多）。请在 {} 秒后重试。", d.as_secs().max(1)),
                ),
                None => (
                    "The service is busy (too many requests). Please wait a minute and try again.".into(),
                    "服务繁忙（请求过多）。请稍等一分钟后重试。".into(),
                ),
            },
            Arrears(_) => (
                "Your Alibaba Cloud account is in arrears. Top up the account in the Alibaba Cloud console, then try again.".into(),
                "您的阿里云账号已欠费。请在阿里云控制台充值后重试。".into(),
            ),
            FreeTierOnly(_) => (
                "Your free quota is used up and \"free tier only\" is switched on. Turn it off in the Model Studio console, or top up, then try again.".into(),
                "免费额度已用完，且开启了“仅使用免费额度”。请在百炼控制台关闭该选项或充值后重试。".into(),
            ),
            ContentRefused(_) => (
                "The service refused this content (content safety check). Rephrase the question or use other documents.".into(),
                "服务因内容安全审核拒绝了此内容。请换一种问法，或使用其他文档。".into(),
            ),
            ModelNotFound(_) => (
                "The model in Settings does not exist or is not enabled for your account. Choose qwen-long in Settings.".into(),
                "“设置”中的模型不存在或未对您的账号开通。请在“设置”中选择 qwen-long。".into(),
            ),
            WrongAddress(_) => (
                "The service address looks wrong (it should end in /compatible-mode/v1). Check the region and address in Settings.".into(),
                "服务地址似乎不正确（应以 /compatible-mode/v1 结尾）。请在“设置”中检查地域和地址。".into(),
            ),
            FileTooLarge(_) => (
                "The file is too large for the service (150 MB per document, 20 MB per image). Split it into smaller files.".into(),
                "文件超过服务的大小上限（文档 150 MB，图片 20 MB）。请拆分成较小的文件。".into(),
            ),
            FileParsing(_) => (
                "The service is still reading your document. Please try again in a minute.".into(),
                "服务仍在读取您的文档。请过一分钟再试。".into(),
            ),
            FileInvalid(_) => (
                "The service does not accept this document's id. The likely cause: your API key belongs to a RAM (sub-)user, and uploaded documents work only with the main (root) account's key. Use a key of the main account, or remove and add the document again.".into(),
                "服务不接受该文档的编号。常见原因：您的 API 密钥属于 RAM 子账号，而上传的文档只能配合主账号的密钥使用。请改用主账号的密钥，或移除后重新添加该文档。".into(),
            ),
            FileNotFound(_) => (
                "The document is no longer on the service (it may have been deleted). Add it again and retry.".into(),
                "该文档已不在服务端（可能已被删除）。请重新添加后重试。".into(),
            ),
            FileFormatUnsupported(_) => (
                "The model can only answer from text. This file (for example a scanned PDF or an image) has no readable text. Use a text PDF or DOCX.".into(),
                "模型只能根据文字作答。此文件（例如扫描版 PDF 或图片）没有可读取的文字。请使用文字版 PDF 或 DOCX。".into(),
            ),
            FileTooManyPages(_) => (
                "The document has more than 15,000 pages. Split it into smaller files.".into(),
                "文档超过 15,000 页。请拆分成较小的文件。".into(),
            ),
            FileBlank(_) => (
                "The service found no text in this document. If it is a scan, convert it to a text PDF first.".into(),
                "服务在此文档中没有找到文字。如果是扫描件，请先转换为文字版 PDF。".into(),
            ),
            TooManyFiles(_) => (
                "Too many documents in one question (at most 100). Remove some and ask again.".into(),
                "一次提问的文档过多（最多 100 个）。请移除一些后再问。".into(),
            ),
            ContextTooLong(_) => (
                "The documents and conversation are longer than the model can read (10 million tokens). Remove some documents or start a new conversation.".into(),
                "文档和对话的总长度超过了模型的上限（1000 万 token）。请移除部分文档或开始新对话。".into(),
            ),
            UploadQuota(_) => (
                "Your cloud document storage is full (10,000 files or 100 GB). Delete old documents from the cloud and try again.".into(),
                "云端文档空间已满（10,000 个文件或 100 GB）。请删除云端的旧文档后重试。".into(),
            ),
            FileParseFailed(_) => (
                "The service could not read this document. Check that it opens on your computer, save it again as DOCX or PDF, and add it again.".into(),
                "服务无法读取此文档。请确认它能在电脑上正常打开，另存为 DOCX 或 PDF 后重新添加。".into(),
            ),
            Service(s) => (
                format!("The service could not answer (error {}). Please try again; if it keeps happening, quote the request id to support.", s.status),
                format!("服务暂时无法回答（错误 {}）。请重试；如果持续出现，请向客服提供请求编号。", s.status),
            ),
            Network(_) => (
                "Could not reach the service. Check your internet connection (and proxy settings, if your office uses one), then try again.".into(),
                "无法连接到服务。请检查网络连接（如果单位使用代理，也请检查代理设置），然后重试。".into(),
            ),
            Proxy(_) => (
                "The proxy refused the connection. Check the HTTPS_PROXY setting, or ask your IT department.".into(),
                "代理服务器拒绝了连接。请检查 HTTPS_PROXY 设置，或联系您的 IT 部门。".into(),
            ),
            Tls(_) => (
                "The secure connection could not be verified. If your office inspects internet traffic, make sure its certificate is installed on this computer.".into(),
                "无法验证安全连接。如果单位会检查网络流量，请确认其证书已安装在本机。".into(),
            ),
            Timeout(_) => (
                "The service took too long to respond. Please try again.".into(),
                "服务响应超时。请重试。".into(),
            ),
            StreamCut(_) => (
                "The connection dropped while the answer was arriving. The part received is kept. Ask again to get a full answer.".into(),
                "回答接收过程中连接中断。已收到的部分已保留。请重新提问以获得完整回答。".into(),
            ),
            Cancelled => (
                "Stopped. The part of the answer received so far is kept.".into(),
                "已停止。已收到的部分回答已保留。".into(),
            ),
            InputMissing(p) => (
                format!("Cannot open \"{}\": it does not exist or cannot be read. Check the file and add it again.", file_name(p)),
                format!("无法打开“{}”：文件不存在或无法读取。请检查文件后重新添加。", file_name(p)),
            ),
            InputIsDirectory(p) => (
                format!("\"{}\" is a folder. Add the documents inside it instead.", file_name(p)),
                format!("“{}”是文件夹。请添加其中的文档。", file_name(p)),
            ),
            InputEmpty(p) => (
                format!("\"{}\" is empty, so there is nothing to read. Check that you picked the right file.", file_name(p)),
                format!("“{}”是空文件，没有可读取的内容。请确认选对了文件。", file_name(p)),
            ),
            InputUnsupported { path, legacy: true } => (
                format!("\"{}\" is in an old Office format that the service cannot read. Open it in Word or PowerPoint, save it as DOCX or PDF, and add that file.", file_name(path)),
                format!("“{}”是旧版 Office 格式，服务无法读取。请用 Word 或 PowerPoint 打开，另存为 DOCX 或 PDF 后再添加。", file_name(path)),
            ),
            InputUnsupported { path, legacy: false } => (
                format!("\"{}\" is not a supported type. Use TXT, DOCX, PDF, XLSX, EPUB, MOBI, MD, CSV or JSON.", file_name(path)),
                format!("不支持“{}”的文件类型。请使用 TXT、DOCX、PDF、XLSX、EPUB、MOBI、MD、CSV 或 JSON。", file_name(path)),
            ),
            InputTooLarge { path, limit, .. } => (
                format!("\"{}\" is larger than the {} MB limit. Split it into smaller files.", file_name(path), limit / 1_000_000),
                format!("“{}”超过了 {} MB 的上限。请拆分成较小的文件。", file_name(path), limit / 1_000_000),
            ),
            InputTooManyDocuments { count, limit } => (
                format!("{count} documents are attached, but one question can use at most {limit}. Remove some and ask again."),
                format!("已附加 {count} 个文档，但一次提问最多只能使用 {limit} 个。请移除一些后再问。"),
            ),
            TextTooLong { tokens, limit } => (
                format!("The pasted text is about {tokens} tokens, over the {limit}-token limit for pasted text. Upload it as a file instead."),
                format!("粘贴的文本约 {tokens} 个 token，超过粘贴文本 {limit} 个 token 的上限。请改为作为文件上传。"),
            ),
            QuestionTooLong { tokens, limit } => (
                format!("The question is about {tokens} tokens, over the {limit}-token limit for a question about documents. Shorten the question, or put the long text in a document (paste it as text or add it as a file) and ask about it."),
                format!("问题约 {tokens} 个 token，超过了针对文档提问时 {limit} 个 token 的上限。请缩短问题，或把长文本放进文档（粘贴为文本或添加为文件）后再针对它提问。"),
            ),
            InvalidArgument(m) => (
                format!("Invalid input: {m}. Check what was entered, correct it and try again."),
                format!("输入无效：{m}。请检查所填内容，更正后重试。"),
            ),
            NotFound(m) => (
                format!("Not found: {m}. It may have been deleted (perhaps in another window). Refresh the list and choose it again."),
                format!("未找到：{m}。它可能已被删除（例如在另一个窗口中）。请刷新列表后重新选择。"),
            ),
            Storage(_) => (
                "Longwen could not read or write its data folder. Check free disk space and permissions, then restart Longwen.".into(),
                "长文无法读写其数据文件夹。请检查磁盘空间和权限，然后重新启动长文。".into(),
            ),
            Internal(_) => (
                "Something went wrong inside Longwen. Please try again; if it keeps happening, report it with the details below.".into(),
                "长文内部出现问题。请重试；如果持续出现，请附上下方详情反馈给我们。".into(),
            ),
        }
    }
}

/// What a face shows: `{kind, message, ...}` in one language.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ErrorReport {
    pub kind: String,
    pub message: String,
    pub request_id: Option<String>,
    pub detail: String,
    pub action: Option<String>,
    pub retry_after_secs: Option<u64>,
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Storage(e.to_string())
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(e: rusqlite_migration::Error) -> Self {
        Error::Storage(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_translated_and_distinct() {
        let p = PathBuf::from("/tmp/合同.doc");
        let svc = || {
            Box::new(ServiceInfo {
                status: 400,
                ..Default::default()
            })
        };
        let all = vec![
            Error::KeyMissing,
            Error::KeyRefused(svc()),
            Error::RateLimited(svc(), Some(Duration::from_secs(3))),
            Error::Arrears(svc()),
            Error::FileInvalid(svc()),
            Error::InputUnsupported {
                path: p.clone(),
                legacy: true,
            },
            Error::Cancelled,
            Error::Storage("x".into()),
            Error::QuestionTooLong {
                tokens: 9_500,
                limit: 9_000,
            },
            Error::NotFound("chat 7".into()),
            Error::InvalidArgument("the question is empty".into()),
        ];
        for e in all {
            let en = e.message(Lang::En);
            let zh = e.message(Lang::Zh);
            assert!(!en.is_empty() && !zh.is_empty());
            assert_ne!(en, zh, "{}", e.kind());
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        }
    }

    #[test]
    fn legacy_office_files_say_save_as() {
        let e = Error::InputUnsupported {
            path: "a.doc".into(),
            legacy: true,
        };
        assert!(e.message(Lang::En).contains("DOCX or PDF"));
        assert_eq!(e.exit_code(), 6);
    }

    #[test]
    fn a_long_question_is_bad_input_and_says_what_to_do() {
        let e = Error::QuestionTooLong {
            tokens: 9_500,
            limit: 9_000,
        };
        assert_eq!(e.kind(), "question_too_long");
        assert_eq!(e.exit_code(), 6);
        let en = e.message(Lang::En);
        assert!(en.contains("9500") && en.contains("9000"), "{en}");
        assert!(en.contains("Shorten") && en.contains("document"), "{en}");
        let zh = e.message(Lang::Zh);
        assert!(zh.contains("缩短") && zh.contains("文档"), "{zh}");
    }

    #[test]
    fn not_found_and_invalid_input_say_what_to_do_next() {
        let e = Error::NotFound("chat 7".into());
        let en = e.message(Lang::En);
        assert!(
            en.contains("chat 7") && en.contains("Refresh the list"),
            "{en}"
        );
        assert!(e.message(Lang::Zh).contains("请刷新列表后重新选择"));
        let e = Error::InvalidArgument("the question is empty".into());
        let en = e.message(Lang::En);
        assert!(
            en.contains("the question is empty") && en.contains("try again"),
            "{en}"
        );
        assert!(e.message(Lang::Zh).contains("更正后重试"));
    }

    #[test]
    fn an_invalid_file_id_points_to_the_key_in_settings() {
        let e = Error::FileInvalid(Box::new(ServiceInfo {
            status: 400,
            ..Default::default()
        }));
        assert_eq!(e.action(), Some("open_settings"));
        assert!(e.message(Lang::En).contains("main (root) account"));
        assert!(e.message(Lang::Zh).contains("主账号"));
        assert_eq!(e.report(Lang::En).action.as_deref(), Some("open_settings"));
    }

    #[test]
    fn lang_parses_locales() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
    }
}
