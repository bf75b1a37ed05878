//! Accounts and sessions: registration, sign-in with argon2id, and JWTs (HS256, 24 h, issuer and
//! audience checked, algorithm pinned) that name a still-active user.

use std::sync::Arc;

use chrono::{Duration, Utc};
use entity::{businesses, enums::Role, users};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::{
    dto::{BusinessSettings, Registration},
    error::{ServiceError, Validator},
    services::{
        access::Caller,
        audit::{self, AuditEntry},
        callers::Callers,
        passwords,
    },
};

pub const SESSION_HOURS: i64 = 24;
const ISSUER: &str = "novi";
const AUDIENCE: &str = "novi";
const BAD_CREDENTIALS: &str = "email or password is incorrect";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: Role,
    bid: Option<i64>,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

/// The signing and checking keys, shared by every request.
#[derive(Clone)]
pub struct TokenKeys(Arc<Keys>);

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        // Only HS256 is accepted, whatever a token's header claims (no `none`, no RS/HS mix-up).
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 30;
        Self(Arc::new(Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }))
    }

    pub fn issue(&self, user: &users::Model) -> Result<String, ServiceError> {
        let now = Utc::now();
        let claims = Claims {
            sub: user.id.to_string(),
            role: user.role,
            bid: user.business_id,
            iat: now.timestamp(),
            exp: (now + Duration::hours(SESSION_HOURS)).timestamp(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.0.encoding)
            .map_err(|error| ServiceError::Internal(format!("cannot sign a token: {error}")))
    }

    /// The user a validly signed, unexpired token names; nothing else is checked.
    pub fn user_id(&self, token: &str) -> Result<i64, ServiceError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.0.decoding, &self.0.validation)
            .map_err(|_| ServiceError::Unauthorized("the session token is invalid or expired"))?;
        data.claims
            .sub
            .parse()
            .map_err(|_| ServiceError::Unauthorized("the session token is invalid or expired"))
    }
}

/// The name of the dashboard's session cookie.
pub const SESSION_COOKIE: &str = "novi_session";

/// The `Set-Cookie` value of the dashboard's session: HttpOnly so scripts cannot read it,
/// SameSite=Lax against CSRF, `Secure` over HTTPS. An empty token with age 0 ends it.
pub fn session_cookie(token: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

/// The session token of a request: `Authorization: Bearer …`, else the session cookie.
pub fn token_from_headers(headers: &axum::http::HeaderMap) -> Option<String> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_string());
    bearer.or_else(|| {
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == SESSION_COOKIE && !value.is_empty()).then(|| value.to_string())
            })
    })
}

/// Checks a token and that its account (and business) may still act, as of at most
/// `callers::FRESH` ago.
pub async fn authenticate(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    callers: &Callers,
    token: &str,
) -> Result<Caller, ServiceError> {
    let user_id = keys.user_id(token)?;
    let generation = match callers.recall(user_id) {
        Ok(caller) => return Ok(caller),
        Err(generation) => generation,
    };
    // One query for the user and their business: every authenticated request pays for it.
    let (user, business) = users::Entity::find_by_id(user_id)
        .find_also_related(businesses::Entity)
        .one(db)
        .await?
        .filter(|(user, _)| user.is_active)
        .ok_or(ServiceError::Unauthorized("this account is no longer active"))?;
    if !business_allows(&user, business.as_ref()) {
        return Err(ServiceError::Unauthorized("this business is deactivated"));
    }
    let caller = Caller {
        user_id: user.id,
        business_id: user.business_id,
        role: user.role,
        must_change_password: user.must_change_password,
    };
    callers.remember(generation, caller);
    Ok(caller)
}

async fn business_active(db: &DatabaseConnection, user: &users::Model) -> Result<bool, ServiceError> {
    let business = match user.business_id {
        Some(id) => businesses::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    Ok(business_allows(user, business.as_ref()))
}

/// Platform admins have no business; everyone else needs theirs to be active.
fn business_allows(user: &users::Model, business: Option<&businesses::Model>) -> bool {
    user.business_id.is_none() || business.is_some_and(|business| business.is_active)
}

/// Creates a business and its owner.
pub async fn register(db: &DatabaseConnection, request: Registration) -> Result<users::Model, ServiceError> {
    let email = request.email.trim().to_lowercase();
    let username = request.username.trim().to_string();
    let business_name = request.business_name.trim().to_string();
    let mut check = Validator::default();
    check
        .check(
            (3..=64).contains(&username.chars().count())
                && username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "username",
            "use 3 to 64 letters, digits, dots, dashes or underscores",
        )
        .check(is_email(&email), "email", "enter a valid email address")
        .check(
            (8..=128).contains(&request.password.chars().count()),
            "password",
            "use 8 to 128 characters",
        )
        .check(
            (2..=120).contains(&business_name.chars().count()),
            "business_name",
            "use 2 to 120 characters",
        );
    check.finish()?;

    let taken = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .count(db)
        .await?
        > 0;
    if taken {
        return Err(ServiceError::Conflict(
            "an account with this email already exists".into(),
        ));
    }
    let password_hash = passwords::hash(request.password).await?;
    let short_code = free_short_code(db, &business_name).await?;
    let now = Utc::now();
    let txn = crate::services::transaction::begin(db).await?;
    let business = businesses::ActiveModel {
        name: Set(business_name),
        description: Set(None),
        short_code: Set(short_code),
        currency: Set("USD".into()),
        timezone: Set("UTC".into()),
        settings: Set(serde_json::to_value(BusinessSettings::default())
            .map_err(|error| ServiceError::Internal(error.to_string()))?),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_unique)?;
    let user = users::ActiveModel {
        business_id: Set(Some(business.id)),
        username: Set(username),
        email: Set(email),
        password_hash: Set(password_hash),
        role: Set(Role::Owner),
        is_active: Set(true),
        must_change_password: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_unique)?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(business.id),
            actor_user_id: Some(user.id),
            action: "register",
            entity_type: "user",
            entity_id: Some(user.id),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// Signs in. An unknown email and a wrong password take the same time and give the same answer.
pub async fn login(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    email: &str,
    password: String,
    ip: Option<String>,
) -> Result<(String, users::Model), ServiceError> {
    let email = email.trim().to_lowercase();
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(db)
        .await?;
    let hash = match &user {
        Some(user) => user.password_hash.clone(),
        None => decoy_hash().await?,
    };
    let matches = passwords::verify(password, hash).await?;
    match user {
        Some(user) if matches && user.is_active && business_active(db, &user).await? => {
            let mut active: users::ActiveModel = user.clone().into();
            active.last_login_at = Set(Some(Utc::now()));
            let user = active.update(db).await?;
            audit::record(db, login_entry("login", &user, ip)).await?;
            Ok((keys.issue(&user)?, user))
        }
        Some(user) => {
            audit::record(db, login_entry("login_failed", &user, ip)).await?;
            Err(ServiceError::Unauthorized(BAD_CREDENTIALS))
        }
        None => {
            audit::record(
                db,
                AuditEntry {
                    action: "login_failed",
                    entity_type: "user",
                    ip,
                    ..Default::default()
                },
            )
            .await?;
            Err(ServiceError::Unauthorized(BAD_CREDENTIALS))
        }
    }
}

impl From<&users::Model> for crate::dto::UserSummary {
    fn from(user: &users::Model) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            role: user.role,
            business_id: user.business_id,
        }
    }
}

fn login_entry(action: &'static str, user: &users::Model, ip: Option<String>) -> AuditEntry {
    AuditEntry {
        business_id: user.business_id,
        actor_user_id: Some(user.id),
        action,
        entity_type: "user",
        entity_id: Some(user.id),
        ip,
        ..Default::default()
    }
}

/// A hash to check unknown emails against, so they cost as much as known ones.
async fn decoy_hash() -> Result<String, ServiceError> {
    static DECOY: OnceCell<String> = OnceCell::const_new();
    DECOY
        .get_or_try_init(|| passwords::hash("novi-decoy-password".into()))
        .await
        .cloned()
}

pub fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
}

/// PIZZA001 for "Pizza Palace": up to five letters of the name and the first free number.
async fn free_short_code(db: &DatabaseConnection, name: &str) -> Result<String, ServiceError> {
    let mut prefix: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(5)
        .collect::<String>()
        .to_uppercase();
    while prefix.len() < 3 {
        prefix.push('X');
    }
    let taken = businesses::Entity::find()
        .filter(businesses::Column::ShortCode.starts_with(&prefix))
        .count(db)
        .await?;
    let mut number = taken + 1;
    loop {
        let code = format!("{prefix}{number:03}");
        if businesses::Entity::find()
            .filter(businesses::Column::ShortCode.eq(&code))
            .count(db)
            .await?
            == 0
        {
            return Ok(code);
        }
        number += 1;
    }
}

fn conflict_on_unique(error: DbErr) -> ServiceError {
    ServiceError::unique(error, "an account with this email already exists")
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn recognises_email_addresses() {
        assert!(is_email("owner@pizzapalace.example"));
        for bad in [
            "",
            "owner",
            "owner@",
            "@example.com",
            "a b@example.com",
            "a@b",
            "a@.com",
            "a@b@c.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
