//! Creating orders, editing them, and moving them through their life cycle. Every change is
//! audited in the same transaction as the change itself.

use chrono::Utc;
use entity::{
    businesses, customers,
    enums::{OrderSource, OrderStatus},
    order_items, orders, products,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, Set, Statement,
    sea_query::{Expr, Func},
};
use serde_json::{Value, json};

use super::{
    pricing::{self, PricedLine},
    query,
};
use crate::{
    dto::{NewOrder, OrderChanges, OrderDto},
    error::{ServiceError, Validator, is_write_clash},
    money,
    outlets::Outlets,
    services::{
        access::Permission,
        audit::{self, AuditEntry},
        auth::Caller,
        deliveries::{self, Leg},
        eta,
        replies::{self, Chat, Template},
        response_times,
    },
};

pub async fn create(
    db: &DatabaseConnection,
    outlets: &Outlets,
    caller: &Caller,
    order: NewOrder,
    source: OrderSource,
    ip: Option<String>,
) -> Result<OrderDto, ServiceError> {
    caller.require(Permission::ManageOrders)?;
    let business_id = caller
        .business_scope(order.business_id)
        .ok_or_else(|| ServiceError::field("business_id", "choose the business this order is for"))?;
    let business = businesses::Entity::find_by_id(business_id)
        .one(db)
        .await?
        .filter(|business| caller.sees(business.id))
        .ok_or(ServiceError::NotFound("business"))?;

    let mut check = Validator::default();
    let name = check.text("customer_name", order.customer_name, 120);
    let phone = check.text("customer_phone", order.customer_phone, 32);
    let address = check.text("delivery_address", order.delivery_address, 500);
    let notes = check.text("notes", order.notes, 1000);
    let fee = order
        .delivery_fee
        .map(|fee| money::from_decimal(fee, &business.currency).filter(|fee| *fee >= 0));
    check.check(!matches!(fee, Some(None)), "delivery_fee", "use an amount of 0 or more");
    check.finish()?;

    let lines = pricing::price(&catalog(db, business.id).await?, &business.currency, &order.items)?;
    let subtotal: i64 = lines.iter().map(|line| line.line_total).sum();
    let delivery_fee = fee.flatten().unwrap_or(0);
    let total = subtotal + delivery_fee;
    if let Some(claimed) = order.total_amount
        && money::from_decimal(claimed, &business.currency) != Some(total)
    {
        let computed = money::to_decimal(total, &business.currency);
        return Err(ServiceError::field(
            "total_amount",
            format!(
                "the items add up to {computed:.2} {}, not {claimed:.2}",
                business.currency
            ),
        ));
    }

    let now = Utc::now();
    let draft = orders::ActiveModel {
        business_id: Set(business.id),
        group_id: Set(None),
        inbound_message_id: Set(None),
        source: Set(source),
        status: Set(OrderStatus::Pending),
        customer_name: Set(name),
        customer_phone: Set(phone),
        delivery_address: Set(address),
        notes: Set(notes),
        subtotal: Set(subtotal),
        delivery_fee: Set(delivery_fee),
        total_amount: Set(total),
        currency: Set(business.currency.clone()),
        confidence: Set(None),
        response_times: Set(json!({ "received": now.to_rfc3339() })),
        created_at: Set(now),
        updated_at: Set(now),
        tracking_token: Set(Some(tracking_token())),
        attention: Set(None),
        ..Default::default()
    };
    // Two orders created at the same moment can pick the same number (or the same new customer):
    // the unique index refuses the second, or SQLite refuses its late write lock. It then simply
    // tries again, a little later.
    let mut attempts = 0u64;
    let id = loop {
        match insert_order(db, caller, draft.clone(), &lines, ip.clone()).await {
            Err(ServiceError::Database(error)) if attempts < 10 && is_write_clash(&error) => {
                attempts += 1;
                // Jitter, so writers that clashed once do not clash again in step.
                let wait = 5 * attempts + rand::random_range(0..10);
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            }
            result => break result?,
        }
    };
    publish(db, outlets, "order.created", id).await;
    query::get(db, caller, id).await
}

/// Tells the business's dashboards; a failure to read the order back only costs the event.
pub(crate) async fn publish(db: &DatabaseConnection, outlets: &Outlets, kind: &'static str, id: i64) {
    match orders::Entity::find_by_id(id).one(db).await {
        Ok(Some(order)) => outlets.events.publish(super::event(kind, &order)),
        // Without the order its business is unknown: every kept list goes instead.
        Ok(None) => outlets.events.answers().clear(),
        Err(error) => {
            outlets.events.answers().clear();
            tracing::warn!(%error, order = id, "cannot read an order back for its event");
        }
    }
}

/// An unguessable token for the customer's tracking link.
pub fn tracking_token() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 24)
}

/// Writes a new order with its customer, number, lines and audit entry in one transaction.
async fn insert_order(
    db: &DatabaseConnection,
    caller: &Caller,
    mut draft: orders::ActiveModel,
    lines: &[PricedLine],
    ip: Option<String>,
) -> Result<i64, ServiceError> {
    let business_id = *draft.business_id.as_ref();
    let txn = crate::services::transaction::begin(db).await?;
    if let Some(phone) = draft.customer_phone.as_ref().clone() {
        let name = draft.customer_name.as_ref().clone();
        let address = draft.delivery_address.as_ref().clone();
        let customer = upsert_customer(&txn, business_id, &phone, name.as_deref(), address.as_deref()).await?;
        draft.customer_id = Set(Some(customer));
    } else {
        draft.customer_id = Set(None);
    }
    draft.order_number = Set(next_order_number(&txn, business_id).await?);
    let created = draft.insert(&txn).await?;
    insert_lines(&txn, created.id, lines).await?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(business_id),
            actor_user_id: Some(caller.user_id),
            action: "order_created",
            entity_type: "order",
            entity_id: Some(created.id),
            after: Some(snapshot(&created, lines)),
            ip,
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created.id)
}

/// Replaces items, address or notes of an order that has not left the kitchen.
pub async fn update(
    db: &DatabaseConnection,
    outlets: &Outlets,
    caller: &Caller,
    id: i64,
    changes: OrderChanges,
    ip: Option<String>,
) -> Result<OrderDto, ServiceError> {
    caller.require(Permission::ManageOrders)?;
    let txn = crate::services::transaction::begin(db).await?;
    let order = visible_order(&txn, caller, id).await?;
    if !matches!(
        order.status,
        OrderStatus::Pending | OrderStatus::NeedsReview | OrderStatus::Confirmed | OrderStatus::Preparing
    ) {
        return Err(ServiceError::Conflict(format!(
            "an order that is {} can no longer be edited",
            order.status
        )));
    }
    let mut check = Validator::default();
    let address = check.text("delivery_address", changes.delivery_address, 500);
    let notes = check.text("notes", changes.notes, 1000);
    check.finish()?;
    let old_lines = order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq(order.id))
        .all(&txn)
        .await?;
    let before = json!({
        "delivery_address": order.delivery_address,
        "notes": order.notes,
        "total_amount": order.total_amount,
        "items": old_lines.iter().map(stored_line).collect::<Vec<_>>(),
    });

    let mut active: orders::ActiveModel = order.clone().into();
    if let Some(items) = &changes.items {
        let lines = pricing::price(&catalog(&txn, order.business_id).await?, &order.currency, items)?;
        let subtotal: i64 = lines.iter().map(|line| line.line_total).sum();
        order_items::Entity::delete_many()
            .filter(order_items::Column::OrderId.eq(order.id))
            .exec(&txn)
            .await?;
        insert_lines(&txn, order.id, &lines).await?;
        active.subtotal = Set(subtotal);
        active.total_amount = Set(subtotal + order.delivery_fee);
    }
    if let Some(address) = address {
        active.delivery_address = Set(Some(address));
    }
    if let Some(notes) = notes {
        active.notes = Set(Some(notes));
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    let new_lines = order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq(order.id))
        .all(&txn)
        .await?;
    let after = json!({
        "delivery_address": updated.delivery_address,
        "notes": updated.notes,
        "total_amount": updated.total_amount,
        "items": new_lines.iter().map(stored_line).collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(order.business_id),
            actor_user_id: Some(caller.user_id),
            action: "order_updated",
            entity_type: "order",
            entity_id: Some(order.id),
            before: Some(before),
            after: Some(after),
            ip,
        },
    )
    .await?;
    txn.commit().await?;
    publish(db, outlets, "order.updated", id).await;
    query::get(db, caller, id).await
}

/// Moves an order one allowed step (see `OrderStatus::can_become`) and stamps when it happened.
pub async fn change_status(
    db: &DatabaseConnection,
    outlets: &Outlets,
    caller: &Caller,
    id: i64,
    next: OrderStatus,
    ip: Option<String>,
) -> Result<OrderDto, ServiceError> {
    caller.require(Permission::ManageOrders)?;
    let txn = crate::services::transaction::begin(db).await?;
    let order = visible_order(&txn, caller, id).await?;
    move_to(&txn, outlets, caller, order, next, ip).await?;
    txn.commit().await?;
    publish(db, outlets, "order.updated", id).await;
    query::get(db, caller, id).await
}

/// The status step itself, within the caller's transaction on an order it has locked: stamped,
/// audited, carried to the order's delivery, and told to the customer. Answers the order as
/// it now is.
pub(crate) async fn move_to(
    txn: &DatabaseTransaction,
    outlets: &Outlets,
    caller: &Caller,
    order: orders::Model,
    next: OrderStatus,
    ip: Option<String>,
) -> Result<orders::Model, ServiceError> {
    if !order.status.can_become(next) {
        return Err(ServiceError::Conflict(format!(
            "an order that is {} cannot become {next}",
            order.status
        )));
    }
    let now = Utc::now();
    let times = response_times::stamped(&order.response_times, next.as_str(), now);
    // Guarded by the status read above, so two people clicking at once cannot both win.
    let result = orders::Entity::update_many()
        .col_expr(orders::Column::Status, Expr::value(next.as_str()))
        .col_expr(orders::Column::ResponseTimes, Expr::value(times.clone()))
        .col_expr(orders::Column::UpdatedAt, Expr::value(now))
        .filter(orders::Column::Id.eq(order.id))
        .filter(orders::Column::Status.eq(order.status))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(ServiceError::Conflict(
            "the order changed meanwhile; reload it and try again".into(),
        ));
    }
    audit::record(
        txn,
        AuditEntry {
            business_id: Some(order.business_id),
            actor_user_id: Some(caller.user_id),
            action: "order_status",
            entity_type: "order",
            entity_id: Some(order.id),
            before: Some(json!({ "status": order.status })),
            after: Some(json!({ "status": next })),
            ip,
        },
    )
    .await?;
    let changed = orders::Model {
        status: next,
        response_times: times,
        updated_at: now,
        ..order
    };
    let leg = deliveries::follow(txn, &changed, now).await?;
    if let Some(template) = reply_on(next) {
        tell_customer(txn, outlets, &changed, template, leg.as_ref()).await?;
    }
    Ok(changed)
}

/// The reply a status step sends to a customer who ordered over WhatsApp.
fn reply_on(status: OrderStatus) -> Option<Template> {
    match status {
        OrderStatus::Confirmed => Some(Template::OrderConfirmation),
        OrderStatus::OutForDelivery => Some(Template::DeliveryUpdate),
        OrderStatus::Delivered => Some(Template::Delivered),
        _ => None,
    }
}

/// Queues `template` for the order's chat, in the transaction of the change it reports.
async fn tell_customer(
    txn: &DatabaseTransaction,
    outlets: &Outlets,
    order: &orders::Model,
    template: Template,
    leg: Option<&Leg>,
) -> Result<(), ServiceError> {
    let Some(chat) = Chat::of_order(txn, order).await? else {
        return Ok(());
    };
    let business = businesses::Entity::find_by_id(order.business_id)
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    let settings = crate::services::businesses::settings(&business);
    let lines = order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq(order.id))
        .all(txn)
        .await?;
    let eta_minutes = match leg.and_then(|leg| leg.eta_minutes) {
        Some(minutes) => minutes,
        None => eta::from_confirmation(txn, business.id, Utc::now()).await?,
    };
    let context = replies::Context {
        business: &business,
        templates: &settings.templates,
        outlets,
        eta_minutes,
        driver: leg.and_then(|leg| leg.driver.as_ref()),
    };
    let body = replies::body(template, &context, order, &lines);
    replies::queue(txn, order, &chat, template, body, replies::key(order.id, template)).await?;
    Ok(())
}

/// The order, locked for the rest of the transaction on PostgreSQL so the pipeline (a chat edit
/// or deletion) and staff never change it at the same time; SQLite has one writer anyway.
pub(crate) async fn visible_order(
    txn: &DatabaseTransaction,
    caller: &Caller,
    id: i64,
) -> Result<orders::Model, ServiceError> {
    orders::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .filter(|order| caller.sees(order.business_id))
        .ok_or(ServiceError::NotFound("order"))
}

async fn catalog(db: &impl ConnectionTrait, business_id: i64) -> Result<Vec<products::Model>, ServiceError> {
    Ok(products::Entity::find()
        .filter(products::Column::BusinessId.eq(business_id))
        .filter(products::Column::IsAvailable.eq(true))
        .all(db)
        .await?)
}

async fn insert_lines(txn: &DatabaseTransaction, order_id: i64, lines: &[PricedLine]) -> Result<(), ServiceError> {
    let models = lines.iter().map(|line| order_items::ActiveModel {
        order_id: Set(order_id),
        product_id: Set(line.product_id),
        name: Set(line.name.clone()),
        variant: Set(line.variant.clone()),
        modifiers: Set(line.modifiers.clone()),
        quantity: Set(line.quantity),
        unit: Set(None),
        unit_price: Set(line.unit_price),
        line_total: Set(line.line_total),
        notes: Set(line.notes.clone()),
        ..Default::default()
    });
    order_items::Entity::insert_many(models).exec(txn).await?;
    Ok(())
}

/// The first half of the advisory lock key that serialises numbering a business's orders on
/// PostgreSQL ("NoOr"); the WhatsApp leases and backups use other halves.
const NUMBERING_LOCK: i32 = 0x4e6f_4f72;

/// The business's next order number. On PostgreSQL the transaction first takes the business's
/// numbering lock, so writers queue instead of picking the same number and failing: under load
/// the retries alone ran out. SQLite lets one writer in at a time already.
pub(crate) async fn next_order_number(txn: &DatabaseTransaction, business_id: i64) -> Result<i64, ServiceError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        // Ids beyond i32 share a key with another business: they only wait for each other.
        let key = (business_id & i64::from(i32::MAX)) as i32;
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, $2)",
            [NUMBERING_LOCK.into(), key.into()],
        ))
        .await?;
    }
    let max: Option<Option<i64>> = orders::Entity::find()
        .filter(orders::Column::BusinessId.eq(business_id))
        .select_only()
        .column_as(
            Expr::from(Func::max(Expr::col(orders::Column::OrderNumber))),
            "max_number",
        )
        .into_tuple()
        .one(txn)
        .await?;
    Ok(max.flatten().unwrap_or(0) + 1)
}

async fn upsert_customer(
    txn: &DatabaseTransaction,
    business_id: i64,
    phone: &str,
    name: Option<&str>,
    address: Option<&str>,
) -> Result<i64, ServiceError> {
    let now = Utc::now();
    let existing = customers::Entity::find()
        .filter(customers::Column::BusinessId.eq(business_id))
        .filter(customers::Column::Phone.eq(phone))
        .one(txn)
        .await?;
    let customer = match existing {
        Some(customer) => {
            let mut active: customers::ActiveModel = customer.clone().into();
            if let Some(name) = name {
                active.name = Set(Some(name.to_string()));
            }
            if let Some(address) = address {
                active.default_address = Set(Some(address.to_string()));
            }
            active.last_order_at = Set(Some(now));
            active.update(txn).await?
        }
        None => {
            customers::ActiveModel {
                business_id: Set(business_id),
                phone: Set(phone.to_string()),
                name: Set(name.map(str::to_string)),
                default_address: Set(address.map(str::to_string)),
                created_at: Set(now),
                last_order_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(txn)
            .await?
        }
    };
    Ok(customer.id)
}

fn snapshot(order: &orders::Model, lines: &[PricedLine]) -> Value {
    json!({
        "order_number": order.order_number,
        "status": order.status,
        "customer_name": order.customer_name,
        "customer_phone": order.customer_phone,
        "delivery_address": order.delivery_address,
        "total_amount": order.total_amount,
        "items": lines.iter().map(|l| line_summary(&l.name, &l.variant, l.quantity, l.line_total)).collect::<Vec<_>>(),
    })
}

/// What the audit log keeps of an order line.
fn line_summary(name: &str, variant: &Option<String>, quantity: f64, line_total: i64) -> Value {
    json!({ "name": name, "variant": variant, "quantity": quantity, "line_total": line_total })
}

fn stored_line(line: &order_items::Model) -> Value {
    line_summary(&line.name, &line.variant, line.quantity, line.line_total)
}
