use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_tenancy::Businesses;
use crate::support::{drop_tables, fk, id, index, instant, instant_null, state};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(id(Products::Id))
                    .col(big_integer(Products::BusinessId))
                    .col(string_len(Products::Name, 120))
                    .col(string_len_null(Products::Category, 80))
                    .col(text_null(Products::Description))
                    .col(big_integer(Products::BasePrice).check(Expr::col(Products::BasePrice).gte(0)))
                    .col(json_binary(Products::Variants))
                    .col(json_binary(Products::Modifiers))
                    .col(json_binary(Products::Aliases))
                    .col(boolean(Products::IsAvailable).default(true))
                    .col(integer(Products::SortOrder).default(0))
                    .col(instant(Products::CreatedAt))
                    .col(instant(Products::UpdatedAt))
                    .foreign_key(&mut fk(
                        Products::Table,
                        Products::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Products::Table,
            "products_business_name",
            vec![Products::BusinessId.into_iden(), Products::Name.into_iden()],
            true,
            None,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(id(Customers::Id))
                    .col(big_integer(Customers::BusinessId))
                    .col(string_len(Customers::Phone, 32))
                    .col(string_len_null(Customers::Name, 120))
                    .col(text_null(Customers::DefaultAddress))
                    .col(instant(Customers::CreatedAt))
                    .col(instant_null(Customers::LastOrderAt))
                    .foreign_key(&mut fk(
                        Customers::Table,
                        Customers::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Customers::Table,
            "customers_business_phone",
            vec![Customers::BusinessId.into_iden(), Customers::Phone.into_iden()],
            true,
            None,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Groups::Table)
                    .col(id(Groups::Id))
                    .col(big_integer(Groups::BusinessId))
                    .col(string_len(Groups::WhatsappGroupId, 128))
                    .col(string_len(Groups::Name, 120))
                    .col(state(Groups::Kind))
                    .col(boolean(Groups::IsActive).default(true))
                    .col(instant(Groups::CreatedAt))
                    .foreign_key(&mut fk(
                        Groups::Table,
                        Groups::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Groups::Table,
            "groups_business_chat",
            vec![Groups::BusinessId.into_iden(), Groups::WhatsappGroupId.into_iden()],
            true,
            None,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Groups::Table.into_iden(),
                Customers::Table.into_iden(),
                Products::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
pub enum Products {
    Table,
    Id,
    BusinessId,
    Name,
    Category,
    Description,
    BasePrice,
    Variants,
    Modifiers,
    Aliases,
    IsAvailable,
    SortOrder,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum Customers {
    Table,
    Id,
    BusinessId,
    Phone,
    Name,
    DefaultAddress,
    CreatedAt,
    LastOrderAt,
}

#[derive(DeriveIden, Clone)]
pub enum Groups {
    Table,
    Id,
    BusinessId,
    WhatsappGroupId,
    Name,
    Kind,
    IsActive,
    CreatedAt,
}
