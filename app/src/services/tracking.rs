//! The customer's tracking page (`/t/:token`): where their order is, told without signing in.
//! The token is the only key, so the page shows nothing personal beyond the customer's first
//! name and what they ordered: no address, no phone, the driver by first name only.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use entity::{businesses, deliveries, drivers, enums::OrderStatus, order_items, orders};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::{
    error::ServiceError,
    money,
    services::{
        eta,
        replies::{self, first_name},
    },
};

/// How long a finished order's page stays up.
pub const KEPT_AFTER_END: Duration = Duration::days(7);

/// Everything the tracking page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracking {
    pub order_id: i64,
    pub business_id: i64,
    pub business_name: String,
    pub order_number: i64,
    pub customer: Option<String>,
    pub status: OrderStatus,
    pub items: Vec<String>,
    pub total: String,
    pub steps: Vec<Step>,
    pub driver: Option<String>,
    pub vehicle: Option<String>,
    /// Local time of day the order should arrive, while it is on its way to being delivered.
    pub arrival: Option<String>,
}

/// One step of the timeline, with the local time it happened once it has.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub label: &'static str,
    pub at: Option<String>,
}

/// The order behind a tracking token; an unknown token, or one whose order ended more than
/// [`KEPT_AFTER_END`] ago, is not found.
pub async fn view(db: &impl ConnectionTrait, token: &str, now: DateTime<Utc>) -> Result<Tracking, ServiceError> {
    let gone = ServiceError::NotFound("tracking page");
    if token.is_empty() || token.len() > 64 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(gone);
    }
    let Some(order) = orders::Entity::find()
        .filter(orders::Column::TrackingToken.eq(token))
        .one(db)
        .await?
    else {
        return Err(gone);
    };
    if ended_at(&order).is_some_and(|ended| ended + KEPT_AFTER_END < now) {
        return Err(gone);
    }
    let business = businesses::Entity::find_by_id(order.business_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    let zone = business.timezone.parse::<Tz>().unwrap_or(Tz::UTC);
    let clock = |at: DateTime<Utc>| at.with_timezone(&zone).format("%H:%M").to_string();
    let lines = order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq(order.id))
        .order_by_asc(order_items::Column::Id)
        .all(db)
        .await?;
    let delivery = deliveries::Entity::find()
        .filter(deliveries::Column::OrderId.eq(order.id))
        .find_also_related(drivers::Entity)
        .one(db)
        .await?;
    let arrival = match order.status {
        OrderStatus::Confirmed | OrderStatus::Preparing | OrderStatus::OutForDelivery => {
            expected_arrival(db, &order, delivery.as_ref().map(|(delivery, _)| delivery)).await?
        }
        _ => None,
    };
    let (driver, vehicle) = match delivery.and_then(|(_, driver)| driver) {
        Some(driver) => (Some(first_name(&driver.name).to_string()), driver.vehicle_info),
        None => (None, None),
    };
    Ok(Tracking {
        order_id: order.id,
        business_id: business.id,
        business_name: business.name.clone(),
        order_number: order.order_number,
        customer: order.customer_name.as_deref().map(|name| first_name(name).to_string()),
        status: order.status,
        items: lines.iter().map(item).collect(),
        total: money::display(order.total_amount, &order.currency),
        steps: steps(&order, &clock),
        driver,
        vehicle,
        arrival: arrival.map(clock),
    })
}

/// When a delivered or cancelled order ended.
fn ended_at(order: &orders::Model) -> Option<DateTime<Utc>> {
    match order.status {
        OrderStatus::Delivered | OrderStatus::Cancelled => {
            Some(stamp(&order.response_times, order.status.as_str()).unwrap_or(order.updated_at))
        }
        _ => None,
    }
}

fn stamp(times: &Value, step: &str) -> Option<DateTime<Utc>> {
    times.get(step)?.as_str()?.parse().ok()
}

/// The delivery's estimate counts from the pick-up once the driver has the order, and from the
/// confirmation before that.
async fn expected_arrival(
    db: &impl ConnectionTrait,
    order: &orders::Model,
    delivery: Option<&deliveries::Model>,
) -> Result<Option<DateTime<Utc>>, ServiceError> {
    if let Some(delivery) = delivery
        && let Some(minutes) = delivery.eta_minutes
    {
        let from = delivery
            .picked_up_at
            .or_else(|| stamp(&order.response_times, "confirmed"))
            .unwrap_or(delivery.assigned_at);
        return Ok(Some(from + Duration::minutes(minutes.into())));
    }
    let confirmed = stamp(&order.response_times, "confirmed").unwrap_or(order.updated_at);
    let minutes = eta::from_confirmation(db, order.business_id, confirmed).await?;
    Ok(Some(confirmed + Duration::minutes(minutes)))
}

/// Received, confirmed, preparing, on the way, delivered; a cancelled order ends at its
/// cancellation.
fn steps(order: &orders::Model, clock: &impl Fn(DateTime<Utc>) -> String) -> Vec<Step> {
    let times = &order.response_times;
    let at = |step: &str| stamp(times, step).map(clock);
    let mut steps = vec![Step {
        label: "Received",
        at: Some(at("received").unwrap_or_else(|| clock(order.created_at))),
    }];
    let ahead = [
        ("confirmed", "Confirmed"),
        ("preparing", "Being prepared"),
        ("out_for_delivery", "On the way"),
        ("delivered", "Delivered"),
    ];
    if order.status == OrderStatus::Cancelled {
        steps.extend(
            ahead
                .iter()
                .filter_map(|(step, label)| at(step).map(|at| Step { label, at: Some(at) })),
        );
        steps.push(Step {
            label: "Cancelled",
            at: at("cancelled"),
        });
    } else {
        steps.extend(ahead.iter().map(|(step, label)| Step { label, at: at(step) }));
    }
    steps
}

/// `2× Margherita (Large)`.
fn item(line: &order_items::Model) -> String {
    let quantity = replies::quantity(line);
    match &line.variant {
        Some(variant) => format!("{quantity} {} ({variant})", line.name),
        None => format!("{quantity} {}", line.name),
    }
}
