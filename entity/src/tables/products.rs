use sea_orm::entity::prelude::*;

/// A catalog entry. `variants` is `[{"name", "price"}]` (a variant's price replaces the base
/// price), `modifiers` is `[{"name", "price"}]` (added on top), `aliases` is `["name", …]`
/// the parser also accepts. Prices are minor units of the business's currency.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub business_id: i64,
    pub name: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub base_price: i64,
    #[sea_orm(column_type = "JsonBinary")]
    pub variants: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub modifiers: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub aliases: Json,
    pub is_available: bool,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::businesses::Entity",
        from = "Column::BusinessId",
        to = "super::businesses::Column::Id"
    )]
    Business,
}

impl Related<super::businesses::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Business.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
