//! Configuration from the environment (and `.env`), validated once at start. A missing or
//! malformed value is an error that names its variable; nothing falls back to a weaker default.

use std::{fmt, path::PathBuf, str::FromStr, time::Duration};

use app::services::backups::Schedule;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} is required: {reason}")]
    Missing { var: &'static str, reason: &'static str },
    #[error("{var} is invalid: {reason}")]
    Invalid { var: &'static str, reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhatsappMode {
    Off,
    Simulator,
    Web,
    Cloud,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub port: u16,
    pub database_url: String,
    pub jwt_secret: Option<Secret>,
    pub whatsapp: WhatsappMode,
    pub whatsapp_session_path: PathBuf,
    pub whatsapp_web_url: String,
    /// The Graph API the Cloud API transport calls, version included.
    pub whatsapp_graph_url: String,
    pub chromium_path: PathBuf,
    /// Seals each WhatsApp profile at rest when set.
    pub session_key: Option<Secret>,
    /// At most one WhatsApp send per this many milliseconds, across all chats of a number.
    pub send_interval_ms: u64,
    /// At most one WhatsApp send per this many milliseconds to the same chat.
    pub chat_interval_ms: u64,
    pub max_file_size: usize,
    /// API and server-function calls allowed per signed-in user per minute.
    pub rate_limit_per_minute: u32,
    pub public_url: String,
    pub log_format: LogFormat,
    /// Where the built frontend (`pkg/`) and the public files are served from.
    pub site_root: PathBuf,
    pub auto_migrate: bool,
    /// Where scheduled backups go (`BACKUP_DIR`); none means no scheduled backups.
    pub backup_dir: Option<PathBuf>,
    /// How often they run and how many are kept (`BACKUP_EVERY`, `BACKUP_KEEP`).
    pub backup_schedule: Schedule,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/novi.db?mode=rwc";
const MIN_JWT_SECRET_LEN: usize = 32;

impl Config {
    /// Reads `.env` if present, then the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Builds the configuration from any source of variables; tests pass a map.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |key: &str| lookup(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());

        let environment = match get("NOVI_ENV").as_deref() {
            None | Some("production") => Environment::Production,
            Some("development") => Environment::Development,
            Some(other) => return Err(invalid("NOVI_ENV", other, "`production` or `development`")),
        };
        let port = parse(&get, "PORT", 3000, "a TCP port from 0 to 65535")?;
        let jwt_secret = get("JWT_SECRET").map(Secret);
        match (&jwt_secret, environment) {
            (Some(secret), _) if secret.0.len() < MIN_JWT_SECRET_LEN => {
                return Err(ConfigError::Invalid {
                    var: "JWT_SECRET",
                    reason: format!("must be at least {MIN_JWT_SECRET_LEN} characters long"),
                });
            }
            (None, Environment::Production) => {
                return Err(ConfigError::Missing {
                    var: "JWT_SECRET",
                    reason: "set a random string of 32 or more characters (or NOVI_ENV=development)",
                });
            }
            _ => {}
        }
        let whatsapp = match get("NOVI_WHATSAPP").as_deref() {
            None | Some("off") => WhatsappMode::Off,
            Some("simulator") if environment == Environment::Production => {
                return Err(ConfigError::Invalid {
                    var: "NOVI_WHATSAPP",
                    reason: "the simulator is never mounted in production".into(),
                });
            }
            Some("simulator") => WhatsappMode::Simulator,
            Some("web") => WhatsappMode::Web,
            Some("cloud") => WhatsappMode::Cloud,
            Some(other) => return Err(invalid("NOVI_WHATSAPP", other, "off, simulator, web or cloud")),
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None if environment == Environment::Development => LogFormat::Pretty,
            None | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => return Err(invalid("LOG_FORMAT", other, "json or pretty")),
        };
        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(invalid(
                "DATABASE_URL",
                &redact_url(&database_url),
                "a sqlite: or postgres:// URL",
            ));
        }
        let max_file_size = parse(&get, "MAX_FILE_SIZE", 10_485_760usize, "a size in bytes")?;
        if max_file_size == 0 {
            return Err(invalid("MAX_FILE_SIZE", "0", "a size in bytes above 0"));
        }
        let rate_limit_per_minute = parse(&get, "RATE_LIMIT_PER_MINUTE", 600u32, "a count of calls per minute")?;
        if rate_limit_per_minute == 0 {
            return Err(invalid(
                "RATE_LIMIT_PER_MINUTE",
                "0",
                "a count of calls per minute above 0",
            ));
        }
        let public_url = get("PUBLIC_URL").unwrap_or_else(|| format!("http://localhost:{port}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid("PUBLIC_URL", &public_url, "an http:// or https:// URL"));
        }
        let session_key = get("NOVI_SESSION_KEY").map(Secret);
        if session_key.as_ref().is_some_and(|key| key.0.len() < MIN_JWT_SECRET_LEN) {
            return Err(ConfigError::Invalid {
                var: "NOVI_SESSION_KEY",
                reason: format!("must be at least {MIN_JWT_SECRET_LEN} characters long"),
            });
        }
        let send_interval_ms = parse(&get, "WHATSAPP_SEND_INTERVAL_MS", 1_000u64, "milliseconds")?;
        let chat_interval_ms = parse(&get, "WHATSAPP_CHAT_INTERVAL_MS", 3_000u64, "milliseconds")?;
        let whatsapp_graph_url = get("WHATSAPP_GRAPH_URL").unwrap_or_else(|| "https://graph.facebook.com/v21.0".into());
        if !(whatsapp_graph_url.starts_with("http://") || whatsapp_graph_url.starts_with("https://")) {
            return Err(invalid(
                "WHATSAPP_GRAPH_URL",
                &whatsapp_graph_url,
                "an http:// or https:// URL",
            ));
        }
        let whatsapp_web_url = get("WHATSAPP_WEB_URL").unwrap_or_else(|| "https://web.whatsapp.com/".into());
        if !(whatsapp_web_url.starts_with("http://") || whatsapp_web_url.starts_with("https://")) {
            return Err(invalid(
                "WHATSAPP_WEB_URL",
                &whatsapp_web_url,
                "an http:// or https:// URL",
            ));
        }
        let backup_dir = get("BACKUP_DIR").map(PathBuf::from);
        let backup_schedule = Schedule {
            every: match get("BACKUP_EVERY") {
                None => Duration::from_secs(24 * 3600),
                Some(raw) => {
                    period(&raw).ok_or_else(|| invalid("BACKUP_EVERY", &raw, "a period such as 30m, 6h or 1d"))?
                }
            },
            keep: parse(&get, "BACKUP_KEEP", 7usize, "a count of archives")?,
        };
        if backup_schedule.keep == 0 {
            return Err(invalid("BACKUP_KEEP", "0", "a count of archives above 0"));
        }
        if backup_dir.is_none() && (get("BACKUP_EVERY").is_some() || get("BACKUP_KEEP").is_some()) {
            return Err(ConfigError::Missing {
                var: "BACKUP_DIR",
                reason: "BACKUP_EVERY and BACKUP_KEEP schedule backups into it",
            });
        }

        Ok(Self {
            environment,
            port,
            database_url,
            jwt_secret,
            whatsapp,
            whatsapp_session_path: get("WHATSAPP_SESSION_PATH")
                .unwrap_or_else(|| "data/whatsapp".into())
                .into(),
            whatsapp_web_url,
            whatsapp_graph_url: whatsapp_graph_url.trim_end_matches('/').to_string(),
            chromium_path: get("CHROMIUM_PATH")
                .unwrap_or_else(|| "/usr/bin/chromium".into())
                .into(),
            session_key,
            send_interval_ms,
            chat_interval_ms,
            max_file_size,
            rate_limit_per_minute,
            public_url: public_url.trim_end_matches('/').to_string(),
            log_format,
            site_root: get("NOVI_SITE_ROOT").unwrap_or_else(|| "target/site".into()).into(),
            auto_migrate: parse(&get, "NOVI_AUTO_MIGRATE", true, "true or false")?,
            backup_dir,
            backup_schedule,
        })
    }
}

fn parse<T: FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
    expected: &str,
) -> Result<T, ConfigError> {
    match get(var) {
        None => Ok(default),
        Some(raw) => raw.parse().map_err(|_| invalid(var, &raw, expected)),
    }
}

/// A period written with its unit: `90s`, `30m`, `6h`, `1d`.
fn period(raw: &str) -> Option<Duration> {
    let unit = match raw.chars().last()? {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let count: u64 = raw[..raw.len() - 1].trim().parse().ok()?;
    let seconds = count.checked_mul(unit)?;
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

fn invalid(var: &'static str, value: &str, expected: &str) -> ConfigError {
    ConfigError::Invalid {
        var,
        reason: format!("`{value}` is not {expected}"),
    }
}

/// Hides the password of a database URL before it is shown anywhere.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|key| map.get(key).cloned())
    }

    #[test]
    fn production_is_the_default_and_requires_a_jwt_secret() {
        let error = load(&[]).unwrap_err().to_string();
        assert!(error.starts_with("JWT_SECRET is required"), "{error}");
    }

    #[test]
    fn development_runs_with_defaults() {
        let config = load(&[("NOVI_ENV", "development")]).unwrap();
        assert_eq!(config.port, 3000);
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.max_file_size, 10_485_760);
        assert_eq!(config.whatsapp, WhatsappMode::Off);
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert_eq!(config.public_url, "http://localhost:3000");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases = [
            ("PORT", "70000"),
            ("MAX_FILE_SIZE", "ten"),
            ("NOVI_WHATSAPP", "telegram"),
            ("LOG_FORMAT", "xml"),
            ("DATABASE_URL", "mysql://x"),
            ("NOVI_ENV", "staging"),
            ("PUBLIC_URL", "example.com"),
            ("NOVI_AUTO_MIGRATE", "maybe"),
            ("BACKUP_EVERY", "daily"),
            ("BACKUP_EVERY", "0h"),
            ("BACKUP_KEEP", "0"),
            ("RATE_LIMIT_PER_MINUTE", "0"),
        ];
        for (var, value) in cases {
            let error = load(&[("NOVI_ENV", "development"), (var, value)])
                .unwrap_err()
                .to_string();
            assert!(error.starts_with(&format!("{var} is invalid")), "{var}: {error}");
        }
    }

    #[test]
    fn backups_are_scheduled_only_into_a_folder() {
        let config = load(&[
            ("NOVI_ENV", "development"),
            ("BACKUP_DIR", "/var/backups/novi"),
            ("BACKUP_EVERY", "6h"),
        ])
        .unwrap();
        assert_eq!(config.backup_dir, Some(PathBuf::from("/var/backups/novi")));
        assert_eq!(config.backup_schedule.every, Duration::from_secs(6 * 3600));
        assert_eq!(config.backup_schedule.keep, 7);
        assert_eq!(period("90s"), Some(Duration::from_secs(90)));
        assert_eq!(period("1d"), Some(Duration::from_secs(86_400)));
        assert_eq!(period("15"), None);
        let orphan = load(&[("NOVI_ENV", "development"), ("BACKUP_KEEP", "3")]).unwrap_err();
        assert!(orphan.to_string().starts_with("BACKUP_DIR is required"), "{orphan}");
    }

    #[test]
    fn short_secrets_and_the_simulator_are_refused_in_production() {
        let short = load(&[("JWT_SECRET", "short")]).unwrap_err().to_string();
        assert!(short.contains("at least 32"), "{short}");
        let secret = "s".repeat(40);
        let simulator = load(&[("JWT_SECRET", &secret), ("NOVI_WHATSAPP", "simulator")]).unwrap_err();
        assert!(simulator.to_string().starts_with("NOVI_WHATSAPP is invalid"));
        assert_eq!(load(&[("JWT_SECRET", &secret)]).unwrap().log_format, LogFormat::Json);
    }

    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://novi:hunter2@db:5432/novi"),
            "postgres://novi:***@db:5432/novi"
        );
        assert_eq!(redact_url("sqlite://data/novi.db"), "sqlite://data/novi.db");
        assert!(!format!("{:?}", Secret("x".into())).contains('x'));
    }
}
