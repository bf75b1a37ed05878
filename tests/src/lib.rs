//! Starts the real Novi server on port 0 against a fresh database for one test: a new SQLite
//! file, or a new PostgreSQL database when `NOVI_TEST_POSTGRES_URL` names a server.

use std::{collections::HashMap, net::SocketAddr, path::PathBuf, sync::Arc};

use rand::{Rng, distr::Alphanumeric};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

pub mod process;
pub mod proxy;
pub mod summaries;
use server::{config::Config, startup::Application};
use tokio::sync::oneshot;

/// Runs each named `async fn(Engine)` as two tests, `<name>::sqlite` and `<name>::postgres`.
/// The PostgreSQL one says it was skipped when no server is configured.
#[macro_export]
macro_rules! on_every_engine {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::Engine::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() {
                match $crate::Engine::postgres() {
                    Some(engine) => super::$name(engine).await,
                    None => eprintln!("skipped: NOVI_TEST_POSTGRES_URL is not set"),
                }
            }
        }
    )+};
}

#[derive(Debug, Clone)]
pub enum Engine {
    Sqlite,
    /// The URL of a PostgreSQL server's maintenance database; tests create their own beside it.
    Postgres(String),
}

impl Engine {
    pub fn postgres() -> Option<Self> {
        std::env::var("NOVI_TEST_POSTGRES_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .map(Engine::Postgres)
    }
}

/// A database that exists for one test and is removed after it.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub async fn create(engine: &Engine) -> Self {
        Self::create_in(engine, &std::env::temp_dir()).await
    }

    /// A SQLite database is a folder under `parent`; a PostgreSQL one lives on its server.
    pub async fn create_in(engine: &Engine, parent: &std::path::Path) -> Self {
        let name = format!("novi_test_{}", random_suffix());
        match engine {
            Engine::Sqlite => {
                let dir = parent.join(&name);
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.join("novi.db").display());
                Self {
                    url,
                    cleanup: Cleanup::File(dir),
                }
            }
            Engine::Postgres(admin_url) => {
                let admin = Database::connect(admin_url)
                    .await
                    .expect("connect to NOVI_TEST_POSTGRES_URL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
                Self {
                    url: format!("{base}/{name}"),
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.clone(),
                        name,
                    },
                }
            }
        }
    }

    pub async fn connect(&self) -> DatabaseConnection {
        server::db::connect(&self.url)
            .await
            .expect("connect to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                // Drop runs outside async code; a short-lived runtime on its own thread does it.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                    runtime.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                    Ok::<_, std::io::Error>(())
                })
                .join();
            }
        }
    }
}

/// An instant as the API and the stored response times write it (RFC 3339).
pub fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().expect("an RFC 3339 instant")
}

/// The secret the test servers sign with, so tests can forge tokens to prove they are refused.
pub const TEST_JWT_SECRET: &str = "test-secret-that-is-long-enough-for-hs256-0123456789";

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: SocketAddr,
    pub base_url: String,
    pub db: DatabaseConnection,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    config: Config,
    // Last, so the server is gone before its database is dropped; shared with other instances.
    database: Arc<TestDatabase>,
}

/// Knobs a test may turn before the server starts.
#[derive(Default)]
pub struct Options {
    pub auto_migrate: Option<bool>,
    pub max_file_size: Option<usize>,
    /// Runs the WhatsApp simulator under `/dev/whatsapp/` and the workers against it, with
    /// sessions in this folder.
    pub whatsapp_simulator: Option<std::path::PathBuf>,
    /// Listen on this port rather than any free one (a browser's storage is per port).
    pub port: Option<u16>,
    /// `NOVI_SESSION_KEY`: WhatsApp profiles sealed at rest.
    pub session_key: Option<String>,
    /// `CHROMIUM_PATH` for the WhatsApp workers (else the environment's, else Debian's).
    pub chromium: Option<std::path::PathBuf>,
    /// Runs the Cloud API transport (`NOVI_WHATSAPP=cloud`) against this Graph API.
    pub graph_api: Option<String>,
    /// Schedules backups into this folder (`BACKUP_DIR`), the first one at once.
    pub backup_dir: Option<std::path::PathBuf>,
    /// SQLite: the database's folder goes under this one (a small file system a test fills).
    pub database_parent: Option<std::path::PathBuf>,
    /// PostgreSQL: the server talks to its database through this address (a proxy a test cuts).
    pub database_address: Option<SocketAddr>,
    /// `RATE_LIMIT_PER_MINUTE`: requests per signed-in user (default 600).
    pub rate_limit_per_minute: Option<u32>,
}

pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, Options::default()).await
}

pub async fn spawn_app_with(engine: Engine, options: Options) -> TestApp {
    let database = match &options.database_parent {
        Some(parent) => TestDatabase::create_in(&engine, parent).await,
        None => TestDatabase::create(&engine).await,
    };
    let database_url = match options.database_address {
        Some(address) => through(&database.url, address),
        None => database.url.clone(),
    };
    let mut vars = HashMap::from([
        ("NOVI_ENV", "development".to_string()),
        ("DATABASE_URL", database_url),
        ("NOVI_SITE_ROOT", site_root().display().to_string()),
        ("JWT_SECRET", TEST_JWT_SECRET.to_string()),
    ]);
    if let Some(auto_migrate) = options.auto_migrate {
        vars.insert("NOVI_AUTO_MIGRATE", auto_migrate.to_string());
    }
    if let Some(max_file_size) = options.max_file_size {
        vars.insert("MAX_FILE_SIZE", max_file_size.to_string());
    }
    if let Some(limit) = options.rate_limit_per_minute {
        vars.insert("RATE_LIMIT_PER_MINUTE", limit.to_string());
    }
    if let Some(key) = options.session_key {
        vars.insert("NOVI_SESSION_KEY", key);
    }
    if let Some(graph) = options.graph_api {
        vars.insert("NOVI_WHATSAPP", "cloud".into());
        vars.insert("WHATSAPP_GRAPH_URL", graph);
        vars.insert("WHATSAPP_SEND_INTERVAL_MS", "50".into());
    }
    if let Some(dir) = options.backup_dir {
        vars.insert("BACKUP_DIR", dir.display().to_string());
        vars.insert("BACKUP_KEEP", "2".into());
    }
    if let Some(sessions) = options.whatsapp_simulator {
        vars.insert("NOVI_WHATSAPP", "simulator".into());
        vars.insert("WHATSAPP_SESSION_PATH", sessions.display().to_string());
        if let Some(chromium) = options
            .chromium
            .map(|path| path.display().to_string())
            .or(std::env::var("CHROMIUM_PATH").ok())
        {
            vars.insert("CHROMIUM_PATH", chromium);
        }
    }
    let config = Config::from_lookup(|key| vars.get(key).cloned()).expect("test configuration is valid");
    start(config, options.port.unwrap_or(0), Arc::new(database)).await
}

async fn start(config: Config, port: u16, database: Arc<TestDatabase>) -> TestApp {
    let app = Application::build(&config, SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .expect("server starts");
    let address = app.local_addr();
    let db = app.state().db.clone();
    let (shutdown, stop) = oneshot::channel();
    let server = tokio::spawn(async move {
        app.run_until(async move {
            let _ = stop.await;
        })
        .await
        .expect("server runs");
    });
    TestApp {
        address,
        base_url: format!("http://{address}"),
        db,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        shutdown: Some(shutdown),
        server: Some(server),
        config,
        database,
    }
}

/// `url` (`scheme://user@host:port/name`) with `address` in place of its host and port.
fn through(url: &str, address: SocketAddr) -> String {
    let (user, _, name) = database_url_parts(url);
    format!("{user}@{address}/{name}")
}

/// The host and port of a `scheme://user@host:port/name` URL, where the database server listens.
pub fn database_address(url: &str) -> SocketAddr {
    database_url_parts(url)
        .1
        .parse()
        .expect("a database URL with a numeric host and port")
}

/// `scheme://user`, `host:port` and `name` of a database URL.
fn database_url_parts(url: &str) -> (&str, &str, &str) {
    let (user, after) = url.split_once('@').expect("a database URL with a user");
    let (authority, name) = after.split_once('/').expect("a database URL with a database name");
    (user, authority, name)
}

/// A customer's message in a direct chat as the WhatsApp worker hands it over: from `phone`
/// (digits), under the name `name`, sent now.
pub fn chat_message(
    external_id: impl Into<String>,
    phone: &str,
    name: &str,
    body: impl Into<String>,
) -> app::services::whatsapp::Incoming {
    app::services::whatsapp::Incoming {
        external_id: external_id.into(),
        chat_id: format!("{phone}@c.us"),
        author: format!("{phone}@c.us"),
        push_name: Some(name.to_string()),
        body: body.into(),
        message_type: "chat".into(),
        quoted_external_id: None,
        sent_at: chrono::Utc::now().timestamp(),
    }
}

impl TestApp {
    /// Calls a server function with a session cookie (empty for none): the status, the JSON
    /// answer and the cookie it sets, if any.
    pub async fn rpc(
        &self,
        name: &str,
        cookie: &str,
        args: serde_json::Value,
    ) -> (u16, serde_json::Value, Option<String>) {
        let response = self
            .client
            .post(self.url(&format!("/rpc/{name}")))
            .header("cookie", cookie)
            .json(&args)
            .send()
            .await
            .expect("server function request");
        let status = response.status().as_u16();
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .map(|value| value.to_str().expect("a text cookie").to_string());
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
            set_cookie,
        )
    }

    /// Signs a demo user in through the dashboard's server function and returns the HttpOnly
    /// session cookie to send back.
    pub async fn session_cookie(&self, email: &str) -> String {
        let credentials = serde_json::json!({"credentials": {"email": email, "password": DEMO_PASSWORD}});
        let (status, user, set_cookie) = self.rpc("account/login", "", credentials).await;
        assert_eq!(status, 200, "{user}");
        assert_eq!(user["email"], email);
        let cookie = set_cookie.expect("the session cookie is set");
        assert!(cookie.contains("HttpOnly"));
        cookie.split(';').next().expect("a cookie").to_string()
    }

    /// Another `novi serve` on the same database and settings, on its own port.
    pub async fn another_instance(&self) -> TestApp {
        start(self.config.clone(), 0, self.database.clone()).await
    }

    /// The URL of this test's own database.
    pub fn database_url(&self) -> &str {
        &self.database.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request is sent")
    }

    /// Stops the server and waits until it has closed its database pool.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The workspace's built frontend (`make frontend`).
pub fn site_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site")
}

/// Twelve random lower-case letters and digits, for names no other test uses.
pub fn random_suffix() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(12)
        .map(|c| char::from(c).to_ascii_lowercase())
        .collect()
}

/// The password the demo users get in tests.
pub const DEMO_PASSWORD: &str = "demo-password";

impl TestApp {
    /// Seeds Pizza Palace with `orders` orders; its users sign in with `DEMO_PASSWORD`.
    pub async fn seed_demo(&self, orders: u64) -> server::seed::Report {
        let options = server::seed::Options {
            password: Some(DEMO_PASSWORD.into()),
            orders: Some(orders),
        };
        server::seed::run(&self.db, options).await.expect("demo data is seeded")
    }

    /// Signs in and returns the bearer token.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), 200, "login as {email}");
        let body: serde_json::Value = response.json().await.expect("login answer");
        body["token"].as_str().expect("token").to_string()
    }

    /// Registers a new business with its owner and returns the owner's token.
    pub async fn register_owner(&self, email: &str, business_name: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/auth/register"))
            .json(&serde_json::json!({
                "username": email.split('@').next().unwrap_or("owner"),
                "email": email,
                "password": DEMO_PASSWORD,
                "business_name": business_name,
            }))
            .send()
            .await
            .expect("register request");
        assert_eq!(response.status(), 201, "register {email}");
        self.token(email, DEMO_PASSWORD).await
    }

    /// Any request with a bearer token and an optional JSON body, answering the status and the
    /// JSON body (`null` when there is none).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: impl Into<Option<serde_json::Value>>,
    ) -> (u16, serde_json::Value) {
        let mut request = self.client.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body.into() {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// `GET /api/whatsapp` as this token sees it.
    pub async fn whatsapp(&self, token: &str) -> serde_json::Value {
        let (status, view) = self.get_json("/api/whatsapp", token).await;
        assert_eq!(status, 200, "{view}");
        view
    }

    /// Waits until the WhatsApp connection is in state `wanted`, failing the test after
    /// `within`; answers the view it then shows.
    pub async fn whatsapp_state_becomes(
        &self,
        token: &str,
        wanted: &str,
        within: std::time::Duration,
    ) -> serde_json::Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let view = self.whatsapp(token).await;
            if view["state"] == wanted {
                return view;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {wanted}; the state is {view}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// POSTs to the WhatsApp simulator mounted under `/dev/whatsapp/` (simulator mode).
    pub async fn simulator(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        post_json(&self.url(&format!("/dev/whatsapp/{path}")), body).await
    }

    /// Waits up to 30 s until the simulator shows `count` replies sent from the business's
    /// `phone` to the customer's `customer` number, and answers them in order.
    pub async fn replies_in_chat(&self, phone: &str, customer: &str, count: usize) -> Vec<serde_json::Value> {
        let url = self.url(&format!(
            "/dev/whatsapp/api/sent?from=%2B{}",
            phone.trim_start_matches('+')
        ));
        let chat = format!("{}@c.us", customer.trim_start_matches('+'));
        eventually(
            std::time::Duration::from_secs(30),
            "the replies in the chat",
            || async {
                let sent: Vec<serde_json::Value> = reqwest::get(&url).await.unwrap().json().await.unwrap();
                let to_customer: Vec<_> = sent.into_iter().filter(|sent| sent["to"] == chat.as_str()).collect();
                (to_customer.len() >= count).then_some(to_customer)
            },
        )
        .await
    }

    /// Waits for the worker's QR, scans it with the business's `phone`, and waits for the link.
    pub async fn link_whatsapp(&self, token: &str, phone: &str) {
        let within = std::time::Duration::from_secs(30);
        let qr = self.whatsapp_state_becomes(token, "qr", within).await["qr"]
            .as_str()
            .expect("a QR to scan")
            .to_string();
        self.simulator("api/scan", serde_json::json!({"qr": qr, "phone": phone}))
            .await;
        self.whatsapp_state_becomes(token, "connected", within).await;
    }

    /// GET with a bearer token, answering the status and the JSON body.
    pub async fn get_json(&self, path: &str, token: &str) -> (u16, serde_json::Value) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }
}

/// A Server-Sent Events stream read as a browser's EventSource reads it.
pub struct SseStream {
    response: reqwest::Response,
    buffer: String,
}

/// One event: its `event:` name (`message` when none) and its `data:`, as JSON when it is.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub name: String,
    pub data: serde_json::Value,
}

impl SseStream {
    /// Opens the stream, with a bearer token when given.
    pub async fn open(url: &str, token: Option<&str>) -> Self {
        let mut request = reqwest::Client::new().get(url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the stream opens");
        assert_eq!(response.status(), 200, "{url}");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event, waiting at most `timeout`; `None` when the stream ends or nothing
    /// comes in time.
    pub async fn next_within(&mut self, timeout: std::time::Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let mut name = "message".to_string();
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_string();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                // JSON as most streams send it; text (the tracking page's HTML) as a string.
                let data = serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data));
                return Some(SseEvent { name, data });
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next event within five seconds.
    pub async fn next(&mut self) -> Option<SseEvent> {
        self.next_within(std::time::Duration::from_secs(5)).await
    }

    /// Whether the server ends the stream within `timeout` (keep-alive comments aside).
    pub async fn ends_within(&mut self, timeout: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(chunk))) => {
                    self.buffer.push_str(&String::from_utf8_lossy(&chunk));
                    if self.buffer.contains("data:") {
                        return false;
                    }
                }
                Ok(_) => return true,
            }
        }
    }
}

/// A port free right now, for a server that must come back on the same one (a browser's storage
/// belongs to its origin).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// POSTs JSON that must succeed, answering the JSON body (`null` when there is none).
pub async fn post_json(url: &str, body: serde_json::Value) -> serde_json::Value {
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(response.status().is_success(), "{url}: {}", response.status());
    response.json().await.unwrap_or(serde_json::Value::Null)
}

/// Asks `check` every 50 ms until it answers `Some`, failing the test with `what` after
/// `within`.
pub async fn eventually<T, F, Fut>(within: std::time::Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
