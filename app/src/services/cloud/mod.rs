//! The WhatsApp Cloud API route: a business's account with Meta (its number's id, the access
//! token and app secret sealed at rest, the webhook's verify token, the approved template for
//! replies outside the 24-hour window), the webhook Meta calls (`webhook`), and the window rule
//! the sender follows. Everything after the transport (inbound log, parser, orders, outbox)
//! is the same as for WhatsApp Web.

pub mod webhook;

use chrono::{DateTime, Duration, Utc};
use entity::{enums::Transport, inbound_messages, whatsapp_cloud_accounts as accounts};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TryIntoModel,
};
use serde_json::json;

use crate::{
    dto::{CloudAccountInput, CloudAccountView},
    error::{ServiceError, Validator},
    services::{
        access::{Caller, Permission},
        actor::User,
        audit::{self, AuditEntry},
        secrets::SecretBox,
    },
};

/// How long after a customer's last message a business may answer them freely.
pub const SERVICE_WINDOW: Duration = Duration::hours(24);

/// An account as the webhook and the sender use it, its credentials opened.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub business_id: i64,
    pub phone_number_id: String,
    pub access_token: String,
    pub app_secret: String,
    pub verify_token: String,
    /// The approved template (name, language) for replies outside the window.
    pub template: Option<(String, String)>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("business_id", &self.business_id)
            .field("phone_number_id", &self.phone_number_id)
            .finish_non_exhaustive()
    }
}

pub async fn view(db: &DatabaseConnection, caller: &Caller) -> Result<Option<CloudAccountView>, ServiceError> {
    caller.require(Permission::ManageSettings)?;
    Ok(own(db, caller).await?.as_ref().map(to_view))
}

/// Sets the business's Cloud API account; the access token and app secret may be left out to
/// keep the stored ones.
pub async fn configure(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    user: &User,
    settings: CloudAccountInput,
) -> Result<CloudAccountView, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageSettings)?;
    let business_id = caller.own_business()?;
    let existing = own(db, caller).await?;
    let mut check = Validator::default();
    let number = check.required("phone_number_id", Some(settings.phone_number_id), 64);
    check.check(
        number.is_empty() || number.chars().all(|c| c.is_ascii_digit()),
        "phone_number_id",
        "the phone number id Meta shows is all digits",
    );
    let verify_token = check.required("verify_token", Some(settings.verify_token), 128);
    check.check(
        verify_token.is_empty() || verify_token.chars().count() >= 8,
        "verify_token",
        "use at least 8 characters",
    );
    let access_token = check.text("access_token", settings.access_token, 1024);
    let app_secret = check.text("app_secret", settings.app_secret, 256);
    if existing.is_none() {
        check.check(access_token.is_some(), "access_token", "this field is required");
        check.check(app_secret.is_some(), "app_secret", "this field is required");
    }
    let template_name = check.text("template_name", settings.template_name, 128);
    check.check(
        template_name.as_deref().is_none_or(|name| {
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        }),
        "template_name",
        "template names are lower-case letters, digits and _",
    );
    let template_language = check.text("template_language", settings.template_language, 16);
    check.check(
        template_name.is_none() || template_language.is_some(),
        "template_language",
        "give the template's language, such as en_US",
    );
    check.finish()?;

    let now = Utc::now();
    let mut row = match existing {
        Some(row) => row.into(),
        None => accounts::ActiveModel {
            business_id: Set(business_id),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.phone_number_id = Set(number.clone());
    row.verify_token = Set(verify_token);
    if let Some(token) = access_token {
        row.access_token = Set(secrets.seal(&token));
    }
    if let Some(secret) = app_secret {
        row.app_secret = Set(secrets.seal(&secret));
    }
    row.template_name = Set(template_name.clone());
    row.template_language = Set(template_name.and(template_language));
    row.updated_at = Set(now);
    let txn = crate::services::transaction::begin(db).await?;
    let saved = row
        .save(&txn)
        .await
        .map_err(|error| ServiceError::unique(error, "this phone number id belongs to another business"))?;
    let saved: accounts::Model = saved.try_into_model()?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(business_id),
            actor_user_id: Some(caller.user_id),
            action: "whatsapp_cloud_configured",
            entity_type: "business",
            entity_id: Some(business_id),
            after: Some(json!({ "phone_number_id": number })),
            ip: user.ip.clone(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(to_view(&saved))
}

/// Takes the business off the Cloud API; its stored credentials are deleted.
pub async fn remove(db: &DatabaseConnection, user: &User) -> Result<(), ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageSettings)?;
    let account = own(db, caller)
        .await?
        .ok_or(ServiceError::NotFound("Cloud API account"))?;
    let txn = crate::services::transaction::begin(db).await?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(account.business_id),
            actor_user_id: Some(caller.user_id),
            action: "whatsapp_cloud_removed",
            entity_type: "business",
            entity_id: Some(account.business_id),
            before: Some(json!({ "phone_number_id": account.phone_number_id })),
            ip: user.ip.clone(),
            ..Default::default()
        },
    )
    .await?;
    account.delete(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Every configured account, credentials opened. One that cannot be opened (the key changed)
/// is left out with an error in the log.
pub async fn accounts(db: &DatabaseConnection, secrets: &SecretBox) -> Result<Vec<Account>, ServiceError> {
    let rows = accounts::Entity::find()
        .order_by_asc(accounts::Column::BusinessId)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let opened = secrets
                .open(&row.access_token)
                .and_then(|token| Ok((token, secrets.open(&row.app_secret)?)));
            match opened {
                Ok((access_token, app_secret)) => Some(Account {
                    business_id: row.business_id,
                    phone_number_id: row.phone_number_id,
                    access_token,
                    app_secret,
                    verify_token: row.verify_token,
                    template: row.template_name.zip(row.template_language),
                }),
                Err(error) => {
                    tracing::error!(business = row.business_id, %error, "cannot open the Cloud API credentials");
                    None
                }
            }
        })
        .collect())
}

/// The businesses on the Cloud API.
pub async fn business_ids(db: &DatabaseConnection) -> Result<Vec<i64>, ServiceError> {
    Ok(accounts::Entity::find()
        .select_only()
        .column(accounts::Column::BusinessId)
        .into_tuple()
        .all(db)
        .await?)
}

/// Whether some business set this verify token, compared in constant time.
pub async fn knows_verify_token(db: &DatabaseConnection, token: &str) -> Result<bool, ServiceError> {
    let tokens: Vec<String> = accounts::Entity::find()
        .select_only()
        .column(accounts::Column::VerifyToken)
        .into_tuple()
        .all(db)
        .await?;
    Ok(tokens
        .iter()
        .fold(false, |known, stored| known | same(stored.as_bytes(), token.as_bytes())))
}

/// Equal bytes, in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// Whether the customer wrote to the business in the last 24 hours, so a free-form reply may
/// go to them; past that WhatsApp accepts only approved templates.
pub async fn within_window(
    db: &DatabaseConnection,
    business_id: i64,
    chat_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let last = inbound_messages::Entity::find()
        .filter(inbound_messages::Column::BusinessId.eq(business_id))
        .filter(inbound_messages::Column::Transport.eq(Transport::Cloud))
        .filter(inbound_messages::Column::ChatId.eq(chat_id))
        .order_by_desc(inbound_messages::Column::SentAt)
        .one(db)
        .await?;
    Ok(last.is_some_and(|message| now - message.sent_at < SERVICE_WINDOW))
}

async fn own(db: &DatabaseConnection, caller: &Caller) -> Result<Option<accounts::Model>, ServiceError> {
    Ok(accounts::Entity::find()
        .filter(accounts::Column::BusinessId.eq(caller.own_business()?))
        .one(db)
        .await?)
}

fn to_view(row: &accounts::Model) -> CloudAccountView {
    CloudAccountView {
        phone_number_id: row.phone_number_id.clone(),
        verify_token: row.verify_token.clone(),
        template_name: row.template_name.clone(),
        template_language: row.template_language.clone(),
        updated_at: row.updated_at,
    }
}
