//! Debian's Chromium, headless, driven over CDP by chromiumoxide: the browser for Novi's
//! browser tests. Never a downloaded browser.

use std::{path::PathBuf, time::Duration};

use chromiumoxide::{Browser, BrowserConfig, Page, page::ScreenshotParams};
use futures::StreamExt;
use tokio::task::JoinHandle;

pub struct TestBrowser {
    browser: Browser,
    handler: JoinHandle<()>,
    profile: PathBuf,
}

impl TestBrowser {
    pub async fn launch() -> Self {
        let executable = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let profile = std::env::temp_dir().join(format!("novi-e2e-profile-{}", rand_suffix()));
        // Flags without leading dashes: chromiumoxide adds them. The background-networking
        // ones keep Chromium from calling out of this machine.
        let config = BrowserConfig::builder()
            .chrome_executable(executable)
            .no_sandbox()
            .new_headless_mode()
            .user_data_dir(&profile)
            .window_size(1280, 900)
            .viewport(None)
            .args([
                "disable-gpu",
                "disable-dev-shm-usage",
                "disable-background-networking",
                "disable-component-update",
                "disable-sync",
                "no-first-run",
                "disable-quic",
            ])
            .build()
            .expect("browser configuration");
        let (browser, mut events) = Browser::launch(config)
            .await
            .expect("Chromium starts (apt-get install chromium)");
        let handler = tokio::spawn(async move { while events.next().await.is_some() {} });
        Self {
            browser,
            handler,
            profile,
        }
    }

    /// Opens `url` in a new page that records its scripts' failures (see `assert_alive`).
    pub async fn open(&self, url: &str) -> Page {
        let page = self.browser.new_page("about:blank").await.expect("page opens");
        page.evaluate_on_new_document(RECORD_FAILURES)
            .await
            .expect("the failure recorder is installed");
        page.goto(url).await.expect("page opens");
        page
    }

    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
        self.handler.abort();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Runs before any of the page's own scripts, on every document the page loads: keeps what is
/// logged as an error or thrown without being caught.
const RECORD_FAILURES: &str = "window.__failures = []; \
    const logError = console.error.bind(console); \
    console.error = (...parts) => { window.__failures.push(parts.map(String).join(' ')); logError(...parts); }; \
    addEventListener('error', event => window.__failures.push(String(event.message))); \
    addEventListener('unhandledrejection', event => window.__failures.push(String(event.reason)));";

/// Fails the test if the app's WebAssembly panicked in this page: the page still looks whole,
/// but nothing on it answers any more.
pub async fn assert_alive(page: &Page) {
    let failures: Vec<String> = page
        .evaluate("window.__failures || []")
        .await
        .expect("the page answers")
        .into_value()
        .expect("a list of failures");
    let panics: Vec<&String> = failures
        .iter()
        .filter(|failure| failure.contains("panicked at") || failure.contains("RuntimeError"))
        .collect();
    assert!(panics.is_empty(), "the page's WebAssembly panicked: {panics:#?}");
}

/// Polls a JavaScript expression until it is `true`, failing the test after `timeout`.
pub async fn wait_until(page: &Page, expression: &str, timeout: Duration) {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let done = page
            .evaluate(expression)
            .await
            .ok()
            .and_then(|result| result.into_value::<bool>().ok())
            .unwrap_or(false);
        if done {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for `{expression}`"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits for hydration: the app marks `<html data-hydrated="true">` once it is interactive.
pub async fn wait_for_hydration(page: &Page) {
    wait_until(
        page,
        "document.documentElement.dataset.hydrated === 'true'",
        Duration::from_secs(30),
    )
    .await;
    assert_alive(page).await;
}

/// Saves a full-page screenshot under `target/screenshots/` and returns its path.
pub async fn screenshot(page: &Page, name: &str) -> PathBuf {
    assert_alive(page).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let path = dir.join(format!("{name}.png"));
    page.save_screenshot(ScreenshotParams::builder().full_page(true).build(), &path)
        .await
        .expect("screenshot is saved");
    path
}

pub async fn text_of(page: &Page, selector: &str) -> String {
    page.find_element(selector)
        .await
        .unwrap_or_else(|_| panic!("{selector} is on the page"))
        .inner_text()
        .await
        .expect("text")
        .unwrap_or_default()
}

pub async fn type_into(page: &Page, selector: &str, text: &str) {
    let field = page.find_element(selector).await.expect("the field");
    field.click().await.expect("focus");
    field.type_str(text).await.expect("typing");
}

pub async fn click(page: &Page, selector: &str) {
    page.find_element(selector)
        .await
        .unwrap_or_else(|_| panic!("{selector} is on the page"))
        .click()
        .await
        .expect("click");
}

/// Fills in the sign-in form the page was sent to, and waits until it is back on `path`.
pub async fn sign_in(page: &Page, email: &str, password: &str, path: &str) {
    wait_until(page, "location.pathname === '/login'", Duration::from_secs(10)).await;
    wait_for_hydration(page).await;
    type_into(page, "#email", email).await;
    type_into(page, "#password", password).await;
    click(page, "[data-test=sign-in]").await;
    wait_until(
        page,
        &format!("location.pathname === '{path}'"),
        Duration::from_secs(15),
    )
    .await;
    wait_for_hydration(page).await;
}

fn rand_suffix() -> String {
    format!(
        "{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    )
}
