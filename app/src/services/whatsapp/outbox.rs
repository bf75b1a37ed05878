//! The outbox the worker drains: replies claimed, sent, retried, given up on, and the
//! receipts that follow.

use chrono::{DateTime, Duration, Utc};
use entity::{
    enums::{OutboundStatus, Transport},
    outbound_messages,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, sea_query::Expr};

use crate::error::ServiceError;

/// The id a reply goes out with, chosen before the first attempt and kept for every retry so
/// WhatsApp never shows it twice.
fn message_id_for(row: &outbound_messages::Model) -> String {
    format!("3EB0{:08X}{:012X}", row.business_id as u32, row.id)
}

/// Takes the next reply that is due, marking it `sending` with its message id. A reply left
/// in `sending` by a crash comes back first, with the same id.
pub async fn next_outbound(
    db: &DatabaseConnection,
    business_id: i64,
    transport: Transport,
) -> Result<Option<outbound_messages::Model>, ServiceError> {
    let now = Utc::now();
    let due = outbound_messages::Entity::find()
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::Transport.eq(transport))
        .filter(outbound_messages::Column::Status.is_in([OutboundStatus::Pending, OutboundStatus::Sending]))
        .filter(outbound_messages::Column::NextAttemptAt.lte(now))
        .order_by_desc(outbound_messages::Column::Status.eq(OutboundStatus::Sending))
        .order_by_asc(outbound_messages::Column::Id)
        .one(db)
        .await?;
    let Some(row) = due else {
        return Ok(None);
    };
    if row.attempts >= MAX_ATTEMPTS {
        // Left in `sending` by crash after crash: give up on it rather than block the outbox.
        outbound_failed(db, &row, "given up after repeated attempts that never completed").await?;
        return Ok(None);
    }
    let id = row.external_id.clone().unwrap_or_else(|| message_id_for(&row));
    claim(db, &row, id).await
}

/// Marks a due reply `sending` under the message id it goes out with, stamping when it was
/// claimed. Conditional on the status and attempt count it was read with: one claimer wins,
/// also for a row already in `sending`.
async fn claim(
    db: &DatabaseConnection,
    row: &outbound_messages::Model,
    id: String,
) -> Result<Option<outbound_messages::Model>, ServiceError> {
    let claimed = outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(OutboundStatus::Sending))
        .col_expr(outbound_messages::Column::ExternalId, Expr::value(id))
        .col_expr(outbound_messages::Column::NextAttemptAt, Expr::value(Utc::now()))
        .col_expr(
            outbound_messages::Column::Attempts,
            Expr::col(outbound_messages::Column::Attempts).add(1),
        )
        .filter(outbound_messages::Column::Id.eq(row.id))
        .filter(outbound_messages::Column::Status.eq(row.status))
        .filter(outbound_messages::Column::Attempts.eq(row.attempts))
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(None);
    }
    Ok(outbound_messages::Entity::find_by_id(row.id).one(db).await?)
}

/// Takes the next pending reply for the Cloud API, marking it `sending` with Novi's id for it. Unlike WhatsApp Web, the Cloud API chooses the message id
/// itself, so a reply whose send may have gone out is never tried again (see
/// `interrupted_cloud_sends`): only `pending` rows are taken here.
pub async fn next_cloud_outbound(
    db: &DatabaseConnection,
    business_id: i64,
) -> Result<Option<outbound_messages::Model>, ServiceError> {
    let now = Utc::now();
    let due = outbound_messages::Entity::find()
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::Transport.eq(Transport::Cloud))
        .filter(outbound_messages::Column::Status.eq(OutboundStatus::Pending))
        .filter(outbound_messages::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbound_messages::Column::Id)
        .one(db)
        .await?;
    match due {
        Some(row) => claim(db, &row, message_id_for(&row)).await,
        None => Ok(None),
    }
}

/// Cloud API replies claimed before `claimed_before` and still `sending`: the instance that
/// sent them stopped before hearing back. Whether WhatsApp took them is unknown, so they are not
/// sent again; they wait as `failed` for WhatsApp's status webhook, which names them by Novi's
/// id and marks them sent if they went out.
pub async fn interrupted_cloud_sends(
    db: &DatabaseConnection,
    business_id: i64,
    claimed_before: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let result = outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(OutboundStatus::Failed))
        .col_expr(
            outbound_messages::Column::LastError,
            Expr::value("the send was interrupted; not sent again, in case it went out (WhatsApp's receipt will say)"),
        )
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::Transport.eq(Transport::Cloud))
        .filter(outbound_messages::Column::Status.eq(OutboundStatus::Sending))
        .filter(outbound_messages::Column::NextAttemptAt.lt(claimed_before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// A reply that can never go out as it is (an invalid number, outside the 24-hour window with
/// no template): failed at once, with the reason for staff.
pub async fn outbound_given_up(db: &DatabaseConnection, id: i64, reason: &str) -> Result<(), ServiceError> {
    outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(OutboundStatus::Failed))
        .col_expr(
            outbound_messages::Column::LastError,
            Expr::value(reason.chars().take(500).collect::<String>()),
        )
        .filter(outbound_messages::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A reply WhatsApp took; a receipt that came first (delivered, read) is not undone.
pub async fn outbound_sent(db: &DatabaseConnection, id: i64, external_id: &str) -> Result<(), ServiceError> {
    outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(OutboundStatus::Sent))
        .col_expr(outbound_messages::Column::ExternalId, Expr::value(external_id))
        .col_expr(outbound_messages::Column::SentAt, Expr::value(Utc::now()))
        .col_expr(
            outbound_messages::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(outbound_messages::Column::Id.eq(id))
        .filter(outbound_messages::Column::Status.is_not_in([OutboundStatus::Delivered, OutboundStatus::Read]))
        .exec(db)
        .await?;
    Ok(())
}

/// Attempts before a reply is given up on.
pub const MAX_ATTEMPTS: i32 = 5;

/// A failed attempt: tried again later with a growing delay, or failed for good.
pub async fn outbound_failed(
    db: &DatabaseConnection,
    row: &outbound_messages::Model,
    error: &str,
) -> Result<(), ServiceError> {
    let final_attempt = row.attempts >= MAX_ATTEMPTS;
    let delay = Duration::seconds(5 * 2i64.pow(row.attempts.clamp(0, 10) as u32));
    outbound_messages::Entity::update_many()
        .col_expr(
            outbound_messages::Column::Status,
            Expr::value(if final_attempt {
                OutboundStatus::Failed
            } else {
                OutboundStatus::Pending
            }),
        )
        .col_expr(
            outbound_messages::Column::NextAttemptAt,
            Expr::value(Utc::now() + delay),
        )
        .col_expr(
            outbound_messages::Column::LastError,
            Expr::value(error.chars().take(500).collect::<String>()),
        )
        .filter(outbound_messages::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A receipt from WhatsApp: 2 delivered, 3 read.
pub async fn record_ack(
    db: &DatabaseConnection,
    business_id: i64,
    external_id: &str,
    ack: u8,
) -> Result<(), ServiceError> {
    let status = match ack {
        2 => OutboundStatus::Delivered,
        3.. => OutboundStatus::Read,
        _ => return Ok(()),
    };
    let mut update = outbound_messages::Entity::update_many()
        .col_expr(outbound_messages::Column::Status, Expr::value(status))
        .filter(outbound_messages::Column::BusinessId.eq(business_id))
        .filter(outbound_messages::Column::ExternalId.eq(external_id));
    if status == OutboundStatus::Delivered {
        update = update
            .col_expr(outbound_messages::Column::DeliveredAt, Expr::value(Utc::now()))
            .filter(outbound_messages::Column::Status.eq(OutboundStatus::Sent));
    }
    update.exec(db).await?;
    Ok(())
}
