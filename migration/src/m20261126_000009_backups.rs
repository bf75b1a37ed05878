//! One row per scheduled backup: when it ran, what it wrote and whether restoring it into a
//! scratch database gave back the same rows. Kept in the database rather than beside the
//! archives so every instance agrees on when the next one is due, and restarts do not reset it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{id, index, instant, instant_null, state};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BackupRuns::Table)
                    .col(id(BackupRuns::Id))
                    .col(state(BackupRuns::Status))
                    .col(instant(BackupRuns::StartedAt))
                    .col(instant_null(BackupRuns::FinishedAt))
                    .col(string_len_null(BackupRuns::Archive, 255))
                    .col(big_integer_null(BackupRuns::SizeBytes))
                    .col(big_integer_null(BackupRuns::Rows))
                    .col(text_null(BackupRuns::Error))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            BackupRuns::Table,
            "backup_runs_started_at",
            vec![BackupRuns::StartedAt.into_iden()],
            false,
            None,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BackupRuns::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone)]
enum BackupRuns {
    Table,
    Id,
    Status,
    StartedAt,
    FinishedAt,
    Archive,
    SizeBytes,
    Rows,
    Error,
}
