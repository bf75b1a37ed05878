//! The OpenAPI description: served, complete for the API's resources, and true to the routes.

use novi_tests::{Engine, spawn_app};
use serde_json::Value;

#[tokio::test]
async fn the_description_covers_every_resource_and_each_documented_route_exists() {
    let app = spawn_app(Engine::Sqlite).await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["schemas"]["OrderDto"]["properties"]["total_amount"].is_object());
    let statuses = &doc["components"]["schemas"]["OrderStatus"]["enum"];
    assert!(
        statuses.as_array().unwrap().contains(&Value::from("needs_review")),
        "enums are described as they are sent: {statuses}"
    );

    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/auth/register",
        "/api/auth/login",
        "/api/orders",
        "/api/orders/{id}",
        "/api/orders/{id}/status",
        "/api/businesses/{id}",
        "/api/products",
        "/api/products/import",
        "/api/products/export",
        "/api/groups",
        "/api/drivers/{id}",
        "/api/users",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }

    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            let url = app.url(&path.replace("{id}", "1"));
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let response = app.client.request(method.clone(), &url).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert_ne!(status, 405, "{method} {path} is routed");
            assert!(
                !(status == 404
                    && body["error"]["message"]
                        .as_str()
                        .unwrap_or_default()
                        .starts_with("no API route")),
                "{method} {path} is routed"
            );
            let documented = operation["responses"].as_object().unwrap();
            assert!(status < 500, "{method} {path} answered {status}");
            assert!(
                documented.contains_key(&status.to_string()),
                "{method} {path} answered {status}, which its description does not list"
            );
        }
    }
    app.stop().await;
}
