//! A business as its staff see it: profile, settings and headline numbers.

use chrono::{Duration, Utc};
use entity::{businesses, enums::OrderStatus, orders};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Func},
};

use crate::{
    dto::{BusinessDto, BusinessSettings, BusinessStats},
    error::ServiceError,
    money,
    services::{access::Permission, auth::Caller},
};

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: i64) -> Result<BusinessDto, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let business = businesses::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|business| caller.sees(business.id))
        .ok_or(ServiceError::NotFound("business"))?;
    let stats = stats(db, &business).await?;
    let settings = settings(&business);
    Ok(BusinessDto {
        id: business.id,
        name: business.name,
        short_code: business.short_code,
        phone: business.phone,
        email: business.email,
        address: business.address,
        currency: business.currency,
        timezone: business.timezone,
        is_active: business.is_active,
        settings,
        stats,
        created_at: business.created_at,
    })
}

async fn stats(db: &DatabaseConnection, business: &businesses::Model) -> Result<BusinessStats, ServiceError> {
    let of_business = || orders::Entity::find().filter(orders::Column::BusinessId.eq(business.id));
    let total_orders = of_business().count(db).await?;
    let revenue: Option<Option<i64>> = of_business()
        .filter(orders::Column::Status.ne(OrderStatus::Cancelled))
        .select_only()
        // SUM of a bigint is numeric on PostgreSQL; cast it back so both engines return i64.
        .column_as(
            Expr::expr(Func::sum(Expr::col(orders::Column::TotalAmount))).cast_as("BIGINT"),
            "revenue",
        )
        .into_tuple()
        .one(db)
        .await?;
    let active_customers = of_business()
        .filter(orders::Column::CreatedAt.gte(Utc::now() - Duration::days(30)))
        .filter(orders::Column::CustomerId.is_not_null())
        .select_only()
        .column(orders::Column::CustomerId)
        .distinct()
        .count(db)
        .await?;
    Ok(BusinessStats {
        total_orders,
        total_revenue: money::to_decimal(revenue.flatten().unwrap_or(0), &business.currency),
        active_customers,
    })
}

/// The settings of a business, with defaults for anything not stored yet.
pub fn settings(business: &businesses::Model) -> BusinessSettings {
    serde_json::from_value(business.settings.clone()).unwrap_or_default()
}
