//! The library (reuse without a second upload, cloud state, removal), the cloud files view
//! (every page, known files, the in-use rule, deletion) and the running costs.

mod engine_support;
use engine_support::*;
use longwen_core::client::{Client, ClientConfig};
use longwen_core::secrets::ApiKey;
use longwen_core::types::{CloudState, JobEvent, JobState};
use longwen_core::{CancellationToken, Engine};
use std::sync::{Arc, Mutex};

/// Runs jobs to their end and returns every event.
async fn run(engine: &Engine, jobs: Vec<longwen_core::types::Job>) -> Vec<JobEvent> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    for job in jobs {
        let s = seen.clone();
        let sink = move |e: JobEvent| s.lock().unwrap().push(e);
        engine.run_job(&job, &sink, &CancellationToken::new()).await;
    }
    let events = seen.lock().unwrap().clone();
    events
}

#[tokio::test]
async fn a_library_document_joins_another_chat_without_a_second_upload() {
    let env = setup().await;
    let doc = env.add(&fixture("meeting-notes.md")).await.0.unwrap();
    let first = env.ask(question("When?", &[doc.id])).await.0.unwrap();
    let library = env.engine.library(false).await.unwrap();
    let item = library.iter().find(|i| i.document.id == doc.id).unwrap();
    assert_eq!(item.cloud, CloudState::Uploaded);
    assert_eq!(item.chats.len(), 1);
    assert_eq!(item.chats[0].id, first.chat_id);

    let other = env.engine.create_chat().unwrap().id;
    let events = run(
        &env.engine,
        env.engine.plan_stored(other, &[doc.id]).unwrap(),
    )
    .await;
    assert_eq!(events.last().unwrap().state, JobState::Ready, "{events:?}");
    assert_eq!(
        env.uploads().len(),
        1,
        "the cloud copy is used, not uploaded again"
    );
    assert_eq!(env.engine.chat(other).unwrap().documents[0].id, doc.id);

    // Deleted in the console: the library says so once it asks the cloud, and the next chat
    // that takes it uploads it again (once).
    let console = Client::new(
        ClientConfig {
            base_url: env.mock.base_url(),
            ..ClientConfig::default()
        },
        ApiKey::new(KEY),
    )
    .unwrap();
    console
        .delete_file(doc.remote_id.as_deref().unwrap())
        .await
        .unwrap();
    let library = env.engine.library(true).await.unwrap();
    let item = library.iter().find(|i| i.document.id == doc.id).unwrap();
    assert_eq!(item.cloud, CloudState::Missing);
    let third = env.engine.create_chat().unwrap().id;
    let events = run(
        &env.engine,
        env.engine.plan_stored(third, &[doc.id]).unwrap(),
    )
    .await;
    assert_eq!(events.last().unwrap().state, JobState::Ready, "{events:?}");
    assert_eq!(env.uploads().len(), 2, "uploaded again, once");
    let library = env.engine.library(true).await.unwrap();
    let item = library.iter().find(|i| i.document.id == doc.id).unwrap();
    assert_eq!(item.cloud, CloudState::Uploaded);
}

#[tokio::test]
async fn a_removed_document_leaves_the_library_and_its_chats_but_not_the_answers() {
    let env = setup().await;
    let doc = env.add(&fixture("meeting-notes.md")).await.0.unwrap();
    let answer = env.ask(question("When?", &[doc.id])).await.0.unwrap();
    env.engine.remove_from_library(doc.id).unwrap();
    let library = env.engine.library(false).await.unwrap();
    assert!(library.iter().all(|i| i.document.id != doc.id));
    let chat = env.engine.chat(answer.chat_id).unwrap();
    assert!(chat.documents.is_empty(), "detached from the chat");
    // The answer still names what it read.
    assert_eq!(chat.messages[1].document_ids, [doc.id]);
    assert_eq!(
        env.engine.document(doc.id).unwrap().name,
        "meeting-notes.md"
    );
    assert_eq!(
        env.engine.remove_from_library(doc.id).unwrap_err().kind(),
        "not_found"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloud_files_are_listed_over_pages_and_a_file_being_read_is_not_deleted() {
    let env = setup().await;
    let mut config = config(env.dir.path(), &env.mock);
    config.client.list_page_size = 2;
    let engine = Engine::open(config).unwrap();
    let cancel = CancellationToken::new();
    let mut ids = Vec::new();
    for name in ["meeting-notes.md", "customers.csv", "config-export.json"] {
        let d = engine
            .add_document(&fixture(name), &|_| {}, &cancel)
            .await
            .unwrap();
        ids.push(d.remote_id.unwrap());
    }
    // A file Longwen does not know, uploaded elsewhere in the account.
    let console = Client::new(
        ClientConfig {
            base_url: env.mock.base_url(),
            ..ClientConfig::default()
        },
        ApiKey::new(KEY),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let stranger = dir.path().join("stranger.txt");
    std::fs::write(&stranger, "not from Longwen").unwrap();
    console
        .upload(&stranger, "stranger.txt", &|_, _| {}, &cancel)
        .await
        .unwrap();

    let cloud = engine.cloud_files().await.unwrap();
    assert_eq!(cloud.files.len(), 4, "every page");
    assert_eq!(cloud.max_files, 10_000);
    assert_eq!(
        cloud.total_bytes,
        cloud.files.iter().map(|f| f.file.bytes).sum::<u64>()
    );
    let unknown: Vec<_> = cloud
        .files
        .iter()
        .filter(|f| f.document.is_none())
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].file.filename, "stranger.txt");

    // While an answer reads a file, it cannot be deleted.
    let doc = engine
        .documents()
        .unwrap()
        .into_iter()
        .find(|d| d.name == "meeting-notes.md")
        .unwrap();
    env.mock
        .set_chunk_delay(std::time::Duration::from_millis(25));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let asking = {
        let engine = engine.clone();
        let request = question("Long answer please [[mock:long=40]]", &[doc.id]);
        tokio::spawn(async move {
            engine
                .ask(request, &CancellationToken::new(), &mut |e| {
                    let _ = tx.send(e);
                })
                .await
        })
    };
    // Wait for text: the file is being read.
    while let Some(e) = rx.recv().await {
        if matches!(e, longwen_core::types::AnswerEvent::Delta { .. }) {
            break;
        }
    }
    let busy = doc.remote_id.clone().unwrap();
    let cloud = engine.cloud_files().await.unwrap();
    assert!(cloud.files.iter().any(|f| f.file.id == busy && f.in_use));
    let e = engine
        .delete_cloud_files(std::slice::from_ref(&busy))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "file_in_use");
    asking.await.unwrap().unwrap();
    env.mock.set_chunk_delay(std::time::Duration::ZERO);

    engine
        .delete_cloud_files(std::slice::from_ref(&busy))
        .await
        .unwrap();
    let cloud = engine.cloud_files().await.unwrap();
    assert_eq!(cloud.files.len(), 3);
    assert!(
        cloud.files.iter().all(|f| f.file.id != busy),
        "gone from the mock"
    );
}

#[tokio::test]
async fn costs_add_up_per_chat_and_since_a_date() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    let a = env.ask(question("One?", &[doc.id])).await.0.unwrap();
    let b = env.ask(question("Two?", &[doc.id])).await.0.unwrap();
    let costs = env.engine.costs(Some(a.chat_id), 0).unwrap();
    let ca = a.message.cost_cny.unwrap();
    let cb = b.message.cost_cny.unwrap();
    assert!((costs.chat_cny - ca).abs() < 1e-12);
    assert!((costs.since_cny - (ca + cb)).abs() < 1e-12);
    let future = longwen_core::store::now() + 3600;
    assert_eq!(env.engine.costs(None, future).unwrap().since_cny, 0.0);
}

/// A conversation exported as Markdown and as DOCX: a heading per question, the answers
/// formatted, the documents used, the date, tokens and cost. The DOCX is read back.
#[tokio::test]
async fn exports_hold_the_questions_answers_and_facts() {
    use longwen_core::engine::ExportFormat;
    use longwen_core::export::ExportLabels;
    let env = setup().await;
    let doc = env.add(&fixture("meeting-notes.md")).await.0.unwrap();
    // The marker makes the mock answer with headings, lists and a table.
    let asked = "What was decided? [[mock:long=12]]";
    let first = env.ask(question(asked, &[doc.id])).await.0.unwrap();
    env.ask(longwen_core::types::AskRequest {
        chat_id: Some(first.chat_id),
        question: "下一次会议是什么时候？".into(),
        ..Default::default()
    })
    .await
    .0
    .unwrap();
    let labels = ExportLabels {
        documents: "Documents used".into(),
        tokens: "tokens".into(),
        utc_offset_minutes: 480,
    };
    let md = env
        .engine
        .export(first.chat_id, ExportFormat::Markdown, &labels)
        .unwrap();
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("# What was decided?"), "{md}");
    assert!(md.contains(&format!("\n## {asked}\n")), "{md}");
    assert!(md.contains("\n## 下一次会议是什么时候？\n"), "{md}");
    assert!(md.contains("Documents used: meeting-notes.md"), "{md}");
    let tokens = first.message.usage.unwrap().total_tokens;
    assert!(md.contains(&format!("{tokens} tokens")), "{md}");

    let bytes = env
        .engine
        .export(first.chat_id, ExportFormat::Docx, &labels)
        .unwrap();
    let read = docx_rs::read_docx(&bytes).expect("a DOCX Word can open");
    let mut paragraphs = Vec::new();
    let mut tables = 0;
    for child in &read.document.children {
        match child {
            docx_rs::DocumentChild::Paragraph(p) => paragraphs.push((
                p.property.style.as_ref().map(|s| s.val.clone()),
                p.raw_text(),
            )),
            docx_rs::DocumentChild::Table(_) => tables += 1,
            _ => {}
        }
    }
    let heading = |text: &str| {
        paragraphs
            .iter()
            .any(|(style, t)| style.as_deref() == Some("Heading2") && t == text)
    };
    assert!(heading(asked), "{paragraphs:?}");
    assert!(heading("下一次会议是什么时候？"), "{paragraphs:?}");
    assert!(
        paragraphs
            .iter()
            .any(|(_, t)| t == "Documents used: meeting-notes.md"),
        "{paragraphs:?}"
    );
    assert!(paragraphs
        .iter()
        .any(|(_, t)| t.contains(&format!("{tokens} tokens"))));
    // The long answer's Markdown became headings, list items and a table.
    assert!(
        paragraphs
            .iter()
            .any(|(style, _)| style.as_deref() == Some("Heading3")),
        "{paragraphs:?}"
    );
    assert!(
        paragraphs
            .iter()
            .any(|(_, t)| t.starts_with("• ") || t.starts_with("1. ")),
        "{paragraphs:?}"
    );
    assert!(tables >= 1, "no table in {paragraphs:?}");
}
