//! Column and index shapes shared by every migration, so all tables agree on ids, times,
//! tenancy keys and stored enums.

use sea_orm_migration::{prelude::*, schema};

/// A 64-bit auto-incrementing primary key (`integer` on SQLite, where that is the rowid).
pub fn id<T: IntoIden>(col: T) -> ColumnDef {
    schema::big_pk_auto(col)
}

/// A UTC instant (`timestamptz` on PostgreSQL).
pub fn instant<T: IntoIden>(col: T) -> ColumnDef {
    schema::timestamp_with_time_zone(col)
}

pub fn instant_null<T: IntoIden>(col: T) -> ColumnDef {
    schema::timestamp_with_time_zone_null(col)
}

/// A column holding one of `entity::enums`, stored as its short text.
pub fn state<T: IntoIden>(col: T) -> ColumnDef {
    schema::string_len(col, 24)
}

/// A foreign key named after its table and column.
pub fn fk<T, C, R>(table: T, col: C, references: R, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement
where
    T: IntoIden + Clone,
    C: IntoIden + Clone,
    R: IntoIden,
{
    let name = format!("fk_{}_{}", table.clone().into_iden(), col.clone().into_iden());
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(references, Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// Creates `idx_<name>` (or `uq_<name>` when unique) on `table (cols…)`, only over the rows
/// that match `only` when given.
pub async fn index<T: IntoIden + Clone>(
    manager: &SchemaManager<'_>,
    table: T,
    name: &str,
    cols: Vec<DynIden>,
    unique: bool,
    only: Option<SimpleExpr>,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index
        .name(format!("{}_{name}", if unique { "uq" } else { "idx" }))
        .table(table);
    for col in cols {
        index.col(col);
    }
    if unique {
        index.unique();
    }
    if let Some(condition) = only {
        index.and_where(condition);
    }
    manager.create_index(index).await
}

pub async fn drop_tables(manager: &SchemaManager<'_>, tables: Vec<DynIden>) -> Result<(), DbErr> {
    for table in tables {
        manager.drop_table(Table::drop().table(table).to_owned()).await?;
    }
    Ok(())
}

/// A condition keeping the rows of `alias` that belong to `business`, or every row for `None`.
pub fn of_business(alias: &str, business: Option<i64>) -> String {
    business.map_or_else(|| "1 = 1".to_string(), |id| format!("{alias}.business_id = {id}"))
}
