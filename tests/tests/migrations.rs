//! The schema: every migration applies, rolls back completely and applies again, on both engines.

use entity::enums::OrderStatus;
use migration::{Migrator, MigratorTrait};
use novi_tests::{Engine, TestDatabase, on_every_engine};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

const TABLES: [&str; 21] = [
    "audit_events",
    "backup_runs",
    "businesses",
    "customers",
    "deliveries",
    "delivery_slots",
    "drivers",
    "groups",
    "inbound_messages",
    "order_items",
    "order_slots",
    "order_tallies",
    "orders",
    "outbound_messages",
    "product_slots",
    "products",
    "span_slots",
    "users",
    "visitor_days",
    "whatsapp_cloud_accounts",
    "whatsapp_sessions",
];

on_every_engine!(migrations_round_trip, list_queries_have_their_indexes);

async fn migrations_round_trip(engine: Engine) {
    let database = TestDatabase::create(&engine).await;
    let db = database.connect().await;

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(tables(&db).await, TABLES);
    assert!(Migrator::get_pending_migrations(&db).await.unwrap().is_empty());

    // The last nine: the orders' terms, the conversations' links, the businesses'
    // descriptions, the analytics summaries, the order tallies, the backup runs, the Cloud API
    // accounts, the pipeline's columns, then the audit table.
    Migrator::down(&db, Some(9)).await.unwrap();
    assert_eq!(Migrator::get_pending_migrations(&db).await.unwrap().len(), 9);
    let left = tables(&db).await;
    for gone in [
        "audit_events",
        "whatsapp_cloud_accounts",
        "backup_runs",
        "order_tallies",
        "order_slots",
        "product_slots",
        "span_slots",
        "delivery_slots",
        "visitor_days",
    ] {
        assert!(
            !left.contains(&gone.to_string()),
            "{gone} is left after its migration's down"
        );
    }

    Migrator::down(&db, None).await.unwrap();
    assert!(tables(&db).await.is_empty(), "down --all leaves no table behind");

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(tables(&db).await, TABLES);
    db.close().await.unwrap();
}

async fn list_queries_have_their_indexes(engine: Engine) {
    let database = TestDatabase::create(&engine).await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.unwrap();

    let indexes = index_definitions(&db, "orders").await;
    for name in [
        "idx_orders_business_status_created",
        "idx_orders_business_created",
        "uq_orders_business_number",
    ] {
        assert!(
            indexes.iter().any(|(n, _)| n == name),
            "{name} missing from {indexes:?}"
        );
    }
    let (_, active) = indexes
        .iter()
        .find(|(n, _)| n == "idx_orders_active")
        .expect("partial index on active orders");
    let active = active.to_lowercase();
    assert!(active.contains("where"), "the active-orders index is partial: {active}");
    for status in OrderStatus::ALL {
        assert_eq!(
            active.contains(&format!("'{}'", status.as_str())),
            status.is_active(),
            "{status} and the partial index disagree: {active}"
        );
    }
    let inbound = index_definitions(&db, "inbound_messages").await;
    assert!(inbound.iter().any(|(n, _)| n == "uq_inbound_dedupe"), "{inbound:?}");
    db.close().await.unwrap();
}

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'seaql_migrations' ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY 1"
        }
    };
    query_strings(db, sql)
        .await
        .into_iter()
        .map(|mut row| row.remove(0))
        .collect()
}

async fn index_definitions(db: &DatabaseConnection, table: &str) -> Vec<(String, String)> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            format!("SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = '{table}'")
        }
        _ => format!(
            "SELECT name, COALESCE(sql, '') AS sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}'"
        ),
    };
    query_strings(db, &sql)
        .await
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect()
}

async fn query_strings(db: &DatabaseConnection, sql: &str) -> Vec<Vec<String>> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql.to_string()))
        .await
        .unwrap();
    rows.iter()
        .map(|row| {
            ["name", "sql"]
                .iter()
                .filter_map(|column| row.try_get::<String>("", column).ok())
                .collect()
        })
        .collect()
}
