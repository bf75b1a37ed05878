use sea_orm::entity::prelude::*;

/// One line of an order. `name` and prices are copied at order time so later catalog edits
/// do not rewrite history; `modifiers` is `[{"name", "price"}]`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "order_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub product_id: Option<i64>,
    pub name: String,
    pub variant: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub modifiers: Json,
    /// Fractional for goods sold by weight or volume ("1/2 kg").
    pub quantity: f64,
    pub unit: Option<String>,
    pub unit_price: i64,
    pub line_total: i64,
    pub notes: Option<String>,
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
        belongs_to = "super::products::Entity",
        from = "Column::ProductId",
        to = "super::products::Column::Id"
    )]
    Product,
}

impl Related<super::orders::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl Related<super::products::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
