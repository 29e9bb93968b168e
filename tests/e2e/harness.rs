//! The shared harness: the mock service (in-process), one tauri-driver per app launch (on free
//! ports, its environment pointing the app at temp dirs and the mock), a fantoccini session,
//! and helpers that find controls by their accessible names and wait on DOM conditions.

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use mock_dashscope::{MockConfig, MockServer};
use serde_json::{json, Value};
use std::ffi::OsString;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const KEYRING_SERVICE: &str = "longwen";
pub const KEYRING_USER: &str = "dashscope-api-key";

/// How long a step may take before the test fails (documents, answers).
pub const STEP: Duration = Duration::from_secs(30);

pub struct Suite {
    pub mock: MockServer,
    pub app: PathBuf,
    pub driver: PathBuf,
    pub fixtures: PathBuf,
    pub screenshots: PathBuf,
    pub artifacts: PathBuf,
}

/// What one app launch gets.
#[derive(Default, Clone)]
pub struct Launch {
    /// Documents on the command line ("Open with").
    pub args: Vec<PathBuf>,
    /// `DASHSCOPE_API_KEY` for the app (None: the keyring only).
    pub env_key: Option<String>,
    /// Reuse the data of an earlier launch (settings, chats).
    pub profile: Option<std::sync::Arc<tempfile::TempDir>>,
    /// Leave documents opened with the app waiting for their one click (the default clicks
    /// "Upload" once the app asks).
    pub keep_waiting: bool,
    /// The service's address for the app (None: the mock's own).
    pub base_url: Option<String>,
    /// Another program than the app (the benches' bare window).
    pub application: Option<PathBuf>,
}

pub struct App {
    pub client: Client,
    driver: Option<Child>,
    pub profile: std::sync::Arc<tempfile::TempDir>,
    pub name: String,
}

fn find_program(name: &str, extra: &[PathBuf]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(extra.iter().cloned())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Suite {
    /// Checks the machine (display, D-Bus session, tauri-driver, WebKitWebDriver) and starts
    /// the mock. Fails with a clear message when something is missing: never skips.
    pub async fn start() -> Result<Suite> {
        let mut missing = Vec::new();
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            missing.push(
                "no display: run under Xvfb (xvfb-run -a -s \"-screen 0 1280x1024x24\" …)"
                    .to_string(),
            );
        }
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            missing.push("no D-Bus session: run inside `dbus-run-session -- …` with an unlocked gnome-keyring".to_string());
        }
        let cargo_bin = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .map(|d| d.join("bin"))
            .into_iter()
            .collect::<Vec<_>>();
        let driver = std::env::var_os("TAURI_DRIVER")
            .map(PathBuf::from)
            .or_else(|| find_program("tauri-driver", &cargo_bin));
        if driver.is_none() {
            missing.push(
                "tauri-driver not found: cargo install tauri-driver --locked --version '^2'"
                    .to_string(),
            );
        }
        if find_program("xdotool", &[]).is_none() {
            missing.push(
                "xdotool not found (drives the drop and the file chooser): apt-get install xdotool"
                    .to_string(),
            );
        }
        let gi = Command::new("/usr/bin/python3")
            .args(["-c", "import gi; gi.require_version('Gtk', '3.0')"])
            .stderr(Stdio::null())
            .status();
        if !gi.is_ok_and(|s| s.success()) {
            missing.push("python3-gi not found (the GTK drag source for the real drop): apt-get install python3-gi gir1.2-gtk-3.0".to_string());
        }
        if find_program("WebKitWebDriver", &[]).is_none() {
            missing
                .push("WebKitWebDriver not found: apt-get install webkit2gtk-driver".to_string());
        }
        if !missing.is_empty() {
            bail!(
                "the end-to-end tests cannot run on this machine:\n  - {}\nSee docs in /work/shared/linux-setup.md; the project's test script starts Xvfb and D-Bus.",
                missing.join("\n  - ")
            );
        }
        let app = PathBuf::from(env!("CARGO_BIN_EXE_longwen-desktop"));
        if !app.is_file() {
            bail!(
                "the app binary {} is missing: cargo build -p longwen-desktop",
                app.display()
            );
        }
        let fixtures = std::env::var_os("LONGWEN_FIXTURES")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("../shared/fixtures"));
        if !fixtures.join("采购合同-2026-华东.docx").is_file() {
            bail!(
                "fixtures not found in {} (set LONGWEN_FIXTURES)",
                fixtures.display()
            );
        }
        let fixtures = fixtures.canonicalize()?;
        let mock = MockServer::start(MockConfig::default())
            .await
            .context("starting the mock service")?;
        let screenshots = repo_root().join("docs/screenshots");
        std::fs::create_dir_all(&screenshots)?;
        let artifacts = repo_root().join("e2e-artifacts");
        std::fs::create_dir_all(&artifacts)?;
        Ok(Suite {
            mock,
            app,
            driver: driver.unwrap(),
            fixtures,
            screenshots,
            artifacts,
        })
    }

    pub fn fixture(&self, name: &str) -> PathBuf {
        self.fixtures.join(name)
    }

    /// Starts tauri-driver with the app's environment and opens a session (which starts the
    /// app in its real webview).
    pub async fn launch(&self, name: &str, launch: Launch) -> Result<App> {
        let profile = match &launch.profile {
            Some(p) => p.clone(),
            None => std::sync::Arc::new(tempfile::tempdir()?),
        };
        let port = free_port()?;
        let native_port = free_port()?;
        let log = std::fs::File::create(self.artifacts.join(format!("{name}.driver.log")))?;
        let mut cmd = Command::new(&self.driver);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(self.app_env(profile.path(), &launch)?)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
        if launch.env_key.is_none() {
            cmd.env_remove("DASHSCOPE_API_KEY");
        }
        let mut driver = cmd.spawn().context("starting tauri-driver")?;

        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Some(status) = driver.try_wait()? {
                bail!(
                    "tauri-driver exited at start ({status}); see e2e-artifacts/{name}.driver.log"
                );
            }
            if Instant::now() > deadline {
                terminate(&mut driver);
                bail!("tauri-driver did not listen on {addr} within 15 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        // tauri-driver listens before its WebKitWebDriver does: a session asked for in between
        // fails to connect. Wait for the native driver's port too.
        let native: SocketAddr = ([127, 0, 0, 1], native_port).into();
        while TcpStream::connect_timeout(&native, Duration::from_millis(200)).is_err() {
            if let Some(status) = driver.try_wait()? {
                bail!(
                    "tauri-driver exited at start ({status}); see e2e-artifacts/{name}.driver.log"
                );
            }
            if Instant::now() > deadline {
                terminate(&mut driver);
                bail!("WebKitWebDriver did not listen on {native} within 15 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let args: Vec<String> = launch
            .args
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": launch.application.as_ref().unwrap_or(&self.app), "args": args }),
        );
        let client = match ClientBuilder::rustls()
            .context("TLS setup for the WebDriver client")?
            .capabilities(caps)
            .connect(&format!("http://{addr}"))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                terminate(&mut driver);
                bail!("no WebDriver session (the app did not start?): {e}; see e2e-artifacts/{name}.driver.log");
            }
        };
        let app = App {
            client,
            driver: Some(driver),
            profile,
            name: name.to_string(),
        };
        app.wait_js(
            "the UI has booted",
            Duration::from_secs(20),
            "const a = document.getElementById('app'); return !!a && !a.hidden;",
        )
        .await?;
        if !launch.args.is_empty() && !launch.keep_waiting {
            // Documents opened with the app wait for one click before anything is sent (the
            // dialog's own button, in whichever language the app shows).
            app.wait_xpath(
                "the question before uploading",
                "//dialog[@id='confirm-dialog'][@open]//button[@id='confirm-ok']",
            )
            .await?
            .click()
            .await
            .map_err(|e| anyhow!("clicking Upload: {e}"))?;
        }
        Ok(app)
    }

    /// The environment the app gets for a profile (made ready: its folders, and a stand-in for
    /// xdg-open that writes the links it is given to `opened.txt`): temp HOME and data dirs,
    /// the service's address, the key when the launch has one, English.
    pub fn app_env(&self, profile: &Path, launch: &Launch) -> Result<Vec<(String, OsString)>> {
        let home = profile.join("home");
        let data = profile.join("data");
        let xdg_data = home.join(".local/share");
        for d in [&home, &data, &xdg_data] {
            std::fs::create_dir_all(d)?;
        }
        // A stand-in for xdg-open: links the app opens are written down, no browser starts.
        let bin = profile.join("bin");
        std::fs::create_dir_all(&bin)?;
        let opener = bin.join("xdg-open");
        std::fs::write(
            &opener,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                profile.join("opened.txt").display()
            ),
        )?;
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755))?;
        }
        let path = std::env::join_paths(std::iter::once(bin.clone()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))?;
        let base_url = launch
            .base_url
            .clone()
            .unwrap_or_else(|| self.mock.base_url());
        let mut env: Vec<(String, OsString)> = vec![
            ("HOME".into(), home.clone().into()),
            ("XDG_DATA_HOME".into(), xdg_data.into()),
            ("XDG_CONFIG_HOME".into(), home.join(".config").into()),
            ("XDG_CACHE_HOME".into(), home.join(".cache").into()),
            ("LONGWEN_DATA_DIR".into(), data.into()),
            ("PATH".into(), path),
            ("LONGWEN_BASE_URL".into(), base_url.into()),
            ("LANG".into(), "en_US.UTF-8".into()),
            ("LANGUAGE".into(), "en".into()),
            ("GTK_THEME".into(), "Adwaita".into()),
        ];
        if let Some(k) = &launch.env_key {
            env.push(("DASHSCOPE_API_KEY".into(), k.into()));
        }
        // PDF previews need PDFium: the one scripts/fetch-pdfium.sh put in the repo, unless set.
        let pdfium = std::env::var_os("LONGWEN_PDFIUM")
            .unwrap_or_else(|| repo_root().join(".pdfium/libpdfium.so").into());
        env.push(("LONGWEN_PDFIUM".into(), pdfium));
        Ok(env)
    }

    pub fn screenshot_path(&self, state: &str, lang: &str, theme: &str) -> PathBuf {
        self.screenshots.join(format!("{state}-{lang}-{theme}.png"))
    }
}

fn terminate(child: &mut Child) {
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

    pub async fn js(&self, script: &str) -> Result<Value> {
        self.client
            .execute(script, vec![])
            .await
            .map_err(|e| anyhow!("script failed: {e}\n{script}"))
    }

    /// Polls a script until it returns something truthy; returns that value.
    pub async fn wait_js(&self, what: &str, timeout: Duration, script: &str) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let last = match self.client.execute(script, vec![]).await {
                Ok(v) if truthy(&v) => return Ok(v),
                Ok(v) => v,
                Err(e) => json!(format!("error: {e}")),
            };
            if Instant::now() > deadline {
                let _ = self.save_failure(what).await;
                bail!("timed out after {timeout:?} waiting for {what} (last: {last})");
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
        if let Ok(png) = self.client.screenshot().await {
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
        let png = self
            .client
            .screenshot()
            .await
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
                        return Ok(e);
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
            .map_err(|e| anyhow!("clicking {name:?}: {e}"))
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

    /// Types a question and presses Send.
    pub async fn ask(&self, question: &str) -> Result<()> {
        let before = self.assistant_count().await?;
        self.type_into("Question", question).await?;
        self.click("Send").await?;
        self.wait_js(
            "the answer to start",
            Duration::from_secs(10),
            &format!("{LOG_FN} return answers().length > {before};"),
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

    /// Waits until the last answer has one of `statuses`.
    pub async fn wait_answer(&self, statuses: &[&str]) -> Result<Value> {
        let list = serde_json::to_string(statuses)?;
        self.wait_js(
            &format!("an answer with status {statuses:?}"),
            STEP,
            &format!(
                "{LOG_FN} const a = answers(); const l = a[a.length - 1];
                 return l && {list}.includes(l.status) ? l : null;"
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
        text: (body ? body.textContent : a.textContent).replace(/\s+/g, ' ').trim(),
        all: a.textContent.replace(/\s+/g, ' ').trim(),
      };
    });
}
"#;

/// The first 12 hex digits of a SHA-256, as the mock's answer quotes them.
pub fn sha12(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))[..12].to_string()
}

/// Every file under `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                if let Ok(bytes) = std::fs::read(&p) {
                    if bytes.windows(needle.len()).any(|w| w == needle) {
                        hits.push(p);
                    }
                }
            }
        }
    }
    hits
}
