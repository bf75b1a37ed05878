use sea_orm::entity::prelude::*;

use crate::enums::{OutboundStatus, Transport};

/// The outbox: a reply is written here before it is sent. `idempotency_key` makes the same
/// reply to the same event impossible to queue twice.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbound_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub business_id: i64,
    pub order_id: Option<i64>,
    pub transport: Transport,
    pub chat_id: String,
    pub body: String,
    pub template: Option<String>,
    pub quoted_external_id: Option<String>,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub status: OutboundStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub external_id: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
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
