//! Deliveries: which driver takes an order, and how the run goes. An order has at most one
//! delivery; assigning again hands it to another driver.

use std::collections::HashMap;

use chrono::Utc;
use entity::{
    deliveries, drivers,
    enums::{DeliveryStatus, OrderStatus},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::{
    dto::{DeliveryDto, OrderDto},
    error::ServiceError,
    outlets::Outlets,
    services::{
        access::Permission,
        audit::{self, AuditEntry},
        auth::Caller,
        orders, replies,
    },
};

/// Hands a confirmed or preparing order to one of the business's active drivers.
pub async fn assign(
    db: &DatabaseConnection,
    outlets: &Outlets,
    caller: &Caller,
    order_id: i64,
    driver_id: i64,
    ip: Option<String>,
) -> Result<OrderDto, ServiceError> {
    caller.require(Permission::ManageOrders)?;
    let txn = crate::services::transaction::begin(db).await?;
    let order = orders::visible_order(&txn, caller, order_id).await?;
    if !matches!(order.status, OrderStatus::Confirmed | OrderStatus::Preparing) {
        return Err(ServiceError::Conflict(format!(
            "a driver takes confirmed or preparing orders; this one is {}",
            order.status
        )));
    }
    let driver = drivers::Entity::find_by_id(driver_id)
        .one(&txn)
        .await?
        .filter(|driver| driver.business_id == order.business_id && driver.is_active)
        .ok_or_else(|| ServiceError::field("driver_id", "choose an active driver of this business"))?;
    let existing = deliveries::Entity::find()
        .filter(deliveries::Column::OrderId.eq(order.id))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let before = existing
        .as_ref()
        .map(|delivery| json!({ "driver_id": delivery.driver_id }));
    match existing {
        Some(delivery) => {
            let mut active: deliveries::ActiveModel = delivery.into();
            active.driver_id = Set(Some(driver.id));
            active.assigned_at = Set(now);
            active.update(&txn).await?;
        }
        None => {
            let eta = replies::eta_minutes(&txn, order.business_id).await?;
            deliveries::ActiveModel {
                business_id: Set(order.business_id),
                order_id: Set(order.id),
                driver_id: Set(Some(driver.id)),
                status: Set(DeliveryStatus::Assigned),
                // The customer's link is the order's: it was sent before any driver existed.
                tracking_token: Set(order.tracking_token.clone().unwrap_or_else(orders::tracking_token)),
                eta_minutes: Set(i32::try_from(eta).ok()),
                assigned_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(order.business_id),
            actor_user_id: Some(caller.user_id),
            action: "delivery_assigned",
            entity_type: "order",
            entity_id: Some(order.id),
            before,
            after: Some(json!({ "driver_id": driver.id })),
            ip,
        },
    )
    .await?;
    txn.commit().await?;
    orders::publish(db, outlets, "order.updated", order.id).await;
    orders::get(db, caller, order.id).await
}

/// The deliveries of these orders with their drivers, by order id.
pub async fn of_orders(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> Result<HashMap<i64, DeliveryDto>, ServiceError> {
    if order_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = deliveries::Entity::find()
        .filter(deliveries::Column::OrderId.is_in(order_ids.iter().copied()))
        .find_also_related(drivers::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(delivery, driver)| (delivery.order_id, to_dto(delivery, driver)))
        .collect())
}

fn to_dto(delivery: deliveries::Model, driver: Option<drivers::Model>) -> DeliveryDto {
    DeliveryDto {
        driver_id: delivery.driver_id,
        driver_name: driver.as_ref().map(|driver| driver.name.clone()),
        driver_phone: driver.as_ref().map(|driver| driver.phone.clone()),
        vehicle_info: driver.and_then(|driver| driver.vehicle_info),
        status: delivery.status,
        eta_minutes: delivery.eta_minutes,
        assigned_at: delivery.assigned_at,
        picked_up_at: delivery.picked_up_at,
        delivered_at: delivery.delivered_at,
    }
}
