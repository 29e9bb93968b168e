//! Hostile text everywhere the app shows text it did not write: model output (streamed, so
//! tags arrive split across chunks), chat titles, document names (files and pasted texts) and
//! the service's own error messages. A watcher installed before anything arrives records every
//! element that could run script or load something, and every payload is followed by a look at
//! the canary, the watcher, the window title and the window's address.

use crate::app::LOG_FN;
use crate::harness::{App, Launch, Suite, STEP};
use crate::{with_key, KEY};
use anyhow::{ensure, Context, Result};
use mock_dashscope::{Fault, Target};
use serde_json::{json, Value};
use std::time::Duration;

/// Every payload's script, if it ever ran, bumps `window.__canary` (or renames the window).
pub const PAYLOADS: &[&str] = &[
    "<script>__canary++</script>",
    "<script src=data:text/javascript,__canary++></script>",
    "<img src=x onerror=__canary++>",
    "<img src=\"x\" onerror=\"document.title='XSS'\">",
    "<svg onload=__canary++>",
    "<svg/onload=__canary++>",
    "<body onload=__canary++>",
    "<iframe src=\"javascript:__canary++\"></iframe>",
    "<iframe srcdoc=\"<script>parent.__canary++</script>\"></iframe>",
    "<object data=\"javascript:__canary++\"></object>",
    "<embed src=\"javascript:__canary++\">",
    "<a href=\"javascript:__canary++\">html link</a>",
    "[md link](javascript:__canary++)",
    "[mixed case](JaVaScRiPt:__canary++)",
    "[colon entity](javascript&#58;__canary++)",
    "[all entities](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;__canary++)",
    "[hex entities](&#x6A;avascript&#x3A;__canary++)",
    "[tab inside](<java\tscript:__canary++>)",
    "[newline entity](jav&#x0A;ascript:__canary++)",
    "[tab entity](java&#x09;script:__canary++)",
    "[leading space]( javascript:__canary++)",
    "[spaces in brackets](< javascript:__canary++ >)",
    "[slash comment](javascript://%0a__canary++)",
    "<javascript:__canary++>",
    "<JaVaScRiPt:__canary++>",
    "![md image](javascript:__canary++)",
    "![broken out](x\" onerror=\"__canary++)",
    "![remote image](https://evil.example/pixel.png)",
    "[data link](data:text/html;base64,PHNjcmlwdD5fX2NhbmFyeSsrPC9zY3JpcHQ+)",
    "<a href=\"data:text/html,<script>__canary++</script>\">data html</a>",
    "[file link](file:///etc/passwd)",
    "<file:///etc/passwd>",
    "[smb link](smb://attacker.example/share)",
    "<smb://attacker.example/share>",
    "[vbscript](vbscript:msgbox(1))",
    "[ref link][r]\n\n[r]: javascript:__canary++",
    "[fullwidth](ｊａｖａｓｃｒｉｐｔ:__canary++)",
    "<svg><style><img src=x onerror=__canary++></style></svg>",
    "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=__canary++&gt;\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=__canary++></style></mglyph></table></mtext></math>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=__canary++>\">",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=__canary++>",
    "<noscript><p title=\"</noscript><img src=x onerror=__canary++>\">",
    "<svg><a xlink:href=\"javascript:__canary++\"><text x=20 y=20>svg link</text></a></svg>",
    "<svg><animate onbegin=__canary++ attributeName=x dur=1s>",
    "<math href=\"javascript:__canary++\">math link</math>",
    "<div style=\"background:url(javascript:__canary++)\">css url</div>",
    "<p style=\"background-image:url('https://evil.example/x.png')\">remote css</p>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "table below\n\n| a | b |\n|---|---|\n| <img src=x onerror=__canary++> | 1 |\n| [cell](javascript:__canary++) | 2 |",
    "<details open ontoggle=__canary++>",
    "<input autofocus onfocus=__canary++>",
    "<video><source onerror=__canary++></video>",
    "<audio src=x onerror=__canary++>",
    "<base href=\"javascript:/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:__canary++\">",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<form action=\"javascript:__canary++\"><button>form</button></form>",
    "<button formaction=\"javascript:__canary++\">formaction</button>",
    "<a href=\"https://ok.example/\" onclick=\"__canary++\">web link with handler</a>",
    "\"><img src=x onerror=__canary++>",
    "'><svg onload=__canary++>",
    "<scr<script>ipt>__canary++</scr</script>ipt>",
    "<!--<img src=\"--><img src=x onerror=__canary++//\">",
    "<template><img src=x onerror=__canary++></template>",
    "`<img src=x onerror=__canary++>` in code",
    "```html\n<script>__canary++</script>\n```",
    "<https://ok.example/\" onmouseover=\"__canary++>",
    "[quote breakout](https://ok.example/\"onmouseover=\"__canary++)",
];

/// Installs the canary and a watcher on the whole document, before any payload arrives.
/// The watcher records elements with `on…` attributes, URL attributes that are not absolute
/// http(s), `url(` in style attributes, and any element that can run or load something; under
/// an answer body, any element Markdown does not make.
const WATCH: &str = r#"
if (window.__xss) return true;
window.__canary = 0;
const seen = [];
const DANGER = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'img', 'image',
  'svg', 'math', 'style', 'link', 'meta', 'base', 'form', 'video', 'audio', 'source', 'track',
  'template', 'use', 'animate', 'set', 'foreignobject', 'applet', 'portal', 'noscript', 'param']);
const MARKDOWN = new Set(['div', 'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li',
  'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's', 'a', 'table', 'thead', 'tbody', 'tr', 'th',
  'td', 'span', 'b', 'i']);
const URL_ATTRS = ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'poster', 'background',
  'srcdoc', 'ping', 'codebase', 'srcset'];
const web = (v) => { try { return ['http:', 'https:'].includes(new URL(v).protocol); } catch { return false; } };
// `added`: a new element (its kind counts); else an element whose attributes changed.
function check(e, added = true) {
  if (!(e instanceof Element)) return;
  const tag = e.localName.toLowerCase();
  const where = (e.closest && e.closest('[id]')) ? e.closest('[id]').id : '';
  const note = (why) => seen.push({ why, tag, where, html: e.outerHTML.slice(0, 200) });
  if (e.namespaceURI !== 'http://www.w3.org/1999/xhtml') note('foreign namespace');
  if (added && DANGER.has(tag)) note('element');
  if (added && e.closest('.msg-body') && !e.classList.contains('msg-body') && !MARKDOWN.has(tag)) note('not Markdown');
  for (const a of [...e.attributes]) {
    const n = a.name.toLowerCase();
    if (n.startsWith('on')) note(`handler ${n}`);
    if (URL_ATTRS.includes(n) && (n === 'srcdoc' || !web(a.value))) note(`${n}=${a.value}`);
    if (n === 'style' && /url\s*\(|expression\s*\(|@import/i.test(a.value)) note(`style ${a.value}`);
  }
}
function walk(n) {
  if (!(n instanceof Element)) return;
  check(n);
  for (const d of n.querySelectorAll('*')) check(d);
}
new MutationObserver((records) => {
  for (const r of records) {
    if (r.type === 'childList') r.addedNodes.forEach(walk);
    else if (r.type === 'attributes') check(r.target, false);
  }
}).observe(document.documentElement, { childList: true, subtree: true, attributes: true });
// The app's own markup, there before anything arrived, is left out of the full scan.
const before = new WeakSet(document.querySelectorAll('*'));
const scan = () => { for (const e of document.querySelectorAll('*')) if (!before.has(e)) check(e); };
window.__xss = { seen, title: document.title, href: location.href, scan };
return true;
"#;

/// What the watcher saw so far, and the canary, title and address.
const VERDICT: &str = r#"
const x = window.__xss;
if (!x) return { lost: true, href: location.href };
return { seen: x.seen.slice(0, 5), count: x.seen.length, canary: window.__canary,
  title: document.title, titleWas: x.title, href: location.href, hrefWas: x.href, frames: window.length };
"#;

pub async fn watch(app: &App) -> Result<()> {
    app.js(WATCH).await?;
    Ok(())
}

/// Fails when anything ran, loaded, navigated or slipped into the page (`after` names the step).
pub async fn verdict(app: &App, after: &str) -> Result<()> {
    let v = app.js(VERDICT).await?;
    ensure!(
        v["lost"].is_null(),
        "after {after}: the page was replaced ({v})"
    );
    ensure!(
        v["count"] == 0 && v["canary"] == 0 && v["frames"] == 0,
        "after {after}: {v}"
    );
    ensure!(
        v["title"] == v["titleWas"] && v["href"] == v["hrefWas"],
        "after {after}: the window changed: {v}"
    );
    Ok(())
}

/// Every element added since the watcher started, once more, not only as it was added.
async fn full_scan(app: &App, after: &str) -> Result<()> {
    app.js("window.__xss.scan(); return true;").await?;
    verdict(app, after).await
}

/// The title the engine makes from a first question (names::title_from, 30 characters).
fn title_from(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = collapsed.chars().take(30).collect();
    if collapsed.chars().count() > 30 {
        out = out.trim_end().to_string();
        out.push('…');
    }
    out
}

/// Sends `text` as it is (set in the box, not typed: tabs and newlines stay in), and waits for
/// the answer to end in one of `statuses`. Returns the last answer.
pub async fn ask_raw(app: &App, text: &str, statuses: &[&str]) -> Result<Value> {
    let before = app.assistant_count().await?;
    app.client
        .execute(
            "const q = document.getElementById('question'); q.value = arguments[0];
             document.getElementById('send').click(); return true;",
            vec![json!(text)],
        )
        .await
        .context("sending a question")?;
    let list = serde_json::to_string(statuses)?;
    app.wait_js(
        &format!("an answer with status {statuses:?}"),
        STEP,
        &format!(
            "{LOG_FN} const a = answers(); const l = a[a.length - 1];
             const idle = !document.getElementById('send').disabled;
             return a.length > {before} && idle && {list}.includes(l.status) ? l : null;"
        ),
    )
    .await
}

/// A new chat, shown and empty (the chat shown already is, before its first question).
pub async fn new_chat(app: &App) -> Result<()> {
    let empty = app
        .js("return !document.querySelector('#conversation article') && !document.querySelector('#doc-list li');")
        .await?;
    if empty == true {
        return Ok(());
    }
    let before = app
        .js("return document.querySelectorAll('#chat-list li').length;")
        .await?;
    app.js("document.getElementById('new-chat').click(); return true;")
        .await?;
    app.wait_js(
        "a new chat",
        Duration::from_secs(10),
        &format!(
            "return document.querySelectorAll('#chat-list li').length > {before}
                 && !document.querySelector('#conversation article');"
        ),
    )
    .await?;
    Ok(())
}

/// In the page: waits (polling every 10 ms) until `f()` is truthy, at most `ms`.
const UNTIL: &str = "const until = async (f, ms) => { const end = Date.now() + ms;
  for (;;) { const v = f(); if (v || Date.now() > end) return v; await new Promise(r => setTimeout(r, 10)); } };
const last = (sel) => [...document.querySelectorAll(sel)].pop();
const idle = () => !document.getElementById('send').disabled;
const ask = (text) => { document.getElementById('question').value = text; document.getElementById('send').click(); };";

/// One payload as the first question of a new chat: the answer, the question shown, the title.
const FIRST_QUESTION: &str = r#"
const [payload, title] = arguments;
if (document.querySelector('#conversation article')) {
  const n = document.querySelectorAll('#chat-list li').length;
  document.getElementById('new-chat').click();
  await until(() => document.querySelectorAll('#chat-list li').length > n
    && !document.querySelector('#conversation article'), 10000);
}
ask(payload);
const done = await until(() => { const a = last('#conversation article[data-role=assistant]');
  return a && idle() && a.dataset.status !== 'streaming' && a.dataset.status; }, 20000);
const answer = last('#conversation article[data-role=assistant] .msg-body');
const question = last('#conversation article[data-role=user] .msg-body');
const current = () => document.querySelector('#chat-list li.current .chat-title');
await until(() => current() && current().textContent === title, 10000);
return { status: done, answer: answer ? answer.textContent.slice(0, 80) : null,
  question: question ? question.textContent : null, title: current() ? current().textContent : null };
"#;

/// A follow-up the service refuses with the payload as its message: the error's details.
const REFUSED: &str = r#"
const [i] = arguments;
const n = document.querySelectorAll('#conversation article[data-role=assistant]').length;
ask(`error probe ${i}`);
const done = await until(() => { const a = last('#conversation article[data-role=assistant]');
  return document.querySelectorAll('#conversation article[data-role=assistant]').length > n
    && idle() && a.dataset.status !== 'streaming' && a.dataset.status; }, 20000);
const a = last('#conversation article[data-role=assistant]');
return { status: done, detail: [...a.querySelectorAll('.error-details dd')].map(d => d.textContent).join('\n') };
"#;

/// Each payload as a first question: the streamed answer echoes it, the chat is titled by it,
/// and a refused follow-up carries it as the service's message.
pub async fn xss_in_answers_titles_and_errors(suite: &Suite) -> Result<()> {
    // Small gaps between chunks: the renderer draws partial states of the tags.
    suite.mock.set_chunk_delay(Duration::from_millis(4));
    let app = suite.launch("xss-answers", with_key()).await?;
    watch(&app).await?;
    let run = |script: &str, args: Vec<Value>| {
        let client = app.client.clone();
        let script = format!("{UNTIL}\n{script}");
        async move {
            client
                .execute(&script, args)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
        }
    };
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let step = format!("payload {i} {payload:?}");
        let title = title_from(payload);
        let r = run(FIRST_QUESTION, vec![json!(payload), json!(title)])
            .await
            .context(step.clone())?;
        ensure!(
            r["status"] == "complete"
                && r["answer"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Mock answer to:")),
            "{step}: {r}"
        );
        // The question and the chat's title are shown as the text they are.
        ensure!(
            r["question"].as_str() == Some(payload.trim()) && r["title"] == title.as_str(),
            "{step}: shown as {r}, title expected {title:?}"
        );
        verdict(&app, &format!("{step} as an answer and a title")).await?;

        // The service's own message, shown under Details of the error.
        suite.mock.push_fault(Fault::http_error(
            Target::Chat,
            400,
            "InvalidParameter",
            payload,
        ));
        let r = run(REFUSED, vec![json!(i)]).await.context(step.clone())?;
        ensure!(
            r["status"] == "error"
                && r["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains(payload.trim())),
            "{step}: the service's message is not in the details: {r}"
        );
        verdict(&app, &format!("{step} as an error message")).await?;
    }
    // Reopened from storage: a chat drawn again from what was stored.
    app.js("document.querySelector('#chat-list li:last-child .chat-open').click(); return true;")
        .await?;
    app.wait_js(
        "the oldest chat reopened",
        Duration::from_secs(10),
        "return document.querySelectorAll('#conversation article').length === 4;",
    )
    .await?;
    full_scan(&app, "all payloads and a reopened chat").await?;
    ensure!(
        !app.client.source().await?.contains(KEY),
        "the page shows the key"
    );
    app.quit().await
}

/// A file name for a payload: no `/` (a fraction slash instead), no line breaks (spaces: see
/// `document_named_with_a_line_break_uploads`), short enough, and `.txt`.
fn file_name(i: usize, payload: &str) -> String {
    let mut name: String = payload.replace('/', "\u{2044}").replace(['\n', '\r'], " ");
    while name.len() > 200 {
        name.pop();
    }
    format!("{name} {i}.txt")
}

/// Payloads as document names: files opened with the app (their contents are payloads too, and
/// the answer lists them), then texts pasted with a payload as their name.
pub async fn xss_in_document_names(suite: &Suite) -> Result<()> {
    suite.mock.set_chunk_delay(Duration::from_millis(2));
    let dir = tempfile::tempdir()?;
    let mut files = Vec::new();
    let mut names = Vec::new();
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let name = file_name(i, payload);
        let path = dir.path().join(&name);
        std::fs::write(&path, format!("{payload}\n"))?;
        files.push(path);
        // Shown (and sent) as the app names uploads: control characters become spaces.
        names.push(longwen_core::names::upload_name(&name));
    }
    let app = suite
        .launch(
            "xss-documents",
            Launch {
                args: files,
                keep_waiting: true,
                ..with_key()
            },
        )
        .await?;
    watch(&app).await?;
    app.wait_xpath(
        "the question before uploading",
        "//dialog[@id='confirm-dialog'][@open]//button[@id='confirm-ok']",
    )
    .await?
    .click()
    .await?;
    app.wait_documents_ready(names.len()).await?;
    let shown = app
        .js("return [...document.querySelectorAll('#doc-list .doc-name')].map(n => n.textContent);")
        .await?;
    let mut shown: Vec<String> = serde_json::from_value(shown)?;
    shown.sort();
    names.sort();
    ensure!(shown == names, "document names shown: {shown:?}");
    verdict(&app, "payloads as file names").await?;
    // The answer lists every name and the start of every file: all of it model output.
    let answer = ask_raw(&app, "List the documents.", &["complete"]).await?;
    ensure!(
        answer["text"]
            .as_str()
            .is_some_and(|t| t.contains(&format!("Documents ({})", names.len()))),
        "{answer}"
    );
    verdict(&app, "file names and contents in an answer").await?;

    // Pasted texts keep the name given, as it is (slashes and all).
    new_chat(&app).await?;
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let r = app
            .client
            .execute(
                r#"const [name, text, n] = arguments;
                   document.getElementById('paste-text').click();
                   const set = (id, v) => { const e = document.getElementById(id); e.value = v;
                     e.dispatchEvent(new Event('input', { bubbles: true })); };
                   set('paste-name', name);
                   set('paste-text-area', text);
                   document.getElementById('paste-add').click();
                   const done = () => document.querySelectorAll('#doc-list [data-state=ready]').length >= n
                     && !document.getElementById('paste-dialog').open;
                   for (let k = 0; k < 100 && !done(); k++) await new Promise(r => setTimeout(r, 50));
                   return done() || document.getElementById('paste-result').textContent || 'no';"#,
                vec![
                    json!(payload),
                    json!(format!("pasted {i}: {payload}")),
                    json!(i + 1),
                ],
            )
            .await
            .with_context(|| format!("pasting {payload:?}"))?;
        ensure!(r == true, "pasting {payload:?}: {r}");
        verdict(&app, &format!("pasted text named {payload:?}")).await?;
    }
    let shown = app
        .js("return [...document.querySelectorAll('#doc-list .doc-name')].map(n => n.textContent);")
        .await?;
    let mut shown: Vec<String> = serde_json::from_value(shown)?;
    // A one-line field drops line breaks as the value is set (HTML's value sanitisation).
    let mut expected: Vec<String> = PAYLOADS
        .iter()
        .map(|p| p.replace(['\n', '\r'], "").trim().to_string())
        .collect();
    shown.sort();
    expected.sort();
    ensure!(shown == expected, "pasted names shown: {shown:?}");
    let answer = ask_raw(&app, "What do the texts say?", &["complete"]).await?;
    ensure!(
        answer["text"]
            .as_str()
            .is_some_and(|t| t.contains(&format!("Texts ({})", PAYLOADS.len()))),
        "{answer}"
    );
    full_scan(&app, "pasted names and contents in an answer").await?;
    app.quit().await
}
