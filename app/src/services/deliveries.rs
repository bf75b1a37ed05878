//! Deliveries: which driver takes an order, and how the run goes. An order has at most one
//! delivery; assigning again hands it to another driver. The run follows the order's status:
//! out for delivery is the driver picking it up, delivered ends it, cancelled calls it off.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{
    businesses, deliveries, drivers,
    enums::{DeliveryStatus, Fulfilment, OrderStatus, Role},
    orders as order_rows,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set, sea_query::Condition,
};
use serde_json::json;

use crate::{
    dto::{DeliveryDto, DeliveryStep, OrderDto},
    error::ServiceError,
    events::EventKind,
    outlets::Outlets,
    services::{
        access::{Caller, Permission},
        actor::{Actor, User},
        eta,
        orders::{self, store},
    },
};

/// Hands a confirmed or preparing order to one of the business's active drivers.
pub async fn assign(
    db: &DatabaseConnection,
    outlets: &Outlets,
    user: &User,
    order_id: i64,
    driver_id: i64,
) -> Result<OrderDto, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageOrders)?;
    let txn = crate::services::transaction::begin(db).await?;
    let order = orders::visible_order(&txn, caller, order_id).await?;
    if order.fulfilment == Fulfilment::Pickup {
        return Err(ServiceError::Conflict(
            "the customer collects this order at the shop; it has no driver".into(),
        ));
    }
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
            let confirmed = order
                .response_times
                .get("confirmed")
                .and_then(|at| at.as_str()?.parse().ok())
                .unwrap_or(now);
            let eta = eta::from_confirmation(&txn, order.business_id, confirmed).await?;
            deliveries::ActiveModel {
                business_id: Set(order.business_id),
                order_id: Set(order.id),
                driver_id: Set(Some(driver.id)),
                status: Set(DeliveryStatus::Assigned),
                // The customer's link is the order's: it was sent before any driver existed.
                tracking_token: Set(order.tracking_token.clone().unwrap_or_else(store::tracking_token)),
                eta_minutes: Set(i32::try_from(eta).ok()),
                assigned_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    let after = Some(json!({ "driver_id": driver.id }));
    store::audit(&txn, &Actor::from(user), "delivery_assigned", &order, before, after).await?;
    txn.commit().await?;
    orders::publish(db, outlets, EventKind::OrderUpdated, order.id).await;
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

/// What the customer is told about the run: who brings the order and, once it has left, in
/// how many minutes.
pub(crate) struct Leg {
    pub eta_minutes: Option<i64>,
    pub driver: Option<drivers::Model>,
}

/// Carries an order's new status to its delivery. Leaving for delivery picks the order up (a
/// delivery without a driver is made when staff send it out themselves) with a fresh estimate
/// for the road; the answer is what the customer's update needs.
pub(crate) async fn follow(
    txn: &DatabaseTransaction,
    order: &order_rows::Model,
    now: DateTime<Utc>,
) -> Result<Option<Leg>, ServiceError> {
    let existing = deliveries::Entity::find()
        .filter(deliveries::Column::OrderId.eq(order.id))
        .find_also_related(drivers::Entity)
        .one(txn)
        .await?;
    match (order.status, existing) {
        (OrderStatus::OutForDelivery, existing) => {
            let eta_minutes = eta::on_the_road(txn, order.business_id, now).await?;
            let eta = i32::try_from(eta_minutes).ok();
            let driver = match existing {
                Some((delivery, driver)) => {
                    let mut active: deliveries::ActiveModel = delivery.into();
                    active.status = Set(DeliveryStatus::PickedUp);
                    active.picked_up_at = Set(Some(now));
                    active.eta_minutes = Set(eta);
                    active.update(txn).await?;
                    driver
                }
                None => {
                    deliveries::ActiveModel {
                        business_id: Set(order.business_id),
                        order_id: Set(order.id),
                        driver_id: Set(None),
                        status: Set(DeliveryStatus::PickedUp),
                        tracking_token: Set(order.tracking_token.clone().unwrap_or_else(store::tracking_token)),
                        eta_minutes: Set(eta),
                        assigned_at: Set(now),
                        picked_up_at: Set(Some(now)),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?;
                    None
                }
            };
            Ok(Some(Leg {
                eta_minutes: Some(eta_minutes),
                driver,
            }))
        }
        (OrderStatus::Delivered | OrderStatus::Cancelled, Some((delivery, driver))) => {
            let delivered = order.status == OrderStatus::Delivered;
            let mut active: deliveries::ActiveModel = delivery.into();
            if delivered {
                active.status = Set(DeliveryStatus::Delivered);
                active.delivered_at = Set(Some(now));
            } else {
                active.status = Set(DeliveryStatus::Cancelled);
            }
            active.update(txn).await?;
            Ok(Some(Leg {
                eta_minutes: None,
                driver,
            }))
        }
        _ => Ok(None),
    }
}

/// A driver reports progress on one of their own deliveries: picked up (the order leaves,
/// passing through preparing when staff had not marked it) or delivered.
pub async fn report(
    db: &DatabaseConnection,
    outlets: &Outlets,
    user: &User,
    order_id: i64,
    step: DeliveryStep,
) -> Result<OrderDto, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::Deliver)?;
    let driver = own_driver(db, caller).await?;
    let txn = crate::services::transaction::begin(db).await?;
    let order = orders::visible_order(&txn, caller, order_id).await?;
    deliveries::Entity::find()
        .filter(deliveries::Column::OrderId.eq(order.id))
        .filter(deliveries::Column::DriverId.eq(driver.id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("delivery"))?;
    let goal = match step {
        DeliveryStep::PickedUp => OrderStatus::OutForDelivery,
        DeliveryStep::Delivered => OrderStatus::Delivered,
    };
    // A pick-up passes through preparing when staff had not marked it; nothing skips more.
    let order = if step == DeliveryStep::PickedUp && order.status == OrderStatus::Confirmed {
        store::walk_to(&txn, outlets, &Actor::from(user), order, goal).await?
    } else {
        store::move_to(&txn, outlets, &Actor::from(user), order, goal).await?
    };
    txn.commit().await?;
    orders::publish(db, outlets, EventKind::OrderUpdated, order_id).await;
    let mut run = orders::with_items(db, vec![order]).await?;
    Ok(run.remove(0))
}

/// Today's deliveries, those still under way first: a driver's own, or all of the business's
/// for staff. "Today" is the business's local day.
pub async fn runs(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<OrderDto>, ServiceError> {
    let mut query = deliveries::Entity::find();
    if caller.role == Role::Driver {
        caller.require(Permission::Deliver)?;
        let driver = own_driver(db, caller).await?;
        query = query.filter(deliveries::Column::DriverId.eq(driver.id));
    } else {
        caller.require(Permission::ViewOrders)?;
    }
    let business = businesses::Entity::find_by_id(caller.own_business()?)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    let rows = query
        .filter(deliveries::Column::BusinessId.eq(business.id))
        .filter(
            Condition::any()
                .add(deliveries::Column::Status.is_in([DeliveryStatus::Assigned, DeliveryStatus::PickedUp]))
                .add(deliveries::Column::DeliveredAt.gte(start_of_day(&business, Utc::now()))),
        )
        .order_by_asc(deliveries::Column::AssignedAt)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|delivery| delivery.order_id).collect();
    let orders = order_rows::Entity::find()
        .filter(order_rows::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut runs = orders::with_items(db, orders).await?;
    let position = |run: &OrderDto| ids.iter().position(|id| *id == run.id);
    runs.sort_by_key(|run| (run.status == OrderStatus::Delivered, position(run)));
    Ok(runs)
}

/// The driver row of a signed-in driver.
async fn own_driver(db: &DatabaseConnection, caller: &Caller) -> Result<drivers::Model, ServiceError> {
    drivers::Entity::find()
        .filter(drivers::Column::BusinessId.eq(caller.own_business()?))
        .filter(drivers::Column::UserId.eq(caller.user_id))
        .filter(drivers::Column::IsActive.eq(true))
        .one(db)
        .await?
        .ok_or(ServiceError::Forbidden(
            "this account is not one of the business's active drivers; ask the owner to link it on the Deliveries page",
        ))
}

/// Midnight of `now`'s day where the business is.
fn start_of_day(business: &businesses::Model, now: DateTime<Utc>) -> DateTime<Utc> {
    let zone = business.timezone.parse::<Tz>().unwrap_or(Tz::UTC);
    let day = now.with_timezone(&zone).date_naive();
    // Where the clocks skip midnight, the day starts at the first hour that exists.
    (0..3)
        .filter_map(|hour| day.and_hms_opt(hour, 0, 0)?.and_local_timezone(zone).earliest())
        .next()
        .map_or(now, |start| start.with_timezone(&Utc))
}
