//! Creating orders, editing them, and moving them through their life cycle. Every change is
//! audited in the same transaction as the change itself.

use chrono::Utc;
use entity::{
    businesses,
    enums::{Fulfilment, OrderSource, OrderStatus},
    orders, products,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::json;

use super::{pricing, query, store};
use crate::{
    dto::{NewOrder, OrderChanges, OrderDto},
    error::{ServiceError, Validator, is_write_clash},
    events::EventKind,
    money,
    outlets::Outlets,
    services::{
        access::{Caller, Permission},
        actor::{Actor, User},
        transaction,
    },
};

pub async fn create(
    db: &DatabaseConnection,
    outlets: &Outlets,
    user: &User,
    order: NewOrder,
    source: OrderSource,
) -> Result<OrderDto, ServiceError> {
    let caller = &user.caller;
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
    let phone = check.phone("customer_phone", order.customer_phone);
    let address = check.text("delivery_address", order.delivery_address, 500);
    let notes = check.text("notes", order.notes, 1000);
    let fee = order
        .delivery_fee
        .map(|fee| money::from_decimal(fee, &business.currency).filter(|fee| *fee >= 0));
    check.check(!matches!(fee, Some(None)), "delivery_fee", "use an amount of 0 or more");
    let fulfilment = order.fulfilment.unwrap_or(Fulfilment::Delivery);
    check.check(
        fulfilment == Fulfilment::Delivery || fee.flatten().unwrap_or(0) == 0,
        "delivery_fee",
        "a pickup order has no delivery fee",
    );
    let change = cash_change(&mut check, order.cash_change_for, &business.currency);
    check.finish()?;

    let lines = pricing::price(&catalog(db, business.id).await?, &business.currency, &order.items)?;
    let subtotal = store::subtotal(&lines);
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
    let row = orders::ActiveModel {
        group_id: Set(None),
        inbound_message_id: Set(None),
        source: Set(source),
        status: Set(OrderStatus::Pending),
        customer_name: Set(name),
        customer_phone: Set(phone),
        delivery_address: Set(address.filter(|_| fulfilment == Fulfilment::Delivery)),
        fulfilment: Set(fulfilment),
        payment_method: Set(order.payment_method),
        cash_change_for: Set(change),
        notes: Set(notes),
        subtotal: Set(subtotal),
        delivery_fee: Set(delivery_fee),
        total_amount: Set(total),
        currency: Set(business.currency.clone()),
        confidence: Set(None),
        response_times: Set(json!({ "received": now.to_rfc3339() })),
        created_at: Set(now),
        updated_at: Set(now),
        tracking_token: Set(Some(store::tracking_token())),
        attention: Set(None),
        ..Default::default()
    };
    let planned = || store::Planned {
        order: row.clone(),
        lines: lines.clone(),
        actor: Actor::from(user),
    };
    // Two orders created at the same moment can pick the same number (or the same new customer):
    // the unique index refuses the second, or SQLite refuses its late write lock. It then simply
    // tries again, a little later.
    let mut attempts = 0u64;
    let id = loop {
        match insert(db, business.id, planned()).await {
            Err(ServiceError::Database(error)) if attempts < 10 && is_write_clash(&error) => {
                attempts += 1;
                // Jitter, so writers that clashed once do not clash again in step.
                let wait = 5 * attempts + rand::random_range(0..10);
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            }
            result => break result?,
        }
    };
    publish(db, outlets, EventKind::OrderCreated, id).await;
    query::get(db, caller, id).await
}

async fn insert(db: &DatabaseConnection, business_id: i64, planned: store::Planned) -> Result<i64, ServiceError> {
    let txn = transaction::begin(db).await?;
    let created = store::create_many(&txn, business_id, vec![planned]).await?;
    txn.commit().await?;
    created
        .first()
        .map(|(order, _)| order.id)
        .ok_or_else(|| ServiceError::Internal("an inserted order did not come back".into()))
}

/// The note a cash payment needs change for, in minor units: 0 or more.
fn cash_change(check: &mut Validator, amount: Option<f64>, currency: &str) -> Option<i64> {
    let minor = amount.map(|amount| money::from_decimal(amount, currency).filter(|minor| *minor >= 0));
    check.check(
        !matches!(minor, Some(None)),
        "cash_change_for",
        "use an amount of 0 or more",
    );
    minor.flatten()
}

/// Tells the business's dashboards; a failure to read the order back only costs the event.
pub(crate) async fn publish(db: &DatabaseConnection, outlets: &Outlets, kind: EventKind, id: i64) {
    match orders::Entity::find_by_id(id).one(db).await {
        Ok(Some(order)) => outlets.events.publish(super::event(kind, &order)),
        // Without the order its business is unknown: every kept list goes instead.
        Ok(None) => outlets.events.missed(),
        Err(error) => {
            outlets.events.missed();
            tracing::warn!(%error, order = id, "cannot read an order back for its event");
        }
    }
}

/// Replaces items, address or notes of an order that has not left the kitchen.
pub async fn update(
    db: &DatabaseConnection,
    outlets: &Outlets,
    user: &User,
    id: i64,
    changes: OrderChanges,
) -> Result<OrderDto, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageOrders)?;
    let txn = transaction::begin(db).await?;
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
    let delivery_address = check.text("delivery_address", changes.delivery_address, 500);
    let notes = check.text("notes", changes.notes, 1000);
    let change = cash_change(&mut check, changes.cash_change_for, &order.currency);
    check.finish()?;
    // Delivered after all: the business's fee applies again.
    let delivery_fee = match (order.fulfilment, changes.fulfilment) {
        (Fulfilment::Pickup, Some(Fulfilment::Delivery)) => {
            let business = businesses::Entity::find_by_id(order.business_id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound("business"))?;
            Some(crate::services::businesses::settings(&business).delivery_fee)
        }
        _ => None,
    };
    let lines = match &changes.items {
        Some(items) => Some(pricing::price(
            &catalog(&txn, order.business_id).await?,
            &order.currency,
            items,
        )?),
        None => None,
    };
    let edit = store::Edit {
        lines,
        delivery_address,
        notes: notes.map(Some),
        delivery_fee,
        fulfilment: changes.fulfilment,
        payment_method: changes.payment_method,
        cash_change_for: changes.cash_change_for.map(|_| change.filter(|note| *note > 0)),
        ..Default::default()
    };
    store::edit(&txn, &Actor::from(user), "order_updated", order, edit).await?;
    txn.commit().await?;
    publish(db, outlets, EventKind::OrderUpdated, id).await;
    query::get(db, caller, id).await
}

/// Moves an order one allowed step (see `OrderStatus::can_become`) and stamps when it happened.
pub async fn change_status(
    db: &DatabaseConnection,
    outlets: &Outlets,
    user: &User,
    id: i64,
    next: OrderStatus,
) -> Result<OrderDto, ServiceError> {
    user.caller.require(Permission::ManageOrders)?;
    let txn = transaction::begin(db).await?;
    let order = visible_order(&txn, &user.caller, id).await?;
    store::move_to(&txn, outlets, &Actor::from(user), order, next).await?;
    txn.commit().await?;
    publish(db, outlets, EventKind::OrderUpdated, id).await;
    query::get(db, &user.caller, id).await
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
