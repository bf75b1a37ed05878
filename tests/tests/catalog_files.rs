//! Catalog export and import as JSON and CSV: round trips, upserts by name, bad files, limits.

use novi_tests::{DEMO_PASSWORD, Engine, Options, TestApp, on_every_engine, spawn_app_with};
use serde_json::Value;

on_every_engine!(
    the_catalog_round_trips_through_csv_and_json,
    bad_catalog_files_are_refused_whole
);

async fn export(app: &TestApp, token: &str, format: &str) -> (String, String) {
    let response = app
        .client
        .get(app.url(&format!("/api/products/export?format={format}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "export {format}");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    (content_type, response.text().await.unwrap())
}

async fn import(app: &TestApp, token: &str, content_type: &str, body: String) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/products/import"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn the_catalog_round_trips_through_csv_and_json(engine: Engine) {
    let app = spawn_app_with(engine, Options::default()).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;

    let (content_type, csv) = export(&app, &owner, "csv").await;
    assert!(content_type.starts_with("text/csv"));
    assert_eq!(csv.lines().count(), 27, "a header and 26 products");
    assert!(
        csv.contains("Pizza Margherita,Pizza,,9.99,Small=9.99|Medium=12.99|Large=15.99,"),
        "{csv}"
    );

    let edited = csv.replace("Tiramisu,Desserts,,5.99", "Tiramisu,Desserts,,6.49")
        + "Panna Cotta,Desserts,Vanilla and berries,5.5,,,panacota,true\n";
    let (status, body) = import(&app, &owner, "text/csv", edited).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["created"].as_u64(), body["updated"].as_u64()),
        (Some(1), Some(26))
    );

    let (_, products) = app.get_json("/api/products", &owner).await;
    let find = |name: &str| {
        products["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("Tiramisu")["price"], 6.49);
    assert_eq!(find("Panna Cotta")["aliases"], serde_json::json!(["panacota"]));

    let (content_type, json) = export(&app, &owner, "json").await;
    assert_eq!(content_type, "application/json");
    let file: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(file["currency"], "USD");
    assert_eq!(file["products"].as_array().unwrap().len(), 27);
    let (status, body) = import(&app, &owner, "application/json", json).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["created"].as_u64(), body["updated"].as_u64()),
        (Some(0), Some(27))
    );

    // Variants and modifiers carry aliases for the parser ("big" for Large).
    let margherita = |file: &Value| {
        file["products"]
            .as_array()
            .unwrap()
            .iter()
            .position(|p| p["name"] == "Pizza Margherita")
            .unwrap()
    };
    let mut file = file;
    let at = margherita(&file);
    file["products"][at]["variants"][2]["aliases"] = serde_json::json!(["Big", "L"]);
    let (status, body) = import(&app, &owner, "application/json", file.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let (_, json) = export(&app, &owner, "json").await;
    let exported: Value = serde_json::from_str(&json).unwrap();
    let large = &exported["products"][margherita(&exported)]["variants"][2];
    assert_eq!(
        (&large["name"], &large["aliases"]),
        (&serde_json::json!("Large"), &serde_json::json!(["big", "l"]))
    );
    assert!(
        exported["products"][margherita(&exported)]["variants"][0]
            .get("aliases")
            .is_none()
    );

    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;
    assert_eq!(
        export(&app, &staff, "csv").await.1.lines().count(),
        28,
        "staff may export"
    );
    let (status, _) = import(&app, &staff, "text/csv", csv).await;
    assert_eq!(status, 403, "staff may not import");
    app.stop().await;
}

async fn bad_catalog_files_are_refused_whole(engine: Engine) {
    let app = spawn_app_with(
        engine,
        Options {
            max_file_size: Some(4096),
            ..Options::default()
        },
    )
    .await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let header = "name,category,description,price,variants,modifiers,aliases,is_available\n";

    let (status, body) = import(
        &app,
        &owner,
        "text/csv",
        format!("{header}Good bread,,,2.5,,,,true\nBad bread,,,free,,,,true\n"),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["row 3"].is_string(), "{body}");
    let (_, products) = app.get_json("/api/products", &owner).await;
    assert!(
        products["products"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"] != "Good bread"),
        "nothing of a bad file is imported"
    );

    let (status, body) = import(
        &app,
        &owner,
        "text/csv",
        format!("{header}Bread,,,2,,,,true\nbread,,,3,,,,true\n"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["fields"]["products[1].name"]
            .as_str()
            .unwrap()
            .contains("twice"),
        "{body}"
    );

    let (status, body) = import(
        &app,
        &owner,
        "application/json",
        r#"{"currency": "EUR", "products": []}"#.into(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["fields"]["currency"].as_str().unwrap().contains("EUR"),
        "{body}"
    );
    let (status, _) = import(&app, &owner, "application/json", "{not json".into()).await;
    assert_eq!(status, 422);
    let (status, _) = import(&app, &owner, "text/csv", "a,b\n1,2\n".into()).await;
    assert_eq!(status, 422);
    let (status, _) = import(&app, &owner, "application/pdf", "%PDF-1.4".into()).await;
    assert_eq!(status, 415);
    let (status, body) = import(&app, &owner, "text/csv", format!("{header}{}", "x".repeat(5000))).await;
    assert_eq!(status, 413, "MAX_FILE_SIZE applies: {body}");
    app.stop().await;
}
