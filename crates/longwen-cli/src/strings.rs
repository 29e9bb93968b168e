//! Every string the CLI prints, in English and Chinese: the printer's texts, the wait lines
//! and the sentence for each error. The core words nothing (its errors are a kind plus typed
//! fields); these sentences and the exit codes are part of the CLI's interface, so they stay
//! byte-for-byte what earlier versions printed.

use longwen_core::client::WaitReason;
use longwen_core::error::{Entity, Problem, StorageOp};
use longwen_core::{Error, Lang};

/// The printer's fixed texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    KeyPrompt,
    KeySaved,
    KeyEnv,
    KeyKeyring,
    KeyNone,
    Checking,
    Hashing,
    AlreadyUploaded,
    Uploading,
    Reading,
    Ready,
    PartialKept,
    RequestId,
    DocumentsUsed,
    Tokens,
}

fn pick<T>(lang: Lang, en: T, zh: T) -> T {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

pub fn text(id: Text, lang: Lang) -> &'static str {
    let (en, zh) = match id {
        Text::KeyPrompt => (
            "Paste your DashScope API key: ",
            "请粘贴你的百炼 API 密钥：",
        ),
        Text::KeySaved => ("Saved in the system keychain", "已保存到系统钥匙串"),
        Text::KeyEnv => (
            "Using the key from the DASHSCOPE_API_KEY environment variable",
            "正在使用环境变量 DASHSCOPE_API_KEY 中的密钥",
        ),
        Text::KeyKeyring => ("Key in the system keychain", "密钥保存在系统钥匙串中"),
        Text::KeyNone => (
            "No API key is set. Run: longwen key set",
            "尚未设置 API 密钥。请运行：longwen key set",
        ),
        Text::Checking => ("checking", "检查中"),
        Text::Hashing => ("hashing", "计算校验值"),
        Text::AlreadyUploaded => ("already uploaded", "已上传过"),
        Text::Uploading => ("uploading", "上传中"),
        Text::Reading => ("the service is reading it", "服务正在读取"),
        Text::Ready => ("ready", "就绪"),
        Text::PartialKept => ("The partial answer is kept.", "已保留部分回答。"),
        Text::RequestId => ("request id", "请求编号"),
        Text::DocumentsUsed => ("Documents used", "使用的文档"),
        Text::Tokens => ("tokens", "tokens"),
    };
    pick(lang, en, zh)
}

/// The progress line while the client waits before the first token.
pub fn waiting(reason: WaitReason, secs: u64, lang: Lang) -> String {
    match (reason, lang) {
        (WaitReason::FileParsing, Lang::En) => {
            format!("The service is still reading your documents; trying again in {secs} s")
        }
        (WaitReason::FileParsing, Lang::Zh) => format!("服务仍在读取文档，{secs} 秒后重试"),
        (WaitReason::RateLimited | WaitReason::ServerError, Lang::En) => {
            format!("The service is busy; retrying in {secs} s")
        }
        (WaitReason::RateLimited | WaitReason::ServerError, Lang::Zh) => {
            format!("服务繁忙，{secs} 秒后重试")
        }
    }
}

/// A plain sentence for a person: what happened and what to do next.
pub fn error_message(error: &Error, lang: Lang) -> String {
    let (en, zh) = error_texts(error);
    pick(lang, en, zh)
}

/// The process's exit code for an error; part of the CLI's interface.
pub fn exit_code(error: &Error) -> u8 {
    use Error::*;
    match error {
        KeyRefused(_) => 3,
        RateLimited(_) => 4,
        Network { .. } | Proxy { .. } | Tls { .. } | Timeout { .. } | StreamCut { .. } => 5,
        InputMissing { .. }
        | InputChanged { .. }
        | InputIsDirectory { .. }
        | InputEmpty { .. }
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
        | AccessDenied(_)
        | ModelNotInRegion(_)
        | Service(_) => 7,
        TooLargeForModel { .. } => 4,
        Cancelled => 130,
        InvalidArgument { .. } => 2,
        KeyMissing
        | KeyringUnavailable { .. }
        | InsecureUrl { .. }
        | NotFound { .. }
        | Storage { .. }
        | AnswerTooLong { .. }
        | FileInUse { .. }
        | EndpointNotConfirmed { .. }
        | DatabaseTooNew { .. }
        | DatabaseDamaged { .. }
        | Internal { .. } => 1,
    }
}

/// What was wrong with an argument, as the words earlier versions put in "Invalid input: ...".
/// Only the empty key was worded in the CLI's language (the CLI checked it itself).
fn invalid_detail(problem: Problem, value: &str, detail: &str, lang: Lang) -> String {
    match problem {
        Problem::Unknown | Problem::UnreadableInput => detail.to_string(),
        Problem::EmptyQuestion => "the question is empty".into(),
        Problem::EmptyKey => pick(lang, "the key is empty", "密钥为空").into(),
        Problem::BadKey => pick(
            lang,
            "the key holds a space, a line break or another character no key has: copy it again from the Model Studio console",
            "密钥里有空格、换行或其他密钥不会有的字符：请从百炼控制台重新复制",
        )
        .into(),
        Problem::EmptyText => "the text is empty".into(),
        Problem::EmptyModel => "the model name is empty".into(),
        Problem::EmptyAddress => "the custom address is empty".into(),
        Problem::BadAddress => format!("service address {value:?}: {detail}"),
        Problem::AddressNotHttp => format!("service address must be https, not {value}"),
        Problem::BadFileId => format!("file id {value:?}"),
        Problem::LinkNotAllowed => "only http and https links can be opened".into(),
        Problem::AnswerStillStreaming => "this answer is still being written".into(),
    }
}

/// What was not found, as earlier versions named it ("chat 7").
fn not_found_what(what: Entity, id: &str) -> String {
    match what {
        Entity::Item => format!("item {id}"),
        Entity::Chat => format!("chat {id}"),
        Entity::Message => format!("message {id}"),
        Entity::Answer => format!("answer {id}"),
        Entity::Question => format!("question of answer {id}"),
        Entity::Document => format!("document {id}"),
        Entity::DocumentJob => format!("document job {id}"),
        Entity::Preview => format!("preview of document {id}"),
    }
}

/// Both sentences of an error, English first.
fn error_texts(error: &Error) -> (String, String) {
    use Error::*;
    match error {
            KeyMissing => (
                "No API key is set. Open Settings and paste your DashScope API key.".into(),
                "尚未设置 API 密钥。请打开“设置”，粘贴你的百炼（DashScope）API 密钥。".into(),
            ),
            KeyRefused(_) => (
                "The service refused the API key. Check that it is copied in full and that it belongs to the region chosen in Settings (keys work in one region only).".into(),
                "服务拒绝了这个 API 密钥。请检查密钥是否完整复制，以及它是否属于“设置”中所选的地域（密钥只在一个地域有效）。".into(),
            ),
            KeyringUnavailable { .. } => (
                "The system keychain is not available, so the API key cannot be stored safely. Unlock your keychain (or log in to a desktop session) and try again, or set the DASHSCOPE_API_KEY environment variable.".into(),
                "系统钥匙串不可用，无法安全保存 API 密钥。请解锁钥匙串（或登录桌面会话）后重试，或设置环境变量 DASHSCOPE_API_KEY。".into(),
            ),
            InsecureUrl { url: u } => (
                format!("The address {u} does not use https, so your API key was not sent. Use an https:// address in Settings."),
                format!("地址 {u} 未使用 https，为保护密钥未发送请求。请在“设置”中使用 https:// 地址。"),
            ),
            RateLimited(s) => match s.retry_after_secs {
                Some(secs) => (
                    format!("The service is busy (too many requests). Please try again in {} s.", secs.max(1)),
                    format!("服务繁忙（请求过多）。请在 {} 秒后重试。", secs.max(1)),
                ),
                None => (
                    "The service is busy (too many requests). Please wait a minute and try again.".into(),
                    "服务繁忙（请求过多）。请稍等一分钟后重试。".into(),
                ),
            },
            Arrears(_) => (
                "Your Alibaba Cloud account is in arrears. Top up the account in the Alibaba Cloud console, then try again.".into(),
                "你的阿里云账号已欠费。请在阿里云控制台充值后重试。".into(),
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
                "“设置”中的模型不存在或未对你的账号开通。请在“设置”中选择 qwen-long。".into(),
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
                "服务仍在读取你的文档。请过一分钟再试。".into(),
            ),
            FileInvalid(_) => (
                "The service does not accept this document's id. The likely cause: your API key belongs to a RAM (sub-)user, and uploaded documents work only with the main (root) account's key. Use a key of the main account, or remove and add the document again.".into(),
                "服务不接受该文档的编号。常见原因：你的 API 密钥属于 RAM 子账号，而上传的文档只能配合主账号的密钥使用。请改用主账号的密钥，或移除后重新添加该文档。".into(),
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
                "Too many documents in one question (at most 99). Remove some and ask again.".into(),
                "一次提问的文档过多（最多 99 个）。请移除一些后再问。".into(),
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
            AccessDenied(_) => (
                "This API key's workspace has no access to the model (access denied). In the Model Studio console, give the workspace access to Qwen-Long, or use another key.".into(),
                "此 API 密钥所在的业务空间没有该模型的访问权限。请在百炼控制台为该业务空间开通 Qwen-Long，或换用其他密钥。".into(),
            ),
            ModelNotInRegion(_) => (
                "Qwen-Long is offered only in the China (Beijing) region. Choose that region (--base-url https://dashscope.aliyuncs.com/compatible-mode/v1) with a key created there.".into(),
                "Qwen-Long 仅在华北 2（北京）地域提供。请改用该地域（--base-url https://dashscope.aliyuncs.com/compatible-mode/v1）及在该地域创建的密钥。".into(),
            ),
            TooLargeForModel { model, tokens, limit } => (
                format!("This question reads about {tokens} tokens, but {model} accepts at most {limit} tokens a minute, so it would be refused every time. Use qwen-long (--model qwen-long), or ask about fewer or smaller documents."),
                format!("此问题约需读取 {tokens} 个 token，但 {model} 每分钟最多接受 {limit} 个 token，每次都会被拒绝。请改用 qwen-long（--model qwen-long），或减少、缩小所问的文档。"),
            ),
            Service(s) => (
                format!("The service could not answer (error {}). Please try again; if it keeps happening, quote the request id to support.", s.status),
                format!("服务暂时无法回答（错误 {}）。请重试；如果持续出现，请向客服提供请求编号。", s.status),
            ),
            Network { .. } => (
                "Could not reach the service. Check your internet connection (and proxy settings, if your office uses one), then try again.".into(),
                "无法连接到服务。请检查网络连接（如果单位使用代理，也请检查代理设置），然后重试。".into(),
            ),
            Proxy { .. } => (
                "The proxy refused the connection. Check the HTTPS_PROXY setting, or ask your IT department.".into(),
                "代理服务器拒绝了连接。请检查 HTTPS_PROXY 设置，或联系你的 IT 部门。".into(),
            ),
            Tls { .. } => (
                "The secure connection could not be verified. If your office inspects internet traffic, make sure its certificate is installed on this computer.".into(),
                "无法验证安全连接。如果单位会检查网络流量，请确认其证书已安装在本机。".into(),
            ),
            Timeout { .. } => (
                "The service took too long to respond. Please try again.".into(),
                "服务响应超时。请重试。".into(),
            ),
            StreamCut { .. } => (
                "The connection dropped while the answer was arriving. The part received is kept. Ask again to get a full answer.".into(),
                "回答接收过程中连接中断。已收到的部分已保留。请重新提问以获得完整回答。".into(),
            ),
            Cancelled => (
                "Stopped. The part of the answer received so far is kept.".into(),
                "已停止。已收到的部分回答已保留。".into(),
            ),
            InputMissing { name, .. } => (
                format!("Cannot open \"{}\": it does not exist or cannot be read. Check the file and add it again.", name),
                format!("无法打开“{}”：文件不存在或无法读取。请检查文件后重新添加。", name),
            ),
            InputChanged { name, .. } => (
                format!("\"{}\" changed while it was being sent, so it was not kept. Save and close it, then add it again.", name),
                format!("“{}”在发送过程中被修改，因此没有保留。请保存并关闭该文件后重新添加。", name),
            ),
            InputIsDirectory { name, .. } => (
                format!("\"{}\" is a folder. Add the documents inside it instead.", name),
                format!("“{}”是文件夹。请添加其中的文档。", name),
            ),
            InputEmpty { name, .. } => (
                format!("\"{}\" is empty, so there is nothing to read. Check that you picked the right file.", name),
                format!("“{}”是空文件，没有可读取的内容。请确认选对了文件。", name),
            ),
            InputUnsupported { name, legacy: true, .. } => (
                format!("\"{}\" is in an old Office format that the service cannot read. Open it in Word or PowerPoint, save it as DOCX or PDF, and add that file.", name),
                format!("“{}”是旧版 Office 格式，服务无法读取。请用 Word 或 PowerPoint 打开，另存为 DOCX 或 PDF 后再添加。", name),
            ),
            InputUnsupported { name, legacy: false, .. } => (
                format!("\"{}\" is not a supported type. Use TXT, DOCX, PDF, XLSX, EPUB, MOBI, MD, CSV or JSON.", name),
                format!("不支持“{}”的文件类型。请使用 TXT、DOCX、PDF、XLSX、EPUB、MOBI、MD、CSV 或 JSON。", name),
            ),
            InputTooLarge { name, limit, .. } => (
                format!("\"{}\" is larger than the {} MB limit. Split it into smaller files.", name, limit / 1_000_000),
                format!("“{}”超过了 {} MB 的上限。请拆分成较小的文件。", name, limit / 1_000_000),
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
            InvalidArgument {
                problem,
                value,
                detail,
            } => {
                let en = invalid_detail(*problem, value, detail, Lang::En);
                let zh = invalid_detail(*problem, value, detail, Lang::Zh);
                (
                    format!("Invalid input: {en}. Check what was entered, correct it and try again."),
                    format!("输入无效：{zh}。请检查所填内容，更正后重试。"),
                )
            }
            NotFound { what, id } => {
                let m = not_found_what(*what, id);
                (
                    format!("Not found: {m}. It may have been deleted (perhaps in another window). Refresh the list and choose it again."),
                    format!("未找到：{m}。它可能已被删除（例如在另一个窗口中）。请刷新列表后重新选择。"),
                )
            }
            FileInUse { file_id } => (
                format!("The file {file_id} is being read by an answer now, so it was not deleted. Try again when the answer has finished."),
                format!("文件 {file_id} 正在被回答读取，因此没有删除。请在回答结束后重试。"),
            ),
            AnswerTooLong { limit } => (
                format!("The answer reached {} MB, the most Longwen keeps, and was stopped there. The text so far is kept. Ask for a shorter answer, or one part at a time.", limit / 1_000_000),
                format!("回答已达到 {} MB（长文保存的上限），已在此处停止，已收到的内容已保留。请要求更简短的回答，或分部分提问。", limit / 1_000_000),
            ),
            EndpointNotConfirmed { host } => (
                format!("Your API key has not been confirmed for {host}, so nothing was sent there. Confirm the address in the app's Settings."),
                format!("尚未确认将 API 密钥用于 {host}，因此没有向其发送任何内容。请在应用的“设置”中确认该地址。"),
            ),
            DatabaseTooNew { path, .. } => (
                format!("The data in {} was written by a newer version of Longwen. Use that version, or move the file aside to start afresh (nothing is deleted).", path.display()),
                format!("{} 中的数据由更新版本的长文写入。请使用该版本，或将该文件移到别处后重新开始（不会删除任何内容）。", path.display()),
            ),
            DatabaseDamaged { path, .. } => (
                format!("The data in {} cannot be read (the file is damaged). Move the file aside to start afresh (nothing is deleted); backups are in the same folder.", path.display()),
                format!("无法读取 {} 中的数据（文件已损坏）。请将该文件移到别处后重新开始（不会删除任何内容）；备份位于同一文件夹中。", path.display()),
            ),
            Storage {
                op: StorageOp::WriteFile,
                detail,
                path,
            } => {
                let path = path.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
                (
                    format!("Could not write {path} ({detail}). Check that the folder exists and that you may write there."),
                    format!("无法写入 {path}（{detail}）。请确认文件夹存在且你有写入权限。"),
                )
            }
            Storage { .. } => (
                "Longwen could not read or write its data folder. Check free disk space and permissions, then restart Longwen.".into(),
                "长文无法读写其数据文件夹。请检查磁盘空间和权限，然后重新启动长文。".into(),
            ),
            Internal { .. } => (
                "Something went wrong inside Longwen. Please try again; if it keeps happening, report it with the details below.".into(),
                "长文内部出现问题。请重试；如果持续出现，请附上下方详情反馈给我们。".into(),
            ),
    }
}

#[cfg(test)]
mod tests;
