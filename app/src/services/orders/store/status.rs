//! The order's life cycle: one step at a time along `OrderStatus::can_become`, as far as the
//! actor's part allows, stamped, audited, carried to the delivery and told to the customer.

use chrono::Utc;
use entity::{businesses, enums::OrderStatus, orders};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use super::{audit, lines};
use crate::{
    error::ServiceError,
    outlets::Outlets,
    services::{
        actor::Actor,
        deliveries::{self, Leg},
        eta,
        replies::{self, Chat, Template},
        response_times,
    },
};

/// The refusal of a step the life cycle does not have, the same whoever asks.
fn not_allowed(from: OrderStatus, next: OrderStatus) -> ServiceError {
    ServiceError::Conflict(format!("an order that is {from} cannot become {next}"))
}

/// Moves `order` (locked by the caller) one step; answers it as it now is.
pub async fn move_to(
    txn: &DatabaseTransaction,
    outlets: &Outlets,
    actor: &Actor,
    order: orders::Model,
    next: OrderStatus,
) -> Result<orders::Model, ServiceError> {
    if !order.status.can_become(next) {
        return Err(not_allowed(order.status, next));
    }
    actor.may_move(order.status, next)?;
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
    audit(
        txn,
        actor,
        "order_status",
        &order,
        Some(json!({ "status": order.status })),
        Some(json!({ "status": next })),
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

/// Moves `order` to `goal` through the fewest steps between (a driver's pick-up of an order
/// nobody marked as preparing, an edited message read anew), each one as `move_to`.
pub async fn walk_to(
    txn: &DatabaseTransaction,
    outlets: &Outlets,
    actor: &Actor,
    mut order: orders::Model,
    goal: OrderStatus,
) -> Result<orders::Model, ServiceError> {
    let path = order
        .status
        .path_to(goal)
        .ok_or_else(|| not_allowed(order.status, goal))?;
    for next in path {
        order = move_to(txn, outlets, actor, order, next).await?;
    }
    Ok(order)
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
    let lines = lines::of_order(txn, order.id).await?;
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
        changes: None,
        saved_address: false,
        unavailable: &[],
    };
    let body = replies::body(template, &context, order, &lines);
    replies::queue(txn, order, &chat, template, body, replies::key(order.id, template)).await?;
    Ok(())
}
