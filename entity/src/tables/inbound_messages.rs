use sea_orm::entity::prelude::*;

use crate::enums::{InboundStatus, Transport};

/// Every WhatsApp message, written before anything else happens to it. WhatsApp delivers at
/// least once, so (business, transport, external id) is unique and a repeat is a no-op.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbound_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub business_id: i64,
    pub transport: Transport,
    pub external_id: String,
    pub chat_id: String,
    pub group_id: Option<i64>,
    pub author: String,
    pub push_name: Option<String>,
    pub body: String,
    pub message_type: String,
    pub quoted_external_id: Option<String>,
    pub status: InboundStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Handled again no earlier than this, after a failed attempt.
    pub process_after: Option<DateTimeUtc>,
    /// The order this message changed after the one that made it (a follow-up, a reply
    /// quoting the order, a cancellation); the message that made an order is the order's own
    /// `inbound_message_id`.
    pub order_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::businesses::Entity",
        from = "Column::BusinessId",
        to = "super::businesses::Column::Id"
    )]
    Business,
}

impl Related<super::businesses::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Business.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
