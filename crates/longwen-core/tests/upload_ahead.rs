//! A big file that has settled is sent while it is hashed (`documents/ahead.rs`): it is
//! registered once, as hashed; a file of a size the account already holds is hashed first; and
//! adds of one new content at once, in one process or in two, leave one copy in the account,
//! the other upload abandoned at its gate, before its last chunk.

mod engine_support;
mod upload_support;

use engine_support::*;
use longwen_core::types::{Document, DocumentProgress};
use longwen_core::{CancellationToken, Engine};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use upload_support::*;

/// 16 MiB: past the size from which a file is sent while hashed.
const BIG_MB: usize = 16;

fn hashed_first(steps: &[DocumentProgress]) -> bool {
    steps
        .iter()
        .any(|p| matches!(p, DocumentProgress::Hashing { .. }))
}

async fn add_on(engine: &Engine, path: &Path) -> (Document, Vec<DocumentProgress>) {
    let steps = Mutex::new(Vec::new());
    let doc = engine
        .add_document(
            path,
            &|p| steps.lock().unwrap().push(p),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    (doc, steps.into_inner().unwrap())
}

/// Waits (bounded) until the mock has seen `n` uploads: an abandoned one is recorded once the
/// mock notices its connection closed.
async fn until_uploads_seen(env: &Env, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while env.uploads().len() < n {
        assert!(
            Instant::now() < deadline,
            "{} uploads seen",
            env.uploads().len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_big_settled_file_goes_while_it_is_hashed_and_is_registered_as_hashed() {
    let env = setup_settling(Duration::ZERO).await;
    let tmp = temp_dir_beside_the_build();
    let path = write_file(tmp.path(), "标书.txt", BIG_MB, 1);
    let (doc, steps) = add_on(&env.engine, &path).await;
    assert_eq!(doc.sha256, sha256(&path));
    registered_once(&env, &doc, "sent while hashed").await;
    // Where no stamp can vouch for the file, it is hashed before it goes.
    assert_eq!(hashed_first(&steps), !stamped(&path), "{steps:?}");
    let small = write_file(tmp.path(), "短.txt", 1, 2);
    let (_, steps) = add_on(&env.engine, &small).await;
    assert!(hashed_first(&steps), "a small file is hashed first");
}

#[tokio::test]
async fn a_size_the_account_holds_is_hashed_first() {
    let env = setup_settling(Duration::ZERO).await;
    let tmp = temp_dir_beside_the_build();
    let first = write_file(tmp.path(), "甲.txt", BIG_MB, 3);
    let second = write_file(tmp.path(), "乙.txt", BIG_MB, 4);
    let (a, _) = add_on(&env.engine, &first).await;
    let (b, steps) = add_on(&env.engine, &second).await;
    assert!(hashed_first(&steps), "same size as a copy held: {steps:?}");
    let whole: Vec<String> = attempts(&env).into_iter().flatten().collect();
    assert_eq!(whole, vec![a.sha256, b.sha256]);
    // The same content under another name is found, not sent.
    let again = tmp.path().join("甲-副本.txt");
    std::fs::copy(&first, &again).unwrap();
    let (c, steps) = add_on(&env.engine, &again).await;
    assert_eq!(c.remote_id, a.remote_id);
    assert!(steps
        .iter()
        .any(|p| matches!(p, DocumentProgress::AlreadyUploaded { .. })));
    assert_eq!(env.uploads().len(), 2, "nothing more was sent");
}

/// Both adds start sending before either has a claim; the one that finds the other's copy
/// drops its upload at the gate.
async fn one_copy_from_two_adds(env: &Env, other: &Engine, path: &Path, ctx: &str) {
    let same_client = std::ptr::eq(&env.engine, other);
    let ((a, a_steps), (b, b_steps)) = tokio::join!(add_on(&env.engine, path), add_on(other, path));
    assert_eq!(a.remote_id, b.remote_id, "{ctx}");
    let remote = env.engine.remote_files().await.unwrap();
    assert_eq!(remote.len(), 1, "{ctx}: {remote:?}");
    let ahead = !hashed_first(&a_steps) && !hashed_first(&b_steps);
    assert_eq!(ahead, stamped(path), "{ctx}: both sent while hashing");
    if ahead && !same_client {
        // The other upload went too (in one process it may still have been waiting its turn
        // in the client's upload queue): it must have been abandoned before its end.
        until_uploads_seen(env, 2).await;
    }
    let arrived = attempts(env);
    let whole: Vec<&String> = arrived.iter().flatten().collect();
    assert_eq!(
        whole,
        vec![&a.sha256],
        "{ctx}: one whole copy arrived: {arrived:?}"
    );
}

#[tokio::test]
async fn two_adds_of_one_new_content_at_once_leave_one_copy() {
    let env = setup_settling(Duration::ZERO).await;
    let tmp = temp_dir_beside_the_build();
    let path = write_file(tmp.path(), "合同.txt", BIG_MB, 5);
    one_copy_from_two_adds(&env, &env.engine, &path, "one process").await;
}

#[tokio::test]
async fn two_processes_adding_one_new_content_at_once_leave_one_copy() {
    let env = setup_settling(Duration::ZERO).await;
    let mut c = config(env.dir.path(), &env.mock);
    c.client.file_settle = Duration::ZERO;
    let other = Engine::open(c).unwrap();
    let tmp = temp_dir_beside_the_build();
    let path = write_file(tmp.path(), "合同.txt", BIG_MB, 6);
    one_copy_from_two_adds(&env, &other, &path, "two processes").await;
}
