use sea_orm::entity::prelude::*;

use crate::enums::{ConnectionState, Transport};

/// The WhatsApp connection of one business: its state, the last QR code shown, and which
/// instance owns the worker.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "whatsapp_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub business_id: i64,
    pub transport: Transport,
    pub state: ConnectionState,
    pub phone: Option<String>,
    pub last_qr: Option<String>,
    pub owner_instance: Option<String>,
    pub last_connected_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
