//! Commands on Tauri's mock runtime, with a real engine in a temp dir (no window, no network).

use super::*;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// A key that must never come back from any command.
const SECRET: &str = "sk-unit-test-0123456789abcdef-SECRET";

struct TestApp {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn app() -> TestApp {
    // The engine reads the key from the environment first: the key is present, so any
    // command that leaked it would show it.
    std::env::set_var(longwen_core::secrets::ENV_VAR, SECRET);
    let dir = tempfile::tempdir().unwrap();
    let mut config = EngineConfig::with_data_dir(dir.path());
    config.base_url_override = Some("http://127.0.0.1:9/compatible-mode/v1".into());
    let engine = Engine::open(config).expect("engine opens in a temp dir");
    let app = builder(mock_builder(), AppState::new(engine))
        .build(tauri::generate_context!())
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    TestApp {
        _app: app,
        window,
        _dir: dir,
    }
}

fn invoke(app: &TestApp, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &app.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn capability_grants_exactly_our_commands() {
    let text = include_str!("../../capabilities/main.json");
    let capability: Value = serde_json::from_str(text).unwrap();
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission ids only").to_string())
        .collect();
    granted.sort();
    let mut expected: Vec<String> = command_names::COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .chain([
            "core:event:allow-listen".into(),
            "core:event:allow-unlisten".into(),
        ])
        .collect();
    expected.sort();
    assert_eq!(granted, expected);
    assert_eq!(capability["windows"], json!(["main"]));
    for plugin in ["fs:", "shell:", "http:", "dialog:", "opener:"] {
        assert!(!text.contains(plugin), "capability grants {plugin}");
    }
}

#[test]
fn config_is_strict() {
    let conf: Value = serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"].to_string();
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(conf["app"]["withGlobalTauri"], json!(true));
    assert_eq!(conf["app"]["windows"][0]["dragDropEnabled"], json!(true));
}

#[test]
fn get_state_has_the_contract_shape_and_no_key() {
    let app = app();
    let state = invoke(&app, "get_state", json!({})).expect("get_state");
    for field in [
        "settings", "key", "lang", "theme", "chats", "limits", "version",
    ] {
        assert!(state.get(field).is_some(), "missing {field}: {state}");
    }
    assert!(["en", "zh"].contains(&state["lang"].as_str().unwrap()));
    assert!(["light", "dark"].contains(&state["theme"].as_str().unwrap()));
    assert_eq!(state["key"]["present"], json!(true));
    assert_eq!(state["key"]["source"], json!("environment"));
    assert_eq!(state["limits"]["text_token_limit"], json!(9000));
    assert!(!state.to_string().contains(SECRET));
}

#[test]
fn no_command_returns_the_key() {
    let app = app();
    let calls = [
        ("get_state", json!({})),
        ("list_chats", json!({})),
        ("open_chat", json!({ "chatId": null })),
        (
            "add_text",
            json!({ "chatId": 1, "text": "合同总金额为人民币474,860.00元。", "name": null }),
        ),
        ("open_link", json!({ "url": format!("file:///{SECRET}") })),
    ];
    for (cmd, args) in calls {
        let response = invoke(&app, cmd, args);
        let text = match &response {
            Ok(v) | Err(v) => v.to_string(),
        };
        let leaked = text.matches(SECRET).count();
        assert_eq!(leaked, 0, "{cmd} returned the key: {text}");
    }
}

/// Errors cross IPC as data (the kind and its fields); the UI words them.
#[test]
fn errors_are_data_for_the_ui_to_word() {
    let app = app();
    let err = invoke(&app, "open_link", json!({ "url": "javascript:alert(1)" })).unwrap_err();
    assert_eq!(err["kind"], json!("invalid_argument"));
    assert_eq!(err["problem"], json!("link_not_allowed"));
    let err = invoke(&app, "retry_document", json!({ "jobId": 999 })).unwrap_err();
    assert_eq!(err["kind"], json!("not_found"));
    assert_eq!(err["what"], json!("document_job"));
}

#[test]
fn text_attaches_to_the_chat_the_ui_names() {
    let app = app();
    let chat = invoke(&app, "open_chat", json!({ "chatId": null })).unwrap();
    let id = chat["summary"]["id"].as_i64().unwrap();
    let doc = invoke(
        &app,
        "add_text",
        json!({ "chatId": id, "text": "第一条 合同标的", "name": "条款" }),
    )
    .unwrap();
    assert_eq!(doc["source"], json!("text"));
    let chat = invoke(&app, "open_chat", json!({ "chatId": id })).unwrap();
    let docs = chat["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], doc["id"]);
}

#[test]
fn every_declared_command_is_registered() {
    let app = app();
    // Called without arguments: a registered command rejects for the missing argument or
    // runs; an unknown one says it does not exist. (pick_documents would open a dialog.)
    for cmd in command_names::COMMANDS {
        if ["pick_documents", "delete_api_key", "test_connection"].contains(cmd) {
            continue;
        }
        let text = match invoke(&app, cmd, json!({})) {
            Ok(v) | Err(v) => v.to_string(),
        };
        assert!(
            !text.contains("not found") || text.contains("kind"),
            "{cmd}: {text}"
        );
        assert!(!text.contains("not allowed"), "{cmd}: {text}");
    }
}

#[test]
fn command_line_paths_are_absolute_and_skip_options() {
    let paths = open_with_paths(["--flag".into(), "a.docx".into(), "/tmp/b.pdf".into()]);
    assert_eq!(paths.len(), 2);
    assert!(paths.iter().all(|p| p.is_absolute()));
    assert_eq!(paths[1], PathBuf::from("/tmp/b.pdf"));
}

/// Drop, picker and Open-with share `add_pending`: a folder adds its supported files, reports
/// the skipped ones, and every job ends `ready` in the chat named, in order per job.
#[test]
fn add_paths_reports_progress_and_attaches_to_the_chat_named() {
    use std::sync::{Arc, Mutex};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt
        .block_on(mock_dashscope::MockServer::start(Default::default()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = EngineConfig::with_data_dir(dir.path().join("data"));
    config.base_url_override = Some(mock.base_url());
    config.api_key = Some(longwen_core::secrets::ApiKey::new("sk-shell-unit-test"));
    let state = AppState::new(Engine::open(config).unwrap());

    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.md"), "# Notes\nThe code is QX-17.\n").unwrap();
    std::fs::write(folder.join("b.csv"), "id,name\n1,澄川\n").unwrap();
    std::fs::write(folder.join("c.html"), "<p>no</p>").unwrap();
    let loose = dir.path().join("old.doc");
    std::fs::write(&loose, "legacy").unwrap();

    let events: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = events.clone();
    state.watch_documents(tauri::ipc::Channel::new(move |body| {
        if let tauri::ipc::InvokeResponseBody::Json(json) = body {
            sink.lock()
                .unwrap()
                .push(serde_json::from_str(&json).unwrap());
        }
        Ok(())
    }));
    let chat = state.engine.create_chat().unwrap().id;
    state.queue_paths(vec![folder, loose], false);
    let added = tauri::async_runtime::block_on(jobs::add_pending(&state, chat, false)).unwrap();
    assert_eq!((added.taken, added.waiting), (3, 0));

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let finished = |e: &Vec<Value>| {
        e.iter()
            .filter(|e| e["state"] == "ready" || e["state"] == "failed")
            .count()
    };
    while finished(&events.lock().unwrap()) < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            events.lock().unwrap()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let events = events.lock().unwrap().clone();
    let skipped: Vec<_> = events.iter().filter(|e| e["state"] == "skipped").collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["skipped"], json!(1));
    for e in &events {
        assert_eq!(e["chat_id"], json!(chat), "{e}");
    }
    // The legacy .doc fails with the core's "save as DOCX" reason and stays retryable.
    let failed = events.iter().find(|e| e["state"] == "failed").unwrap();
    assert_eq!(failed["name"], json!("old.doc"));
    assert_eq!(failed["error"]["kind"], json!("input_unsupported"));
    assert!(state
        .engine
        .failed_job(failed["job_id"].as_u64().unwrap())
        .is_ok());
    // Each job's events are in order: checking first, ready last.
    for name in ["a.md", "b.csv"] {
        let steps: Vec<&str> = events
            .iter()
            .filter(|e| e["name"] == name)
            .map(|e| e["state"].as_str().unwrap())
            .collect();
        assert_eq!(steps.first(), Some(&"checking"), "{name}: {steps:?}");
        assert_eq!(steps.last(), Some(&"ready"), "{name}: {steps:?}");
    }
    let attached = state.engine.chat(chat).unwrap().documents;
    let mut names: Vec<_> = attached.iter().map(|d| d.name.clone()).collect();
    names.sort();
    assert_eq!(names, ["a.md", "b.csv"]);
    drop(mock);
}

/// The strings table of a UI language (`export default {JSON};`).
fn ui_strings(file: &str) -> Value {
    let read = |file: &str| -> Value {
        let path = format!("{}/ui/i18n/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("UI strings");
        let json = text.split_once("export default").unwrap().1.trim();
        serde_json::from_str(json.trim_end_matches(';')).expect("the strings are JSON")
    };
    // As i18n.js merges them: the error sentences are in `<lang>.errors.js`.
    let mut all = read(file);
    let errors = read(&file.replace(".js", ".errors.js"));
    all["errors"] = errors["errors"].clone();
    all
}

/// Every kind of error the core knows is worded in both UI languages (the UI words errors;
/// a kind without words would show the generic sentence).
#[test]
fn every_error_kind_has_ui_words() {
    let problems = [
        "empty_question",
        "empty_key",
        "bad_key",
        "empty_text",
        "empty_model",
        "empty_address",
        "bad_address",
        "address_not_http",
        "bad_file_id",
        "link_not_allowed",
        "answer_still_streaming",
        "unreadable_input",
    ];
    for file in ["en.js", "zh-CN.js"] {
        let errors = &ui_strings(file)["errors"];
        for e in longwen_core::Error::examples() {
            let words = &errors["kinds"][e.kind()];
            assert!(
                words.is_string() || words.is_object(),
                "{file}: no words for {}",
                e.kind()
            );
        }
        for p in problems {
            let problem: longwen_core::error::Problem = serde_json::from_value(json!(p)).unwrap();
            assert_eq!(serde_json::to_value(problem).unwrap(), json!(p));
            assert!(errors["problems"][p].is_string(), "{file}: problem {p}");
        }
    }
}

/// Every reason a preview may be rough is worded in both UI languages (preview.js words
/// `rough` by its kind; a kind without words would show the key).
#[test]
fn every_rough_preview_kind_has_ui_words() {
    for file in ["en.js", "zh-CN.js"] {
        let rough = &ui_strings(file)["preview"]["rough"];
        for kind in longwen_core::extract::Rough::ALL {
            let kind = serde_json::to_value(kind).unwrap();
            let kind = kind.as_str().unwrap();
            assert!(rough[kind].is_string(), "{file}: no words for rough {kind}");
        }
    }
}

/// The start-up error is worded from the UI's own strings (the shell holds no sentence).
#[test]
fn the_start_up_error_reads_the_ui_strings() {
    let context: tauri::Context<MockRuntime> = tauri::generate_context!();
    let error = longwen_core::Error::DatabaseDamaged {
        path: "/tmp/longwen.db".into(),
        detail: "file is not a database".into(),
    };
    let (title, message) = fatal::words(&context, &error);
    let en = ui_strings("en.js");
    let zh = ui_strings("zh-CN.js");
    assert!(title.contains("Longwen"), "{title}");
    assert!(
        message == en["errors"]["kinds"]["database_damaged"]
            || message == zh["errors"]["kinds"]["database_damaged"],
        "{message}"
    );
}

/// Files opened with the app, and more files than one question reads, wait for one click:
/// nothing is checked or uploaded before it.
#[test]
fn opened_with_and_too_many_files_wait_for_a_yes() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = EngineConfig::with_data_dir(dir.path().join("data"));
    config.base_url_override = Some("http://127.0.0.1:9/compatible-mode/v1".into());
    config.api_key = Some(longwen_core::secrets::ApiKey::new("sk-shell-unit-test"));
    let state = AppState::new(Engine::open(config).unwrap());
    let chat = state.engine.create_chat().unwrap().id;
    let note = dir.path().join("a.md");
    std::fs::write(&note, "# a").unwrap();
    let run =
        |confirmed| tauri::async_runtime::block_on(jobs::add_pending(&state, chat, confirmed));

    state.queue_paths(vec![note.clone()], true);
    let added = run(false).unwrap();
    assert_eq!(
        (added.taken, added.waiting, added.opened_with),
        (0, 1, true)
    );
    // Still waiting, until the yes.
    let added = run(true).unwrap();
    assert_eq!((added.taken, added.waiting), (1, 0));

    let folder = dir.path().join("many");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..120 {
        std::fs::write(folder.join(format!("n{i:03}.md")), "x").unwrap();
    }
    state.queue_paths(vec![folder], false);
    let added = run(false).unwrap();
    assert_eq!(
        (added.taken, added.waiting, added.opened_with),
        (0, 120, false)
    );
    state.take_pending();
    assert_eq!(run(true).unwrap(), jobs::Added::default(), "discarded");
}
