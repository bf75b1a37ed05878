use sea_orm::entity::prelude::*;

use crate::enums::GroupKind;

/// A WhatsApp group linked to a business; messages in an `orders` group are read as orders.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub business_id: i64,
    /// WhatsApp's chat id of the group, such as `120363012345678901@g.us`.
    pub whatsapp_group_id: String,
    pub name: String,
    pub kind: GroupKind,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
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
