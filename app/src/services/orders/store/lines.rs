//! An order's stored lines.

use entity::order_items;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use crate::error::ServiceError;

pub async fn of_order(db: &impl ConnectionTrait, order_id: i64) -> Result<Vec<order_items::Model>, ServiceError> {
    Ok(order_items::Entity::find()
        .filter(order_items::Column::OrderId.eq(order_id))
        .order_by_asc(order_items::Column::Id)
        .all(db)
        .await?)
}

pub fn subtotal(lines: &[order_items::Model]) -> i64 {
    lines.iter().fold(0i64, |sum, line| sum.saturating_add(line.line_total))
}

/// The lines as rows of `order_id`, to insert.
pub fn rows(order_id: i64, lines: &[order_items::Model]) -> impl Iterator<Item = order_items::ActiveModel> + '_ {
    lines.iter().cloned().map(move |line| {
        let mut row = order_items::Model { order_id, ..line }.into_active_model();
        row.id = NotSet;
        row
    })
}

/// Stores `lines` (of one order or several, `order_id` set) in one statement.
pub async fn insert(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = order_items::ActiveModel>,
) -> Result<(), ServiceError> {
    let mut rows = rows.into_iter().peekable();
    if rows.peek().is_some() {
        order_items::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Replaces the stored lines of an order.
pub async fn replace(
    db: &impl ConnectionTrait,
    order_id: i64,
    lines: &[order_items::Model],
) -> Result<(), ServiceError> {
    order_items::Entity::delete_many()
        .filter(order_items::Column::OrderId.eq(order_id))
        .exec(db)
        .await?;
    insert(db, rows(order_id, lines)).await
}
