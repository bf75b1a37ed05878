use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, fk, id, index, instant, instant_null, state};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Businesses::Table)
                    .col(id(Businesses::Id))
                    .col(string_len(Businesses::Name, 120))
                    .col(string_len_uniq(Businesses::ShortCode, 16))
                    .col(string_len_null(Businesses::Phone, 32))
                    .col(string_len_null(Businesses::Email, 254))
                    .col(text_null(Businesses::Address))
                    .col(string_len(Businesses::Currency, 3))
                    .col(string_len(Businesses::Timezone, 64))
                    .col(json_binary(Businesses::Settings))
                    .col(boolean(Businesses::IsActive).default(true))
                    .col(instant(Businesses::CreatedAt))
                    .col(instant(Businesses::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id(Users::Id))
                    .col(big_integer_null(Users::BusinessId))
                    .col(string_len(Users::Username, 64))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::PasswordHash, 255))
                    .col(state(Users::Role))
                    .col(boolean(Users::IsActive).default(true))
                    .col(boolean(Users::MustChangePassword).default(false))
                    .col(instant_null(Users::LastLoginAt))
                    .col(instant(Users::CreatedAt))
                    .col(instant(Users::UpdatedAt))
                    .foreign_key(&mut fk(
                        Users::Table,
                        Users::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Users::Table,
            "users_business",
            vec![Users::BusinessId.into_iden()],
            false,
            None,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![Users::Table.into_iden(), Businesses::Table.into_iden()]).await
    }
}

#[derive(DeriveIden, Clone)]
pub enum Businesses {
    Table,
    Id,
    Name,
    ShortCode,
    Phone,
    Email,
    Address,
    Currency,
    Timezone,
    Settings,
    IsActive,
    CreatedAt,
    UpdatedAt,
    Description,
}

#[derive(DeriveIden, Clone)]
pub enum Users {
    Table,
    Id,
    BusinessId,
    Username,
    Email,
    PasswordHash,
    Role,
    IsActive,
    MustChangePassword,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}
