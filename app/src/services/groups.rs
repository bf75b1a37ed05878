//! WhatsApp groups linked to a business.

use chrono::Utc;
use entity::{enums::GroupKind, groups};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};

use crate::{
    dto::{GroupDto, GroupInput},
    error::{ServiceError, Validator},
    services::access::{Caller, Permission},
};

const TAKEN: &str = "this WhatsApp group is already linked";

pub async fn list(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<GroupDto>, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let rows = groups::Entity::find()
        .filter(groups::Column::BusinessId.eq(caller.own_business()?))
        .order_by_asc(groups::Column::Name)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(to_dto).collect())
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: GroupInput) -> Result<GroupDto, ServiceError> {
    caller.require(Permission::ManageSettings)?;
    let business_id = caller.own_business()?;
    let mut check = Validator::default();
    let chat = check.required("whatsapp_group_id", input.whatsapp_group_id, 128);
    check.check(
        chat.is_empty() || chat.ends_with("@g.us"),
        "whatsapp_group_id",
        "a group id ends in @g.us",
    );
    let name = check.required("name", input.name, 120);
    check.finish()?;
    let group = groups::ActiveModel {
        business_id: Set(business_id),
        whatsapp_group_id: Set(chat),
        name: Set(name),
        kind: Set(input.kind.unwrap_or(GroupKind::Orders)),
        is_active: Set(input.is_active.unwrap_or(true)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| ServiceError::unique(e, TAKEN))?;
    Ok(to_dto(group))
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i64,
    input: GroupInput,
) -> Result<GroupDto, ServiceError> {
    caller.require(Permission::ManageSettings)?;
    let group = visible(db, caller, id).await?;
    let mut check = Validator::default();
    check.check(
        input.whatsapp_group_id.is_none(),
        "whatsapp_group_id",
        "link the other group as a new one instead",
    );
    let name = check.text("name", input.name, 120);
    check.finish()?;
    let mut active: groups::ActiveModel = group.into();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(kind) = input.kind {
        active.kind = Set(kind);
    }
    if let Some(is_active) = input.is_active {
        active.is_active = Set(is_active);
    }
    Ok(to_dto(active.update(db).await?))
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<(), ServiceError> {
    caller.require(Permission::ManageSettings)?;
    visible(db, caller, id).await?.delete(db).await?;
    Ok(())
}

async fn visible(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<groups::Model, ServiceError> {
    groups::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|group| caller.sees(group.business_id))
        .ok_or(ServiceError::NotFound("group"))
}

fn to_dto(group: groups::Model) -> GroupDto {
    GroupDto {
        id: group.id,
        whatsapp_group_id: group.whatsapp_group_id,
        name: group.name,
        kind: group.kind,
        is_active: group.is_active,
    }
}
