//! The sentences are the CLI's interface: every kind is worded in both languages, and a few
//! are pinned to the exact bytes earlier versions printed.

use super::*;
use longwen_core::error::{Cut, ServiceInfo, StorageOp, Waited};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

fn svc(status: u16) -> Box<ServiceInfo> {
    Box::new(ServiceInfo {
        status,
        ..Default::default()
    })
}

fn rate_limited(retry_after_secs: Option<u64>) -> Error {
    Error::RateLimited(Box::new(ServiceInfo {
        status: 429,
        retry_after_secs,
        ..Default::default()
    }))
}

/// One error of every kind (and both forms of the kinds worded two ways).
fn every_kind() -> Vec<Error> {
    let doc = Path::new("/tmp/合同.doc");
    vec![
        Error::KeyMissing,
        Error::KeyRefused(svc(401)),
        Error::KeyringUnavailable {
            backend: "secret-service".into(),
            detail: "no D-Bus".into(),
        },
        Error::InsecureUrl {
            url: "http://example.com/v1".into(),
        },
        rate_limited(Some(3)),
        rate_limited(None),
        Error::Arrears(svc(400)),
        Error::FreeTierOnly(svc(403)),
        Error::ContentRefused(svc(400)),
        Error::ModelNotFound(svc(404)),
        Error::WrongAddress(svc(404)),
        Error::FileTooLarge(svc(400)),
        Error::FileParsing(svc(400)),
        Error::FileInvalid(svc(400)),
        Error::FileNotFound(svc(400)),
        Error::FileFormatUnsupported(svc(400)),
        Error::FileTooManyPages(svc(400)),
        Error::FileBlank(svc(400)),
        Error::TooManyFiles(svc(400)),
        Error::ContextTooLong(svc(400)),
        Error::UploadQuota(svc(400)),
        Error::FileParseFailed(svc(400)),
        Error::Service(svc(500)),
        Error::Network {
            detail: "connection refused".into(),
        },
        Error::Proxy {
            detail: "407".into(),
        },
        Error::Tls {
            detail: "unknown issuer".into(),
        },
        Error::timeout(Waited::FirstToken, Duration::from_secs(600)),
        Error::stream_cut(Cut::EndedEarly),
        Error::Cancelled,
        Error::input_missing(doc),
        Error::input_changed(doc),
        Error::input_is_directory(Path::new("/tmp/合同")),
        Error::input_empty(doc),
        Error::input_unsupported(doc, true),
        Error::input_unsupported(Path::new("/tmp/a.exe"), false),
        Error::input_too_large(doc, 150_000_001, 150_000_000),
        Error::InputTooManyDocuments {
            count: 101,
            limit: 100,
        },
        Error::TextTooLong {
            tokens: 9_500,
            limit: 9_000,
        },
        Error::QuestionTooLong {
            tokens: 9_500,
            limit: 9_000,
        },
        Error::invalid(Problem::EmptyQuestion),
        Error::not_found(Entity::Chat, 7),
        Error::storage(StorageOp::TempFile, "disk full"),
        Error::internal("bug"),
    ]
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_kind_is_worded_in_both_languages_and_distinctly() {
    // The core's one sample of each kind, and this file's variants of some.
    let mut debug = HashSet::new();
    let all: Vec<Error> = Error::examples()
        .into_iter()
        .chain(every_kind())
        .filter(|e| debug.insert(format!("{e:?}")))
        .collect();
    let kinds: HashSet<&str> = all.iter().map(Error::kind).collect();
    let every: HashSet<&str> = Error::examples().iter().map(Error::kind).collect();
    assert_eq!(kinds, every, "one sample per kind");
    // Two kinds never share a sentence (samples of one kind may).
    let mut seen = std::collections::HashMap::new();
    for e in &all {
        let en = error_message(e, Lang::En);
        let zh = error_message(e, Lang::Zh);
        assert!(!en.is_empty() && !zh.is_empty(), "{}", e.kind());
        assert_ne!(en, zh, "{}", e.kind());
        assert!(!has_cjk(&en) || en.contains("合同"), "{en}");
        assert!(has_cjk(&zh), "{zh}");
        for text in [en, zh] {
            let first = *seen.entry(text.clone()).or_insert(e.kind());
            assert_eq!(first, e.kind(), "worded twice: {text}");
        }
    }
}

#[test]
fn the_printer_texts_are_translated() {
    use Text::*;
    for t in [
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
    ] {
        assert!(
            !text(t, Lang::En).is_empty() && has_cjk(text(t, Lang::Zh)),
            "{t:?}"
        );
    }
    let busy = waiting(WaitReason::RateLimited, 4, Lang::En);
    assert_eq!(busy, "The service is busy; retrying in 4 s");
    assert_eq!(
        waiting(WaitReason::FileParsing, 2, Lang::Zh),
        "服务仍在读取文档，2 秒后重试"
    );
}

#[test]
fn a_long_question_is_bad_input_and_says_what_to_do() {
    let e = Error::QuestionTooLong {
        tokens: 9_500,
        limit: 9_000,
    };
    assert_eq!(exit_code(&e), 6);
    let en = error_message(&e, Lang::En);
    assert_eq!(
        en,
        "The question is about 9500 tokens, over the 9000-token limit for a question about \
         documents. Shorten the question, or put the long text in a document (paste it as text \
         or add it as a file) and ask about it."
    );
    assert!(en.contains("Shorten") && en.contains("document"));
    let zh = error_message(&e, Lang::Zh);
    assert!(zh.contains("缩短") && zh.contains("文档"), "{zh}");
}

#[test]
fn legacy_office_files_say_save_as() {
    let e = Error::input_unsupported(Path::new("/x/a.doc"), true);
    assert_eq!(
        error_message(&e, Lang::En),
        "\"a.doc\" is in an old Office format that the service cannot read. Open it in Word or \
         PowerPoint, save it as DOCX or PDF, and add that file."
    );
    assert_eq!(
        error_message(&e, Lang::Zh),
        "“a.doc”是旧版 Office 格式，服务无法读取。请用 Word 或 PowerPoint 打开，另存为 DOCX 或 PDF 后再添加。"
    );
    assert_eq!(exit_code(&e), 6);
}

#[test]
fn an_invalid_file_id_points_to_the_main_account_key() {
    let e = Error::FileInvalid(svc(400));
    let en = error_message(&e, Lang::En);
    assert!(
        en.contains("RAM") && en.contains("main (root) account"),
        "{en}"
    );
    assert!(error_message(&e, Lang::Zh).contains("主账号"));
    assert_eq!(exit_code(&e), 7);
}

#[test]
fn not_found_and_invalid_input_say_what_to_do_next() {
    let e = Error::not_found(Entity::Chat, 7);
    assert_eq!(
        error_message(&e, Lang::En),
        "Not found: chat 7. It may have been deleted (perhaps in another window). Refresh the \
         list and choose it again."
    );
    assert_eq!(
        error_message(&Error::not_found(Entity::Question, 9), Lang::Zh),
        "未找到：question of answer 9。它可能已被删除（例如在另一个窗口中）。请刷新列表后重新选择。"
    );
    let key = Error::invalid(Problem::EmptyKey);
    assert_eq!(
        error_message(&key, Lang::En),
        "Invalid input: the key is empty. Check what was entered, correct it and try again."
    );
    assert_eq!(
        error_message(&key, Lang::Zh),
        "输入无效：密钥为空。请检查所填内容，更正后重试。"
    );
    let id = Error::invalid_value(Problem::BadFileId, "a/b");
    assert!(error_message(&id, Lang::En).contains("Invalid input: file id \"a/b\". Check"));
    let url = Error::invalid_value(Problem::AddressNotHttp, "ftp");
    assert!(error_message(&url, Lang::Zh).contains("service address must be https, not ftp。"));
    assert_eq!(exit_code(&key), 2);
}

#[test]
fn the_service_asks_for_a_pause_in_whole_seconds() {
    assert_eq!(
        error_message(&rate_limited(Some(3)), Lang::En),
        "The service is busy (too many requests). Please try again in 3 s."
    );
    assert!(error_message(&rate_limited(Some(0)), Lang::Zh).contains("请在 1 秒后重试"));
    assert!(error_message(&rate_limited(None), Lang::En).contains("wait a minute"));
    assert!(error_message(&Error::Service(svc(503)), Lang::En).contains("(error 503)"));
    let big = Error::input_too_large(Path::new("/x/big.pdf"), 1, 150_000_000);
    assert!(error_message(&big, Lang::En).contains("\"big.pdf\" is larger than the 150 MB"));
}

#[test]
fn a_kind_alone_still_reads() {
    // Rows from older versions kept only their kind: every field has a default.
    for kind in [
        "input_too_large",
        "not_found",
        "invalid_argument",
        "service_error",
    ] {
        let e: Error = serde_json::from_value(serde_json::json!({ "kind": kind })).unwrap();
        assert!(!error_message(&e, Lang::En).is_empty());
    }
}

#[test]
fn exit_codes_follow_the_interface() {
    let code = |e: Error| exit_code(&e);
    assert_eq!(code(Error::input_unsupported(Path::new("a.doc"), true)), 6);
    assert_eq!(
        code(Error::QuestionTooLong {
            tokens: 1,
            limit: 0
        }),
        6
    );
    assert_eq!(code(Error::Cancelled), 130);
    assert_eq!(code(Error::KeyRefused(svc(401))), 3);
    assert_eq!(code(rate_limited(None)), 4);
    assert_eq!(code(Error::stream_cut(Cut::Transport)), 5);
    assert_eq!(code(Error::ModelNotFound(svc(404))), 7);
    assert_eq!(code(Error::invalid(Problem::EmptyQuestion)), 2);
    assert_eq!(code(Error::KeyMissing), 1);
    assert_eq!(code(Error::storage(StorageOp::Database, "x")), 1);
}

/// Every kind the core knows (its own list of examples) has a sentence in each language.
#[test]
fn every_core_kind_has_words() {
    for e in Error::examples() {
        let en = error_message(&e, Lang::En);
        let zh = error_message(&e, Lang::Zh);
        assert!(!en.is_empty() && !zh.is_empty(), "{}", e.kind());
        assert_ne!(en, zh, "{}", e.kind());
        assert!(has_cjk(&zh), "{}: {zh}", e.kind());
    }
}
