//! The people of a business: invitations with one-time passwords, deactivation, and changing
//! one's own password.

use chrono::Utc;
use entity::{drivers, enums::Role, users};
use rand::{Rng, distr::Alphanumeric};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};
use serde_json::json;

use crate::{
    dto::{Invitation, Invited, PasswordChange, UserDto},
    error::{ServiceError, Validator},
    services::{
        access::{Caller, Permission},
        actor::User,
        audit::{self, AuditEntry},
        auth,
        callers::Callers,
        passwords,
    },
};

/// Users of the caller's business; a platform admin may name any business, or none for all.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    business_id: Option<i64>,
) -> Result<Vec<UserDto>, ServiceError> {
    caller.require(Permission::ManageUsers)?;
    let mut query = users::Entity::find().order_by_asc(users::Column::Id);
    if let Some(business_id) = caller.business_scope(business_id) {
        query = query.filter(users::Column::BusinessId.eq(business_id));
    }
    Ok(query.all(db).await?.iter().map(to_dto).collect())
}

/// The signed-in user.
pub async fn current(db: &DatabaseConnection, caller: &Caller) -> Result<UserDto, ServiceError> {
    let user = users::Entity::find_by_id(caller.user_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    Ok(to_dto(&user))
}

pub async fn invite(db: &DatabaseConnection, by: &User, invitation: Invitation) -> Result<Invited, ServiceError> {
    let caller = &by.caller;
    caller.require(Permission::ManageUsers)?;
    let business_id = caller.own_business()?;
    let email = invitation.email.trim().to_lowercase();
    let mut check = Validator::default();
    check.check(auth::is_email(&email), "email", "enter a valid email address");
    let username = check.required("username", Some(invitation.username), 64);
    check.check(username.chars().count() >= 3, "username", "use 3 to 64 characters");
    check.check(
        matches!(invitation.role, Role::Staff | Role::Driver),
        "role",
        "invite staff or a driver",
    );
    check.finish()?;
    if users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .count(db)
        .await?
        > 0
    {
        return Err(ServiceError::Conflict(
            "an account with this email already exists".into(),
        ));
    }
    let one_time_password: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect();
    let now = Utc::now();
    let txn = crate::services::transaction::begin(db).await?;
    let user = users::ActiveModel {
        business_id: Set(Some(business_id)),
        username: Set(username),
        email: Set(email),
        password_hash: Set(passwords::hash(one_time_password.clone()).await?),
        role: Set(invitation.role),
        is_active: Set(true),
        must_change_password: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| ServiceError::unique(e, "an account with this email already exists"))?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(business_id),
            actor_user_id: Some(caller.user_id),
            action: "user_invited",
            entity_type: "user",
            entity_id: Some(user.id),
            after: Some(json!({ "email": user.email, "role": user.role })),
            ip: by.ip.clone(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Invited {
        user: to_dto(&user),
        one_time_password,
    })
}

/// Turns a user's access on or off; nobody can lock themselves out.
pub async fn set_active(
    db: &DatabaseConnection,
    callers: &Callers,
    by: &User,
    id: i64,
    active: bool,
) -> Result<UserDto, ServiceError> {
    let caller = &by.caller;
    let user = managed(db, caller, id).await?;
    if user.id == caller.user_id {
        return Err(ServiceError::Conflict("you cannot deactivate your own account".into()));
    }
    let before = user.is_active;
    let mut model: users::ActiveModel = user.into();
    model.is_active = Set(active);
    model.updated_at = Set(Utc::now());
    let txn = crate::services::transaction::begin(db).await?;
    let user = model.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: user.business_id,
            actor_user_id: Some(caller.user_id),
            action: if active { "user_activated" } else { "user_deactivated" },
            entity_type: "user",
            entity_id: Some(user.id),
            before: Some(json!({ "is_active": before })),
            after: Some(json!({ "is_active": active })),
            ip: by.ip.clone(),
        },
    )
    .await?;
    txn.commit().await?;
    callers.forget(user.id);
    Ok(to_dto(&user))
}

/// Gives a member of a business another job. Nobody changes their own role, a business keeps
/// at least one active owner, and a driver account that stops being one is unlinked from its
/// driver.
pub async fn set_role(
    db: &DatabaseConnection,
    callers: &Callers,
    by: &User,
    id: i64,
    role: Role,
) -> Result<UserDto, ServiceError> {
    let caller = &by.caller;
    let user = managed(db, caller, id).await?;
    if user.id == caller.user_id {
        return Err(ServiceError::Conflict("you cannot change your own role".into()));
    }
    if !matches!(role, Role::Owner | Role::Staff | Role::Driver) {
        return Err(ServiceError::field("role", "choose owner, staff or driver"));
    }
    let Some(business_id) = user.business_id else {
        return Err(ServiceError::Conflict(
            "a platform admin has no role in a business".into(),
        ));
    };
    let txn = crate::services::transaction::begin(db).await?;
    if user.role == Role::Owner && role != Role::Owner {
        // Locked, so two owners demoting each other at once cannot both pass this check.
        let owners = users::Entity::find()
            .filter(users::Column::BusinessId.eq(business_id))
            .filter(users::Column::Role.eq(Role::Owner))
            .filter(users::Column::IsActive.eq(true))
            .filter(users::Column::Id.ne(user.id))
            .lock_exclusive()
            .all(&txn)
            .await?;
        if owners.is_empty() {
            return Err(ServiceError::Conflict(
                "a business needs an active owner; make someone else owner first".into(),
            ));
        }
    }
    if user.role == Role::Driver && role != Role::Driver {
        drivers::Entity::update_many()
            .col_expr(drivers::Column::UserId, Expr::value(Option::<i64>::None))
            .filter(drivers::Column::UserId.eq(user.id))
            .exec(&txn)
            .await?;
    }
    let before = user.role;
    let mut model: users::ActiveModel = user.into();
    model.role = Set(role);
    model.updated_at = Set(Utc::now());
    let user = model.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(business_id),
            actor_user_id: Some(caller.user_id),
            action: "user_role_changed",
            entity_type: "user",
            entity_id: Some(user.id),
            before: Some(json!({ "role": before })),
            after: Some(json!({ "role": role })),
            ip: by.ip.clone(),
        },
    )
    .await?;
    txn.commit().await?;
    callers.forget(user.id);
    Ok(to_dto(&user))
}

/// A user the caller manages: one of their business's, or anyone's for a platform admin.
async fn managed(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<users::Model, ServiceError> {
    caller.require(Permission::ManageUsers)?;
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|user| user.business_id.is_some_and(|b| caller.sees(b)) || caller.may(Permission::Platform))
        .ok_or(ServiceError::NotFound("user"))
}

pub async fn change_password(
    db: &DatabaseConnection,
    callers: &Callers,
    by: &User,
    change: PasswordChange,
) -> Result<(), ServiceError> {
    let caller = &by.caller;
    let user = users::Entity::find_by_id(caller.user_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    let mut check = Validator::default();
    check.check(
        (8..=128).contains(&change.new_password.chars().count()),
        "new_password",
        "use 8 to 128 characters",
    );
    check.check(
        change.new_password != change.current_password,
        "new_password",
        "choose a different password",
    );
    check.finish()?;
    if !passwords::verify(change.current_password, user.password_hash.clone()).await? {
        return Err(ServiceError::field(
            "current_password",
            "this is not your current password",
        ));
    }
    let mut model: users::ActiveModel = user.clone().into();
    model.password_hash = Set(passwords::hash(change.new_password).await?);
    model.must_change_password = Set(false);
    model.updated_at = Set(Utc::now());
    let txn = crate::services::transaction::begin(db).await?;
    model.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: user.business_id,
            actor_user_id: Some(user.id),
            action: "password_changed",
            entity_type: "user",
            entity_id: Some(user.id),
            ip: by.ip.clone(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    callers.forget(user.id);
    Ok(())
}

pub fn to_dto(user: &users::Model) -> UserDto {
    UserDto {
        id: user.id,
        business_id: user.business_id,
        username: user.username.clone(),
        email: user.email.clone(),
        role: user.role,
        is_active: user.is_active,
        must_change_password: user.must_change_password,
        last_login_at: user.last_login_at,
        created_at: user.created_at,
    }
}
