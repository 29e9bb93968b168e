//! Upload faults: a connection cut mid-body, a 5xx, the account's upload quota, and a file
//! that changes or vanishes while it is being uploaded. Each must leave a clear state (an
//! error of the right kind), a working retry (the next add succeeds, uploading once), and
//! no half-registered document: no `documents` row, no `remote_files` row and no claim for
//! a failed upload; and what is registered is what the service holds.

mod engine_support;
mod upload_support;

use engine_support::*;
use longwen_core::types::{Document, DocumentProgress};
use longwen_core::{CancellationToken, Error};
use mock_dashscope::{Fault, Target};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use upload_support::*;

#[tokio::test]
async fn a_cut_upload_is_sent_again_and_registered_once() {
    for cuts in [1, 2] {
        let env = setup().await;
        let tmp = tempfile::tempdir().unwrap();
        let path = write_file(tmp.path(), "合同.txt", 2, cuts);
        for _ in 0..cuts {
            env.mock.push_fault(Fault::UploadCut {
                after_bytes: 256 << 10,
            });
        }
        let (r, _) = env.add(&path).await;
        let doc = r.unwrap_or_else(|e| panic!("{cuts} cuts: {e:?}"));
        assert_eq!(attempts(&env).len(), cuts as usize + 1);
        registered_once(&env, &doc, &format!("{cuts} cuts")).await;
    }
}

#[tokio::test]
async fn an_upload_cut_every_time_fails_as_network_and_leaves_nothing() {
    let env = setup().await;
    let tmp = tempfile::tempdir().unwrap();
    let path = write_file(tmp.path(), "合同.txt", 2, 7);
    for _ in 0..3 {
        env.mock.push_fault(Fault::UploadCut {
            after_bytes: 256 << 10,
        });
    }
    let (r, _) = env.add(&path).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind(), "network", "{e:?}");
    assert_eq!(
        attempts(&env),
        vec![None, None, None],
        "three tries, all cut: {e:?}"
    );
    nothing_registered(&env, "after three cuts").await;

    // The next add works, uploading once.
    let doc = env.add(&path).await.0.unwrap();
    assert_eq!(attempts(&env).len(), 4);
    registered_once(&env, &doc, "the retry").await;
}

#[tokio::test]
async fn refusals_of_an_upload_leave_nothing_and_the_next_add_works() {
    let quota = |m: &str| Fault::http_error(Target::Upload, 400, "invalid_parameter_error", m);
    let cases = [
        (
            Fault::http_error(Target::Upload, 500, "InternalError", "Internal error."),
            "service_error",
        ),
        (
            Fault::http_error(Target::Upload, 503, "ServiceUnavailable", "Try later."),
            "service_error",
        ),
        (quota("Upload file capacity exceed limit."), "upload_quota"),
        (quota("Upload file number exceed limit."), "upload_quota"),
    ];
    for (fault, kind) in cases {
        let env = setup().await;
        let tmp = tempfile::tempdir().unwrap();
        let path = write_file(tmp.path(), "notes.md", 1, 3);
        env.mock.push_fault(fault.clone());
        let (r, _) = env.add(&path).await;
        let e = r.unwrap_err();
        assert_eq!(e.kind(), kind, "{fault:?}: {e:?}");
        assert!(e.service_info().is_some_and(|s| s.status >= 400), "{e:?}");
        assert_eq!(attempts(&env).len(), 1, "{fault:?}: not retried");
        nothing_registered(&env, kind).await;
        let doc = env.add(&path).await.0.unwrap();
        registered_once(&env, &doc, kind).await;
    }
}

/// Adds `path`, calling `act` once, at the first progress step `when` picks.
async fn add_acting(
    env: &Env,
    path: &Path,
    when: impl Fn(&DocumentProgress) -> bool + Send + Sync,
    act: impl Fn() + Send + Sync,
) -> longwen_core::Result<Document> {
    let done = AtomicBool::new(false);
    let progress = |p: DocumentProgress| {
        if when(&p) && !done.swap(true, Ordering::SeqCst) {
            act();
        }
    };
    let r = env
        .engine
        .add_document(path, &progress, &CancellationToken::new())
        .await;
    assert!(done.load(Ordering::SeqCst), "the step came");
    r
}

fn before_upload(p: &DocumentProgress) -> bool {
    matches!(p, DocumentProgress::Uploading { sent: 0, .. })
}

fn mid_upload(p: &DocumentProgress) -> bool {
    matches!(p, DocumentProgress::Uploading { sent, total } if *sent > 0 && sent < total)
}

/// Overwrites the file in place with other bytes of the same length.
fn rewrite_same_size(path: &Path) {
    let len = std::fs::metadata(path).unwrap().len() as usize;
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    f.write_all(&vec![b'Z'; len]).unwrap();
}

#[tokio::test]
async fn a_file_that_vanishes_before_its_upload_fails_as_missing_and_leaves_nothing() {
    let env = setup().await;
    let tmp = tempfile::tempdir().unwrap();
    let path = write_file(tmp.path(), "报告.md", 1, 4);
    let kept = std::fs::read(&path).unwrap();
    let r = add_acting(&env, &path, before_upload, || {
        std::fs::remove_file(&path).unwrap()
    })
    .await;
    let e = r.unwrap_err();
    assert!(matches!(e, Error::InputMissing { .. }), "{e:?}");
    assert!(env.uploads().is_empty());
    nothing_registered(&env, "vanished").await;
    std::fs::write(&path, kept).unwrap();
    let doc = env.add(&path).await.0.unwrap();
    registered_once(&env, &doc, "back again").await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_file_deleted_mid_upload_is_read_to_its_end_and_registered_as_hashed() {
    // On unix an open file is read to its end after it is unlinked: what arrives is what was
    // hashed, and the document is whole.
    let env = setup().await;
    let tmp = tempfile::tempdir().unwrap();
    let path = write_file(tmp.path(), "报告.md", 8, 5);
    let r = add_acting(&env, &path, mid_upload, || {
        std::fs::remove_file(&path).unwrap()
    })
    .await;
    let doc = r.unwrap();
    registered_once(&env, &doc, "deleted mid-upload").await;
}

/// A file that grows while it is sent: the body is cut at its announced length (the
/// multipart's end is lost) and the service refuses it.
#[tokio::test]
async fn a_file_that_grows_mid_upload_is_refused_and_leaves_nothing() {
    let grow = |p: &Path| {
        let mut f = std::fs::OpenOptions::new().append(true).open(p).unwrap();
        f.write_all(&[b'+'; 4096]).unwrap();
    };
    changed_mid_upload(setup().await, "grown", grow, Some("service_error")).await;
}

/// A file that shrinks while it is sent: the body ends before its announced length.
#[tokio::test]
async fn a_file_that_shrinks_mid_upload_fails_as_network_and_leaves_nothing() {
    let shrink = |p: &Path| {
        let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
        f.set_len(1 << 20).unwrap();
    };
    changed_mid_upload(setup().await, "shrunk", shrink, Some("network")).await;
}

/// A file changed between hashing and uploading (overwritten in place, same size): what
/// the service receives is not what was hashed. It must not be registered under the old
/// hash (a later add of the old content would be given the new content's id).
///
/// `Documents::add_file` hashes the file and the upload streams it again: the upload
/// hashes what it sends and refuses (deleting the copy that arrived) when it differs.
#[tokio::test]
async fn a_file_changed_before_its_upload_is_not_registered_under_the_old_hash() {
    let env = setup().await;
    let tmp = tempfile::tempdir().unwrap();
    let path = write_file(tmp.path(), "报价.txt", 1, 6);
    let hashed = sha256(&path);
    let r = add_acting(&env, &path, before_upload, || rewrite_same_size(&path)).await;
    let arrived = attempts(&env);
    assert_ne!(arrived, vec![Some(hashed.clone())], "the change came first");
    match r {
        Err(e) => {
            assert_eq!(e.kind(), "input_changed", "{e:?}");
            nothing_registered(&env, "changed").await;
        }
        Ok(doc) => registered_once(&env, &doc, "changed").await,
    }
    // The next add registers the content as it is now.
    let doc = env.add(&path).await.0.unwrap();
    assert_eq!(doc.sha256, sha256(&path));
}

/// Adds an 8 MiB file, changing it at the first progress report of its upload: an error of
/// the `kind` given and nothing registered (`None`: or a registration of exactly what
/// arrived); then the retry works. Should the whole file have gone before the change (a
/// slow machine), the add is simply whole.
async fn changed_mid_upload(env: Env, what: &str, change: fn(&Path), kind: Option<&str>) {
    let tmp = temp_dir_beside_the_build();
    let path = write_file(tmp.path(), "报价.txt", 8, 8);
    file_clock_moves_past(&path);
    let hashed = sha256(&path);
    let r = add_acting(&env, &path, mid_upload, || change(&path)).await;
    let late = attempts(&env) == vec![Some(hashed)];
    let kind = if late { None } else { kind };
    match (r, kind) {
        (Err(e), _) => {
            if let Some(kind) = kind {
                assert_eq!(e.kind(), kind, "{what}: {e:?}");
            }
            nothing_registered(&env, what).await;
        }
        (Ok(doc), None) => registered_once(&env, &doc, what).await,
        (Ok(doc), Some(kind)) => panic!("{what}: registered {doc:?}, not {kind}"),
    }
    let doc = env.add(&path).await.0.unwrap();
    assert_eq!(doc.sha256, sha256(&path), "{what}: the retry");
}

#[tokio::test]
async fn a_file_rewritten_mid_upload_is_not_registered_under_the_old_hash() {
    changed_mid_upload(
        setup().await,
        "rewritten",
        rewrite_same_size,
        Some("input_changed"),
    )
    .await;
}

#[tokio::test]
async fn a_settled_file_rewritten_mid_upload_is_caught_by_its_stamp() {
    let env = setup_settling(Duration::ZERO).await;
    let what = "rewritten, stamp";
    changed_mid_upload(env, what, rewrite_same_size, Some("input_changed")).await;
}

/// Writing the same bytes again leaves the hash as it was but moves the change time: a stamp
/// that vouched for the file no longer does (the upload is refused and nothing is kept),
/// while a file too fresh for its stamp is hashed as it is sent, and goes.
#[tokio::test]
async fn a_stamp_vouches_only_for_an_untouched_file_and_a_fresh_file_is_hashed_as_sent() {
    let same_bytes_again = |path: &Path| {
        let bytes = std::fs::read(path).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    for trusting in [true, false] {
        let settle = match trusting {
            true => Duration::ZERO,
            false => Duration::from_secs(86_400),
        };
        let env = setup_settling(settle).await;
        let tmp = temp_dir_beside_the_build();
        let path = write_file(tmp.path(), "报价.txt", 1, 9);
        let by_stamp = trusting && stamped(&path);
        if trusting && !by_stamp {
            eprintln!("no stamp on this file system: the upload hashes what it sends");
        }
        file_clock_moves_past(&path);
        let r = add_acting(&env, &path, before_upload, || same_bytes_again(&path)).await;
        if by_stamp {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), "input_changed", "{e:?}");
            assert!(attempts(&env).is_empty(), "refused before sending");
            nothing_registered(&env, "touched, stamp").await;
        } else {
            registered_once(&env, &r.unwrap(), "touched, hashed as sent").await;
        }
    }
}
