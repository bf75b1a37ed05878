//! The platform admin's view across businesses.

use chrono::Utc;
use entity::businesses;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, QueryOrder, Set};
use serde_json::json;

use crate::{
    dto::BusinessSummary,
    error::ServiceError,
    services::{
        access::{Caller, Permission},
        actor::User,
        audit::{self, AuditEntry},
        callers::Callers,
    },
};

pub async fn businesses(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<BusinessSummary>, ServiceError> {
    caller.require(Permission::Platform)?;
    let rows = businesses::Entity::find()
        .order_by_asc(businesses::Column::Id)
        .all(db)
        .await?;
    Ok(rows.iter().map(summary).collect())
}

/// A deactivated business's users can no longer sign in or use their sessions.
pub async fn set_business_active(
    db: &DatabaseConnection,
    callers: &Callers,
    user: &User,
    id: i64,
    active: bool,
) -> Result<BusinessSummary, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::Platform)?;
    let business = businesses::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    let before = business.is_active;
    let mut model: businesses::ActiveModel = business.into();
    model.is_active = Set(active);
    model.updated_at = Set(Utc::now());
    let txn = crate::services::transaction::begin(db).await?;
    let business = model.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(business.id),
            actor_user_id: Some(caller.user_id),
            action: if active {
                "business_activated"
            } else {
                "business_deactivated"
            },
            entity_type: "business",
            entity_id: Some(business.id),
            before: Some(json!({ "is_active": before })),
            after: Some(json!({ "is_active": active })),
            ip: user.ip.clone(),
        },
    )
    .await?;
    txn.commit().await?;
    callers.forget_all();
    Ok(summary(&business))
}

fn summary(business: &businesses::Model) -> BusinessSummary {
    BusinessSummary {
        id: business.id,
        name: business.name.clone(),
        short_code: business.short_code.clone(),
        is_active: business.is_active,
        created_at: business.created_at,
    }
}
