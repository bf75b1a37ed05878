//! `orders.response_times`: when each step of an order happened (`received`, `parsed`,
//! `confirmed`, `preparing`, `out_for_delivery`, `delivered`), read back as durations.

use chrono::{DateTime, Duration, Utc};
use entity::{enums::OrderStatus, orders};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;

use crate::error::ServiceError;

/// The stamps with `step` set to `at`.
pub fn stamped(times: &Value, step: &str, at: DateTime<Utc>) -> Value {
    let mut times = times.clone();
    if let Value::Object(map) = &mut times {
        map.insert(step.to_string(), Value::String(at.to_rfc3339()));
    }
    times
}

/// The time from one step to a later one, when both happened.
pub fn between(times: &Value, from: &str, to: &str) -> Option<Duration> {
    let at = |step: &str| {
        times
            .get(step)
            .and_then(Value::as_str)
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
    };
    Some(at(to)? - at(from)?).filter(|elapsed| *elapsed >= Duration::zero())
}

/// The median of the durations, when there are any.
pub fn median(mut durations: Vec<Duration>) -> Option<Duration> {
    durations.sort_unstable();
    durations.get(durations.len() / 2).copied()
}

/// The stamps of a business's latest `limit` orders (only those in `status`, when given),
/// newest first; the list query's indexes serve it.
pub async fn recent(
    db: &impl ConnectionTrait,
    business_id: i64,
    status: Option<OrderStatus>,
    limit: u64,
) -> Result<Vec<Value>, ServiceError> {
    let mut query = orders::Entity::find().filter(orders::Column::BusinessId.eq(business_id));
    if let Some(status) = status {
        query = query.filter(orders::Column::Status.eq(status));
    }
    Ok(query
        .order_by_desc(orders::Column::CreatedAt)
        .limit(limit)
        .select_only()
        .column(orders::Column::ResponseTimes)
        .into_tuple()
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations_between_steps() {
        let times = json!({"received": "2026-11-26T12:00:00Z", "confirmed": "2026-11-26T12:01:30Z"});
        assert_eq!(between(&times, "received", "confirmed"), Some(Duration::seconds(90)));
        assert_eq!(between(&times, "confirmed", "delivered"), None);
        assert_eq!(between(&times, "confirmed", "received"), None);
        let minutes = Duration::minutes;
        assert_eq!(median(vec![minutes(30), minutes(10), minutes(20)]), Some(minutes(20)));
        assert_eq!(median(Vec::new()), None);
        let at = "2026-11-26T12:05:00Z".parse::<DateTime<Utc>>().unwrap();
        let later = stamped(&times, "delivered", at);
        assert_eq!(between(&later, "confirmed", "delivered"), Some(Duration::seconds(210)));
    }
}
