use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_tenancy::Businesses;
use crate::m20261125_000002_catalog::Groups;
use crate::support::{drop_tables, fk, id, index, instant, instant_null, state};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WhatsappSessions::Table)
                    .col(id(WhatsappSessions::Id))
                    .col(big_integer_uniq(WhatsappSessions::BusinessId))
                    .col(state(WhatsappSessions::Transport))
                    .col(state(WhatsappSessions::State))
                    .col(string_len_null(WhatsappSessions::Phone, 32))
                    .col(text_null(WhatsappSessions::LastQr))
                    .col(string_len_null(WhatsappSessions::OwnerInstance, 128))
                    .col(instant_null(WhatsappSessions::LastConnectedAt))
                    .col(instant(WhatsappSessions::CreatedAt))
                    .col(instant(WhatsappSessions::UpdatedAt))
                    .foreign_key(&mut fk(
                        WhatsappSessions::Table,
                        WhatsappSessions::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InboundMessages::Table)
                    .col(id(InboundMessages::Id))
                    .col(big_integer(InboundMessages::BusinessId))
                    .col(state(InboundMessages::Transport))
                    .col(string_len(InboundMessages::ExternalId, 191))
                    .col(string_len(InboundMessages::ChatId, 128))
                    .col(big_integer_null(InboundMessages::GroupId))
                    .col(string_len(InboundMessages::Author, 128))
                    .col(string_len_null(InboundMessages::PushName, 120))
                    .col(text(InboundMessages::Body))
                    .col(string_len(InboundMessages::MessageType, 32))
                    .col(string_len_null(InboundMessages::QuotedExternalId, 191))
                    .col(state(InboundMessages::Status))
                    .col(integer(InboundMessages::Attempts).default(0))
                    .col(text_null(InboundMessages::LastError))
                    .col(instant(InboundMessages::SentAt))
                    .col(instant_null(InboundMessages::EditedAt))
                    .col(instant_null(InboundMessages::RevokedAt))
                    .col(instant(InboundMessages::CreatedAt))
                    .foreign_key(&mut fk(
                        InboundMessages::Table,
                        InboundMessages::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        InboundMessages::Table,
                        InboundMessages::GroupId,
                        Groups::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            InboundMessages::Table,
            "inbound_dedupe",
            vec![
                InboundMessages::BusinessId.into_iden(),
                InboundMessages::Transport.into_iden(),
                InboundMessages::ExternalId.into_iden(),
            ],
            true,
            None,
        )
        .await?;
        // The pipeline's work queue: only rows still waiting to be handled.
        index(
            manager,
            InboundMessages::Table,
            "inbound_pending",
            vec![InboundMessages::CreatedAt.into_iden()],
            false,
            Some(Expr::col(InboundMessages::Status).eq("received")),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![InboundMessages::Table.into_iden(), WhatsappSessions::Table.into_iden()],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
pub enum WhatsappSessions {
    Table,
    Id,
    BusinessId,
    Transport,
    State,
    Phone,
    LastQr,
    OwnerInstance,
    LastConnectedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum InboundMessages {
    Table,
    Id,
    BusinessId,
    Transport,
    ExternalId,
    ChatId,
    GroupId,
    Author,
    PushName,
    Body,
    MessageType,
    QuotedExternalId,
    Status,
    Attempts,
    LastError,
    SentAt,
    EditedAt,
    RevokedAt,
    CreatedAt,
    ProcessAfter,
    OrderId,
}
