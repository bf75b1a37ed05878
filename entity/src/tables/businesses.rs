use sea_orm::entity::prelude::*;

/// A tenant: a restaurant, bakery or grocer. `settings` holds the knobs staff can turn
/// (auto-confirm, delivery fee, templates, …) as JSON so they can grow without migrations.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "businesses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// A line or two about the shop.
    pub description: Option<String>,
    #[sea_orm(unique)]
    pub short_code: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// ISO 4217 code; every amount of this business is in its minor units.
    pub currency: String,
    pub timezone: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::users::Entity")]
    Users,
    #[sea_orm(has_many = "super::orders::Entity")]
    Orders,
    #[sea_orm(has_many = "super::products::Entity")]
    Products,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Users.def()
    }
}

impl Related<super::orders::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Orders.def()
    }
}

impl Related<super::products::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Products.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
