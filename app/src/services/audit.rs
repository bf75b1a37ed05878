//! The audit log: who did what to which row, with the row before and after.

use chrono::Utc;
use entity::audit_events;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::Value;

use crate::error::ServiceError;

#[derive(Debug, Default)]
pub struct AuditEntry {
    pub business_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub ip: Option<String>,
}

/// Writes one entry; pass the transaction of the change so both commit or neither does.
pub async fn record(db: &impl ConnectionTrait, entry: AuditEntry) -> Result<(), ServiceError> {
    row(entry).insert(db).await?;
    Ok(())
}

/// The entry as a row to insert, for writing several at once.
pub fn row(entry: AuditEntry) -> audit_events::ActiveModel {
    audit_events::ActiveModel {
        business_id: Set(entry.business_id),
        actor_user_id: Set(entry.actor_user_id),
        action: Set(entry.action.to_string()),
        entity_type: Set(entry.entity_type.to_string()),
        entity_id: Set(entry.entity_id),
        before: Set(entry.before),
        after: Set(entry.after),
        ip: Set(entry.ip),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
}
