//! Search over conversations: Chinese (two and four characters), English, document names,
//! chat titles, the order of results (newest first), and renamed chats.

mod engine_support;
use engine_support::*;
use longwen_core::store::search::HitField;
use longwen_core::types::AskRequest;

/// Two conversations: one about the contract (a document, Chinese questions), one in English.
async fn two_chats(env: &Env) -> (i64, i64) {
    let contract = env
        .add(&fixture("采购合同-2026-华东.docx"))
        .await
        .0
        .unwrap();
    let a = env
        .ask(question("乙方逾期交货的违约金怎么计算？", &[contract.id]))
        .await
        .0
        .unwrap();
    env.ask(AskRequest {
        chat_id: Some(a.chat_id),
        question: "合同总金额是多少？".into(),
        ..Default::default()
    })
    .await
    .0
    .unwrap();
    let notes = env
        .engine
        .add_text(
            "Meeting notes: the penalty clause was discussed.",
            Some("notes"),
        )
        .unwrap();
    let b = env
        .ask(question(
            "What did the meeting decide about penalties?",
            &[notes.id],
        ))
        .await
        .0
        .unwrap();
    (a.chat_id, b.chat_id)
}

#[tokio::test]
async fn chinese_english_and_document_names_are_found() {
    let env = setup().await;
    let (contract_chat, english_chat) = two_chats(&env).await;

    // Four characters (FTS, trigram): the question, and the answer that echoes it.
    let hits = env.engine.search("逾期交货", 20).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.chat_id == contract_chat), "{hits:?}");
    let q = hits.iter().find(|h| h.field == HitField::Question).unwrap();
    let marked: String = q
        .snippet
        .iter()
        .filter(|p| p.mark)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(marked, "逾期交货");
    assert!(q.message_id.is_some());

    // Two characters (LIKE): still found.
    let hits = env.engine.search("金额", 20).unwrap();
    assert!(hits
        .iter()
        .any(|h| h.chat_id == contract_chat && h.field == HitField::Question));

    // English, any case.
    let hits = env.engine.search("PENALT", 20).unwrap();
    assert!(hits.iter().any(|h| h.chat_id == english_chat), "{hits:?}");
    assert!(hits.iter().all(|h| h.chat_id == english_chat), "{hits:?}");

    // A document name.
    let hits = env.engine.search("华东", 20).unwrap();
    assert!(
        hits.iter()
            .any(|h| h.field == HitField::Document && h.chat_id == contract_chat),
        "{hits:?}"
    );
    assert!(env.engine.search("   ", 20).unwrap().is_empty());
    assert!(env.engine.search("不存在的词语", 20).unwrap().is_empty());
}

#[tokio::test]
async fn titles_come_first_and_renames_are_searched() {
    let env = setup().await;
    let (contract_chat, _) = two_chats(&env).await;
    let renamed = env
        .engine
        .rename_chat(contract_chat, "  华东  采购 合同  ")
        .unwrap();
    assert_eq!(renamed.title, "华东 采购 合同");
    assert!(renamed.title_custom);
    // A later question does not rename it back.
    env.ask(AskRequest {
        chat_id: Some(contract_chat),
        question: "付款方式是什么？".into(),
        ..Default::default()
    })
    .await
    .0
    .unwrap();
    let chats = env.engine.chats().unwrap();
    let chat = chats.iter().find(|c| c.id == contract_chat).unwrap();
    assert_eq!(chat.title, "华东 采购 合同");
    assert_eq!(chat.document_names, ["采购合同-2026-华东.docx"]);

    // The title hit comes before the document and message hits.
    let hits = env.engine.search("采购", 20).unwrap();
    assert_eq!(hits[0].field, HitField::Title, "{hits:?}");
    assert_eq!(hits[0].chat_id, contract_chat);
    assert!(env.engine.rename_chat(contract_chat, "   ").is_err());
}

#[tokio::test]
async fn newest_messages_come_first() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    // The older message matches better: newest first still puts it second.
    let thrice = env
        .ask(question("违约金？违约金！违约金。", &[doc.id]))
        .await
        .0
        .unwrap();
    let once = env
        .ask(question(
            "请说明合同第十二条中关于交付、验收、付款、保修以及违约金的全部条款内容",
            &[doc.id],
        ))
        .await
        .0
        .unwrap();
    // Three characters (FTS) and two (the text scan) order alike.
    for query in ["违约金", "违约"] {
        let hits = env.engine.search(query, 20).unwrap();
        let messages: Vec<_> = hits.iter().filter(|h| h.message_id.is_some()).collect();
        assert_eq!(messages[0].chat_id, once.chat_id, "{query}: {hits:?}");
        assert!(
            messages
                .windows(2)
                .all(|w| w[0].message_id > w[1].message_id),
            "{query}: {hits:?}"
        );
        assert!(messages.iter().any(|h| h.chat_id == thrice.chat_id));
    }
}
