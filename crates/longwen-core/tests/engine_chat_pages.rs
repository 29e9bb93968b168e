//! A long chat opens with its newest turns only, and gives its earlier turns a page at a time
//! (or down to a search hit far up), every version of a turn together.

mod engine_support;
use engine_support::*;
use longwen_core::types::{AskRequest, Message};
use longwen_core::CancellationToken;

const TURNS: usize = 45;
/// What the engine opens with and pages by (`RECENT_TURNS`).
const PAGE: usize = 20;

fn turn(m: &Message) -> i64 {
    m.turn_id
}

/// The whole chat's messages of turns in `from..to`, in order.
fn between(all: &[Message], from: i64, to: i64) -> Vec<Message> {
    all.iter()
        .filter(|m| (from..to).contains(&turn(m)))
        .cloned()
        .collect()
}

fn ids(messages: &[Message]) -> Vec<i64> {
    messages.iter().map(|m| m.id).collect()
}

fn turns(messages: &[Message]) -> Vec<i64> {
    let mut t: Vec<i64> = messages.iter().map(turn).collect();
    t.sort_unstable();
    t.dedup();
    t
}

#[tokio::test]
async fn a_long_chat_opens_with_its_newest_turns_and_pages_back() {
    let env = setup().await;
    let doc = env.add(&fixture("meeting-notes.md")).await.0.unwrap();
    let first = env.ask(question("Question 0", &[doc.id])).await.0.unwrap();
    let chat = first.chat_id;
    // Read by the first answer only: the chat still names it when that answer is not loaded.
    env.engine.detach_document(chat, doc.id).unwrap();
    let mut answers = vec![first.message.id];
    for i in 1..TURNS {
        let request = AskRequest {
            chat_id: Some(chat),
            question: format!("Question {i}"),
            ..AskRequest::default()
        };
        answers.push(env.ask(request).await.0.unwrap().message.id);
    }
    // A second version of a turn on the first page back: it comes with its turn.
    let again = env
        .engine
        .regenerate(
            answers[TURNS - PAGE - 3],
            &CancellationToken::new(),
            &mut |_| {},
        )
        .await
        .unwrap();

    let all = env.engine.chat(chat).unwrap();
    assert_eq!(all.earlier, 0);
    assert_eq!(all.messages.len(), TURNS * 2 + 1);
    assert_eq!(all.messages[1].document_ids, vec![doc.id]);

    let recent = env.engine.recent_chat(chat).unwrap();
    assert_eq!(turns(&recent.messages).len(), PAGE);
    assert_eq!(
        recent.messages.len(),
        PAGE * 2,
        "newest turns, two messages each"
    );
    assert_eq!(recent.earlier, all.messages.len() - recent.messages.len());
    let from = turns(&recent.messages)[0];
    assert!(
        recent.messages == between(&all.messages, from, i64::MAX),
        "the same messages as the whole chat's newest turns, documents included: {:?}",
        ids(&recent.messages)
    );
    assert_eq!(
        recent.documents_read.len(),
        1,
        "the first answer's document"
    );
    assert_eq!(recent.documents_read[0].id, doc.id);

    // One page back: the 20 turns before, the regenerated turn with both versions.
    let page = env.engine.earlier_messages(chat, from, None).unwrap();
    assert_eq!(turns(&page.messages).len(), PAGE);
    assert!(page.messages.iter().any(|m| m.id == again.message.id));
    assert_eq!(page.messages.len(), PAGE * 2 + 1);
    assert_eq!(
        page.earlier,
        all.messages.len() - recent.messages.len() - page.messages.len()
    );
    // The last page holds what is left; then there is nothing before.
    let last = env
        .engine
        .earlier_messages(chat, turns(&page.messages)[0], None)
        .unwrap();
    assert_eq!(turns(&last.messages).len(), TURNS - 2 * PAGE);
    assert_eq!(last.earlier, 0);
    assert_eq!(last.messages[0].id, all.messages[0].id);
    assert!(last.messages == between(&all.messages, 0, turns(&page.messages)[0]));
    let none = env
        .engine
        .earlier_messages(chat, turns(&last.messages)[0], None)
        .unwrap();
    assert!(none.messages.is_empty() && none.earlier == 0);

    // Down to a search hit far up: every turn from its own, in one page.
    let far = all.messages[4].id;
    let down = env.engine.earlier_messages(chat, from, Some(far)).unwrap();
    assert_eq!(down.messages[0].id, all.messages[4].id);
    assert_eq!(down.earlier, 4);
    assert!(down.messages == between(&all.messages, turn(&all.messages[4]), from));
}
