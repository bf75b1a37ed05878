use sea_orm::entity::prelude::*;

use crate::enums::BackupStatus;

/// One scheduled backup: the archive it wrote (a file name in `BACKUP_DIR`) and the rows that
/// restoring it into a scratch database gave back, or why it failed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "backup_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub status: BackupStatus,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub archive: Option<String>,
    pub size_bytes: Option<i64>,
    pub rows: Option<i64>,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
