//! The catalog and the business settings over the REST API: who may change them, validation,
//! conflicts, isolation and the audit trail.

use entity::audit_events;
use novi_tests::{DEMO_PASSWORD, Engine, on_every_engine, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_every_engine!(
    owners_manage_the_catalog_and_staff_only_read_it,
    product_input_is_validated,
    settings_change_is_owner_only_and_audited,
    a_business_describes_itself,
);

fn calzone() -> Value {
    json!({
        "name": "Calzone",
        "category": "Pizza",
        "price": 11.5,
        "variants": [{"name": "Regular", "price": 11.5}, {"name": "Family", "price": 19.0}],
        "modifiers": [{"name": "Ricotta", "price": 1.25}],
        "aliases": ["Folded pizza"]
    })
}

async fn owners_manage_the_catalog_and_staff_only_read_it(engine: Engine) {
    use reqwest::Method;
    let app = spawn_app(engine).await;
    app.seed_demo(1).await;
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;

    let (status, body) = app.get_json("/api/products", &staff).await;
    assert_eq!(status, 200);
    let products = body["products"].as_array().unwrap();
    assert_eq!(products.len(), 26);
    let margherita = products.iter().find(|p| p["name"] == "Pizza Margherita").unwrap();
    assert_eq!(margherita["variants"][2], json!({"name": "Large", "price": 15.99}));

    let (status, _) = app.send(Method::POST, "/api/products", &staff, Some(calzone())).await;
    assert_eq!(status, 403, "staff cannot change the catalog");
    let (status, body) = app.send(Method::POST, "/api/products", &owner, Some(calzone())).await;
    assert_eq!(status, 201, "{body}");
    let id = body["product"]["id"].as_i64().unwrap();
    assert_eq!(body["product"]["aliases"], json!(["folded pizza"]));
    let (status, body) = app.send(Method::POST, "/api/products", &owner, Some(calzone())).await;
    assert_eq!(status, 409, "{body}");

    // The new product prices orders straight away, by alias and variant.
    let (status, body) = app.send(Method::POST,
        "/api/orders",
        &staff,
        Some(json!({"items": [{"name": "folded pizza", "quantity": 1, "variant": "family", "modifiers": ["ricotta"]}], "total_amount": 20.25})),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    let (status, body) = app
        .send(
            Method::PATCH,
            &format!("/api/products/{id}"),
            &owner,
            Some(json!({"is_available": false, "price": 12})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["product"]["is_available"], false);
    assert_eq!(body["product"]["price"], 12.0);
    assert_eq!(body["product"]["name"], "Calzone", "untouched fields stay");

    let other = app.register_owner("owner@bakery.example", "Corner Bakery").await;
    let (status, body) = app.get_json("/api/products", &other).await;
    assert_eq!((status, body["products"].as_array().unwrap().len()), (200, 0));
    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        let (status, _) = app
            .send(method.clone(), &format!("/api/products/{id}"), &other, Some(json!({})))
            .await;
        assert_eq!(status, 404, "{method} of another tenant's product");
    }

    let (status, _) = app
        .send(Method::DELETE, &format!("/api/products/{id}"), &owner, None::<Value>)
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.get_json(&format!("/api/products/{id}"), &owner).await.0, 404);
    let actions: Vec<String> = audit_events::Entity::find()
        .filter(audit_events::Column::EntityType.eq("product"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["product_created", "product_updated", "product_deleted"]);
    app.stop().await;
}

async fn product_input_is_validated(engine: Engine) {
    let app = spawn_app(engine).await;
    let owner = app.register_owner("owner@bakery.example", "Corner Bakery").await;
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            "/api/products",
            &owner,
            Some(json!({
                "name": "",
                "price": -1,
                "variants": [{"name": "Small", "price": 1}, {"name": "small", "price": 2}],
                "modifiers": [{"name": "Jam", "price": -0.5}]
            })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    for field in ["name", "price", "variants", "modifiers"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let (status, _) = app
        .send(
            reqwest::Method::POST,
            "/api/products",
            &owner,
            Some(json!({"name": "Bread", "price": 2, "colour": "brown"})),
        )
        .await;
    assert_eq!(status, 422, "unknown fields are refused, not silently dropped");
    app.stop().await;
}

async fn settings_change_is_owner_only_and_audited(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(1).await;
    let path = format!("/api/businesses/{}", report.business_id);
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let staff = app.token("staff@pizzapalace.example", DEMO_PASSWORD).await;

    let change = json!({"auto_confirm": true, "delivery_fee": 3.5, "confidence_threshold": 0.8, "timezone": "America/Sao_Paulo"});
    let (status, _) = app
        .send(reqwest::Method::PATCH, &path, &staff, Some(change.clone()))
        .await;
    assert_eq!(status, 403, "staff cannot change settings");
    let (status, body) = app.send(reqwest::Method::PATCH, &path, &owner, Some(change)).await;
    assert_eq!(status, 200, "{body}");
    let settings = &body["business"]["settings"];
    assert_eq!(settings["auto_confirm"], true);
    assert_eq!(settings["delivery_fee"], 3.5);
    assert_eq!(settings["confidence_threshold"], 0.8);
    assert_eq!(body["business"]["timezone"], "America/Sao_Paulo");

    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            &path,
            &owner,
            Some(json!({"currency": "dollars", "confidence_threshold": 2, "delivery_fee": -1, "timezone": "Mars"})),
        )
        .await;
    assert_eq!(status, 422);
    for field in ["currency", "confidence_threshold", "delivery_fee", "timezone"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }

    let (status, body) = app
        .send(reqwest::Method::PATCH, &path, &owner, json!({"currency": "EUR"}))
        .await;
    assert_eq!(status, 409, "prices are in dollars: {body}");
    let templates = json!({"templates": {"order_confirmation": "Thanks {customer_name}! Ready at {eta}", "delivered": "Enjoy, {customer_name"}});
    let (status, body) = app.send(reqwest::Method::PATCH, &path, &owner, templates).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["fields"]["templates.order_confirmation"]
            .as_str()
            .unwrap()
            .contains("{eta}"),
        "{body}"
    );
    assert!(body["error"]["fields"]["templates.delivered"].is_string(), "{body}");
    let templates = json!({"templates": {"order_confirmation": "Obrigado {customer_name}! Total {total}"}});
    let (status, body) = app.send(reqwest::Method::PATCH, &path, &owner, templates).await;
    assert_eq!(status, 200, "{body}");
    let saved = &body["business"]["settings"]["templates"];
    assert_eq!(saved["order_confirmation"], "Obrigado {customer_name}! Total {total}");
    assert!(
        saved["delivery_update"].as_str().unwrap().contains("{tracking_link}"),
        "the others keep their defaults"
    );

    let event = audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq("settings_changed"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the change is audited");
    assert_eq!(event.before.unwrap()["settings"]["delivery_fee"], 299);
    assert_eq!(event.after.unwrap()["settings"]["delivery_fee"], 350);

    let other = app.register_owner("owner@bakery.example", "Corner Bakery").await;
    let (status, _) = app
        .send(
            reqwest::Method::PATCH,
            &path,
            &other,
            Some(json!({"auto_confirm": false})),
        )
        .await;
    assert_eq!(status, 404);
    app.stop().await;
}

async fn a_business_describes_itself(engine: Engine) {
    let app = spawn_app(engine).await;
    let report = app.seed_demo(1).await;
    let path = format!("/api/businesses/{}", report.business_id);
    let owner = app.token("owner@pizzapalace.example", DEMO_PASSWORD).await;
    let (status, body) = app.get_json(&path, &owner).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["business"]["description"].is_string(), "the demo has one: {body}");

    let about = "Sourdough pizza since 1998.";
    let change = json!({ "description": about });
    let (status, body) = app.send(reqwest::Method::PATCH, &path, &owner, Some(change)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["business"]["description"], about);
    assert_eq!(app.get_json(&path, &owner).await.1["business"]["description"], about);

    let change = json!({ "description": "x".repeat(501) });
    let (status, body) = app.send(reqwest::Method::PATCH, &path, &owner, Some(change)).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["description"].is_string(), "{body}");
    app.stop().await;
}
