//! The chat around an order: the customer's message it came from and every reply Novi queued
//! about it, for the order page.

use entity::{inbound_messages, outbound_messages};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    dto::{Conversation, CustomerMessage, SentReply},
    error::ServiceError,
    services::access::Caller,
};

pub async fn of_order(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<Conversation, ServiceError> {
    let order = super::query::visible(db, caller, id).await?;
    let message = match order.inbound_message_id {
        Some(message_id) => inbound_messages::Entity::find_by_id(message_id).one(db).await?,
        None => None,
    };
    let later = inbound_messages::Entity::find()
        .filter(inbound_messages::Column::OrderId.eq(order.id))
        .filter(inbound_messages::Column::BusinessId.eq(order.business_id))
        .order_by_asc(inbound_messages::Column::Id)
        .all(db)
        .await?;
    let replies = outbound_messages::Entity::find()
        .filter(outbound_messages::Column::OrderId.eq(order.id))
        .filter(outbound_messages::Column::BusinessId.eq(order.business_id))
        .order_by_asc(outbound_messages::Column::Id)
        .all(db)
        .await?;
    Ok(Conversation {
        message: message.map(customer_message),
        later: later.into_iter().map(customer_message).collect(),
        replies: replies
            .into_iter()
            .map(|reply| SentReply {
                body: reply.body,
                template: reply.template,
                status: reply.status,
                queued_at: reply.created_at,
                sent_at: reply.sent_at,
            })
            .collect(),
    })
}

fn customer_message(message: inbound_messages::Model) -> CustomerMessage {
    CustomerMessage {
        body: message.body,
        sender: message.push_name,
        in_group: message.group_id.is_some(),
        sent_at: message.sent_at,
        edited_at: message.edited_at,
        deleted_at: message.revoked_at,
    }
}
