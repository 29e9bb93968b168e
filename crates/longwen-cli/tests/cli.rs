//! The CLI's interface (output lines and exit codes) against the mock service.

use mock_dashscope::{Fault, MockConfig, MockServer, Target};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const KEY: &str = "sk-cli-test-0123456789abcdef";

fn fixtures() -> PathBuf {
    std::env::var_os("LONGWEN_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
        })
}

fn fixture(name: &str) -> PathBuf {
    let p = fixtures().join(name);
    assert!(
        p.exists(),
        "fixture missing: {} (set LONGWEN_FIXTURES)",
        p.display()
    );
    p
}

struct Env {
    mock: MockServer,
    data: tempfile::TempDir,
}

impl Env {
    async fn new() -> Env {
        Env {
            mock: MockServer::start(MockConfig::default()).await.unwrap(),
            data: tempfile::tempdir().unwrap(),
        }
    }

    fn cmd(&self, key: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_longwen"));
        c.env("DASHSCOPE_API_KEY", key)
            .env("LONGWEN_BASE_URL", self.mock.base_url())
            .env("LONGWEN_DATA_DIR", self.data.path())
            // Throttling is waited out for a few seconds, not the 75 s of the real budget.
            .env("LONGWEN_RATE_LIMIT_BUDGET_SECS", "3")
            .args(["--lang", "en"]);
        c
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.run_with(KEY, args, None).await
    }

    async fn run_with(&self, key: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = self.cmd(key);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let stdin = stdin.map(str::to_string);
        tokio::task::spawn_blocking(move || {
            let mut child = cmd.spawn().unwrap();
            let mut input = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                input.write_all(s.as_bytes()).unwrap();
            }
            drop(input);
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap()
    }

    fn uploads(&self) -> usize {
        self.mock
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/files"))
            .count()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn chat_id(o: &Output) -> String {
    stderr(o)
        .lines()
        .find_map(|l| l.strip_prefix("chat: "))
        .unwrap_or_else(|| panic!("no chat line in: {}", stderr(o)))
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_prints_id_name_bytes_and_reuses_identical_content() {
    let env = Env::new().await;
    let contract = fixture("采购合同-2026-华东.docx");
    let out = env
        .run(&["files", "upload", contract.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let line = stdout(&out);
    let fields: Vec<&str> = line.trim_end().split('\t').collect();
    assert_eq!(fields.len(), 3, "{line:?}");
    assert!(fields[0].starts_with("file-fe-"));
    assert_eq!(fields[1], "采购合同-2026-华东.docx");
    assert_eq!(fields[2], "28579");

    // The same bytes under another name are not sent again.
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("copy of contract.docx");
    std::fs::copy(&contract, &copy).unwrap();
    let again = env.run(&["files", "upload", copy.to_str().unwrap()]).await;
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).starts_with(fields[0]));
    assert_eq!(env.uploads(), 1);

    let list = env.run(&["files", "list", "--json"]).await;
    let files: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(files.as_array().unwrap().len(), 1);
    assert_eq!(files[0]["filename"], "采购合同-2026-华东.docx");

    let del = env.run(&["files", "delete", fields[0]]).await;
    assert_eq!(del.status.code(), Some(0), "{}", stderr(&del));
    let list = env.run(&["files", "list"]).await;
    assert_eq!(stdout(&list).trim(), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn ask_streams_the_answer_and_reports_usage_and_chat() {
    let env = Env::new().await;
    let contract = fixture("采购合同-2026-华东.docx");
    let report = fixture("Q3-2026-sales-report.pdf");
    let out = env
        .run(&[
            "ask",
            "-f",
            contract.to_str().unwrap(),
            "-f",
            report.to_str().unwrap(),
            "合同总金额是多少？",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answer = stdout(&out);
    assert!(answer.contains("采购合同-2026-华东.docx"), "{answer}");
    assert!(answer.contains("Q3-2026-sales-report.pdf"), "{answer}");
    let usage = stderr(&out)
        .lines()
        .find(|l| l.starts_with("usage: "))
        .unwrap()
        .to_string();
    let nums: Vec<u64> = usage
        .split_whitespace()
        .skip(1)
        .map(|kv| kv.split('=').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(
        nums[0] > 0 && nums[1] > 0 && nums[2] == nums[0] + nums[1],
        "{usage}"
    );

    // Both ids went in one system message, alone.
    let chat = env
        .mock
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("/chat/completions"))
        .unwrap();
    let messages = chat.body["messages"].as_array().unwrap();
    let ids: Vec<&str> = messages
        .iter()
        .filter_map(|m| m["content"].as_str())
        .filter(|c| c.starts_with("fileid://"))
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].matches("fileid://").count(), 2);

    // A follow-up in the same chat sends the earlier turns.
    let id = chat_id(&out);
    let next = env.run(&["ask", "--chat", &id, "And the penalty?"]).await;
    assert_eq!(next.status.code(), Some(0), "{}", stderr(&next));
    let last = env
        .mock
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("/chat/completions"))
        .unwrap();
    let roles: Vec<&str> = last.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles.iter().filter(|r| **r == "user").count(),
        2,
        "{roles:?}"
    );
    assert_eq!(roles.iter().filter(|r| **r == "assistant").count(), 1);

    let shown = env.run(&["chats", "show", &id, "--json"]).await;
    let chat: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(chat["messages"].as_array().unwrap().len(), 4);
    assert_eq!(chat["messages"][3]["status"], "complete");
    let list = env.run(&["chats", "list"]).await;
    assert!(stdout(&list).starts_with(&format!("{id}\t")));

    // Search finds the question by two Chinese characters, the match marked.
    let found = env.run(&["chats", "search", "金额"]).await;
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    assert!(
        stdout(&found)
            .lines()
            .any(|l| l.starts_with(&format!("{id}\t")) && l.contains("»金额«")),
        "{}",
        stdout(&found)
    );
    // Export as Markdown (to stdout) and as Word (to a file).
    let md = env.run(&["chats", "export", &id, "-o", "-"]).await;
    assert_eq!(md.status.code(), Some(0), "{}", stderr(&md));
    let md = stdout(&md);
    assert!(
        md.contains("合同总金额是多少？") && md.contains("And the penalty?"),
        "{md}"
    );
    assert!(
        md.contains("Documents used") && md.contains("采购合同-2026-华东.docx"),
        "{md}"
    );
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("chat.docx");
    let out = env
        .run(&[
            "chats",
            "export",
            &id,
            "--format",
            "docx",
            "-o",
            docx.to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    let nowhere = dir.path().join("missing/chat.md");
    let out = env
        .run(&["chats", "export", &id, "-o", nowhere.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Could not write"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_text_from_stdin_and_gbk_files_go_in_without_upload() {
    let env = Env::new().await;
    let out = env
        .run_with(
            KEY,
            &["ask", "--text", "-", "What is this?"],
            Some("Hello from standard input"),
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let gbk = fixture("员工手册-节选.txt");
    let out = env
        .run(&["ask", "--text", gbk.to_str().unwrap(), "产假有多少天？"])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(env.uploads(), 0);
    let chat = env
        .mock
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("/chat/completions"))
        .unwrap();
    let system: Vec<String> = chat.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "system")
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect();
    assert!(
        system.iter().any(|s| s.contains("考勤与休假管理")),
        "GBK text decoded"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_follow_the_interface() {
    let env = Env::new().await;
    let contract = fixture("采购合同-2026-华东.docx");
    let c = contract.to_str().unwrap();

    let bad_args = env.run(&["ask"]).await;
    assert_eq!(bad_args.status.code(), Some(2));

    let refused = env
        .run_with("sk-refused-1", &["ask", "-f", c, "Q"], None)
        .await;
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("key_refused"));

    let empty = env
        .run(&["ask", "-f", fixture("empty.txt").to_str().unwrap(), "Q"])
        .await;
    assert_eq!(empty.status.code(), Some(6));
    let doc = env
        .run(&[
            "files",
            "upload",
            fixture("old-format.doc").to_str().unwrap(),
        ])
        .await;
    assert_eq!(doc.status.code(), Some(6));
    assert!(stderr(&doc).contains("DOCX or PDF"));
    assert_eq!(
        env.mock.requests().len(),
        1,
        "only the refused ask reached the service"
    );

    let model = env
        .run(&["ask", "--text", "-", "--model", "qwen-nope", "Q"])
        .await;
    assert_eq!(
        model.status.code(),
        Some(6),
        "empty stdin text is bad input"
    );
    let model = env
        .run_with(
            KEY,
            &["ask", "--text", "-", "--model", "qwen-nope", "Q"],
            Some("text"),
        )
        .await;
    assert_eq!(model.status.code(), Some(7), "{}", stderr(&model));

    for _ in 0..6 {
        env.mock.push_fault(Fault::HttpError {
            on: Target::Chat,
            status: 429,
            code: "limit_requests".into(),
            message: "Requests rate limit exceeded".into(),
            retry_after: Some(0),
            retry_after_date: None,
            retry_after_raw: None,
        });
    }
    let limited = env
        .run_with(KEY, &["ask", "--text", "-", "Q"], Some("text"))
        .await;
    assert_eq!(limited.status.code(), Some(4), "{}", stderr(&limited));
    env.mock.reset();

    env.mock.push_fault(Fault::CutAfter { chunks: 3 });
    let cut = env
        .run_with(KEY, &["ask", "--text", "-", "Q"], Some("text"))
        .await;
    assert_eq!(cut.status.code(), Some(5), "{}", stderr(&cut));
    assert!(
        !stdout(&cut).trim().is_empty(),
        "the partial answer was printed"
    );
    let id = chat_id(&cut);
    let shown = env.run(&["chats", "show", &id, "--json"]).await;
    let chat: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(chat["messages"][1]["status"], "interrupted");
    assert_eq!(
        chat["messages"][1]["text"].as_str().unwrap().trim(),
        stdout(&cut).trim()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_keeps_the_partial_answer_and_exits_130() {
    let env = Env::new().await;
    env.mock.push_fault(Fault::SlowChunks { delay_ms: 200 });
    let mut cmd = env.cmd(KEY);
    cmd.args(["ask", "--text", "-", "Tell me everything"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (code, printed, err) = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(b"some text").unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        // Wait for the first streamed bytes, then interrupt.
        let mut first = Vec::new();
        out.fill_buf().unwrap();
        first.extend_from_slice(out.buffer());
        out.consume(first.len());
        let pid = child.id().to_string();
        assert!(Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success());
        let mut rest = Vec::new();
        out.read_to_end(&mut rest).unwrap();
        first.extend(rest);
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (
            child.wait().unwrap().code(),
            String::from_utf8(first).unwrap(),
            err,
        )
    })
    .await
    .unwrap();
    assert_eq!(code, Some(130), "{err}");
    assert!(!printed.trim().is_empty());
    let id = err
        .lines()
        .find_map(|l| l.strip_prefix("chat: "))
        .unwrap()
        .to_string();
    let shown = env.run(&["chats", "show", &id, "--json"]).await;
    let chat: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(chat["messages"][1]["status"], "stopped");
    assert_eq!(
        chat["messages"][1]["text"].as_str().unwrap().trim(),
        printed.trim()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn key_status_names_the_environment_and_never_prints_the_key() {
    let env = Env::new().await;
    let out = env.run(&["key", "status"]).await;
    assert_eq!(out.status.code(), Some(0));
    let s = stdout(&out);
    assert!(s.contains("DASHSCOPE_API_KEY"), "{s}");
    assert!(s.contains("cdef"));
    assert!(!s.contains(KEY));
}
