//! A business's delivery drivers.

use chrono::Utc;
use entity::{drivers, enums::Role, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};

use crate::{
    dto::{DriverDto, DriverInput},
    error::{ServiceError, Validator},
    services::{
        access::{Caller, Permission},
        recent::Answers,
    },
};

pub async fn list(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<DriverDto>, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let rows = drivers::Entity::find()
        .filter(drivers::Column::BusinessId.eq(caller.own_business()?))
        .order_by_asc(drivers::Column::Name)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(to_dto).collect())
}

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: DriverInput) -> Result<DriverDto, ServiceError> {
    caller.require(Permission::ManageUsers)?;
    let business_id = caller.own_business()?;
    let mut check = Validator::default();
    let name = check.required("name", input.name, 120);
    let phone = check.phone("phone", input.phone).unwrap_or_default();
    check.check(!phone.is_empty(), "phone", "this field is required");
    let vehicle = check.text("vehicle_info", input.vehicle_info, 120);
    check.finish()?;
    let login = sign_in_account(db, business_id, None, input.user_id.flatten()).await?;
    let driver = drivers::ActiveModel {
        business_id: Set(business_id),
        user_id: Set(login),
        name: Set(name),
        phone: Set(phone),
        vehicle_info: Set(vehicle),
        is_active: Set(input.is_active.unwrap_or(true)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(to_dto(driver))
}

/// Order lists show each delivery's driver, so a change empties the business's kept lists.
pub async fn update(
    db: &DatabaseConnection,
    answers: &Answers,
    caller: &Caller,
    id: i64,
    input: DriverInput,
) -> Result<DriverDto, ServiceError> {
    caller.require(Permission::ManageUsers)?;
    let driver = visible(db, caller, id).await?;
    let mut check = Validator::default();
    let name = check.text("name", input.name, 120);
    let phone = check.phone("phone", input.phone);
    let vehicle = check.text("vehicle_info", input.vehicle_info, 120);
    check.finish()?;
    let login = match input.user_id {
        Some(user_id) => Some(sign_in_account(db, driver.business_id, Some(driver.id), user_id).await?),
        None => None,
    };
    let mut active: drivers::ActiveModel = driver.into();
    if let Some(login) = login {
        active.user_id = Set(login);
    }
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(phone) = phone {
        active.phone = Set(phone);
    }
    if vehicle.is_some() {
        active.vehicle_info = Set(vehicle);
    }
    if let Some(is_active) = input.is_active {
        active.is_active = Set(is_active);
    }
    let driver = active.update(db).await?;
    answers.changed(driver.business_id);
    Ok(to_dto(driver))
}

pub async fn delete(db: &DatabaseConnection, answers: &Answers, caller: &Caller, id: i64) -> Result<(), ServiceError> {
    caller.require(Permission::ManageUsers)?;
    let driver = visible(db, caller, id).await?;
    let business_id = driver.business_id;
    driver.delete(db).await?;
    answers.changed(business_id);
    Ok(())
}

async fn visible(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<drivers::Model, ServiceError> {
    drivers::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|driver| caller.sees(driver.business_id))
        .ok_or(ServiceError::NotFound("driver"))
}

/// Checks that `user_id` is a `driver` account of the business that no other driver uses.
async fn sign_in_account(
    db: &DatabaseConnection,
    business_id: i64,
    driver_id: Option<i64>,
    user_id: Option<i64>,
) -> Result<Option<i64>, ServiceError> {
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let account = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|user| user.business_id == Some(business_id) && user.role == Role::Driver);
    if account.is_none() {
        return Err(ServiceError::field(
            "user_id",
            "choose one of the business's driver accounts",
        ));
    }
    let taken = drivers::Entity::find()
        .filter(drivers::Column::UserId.eq(user_id))
        .filter(drivers::Column::Id.ne(driver_id.unwrap_or(0)))
        .one(db)
        .await?;
    match taken {
        Some(other) => Err(ServiceError::field(
            "user_id",
            format!("{} already signs in with this account", other.name),
        )),
        None => Ok(Some(user_id)),
    }
}

fn to_dto(driver: drivers::Model) -> DriverDto {
    DriverDto {
        id: driver.id,
        name: driver.name,
        phone: driver.phone,
        vehicle_info: driver.vehicle_info,
        is_active: driver.is_active,
        user_id: driver.user_id,
    }
}
