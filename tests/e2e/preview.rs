//! The Preview panel (a document's text, read on this machine), Find in document, and
//! quotations in answers that link to the place they were found.

use crate::harness::{App, Launch, Suite, STEP};
use crate::{launch_with_document, with_key};
use anyhow::{ensure, Result};
use serde_json::Value;
use std::path::PathBuf;

const CONTRACT_PDF: &str = "采购合同-2026-华东.pdf";
const CONTRACT_DOCX: &str = "采购合同-2026-华东.docx";
/// A clause of the contract, quoted word for word.
const CLAUSE: &str = "每逾期一日，应按逾期交付货物金额的0.5%向甲方支付违约金";
/// A quotation the contract does not hold.
const MADE_UP: &str = "乙方应赔偿甲方全部损失的三倍";

/// The panel as the tests see it: `{open, state, name, meta, sections, pos, mark, markCls,
/// markInView, empty, text}`.
const PANEL_FN: &str = r#"
function panel() {
  const p = [...document.querySelectorAll('aside')].find(a => a.getAttribute('aria-label') === 'Preview'
    || a.id === 'preview');
  if (!p) return { open: false };
  const body = p.querySelector('#preview-body');
  const m = body.querySelector('mark');
  let inView = false;
  if (m) {
    const r = m.getBoundingClientRect(), b = body.getBoundingClientRect();
    inView = r.top >= b.top - 1 && r.bottom <= b.bottom + 1 && r.height > 0;
  }
  return {
    open: !p.hidden,
    state: p.dataset.state || '',
    label: p.getAttribute('aria-label'),
    name: p.querySelector('#preview-name').textContent,
    meta: p.querySelector('#preview-meta').textContent,
    sections: [...p.querySelectorAll('#preview-sections button')].map(b => ({ kind: b.dataset.kind, text: b.textContent })),
    pos: p.querySelector('#preview-find-pos').textContent,
    mark: m ? m.textContent : null,
    markCls: m ? m.className : null,
    marks: body.querySelectorAll('mark').length,
    markInView: inView,
    empty: p.querySelector('#preview-empty').hidden ? '' : p.querySelector('#preview-empty').textContent.trim(),
    bodyHidden: body.hidden,
    text: body.textContent.length,
    focusIn: p.contains(document.activeElement),
  };
}
"#;

async fn panel_when(app: &App, what: &str, cond: &str) -> Result<Value> {
    app.wait_js(
        what,
        STEP,
        &format!("{PANEL_FN} const p = panel(); return ({cond}) ? p : null;"),
    )
    .await
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Clicks the name of the document row `name` (it opens the preview).
pub async fn open_from_row(app: &App, name: &str) -> Result<()> {
    let clicked = app
        .js(&format!(
            "const b = [...document.querySelectorAll('#doc-list li[data-state=ready] button')]
               .find(b => b.textContent === {n} && b.offsetParent !== null);
             if (b) {{ b.focus(); b.click(); }} return !!b;",
            n = serde_json::to_string(name)?
        ))
        .await?;
    ensure!(clicked == true, "no document row named {name}");
    Ok(())
}

/// Presses a key in the element `selector` (keydown, as the panel listens for it).
async fn key(app: &App, selector: &str, key: &str, shift: bool) -> Result<()> {
    app.js(&format!(
        "const e = document.querySelector({sel}); e.focus();
         e.dispatchEvent(new KeyboardEvent('keydown', {{key: {key}, shiftKey: {shift}, bubbles: true, cancelable: true}}));
         return true;",
        sel = serde_json::to_string(selector)?,
        key = serde_json::to_string(key)?,
    ))
    .await?;
    Ok(())
}

/// (1) The contract PDF from its row: page markers, then Find "违约金" and its 2nd match.
pub async fn preview_finds_in_the_contract_pdf(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "preview-find", CONTRACT_PDF).await?;
    open_from_row(&app, CONTRACT_PDF).await?;
    let p = panel_when(
        &app,
        "the preview of the PDF",
        "p.open && p.state === 'ready' && p.text > 0",
    )
    .await?;
    ensure!(p["label"] == "Preview", "the panel's name: {p}");
    ensure!(
        p["name"] == CONTRACT_PDF,
        "the panel names the document: {p}"
    );
    let meta = p["meta"].as_str().unwrap_or_default();
    ensure!(
        meta.contains("characters") && meta.contains("tokens"),
        "counts: {meta}"
    );
    let sections = p["sections"].as_array().cloned().unwrap_or_default();
    ensure!(
        sections.len() >= 2
            && sections.iter().all(|s| s["kind"] == "page")
            && sections[0]["text"] == "Page 1"
            && sections[1]["text"] == "Page 2",
        "page markers: {sections:?}"
    );

    app.type_into("Find in document", "违约金").await?;
    let p = panel_when(
        &app,
        "the first match",
        r"/^1\/\d+$/.test(p.pos) && p.mark !== null",
    )
    .await?;
    let count: u64 = p["pos"]
        .as_str()
        .and_then(|s| s.split('/').nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    ensure!(
        count >= 2,
        "违约金 occurs more than once in the contract: {p}"
    );
    app.click("Next match").await?;
    let p = panel_when(
        &app,
        "the second match",
        &format!("p.pos === '2/{count}' && p.mark !== null && p.markInView"),
    )
    .await?;
    ensure!(
        no_space(p["mark"].as_str().unwrap_or_default()) == "违约金"
            && p["markCls"] == "find-mark"
            && p["marks"] == 1,
        "the marked text: {p}"
    );
    // Shift+Enter goes back, Enter forward again; the match is in view each time.
    key(&app, "#preview-find-input", "Enter", true).await?;
    panel_when(
        &app,
        "back to the first match",
        "p.pos.startsWith('1/') && p.markInView",
    )
    .await?;
    key(&app, "#preview-find-input", "Enter", false).await?;
    panel_when(
        &app,
        "the second match again",
        "p.pos.startsWith('2/') && p.markInView",
    )
    .await?;
    // The Previous button goes back too, and from the first match round to the last.
    app.click("Previous match").await?;
    panel_when(
        &app,
        "the first match by the Previous button",
        "p.pos.startsWith('1/') && p.markInView",
    )
    .await?;
    app.click("Previous match").await?;
    panel_when(
        &app,
        "round to the last match",
        &format!("p.pos === '{count}/{count}' && p.markInView"),
    )
    .await?;
    // A page marker jumps there; Escape closes the panel and gives the focus back.
    app.js("[...document.querySelectorAll('#preview-sections button')].find(b => b.textContent === 'Page 2').click(); return true;")
        .await?;
    panel_when(&app, "page 2 marked current", "p.mark === null").await?;
    key(&app, "#preview-find-input", "Escape", false).await?;
    panel_when(&app, "the panel closed", "!p.open").await?;
    let back = app
        .js("return document.activeElement && document.activeElement.textContent;")
        .await?;
    ensure!(back == CONTRACT_PDF, "focus after Escape: {back}");
    app.quit().await
}

/// (2) A real quotation links to the clause (highlighted in the preview); a made-up one is
/// marked "not found in the documents"; the line under the answer counts them, also after a
/// restart (stored answers).
pub async fn quotes_link_to_the_clause_and_flag_made_up_ones(suite: &Suite) -> Result<()> {
    let app = launch_with_document(suite, "preview-quotes", CONTRACT_DOCX).await?;
    crate::xss::watch(&app).await?;
    app.ask(&format!(
        "合同是否写明「{CLAUSE}」？另外是否有“{MADE_UP}”的条款？"
    ))
    .await?;
    app.wait_answer(&["complete"]).await?;
    check_quotes(&app).await?;
    crate::xss::verdict(&app, "quotes wrapped in the answer").await?;

    let link = app
        .wait_xpath(
            "the quote link",
            "//article[@data-role='assistant']//span[@role='link' and contains(@class,'quote-found')]",
        )
        .await?;
    link.click()
        .await
        .map_err(|e| anyhow::anyhow!("clicking the quote: {e}"))?;
    let p = panel_when(
        &app,
        "the clause highlighted in the preview",
        "p.open && p.state === 'ready' && p.mark !== null && p.markInView",
    )
    .await?;
    ensure!(
        p["name"] == CONTRACT_DOCX,
        "the panel names the document: {p}"
    );
    ensure!(p["markCls"] == "quote-mark", "the highlight: {p}");
    ensure!(
        no_space(p["mark"].as_str().unwrap_or_default()) == no_space(CLAUSE),
        "the highlighted text is the clause: {p}"
    );
    app.click("Close").await?;
    panel_when(&app, "the panel closed", "!p.open").await?;

    // A stored answer gets its quotes again when the chat opens.
    let profile = app.profile.clone();
    app.quit().await?;
    let app = suite
        .launch(
            "preview-quotes-2",
            Launch {
                profile: Some(profile),
                ..with_key()
            },
        )
        .await?;
    app.wait_answer(&["complete"]).await?;
    check_quotes(&app).await?;
    app.quit().await
}

async fn check_quotes(app: &App) -> Result<()> {
    let q = app
        .wait_js(
            "the quotes counted under the answer",
            STEP,
            "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
             const line = a && a.querySelector('.msg-quotes');
             if (!line) return null;
             const f = a.querySelector('.msg-body .quote-found');
             const m = a.querySelector('.msg-body .quote-missing');
             return { line: line.textContent, inBody: !!line.closest('.msg-body'),
               found: f && { text: f.textContent, role: f.getAttribute('role'), title: f.title },
               missing: m && { text: m.textContent, title: m.title, note: m.dataset.note,
                 shown: getComputedStyle(m, '::after').content },
               links: a.querySelectorAll('.msg-body .quote-found').length,
               flagged: a.querySelectorAll('.msg-body .quote-missing').length };",
        )
        .await?;
    ensure!(
        q["line"] == "Quotes: 1 found, 1 not found" && q["inBody"] == false,
        "the count line: {q}"
    );
    ensure!(
        q["links"] == 1 && q["flagged"] == 1,
        "one link, one flagged: {q}"
    );
    let found = &q["found"];
    ensure!(
        found["role"] == "link"
            && found["text"] == format!("「{CLAUSE}」")
            && found["title"] == format!("Show in {CONTRACT_DOCX}"),
        "the found quote: {q}"
    );
    let missing = &q["missing"];
    ensure!(
        missing["text"] == format!("“{MADE_UP}”")
            && missing["title"] == "not found in the documents"
            && missing["shown"]
                .as_str()
                .unwrap_or_default()
                .contains("not found in the documents"),
        "the made-up quote: {q}"
    );
    Ok(())
}

/// (3) A scanned PDF says why there is no text, instead of an empty preview.
pub async fn scanned_pdf_says_why_there_is_no_preview(suite: &Suite) -> Result<()> {
    let name = "scanned-notice.pdf";
    let app = launch_with_document(suite, "preview-scanned", name).await?;
    open_from_row(&app, name).await?;
    let p = panel_when(
        &app,
        "the reason for no preview",
        "p.open && p.state === 'none'",
    )
    .await?;
    ensure!(
        p["empty"] == "Scanned pages: the service will read it, the preview cannot."
            && p["bodyHidden"] == true
            && p["name"] == name,
        "the scanned PDF: {p}"
    );
    app.click("Close").await?;
    panel_when(&app, "the panel closed", "!p.open").await?;
    app.quit().await
}

/// (4) A long text (about 1 MB) opens at once in windows: only a part of it is in the page,
/// Find brings in the window of a match near the end, and scrolling up loads earlier windows.
pub async fn long_document_opens_in_windows(suite: &Suite) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("长文本-窗口.txt");
    let mut text = String::new();
    for i in 0..12_000 {
        text.push_str(&format!(
            "第{i:05}行：甲方与乙方约定的条款内容，用于检查长文档的预览窗口。\n"
        ));
        if i == 11_500 {
            text.push_str("这里有一句独一无二的标记语。\n");
        }
    }
    std::fs::write(&path, &text)?;
    let app = suite
        .launch(
            "preview-long",
            Launch {
                args: vec![path],
                ..with_key()
            },
        )
        .await?;
    app.wait_documents_ready(1).await?;
    open_from_row(&app, "长文本-窗口.txt").await?;
    let p = panel_when(
        &app,
        "the long preview",
        "p.open && p.state === 'ready' && p.text > 0",
    )
    .await?;
    let shown = p["text"].as_u64().unwrap_or(0);
    let total = text.chars().count() as u64;
    ensure!(
        shown > 0 && shown < total / 3,
        "only windows of the text are in the page: {shown} of {total} characters"
    );
    app.type_into("Find in document", "独一无二的标记语")
        .await?;
    let p = panel_when(
        &app,
        "the match near the end",
        "p.pos === '1/1' && p.mark !== null && p.markInView",
    )
    .await?;
    ensure!(p["mark"] == "独一无二的标记语", "the match: {p}");
    let first = app
        .js("return Number(document.querySelector('#preview-body .preview-chunk').dataset.start);")
        .await?
        .as_u64()
        .unwrap_or(0);
    ensure!(
        first > 500_000,
        "the match's window, not the start: {first}"
    );
    // Scrolling to the top loads the windows before it.
    app.wait_js(
        "an earlier window",
        STEP,
        &format!(
            "const b = document.getElementById('preview-body'); b.scrollTop = 0;
             return Number(b.querySelector('.preview-chunk').dataset.start) < {first};"
        ),
    )
    .await?;
    let text_after = app
        .js("const b = document.getElementById('preview-body');
             const c = [...b.querySelectorAll('.preview-chunk')];
             // Windows follow each other without gaps or overlaps.
             const len = (x) => new TextEncoder().encode(x.textContent).length;
             const ok = c.every((x, i) => i === 0
               || Number(c[i - 1].dataset.start) + len(c[i - 1]) === Number(x.dataset.start));
             return {ok, chars: b.textContent.length};")
        .await?;
    ensure!(
        text_after["ok"] == true && text_after["chars"].as_u64().unwrap_or(0) < total,
        "windows after scrolling: {text_after}"
    );
    app.quit().await
}

/// `preview-<lang>-<theme>.png`: the contract with a highlighted quote, the answer beside it.
pub async fn shoot_preview(app: &App, shot: &dyn Fn(&str) -> PathBuf) -> Result<()> {
    let lang = app.js("return document.documentElement.lang;").await?;
    let question = if lang == "zh-CN" {
        format!("合同是否写明「{CLAUSE}」？是否有“{MADE_UP}”？")
    } else {
        format!("Does the contract say 「{CLAUSE}」, and “{MADE_UP}”?")
    };
    app.type_into_question(&question).await?;
    app.wait_answer(&["complete"]).await?;
    app.wait_js(
        "the quote link",
        STEP,
        "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
         return a && a.querySelector('.msg-quotes') && a.querySelector('.msg-body .quote-found');",
    )
    .await?;
    app.js(
        "[...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop()
              .querySelector('.msg-body .quote-found').click(); return true;",
    )
    .await?;
    panel_when(
        app,
        "the highlighted quote",
        "p.open && p.state === 'ready' && p.mark !== null && p.markInView",
    )
    .await?;
    // The answer with its quotes in view beside the preview.
    app.js("const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
            const l = document.querySelector('[role=log]');
            l.scrollTop += a.getBoundingClientRect().top - l.getBoundingClientRect().top - 12; return true;")
        .await?;
    app.screenshot(&shot("preview")).await?;
    app.js("document.getElementById('preview-close').click(); return true;")
        .await?;
    panel_when(app, "the preview closed", "!p.open").await?;
    Ok(())
}
