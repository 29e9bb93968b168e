//! `kill -9` of the real app while an answer streams and while a document uploads, at moments
//! chosen by events (text on screen, upload progress, what the service has seen), then a start
//! with the same profile: the database is sound, the conversation is there, the partial answer
//! shown is what was stored and is marked interrupted, and nothing is uploaded twice.
//!
//! Five profiles take turns, so that each restart comes after the engine's own rule for a dead
//! writer (a `streaming` row silent for 10 s) without waiting for it.

use crate::crashkit::{
    answer_to, big_text, complete_uploads, kill_app, now_ms, read_only, read_screen, snapshot,
    squeeze, wait_row, Rng, SAMPLER,
};
use crate::harness::{App, Launch, Suite};
use crate::throttle::Throttle;
use crate::with_key;
use crate::xss::new_chat;
use anyhow::{bail, ensure, Context, Result};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// While the answer streams.
    Stream,
    /// While the document's bytes go out.
    Sending,
    /// After the service took the document, while it reads it.
    Reading,
}

/// One kill and what must hold after it.
struct Trial {
    n: usize,
    kind: Kind,
    /// Start of the question (stream trials): finds the chat and the stored answer.
    question: String,
    /// The answer text the crash left stored.
    stored: String,
    /// Its last write (unix ms).
    heartbeat: i64,
    /// The document (upload trials): path, size, sha256.
    file: Option<(PathBuf, u64, String)>,
}

const PROFILES: usize = 5;
const ROUNDS: usize = 4;

/// Which kill each profile gets in each round: never two uploads in a row in one profile (the
/// start after an upload trial opens that document again).
const PLAN: [[Kind; ROUNDS]; PROFILES] = {
    use Kind::{Reading as R, Sending as U, Stream as S};
    [
        [S, U, S, S],
        [S, S, R, S],
        [U, S, S, S],
        [S, U, S, R],
        [S, S, U, S],
    ]
};

fn question(n: usize) -> String {
    format!(
        "Crash trial {n:02} asks whether the supplier delivered every pallet of the order on \
         time, which penalties apply for late delivery, who signs the acceptance report, and \
         when the final payment is released to the supplier after the inspection."
    )
}

/// The pause before each chunk of a trial's answer.
const CHUNK_MS: u64 = 40;

/// Asks in a new chat and kills the app once `rng` picks a point in the streamed text.
async fn stream_trial(suite: &Suite, app: App, n: usize, rng: &mut Rng) -> Result<Trial> {
    new_chat(&app).await?;
    app.js(SAMPLER).await?;
    let q = question(n);
    app.client
        .execute(
            "const q = document.getElementById('question'); q.value = arguments[0];
             document.getElementById('send').click(); return true;",
            vec![json!(format!("{q} [[mock:slow={}]]", CHUNK_MS))],
        )
        .await?;
    // The whole answer is about 300 characters (without spaces). The last 100 or so are left
    // to stream (at least a second at 40 ms a chunk), so a loaded machine still kills the app
    // before the answer is complete.
    let at = rng.between(8, 200);
    app.wait_js(
        &format!("{at} characters of the answer"),
        Duration::from_secs(20),
        &format!("return window.__shown().length >= {at};"),
    )
    .await?;
    let screen = read_screen(&app).await?;
    let data = app.profile.path().join("data");
    kill_app(suite, app)?;
    let snap = snapshot(&data)?;
    let (_, status, stored, heartbeat) = answer_to(&snap.conn, &q)?;
    ensure!(status == "streaming", "trial {n}: stored as {status}");
    let behind = screen
        .check_stored(&stored)
        .with_context(|| format!("trial {n}"))?;
    eprintln!(
        "e2e:   trial {n}: killed with {} characters shown, {} stored ({behind:.0} ms behind)",
        screen.text.len(),
        squeeze(&stored).len()
    );
    Ok(Trial {
        n,
        kind: Kind::Stream,
        question: q,
        stored,
        heartbeat,
        file: None,
    })
}

/// The app was started with the document waiting for its click: clicks, then kills it while
/// the bytes go out, or once the service has it and is reading it.
async fn upload_trial(
    suite: &Suite,
    app: App,
    throttle: &Throttle,
    n: usize,
    kind: Kind,
    file: (PathBuf, u64, String),
    rng: &mut Rng,
) -> Result<Trial> {
    let name = file.0.file_name().unwrap().to_string_lossy().into_owned();
    if kind == Kind::Sending {
        throttle.set_rate(6 << 20);
    } else {
        suite.mock.set_report_parsing(true);
        suite.mock.set_parse_delay(Duration::from_secs(6));
    }
    click_upload(&app).await?;
    let result = async {
        if kind == Kind::Sending {
            let at = rng.between(5, 50);
            let row = wait_row(&app, &name, "uploading", at).await?;
            eprintln!("e2e:   trial {n}: killed while uploading at {}", row["pct"]);
            ensure!(
                complete_uploads(suite, &file.2, file.1) == 0,
                "trial {n}: the service had the whole file already"
            );
        } else {
            wait_row(&app, &name, "reading", 0).await?;
            eprintln!("e2e:   trial {n}: killed while the service reads the document");
        }
        Ok(())
    }
    .await;
    let data = app.profile.path().join("data");
    let killed = kill_app(suite, app);
    throttle.set_rate(0);
    suite.mock.set_report_parsing(false);
    suite.mock.set_parse_delay(Duration::ZERO);
    result?;
    killed?;
    let snap = snapshot(&data)?;
    let known: i64 = snap.conn.query_row(
        "SELECT count(*) FROM remote_files WHERE sha256 = ?1",
        [&file.2],
        |r| r.get(0),
    )?;
    let sent = complete_uploads(suite, &file.2, file.1);
    match kind {
        Kind::Sending => ensure!(
            known == 0 && sent == 0,
            "trial {n}: {known} stored, {sent} sent"
        ),
        _ => ensure!(
            known == 1 && sent == 1,
            "trial {n}: {known} stored, {sent} sent"
        ),
    }
    Ok(Trial {
        n,
        kind,
        question: String::new(),
        stored: String::new(),
        heartbeat: 0,
        file: Some(file),
    })
}

async fn click_upload(app: &App) -> Result<()> {
    app.wait_xpath(
        "the question before uploading",
        "//dialog[@id='confirm-dialog'][@open]//button[@id='confirm-ok']",
    )
    .await?
    .click()
    .await?;
    Ok(())
}

/// After the restart: what the kill left behind is shown and stored as it must be.
async fn check_after(suite: &Suite, app: &App, t: &Trial) -> Result<()> {
    let data = app.profile.path().join("data");
    let conn = read_only(&data)?;
    crate::crashkit::integrity(&conn)?;
    let chats: i64 = conn.query_row("SELECT count(*) FROM chats", [], |r| r.get(0))?;
    app.wait_js(
        "the chats in the sidebar",
        Duration::from_secs(10),
        &format!("return document.querySelectorAll('#chat-list li').length === {chats};"),
    )
    .await?;
    if let Some((path, size, sha)) = &t.file {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        wait_row(app, &name, "ready", 0).await?;
        let sent = complete_uploads(suite, sha, *size);
        ensure!(sent == 1, "trial {}: uploaded {sent} times", t.n);
        return Ok(());
    }
    // The chat of the trial: the newest, so the one shown at start.
    let prefix = &t.question[..15];
    let current = app
        .js("const t = document.querySelector('#chat-list li.current .chat-title'); return t ? t.textContent : null;")
        .await?;
    ensure!(
        current.as_str().is_some_and(|c| c.starts_with(prefix)),
        "trial {}: the chat shown is {current}",
        t.n
    );
    let shown = app
        .wait_js(
            "the partial answer marked interrupted",
            Duration::from_secs(5),
            "const a = [...document.querySelectorAll('#conversation article[data-role=assistant]')].pop();
             if (!a || a.dataset.status !== 'interrupted') return null;
             return {text: a.querySelector('.msg-body').textContent, badge: !!a.querySelector('.badge-interrupted')};",
        )
        .await
        .with_context(|| format!("trial {}", t.n))?;
    ensure!(
        shown["badge"] == true && shown["text"].as_str().map(squeeze) == Some(squeeze(&t.stored)),
        "trial {}: shown {shown}, stored {:?}",
        t.n,
        t.stored
    );
    let (_, status, text, _) = answer_to(&conn, &t.question)?;
    ensure!(
        status == "interrupted" && text == t.stored,
        "trial {}: now stored as {status} {text:?}",
        t.n
    );
    Ok(())
}

/// The engine takes a `streaming` row for a live writer's for 10 s after its last write.
async fn after_dead_writer_rule(t: &Trial) {
    if t.kind != Kind::Stream {
        return;
    }
    let wait = t.heartbeat + 10_500 - now_ms();
    if wait > 0 {
        eprintln!(
            "e2e:   waiting {wait} ms for trial {}'s row to be a dead writer's",
            t.n
        );
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}

pub async fn crash_kill_9_while_answering_and_uploading(suite: &Suite) -> Result<()> {
    let started = Instant::now();
    let throttle = Throttle::start(suite.mock.addr()).await?;
    let files = tempfile::tempdir()?;
    let mut rng = Rng::from_env();
    let profiles: Vec<Arc<tempfile::TempDir>> = (0..PROFILES)
        .map(|_| tempfile::tempdir().map(Arc::new))
        .collect::<std::io::Result<_>>()?;
    let mut last: Vec<Option<Trial>> = (0..PROFILES).map(|_| None).collect();
    let mut uploads = Vec::new();
    let mut n = 0;
    for round in 0..=ROUNDS {
        for p in 0..PROFILES {
            let prev = last[p].take();
            let kind = PLAN[p].get(round).copied();
            if let Some(t) = &prev {
                after_dead_writer_rule(t).await;
            }
            let mut launch = Launch {
                profile: Some(profiles[p].clone()),
                base_url: Some(throttle.base_url()),
                ..with_key()
            };
            let mut new_file = None;
            if let Some((path, ..)) = prev.as_ref().and_then(|t| t.file.as_ref()) {
                // Opened again, as a person would after the crash.
                launch.args = vec![path.clone()];
            } else if matches!(kind, Some(Kind::Sending | Kind::Reading)) {
                let f = big_text(files.path(), &format!("crash-upload-{:02}", n + 1), 16)?;
                launch.args = vec![f.0.clone()];
                launch.keep_waiting = true;
                new_file = Some(f);
            }
            let app = suite.launch(&format!("crash-{p}-{round}"), launch).await?;
            if let Some(t) = &prev {
                check_after(suite, &app, t)
                    .await
                    .with_context(|| format!("after trial {} ({:?})", t.n, t.kind))?;
                if let Some(f) = &t.file {
                    uploads.push(f.clone());
                }
            }
            let Some(kind) = kind else {
                app.quit().await?;
                continue;
            };
            n += 1;
            let t = match (kind, new_file) {
                (Kind::Stream, _) => stream_trial(suite, app, n, &mut rng).await,
                (_, Some(f)) => upload_trial(suite, app, &throttle, n, kind, f, &mut rng).await,
                (_, None) => bail!("an upload trial right after another in profile {p}"),
            }
            .with_context(|| format!("trial {n} ({kind:?}) in profile {p}"))?;
            last[p] = Some(t);
        }
    }
    for (_, size, sha) in &uploads {
        ensure!(
            complete_uploads(suite, sha, *size) == 1,
            "{sha} uploaded again"
        );
    }
    for p in &profiles {
        integrity_of_file(&p.path().join("data"))?;
    }
    eprintln!(
        "e2e:   {n} kills ({} during uploads), {:.1} s",
        uploads.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `PRAGMA integrity_check` of the app's own file (the app has quit).
fn integrity_of_file(data: &Path) -> Result<()> {
    let conn = rusqlite::Connection::open(data.join(crate::crashkit::DB))?;
    crate::crashkit::integrity(&conn)
}

/// Killed while the answer streams and started again at once: the partial answer is shown at
/// once, and is marked interrupted without anyone having to go to another chat and back.
pub async fn crash_then_restart_at_once_marks_the_answer_interrupted(suite: &Suite) -> Result<()> {
    let profile = Arc::new(tempfile::tempdir()?);
    let launch = || Launch {
        profile: Some(profile.clone()),
        ..with_key()
    };
    let mut rng = Rng::from_env();
    let app = suite.launch("crash-at-once", launch()).await?;
    let t = stream_trial(suite, app, 90, &mut rng).await?;
    let app = suite.launch("crash-at-once-2", launch()).await?;
    let shown = app
        .wait_js(
            "the partial answer",
            Duration::from_secs(5),
            "const a = [...document.querySelectorAll('#conversation article[data-role=assistant]')].pop();
             return a ? {status: a.dataset.status, text: a.querySelector('.msg-body').textContent,
                         all: a.textContent.replace(/\\s+/g, ' ').trim()} : null;",
        )
        .await?;
    ensure!(
        shown["text"].as_str().map(squeeze) == Some(squeeze(&t.stored)),
        "shown {shown}, stored {:?}",
        t.stored
    );
    // The engine's rule: 10 s after the last write, a streaming row belongs to a dead writer.
    let marked = app
        .wait_js(
            "the answer to be marked interrupted",
            Duration::from_secs(13),
            "const a = [...document.querySelectorAll('#conversation article[data-role=assistant]')].pop();
             return a && a.dataset.status === 'interrupted' && !!a.querySelector('.badge-interrupted');",
        )
        .await;
    if marked.is_err() {
        let now = app
            .js("const a = [...document.querySelectorAll('#conversation article[data-role=assistant]')].pop();
                 return {status: a.dataset.status, text: a.textContent.replace(/\\s+/g, ' ').trim(),
                         regenerate: !!a.querySelector('[data-action=regenerate]')};")
            .await?;
        // Away to a new chat and back: opening the chat runs the engine's recovery again.
        app.js("document.getElementById('new-chat').click(); return true;")
            .await?;
        app.wait_js(
            "a new chat",
            Duration::from_secs(10),
            "return !document.querySelector('#conversation article');",
        )
        .await?;
        app.js(
            "document.querySelector('#chat-list li:last-child .chat-open').click(); return true;",
        )
        .await?;
        let reopened = app
            .wait_js(
                "the chat of the trial again",
                Duration::from_secs(10),
                "const a = [...document.querySelectorAll('#conversation article[data-role=assistant]')].pop();
                 return a ? a.dataset.status : null;",
            )
            .await?;
        app.quit().await?;
        bail!(
            "13 s after a restart, the answer the crash cut is still shown as {now} (at start: \
             {shown}); opened again from the sidebar it shows as {reopened}"
        );
    }
    app.quit().await
}

/// Killed after the service took the whole document but before the app heard back (the answer
/// held back by the relay): opened again, the document must not be uploaded a second time.
pub async fn crash_after_the_service_took_an_upload_uploads_it_once(suite: &Suite) -> Result<()> {
    let throttle = Throttle::start(suite.mock.addr()).await?;
    let files = tempfile::tempdir()?;
    let (path, size, sha) = big_text(files.path(), "taken-not-heard", 4)?;
    let profile = Arc::new(tempfile::tempdir()?);
    let launch = |keep_waiting| Launch {
        profile: Some(profile.clone()),
        base_url: Some(throttle.base_url()),
        args: vec![path.clone()],
        keep_waiting,
        ..with_key()
    };
    let app = suite.launch("crash-taken", launch(true)).await?;
    throttle.hold(true);
    click_upload(&app).await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while complete_uploads(suite, &sha, size) == 0 {
        if Instant::now() > deadline {
            throttle.hold(false);
            bail!("the service never got the document");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let data = app.profile.path().join("data");
    let killed = kill_app(suite, app);
    throttle.hold(false);
    killed?;
    let snap = snapshot(&data)?;
    let known: i64 = snap.conn.query_row(
        "SELECT count(*) FROM remote_files WHERE sha256 = ?1",
        [&sha],
        |r| r.get(0),
    )?;
    ensure!(known == 0, "the app recorded the upload before the kill");
    drop(snap);
    let app = suite.launch("crash-taken-2", launch(false)).await?;
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    wait_row(&app, &name, "ready", 0).await?;
    let sent = complete_uploads(suite, &sha, size);
    app.quit().await?;
    ensure!(
        sent == 1,
        "the document was uploaded {sent} times: the service already had it from before the \
         crash (same name, size and content), and the app uploaded it again"
    );
    Ok(())
}
