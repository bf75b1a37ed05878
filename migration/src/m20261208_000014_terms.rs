//! An order's terms: collected at the shop or delivered, how the customer pays, and the note a
//! cash payment needs change for (minor units).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000004_orders::Orders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            string_len(Orders::Fulfilment, 24).default("delivery").to_owned(),
            string_len_null(Orders::PaymentMethod, 24),
            big_integer_null(Orders::CashChangeFor),
        ];
        for mut column in columns {
            manager
                .alter_table(Table::alter().table(Orders::Table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Orders::CashChangeFor, Orders::PaymentMethod, Orders::Fulfilment] {
            manager
                .alter_table(Table::alter().table(Orders::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
