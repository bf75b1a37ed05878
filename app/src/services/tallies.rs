//! Order counts and amounts from the running totals the database keeps (`order_tallies`):
//! constant time however many orders a business has.

use entity::{enums::OrderStatus, order_tallies};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::ServiceError;

/// Orders of one business (every business for `None`), in one status or all.
pub async fn orders(
    db: &impl ConnectionTrait,
    business: Option<i64>,
    status: Option<OrderStatus>,
) -> Result<u64, ServiceError> {
    let rows = rows(db, business).await?;
    let count: i64 = rows
        .iter()
        .filter(|tally| status.is_none_or(|status| tally.status == status))
        .map(|tally| tally.orders)
        .sum();
    Ok(u64::try_from(count).unwrap_or_default())
}

/// A business's orders in all, and what those not cancelled add up to.
pub async fn totals(db: &impl ConnectionTrait, business: i64) -> Result<(u64, i64), ServiceError> {
    let rows = rows(db, Some(business)).await?;
    let orders: i64 = rows.iter().map(|tally| tally.orders).sum();
    let revenue = rows
        .iter()
        .filter(|tally| tally.status != OrderStatus::Cancelled)
        .map(|tally| tally.amount)
        .sum();
    Ok((u64::try_from(orders).unwrap_or_default(), revenue))
}

async fn rows(db: &impl ConnectionTrait, business: Option<i64>) -> Result<Vec<order_tallies::Model>, ServiceError> {
    let mut select = order_tallies::Entity::find();
    if let Some(business) = business {
        select = select.filter(order_tallies::Column::BusinessId.eq(business));
    }
    Ok(select.all(db).await?)
}
