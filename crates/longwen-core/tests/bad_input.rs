//! Bad input: a table of files and names (and folders, and files that change after planning),
//! each with what it must give: a refusal of a given kind, with nothing uploaded (the mock
//! records no upload) and nothing stored; or, for odd but valid input, an upload with the name
//! intact (as the mock recorded it). Questions, keys and addresses: `bad_input_asks.rs`.

#![cfg(unix)]

mod bad_input_support;
mod engine_support;

use bad_input_support::*;
use longwen_core::types::{DocumentProgress, JobState};
use longwen_core::{CancellationToken, Error};
use mock_dashscope::MockConfig;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// How a file case is made on disk.
enum Make {
    Bytes(&'static [u8]),
    /// A sparse file of this length: nothing is written, and nothing may read it.
    Sparse(u64),
    Fixture(&'static str),
    Dir,
    Missing,
    /// A symlink to itself.
    Loop,
    /// A symlink to a regular file with this content.
    LinkTo(&'static [u8]),
    Dangling,
    Fifo,
    /// chmod 000.
    Unreadable,
}

enum Want {
    Refused(&'static str),
    /// Uploaded, and recorded by the service under exactly this name.
    Uploaded(String),
}

fn make(dir: &Path, name: &OsString, how: &Make) -> PathBuf {
    let path = dir.join(name);
    match how {
        Make::Bytes(b) => std::fs::write(&path, b).unwrap(),
        Make::Sparse(len) => std::fs::File::create(&path).unwrap().set_len(*len).unwrap(),
        Make::Fixture(f) => {
            std::fs::copy(engine_support::fixture(f), &path).unwrap();
        }
        Make::Dir => std::fs::create_dir(&path).unwrap(),
        Make::Missing => {}
        Make::Loop => std::os::unix::fs::symlink(&path, &path).unwrap(),
        Make::LinkTo(b) => {
            let target = dir.join("link-target.md");
            std::fs::write(&target, b).unwrap();
            std::os::unix::fs::symlink(&target, &path).unwrap();
        }
        Make::Dangling => std::os::unix::fs::symlink(dir.join("nowhere.md"), &path).unwrap(),
        Make::Fifo => {
            use std::os::unix::ffi::OsStrExt;
            let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        }
        Make::Unreadable => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::write(&path, b"secret").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
    }
    path
}

fn os(s: &str) -> OsString {
    OsString::from(s)
}

/// A name that is not UTF-8 (Latin-1 `café`).
fn non_utf8() -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(b"caf\xe9 notes.txt".to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_and_names() {
    let env = env_with(MockConfig::default()).await;
    let tmp = tempfile::tempdir().unwrap();
    let text: &[u8] = "合同正文：甲方与乙方。".as_bytes();
    let root = unsafe { libc::geteuid() } == 0;
    let long = format!("{}.txt", "长".repeat(80));
    let cases: Vec<(&str, OsString, Make, Want)> = vec![
        (
            "empty file",
            os("empty.txt"),
            Make::Bytes(b""),
            Want::Refused("input_empty"),
        ),
        (
            "150 MB + 1 byte",
            os("huge.pdf"),
            Make::Sparse(150_000_001),
            Want::Refused("input_too_large"),
        ),
        (
            "image over 20 MB",
            os("scan.png"),
            Make::Sparse(20_000_001),
            Want::Refused("input_too_large"),
        ),
        (
            "DOC",
            os("old.doc"),
            Make::Fixture("old-format.doc"),
            Want::Refused("input_unsupported"),
        ),
        (
            "PPT",
            os("deck.ppt"),
            Make::Bytes(b"\xd0\xcf\x11\xe0 ppt"),
            Want::Refused("input_unsupported"),
        ),
        (
            "PPTX",
            os("slides.pptx"),
            Make::Fixture("slides.pptx"),
            Want::Refused("input_unsupported"),
        ),
        (
            "exe",
            os("setup.exe"),
            Make::Bytes(b"MZ\x90\x00"),
            Want::Refused("input_unsupported"),
        ),
        (
            "zip",
            os("docs.zip"),
            Make::Bytes(b"PK\x03\x04"),
            Want::Refused("input_unsupported"),
        ),
        (
            "HTML",
            os("page.html"),
            Make::Bytes(b"<p>hi</p>"),
            Want::Refused("input_unsupported"),
        ),
        (
            "no extension",
            os("README"),
            Make::Bytes(b"hello"),
            Want::Refused("input_unsupported"),
        ),
        (
            "a folder",
            os("a folder.txt"),
            Make::Dir,
            Want::Refused("input_is_directory"),
        ),
        (
            "a missing file",
            os("gone.txt"),
            Make::Missing,
            Want::Refused("input_missing"),
        ),
        (
            "a symlink loop",
            os("loop.txt"),
            Make::Loop,
            Want::Refused("input_missing"),
        ),
        (
            "a dangling symlink",
            os("dangling.md"),
            Make::Dangling,
            Want::Refused("input_missing"),
        ),
        (
            "a FIFO",
            os("pipe.txt"),
            Make::Fifo,
            Want::Refused("input_unsupported"),
        ),
        (
            "an unreadable file",
            os("locked.txt"),
            Make::Unreadable,
            Want::Refused("input_missing"),
        ),
        (
            "Chinese",
            os("采购合同（最终版）.txt"),
            Make::Bytes(text),
            Want::Uploaded("采购合同（最终版）.txt".into()),
        ),
        (
            "emoji",
            os("报告📊🚀.md"),
            Make::Bytes(b"# r1"),
            Want::Uploaded("报告📊🚀.md".into()),
        ),
        (
            "quotes",
            os("he said \"hi\" 'x'.txt"),
            Make::Bytes(b"q1"),
            Want::Uploaded("he said \"hi\" 'x'.txt".into()),
        ),
        (
            "a newline",
            os("line one\nline two.txt"),
            Make::Bytes(b"n1"),
            // Control characters become spaces: a line break would split a list or a header.
            Want::Uploaded("line one line two.txt".into()),
        ),
        (
            "a leading dash",
            os("-rf.txt"),
            Make::Bytes(b"d1"),
            Want::Uploaded("-rf.txt".into()),
        ),
        (
            "an RTL override",
            os("invoice\u{202E}fdp.txt"),
            Make::Bytes(b"r2"),
            Want::Uploaded("invoice\u{202E}fdp.txt".into()),
        ),
        // Not UTF-8: sent with U+FFFD for the bytes that are not (the name must be text).
        (
            "non-UTF-8 bytes",
            non_utf8(),
            Make::Bytes(b"l1"),
            Want::Uploaded("caf\u{FFFD} notes.txt".into()),
        ),
        (
            "240 bytes of name",
            os(&long),
            Make::Bytes(b"long"),
            Want::Uploaded(long.clone()),
        ),
        (
            "upper-case extension",
            os("NOTES.TXT"),
            Make::Bytes(b"u1"),
            Want::Uploaded("NOTES.TXT".into()),
        ),
        (
            "a symlink to a file",
            os("shortcut.md"),
            Make::LinkTo(b"# linked"),
            Want::Uploaded("shortcut.md".into()),
        ),
    ];
    let mut n = 0;
    for (label, name, how, want) in cases {
        if matches!(how, Make::Unreadable) && root {
            println!("{label}: skipped, running as root (root reads anything)");
            continue;
        }
        n += 1;
        let path = make(tmp.path(), &name, &how);
        let (uploads, stored) = (env.uploads().len(), env.stored());
        let steps = Mutex::new(Vec::new());
        let progress = |p: DocumentProgress| steps.lock().unwrap().push(p);
        let cancel = CancellationToken::new();
        let added = env.engine.add_document(&path, &progress, &cancel);
        let r = tokio::time::timeout(Duration::from_secs(20), added)
            .await
            .unwrap_or_else(|_| panic!("{label}: no answer"));
        match want {
            Want::Refused(kind) => {
                let e = r.expect_err(label);
                assert_eq!(e.kind(), kind, "{label}: {e:?}");
                assert_eq!(env.uploads().len(), uploads, "{label}: nothing uploaded");
                assert_eq!(env.stored(), stored, "{label}: nothing stored");
                // Refused on what the file system says: never read (no hashing).
                let hashed = steps
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|s| matches!(s, DocumentProgress::Hashing { .. }));
                assert!(!hashed, "{label}: read before refusing");
                if label == "DOC" || label == "PPT" || label == "PPTX" {
                    assert!(
                        matches!(e, Error::InputUnsupported { legacy: true, .. }),
                        "{label}"
                    );
                }
            }
            Want::Uploaded(sent) => {
                let doc = r.unwrap_or_else(|e| panic!("{label}: {e:?}"));
                assert_eq!(doc.name, sent, "{label}");
                let ups = env.uploads();
                assert_eq!(ups.len(), uploads + 1, "{label}");
                assert_eq!(ups.last().unwrap()["filename"], sent.as_str(), "{label}");
            }
        }
    }
    tried(n);
}

#[tokio::test]
async fn a_file_over_the_services_limit_is_refused_by_it_and_nothing_is_kept() {
    // The service's limit, lowered: what passes the local check and is refused remotely.
    let env = env_with(MockConfig {
        max_file_bytes: 64 << 10,
        ..MockConfig::default()
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("big.txt");
    std::fs::write(&path, vec![b'a'; 100 << 10]).unwrap();
    let e = env
        .engine
        .add_document(&path, &|_| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "file_too_large", "{e:?}");
    assert_eq!(env.stored(), (0, 0, 0, 0));
    assert!(env.engine.remote_files().await.unwrap().is_empty());
    tried(1);
}

#[tokio::test]
async fn folders_and_files_that_change_after_planning() {
    let env = env_with(MockConfig::default()).await;
    let tmp = tempfile::tempdir().unwrap();
    let chat = env.engine.create_chat().unwrap().id;

    // A folder of 500 files: 450 documents, 40 programs, 10 hidden files.
    let folder = tmp.path().join("资料");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..500 {
        let name = match i {
            0..450 => format!("doc-{i:03}.md"),
            450..490 => format!("tool-{i}.exe"),
            _ => format!(".hidden-{i}.md"),
        };
        std::fs::write(folder.join(name), format!("# {i}")).unwrap();
    }
    let plan = env.engine.plan_paths(chat, std::slice::from_ref(&folder));
    assert_eq!(plan.jobs.len(), 450);
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(
        plan.skipped[0].skipped,
        Some(40),
        "hidden files are not counted"
    );
    assert!(!plan.truncated);

    // Past the walk's cap, the plan stops and says so.
    // The walk's cap (`documents::jobs::MAX_FOLDER_FILES`, not exported).
    let cap = 5_000;
    let big = tmp.path().join("everything");
    std::fs::create_dir(&big).unwrap();
    for i in 0..=cap {
        std::fs::write(big.join(format!("{i:05}.txt")), "x").unwrap();
    }
    let plan = env.engine.plan_paths(chat, std::slice::from_ref(&big));
    assert_eq!(plan.jobs.len(), cap);
    assert!(plan.truncated);

    // A file deleted between planning and upload.
    let file = tmp.path().join("draft.md");
    std::fs::write(&file, "# draft").unwrap();
    let plan = env.engine.plan_paths(chat, std::slice::from_ref(&file));
    std::fs::remove_file(&file).unwrap();
    let events = Mutex::new(Vec::new());
    let on_event = |e: longwen_core::types::JobEvent| events.lock().unwrap().push(e);
    let job = &plan.jobs[0];
    env.engine
        .run_job(job, &on_event, &CancellationToken::new())
        .await;
    let last = events.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.state, JobState::Failed);
    assert_eq!(last.error.map(|e| e.kind()), Some("input_missing"));
    assert!(env.uploads().is_empty(), "nothing was planned to be sent");
    assert_eq!(env.stored().0, 0, "no document");
    tried(3);
}
