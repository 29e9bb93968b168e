//! Answers from the shell that arrive out of order: a late one must not undo a newer state.

use crate::harness::Suite;
use crate::sidebar::{current_chat, new_chat_by_keyboard, rows};
use crate::with_key;
use anyhow::{ensure, Result};
use std::time::Duration;

/// Holds back the answer to the next `list_chats` until `window.__held[0]()` (the call itself
/// goes out at once, so the list it answers is the one from before). Tauri's own `invoke` cannot
/// be replaced; its IPC goes through `fetch` to `ipc://localhost/COMMAND`, which can.
const HOLD_NEXT_LIST: &str = "
const fetch = window.__fetchBeforeHold || window.fetch;
window.__fetchBeforeHold = fetch;
window.__held = [];
let armed = true;
window.fetch = (url, init) => {
  const answer = fetch.call(window, url, init);
  if (!armed || !String(url).endsWith('/list_chats')) return answer;
  armed = false;
  return new Promise((resolve, reject) => window.__held.push(() => answer.then(resolve, reject)));
};
return window.fetch !== fetch;";

/// The list asked for when an answer ends comes back after Ctrl+N made a new chat: the new chat
/// stays listed and current (the late list used to replace it, so no row was current).
pub async fn a_late_chat_list_keeps_the_new_chat(suite: &Suite) -> Result<()> {
    suite.mock.reset();
    let app = suite.launch("late-chat-list", with_key()).await?;
    app.ask("What is the contract total?").await?;
    app.wait_answer(&["complete"]).await?;
    let first = current_chat(&app).await?;
    ensure!(
        app.js(HOLD_NEXT_LIST).await? == true,
        "fetch could not be wrapped"
    );
    app.ask("And the penalty for late delivery?").await?;
    app.wait_answer(&["complete"]).await?;
    app.wait_js(
        "the list asked for after the answer, held",
        Duration::from_secs(10),
        "return window.__held.length === 1;",
    )
    .await?;
    let new = new_chat_by_keyboard(&app).await?;
    // The late list lands; a macrotask later its continuation has run.
    app.js("window.__held[0](); await new Promise((r) => setTimeout(r, 0)); return true;")
        .await?;
    let listed = rows(&app).await?;
    let ids: Vec<i64> = listed.iter().filter_map(|r| r["id"].as_i64()).collect();
    ensure!(
        ids.contains(&new) && ids.contains(&first),
        "after the late list, the rows are {ids:?}; expected {new} and {first}"
    );
    ensure!(
        current_chat(&app).await? == new,
        "after the late list, the current row is not the new chat {new}: {listed:?}"
    );
    app.quit().await
}
