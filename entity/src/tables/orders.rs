use sea_orm::entity::prelude::*;

use crate::enums::{Fulfilment, OrderSource, OrderStatus, PaymentMethod};

/// An order, priced in minor units of `currency`. `response_times` maps each step
/// (`received`, `parsed`, `confirmed`, `out_for_delivery`, `delivered`, …) to when it happened.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub business_id: i64,
    /// Counts up from 1 within each business; what staff and customers call the order.
    pub order_number: i64,
    pub customer_id: Option<i64>,
    pub group_id: Option<i64>,
    pub inbound_message_id: Option<i64>,
    pub source: OrderSource,
    pub status: OrderStatus,
    pub customer_name: Option<String>,
    pub customer_phone: Option<String>,
    pub delivery_address: Option<String>,
    pub notes: Option<String>,
    pub subtotal: i64,
    pub delivery_fee: i64,
    pub total_amount: i64,
    pub currency: String,
    /// The parser's confidence in 0..=1; absent for orders typed in by staff.
    pub confidence: Option<f64>,
    #[sea_orm(column_type = "JsonBinary")]
    pub response_times: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Opens the customer's tracking page (`/t/{token}`) without a login.
    #[sea_orm(unique)]
    pub tracking_token: Option<String>,
    /// What staff should look at: the customer changed or deleted their message after
    /// confirmation, or asked for something the pipeline could not apply.
    pub attention: Option<String>,
    /// Collected at the shop (no delivery fee, no driver) or delivered.
    pub fulfilment: Fulfilment,
    pub payment_method: Option<PaymentMethod>,
    /// The note the customer pays a cash order with, in minor units, so the driver brings
    /// change.
    pub cash_change_for: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::businesses::Entity",
        from = "Column::BusinessId",
        to = "super::businesses::Column::Id"
    )]
    Business,
    #[sea_orm(
        belongs_to = "super::customers::Entity",
        from = "Column::CustomerId",
        to = "super::customers::Column::Id"
    )]
    Customer,
    #[sea_orm(has_many = "super::order_items::Entity")]
    Items,
}

impl Related<super::businesses::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Business.def()
    }
}

impl Related<super::customers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::order_items::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Items.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
