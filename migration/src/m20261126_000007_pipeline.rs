//! What the ingest pipeline needs beyond the first schema: a tracking token and a note for
//! staff on each order, and a retry time on inbound messages whose handling failed.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000003_messaging::InboundMessages;
use crate::m20261125_000004_orders::Orders;
use crate::support::{index, instant_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let columns = [
            (Orders::Table.into_iden(), string_len_null(Orders::TrackingToken, 32)),
            (Orders::Table.into_iden(), text_null(Orders::Attention)),
            (
                InboundMessages::Table.into_iden(),
                instant_null(InboundMessages::ProcessAfter),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(Table::alter().table(table).add_column(&mut column).to_owned())
                .await?;
        }
        index(
            manager,
            Orders::Table,
            "orders_tracking_token",
            vec![Orders::TrackingToken.into_iden()],
            true,
            None,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("uq_orders_tracking_token")
                    .table(Orders::Table)
                    .to_owned(),
            )
            .await?;
        let columns = [
            (Orders::Table.into_iden(), Orders::TrackingToken.into_iden()),
            (Orders::Table.into_iden(), Orders::Attention.into_iden()),
            (
                InboundMessages::Table.into_iden(),
                InboundMessages::ProcessAfter.into_iden(),
            ),
        ];
        for (table, column) in columns {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
