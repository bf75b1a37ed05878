use sea_orm::entity::prelude::*;

use crate::enums::DeliveryStatus;

/// The delivery of one order by one driver; `tracking_token` opens the customer's tracking page.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub business_id: i64,
    #[sea_orm(unique)]
    pub order_id: i64,
    pub driver_id: Option<i64>,
    pub status: DeliveryStatus,
    #[sea_orm(unique)]
    pub tracking_token: String,
    pub eta_minutes: Option<i32>,
    pub assigned_at: DateTimeUtc,
    pub picked_up_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    pub tracking_expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::orders::Entity",
        from = "Column::OrderId",
        to = "super::orders::Column::Id"
    )]
    Order,
    #[sea_orm(
        belongs_to = "super::drivers::Entity",
        from = "Column::DriverId",
        to = "super::drivers::Column::Id"
    )]
    Driver,
}

impl Related<super::orders::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl Related<super::drivers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Driver.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
