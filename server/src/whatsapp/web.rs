//! The `web` transport: Debian's Chromium, headless, on WhatsApp Web (or the simulator's page),
//! with the business's own persistent profile so the link survives restarts. `inject.js` runs
//! in every document before WhatsApp Web's own scripts and reports through the CDP binding
//! `__novi`; sends go through the functions it defines.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use chromiumoxide::{
    Browser, BrowserConfig, Page,
    cdp::{
        browser_protocol::page::AddScriptToEvaluateOnNewDocumentParams,
        js_protocol::runtime::{AddBindingParams, EventBindingCalled},
    },
};
use futures::StreamExt;
use tokio::{
    sync::{mpsc, watch},
    task::JoinHandle,
};

use super::transport::{Events, Transport, TransportError, TransportEvent};

const INJECTED: &str = include_str!("inject.js");
const BINDING: &str = "__novi";
/// A desktop Chrome on Linux: WhatsApp Web serves its full client only to desktop browsers.
const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(5);

pub struct WebOptions {
    pub chromium: PathBuf,
    /// This business's profile folder.
    pub profile: PathBuf,
    pub url: String,
}

/// One Chromium with one WhatsApp Web page.
pub struct WebTransport {
    browser: Browser,
    page: Page,
    tasks: Vec<JoinHandle<()>>,
    /// Turns true when the connection to Chromium ends (it exited or was killed).
    gone: watch::Receiver<bool>,
}

impl WebTransport {
    /// Starts Chromium on the profile (clearing a lock a crashed Chromium left), injects the
    /// script, opens the page, and returns the stream of what it reports.
    pub async fn launch(options: &WebOptions) -> Result<(Self, Events), TransportError> {
        std::fs::create_dir_all(&options.profile)
            .map_err(|error| TransportError::Launch(format!("{}: {error}", options.profile.display())))?;
        clear_stale_lock(&options.profile);
        let mut config = BrowserConfig::builder()
            .chrome_executable(&options.chromium)
            .new_headless_mode()
            .user_data_dir(&options.profile)
            .window_size(1280, 900)
            .viewport(None)
            // Without leading dashes: chromiumoxide adds them.
            .args([
                "disable-blink-features=AutomationControlled",
                "disable-gpu",
                "disable-dev-shm-usage",
                "disable-background-networking",
                "disable-component-update",
                "disable-sync",
                "no-first-run",
                "no-default-browser-check",
            ]);
        if running_as_root() {
            config = config.no_sandbox();
        }
        let config = config.build().map_err(TransportError::Launch)?;
        let (browser, mut handler) = Browser::launch(config)
            .await
            .map_err(|error| TransportError::Launch(format!("{}: {error}", options.chromium.display())))?;
        let (ended, gone) = watch::channel(false);
        let mut tasks = vec![tokio::spawn(async move {
            while let Some(result) = handler.next().await {
                if result.is_err() {
                    break;
                }
            }
            let _ = ended.send(true);
        })];

        let page = browser
            .new_page("about:blank")
            .await
            .map_err(|error| TransportError::Page(error.to_string()))?;
        let (sender, events) = mpsc::unbounded_channel();
        let mut calls = page
            .event_listener::<EventBindingCalled>()
            .await
            .map_err(|error| TransportError::Page(error.to_string()))?;
        tasks.push(tokio::spawn(async move {
            while let Some(call) = calls.next().await {
                if call.name != BINDING {
                    continue;
                }
                match serde_json::from_str::<TransportEvent>(&call.payload) {
                    Ok(event) => {
                        if sender.send(event).is_err() {
                            break;
                        }
                    }
                    Err(error) => tracing::warn!(%error, payload = %call.payload, "unreadable event from WhatsApp Web"),
                }
            }
        }));
        let page_error = |error: chromiumoxide::error::CdpError| TransportError::Page(error.to_string());
        page.set_user_agent(USER_AGENT).await.map_err(page_error)?;
        page.execute(AddBindingParams::new(BINDING)).await.map_err(page_error)?;
        page.execute(AddScriptToEvaluateOnNewDocumentParams::new(INJECTED))
            .await
            .map_err(page_error)?;
        page.goto(options.url.as_str()).await.map_err(page_error)?;
        Ok((
            Self {
                browser,
                page,
                tasks,
                gone,
            },
            events,
        ))
    }

    /// Resolves when Chromium is gone.
    pub async fn gone(&self) {
        let mut gone = self.gone.clone();
        let _ = gone.wait_for(|gone| *gone).await;
    }

    /// Closes Chromium and waits for it to exit, so the profile is complete on disk.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.browser.close()).await;
        if tokio::time::timeout(Duration::from_secs(10), self.browser.wait())
            .await
            .is_err()
        {
            let _ = self.browser.kill().await;
        }
        for task in self.tasks {
            task.abort();
        }
    }

    /// The PID of the Chromium process, for tests that kill it.
    pub fn process_id(&mut self) -> Option<u32> {
        self.browser.get_mut_child().and_then(|child| child.inner.id())
    }
}

impl Transport for WebTransport {
    async fn send(&self, chat: &str, body: &str, quoted: Option<&str>, id: &str) -> Result<String, TransportError> {
        let arguments =
            serde_json::to_string(&(chat, body, quoted, id)).map_err(|e| TransportError::Send(e.to_string()))?;
        let expression = format!("window.__noviSend(...{arguments})");
        self.page
            .evaluate(expression)
            .await
            .map_err(|error| TransportError::Send(error.to_string()))?
            .into_value::<String>()
            .map_err(|error| TransportError::Send(error.to_string()))
    }

    async fn reconnect(&self) -> Result<(), TransportError> {
        self.page
            .evaluate("window.__noviReconnect && window.__noviReconnect(), true")
            .await
            .map(|_| ())
            .map_err(|error| TransportError::Page(error.to_string()))
    }

    async fn logout(&self) -> Result<(), TransportError> {
        self.page
            .evaluate("window.__noviLogout && window.__noviLogout(), true")
            .await
            .map(|_| ())
            .map_err(|error| TransportError::Page(error.to_string()))
    }

    async fn catch_up(&self, since: i64) -> Result<(), TransportError> {
        self.page
            .evaluate(format!("window.__noviCatchUp && window.__noviCatchUp({since}), true"))
            .await
            .map(|_| ())
            .map_err(|error| TransportError::Page(error.to_string()))
    }

    async fn alive(&self) -> bool {
        // The page answering is enough: a WhatsApp Web still loading is alive, not hung.
        let probe = self.page.evaluate("true");
        matches!(tokio::time::timeout(HEARTBEAT_TIMEOUT, probe).await, Ok(Ok(_)))
    }
}

/// Chromium marks a profile in use with a `SingletonLock` link to `host-pid`. After a crash
/// of Novi its Chromium may still run, or the link may outlive it; either way the profile must
/// be freed before a new Chromium can open it.
fn clear_stale_lock(profile: &Path) {
    let lock = profile.join("SingletonLock");
    let Ok(target) = std::fs::read_link(&lock) else {
        return;
    };
    let pid = target
        .to_string_lossy()
        .rsplit('-')
        .next()
        .and_then(|pid| pid.parse::<i32>().ok());
    if let Some(pid) = pid.filter(|pid| runs_on(*pid, profile)) {
        tracing::warn!(pid, profile = %profile.display(), "stopping a Chromium left on this WhatsApp profile");
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
        std::thread::sleep(Duration::from_millis(300));
    }
    for name in ["SingletonLock", "SingletonSocket", "SingletonCookie"] {
        let _ = std::fs::remove_file(profile.join(name));
    }
}

/// Whether the process is a Chromium on this very profile (a PID in a stale lock may belong to
/// anything by now).
fn runs_on(pid: i32, profile: &Path) -> bool {
    let wanted = format!("--user-data-dir={}", profile.display());
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).split('\0').any(|arg| arg == wanted))
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find(|line| line.starts_with("Uid:"))
            .is_some_and(|line| line.split_whitespace().nth(1) == Some("0"))
    })
}
