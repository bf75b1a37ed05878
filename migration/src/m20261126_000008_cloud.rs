//! The WhatsApp Cloud API account of a business that takes orders through Meta's official
//! route: its phone number id (which routes webhooks), its credentials sealed at rest, the
//! token Meta's verification handshake must echo, and the approved template that carries
//! replies outside WhatsApp's 24-hour customer-service window.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_tenancy::Businesses;
use crate::support::{fk, id, instant};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CloudAccounts::Table)
                    .col(id(CloudAccounts::Id))
                    .col(big_integer_uniq(CloudAccounts::BusinessId))
                    .col(string_len_uniq(CloudAccounts::PhoneNumberId, 64))
                    .col(text(CloudAccounts::AccessToken))
                    .col(text(CloudAccounts::AppSecret))
                    .col(string_len(CloudAccounts::VerifyToken, 128))
                    .col(string_len_null(CloudAccounts::TemplateName, 128))
                    .col(string_len_null(CloudAccounts::TemplateLanguage, 16))
                    .col(instant(CloudAccounts::CreatedAt))
                    .col(instant(CloudAccounts::UpdatedAt))
                    .foreign_key(&mut fk(
                        CloudAccounts::Table,
                        CloudAccounts::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CloudAccounts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone)]
enum CloudAccounts {
    #[sea_orm(iden = "whatsapp_cloud_accounts")]
    Table,
    Id,
    BusinessId,
    PhoneNumberId,
    AccessToken,
    AppSecret,
    VerifyToken,
    TemplateName,
    TemplateLanguage,
    CreatedAt,
    UpdatedAt,
}
