use sea_orm::entity::prelude::*;

use crate::enums::OrderStatus;

/// How many orders a business has in a status and what they add up to, in minor units. Kept
/// by triggers on `orders` (migration 10); Novi only reads it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub business_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: OrderStatus,
    pub orders: i64,
    pub amount: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
