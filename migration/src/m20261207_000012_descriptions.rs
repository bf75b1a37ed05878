//! A business's description (the seed document's `businesses.description`): a line or two
//! about the shop, shown with its name.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_tenancy::Businesses;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Businesses::Table)
                    .add_column(text_null(Businesses::Description))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Businesses::Table)
                    .drop_column(Businesses::Description)
                    .to_owned(),
            )
            .await
    }
}
