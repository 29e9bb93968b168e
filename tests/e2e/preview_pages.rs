//! A preview of a document with many pages: a page field ("Page [12] of 120") in place of a
//! chip per page, which jumps to the page typed and follows the scrolling.

use crate::harness::{App, Launch, Suite, STEP};
use crate::preview::open_from_row;
use crate::with_key;
use anyhow::{ensure, Result};
use std::time::Duration;

#[allow(dead_code)]
#[path = "../../benches/support/big_docs.rs"]
mod big_docs;

const PAGES: usize = 120;
const NAME: &str = "合同汇编-120页.pdf";

/// Whether page `n`'s first line is at the top of the Preview's text, and the field says `n`.
fn page_on_top(n: usize) -> String {
    format!(
        "const b = document.getElementById('preview-body');
         const top = b.getBoundingClientRect().top;
         const f = document.getElementById('preview-goto');
         for (const c of b.querySelectorAll('.preview-chunk')) {{
           const node = c.firstChild; const i = node ? node.data.indexOf('第{n}页 Page {n}') : -1;
           if (i < 0) continue;
           const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
           const rects = r.getClientRects(); const y = rects[rects.length - 1].top - top;
           return y > -4 && y < 80 && f.value === '{n}' ? y : null;
         }}
         return null;"
    )
}

pub async fn many_pages_get_a_page_field(suite: &Suite) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join(NAME);
    big_docs::write_pdf(&pdf, PAGES);
    let app = suite
        .launch(
            "preview-pages",
            Launch {
                args: vec![pdf],
                ..with_key()
            },
        )
        .await?;
    app.wait_documents_ready(1).await?;
    open_from_row(&app, NAME).await?;
    let field = app
        .wait_js(
            "the page field",
            STEP,
            "const f = document.getElementById('preview-goto');
             const p = document.getElementById('preview');
             return p.dataset.state === 'ready' && f ? {type: f.type, max: f.max, value: f.value,
               name: f.getAttribute('aria-label'), chips: document.querySelectorAll('.preview-section').length,
               text: document.getElementById('preview-sections').textContent} : null;",
        )
        .await?;
    ensure!(
        field["type"] == "number"
            && field["max"].as_str() == Some(&*PAGES.to_string())
            && field["value"] == "1"
            && field["name"] == "Page number"
            && field["chips"] == 0
            && field["text"]
                .as_str()
                .is_some_and(|t| t.contains(&format!("of {PAGES}"))),
        "a page field, not {PAGES} chips: {field}"
    );
    // Typing a page number and Enter shows that page at the top.
    let input = app
        .wait_xpath("the page field", "//input[@id='preview-goto']")
        .await?;
    input.clear().await?;
    input.send_keys("100\u{E007}").await?;
    app.wait_js("page 100 at the top", STEP, &page_on_top(100))
        .await?;
    // Scrolling moves the field along (once the focus has left it).
    app.js("document.getElementById('preview-body').focus(); return true;")
        .await?;
    let scrolled = app
        .wait_js(
            "the field following the scroll",
            STEP,
            "const b = document.getElementById('preview-body'); b.scrollTop = Math.max(0, b.scrollTop - 1500);
             const v = Number(document.getElementById('preview-goto').value);
             return v < 100 && v > 1 ? v : null;",
        )
        .await?;
    ensure!(scrolled.as_u64().is_some(), "the field: {scrolled}");
    shoot_pages(suite, &app).await?;
    app.quit().await
}

/// `preview-pages-<lang>-<theme>.png`: the page field, in both languages and themes.
async fn shoot_pages(suite: &Suite, app: &App) -> Result<()> {
    for (lang, theme) in [
        ("en", "light"),
        ("en", "dark"),
        ("zh", "dark"),
        ("zh", "light"),
    ] {
        app.js(&format!(
            "for (const [id, v] of [['language', '{lang}'], ['theme', '{theme}']]) {{
               const s = document.getElementById(id);
               if (s.value !== v) {{ s.value = v; s.dispatchEvent(new Event('change')); }}
             }}
             return true;"
        ))
        .await?;
        let html_lang = if lang == "zh" { "zh-CN" } else { "en" };
        app.wait_js(
            "the look",
            Duration::from_secs(5),
            &format!(
                "return document.documentElement.lang === '{html_lang}'
                   && document.documentElement.dataset.theme === '{theme}'
                   && document.getElementById('preview-goto') !== null;"
            ),
        )
        .await?;
        app.js("document.getElementById('preview-goto').value = '64';
                document.getElementById('preview-goto').dispatchEvent(new Event('change'));
                return true;")
            .await?;
        app.wait_js("page 64 at the top", STEP, &page_on_top(64))
            .await?;
        app.screenshot(&suite.screenshot_path("preview-pages", lang, theme))
            .await?;
    }
    Ok(())
}
