//! One launched app: its WebDriver session, the helpers that find controls by their
//! accessible names and wait on DOM conditions, and stopping it.

use anyhow::{anyhow, bail, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::harness::{repo_root, STEP};

/// How long one script may run before it counts as failed.
const SCRIPT_LIMIT: Duration = Duration::from_secs(120);
/// How often a long `wait_js` reports that it is still waiting.
const WAIT_WORD_EVERY: Duration = Duration::from_secs(60);
/// Scrolls `arguments[0]` just far enough to show it whole, in every scrolling pane around it.
const NEAREST: &str =
    "arguments[0].scrollIntoView({block: 'nearest', inline: 'nearest'}); return true;";

pub struct App {
    pub client: Client,
    pub(crate) driver: Option<Child>,
    pub profile: std::sync::Arc<tempfile::TempDir>,
    pub name: String,
}

pub(crate) fn terminate(child: &mut Child) {
    // SIGTERM, not SIGKILL: tauri-driver then stops its WebKitWebDriver child too.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(mut d) = self.driver.take() {
            terminate(&mut d);
        }
    }
}

/// XPath string literal for any text.
fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

impl App {
    /// Types into the question box (by id: its label is translated) and sends with Enter.
    pub async fn type_into_question(&self, question: &str) -> Result<()> {
        self.mark_log_end().await?;
        let q = self
            .wait_xpath("the question box", "//textarea[@id='question']")
            .await?;
        q.send_keys(question)
            .await
            .map_err(|e| anyhow::anyhow!("typing the question: {e}"))?;
        self.js("document.getElementById('send').click(); return true;")
            .await?;
        self.wait_new_turn().await
    }

    /// Ends the session (closes the app) and stops tauri-driver.
    pub async fn quit(mut self) -> Result<()> {
        let client = self.client.clone();
        let result = client.close().await;
        if let Some(mut d) = self.driver.take() {
            terminate(&mut d);
        }
        result.map_err(|e| anyhow!("closing the session: {e}"))
    }

    /// The links the app handed to the system opener (xdg-open), in order.
    pub fn opened_links(&self) -> Vec<String> {
        std::fs::read_to_string(self.profile.path().join("opened.txt"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Runs a script; one that has not returned in `SCRIPT_LIMIT` fails (a webview that stopped
    /// answering must end the test or bench with a message, not hang it).
    pub async fn js(&self, script: &str) -> Result<Value> {
        tokio::time::timeout(SCRIPT_LIMIT, self.client.execute(script, vec![]))
            .await
            .map_err(|_| anyhow!("script did not return in {SCRIPT_LIMIT:?}\n{script}"))?
            .map_err(|e| anyhow!("script failed: {e}\n{script}"))
    }

    /// Polls a script until it returns something truthy; returns that value.
    pub async fn wait_js(&self, what: &str, timeout: Duration, script: &str) -> Result<Value> {
        let started = Instant::now();
        let deadline = started + timeout;
        let mut next_word = started + WAIT_WORD_EVERY;
        loop {
            // Each try is bounded by the time left too (at least a second), so a script that
            // never returns still ends the wait at its deadline.
            let left = deadline.saturating_duration_since(Instant::now());
            let attempt = self.client.execute(script, vec![]);
            let last = match tokio::time::timeout(left.max(Duration::from_secs(1)), attempt).await {
                Ok(Ok(v)) if truthy(&v) => return Ok(v),
                Ok(Ok(v)) => v,
                Ok(Err(e)) => json!(format!("error: {e}")),
                Err(_) => json!("the script did not return"),
            };
            if Instant::now() > deadline {
                let _ = self.save_failure(what).await;
                bail!("timed out after {timeout:?} waiting for {what} (last: {last})");
            }
            // A long wait says so now and then, so a stuck run shows where it is.
            if Instant::now() >= next_word {
                next_word += WAIT_WORD_EVERY;
                eprintln!(
                    "still waiting for {what} after {:?} (last: {last})",
                    started.elapsed()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A screenshot and the DOM for a failed step, in e2e-artifacts/.
    pub async fn save_failure(&self, what: &str) -> Result<()> {
        let dir = repo_root().join("e2e-artifacts");
        let stem: String = format!("{}-{}", self.name, what)
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        // Bounded: a screenshot that never returns must not hold up the failure it records.
        let shot = tokio::time::timeout(Duration::from_secs(10), self.client.screenshot()).await;
        if let Ok(Ok(png)) = shot {
            std::fs::write(dir.join(format!("{stem}.png")), png)?;
        }
        if let Ok(html) = self.client.source().await {
            std::fs::write(dir.join(format!("{stem}.html")), html)?;
        }
        Ok(())
    }

    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        // Let the last frame paint (caret, streamed text) before taking it.
        self.js("return await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));")
            .await
            .ok();
        let png = tokio::time::timeout(Duration::from_secs(30), self.client.screenshot())
            .await
            .map_err(|_| {
                anyhow!("the screenshot did not return in 30 s (a modal dialog with WebKit's compositor off?)")
            })?
            .map_err(|e| anyhow!("screenshot: {e}"))?;
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Waits for a visible element matching the XPath.
    pub async fn wait_xpath(&self, what: &str, xpath: &str) -> Result<Element> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(found) = self.client.find_all(Locator::XPath(xpath)).await {
                for e in found {
                    if e.is_displayed().await.unwrap_or(false) {
                        // WebKitWebDriver does not scroll an element that a scrolling pane cuts
                        // in part, and then finds no point of it to click
                        // (ElementNotInteractable). A person would scroll it into view first.
                        // It fails when the element was redrawn since: look again.
                        let args = vec![serde_json::to_value(&e)?];
                        if self.client.execute(NEAREST, args).await.is_ok() {
                            return Ok(e);
                        }
                    }
                }
            }
            if Instant::now() > deadline {
                let _ = self.save_failure(what).await;
                bail!("no visible {what} ({xpath})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A visible button by its accessible name (text or aria-label).
    pub async fn button(&self, name: &str) -> Result<Element> {
        let n = xpath_literal(name);
        self.wait_xpath(
            &format!("button {name:?}"),
            &format!("//button[normalize-space(.)={n} or @aria-label={n}]"),
        )
        .await
    }

    /// A visible form control by its label (`<label for>`, aria-label or placeholder-free).
    pub async fn field(&self, label: &str) -> Result<Element> {
        let n = xpath_literal(label);
        self.wait_xpath(
            &format!("field {label:?}"),
            &format!(
                "//*[self::input or self::textarea or self::select][@id=//label[normalize-space(.)={n}]/@for or @aria-label={n}]"
            ),
        )
        .await
    }

    pub async fn click(&self, name: &str) -> Result<()> {
        self.button(name)
            .await?
            .click()
            .await
            // Debug: WebKitWebDriver often leaves the message empty; the kind names the cause.
            .map_err(|e| anyhow!("clicking {name:?}: {e:?}"))
    }

    /// Closes the settings dialog with its close button and waits until it is closed.
    pub async fn close_settings(&self) -> Result<()> {
        self.js("document.getElementById('settings-close').click(); return true;")
            .await?;
        self.wait_js(
            "the settings dialog closed",
            Duration::from_secs(5),
            "return !document.getElementById('settings-dialog').open;",
        )
        .await
        .map(|_| ())
    }

    pub async fn type_into(&self, label: &str, text: &str) -> Result<()> {
        let f = self.field(label).await?;
        f.clear().await.ok();
        f.send_keys(text)
            .await
            .map_err(|e| anyhow!("typing into {label:?}: {e}"))
    }

    pub async fn select(&self, label: &str, value: &str) -> Result<()> {
        self.field(label)
            .await?
            .select_by_value(value)
            .await
            .map_err(|e| anyhow!("choosing {value:?} in {label:?}: {e}"))
    }

    /// Waits until the list holds `n` rows and all are `ready`.
    pub async fn wait_documents_ready(&self, n: usize) -> Result<Value> {
        self.wait_js(
            &format!("{n} documents ready"),
            STEP,
            &format!(
                "{DOCS_FN} const d = docs(); if (d.some(r => r.state === 'failed')) return {{failed: d}};
                 return d.length === {n} && d.every(r => r.state === 'ready') ? d : null;"
            ),
        )
        .await
        .and_then(|v| {
            if v.get("failed").is_some() {
                Err(anyhow!("a document failed: {v}"))
            } else {
                Ok(v)
            }
        })
    }

    /// Types a question, presses Send, and waits for its answer to start.
    pub async fn ask(&self, question: &str) -> Result<()> {
        self.mark_log_end().await?;
        self.type_into("Question", question).await?;
        self.click("Send").await?;
        self.wait_new_turn().await
    }

    /// Remembers the end of the log, for `wait_new_turn`.
    async fn mark_log_end(&self) -> Result<()> {
        self.js("window.__askedAfter = document.querySelector('[role=log]').lastElementChild; return true;")
            .await?;
        Ok(())
    }

    /// Waits for a new turn with its answer at the end of the log. (Not by counting answers:
    /// in a long chat, turns far from the screen are emptied meanwhile.)
    async fn wait_new_turn(&self) -> Result<()> {
        self.wait_js(
            "the answer to start",
            Duration::from_secs(10),
            "const t = document.querySelector('[role=log]').lastElementChild;
             return !!t && t !== window.__askedAfter && t.matches('.turn')
               && !!t.querySelector('article[data-role=assistant]');",
        )
        .await?;
        Ok(())
    }

    pub async fn assistant_count(&self) -> Result<u64> {
        Ok(self
            .js(&format!("{LOG_FN} return answers().length;"))
            .await?
            .as_u64()
            .unwrap_or(0))
    }

    /// The last assistant message: `{status, text}`.
    pub async fn last_answer(&self) -> Result<Value> {
        self.js(&format!(
            "{LOG_FN} const a = answers(); return a.length ? a[a.length - 1] : null;"
        ))
        .await
    }

    /// Waits until the last answer has one of `statuses` and has settled (no longer `aria-busy`:
    /// the stored message is in and its turn will not be drawn again under a click).
    pub async fn wait_answer(&self, statuses: &[&str]) -> Result<Value> {
        let list = serde_json::to_string(statuses)?;
        self.wait_js(
            &format!("an answer with status {statuses:?}"),
            STEP,
            &format!(
                "{LOG_FN} const a = answers(); const l = a[a.length - 1];
                 return l && !l.busy && {list}.includes(l.status) ? l : null;"
            ),
        )
        .await
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// The Documents list (role=list named "Documents"), as `[{state, text}]`.
const DOCS_FN: &str = r#"
function docs() {
  const list = [...document.querySelectorAll('[role=list]')]
    .find(l => (l.getAttribute('aria-label') || '') === 'Documents' || l.id === 'doc-list');
  if (!list) return [];
  return [...list.querySelectorAll('[role=listitem], li')]
    .filter(li => li.dataset.state)
    .map(li => ({ state: li.dataset.state, text: li.textContent.replace(/\s+/g, ' ').trim() }));
}
"#;
/// Assistant messages in the Conversation log, as `[{status, text, extra}]`.
pub const LOG_FN: &str = r#"
function answers() {
  const log = document.querySelector('[role=log]');
  if (!log) return [];
  return [...log.querySelectorAll('article')]
    .filter(a => a.dataset.status !== undefined || a.dataset.role === 'assistant')
    .map(a => {
      const body = a.querySelector('.msg-body');
      return {
        status: a.dataset.status || '',
        busy: a.getAttribute('aria-busy') === 'true',
        text: (body ? body.textContent : a.textContent).replace(/\s+/g, ' ').trim(),
        all: a.textContent.replace(/\s+/g, ' ').trim(),
      };
    });
}
"#;
