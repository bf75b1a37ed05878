//! The `novi` binary as an operator meets it: version, usage and configuration errors, migrate.

use std::process::{Command, Output};

fn novi(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = std::env::temp_dir().join(format!("novi-cli-{}-{}", std::process::id(), args.join("-")));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_novi"));
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("novi runs");
    let _ = std::fs::remove_dir_all(&dir);
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn version_prints_the_package_version() {
    let output = novi(&["version"], &[]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("novi {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn configuration_errors_are_one_line_naming_the_variable_with_exit_code_2() {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[], "JWT_SECRET"),
        (&[("NOVI_ENV", "development"), ("PORT", "http")], "PORT"),
        (
            &[("NOVI_ENV", "development"), ("DATABASE_URL", "mysql://db")],
            "DATABASE_URL",
        ),
        (&[("NOVI_ENV", "development"), ("MAX_FILE_SIZE", "-1")], "MAX_FILE_SIZE"),
    ];
    for (env, variable) in cases {
        let output = novi(&["serve"], env);
        assert_eq!(output.status.code(), Some(2), "{variable}: {}", stderr(&output));
        let message = stderr(&output);
        assert_eq!(message.trim().lines().count(), 1, "{message}");
        assert!(message.contains(variable), "{message}");
    }
}

#[test]
fn unknown_commands_are_usage_errors() {
    let output = novi(&["launch"], &[]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn migrate_up_status_down_on_a_new_sqlite_file() {
    let dir = std::env::temp_dir().join(format!("novi-cli-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/novi.db?mode=rwc", dir.display());
    let env = [("NOVI_ENV", "development"), ("DATABASE_URL", url.as_str())];

    assert!(novi(&["migrate", "up"], &env).status.success());
    let status = novi(&["migrate", "status"], &env);
    let listing = String::from_utf8_lossy(&status.stdout).into_owned();
    let migrations = <migration::Migrator as migration::MigratorTrait>::migrations().len();
    assert_eq!(listing.lines().count(), migrations, "{listing}");
    assert!(listing.lines().all(|line| line.starts_with("Applied")), "{listing}");

    assert!(novi(&["migrate", "down", "-n", "2"], &env).status.success());
    let listing = String::from_utf8_lossy(&novi(&["migrate", "status"], &env).stdout).into_owned();
    assert_eq!(
        listing.lines().filter(|line| line.starts_with("Pending")).count(),
        2,
        "{listing}"
    );

    assert!(novi(&["migrate", "down", "--all"], &env).status.success());
    let listing = String::from_utf8_lossy(&novi(&["migrate", "status"], &env).stdout).into_owned();
    assert!(listing.lines().all(|line| line.starts_with("Pending")), "{listing}");

    let refused = novi(
        &["migrate", "fresh"],
        &[("JWT_SECRET", &"s".repeat(40)), ("DATABASE_URL", url.as_str())],
    );
    assert_eq!(refused.status.code(), Some(2), "fresh needs --force in production");
    let refused = novi(
        &["seed"],
        &[("JWT_SECRET", &"s".repeat(40)), ("DATABASE_URL", url.as_str())],
    );
    assert_eq!(refused.status.code(), Some(2), "demo users need --force in production");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("novi-cli-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let live = format!("sqlite://{}/novi.db?mode=rwc", dir.display());
    let sessions = dir.join("whatsapp").display().to_string();
    let env = [
        ("NOVI_ENV", "development"),
        ("DATABASE_URL", live.as_str()),
        ("WHATSAPP_SESSION_PATH", sessions.as_str()),
    ];
    assert!(novi(&["seed", "--orders", "5"], &env).status.success());
    let backups = dir.join("backups").display().to_string();
    let made = novi(&["backup", "--to", &backups], &env);
    assert!(made.status.success(), "{}", stderr(&made));
    let archive = String::from_utf8_lossy(&made.stdout)
        .split(" (")
        .next()
        .unwrap()
        .to_string();
    assert!(archive.ends_with(".tar.gz"), "{archive}");

    let over_live = novi(&["restore", &archive], &env);
    assert_eq!(over_live.status.code(), Some(1));
    assert!(stderr(&over_live).contains("not empty"), "{}", stderr(&over_live));

    let fresh = format!("sqlite://{}/restored.db?mode=rwc", dir.display());
    let fresh_sessions = dir.join("restored-whatsapp").display().to_string();
    let elsewhere = [
        ("NOVI_ENV", "development"),
        ("DATABASE_URL", fresh.as_str()),
        ("WHATSAPP_SESSION_PATH", fresh_sessions.as_str()),
    ];
    let garbage = dir.join("garbage.tar.gz");
    std::fs::write(&garbage, "not an archive").unwrap();
    let refused = novi(&["restore", &garbage.display().to_string()], &elsewhere);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("is refused"), "{}", stderr(&refused));

    let restored = novi(&["restore", &archive], &elsewhere);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert!(String::from_utf8_lossy(&restored.stdout).starts_with("restored the backup"));
    let status = novi(&["migrate", "status"], &elsewhere);
    assert!(
        String::from_utf8_lossy(&status.stdout)
            .lines()
            .all(|line| line.starts_with("Applied"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}
