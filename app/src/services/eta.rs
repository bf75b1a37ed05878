//! How long a delivery will take: the median of the business's recent deliveries, taken among
//! those of the same hour of day once there are enough of them (lunch is not like 3 pm).

use chrono::{DateTime, Duration, Timelike, Utc};
use entity::enums::OrderStatus;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::{error::ServiceError, services::response_times};

/// Minutes promised from confirmation until the business has delivered enough orders to know.
pub const DEFAULT_MINUTES: i64 = 45;
/// Minutes promised once the driver has picked the order up, with too little history.
pub const DEFAULT_ROAD_MINUTES: i64 = 20;
/// How many recent deliveries the estimate is drawn from.
const SAMPLE: u64 = 200;
/// Fewer deliveries than this give no median worth promising.
const ENOUGH: usize = 5;

/// Minutes from confirmation to the door, for an order confirmed at `at`.
pub async fn from_confirmation(
    db: &impl ConnectionTrait,
    business_id: i64,
    at: DateTime<Utc>,
) -> Result<i64, ServiceError> {
    let history = history(db, business_id).await?;
    Ok(estimate(&history, "confirmed", at).map_or(DEFAULT_MINUTES, |elapsed| elapsed.num_minutes()))
}

/// Minutes from the driver leaving to the door, for a run that starts at `at`.
pub async fn on_the_road(db: &impl ConnectionTrait, business_id: i64, at: DateTime<Utc>) -> Result<i64, ServiceError> {
    let history = history(db, business_id).await?;
    Ok(estimate(&history, "out_for_delivery", at).map_or(DEFAULT_ROAD_MINUTES, |elapsed| elapsed.num_minutes()))
}

async fn history(db: &impl ConnectionTrait, business_id: i64) -> Result<Vec<Value>, ServiceError> {
    response_times::recent(db, business_id, Some(OrderStatus::Delivered), SAMPLE).await
}

/// The median time from `from` to delivery among the deliveries that started in the same hour
/// of day as `at` (UTC hours: a daylight-saving change shifts them by one for a while), or among
/// all of them while that hour has too few.
fn estimate(history: &[Value], from: &str, at: DateTime<Utc>) -> Option<Duration> {
    let runs: Vec<(u32, Duration)> = history
        .iter()
        .filter_map(|times| {
            let started = times.get(from)?.as_str()?.parse::<DateTime<Utc>>().ok()?;
            let elapsed = response_times::between(times, from, "delivered")?;
            (elapsed.num_minutes() > 0).then_some((started.hour(), elapsed))
        })
        .collect();
    let same_hour: Vec<Duration> = runs
        .iter()
        .filter(|(hour, _)| *hour == at.hour())
        .map(|(_, elapsed)| *elapsed)
        .collect();
    if same_hour.len() >= ENOUGH {
        return response_times::median(same_hour);
    }
    if runs.len() >= ENOUGH {
        return response_times::median(runs.into_iter().map(|(_, elapsed)| elapsed).collect());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(confirmed: &str, minutes: i64) -> Value {
        let start: DateTime<Utc> = confirmed.parse().unwrap();
        json!({
            "confirmed": start.to_rfc3339(),
            "delivered": (start + Duration::minutes(minutes)).to_rfc3339(),
        })
    }

    #[test]
    fn too_little_history_gives_no_estimate() {
        let history: Vec<Value> = (0..4).map(|_| run("2026-11-20T12:00:00Z", 30)).collect();
        assert_eq!(estimate(&history, "confirmed", Utc::now()), None);
    }

    #[test]
    fn the_same_hour_counts_once_it_has_enough_deliveries() {
        let mut history: Vec<Value> = (0..10).map(|i| run("2026-11-20T15:00:00Z", 20 + i)).collect();
        let lunch = "2026-11-26T12:30:00Z".parse().unwrap();
        assert_eq!(estimate(&history, "confirmed", lunch), Some(Duration::minutes(25)));
        history.extend((0..5).map(|i| run("2026-11-21T12:10:00Z", 60 + i)));
        assert_eq!(estimate(&history, "confirmed", lunch), Some(Duration::minutes(62)));
        let afternoon = "2026-11-26T15:30:00Z".parse().unwrap();
        assert_eq!(estimate(&history, "confirmed", afternoon), Some(Duration::minutes(25)));
    }
}
