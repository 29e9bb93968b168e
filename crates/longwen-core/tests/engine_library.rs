//! Adding documents: dedupe per account (also racing adds), stale ids re-uploaded once.

mod engine_support;
use engine_support::*;
use longwen_core::client::{Client, ClientConfig};
use longwen_core::secrets::ApiKey;
use longwen_core::types::{AnswerEvent, DocumentProgress, DocumentSource, MessageStatus};

#[tokio::test]
async fn same_content_is_uploaded_once() {
    let env = setup().await;
    let path = fixture("采购合同-2026-华东.docx");
    let (first, steps) = env.add(&path).await;
    let first = first.unwrap();
    assert!(steps
        .iter()
        .any(|s| matches!(s, DocumentProgress::Uploading { .. })));
    assert!(matches!(steps.last(), Some(DocumentProgress::Ready { .. })));
    let remote = first.remote_id.clone().expect("remote id");
    assert_eq!(env.uploads().len(), 1);
    // The filename goes out intact (UTF-8).
    assert_eq!(env.uploads()[0].body["filename"], "采购合同-2026-华东.docx");

    let (again, steps) = env.add(&path).await;
    let again = again.unwrap();
    assert!(steps.contains(&DocumentProgress::AlreadyUploaded {
        remote_id: remote.clone()
    }));
    assert!(!steps
        .iter()
        .any(|s| matches!(s, DocumentProgress::Uploading { .. })));
    assert_eq!(again.id, first.id);

    // Same bytes under another name: a new document, the same remote file.
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("contract-copy.docx");
    std::fs::copy(&path, &copy).unwrap();
    let (other, steps) = env.add(&copy).await;
    let other = other.unwrap();
    assert!(steps.contains(&DocumentProgress::AlreadyUploaded {
        remote_id: remote.clone()
    }));
    assert_ne!(other.id, first.id);
    assert_eq!(other.remote_id.as_deref(), Some(remote.as_str()));
    assert_eq!(env.uploads().len(), 1);
    assert_eq!(env.engine.documents().unwrap().len(), 2);
}

#[tokio::test]
async fn racing_adds_of_the_same_content_upload_once() {
    let env = setup().await;
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.md");
    let b = tmp.path().join("b.md");
    std::fs::copy(fixture("meeting-notes.md"), &a).unwrap();
    std::fs::copy(fixture("meeting-notes.md"), &b).unwrap();
    let (ra, rb) = tokio::join!(env.add(&a), env.add(&b));
    let (da, db) = (ra.0.unwrap(), rb.0.unwrap());
    assert_eq!(da.remote_id, db.remote_id);
    assert_eq!(env.uploads().len(), 1);
}

#[tokio::test]
async fn a_stale_id_is_uploaded_again_once_and_the_question_answered() {
    let env = setup().await;
    let (doc, _) = env.add(&fixture("meeting-notes.md")).await;
    let doc = doc.unwrap();
    let old = doc.remote_id.clone().unwrap();
    // Deleted behind our back (another device, the console).
    let other = Client::new(
        ClientConfig {
            base_url: env.mock.base_url(),
            ..ClientConfig::default()
        },
        ApiKey::new(KEY),
    )
    .unwrap();
    other.delete_file(&old).await.unwrap();

    let (answer, events) = env
        .ask(question("When is the next meeting?", &[doc.id]))
        .await;
    let answer = answer.unwrap();
    assert_eq!(answer.message.status, MessageStatus::Complete);
    assert!(events.iter().any(|e| matches!(
        e,
        AnswerEvent::Preparing { document_id, progress: DocumentProgress::Uploading { .. } } if *document_id == doc.id
    )));
    assert_eq!(env.uploads().len(), 2);
    let chats = env.chats_sent();
    assert_eq!(chats.len(), 2, "the question is retried once");
    let new = env.engine.document(doc.id).unwrap().remote_id.unwrap();
    assert_ne!(new, old);
    assert_eq!(
        chats[1]["messages"][1]["content"],
        format!("fileid://{new}")
    );
}

#[tokio::test]
async fn invalid_file_from_a_ram_user_key_is_not_uploaded_again() {
    let env = setup().await;
    let (doc, _) = env.add(&fixture("meeting-notes.md")).await;
    let doc = doc.unwrap();
    let id = doc.remote_id.clone().unwrap();
    // What the service says to a RAM user's key, however often it is asked.
    for _ in 0..2 {
        env.mock.push_fault(mock_dashscope::Fault::HttpError {
            on: mock_dashscope::Target::Chat,
            status: 400,
            code: "invalid_parameter_error".into(),
            message: format!("Invalid file [id:{id}]."),
            retry_after: None,
            retry_after_date: None,
            retry_after_raw: None,
        });
    }
    let (answer, _) = env
        .ask(question("When is the next meeting?", &[doc.id]))
        .await;
    let e = answer.unwrap_err();
    assert_eq!(e.kind(), "file_invalid");
    assert_eq!(env.uploads().len(), 1, "no second copy in the account");
    assert_eq!(env.chats_sent().len(), 1);
    assert_eq!(env.engine.document(doc.id).unwrap().remote_id, Some(id));
}

#[tokio::test]
async fn text_documents_and_text_as_file() {
    let env = setup().await;
    let doc = env
        .engine
        .add_text(
            "第五章 考勤与休假管理。员工每日工作8小时，每周工作40小时。",
            None,
        )
        .unwrap();
    assert_eq!(doc.source, DocumentSource::Text);
    assert!(doc.name.starts_with("第五章 考勤与休假管理"));
    assert!(doc.name.chars().count() <= 25);
    assert!(doc.remote_id.is_none());
    assert!(env.mock.requests().is_empty());

    let steps = std::sync::Mutex::new(Vec::new());
    let file = env
        .engine
        .add_text_as_file(
            &"long text ".repeat(5000),
            Some("notes"),
            &|p| steps.lock().unwrap().push(p),
            &longwen_core::CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(file.source, DocumentSource::File);
    assert_eq!(file.name, "notes.txt");
    assert!(file.remote_id.is_some());
    assert_eq!(env.uploads()[0].body["filename"], "notes.txt");
    // The temporary file is gone.
    let tmp = env.dir.path().join("tmp");
    assert!(std::fs::read_dir(&tmp)
        .map(|d| d.count() == 0)
        .unwrap_or(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_adding_the_same_content_upload_once() {
    let env = setup().await;
    // A second engine on the same data dir stands for the CLI next to the app.
    let other = env.reopen();
    let path = fixture("policy-handbook.epub");
    let noop = |_: DocumentProgress| {};
    let cancel = longwen_core::CancellationToken::new();
    let (a, b) = tokio::join!(
        env.engine.add_document(&path, &noop, &cancel),
        other.add_document(&path, &noop, &cancel)
    );
    assert_eq!(a.unwrap().remote_id, b.unwrap().remote_id);
    assert_eq!(env.uploads().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_add_waits_for_another_process_uploading_the_same_content() {
    let env = setup().await;
    let path = fixture("config-export.json");
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&path).unwrap()))
    };
    let account = account(env.dir.path());
    let key = format!("{sha}\n{}\n{account}", env.mock.base_url());
    let db = rusqlite::Connection::open(env.dir.path().join("longwen.db")).unwrap();
    // Another process has claimed this content and is uploading it.
    db.execute(
        "INSERT INTO upload_claims (key, owner, heartbeat_ms) VALUES (?1, 'cli', ?2)",
        rusqlite::params![key, longwen_core::store::now_ms()],
    )
    .unwrap();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = env.engine.clone();
    let p = path.clone();
    let task = tokio::spawn(async move {
        let progress = move |s: DocumentProgress| {
            let _ = tx.send(s);
        };
        engine
            .add_document(&p, &progress, &longwen_core::CancellationToken::new())
            .await
    });
    // Hashed: from here on, without the claim it would upload.
    while let Some(step) = rx.recv().await {
        if matches!(step, DocumentProgress::Hashing { done, total } if done == total) {
            break;
        }
    }
    // The other process finishes: its id appears and its claim goes.
    db.execute(
        "INSERT INTO remote_files (sha256, endpoint, account, file_id, filename, bytes, status, uploaded_at)
         VALUES (?1, ?2, ?3, 'file-fe-other-process', 'config-export.json', 1962, 'processed', 0)",
        rusqlite::params![sha, env.mock.base_url(), account],
    )
    .unwrap();
    db.execute("DELETE FROM upload_claims", []).unwrap();

    let doc = task.await.unwrap().unwrap();
    assert_eq!(doc.remote_id.as_deref(), Some("file-fe-other-process"));
    assert!(env.uploads().is_empty());
}

/// Uploads recorded by a version that stored unsalted fingerprints are still found: nothing is
/// uploaded again, and the stored fingerprint becomes the salted one.
#[tokio::test]
async fn uploads_under_the_unsalted_fingerprint_are_kept() {
    let env = setup().await;
    let doc = env.add(&fixture("meeting-notes.md")).await.0.unwrap();
    let salted = account(env.dir.path());
    let legacy = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(KEY.as_bytes()))[..16].to_string()
    };
    let db = rusqlite::Connection::open(env.dir.path().join("longwen.db")).unwrap();
    db.execute(
        "UPDATE remote_files SET account = ?1 WHERE account = ?2",
        [&legacy, &salted],
    )
    .unwrap();
    let engine = env.reopen();
    let again = engine
        .add_document(
            &fixture("meeting-notes.md"),
            &|_| {},
            &longwen_core::CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(again.remote_id, doc.remote_id);
    assert_eq!(env.uploads().len(), 1, "not uploaded again");
    let left: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM remote_files WHERE account = ?1",
            [&legacy],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

/// Files belong to the account, not to one key: a new key of the same account finds the
/// earlier uploads in the cloud (by name, size and date) and does not upload them again; a key
/// of another account does upload.
#[tokio::test]
async fn a_new_key_of_the_same_account_finds_earlier_uploads() {
    let env = setup().await;
    let open = |key: &str| {
        let mut c = config(env.dir.path(), &env.mock);
        c.api_key = Some(longwen_core::secrets::ApiKey::new(key));
        longwen_core::Engine::open(c).unwrap()
    };
    let first = open("sk-acme.laptop-0000000000");
    let notes = fixture("meeting-notes.md");
    let cancel = longwen_core::CancellationToken::new();
    let doc = first.add_document(&notes, &|_| {}, &cancel).await.unwrap();
    assert_eq!(env.uploads().len(), 1);

    let second = open("sk-acme.desktop-0000000000");
    assert_eq!(second.adopt_cloud_files().await.unwrap(), 1);
    let again = second.add_document(&notes, &|_| {}, &cancel).await.unwrap();
    assert_eq!(again.remote_id, doc.remote_id);
    assert_eq!(env.uploads().len(), 1, "not uploaded again");

    let stranger = open("sk-other-0000000000000000");
    assert_eq!(stranger.adopt_cloud_files().await.unwrap(), 0);
    stranger
        .add_document(&notes, &|_| {}, &cancel)
        .await
        .unwrap();
    assert_eq!(
        env.uploads().len(),
        2,
        "another account uploads its own copy"
    );
}

/// A process that died while uploading (its claim left behind, silent) may have got the file to
/// the service without recording the answer: the next add finds it there instead of sending it
/// again.
#[tokio::test]
async fn an_upload_cut_off_by_a_crash_is_found_in_the_cloud_not_sent_again() {
    let env = setup().await;
    let path = fixture("config-export.json");
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&path).unwrap()))
    };
    // What the dead process sent: the service has it, the database does not.
    let client = Client::new(
        ClientConfig {
            base_url: env.mock.base_url(),
            ..ClientConfig::default()
        },
        ApiKey::new(KEY),
    )
    .unwrap();
    let cancel = longwen_core::CancellationToken::new();
    let sent = client
        .upload(&path, "config-export.json", &|_, _| {}, &cancel)
        .await
        .unwrap();
    // Its claim, silent for long enough to be taken over.
    let key = format!(
        "{sha}\n{}\n{}",
        env.mock.base_url(),
        account(env.dir.path())
    );
    let db = rusqlite::Connection::open(env.dir.path().join("longwen.db")).unwrap();
    db.execute(
        "INSERT INTO upload_claims (key, owner, heartbeat_ms) VALUES (?1, 'dead', 0)",
        [&key],
    )
    .unwrap();
    let doc = env.add(&path).await.0.unwrap();
    assert_eq!(doc.remote_id.as_deref(), Some(sent.id.as_str()));
    assert_eq!(env.uploads().len(), 1, "not sent a second time");
}
