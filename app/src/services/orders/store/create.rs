//! New orders, written together: per business a handful of statements (customers, numbers,
//! orders, lines, audit) however many orders there are, which is what lets the pipeline keep
//! up with a busy hour on PostgreSQL; one typed-in order is a batch of one.

use entity::{audit_events, order_items, orders};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QuerySelect, Set,
    Statement,
    sea_query::{Expr, Func},
};

use super::{
    customers::{self, Placed},
    entry, lines, snapshot,
};
use crate::{error::ServiceError, services::actor::Actor};

/// A new order before it is written: the row (its number, customer and id are given here),
/// its lines, and who asked for it.
pub struct Planned {
    pub order: orders::ActiveModel,
    pub lines: Vec<order_items::Model>,
    pub actor: Actor,
}

/// Writes the planned orders, all of one business, and answers their orders with their lines in the
/// same order. An order a customer's message made is not audited: the message is its record.
pub async fn create_many(
    txn: &DatabaseTransaction,
    business_id: i64,
    planned: Vec<Planned>,
) -> Result<Vec<(orders::Model, Vec<order_items::Model>)>, ServiceError> {
    if planned.is_empty() {
        return Ok(Vec::new());
    }
    let text = |value: &sea_orm::ActiveValue<Option<String>>| value.try_as_ref().cloned().flatten();
    let details: Vec<(Option<String>, Option<String>, Option<String>)> = planned
        .iter()
        .map(|plan| {
            (
                text(&plan.order.customer_phone),
                text(&plan.order.customer_name),
                text(&plan.order.delivery_address),
            )
        })
        .collect();
    let customers = customers::upsert(
        txn,
        business_id,
        details.iter().filter_map(|(phone, name, address)| {
            Some(Placed {
                phone: phone.as_deref()?,
                name: name.as_deref(),
                address: address.as_deref(),
            })
        }),
    )
    .await?;
    let first_number = next_order_number(txn, business_id).await?;
    let rows = planned
        .iter()
        .zip(&details)
        .enumerate()
        .map(|(index, (plan, (phone, ..)))| {
            let mut row = plan.order.clone();
            row.business_id = Set(business_id);
            row.order_number = Set(first_number + index as i64);
            row.customer_id = Set(phone.as_ref().and_then(|phone| customers.get(phone).copied()));
            row
        });
    let mut inserted = orders::Entity::insert_many(rows).exec_with_returning(txn).await?;
    // Numbers are unique within the business, so they say which row is which plan's.
    inserted.sort_by_key(|order| order.order_number);
    if inserted.len() != planned.len() {
        return Err(ServiceError::Internal("an inserted order did not come back".into()));
    }
    let rows: Vec<_> = inserted
        .iter()
        .zip(&planned)
        .flat_map(|(order, plan)| lines::rows(order.id, &plan.lines))
        .collect();
    lines::insert(txn, rows).await?;
    let audits: Vec<audit_events::ActiveModel> = inserted
        .iter()
        .zip(&planned)
        .filter(|(_, plan)| !matches!(plan.actor, Actor::Customer(_)))
        .map(|(order, plan)| {
            let entry = entry(
                &plan.actor,
                "order_created",
                business_id,
                order.id,
                None,
                Some(snapshot(order, &plan.lines)),
            );
            crate::services::audit::row(entry)
        })
        .collect();
    if !audits.is_empty() {
        audit_events::Entity::insert_many(audits)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(inserted
        .into_iter()
        .zip(planned)
        .map(|(order, plan)| (order, plan.lines))
        .collect())
}

/// An unguessable token for the customer's tracking link.
pub fn tracking_token() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 24)
}

/// The first half of the advisory lock key that serialises numbering a business's orders on
/// PostgreSQL ("NoOr"); the WhatsApp leases and backups use other halves.
const NUMBERING_LOCK: i32 = 0x4e6f_4f72;

/// The business's next order number. On PostgreSQL the transaction first takes the business's
/// numbering lock, so writers queue instead of picking the same number and failing: under load
/// the retries alone ran out. SQLite lets one writer in at a time already.
pub async fn next_order_number(txn: &DatabaseTransaction, business_id: i64) -> Result<i64, ServiceError> {
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
