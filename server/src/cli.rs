//! The `novi` command line.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};

use crate::{
    backup::{self, Sources},
    config::{Config, Environment, LogFormat, redact_url},
    db, parse_command, seed,
    startup::{Application, shutdown_signal},
    telemetry, whatsapp,
};

#[derive(Debug, Parser)]
#[command(name = "novi", version, about = "Orders from WhatsApp, for small businesses")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the version.
    Version,
    /// Parse order messages against a catalog file and print the results as JSON.
    Parse {
        /// The catalog, in the JSON shape the dashboard imports and exports.
        #[arg(long)]
        catalog: PathBuf,
        /// Read one message per line and write one JSON object per line, in the same order.
        #[arg(long)]
        lines: bool,
        /// The delivery fee to add to every order, in the catalog's currency.
        #[arg(long, default_value_t = 0.0)]
        delivery_fee: f64,
    },
    /// Run the WhatsApp simulator on its own: a fake WhatsApp Web page at `/`, a customer's
    /// phone at `/phone` and the control API at `/api` (see docs/whatsapp.md).
    Simulator {
        /// The port to listen on (127.0.0.1).
        #[arg(long, default_value_t = 3100)]
        port: u16,
        /// Where it keeps its state.
        #[arg(long, default_value = "data/simulator")]
        data: PathBuf,
    },
    #[command(flatten)]
    Task(Task),
}

/// The commands that need the configuration.
#[derive(Debug, Subcommand)]
enum Task {
    /// Serve the dashboard, the API and the WhatsApp workers.
    Serve {
        /// Do not apply pending migrations on start (readiness stays red until they are).
        #[arg(long)]
        no_migrate: bool,
    },
    /// Inspect or change the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Create the demo business (Pizza Palace) with its users, catalog and order history.
    Seed {
        /// Generate this many orders instead of about 90 days of history.
        #[arg(long)]
        orders: Option<u64>,
        /// Required in production, where demo users with a known password would be a door.
        #[arg(long)]
        force: bool,
    },
    /// Write a backup archive (database, WhatsApp sessions, manifest) while Novi keeps serving.
    Backup {
        /// The folder to write it into (default: BACKUP_DIR, else data/backups).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Restore a backup archive into an empty database and an empty session folder.
    Restore {
        /// The archive written by `novi backup`.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum MigrateAction {
    /// Apply pending migrations.
    Up {
        /// Apply at most this many.
        #[arg(short = 'n', long)]
        steps: Option<u32>,
    },
    /// Roll back the latest migration, or several.
    Down {
        /// Roll back this many (default 1).
        #[arg(short = 'n', long, conflicts_with = "all")]
        steps: Option<u32>,
        /// Roll back every migration.
        #[arg(long)]
        all: bool,
    },
    /// List migrations and whether each is applied.
    Status,
    /// Drop every table and apply all migrations again.
    Fresh {
        /// Required in production, where this destroys live data.
        #[arg(long)]
        force: bool,
    },
}

/// Exit codes: 0 success, 1 failure while running, 2 bad usage or configuration.
pub fn run() -> ExitCode {
    let task = match Cli::parse().command {
        Command::Version => {
            println!("novi {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Parse {
            catalog,
            lines,
            delivery_fee,
        } => return parse_command::run(&catalog, lines, delivery_fee),
        Command::Simulator { port, data } => return run_simulator(port, &data),
        Command::Task(task) => task,
    };
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("novi: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init_logging(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("novi: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(task, config)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("novi: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run_simulator(port: u16, data: &std::path::Path) -> ExitCode {
    telemetry::init_logging(LogFormat::Pretty);
    let served = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())
        .and_then(|runtime| {
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                    .await
                    .map_err(|error| format!("cannot listen on port {port}: {error}"))?;
                whatsapp::simulator::serve(listener, data, shutdown_signal())
                    .await
                    .map_err(|error| error.to_string())
            })
        });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("novi simulator: {error}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn dispatch(task: Task, mut config: Config) -> Result<ExitCode, BoxError> {
    match task {
        Task::Serve { no_migrate } => {
            config.auto_migrate &= !no_migrate;
            let addr = SocketAddr::from(([0, 0, 0, 0], config.port));
            let app = Application::build(&config, addr).await?;
            tracing::info!(
                address = %app.local_addr(),
                database = %redact_url(&config.database_url),
                public_url = %config.public_url,
                "novi is serving"
            );
            app.run_until(shutdown_signal()).await?;
        }
        Task::Migrate { action } => {
            let db = db::connect(&config.database_url).await?;
            match action {
                MigrateAction::Up { steps } => Migrator::up(&db, steps).await?,
                MigrateAction::Down { steps, all } => {
                    Migrator::down(&db, if all { None } else { Some(steps.unwrap_or(1)) }).await?
                }
                MigrateAction::Status => {
                    for migration in Migrator::get_migration_with_status(&db).await? {
                        println!("{:<10} {}", migration.status().to_string(), migration.name());
                    }
                }
                MigrateAction::Fresh { force } => {
                    if config.environment == Environment::Production && !force {
                        eprintln!("novi: `migrate fresh` drops every table; add --force to do it in production");
                        return Ok(ExitCode::from(2));
                    }
                    Migrator::fresh(&db).await?
                }
            }
        }
        Task::Seed { orders, force } => {
            if config.environment == Environment::Production && !force {
                eprintln!(
                    "novi: `seed` creates demo users, a platform admin among them; add --force to do it in production"
                );
                return Ok(ExitCode::from(2));
            }
            let db = db::connect(&config.database_url).await?;
            Migrator::up(&db, None).await?;
            let report = seed::run(&db, seed::Options::from_env(orders)).await?;
            println!("{report}");
        }
        Task::Backup { to } => {
            let dir = to
                .or_else(|| config.backup_dir.clone())
                .unwrap_or_else(|| "data/backups".into());
            let db = db::connect(&config.database_url).await?;
            let made = backup::create(&db, &Sources::from(&config), &dir).await?;
            println!(
                "{} ({} bytes, {} rows in {} tables)",
                made.path.display(),
                made.size_bytes,
                made.rows(),
                made.manifest.tables.len()
            );
        }
        Task::Restore { file } => {
            let manifest = backup::restore(&file, &Sources::from(&config)).await?;
            println!(
                "restored the backup of {} ({} rows in {} tables); `novi serve` applies newer migrations on start",
                manifest.created_at.to_rfc3339(),
                manifest.tables.values().sum::<u64>(),
                manifest.tables.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
