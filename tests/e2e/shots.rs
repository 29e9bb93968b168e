//! The screenshots in docs/screenshots/: every state in zh and en, light and dark.

use crate::harness::{App, Launch, Suite, STEP};
use crate::sidebar::{current_chat, new_chat_by_keyboard};
use crate::{answers, cost, empty_keyring, preview, with_key, CONTRACT, KEY};
use anyhow::{Context, Result};
use mock_dashscope::{Fault, Target};
use std::path::PathBuf;
use std::time::Duration;

/// empty, uploading, streaming, answered, error and settings, in zh and en, light and dark.
pub async fn screenshots_in_both_languages_and_themes(suite: &Suite) -> Result<()> {
    for lang in ["en", "zh"] {
        for theme in ["light", "dark"] {
            shoot(suite, lang, theme)
                .await
                .with_context(|| format!("screenshots {lang}-{theme}"))?;
        }
    }
    Ok(())
}

pub async fn shoot(suite: &Suite, lang: &str, theme: &str) -> Result<()> {
    let shot = |state: &str| suite.screenshot_path(state, lang, theme);
    suite.mock.reset();
    // First launch: choose theme and language, then the empty window and the settings.
    let app = suite
        .launch(&format!("shots-{lang}-{theme}"), with_key())
        .await?;
    app.click("Settings").await?;
    app.select("Theme", theme).await?;
    app.wait_js(
        "the theme",
        Duration::from_secs(5),
        &format!("return document.documentElement.dataset.theme === '{theme}';"),
    )
    .await?;
    app.select("Language", lang).await?;
    let html_lang = if lang == "zh" { "zh-CN" } else { "en" };
    app.wait_js(
        "the language",
        Duration::from_secs(5),
        &format!("return document.documentElement.lang === '{html_lang}';"),
    )
    .await?;
    app.screenshot(&shot("settings")).await?;
    app.close_settings().await?;
    app.screenshot(&shot("empty")).await?;
    let profile = app.profile.clone();
    let welcome_profile = profile.clone();
    app.quit().await?;

    // Second launch, same profile: documents on the command line, read slowly (the mock
    // reports the reading, as a gateway may, so the state can be seen).
    suite.mock.set_report_parsing(true);
    suite.mock.set_parse_delay(Duration::from_millis(2500));
    let app = suite
        .launch(
            &format!("shots-{lang}-{theme}-2"),
            Launch {
                args: vec![
                    suite.fixture(CONTRACT),
                    suite.fixture("Q3-2026-sales-report.pdf"),
                ],
                env_key: Some(KEY.into()),
                profile: Some(profile),
                ..Launch::default()
            },
        )
        .await?;
    app.wait_js(
        "documents on their way",
        Duration::from_secs(10),
        "return [...document.querySelectorAll('[role=list] [data-state]')].some(r => ['uploading','reading','checking'].includes(r.dataset.state));",
    )
    .await?;
    app.screenshot(&shot("uploading")).await?;
    app.wait_documents_ready(2).await?;
    suite.mock.set_parse_delay(Duration::from_millis(0));
    answers::shoot_answers_starters(&app, &shot).await?;

    let question = if lang == "zh" {
        "乙方逾期交货的违约金怎么计算？"
    } else {
        "What is the penalty for late delivery?"
    };
    suite.mock.set_chunk_delay(Duration::from_millis(120));
    app.type_into_question(question).await?;
    app.wait_js(
        "streamed text",
        Duration::from_secs(15),
        "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
         return a && a.dataset.status === 'streaming' && a.querySelector('.msg-body').textContent.trim().length > 60;",
    )
    .await?;
    app.screenshot(&shot("streaming")).await?;
    app.wait_answer(&["complete"]).await?;
    suite.mock.set_chunk_delay(Duration::from_millis(0));
    app.screenshot(&shot("answered")).await?;
    cost::shoot_cost(&app, &shot, lang).await?;
    answers::shoot_answers_versions(&app, &shot).await?;

    let follow_up = if lang == "zh" {
        "合同总金额是多少？"
    } else {
        "What is the contract total?"
    };
    suite.mock.push_fault(Fault::HttpError {
        on: Target::Chat,
        status: 401,
        code: "InvalidApiKey".into(),
        message: "Invalid API-key provided.".into(),
        retry_after: None,
        retry_after_date: None,
        retry_after_raw: None,
    });
    app.type_into_question(follow_up).await?;
    app.wait_answer(&["error"]).await?;
    app.js("const l = document.querySelector('[role=log]'); l.scrollTop = l.scrollHeight; return true;")
        .await?;
    app.screenshot(&shot("error")).await?;
    preview::shoot_preview(&app, &shot).await?;
    shoot_library(&app, &shot).await?;
    shoot_sidebar(suite, app, lang, &shot).await?;
    shoot_welcome(
        suite,
        welcome_profile,
        &format!("shots-{lang}-{theme}-3"),
        &shot,
    )
    .await
}

/// Moves chats' `updated_at` back (the app has quit), so the groups can be seen.
pub fn age_chats(profile: &std::path::Path, days: &[(i64, i64)]) -> Result<()> {
    let conn = rusqlite::Connection::open(profile.join("data").join(crate::crashkit::DB))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    for (chat, d) in days {
        conn.execute(
            "UPDATE chats SET updated_at = ?1 WHERE id = ?2",
            rusqlite::params![now - d * 86_400, chat],
        )?;
    }
    Ok(())
}

/// The grouped list and the search results, for the screenshots (`shot` names the file).
pub async fn shoot_sidebar(
    suite: &Suite,
    app: App,
    lang: &str,
    shot: &dyn Fn(&str) -> PathBuf,
) -> Result<()> {
    let zh = lang == "zh";
    let questions: [&str; 3] = if zh {
        [
            "季度销售报告的要点",
            "供应商付款条件有哪些？",
            "员工手册里的年假规定",
        ]
    } else {
        [
            "Key points of the quarterly sales report",
            "What are the supplier payment terms?",
            "Annual leave rules in the handbook",
        ]
    };
    let mut made = Vec::new();
    for q in questions {
        new_chat_by_keyboard(&app).await?;
        // By id: the question box's label is translated.
        app.type_into_question(q).await?;
        app.wait_answer(&["complete"]).await?;
        made.push(current_chat(&app).await?);
    }
    let profile = app.profile.clone();
    app.quit().await?;
    age_chats(profile.path(), &[(made[0], 1), (made[1], 3), (made[2], 20)])?;
    let app = suite
        .launch(
            &format!("shots-sidebar-{lang}"),
            Launch {
                profile: Some(profile),
                env_key: Some(KEY.into()),
                ..Launch::default()
            },
        )
        .await?;
    app.wait_js(
        "four groups",
        Duration::from_secs(10),
        "return document.querySelectorAll('#chat-list [role=group]').length === 4;",
    )
    .await?;
    app.screenshot(&shot("sidebar-groups")).await?;
    let query = if zh { "付款" } else { "payment" };
    app.wait_xpath("the search box", "//input[@id='chat-search']")
        .await?
        .send_keys(query)
        .await?;
    app.wait_js(
        "search results",
        Duration::from_secs(10),
        &format!(
            "const l = document.getElementById('search-results'); return l.dataset.query === {} && l.children.length > 0;",
            serde_json::to_string(query)?
        ),
    )
    .await?;
    app.screenshot(&shot("sidebar-search")).await?;
    app.quit().await
}

/// The library, the cloud files and the welcome steps, for `shoot()` in main.rs: `app` has
/// documents in the current chat; `welcome_profile` is reused for a launch with no key.
pub async fn shoot_library(app: &App, shot: &dyn Fn(&str) -> PathBuf) -> Result<()> {
    let before = app
        .js("return document.querySelector('#chat-list li.current')?.dataset.chatId ?? null;")
        .await?;
    // A new chat, so that the library's documents can be chosen for it.
    app.js("document.getElementById('new-chat').click(); return true;")
        .await?;
    app.wait_js(
        "a new chat",
        Duration::from_secs(10),
        "return document.querySelectorAll('#doc-list [data-state]').length === 0;",
    )
    .await?;
    app.js("document.getElementById('open-library').click(); return true;")
        .await?;
    app.wait_js(
        "the library, checked with the cloud",
        STEP,
        "return document.querySelectorAll('#lib-rows tr').length >= 2 && document.getElementById('lib-status').textContent === '' && [...document.querySelectorAll('#lib-rows tr')].every(r => r.dataset.cloud !== 'unknown');",
    )
    .await?;
    app.js("const c = [...document.querySelectorAll('#lib-rows input')].find(i => !i.disabled); if (c) c.click(); return true;")
        .await?;
    app.screenshot(&shot("library")).await?;
    app.js("document.getElementById('lib-tab-cloud').click(); return true;")
        .await?;
    app.wait_js(
        "the cloud files",
        STEP,
        "return document.querySelectorAll('#cloud-rows tr').length >= 2 && document.getElementById('cloud-status').textContent === '';",
    )
    .await?;
    app.js("document.querySelector('#cloud-rows input').click(); return true;")
        .await?;
    app.screenshot(&shot("cloud")).await?;
    app.js("document.getElementById('library-close').click(); return true;")
        .await?;
    // Back to the conversation shown before (later shots start from a chat with questions).
    if let Some(id) = before.as_str() {
        app.js(&format!(
            "document.querySelector('#chat-list li[data-chat-id=\"{id}\"] .chat-open').click(); return true;"
        ))
        .await?;
        app.wait_js(
            "the earlier conversation",
            Duration::from_secs(10),
            &format!(
                "const li = document.querySelector('#chat-list li.current'); return li && li.dataset.chatId === '{id}' && !!document.querySelector('[role=log] article');"
            ),
        )
        .await?;
    }
    Ok(())
}

/// The welcome steps, in a launch without a key (same profile: language and theme kept).
pub async fn shoot_welcome(
    suite: &Suite,
    profile: std::sync::Arc<tempfile::TempDir>,
    name: &str,
    shot: &dyn Fn(&str) -> PathBuf,
) -> Result<()> {
    let entry = empty_keyring()?;
    let app = suite
        .launch(
            name,
            Launch {
                profile: Some(profile),
                ..Launch::default()
            },
        )
        .await?;
    // The profile has conversations by now (the sidebar shots): the welcome is in an empty one.
    app.wait_js(
        "the app shown",
        Duration::from_secs(10),
        "return !document.getElementById('app').hidden;",
    )
    .await?;
    app.js("if (!document.getElementById('welcome-key')) document.getElementById('new-chat').click(); return true;")
        .await?;
    app.wait_js(
        "the welcome steps",
        Duration::from_secs(10),
        "return !!document.getElementById('welcome-key');",
    )
    .await?;
    app.screenshot(&shot("welcome")).await?;
    app.quit().await?;
    entry.delete_credential().ok();
    Ok(())
}
