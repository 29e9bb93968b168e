//! Every refusal happens before the network: the mock must see nothing.

mod engine_support;
use engine_support::*;
use longwen_core::checks::{expand_paths, TEXT_TOKEN_LIMIT};

#[tokio::test]
async fn bad_inputs_are_refused_before_upload() {
    let env = setup().await;
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("huge.pdf");
    // Sparse: 150 MB + 1 byte without writing them.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(150_000_001)
        .unwrap();
    let html = tmp.path().join("page.html");
    std::fs::write(&html, "<p>hi</p>").unwrap();

    let cases = [
        (fixture("empty.txt"), "input_empty"),
        (fixture("old-format.doc"), "input_unsupported"),
        (fixture("slides.pptx"), "input_unsupported"),
        (fixtures(), "input_is_directory"),
        (tmp.path().join("missing.pdf"), "input_missing"),
        (big, "input_too_large"),
        (html, "input_unsupported"),
    ];
    for (path, kind) in cases {
        let (r, _) = env.add(&path).await;
        let e = r.expect_err(&path.display().to_string());
        assert_eq!(e.kind(), kind, "{}", path.display());
    }
    let (r, _) = env.add(&fixture("old-format.doc")).await;
    assert!(matches!(
        r,
        Err(longwen_core::Error::InputUnsupported { legacy: true, .. })
    ));
    assert!(env.mock.requests().is_empty(), "{:?}", env.mock.requests());
    assert!(env.engine.documents().unwrap().is_empty());
}

#[tokio::test]
async fn too_many_documents_and_long_text_are_refused_locally() {
    let env = setup().await;
    let ids: Vec<i64> = (0..101)
        .map(|i| {
            env.engine
                .add_text(&format!("note number {i}"), None)
                .unwrap()
                .id
        })
        .collect();
    let (r, events) = env.ask(question("Summarise", &ids)).await;
    assert_eq!(r.unwrap_err().kind(), "input_too_many_documents");
    assert!(events.is_empty());
    // Nothing stored either: no chat, no message.
    assert!(env.engine.chats().unwrap().is_empty());

    let long = "长".repeat(TEXT_TOKEN_LIMIT + 1);
    assert_eq!(
        env.engine.add_text(&long, None).unwrap_err().kind(),
        "text_too_long"
    );
    assert!(env.mock.requests().is_empty());
}

#[test]
fn a_dropped_folder_keeps_supported_files() {
    let (files, skipped) = expand_paths(&[fixtures()]);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"meeting-notes.md".to_string()));
    assert!(!names
        .iter()
        .any(|n| n.ends_with(".doc") || n.ends_with(".pptx")));
    assert!(skipped >= 2, "{skipped}");
}
