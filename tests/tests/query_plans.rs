//! The queries behind the busiest requests (the orders list with its filters and pages, the
//! business's stats, analytics) use indexes on PostgreSQL, never a scan of the whole `orders`
//! table: every statement those services run is captured and `EXPLAIN`ed with sequential scans
//! priced out, so a plan that still scans `orders` has no index to use.

use std::sync::{Arc, Mutex};

use app::{
    dto::{AnalyticsQuery, OrderQuery},
    services::{access::Caller, analytics, businesses as business_service, orders, recent::Answers},
};
use entity::{businesses, enums::Role, users};
use novi_tests::{Engine, spawn_app};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement, TransactionTrait};

#[tokio::test]
async fn the_busiest_queries_never_scan_all_orders() {
    let Some(engine) = Engine::postgres() else {
        eprintln!("skipped: NOVI_TEST_POSTGRES_URL is not set");
        return;
    };
    let app = spawn_app(engine).await;
    app.seed_demo(3_000).await;
    app.db.execute_unprepared("ANALYZE").await.unwrap();
    let business = businesses::Entity::find().one(&app.db).await.unwrap().unwrap().id;
    let owner = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Owner))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let caller = Caller {
        user_id: owner.id,
        business_id: Some(business),
        role: Role::Owner,
        must_change_password: false,
    };

    let mut watched = server::db::connect(app.database_url()).await.unwrap();
    let statements: Arc<Mutex<Vec<Statement>>> = Arc::default();
    let seen = statements.clone();
    watched.set_metric_callback(move |info| seen.lock().unwrap().push(info.statement.clone()));

    let today = chrono::Utc::now().date_naive();
    let week_ago = (today - chrono::Duration::days(7)).to_string();
    let lists = [
        OrderQuery::default(),
        OrderQuery {
            page: Some(500),
            limit: Some(5),
            ..Default::default()
        },
        OrderQuery {
            status: Some("delivered".into()),
            ..Default::default()
        },
        OrderQuery {
            status: Some("pending".into()),
            date_from: Some(week_ago.clone()),
            date_to: Some(today.to_string()),
            ..Default::default()
        },
        OrderQuery {
            date_from: Some(week_ago),
            ..Default::default()
        },
    ];
    // Nothing kept yet: every list and the report are read from the database.
    let kept = Answers::default();
    for query in lists {
        orders::list(&watched, &kept.order_lists, &caller, query).await.unwrap();
    }
    business_service::get(&watched, &kept.stats, &caller, business)
        .await
        .unwrap();
    analytics::report(&watched, &kept.reports, &caller, &AnalyticsQuery::default())
        .await
        .unwrap();

    let captured = statements.lock().unwrap().clone();
    let on_orders: Vec<&Statement> = captured
        .iter()
        .filter(|statement| statement.sql.contains("\"orders\"") || statement.sql.contains(" orders "))
        .collect();
    assert!(
        on_orders.len() >= 8,
        "the services ran {} statements on orders",
        on_orders.len()
    );
    let mut scans = Vec::new();
    for statement in on_orders {
        let plan = plan_of(&app.db, statement).await;
        if scans_orders(&plan) {
            scans.push(format!("{}\n{}", statement.sql, plan.join("\n")));
        }
    }
    assert!(
        scans.is_empty(),
        "sequential scans of orders:\n\n{}",
        scans.join("\n\n")
    );

    // The check sees a scan where there is one: no index covers the notes.
    let unindexed = Statement::from_string(
        sea_orm::DbBackend::Postgres,
        "SELECT id FROM orders WHERE notes = 'no onions'",
    );
    assert!(scans_orders(&plan_of(&app.db, &unindexed).await));
}

/// The plan PostgreSQL picks when sequential scans cost far more than any index.
async fn plan_of(db: &sea_orm::DatabaseConnection, statement: &Statement) -> Vec<String> {
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.unwrap();
    let explain = Statement {
        sql: format!("EXPLAIN {}", statement.sql),
        ..statement.clone()
    };
    let plan = txn
        .query_all_raw(explain)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect();
    txn.rollback().await.unwrap();
    plan
}

fn scans_orders(plan: &[String]) -> bool {
    plan.iter().any(|line| line.contains("Seq Scan on orders"))
}
