//! The sidebar: conversations grouped by day, search (Chinese, after a restart) that jumps to
//! the message, rename (double-click and menu), delete with Undo, export through the menu, and
//! its screenshots.

use crate::desktop::{window_named, xdotool};
use crate::harness::{App, Launch, Suite};
use crate::{launch_with_document, with_key, CONTRACT, KEY};
use anyhow::{ensure, Context, Result};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";

/// `[{id, title, docs, current}]` of the conversation list, top to bottom.
pub async fn rows(app: &App) -> Result<Vec<Value>> {
    let v = app
        .js("return [...document.querySelectorAll('[role=list][aria-label] li[role=listitem][data-chat-id]')]
               .filter(li => li.closest('#chat-list'))
               .map(li => ({id: Number(li.dataset.chatId), title: li.querySelector('.chat-title').textContent,
                            docs: li.querySelector('.chat-docs').textContent, name: li.getAttribute('aria-label'),
                            current: li.classList.contains('current')}));")
        .await?;
    Ok(v.as_array().cloned().unwrap_or_default())
}

/// The chat ids in the database (what `list_chats` answers), newest first.
pub async fn stored_chats(app: &App) -> Result<Vec<i64>> {
    let v = app
        .js("return await window.__TAURI__.core.invoke('list_chats').then(l => l.map(c => c.id));")
        .await?;
    Ok(v.as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default())
}

fn ids(rows: &[Value]) -> Vec<i64> {
    rows.iter().filter_map(|r| r["id"].as_i64()).collect()
}

pub async fn current_chat(app: &App) -> Result<i64> {
    let v = app
        .wait_js(
            "a current chat",
            Duration::from_secs(10),
            "const li = document.querySelector('#chat-list li.current'); return li ? Number(li.dataset.chatId) : null;",
        )
        .await?;
    v.as_i64().context("current chat id")
}

/// Ctrl+N, as a person presses it: a new, empty conversation is shown (or the one shown is
/// kept when it is already empty, without documents: the app does not pile up empty chats).
pub async fn new_chat_by_keyboard(app: &App) -> Result<i64> {
    let before = current_chat(app).await?;
    let untouched = app
        .js("return !document.querySelector('[role=log] article') && !document.querySelector('#doc-list [data-state]');")
        .await?
        == true;
    if untouched {
        return Ok(before);
    }
    app.js("document.getElementById('question').focus();
            document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'n', ctrlKey: true, bubbles: true, cancelable: true}));
            return true;")
        .await?;
    let v = app
        .wait_js(
            "a new conversation",
            Duration::from_secs(10),
            &format!(
                "const li = document.querySelector('#chat-list li.current');
                 const log = document.querySelector('[role=log]');
                 return li && Number(li.dataset.chatId) !== {before} && !log.querySelector('article') ? Number(li.dataset.chatId) : null;"
            ),
        )
        .await?;
    v.as_i64().context("new chat id")
}

/// Types into the search box and waits for the results of exactly that query:
/// `[{chat, message, field, snippet, marked}]`.
async fn search(app: &App, query: &str) -> Result<Vec<Value>> {
    app.type_into("Search conversations", query).await?;
    let v = app
        .wait_js(
            &format!("search results for {query}"),
            Duration::from_secs(10),
            &format!(
                "const l = [...document.querySelectorAll('ul[role=list]')].find(u => u.getAttribute('aria-label') === 'Search results');
                 if (!l || l.dataset.query !== {q} || l.closest('[hidden]')) return null;
                 return {{hits: [...l.querySelectorAll('li[role=listitem]')].map(li => ({{
                   chat: Number(li.dataset.chatId), message: li.dataset.messageId ? Number(li.dataset.messageId) : null,
                   field: li.querySelector('.hit-field').className.replace(/.*hit-/, ''),
                   snippet: li.querySelector('.hit-snippet').textContent,
                   marked: [...li.querySelectorAll('.hit-snippet mark')].map(m => m.textContent),
                   html_free: [...li.querySelector('.hit-snippet').childNodes].every(n => n.nodeType === 3 || n.nodeName === 'MARK')
                 }}))}};",
                q = serde_json::to_string(query)?
            ),
        )
        .await?;
    Ok(v["hits"].as_array().cloned().unwrap_or_default())
}

fn chats_in(hits: &[Value]) -> Vec<i64> {
    let mut v: Vec<i64> = hits.iter().filter_map(|h| h["chat"].as_i64()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Two conversations, the app restarted, both found by Chinese searches (two and four
/// characters); a click opens the other conversation scrolled to the question, marked.
pub async fn sidebar_search_finds_chats_after_a_restart(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "sidebar-search", CONTRACT).await?;
    app.ask("合同条款里违约金怎么计算？").await?;
    app.wait_answer(&["complete"]).await?;
    // A long answer after it, so the question is far above the end of the conversation.
    app.ask("请逐条总结全部内容 [[mock:long=600]]").await?;
    app.wait_answer(&["complete"]).await?;
    let first = current_chat(&app).await?;
    let second = new_chat_by_keyboard(&app).await?;
    app.ask("合同条款里付款方式是什么？").await?;
    app.wait_answer(&["complete"]).await?;
    app.wait_js(
        "two conversations listed",
        Duration::from_secs(10),
        "return document.querySelectorAll('#chat-list li[data-chat-id]').length === 2;",
    )
    .await?;
    let profile = app.profile.clone();
    app.quit().await?;

    let app = suite
        .launch(
            "sidebar-search-2",
            Launch {
                profile: Some(profile),
                ..with_key()
            },
        )
        .await?;
    // Newest first, in the Today group, each row with its documents on the second line.
    let listed = rows(&app).await?;
    ensure!(ids(&listed) == vec![second, first], "rows: {listed:?}");
    ensure!(
        listed[1]["docs"].as_str() == Some(CONTRACT)
            && listed[1]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("合同条款里违约金")),
        "rows: {listed:?}"
    );
    let group = app
        .js("return document.querySelector('#chat-list [role=group] .chat-group-label').textContent;")
        .await?;
    ensure!(group == "Today", "group: {group}");
    ensure!(current_chat(&app).await? == second, "the newest is shown");

    // Two characters (LIKE): both conversations.
    let hits = search(&app, "合同").await?;
    ensure!(chats_in(&hits) == vec![first, second], "合同: {hits:?}");
    ensure!(
        hits.iter().all(|h| h["html_free"] == true),
        "snippets: {hits:?}"
    );
    // Four characters (trigram): both, the match marked.
    let hits = search(&app, "合同条款").await?;
    ensure!(chats_in(&hits) == vec![first, second], "合同条款: {hits:?}");
    ensure!(
        hits.iter().any(|h| h["marked"]
            .as_array()
            .is_some_and(|m| m.contains(&Value::from("合同条款")))),
        "no marked match: {hits:?}"
    );
    // The question of the other conversation: a click opens it and shows that message.
    let hits = search(&app, "违约金怎么").await?;
    let hit = hits
        .iter()
        .find(|h| h["field"] == "question")
        .with_context(|| format!("no question hit: {hits:?}"))?;
    ensure!(hit["chat"] == first, "hit: {hit}");
    let message = hit["message"].as_i64().context("message id")?;
    app.wait_xpath(
        "the question hit",
        &format!("//ul[@aria-label='Search results']//li[@data-message-id='{message}']//button"),
    )
    .await?
    .click()
    .await?;
    let shown = app
        .wait_js(
            "the question scrolled into view and marked",
            Duration::from_secs(10),
            &format!(
                "const cur = document.querySelector('#chat-list li.current');
                 if (!cur || Number(cur.dataset.chatId) !== {first}) return null;
                 const a = document.querySelector('[role=log] article[data-message-id=\"{message}\"]');
                 const log = document.querySelector('[role=log]');
                 if (!a || !a.classList.contains('msg-found')) return null;
                 const r = a.getBoundingClientRect(), l = log.getBoundingClientRect();
                 const inView = r.top >= l.top - 1 && r.top < l.bottom;
                 const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
                 return inView && !atEnd ? {{text: a.textContent, top: log.scrollTop}} : null;"
            ),
        )
        .await?;
    ensure!(
        shown["text"]
            .as_str()
            .is_some_and(|t| t.contains("合同条款里违约金怎么计算")),
        "article: {shown}"
    );
    // Escape clears the search and brings the list back.
    app.field("Search conversations")
        .await?
        .send_keys(ESCAPE)
        .await?;
    app.wait_js(
        "the list back",
        Duration::from_secs(5),
        "return !document.getElementById('history').hidden && document.getElementById('search-panel').hidden
                && document.getElementById('chat-search').value === '';",
    )
    .await?;
    app.quit().await
}

/// Asks one question in a new conversation; returns its id.
pub async fn chat_with_question(app: &App, question: &str, new: bool) -> Result<i64> {
    if new {
        new_chat_by_keyboard(app).await?;
    }
    app.ask(question).await?;
    app.wait_answer(&["complete"]).await?;
    current_chat(app).await
}

/// Opens the row's "⋯" menu (the row is opened first: the button shows on the current row).
pub async fn menu_item(app: &App, chat: i64, item: &str) -> Result<()> {
    let row = format!("//li[@data-chat-id='{chat}']//button[contains(@class,'chat-open')]");
    // A refresh redraws the list: a row found just before it is gone; find it once more.
    if app
        .wait_xpath("the row", &row)
        .await?
        .click()
        .await
        .is_err()
    {
        app.wait_xpath("the row", &row).await?.click().await?;
    }
    let title = app
        .js(&format!(
            "return document.querySelector('#chat-list li[data-chat-id=\"{chat}\"] .chat-title').textContent;"
        ))
        .await?;
    let title = title.as_str().unwrap_or_default().to_string();
    app.click(&format!("Actions for {title}")).await?;
    app.wait_xpath(
        &format!("menu item {item}"),
        &format!("//*[@role='menu']//button[@role='menuitem'][normalize-space(.)='{item}']"),
    )
    .await?
    .click()
    .await?;
    Ok(())
}

pub async fn title_of(app: &App, chat: i64) -> Result<String> {
    let t = app
        .js(&format!(
            "const li = document.querySelector('#chat-list li[data-chat-id=\"{chat}\"]'); return li ? li.querySelector('.chat-title').textContent : null;"
        ))
        .await?;
    Ok(t.as_str().unwrap_or_default().to_string())
}

/// Rename by double-click (Enter saves) and through the menu (Escape cancels, Enter saves);
/// delete with Undo: Undo brings the chat back, and only a bar that closes deletes it.
pub async fn sidebar_rename_and_delete_with_undo(suite: &Suite) -> Result<()> {
    let app = suite.launch("sidebar-rename", with_key()).await?;
    let a = chat_with_question(&app, "What does clause 7 say?", false).await?;
    let b = chat_with_question(&app, "Who signs the contract?", true).await?;

    // Double-click the title: a text field; Enter saves.
    app.js(&format!(
        "document.querySelector('#chat-list li[data-chat-id=\"{a}\"] .chat-title')
           .dispatchEvent(new MouseEvent('dblclick', {{bubbles: true, cancelable: true}})); return true;"
    ))
    .await?;
    let field = app.field("Conversation title").await?;
    // The old title is selected: typing replaces it, as a person would. (No Element Clear: it
    // blurs the field, and a blur ends the rename.)
    field
        .send_keys(&format!("供应商谈判 clause 7{ENTER}"))
        .await?;
    app.wait_js(
        "the new title",
        Duration::from_secs(5),
        &format!("const t = document.querySelector('#chat-list li[data-chat-id=\"{a}\"] .chat-title'); return t && t.textContent === '供应商谈判 clause 7';"),
    )
    .await?;
    // A later question does not rename it back.
    app.wait_xpath(
        "row a",
        &format!("//li[@data-chat-id='{a}']//button[contains(@class,'chat-open')]"),
    )
    .await?
    .click()
    .await?;
    app.wait_js(
        "chat a shown",
        Duration::from_secs(5),
        &format!("const li = document.querySelector('#chat-list li.current'); return li && Number(li.dataset.chatId) === {a};"),
    )
    .await?;
    app.ask("And clause 8?").await?;
    app.wait_answer(&["complete"]).await?;
    ensure!(
        title_of(&app, a).await? == "供应商谈判 clause 7",
        "renamed back"
    );

    // The menu's Rename: Escape cancels.
    let before_b = title_of(&app, b).await?;
    menu_item(&app, b, "Rename").await?;
    let field = app.field("Conversation title").await?;
    field
        .send_keys(&format!("Should not stick{ESCAPE}"))
        .await?;
    app.wait_js(
        "the field gone",
        Duration::from_secs(5),
        "return !document.querySelector('#chat-list input.chat-rename');",
    )
    .await?;
    ensure!(title_of(&app, b).await? == before_b, "Escape saved");
    // …and Enter saves.
    menu_item(&app, b, "Rename").await?;
    let field = app.field("Conversation title").await?;
    field.send_keys(&format!("Signatories{ENTER}")).await?;
    app.wait_js(
        "b renamed",
        Duration::from_secs(5),
        &format!("const t = document.querySelector('#chat-list li[data-chat-id=\"{b}\"] .chat-title'); return t && t.textContent === 'Signatories';"),
    )
    .await?;

    // Delete b (shown): hidden at once, another chat shown, nothing deleted yet; Undo restores.
    menu_item(&app, b, "Delete").await?;
    let listed = rows(&app).await?;
    ensure!(ids(&listed) == vec![a], "after delete: {listed:?}");
    ensure!(current_chat(&app).await? == a, "another chat is shown");
    ensure!(
        stored_chats(&app).await?.contains(&b),
        "deleted before the bar closed"
    );
    app.click("Undo").await?;
    app.wait_js(
        "b back",
        Duration::from_secs(5),
        &format!("const li = document.querySelector('#chat-list li.current'); return document.querySelectorAll('#chat-list li[data-chat-id]').length === 2 && li && Number(li.dataset.chatId) === {b};"),
    )
    .await?;
    ensure!(
        title_of(&app, b).await? == "Signatories",
        "title after Undo"
    );

    // Delete again and let the bar close by itself (8 s): then it is gone from the database.
    menu_item(&app, b, "Delete").await?;
    app.button("Undo").await?;
    ensure!(stored_chats(&app).await?.contains(&b), "deleted at once");
    // Move the pointer away from the bar (it waits while the pointer is on it).
    app.js("document.getElementById('question').focus(); return true;")
        .await?;
    app.wait_js(
        "the Undo bar to close",
        Duration::from_secs(15),
        "return !document.querySelector('#chat-toast .undo-bar');",
    )
    .await?;
    app.wait_js(
        "the deletion stored",
        Duration::from_secs(5),
        &format!("return await window.__TAURI__.core.invoke('list_chats').then(l => !l.some(c => c.id === {b}));"),
    )
    .await?;
    let profile = app.profile.clone();
    app.quit().await?;

    let app = suite
        .launch(
            "sidebar-rename-2",
            Launch {
                profile: Some(profile),
                ..with_key()
            },
        )
        .await?;
    let listed = rows(&app).await?;
    ensure!(ids(&listed) == vec![a], "after restart: {listed:?}");
    ensure!(
        listed[0]["title"] == "供应商谈判 clause 7",
        "after restart: {listed:?}"
    );
    app.quit().await
}

/// Export as Markdown through the menu; the save dialog is driven as a person would.
pub async fn sidebar_export_markdown_through_the_menu(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "sidebar-export", CONTRACT).await?;
    app.ask("合同条款里违约金怎么计算？").await?;
    app.wait_answer(&["complete"]).await?;
    let chat = current_chat(&app).await?;
    let dir = tempfile::tempdir()?;
    // ASCII: xdotool types CJK by remapping a spare key, and drops characters under load.
    let target: PathBuf = dir.path().join("penalty-export.md");

    menu_item(&app, chat, "Export").await?;
    let heading = app
        .wait_js(
            "the export dialog",
            Duration::from_secs(5),
            "const d = document.getElementById('export-dialog'); return d.open ? document.getElementById('export-heading').textContent : null;",
        )
        .await?;
    ensure!(
        heading
            .as_str()
            .is_some_and(|h| h.contains("合同条款里违约金")),
        "heading: {heading}"
    );
    // The click resolves only when the save dialog closes: do not wait on it.
    let button = app.button("Markdown (.md)").await?;
    let click = tokio::spawn(async move { button.click().await });
    let (id, ..) = window_named("^Save File$", Duration::from_secs(15)).await?;
    // The name suggested comes from the title: replace it with a full path.
    xdotool(&["windowfocus", "--sync", &id])?;
    xdotool(&["key", "ctrl+a"])?;
    xdotool(&["type", "--delay", "20", &target.display().to_string()])?;
    xdotool(&["sleep", "0.8", "key", "Return"])?;
    let said = app
        .wait_js(
            "where it was saved",
            Duration::from_secs(15),
            "const t = document.querySelector('#chat-toast .export-done'); return t ? t.textContent : null;",
        )
        .await?;
    let _ = click.await;
    ensure!(
        said.as_str()
            .is_some_and(|s| s.contains(&target.display().to_string())),
        "toast: {said}"
    );
    let text = std::fs::read_to_string(&target).context("reading the exported file")?;
    for needle in [
        "合同条款里违约金怎么计算？",
        "Mock answer to:",
        "Documents used",
        CONTRACT,
        "tokens",
    ] {
        ensure!(text.contains(needle), "export lacks {needle:?}:\n{text}");
    }
    ensure!(!text.contains(KEY), "the key in the export");
    app.quit().await
}
