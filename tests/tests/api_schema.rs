//! schemathesis (from PyPI) against the running server's `/api/openapi.json`, signed in as an
//! owner of a seeded business: generated requests for every operation, valid and not, must never
//! get a 5xx, and every answer must match what the description promises (status, content type,
//! schema). `make test` installs it and names it in `NOVI_SCHEMATHESIS`.

use std::process::Stdio;

use novi_tests::{DEMO_PASSWORD, Engine, Options, on_every_engine, spawn_app_with};

/// Generated cases per operation and phase: enough to reach every body field's edge values,
/// few enough for the run to take about a minute per engine.
const MAX_EXAMPLES: &str = "40";
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_schema_conformance,negative_data_rejection";

async fn the_api_answers_generated_requests_as_its_description_says(engine: Engine) {
    let Some(schemathesis) = std::env::var_os("NOVI_SCHEMATHESIS") else {
        eprintln!("skipped: NOVI_SCHEMATHESIS does not name schemathesis (`make test` installs it)");
        return;
    };
    let options = Options {
        rate_limit_per_minute: Some(1_000_000),
        ..Options::default()
    };
    let app = spawn_app_with(engine, options).await;
    app.seed_demo(30).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let output = tokio::process::Command::new(&schemathesis)
        .arg("run")
        .arg(app.url("/api/openapi.json"))
        .args(["--url", &app.base_url])
        .args(["--header", &format!("Authorization: Bearer {owner}")])
        .args(["--checks", CHECKS])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", MAX_EXAMPLES])
        .args(["--workers", "2", "--seed", "1", "--request-timeout", "10"])
        // Signing out or changing the password would end the token for every case after it.
        .args([
            "--exclude-path",
            "/api/auth/logout",
            "--exclude-path",
            "/api/auth/password",
        ])
        .args([
            "--generation-database",
            "none",
            "--no-color",
            "--suppress-health-check",
            "all",
        ])
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .output()
        .await
        .expect("schemathesis runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "schemathesis found problems:\n{report}");
    eprintln!(
        "{}",
        report
            .lines()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
    app.stop().await;
}

on_every_engine!(the_api_answers_generated_requests_as_its_description_says);
