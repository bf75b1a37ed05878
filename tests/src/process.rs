//! `novi` as separate processes, for what an in-process server cannot show: a SIGKILL in the
//! middle of work, and several instances sharing one database. The binary is the one
//! `cargo test` builds for the server's own integration tests (`target/debug/novi`).

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use tokio::process::{Child, Command};

use crate::{DEMO_PASSWORD, TEST_JWT_SECRET, eventually, site_root};

/// `target/<profile>/novi`, beside this test's own executable.
pub fn novi_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("tests run from target/<profile>/deps");
    let binary = profile_dir.join("novi");
    assert!(
        binary.exists(),
        "{} is missing: run the tests with `cargo test` at the workspace root, which builds it",
        binary.display()
    );
    binary
}

/// The settings every process of one test shares: its database, WhatsApp pointed at a
/// simulator, fast sends so a burst drains quickly.
pub fn environment(database_url: &str, sessions: &Path, whatsapp_url: &str) -> HashMap<String, String> {
    [
        ("NOVI_ENV", "development".to_string()),
        ("DATABASE_URL", database_url.to_string()),
        ("JWT_SECRET", TEST_JWT_SECRET.to_string()),
        ("NOVI_SITE_ROOT", site_root().display().to_string()),
        ("NOVI_DEMO_PASSWORD", DEMO_PASSWORD.to_string()),
        ("NOVI_WHATSAPP", "web".to_string()),
        ("WHATSAPP_WEB_URL", whatsapp_url.to_string()),
        ("WHATSAPP_SESSION_PATH", sessions.display().to_string()),
        ("WHATSAPP_SEND_INTERVAL_MS", "5".to_string()),
        ("WHATSAPP_CHAT_INTERVAL_MS", "5".to_string()),
        ("LOG_FORMAT", "pretty".to_string()),
        ("RUST_LOG", "info".to_string()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value))
    .chain(
        std::env::var("CHROMIUM_PATH")
            .ok()
            .map(|path| ("CHROMIUM_PATH".to_string(), path)),
    )
    .collect()
}

/// Runs `novi seed` to completion.
pub async fn seed(env: &HashMap<String, String>, dir: &Path) {
    let status = Command::new(novi_binary())
        .arg("seed")
        .args(["--orders", "1"])
        .current_dir(dir)
        .envs(env)
        .stdout(Stdio::null())
        .status()
        .await
        .expect("novi seed runs");
    assert!(status.success(), "novi seed failed");
}

/// One `novi serve` process.
pub struct Novi {
    child: Child,
    pub base_url: String,
    pub log: PathBuf,
}

impl Novi {
    /// Starts `novi serve` on `port` and waits until it answers `/healthz`.
    pub async fn start(env: &HashMap<String, String>, dir: &Path, port: u16, name: &str) -> Self {
        let log = dir.join(format!("{name}.log"));
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("log file");
        let child = Command::new(novi_binary())
            .arg("serve")
            .current_dir(dir)
            .envs(env)
            .env("PORT", port.to_string())
            .stdout(output.try_clone().expect("log file"))
            .stderr(output)
            .spawn()
            .expect("novi serve starts");
        let novi = Self {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let health = novi.url("/healthz");
        eventually(Duration::from_secs(30), &format!("{name} to answer"), || async {
            let answer = reqwest::get(&health).await.ok()?;
            answer.status().is_success().then_some(())
        })
        .await;
        novi
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("a running process")
    }

    /// SIGKILL: no shutdown, no cleanup; its Chromium is left running as an orphan.
    pub async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// SIGTERM, then waits for a clean exit.
    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
        }
        if tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .is_err()
        {
            self.kill().await;
        }
    }

    /// Signs in as the demo owner.
    pub async fn owner_token(&self) -> String {
        let answer: serde_json::Value = reqwest::Client::new()
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({"email": "owner@pizzapalace.example", "password": DEMO_PASSWORD}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("login answer");
        answer["token"].as_str().expect("a token").to_string()
    }

    /// `GET /api/whatsapp` once its state is `wanted`.
    pub async fn whatsapp_becomes(&self, token: &str, wanted: &str, within: Duration) -> serde_json::Value {
        let url = self.url("/api/whatsapp");
        eventually(within, &format!("WhatsApp to be {wanted}"), || async {
            let view: serde_json::Value = reqwest::Client::new()
                .get(&url)
                .bearer_auth(token)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            (view["state"] == wanted).then_some(view)
        })
        .await
    }
}

impl Drop for Novi {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// The main Chromium processes (not their helpers) running on a profile folder, with the
/// process that started each.
pub fn browsers_on(profile: &Path) -> Vec<(u32, u32)> {
    let needle = format!("--user-data-dir={}", profile.display());
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).into_owned();
        let args: Vec<&str> = cmdline.split('\0').collect();
        if !args.contains(&needle.as_str()) || args.iter().any(|arg| arg.starts_with("--type=")) {
            continue;
        }
        let parent = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|line| line.strip_prefix("PPid:"))
                    .and_then(|ppid| ppid.trim().parse().ok())
            })
            .unwrap_or(0);
        found.push((pid, parent));
    }
    found
}

/// Kills what is left on a profile folder at the end of a test.
pub fn kill_browsers_on(profile: &Path) {
    for (pid, _) in browsers_on(profile) {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    }
}

/// A WhatsApp simulator served from this test process, so it outlives the `novi` processes it
/// serves. Answers its address and the sender that stops it.
pub async fn start_simulator(dir: &Path) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}/", listener.local_addr().expect("an address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let dir = dir.to_path_buf();
    tokio::spawn(async move {
        server::whatsapp::simulator::serve(listener, &dir, async {
            let _ = stopped.await;
        })
        .await
        .expect("the simulator serves");
    });
    (url, stop)
}
