use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_tenancy::Businesses;
use crate::m20261125_000002_catalog::{Customers, Groups, Products};
use crate::m20261125_000003_messaging::InboundMessages;
use crate::support::{drop_tables, fk, id, index, instant, state};

/// Statuses of orders still in flight; kept in step with `entity::enums::OrderStatus::ACTIVE`
/// (a test checks), written out here because a migration must never change meaning later.
const ACTIVE_STATUSES: [&str; 5] = ["pending", "needs_review", "confirmed", "preparing", "out_for_delivery"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(id(Orders::Id))
                    .col(big_integer(Orders::BusinessId))
                    .col(big_integer(Orders::OrderNumber))
                    .col(big_integer_null(Orders::CustomerId))
                    .col(big_integer_null(Orders::GroupId))
                    .col(big_integer_null(Orders::InboundMessageId))
                    .col(state(Orders::Source))
                    .col(state(Orders::Status))
                    .col(string_len_null(Orders::CustomerName, 120))
                    .col(string_len_null(Orders::CustomerPhone, 32))
                    .col(text_null(Orders::DeliveryAddress))
                    .col(text_null(Orders::Notes))
                    .col(big_integer(Orders::Subtotal))
                    .col(big_integer(Orders::DeliveryFee).default(0))
                    .col(big_integer(Orders::TotalAmount).check(Expr::col(Orders::TotalAmount).gte(0)))
                    .col(string_len(Orders::Currency, 3))
                    .col(double_null(Orders::Confidence))
                    .col(json_binary(Orders::ResponseTimes))
                    .col(instant(Orders::CreatedAt))
                    .col(instant(Orders::UpdatedAt))
                    .foreign_key(&mut fk(
                        Orders::Table,
                        Orders::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Orders::Table,
                        Orders::CustomerId,
                        Customers::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Orders::Table,
                        Orders::GroupId,
                        Groups::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Orders::Table,
                        Orders::InboundMessageId,
                        InboundMessages::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        let indexes: [(&str, Vec<DynIden>, bool, Option<SimpleExpr>); 6] = [
            (
                "orders_business_number",
                vec![Orders::BusinessId.into_iden(), Orders::OrderNumber.into_iden()],
                true,
                None,
            ),
            // One order per WhatsApp message, so a redelivered message cannot order twice.
            (
                "orders_inbound_message",
                vec![Orders::InboundMessageId.into_iden()],
                true,
                None,
            ),
            // The orders list: filtered by status, newest first.
            (
                "orders_business_status_created",
                vec![
                    Orders::BusinessId.into_iden(),
                    Orders::Status.into_iden(),
                    Orders::CreatedAt.into_iden(),
                ],
                false,
                None,
            ),
            (
                "orders_business_created",
                vec![Orders::BusinessId.into_iden(), Orders::CreatedAt.into_iden()],
                false,
                None,
            ),
            ("orders_customer", vec![Orders::CustomerId.into_iden()], false, None),
            // The live board shows only orders in flight: a small index over a large table.
            (
                "orders_active",
                vec![Orders::BusinessId.into_iden(), Orders::CreatedAt.into_iden()],
                false,
                Some(Expr::col(Orders::Status).is_in(ACTIVE_STATUSES)),
            ),
        ];
        for (name, cols, unique, only) in indexes {
            index(manager, Orders::Table, name, cols, unique, only).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OrderItems::Table)
                    .col(id(OrderItems::Id))
                    .col(big_integer(OrderItems::OrderId))
                    .col(big_integer_null(OrderItems::ProductId))
                    .col(string_len(OrderItems::Name, 160))
                    .col(string_len_null(OrderItems::Variant, 80))
                    .col(json_binary(OrderItems::Modifiers))
                    .col(double(OrderItems::Quantity).check(Expr::col(OrderItems::Quantity).gt(0)))
                    .col(string_len_null(OrderItems::Unit, 16))
                    .col(big_integer(OrderItems::UnitPrice))
                    .col(big_integer(OrderItems::LineTotal))
                    .col(text_null(OrderItems::Notes))
                    .foreign_key(&mut fk(
                        OrderItems::Table,
                        OrderItems::OrderId,
                        Orders::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        OrderItems::Table,
                        OrderItems::ProductId,
                        Products::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            OrderItems::Table,
            "order_items_order",
            vec![OrderItems::OrderId.into_iden()],
            false,
            None,
        )
        .await?;
        index(
            manager,
            OrderItems::Table,
            "order_items_product",
            vec![OrderItems::ProductId.into_iden()],
            false,
            None,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![OrderItems::Table.into_iden(), Orders::Table.into_iden()]).await
    }
}

#[derive(DeriveIden, Clone)]
pub enum Orders {
    Table,
    Id,
    BusinessId,
    OrderNumber,
    CustomerId,
    GroupId,
    InboundMessageId,
    Source,
    Status,
    CustomerName,
    CustomerPhone,
    DeliveryAddress,
    Notes,
    Subtotal,
    DeliveryFee,
    TotalAmount,
    Currency,
    Confidence,
    ResponseTimes,
    CreatedAt,
    UpdatedAt,
    TrackingToken,
    Attention,
    Fulfilment,
    PaymentMethod,
    CashChangeFor,
}

#[derive(DeriveIden, Clone)]
pub enum OrderItems {
    Table,
    Id,
    OrderId,
    ProductId,
    Name,
    Variant,
    Modifiers,
    Quantity,
    Unit,
    UnitPrice,
    LineTotal,
    Notes,
}
