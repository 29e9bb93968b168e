//! The cost line above the question box: what the next question will read and cost, before it
//! is asked, and under the answer how far that was from what the service read. The mock counts
//! usage with Qwen's own tokenizer, so the estimate is held to the real count.

use crate::harness::{Suite, STEP};
use crate::launch_with_document;
use anyhow::{ensure, Result};
use serde_json::Value;

const CONTRACT_DOCX: &str = "采购合同-2026-华东.docx";
/// The error the estimate states (`longwen_core::estimates::STATED_ERROR`).
const STATED_ERROR: f64 = longwen_core::estimates::STATED_ERROR;

/// `{text, tokens}` of the cost line once it holds an estimate above `above` tokens.
async fn cost_line_above(app: &crate::harness::App, what: &str, above: u64) -> Result<Value> {
    app.wait_js(
        what,
        STEP,
        &format!(
            "const n = document.getElementById('cost-note');
             const tokens = Number(n.dataset.tokens || 0);
             return tokens > {above} ? {{ text: n.textContent, tokens }} : null;"
        ),
    )
    .await
}

pub async fn cost_line_estimates_before_asking_and_shows_the_error_after(
    suite: &Suite,
) -> Result<()> {
    ensure!(
        mock_dashscope::tokens::qwen_tokenizer_loaded(),
        "the mock needs Qwen's vocabulary: run scripts/fetch-qwen-vocab.sh"
    );
    let app = launch_with_document(suite, "cost-line", CONTRACT_DOCX).await?;
    let before = cost_line_above(&app, "the cost line before asking", 1000).await?;
    let text = before["text"].as_str().unwrap_or_default();
    ensure!(
        text.starts_with("This question will read about") && text.contains('¥'),
        "cost line: {text}"
    );
    let estimate = before["tokens"].as_u64().unwrap_or(0);

    app.ask("Which clauses carry penalties?").await?;
    app.wait_answer(&["complete"]).await?;
    let foot = app
        .wait_js(
            "the estimate beside the usage",
            STEP,
            "const a = [...document.querySelectorAll('[role=log] article[data-role=assistant]')].pop();
             const e = a && a.querySelector('.msg-estimate'), u = a && a.querySelector('.msg-usage');
             if (!e || !u) return null;
             const nums = (s) => (s.match(/\\d[\\d,]*/g) || []).map(x => Number(x.replace(/,/g, '')));
             return { words: e.textContent, stored: nums(e.title)[0], real: nums(u.title)[0] };",
        )
        .await?;
    let stored = foot["stored"].as_u64().unwrap_or(0);
    let real = foot["real"].as_u64().unwrap_or(1);
    // The question typed after the line was drawn adds a few tokens at most.
    ensure!(
        stored.abs_diff(estimate) <= 40,
        "the line said {estimate}, the answer keeps {stored}"
    );
    let off = stored.abs_diff(real) as f64 / real as f64;
    ensure!(
        off <= STATED_ERROR,
        "estimated {stored}, the service read {real}"
    );
    let words = foot["words"].as_str().unwrap_or_default();
    let pct = (off * 100.0).round() as u64;
    ensure!(
        words == "estimate exact"
            || words == format!("estimate {pct}% high")
            || words == format!("estimate {pct}% low"),
        "under the answer: {words} ({stored} vs {real})"
    );

    // The next question also reads this question and its answer (the split is in the title).
    app.wait_js(
        "the cost line counting the conversation",
        STEP,
        "const n = document.getElementById('cost-note');
         const nums = (n.title.match(/\\d[\\d,]*/g) || []).map(x => Number(x.replace(/,/g, '')));
         return nums.length === 2 && nums[1] > 0;",
    )
    .await?;
    Ok(())
}

/// A RAM user's key: the upload works but the answer is refused with `file_invalid`. The error
/// offers to send the text instead, shows the cost first, and then the answer comes.
pub async fn a_ram_users_key_can_send_the_text_instead(suite: &Suite) -> Result<()> {
    let app = suite
        .launch(
            "send-text-instead",
            crate::harness::Launch {
                args: vec![suite.fixture(CONTRACT_DOCX)],
                env_key: Some("sk-acme.ram-alice".into()),
                ..crate::harness::Launch::default()
            },
        )
        .await?;
    app.wait_documents_ready(1).await?;
    app.ask("合同总金额是多少？").await?;
    app.wait_answer(&["error"]).await?;
    app.click("Send the text instead").await?;
    let body = app
        .wait_js(
            "the confirmation with the cost",
            STEP,
            "const d = document.getElementById('confirm-dialog');
             return d && d.open ? d.textContent : null;",
        )
        .await?;
    let body = body.as_str().unwrap_or_default();
    ensure!(
        body.contains("RAM user") && body.contains("tokens, about ¥"),
        "confirmation: {body}"
    );
    app.click("Send the text").await?;
    app.wait_answer(&["complete"]).await?;
    let sent = suite.mock.requests();
    let last_chat = sent
        .iter()
        .rev()
        .find(|r| r.path.ends_with("/chat/completions"))
        .map(|r| r.body.to_string())
        .unwrap_or_default();
    ensure!(
        !last_chat.contains("fileid://") && last_chat.contains("违约金"),
        "the last chat request still names files, or lacks the text"
    );
    app.wait_js(
        "the cost line saying the documents go as text",
        STEP,
        "return document.getElementById('cost-note').textContent.includes('go as their text');",
    )
    .await?;
    Ok(())
}

/// `cost-<lang>-<theme>.png`: a follow-up typed (not sent), the cost line estimating it above
/// the box, and the answer's estimate beside its usage. The box is emptied afterwards.
pub async fn shoot_cost(
    app: &crate::harness::App,
    shot: &dyn Fn(&str) -> std::path::PathBuf,
    lang: &str,
) -> Result<()> {
    let follow_up = if lang == "zh" {
        "哪些条款约定了违约金？"
    } else {
        "Which clauses carry penalties?"
    };
    let before = app
        .js("return Number(document.getElementById('cost-note').dataset.tokens || 0);")
        .await?
        .as_u64()
        .unwrap_or(0);
    app.js(&format!(
        "const q = document.getElementById('question'); q.value = {v};
         q.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;",
        v = serde_json::to_string(follow_up)?
    ))
    .await?;
    cost_line_above(app, "the cost line for the typed follow-up", before).await?;
    // The answer's foot, with its estimate beside the usage, in view above the line.
    app.js("const l = document.querySelector('[role=log]'); l.scrollTop = l.scrollHeight; return true;")
        .await?;
    app.screenshot(&shot("cost")).await?;
    app.js(
        "const q = document.getElementById('question'); q.value = '';
         q.dispatchEvent(new Event('input', { bubbles: true })); return true;",
    )
    .await?;
    Ok(())
}
