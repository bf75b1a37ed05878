//! Conversations: the messages that changed an order after the one that made it (a follow-up,
//! a quoting reply, "cancel my order") point at it, and a sender's recent messages in a chat
//! are found without reading the whole table, as every message now asks for them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261125_000003_messaging::InboundMessages, support::index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key: SQLite cannot add one to an existing table. Orders are never deleted
        // on their own, only with their business, which takes its messages with it.
        manager
            .alter_table(
                Table::alter()
                    .table(InboundMessages::Table)
                    .add_column(big_integer_null(InboundMessages::OrderId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            InboundMessages::Table,
            "inbound_sender",
            vec![
                InboundMessages::BusinessId.into_iden(),
                InboundMessages::ChatId.into_iden(),
                InboundMessages::Author.into_iden(),
                InboundMessages::Id.into_iden(),
            ],
            false,
            None,
        )
        .await?;
        index(
            manager,
            InboundMessages::Table,
            "inbound_order",
            vec![InboundMessages::OrderId.into_iden()],
            false,
            Some(Expr::col(InboundMessages::OrderId).is_not_null()),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_inbound_order", "idx_inbound_sender"] {
            manager
                .drop_index(Index::drop().name(name).table(InboundMessages::Table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(InboundMessages::Table)
                    .drop_column(InboundMessages::OrderId)
                    .to_owned(),
            )
            .await
    }
}
