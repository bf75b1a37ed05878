//! A business as its staff see it: profile, settings and headline numbers.

use chrono::{Duration, Utc};
use entity::{businesses, customers, enums::OrderStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

use crate::{
    dto::{
        BusinessChanges, BusinessDto, BusinessSettings, BusinessStats, MessageTemplates, SettingsDto, TemplateChanges,
    },
    error::{ServiceError, Validator},
    money,
    services::{
        access::{Caller, Permission},
        actor::User,
        audit::{self, AuditEntry},
        recent::Recent,
        response_times, tallies,
    },
};

/// How many of the latest orders the response-time medians are taken over.
const RESPONSE_SAMPLE: u64 = 500;

/// The business with its headline numbers, kept a moment (`recent`) and emptied by its order
/// events; kept per currency, which the revenue is written in.
pub async fn get(
    db: &DatabaseConnection,
    kept: &Recent<BusinessStats>,
    caller: &Caller,
    id: i64,
) -> Result<BusinessDto, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let business = visible(db, caller, id).await?;
    let stats = kept
        .get_or_compute(business.id, business.currency.clone(), || stats(db, &business))
        .await?;
    Ok(to_dto(business, *stats))
}

/// Changes profile and settings (owners and admins), audited with the values before and after.
pub async fn update(
    db: &DatabaseConnection,
    user: &User,
    id: i64,
    changes: BusinessChanges,
) -> Result<BusinessDto, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageSettings)?;
    let business = visible(db, caller, id).await?;
    let mut settings = settings(&business);
    let mut check = Validator::default();
    let name = check.text("name", changes.name, 120);
    check.check(
        name.as_ref().is_none_or(|n| n.chars().count() >= 2),
        "name",
        "use 2 to 120 characters",
    );
    let description = check.text("description", changes.description, 500);
    let phone = check.text("phone", changes.phone, 32);
    let email = check.text("email", changes.email, 254);
    let address = check.text("address", changes.address, 500);
    let currency = check.text("currency", changes.currency, 3);
    check.check(
        currency.as_deref().is_none_or(money::is_currency_code),
        "currency",
        "use an ISO 4217 code such as USD",
    );
    let timezone = check.text("timezone", changes.timezone, 64);
    check.check(
        timezone.as_deref().is_none_or(is_timezone_name),
        "timezone",
        "use a name such as America/Sao_Paulo or UTC",
    );
    let currency_of_fee = currency.clone().unwrap_or_else(|| business.currency.clone());
    if let Some(fee) = changes.delivery_fee {
        let minor = money::from_decimal(fee, &currency_of_fee).filter(|fee| *fee >= 0);
        check.check(minor.is_some(), "delivery_fee", "use an amount of 0 or more");
        settings.delivery_fee = minor.unwrap_or_default();
    }
    if let Some(threshold) = changes.confidence_threshold {
        check.check(
            (0.0..=1.0).contains(&threshold),
            "confidence_threshold",
            "use a number from 0 to 1",
        );
        settings.confidence_threshold = threshold;
    }
    if let Some(minutes) = changes.merge_window_minutes {
        check.check(minutes <= 120, "merge_window_minutes", "use 0 to 120 minutes");
        settings.merge_window_minutes = minutes;
    }
    if let Some(templates) = changes.templates {
        apply_templates(&mut check, &mut settings.templates, templates);
    }
    check.finish()?;
    if currency.as_ref().is_some_and(|c| *c != business.currency) && has_products(db, business.id).await? {
        return Err(ServiceError::Conflict(
            "prices are stored in the current currency; export the catalog, change the currency, then import it again"
                .into(),
        ));
    }
    if let Some(auto_confirm) = changes.auto_confirm {
        settings.auto_confirm = auto_confirm;
    }
    if let Some(enabled) = changes.whatsapp_enabled {
        settings.whatsapp_enabled = enabled;
    }

    let before = audit_view(&business);
    let mut active: businesses::ActiveModel = business.clone().into();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if description.is_some() {
        active.description = Set(description);
    }
    if phone.is_some() {
        active.phone = Set(phone);
    }
    if email.is_some() {
        active.email = Set(email);
    }
    if address.is_some() {
        active.address = Set(address);
    }
    if let Some(currency) = currency {
        active.currency = Set(currency);
    }
    if let Some(timezone) = timezone {
        active.timezone = Set(timezone);
    }
    active.settings = Set(serde_json::to_value(&settings).map_err(|e| ServiceError::Internal(e.to_string()))?);
    active.updated_at = Set(Utc::now());
    let txn = crate::services::transaction::begin(db).await?;
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            business_id: Some(updated.id),
            actor_user_id: Some(caller.user_id),
            action: "settings_changed",
            entity_type: "business",
            entity_id: Some(updated.id),
            before: Some(before),
            after: Some(audit_view(&updated)),
            ip: user.ip.clone(),
        },
    )
    .await?;
    txn.commit().await?;
    let stats = stats(db, &updated).await?;
    Ok(to_dto(updated, stats))
}

async fn has_products(db: &DatabaseConnection, business_id: i64) -> Result<bool, ServiceError> {
    Ok(entity::products::Entity::find()
        .filter(entity::products::Column::BusinessId.eq(business_id))
        .count(db)
        .await?
        > 0)
}

async fn visible(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<businesses::Model, ServiceError> {
    businesses::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|business| caller.sees(business.id))
        .ok_or(ServiceError::NotFound("business"))
}

fn to_dto(business: businesses::Model, stats: BusinessStats) -> BusinessDto {
    let settings = settings(&business);
    BusinessDto {
        settings: SettingsDto {
            auto_confirm: settings.auto_confirm,
            delivery_fee: money::to_decimal(settings.delivery_fee, &business.currency),
            confidence_threshold: settings.confidence_threshold,
            whatsapp_enabled: settings.whatsapp_enabled,
            merge_window_minutes: settings.merge_window_minutes,
            templates: settings.templates,
        },
        id: business.id,
        name: business.name,
        description: business.description,
        short_code: business.short_code,
        phone: business.phone,
        email: business.email,
        address: business.address,
        currency: business.currency,
        timezone: business.timezone,
        is_active: business.is_active,
        stats,
        created_at: business.created_at,
    }
}

fn audit_view(business: &businesses::Model) -> serde_json::Value {
    json!({
        "name": business.name,
        "description": business.description,
        "phone": business.phone,
        "email": business.email,
        "address": business.address,
        "currency": business.currency,
        "timezone": business.timezone,
        "settings": business.settings,
    })
}

/// Checks each changed template (not empty, at most 1000 characters, known placeholders only)
/// and takes it.
fn apply_templates(check: &mut Validator, templates: &mut MessageTemplates, changes: TemplateChanges) {
    let slots = [
        (
            "order_confirmation",
            changes.order_confirmation,
            &mut templates.order_confirmation,
        ),
        ("order_received", changes.order_received, &mut templates.order_received),
        ("needs_review", changes.needs_review, &mut templates.needs_review),
        (
            "delivery_update",
            changes.delivery_update,
            &mut templates.delivery_update,
        ),
        ("delivered", changes.delivered, &mut templates.delivered),
        (
            "order_cancelled",
            changes.order_cancelled,
            &mut templates.order_cancelled,
        ),
        (
            "cancel_requested",
            changes.cancel_requested,
            &mut templates.cancel_requested,
        ),
        ("order_updated", changes.order_updated, &mut templates.order_updated),
        (
            "change_requested",
            changes.change_requested,
            &mut templates.change_requested,
        ),
    ];
    for (name, change, slot) in slots {
        let Some(text) = change else { continue };
        let field = format!("templates.{name}");
        let text = text.trim().to_string();
        check.check(
            (1..=1000).contains(&text.chars().count()),
            &field,
            "use 1 to 1000 characters",
        );
        match crate::templates::unknown_placeholders(&text) {
            Ok(unknown) if unknown.is_empty() => *slot = text,
            Ok(unknown) => {
                let known = crate::templates::PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>();
                check.check(
                    false,
                    &field,
                    format!(
                        "unknown placeholder {{{}}}; use {}",
                        unknown.join("}, {"),
                        known.join(", ")
                    ),
                );
            }
            Err(message) => {
                check.check(false, &field, message);
            }
        }
    }
}

/// `Area/City` names of the tz database, or `UTC`.
fn is_timezone_name(name: &str) -> bool {
    name == "UTC"
        || (name.contains('/')
            && !name.starts_with('/')
            && !name.ends_with('/')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c)))
}

async fn stats(db: &DatabaseConnection, business: &businesses::Model) -> Result<BusinessStats, ServiceError> {
    let (total_orders, revenue) = tallies::totals(db, business.id).await?;
    let active_customers = customers::Entity::find()
        .filter(customers::Column::BusinessId.eq(business.id))
        .filter(customers::Column::LastOrderAt.gte(Utc::now() - Duration::days(30)))
        .count(db)
        .await?;
    let latest = response_times::recent(db, business.id, None, RESPONSE_SAMPLE).await?;
    let to_confirm = latest
        .iter()
        .filter_map(|times| response_times::between(times, "received", "confirmed"))
        .collect();
    let delivered = response_times::recent(db, business.id, Some(OrderStatus::Delivered), RESPONSE_SAMPLE).await?;
    let to_deliver = delivered
        .iter()
        .filter_map(|times| response_times::between(times, "confirmed", "delivered"))
        .collect();
    Ok(BusinessStats {
        total_orders,
        total_revenue: money::to_decimal(revenue, &business.currency),
        active_customers,
        median_seconds_to_confirm: response_times::median(to_confirm).map(|median| median.num_seconds()),
        median_minutes_to_deliver: response_times::median(to_deliver).map(|median| median.num_minutes()),
    })
}

/// The settings of a business, with defaults for anything not stored yet.
pub fn settings(business: &businesses::Model) -> BusinessSettings {
    serde_json::from_value(business.settings.clone()).unwrap_or_default()
}
