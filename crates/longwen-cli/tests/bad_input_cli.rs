//! Bad input at the command line: each case with its exit code and error kind (`error
//! [kind]` on stderr), nothing on stdout, nothing uploaded and nothing stored; odd but valid
//! input works (a file named like an option after `--`, a name that is not UTF-8, a key with
//! spaces around it, an address with a trailing slash).

#![cfg(unix)]

mod cli_support;

use cli_support::*;
use mock_dashscope::{MockConfig, MockServer};
use std::ffi::OsString;
use std::path::Path;

struct Case {
    label: &'static str,
    args: Vec<OsString>,
    /// `(variable, value)` set for this run (the key, the address).
    env: Vec<(&'static str, String)>,
    stdin: &'static [u8],
    /// The exit code and, for a failure, the kind named on stderr.
    want: (i32, Option<&'static str>),
}

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

fn path_arg(p: &Path) -> OsString {
    p.as_os_str().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_at_the_command_line_exits_with_its_code_and_leaves_nothing() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let url = mock.base_url();
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let f = |name: &str, bytes: &[u8]| {
        let p = files.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let empty = f("empty.txt", b"");
    let exe = f("setup.exe", b"MZ\x90\x00");
    let doc = f("old.doc", b"\xd0\xcf\x11\xe0");
    let notes = f("notes.md", "# 会议纪要".as_bytes());
    let dash = f("-rf.txt", b"dash");
    let huge = files.path().join("huge.pdf");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(150_000_001)
        .unwrap();
    let latin1 = {
        use std::os::unix::ffi::OsStringExt;
        let p = files
            .path()
            .join(OsString::from_vec(b"r\xe9sum\xe9.txt".to_vec()));
        std::fs::write(&p, b"cv").unwrap();
        p
    };
    // 50,000 characters (12,500 tokens): ASCII, as one argument may hold only 128 KiB.
    let long = "word ".repeat(10_000);
    let base = |u: String| vec![("LONGWEN_BASE_URL", u)];
    let upload = |p: &Path| vec![OsString::from("files"), "upload".into(), path_arg(p)];
    let cases = vec![
        Case {
            label: "an empty file",
            args: upload(&empty),
            env: vec![],
            stdin: b"",
            want: (6, Some("input_empty")),
        },
        Case {
            label: "150 MB + 1 byte",
            args: upload(&huge),
            env: vec![],
            stdin: b"",
            want: (6, Some("input_too_large")),
        },
        Case {
            label: "a program",
            args: upload(&exe),
            env: vec![],
            stdin: b"",
            want: (6, Some("input_unsupported")),
        },
        Case {
            label: "a DOC",
            args: upload(&doc),
            env: vec![],
            stdin: b"",
            want: (6, Some("input_unsupported")),
        },
        Case {
            label: "a folder",
            args: upload(files.path()),
            env: vec![],
            stdin: b"",
            want: (6, Some("input_is_directory")),
        },
        Case {
            label: "a missing file",
            args: upload(&files.path().join("gone.md")),
            env: vec![],
            stdin: b"",
            want: (6, Some("input_missing")),
        },
        // A name like an option is taken as one (as by every command); after `--` it is a name.
        Case {
            label: "a leading dash",
            args: args(&["files", "upload", "-rf.txt"]),
            env: vec![],
            stdin: b"",
            want: (2, None),
        },
        Case {
            label: "a leading dash after --",
            args: vec![
                "files".into(),
                "upload".into(),
                "--".into(),
                path_arg(&dash),
            ],
            env: vec![],
            stdin: b"",
            want: (0, None),
        },
        Case {
            label: "a name that is not UTF-8",
            args: upload(&latin1),
            env: vec![],
            stdin: b"",
            want: (0, None),
        },
        Case {
            label: "an empty question",
            args: args(&["ask", "--text", "-", ""]),
            env: vec![],
            stdin: b"text",
            want: (2, Some("invalid_argument")),
        },
        Case {
            label: "50,000 characters with a document",
            args: vec![
                "ask".into(),
                "-f".into(),
                path_arg(&notes),
                long.clone().into(),
            ],
            env: vec![],
            stdin: b"",
            want: (6, Some("question_too_long")),
        },
        Case {
            label: "an unknown chat",
            args: args(&["ask", "--chat", "99999", "Q"]),
            env: vec![],
            stdin: b"",
            want: (1, Some("not_found")),
        },
        Case {
            label: "a file id that is a path",
            args: args(&["files", "delete", "../../etc"]),
            env: vec![],
            stdin: b"",
            want: (2, Some("invalid_argument")),
        },
        Case {
            label: "a key with spaces and a line end",
            args: args(&["ask", "--text", "-", "Q"]),
            env: vec![("DASHSCOPE_API_KEY", format!("  {KEY}\n"))],
            stdin: b"text",
            want: (0, None),
        },
        Case {
            label: "an address without a scheme",
            args: args(&["files", "list"]),
            env: base(url.replace("http://", "")),
            stdin: b"",
            want: (2, Some("invalid_argument")),
        },
        Case {
            label: "an address with a trailing slash",
            args: args(&["files", "list"]),
            env: base(format!("{url}/")),
            stdin: b"",
            want: (0, None),
        },
        Case {
            label: "the native API's address",
            args: args(&["files", "list"]),
            env: base(format!("{}/api/v1", mock.root_url())),
            stdin: b"",
            want: (7, Some("wrong_address")),
        },
        Case {
            label: "plain http to a remote host",
            args: args(&["files", "list"]),
            env: base("http://dashscope.aliyuncs.com/compatible-mode/v1".into()),
            stdin: b"",
            want: (1, Some("insecure_url")),
        },
    ];
    let n = cases.len();
    for case in cases {
        let label = case.label;
        let uploads = |m: &MockServer| {
            let files = m.requests().into_iter();
            files
                .filter(|r| r.method == "POST" && r.path.ends_with("/files"))
                .count()
        };
        let (before, chats) = (uploads(&mock), count(data.path(), "chats").unwrap_or(0));
        let mut cmd = cli(data.path(), &url, KEY);
        cmd.args(&case.args);
        for (k, v) in &case.env {
            cmd.env(k, v);
        }
        let stdin = case.stdin;
        let ended = tokio::task::spawn_blocking(move || run(cmd, stdin))
            .await
            .unwrap();
        let err = ended.stderr_text();
        assert_eq!(ended.status.code(), Some(case.want.0), "{label}: {err}");
        assert!(
            !contains(&ended.stdout, KEY.as_bytes()) && !err.contains(KEY),
            "{label}"
        );
        match case.want {
            (0, _) => {}
            (_, kind) => {
                if let Some(kind) = kind {
                    assert!(err.contains(&format!("error [{kind}]")), "{label}: {err}");
                }
                // (`ask` ends its answer's line even when there was none.)
                let out = ended.stdout_text();
                assert!(out.trim().is_empty(), "{label}: {out}");
                assert_eq!(uploads(&mock), before, "{label}: nothing uploaded");
                let now = count(data.path(), "chats").unwrap_or(0);
                assert_eq!(now, chats, "{label}: nothing stored");
            }
        }
        if label == "a leading dash after --" {
            assert!(ended.stdout_text().contains("\t-rf.txt\t4"), "{label}");
        }
        if label == "a name that is not UTF-8" {
            // Sent and shown with U+FFFD for the bytes that are not UTF-8.
            let sent = mock.requests().last().unwrap().body["filename"].clone();
            assert_eq!(sent, "r\u{FFFD}sum\u{FFFD}.txt", "{label}");
        }
    }
    println!("bad inputs tried at the command line: {n}");
}
