use sea_orm::entity::prelude::*;

/// A business's WhatsApp Cloud API number. `access_token` and `app_secret` are sealed (see
/// `app::services::secrets`); `verify_token` is what Meta's webhook handshake sends back.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "whatsapp_cloud_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub business_id: i64,
    #[sea_orm(unique)]
    pub phone_number_id: String,
    pub access_token: String,
    pub app_secret: String,
    pub verify_token: String,
    /// The approved template that carries a reply outside the 24-hour window.
    pub template_name: Option<String>,
    pub template_language: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
