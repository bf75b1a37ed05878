use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_tenancy::{Businesses, Users};
use crate::support::{drop_tables, fk, id, index, instant};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(id(AuditEvents::Id))
                    .col(big_integer_null(AuditEvents::BusinessId))
                    .col(big_integer_null(AuditEvents::ActorUserId))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(string_len(AuditEvents::EntityType, 64))
                    .col(big_integer_null(AuditEvents::EntityId))
                    .col(json_binary_null(AuditEvents::Before))
                    .col(json_binary_null(AuditEvents::After))
                    .col(string_len_null(AuditEvents::Ip, 64))
                    .col(instant(AuditEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        AuditEvents::Table,
                        AuditEvents::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        AuditEvents::Table,
                        AuditEvents::ActorUserId,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            AuditEvents::Table,
            "audit_business_created",
            vec![AuditEvents::BusinessId.into_iden(), AuditEvents::CreatedAt.into_iden()],
            false,
            None,
        )
        .await?;
        index(
            manager,
            AuditEvents::Table,
            "audit_entity",
            vec![AuditEvents::EntityType.into_iden(), AuditEvents::EntityId.into_iden()],
            false,
            None,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![AuditEvents::Table.into_iden()]).await
    }
}

#[derive(DeriveIden, Clone)]
pub enum AuditEvents {
    Table,
    Id,
    BusinessId,
    ActorUserId,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    Ip,
    CreatedAt,
}
