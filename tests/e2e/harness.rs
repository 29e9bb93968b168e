//! The shared harness: the mock service (in-process), and one tauri-driver per app launch (on
//! free ports, its environment pointing the app at temp dirs and the mock) with a fantoccini
//! session. What a launched app can do is in `app.rs`.

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::error::NewSessionError;
use fantoccini::ClientBuilder;
use mock_dashscope::{MockConfig, MockServer};
use serde_json::json;
use std::ffi::OsString;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::app::terminate;
pub use crate::app::App;

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
    /// `WEBKIT_DISABLE_COMPOSITING_MODE` for every launch without `own_drawing` (None: the
    /// app chooses, as it does for a person; the benches measure that).
    pub compositing_off: Option<&'static str>,
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
    /// The app chooses how WebKit draws even when the suite sets `compositing_off`.
    pub own_drawing: bool,
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

pub(crate) fn repo_root() -> PathBuf {
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
            compositing_off: None,
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
        let mut attempt = 1;
        let (client, driver) = loop {
            let (mut driver, addr) = self
                .start_driver(name, attempt, profile.path(), &launch)
                .await?;
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
            let session = ClientBuilder::rustls()
                .context("TLS setup for the WebDriver client")?
                .capabilities(caps)
                .connect(&format!("http://{addr}"))
                .await;
            match session {
                Ok(c) => break (c, driver),
                Err(e) => {
                    terminate(&mut driver);
                    let log = self.driver_log_tail(name);
                    // A connection tauri-driver dropped (its forward to WebKitWebDriver failed) is
                    // the harness's fault, not the app's: one fresh driver is tried. A refusal
                    // from the app's side (session not created) fails at once.
                    let lost = matches!(
                        e,
                        NewSessionError::Failed(_)
                            | NewSessionError::FailedC(_)
                            | NewSessionError::Lost(_)
                    );
                    if lost && attempt == 1 {
                        eprintln!("e2e:   {name}: the WebDriver connection was lost ({e}); a fresh driver is tried once. Its log:\n{log}");
                        attempt += 1;
                        continue;
                    }
                    bail!("no WebDriver session (the app did not start?): {e}; e2e-artifacts/{name}.driver.log ends:\n{log}");
                }
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

    /// Starts tauri-driver for one launch and waits until it and its WebKitWebDriver listen.
    async fn start_driver(
        &self,
        name: &str,
        attempt: u32,
        profile: &Path,
        launch: &Launch,
    ) -> Result<(Child, SocketAddr)> {
        let port = free_port()?;
        let native_port = free_port()?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(attempt > 1)
            .truncate(attempt == 1)
            .open(self.artifacts.join(format!("{name}.driver.log")))?;
        let mut cmd = Command::new(&self.driver);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(self.app_env(profile, launch)?)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
        if launch.env_key.is_none() {
            cmd.env_remove("DASHSCOPE_API_KEY");
        }
        let mut driver = cmd.spawn().context("starting tauri-driver")?;

        // tauri-driver listens before its WebKitWebDriver does: a session asked for in between
        // fails to connect. Wait for the native driver's port too.
        let deadline = Instant::now() + Duration::from_secs(15);
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let native: SocketAddr = ([127, 0, 0, 1], native_port).into();
        for (what, at) in [("tauri-driver", addr), ("WebKitWebDriver", native)] {
            while TcpStream::connect_timeout(&at, Duration::from_millis(200)).is_err() {
                if let Some(status) = driver.try_wait()? {
                    bail!(
                        "tauri-driver exited at start ({status}); see e2e-artifacts/{name}.driver.log"
                    );
                }
                if Instant::now() > deadline {
                    terminate(&mut driver);
                    bail!("{what} did not listen on {at} within 15 s");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok((driver, addr))
    }

    /// The last lines of a launch's driver log, for a failure's message (CI shows only output).
    fn driver_log_tail(&self, name: &str) -> String {
        let text = std::fs::read_to_string(self.artifacts.join(format!("{name}.driver.log")))
            .unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
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
        use longwen_desktop::drawing::{chosen, COMPOSITING_OFF};
        match self.compositing_off {
            Some(value) if !launch.own_drawing => env.push((COMPOSITING_OFF.into(), value.into())),
            // The bare reference window draws the way the app would on this machine.
            None if launch.application.is_some() => {
                if let Some(value) = chosen() {
                    env.push((COMPOSITING_OFF.into(), value.into()));
                }
            }
            _ => {}
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
