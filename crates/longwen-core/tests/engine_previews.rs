//! Previews through the engine (counts, pages, windows, find), quotations of an answer found
//! in the documents its question read, and the cache that goes with the library.

mod engine_support;
use engine_support::*;
use longwen_core::extract::NoPreview;
use longwen_core::previews::PreviewState;

#[tokio::test]
async fn a_pdf_preview_has_pages_windows_and_finds() {
    use_repo_pdfium();
    let env = setup().await;
    let doc = env.add(&fixture("采购合同-2026-华东.pdf")).await.0.unwrap();
    let PreviewState::Ready(p) = env.engine.preview(doc.id).await.unwrap() else {
        panic!("no preview");
    };
    assert_eq!(p.sections.len(), 6);
    assert!(p.chars > 3000 && p.tokens > 1000, "{p:?}");
    // A window that starts inside a character is widened to it.
    let (start, text) = env.engine.preview_text(doc.id, 1..300).await.unwrap();
    assert_eq!(start, 0);
    assert!(text.starts_with("上海澄川"), "{text}");
    // Found across the PDF's line break, each match a range of the text.
    let hits = env
        .engine
        .find_in_document(doc.id, "应按逾期交付货物金额")
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    let (_, at) = env
        .engine
        .preview_text(doc.id, hits[0].clone())
        .await
        .unwrap();
    assert_eq!(at, "应按逾期交\n付货物金额");
}

#[tokio::test]
async fn quotations_in_an_answer_are_found_or_flagged() {
    use_repo_pdfium();
    let env = setup().await;
    let doc = env
        .add(&fixture("采购合同-2026-华东.docx"))
        .await
        .0
        .unwrap();
    // The mock's answer repeats the question, quotations and all.
    let q = "核对「每逾期一日，应按逾期交付货物金额的0.5%向甲方支付违约金」和“乙方应赔偿甲方全部损失的三倍”";
    let answer = env.ask(question(q, &[doc.id])).await.0.unwrap();
    let quotes = env.engine.answer_quotes(answer.message.id).await.unwrap();
    let real = quotes
        .iter()
        .find(|m| m.quote.starts_with("每逾期一日"))
        .unwrap();
    let at = real.found.as_ref().expect("the clause is in the contract");
    assert_eq!(at.document_id, doc.id);
    let (_, text) = env
        .engine
        .preview_text(doc.id, at.range.clone())
        .await
        .unwrap();
    assert!(text.ends_with("支付违约金"), "{text}");
    assert_eq!(
        &answer.message.text[real.span.clone()],
        "「每逾期一日，应按逾期交付货物金额的0.5%向甲方支付违约金」"
    );
    let made_up = quotes.iter().find(|m| m.quote.contains("三倍")).unwrap();
    assert!(made_up.found.is_none());
}

#[tokio::test]
async fn a_changed_or_moved_file_has_no_preview_and_the_cache_leaves_with_the_library() {
    use_repo_pdfium();
    let env = setup().await;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("notes.md");
    std::fs::copy(fixture("meeting-notes.md"), &path).unwrap();
    let doc = env.add(&path).await.0.unwrap();
    assert!(matches!(
        env.engine.preview(doc.id).await.unwrap(),
        PreviewState::Ready(_)
    ));
    let cached = env
        .dir
        .path()
        .join("extracted")
        .join(format!("{}.json", doc.sha256));
    assert!(cached.exists());

    // Read from the cache while it is there, even after the file changed.
    std::fs::write(&path, "something else entirely").unwrap();
    assert!(matches!(
        env.engine.preview(doc.id).await.unwrap(),
        PreviewState::Ready(_)
    ));
    env.engine.remove_from_library(doc.id).unwrap();
    assert!(!cached.exists(), "the cached text left with the document");

    // Once read, a preview outlives the file (the cache is by content).
    let moved = tmp.path().join("客户.csv");
    std::fs::copy(fixture("customers.csv"), &moved).unwrap();
    let doc3 = env.add(&moved).await.0.unwrap();
    assert!(matches!(
        env.engine.preview(doc3.id).await.unwrap(),
        PreviewState::Ready(_)
    ));
    std::fs::remove_file(&moved).unwrap();
    assert!(matches!(
        env.engine.preview(doc3.id).await.unwrap(),
        PreviewState::Ready(_)
    ));

    let other = tmp.path().join("other.txt");
    std::fs::write(&other, "第一版：交货期三十天。").unwrap();
    let doc4 = env.add(&other).await.0.unwrap();
    std::fs::write(&other, "第二版：交货期四十天。").unwrap();
    match env.engine.preview(doc4.id).await.unwrap() {
        PreviewState::None { reason, .. } => assert_eq!(reason, NoPreview::Changed),
        s => panic!("{s:?}"),
    }
    std::fs::remove_file(&other).unwrap();
    match env.engine.preview(doc4.id).await.unwrap() {
        PreviewState::None { reason, .. } => assert_eq!(reason, NoPreview::Missing),
        s => panic!("{s:?}"),
    }
}
