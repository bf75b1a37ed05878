use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_tenancy::{Businesses, Users};
use crate::m20261125_000004_orders::Orders;
use crate::support::{drop_tables, fk, id, index, instant, instant_null, state};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboundMessages::Table)
                    .col(id(OutboundMessages::Id))
                    .col(big_integer(OutboundMessages::BusinessId))
                    .col(big_integer_null(OutboundMessages::OrderId))
                    .col(state(OutboundMessages::Transport))
                    .col(string_len(OutboundMessages::ChatId, 128))
                    .col(text(OutboundMessages::Body))
                    .col(string_len_null(OutboundMessages::Template, 64))
                    .col(string_len_null(OutboundMessages::QuotedExternalId, 191))
                    .col(string_len_uniq(OutboundMessages::IdempotencyKey, 191))
                    .col(state(OutboundMessages::Status))
                    .col(integer(OutboundMessages::Attempts).default(0))
                    .col(instant(OutboundMessages::NextAttemptAt))
                    .col(string_len_null(OutboundMessages::ExternalId, 191))
                    .col(text_null(OutboundMessages::LastError))
                    .col(instant(OutboundMessages::CreatedAt))
                    .col(instant_null(OutboundMessages::SentAt))
                    .col(instant_null(OutboundMessages::DeliveredAt))
                    .foreign_key(&mut fk(
                        OutboundMessages::Table,
                        OutboundMessages::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        OutboundMessages::Table,
                        OutboundMessages::OrderId,
                        Orders::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // The sender's queue: only replies not yet handed to WhatsApp.
        index(
            manager,
            OutboundMessages::Table,
            "outbound_due",
            vec![OutboundMessages::NextAttemptAt.into_iden()],
            false,
            Some(Expr::col(OutboundMessages::Status).is_in(["pending", "sending"])),
        )
        .await?;
        index(
            manager,
            OutboundMessages::Table,
            "outbound_order",
            vec![OutboundMessages::OrderId.into_iden()],
            false,
            None,
        )
        .await?;
        index(
            manager,
            OutboundMessages::Table,
            "outbound_external",
            vec![
                OutboundMessages::BusinessId.into_iden(),
                OutboundMessages::ExternalId.into_iden(),
            ],
            false,
            None,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Drivers::Table)
                    .col(id(Drivers::Id))
                    .col(big_integer(Drivers::BusinessId))
                    .col(big_integer_null(Drivers::UserId).unique_key())
                    .col(string_len(Drivers::Name, 120))
                    .col(string_len(Drivers::Phone, 32))
                    .col(string_len_null(Drivers::VehicleInfo, 120))
                    .col(boolean(Drivers::IsActive).default(true))
                    .col(instant(Drivers::CreatedAt))
                    .foreign_key(&mut fk(
                        Drivers::Table,
                        Drivers::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Drivers::Table,
                        Drivers::UserId,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Drivers::Table,
            "drivers_business",
            vec![Drivers::BusinessId.into_iden()],
            false,
            None,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(id(Deliveries::Id))
                    .col(big_integer(Deliveries::BusinessId))
                    .col(big_integer_uniq(Deliveries::OrderId))
                    .col(big_integer_null(Deliveries::DriverId))
                    .col(state(Deliveries::Status))
                    .col(string_len_uniq(Deliveries::TrackingToken, 64))
                    .col(integer_null(Deliveries::EtaMinutes))
                    .col(instant(Deliveries::AssignedAt))
                    .col(instant_null(Deliveries::PickedUpAt))
                    .col(instant_null(Deliveries::DeliveredAt))
                    .col(instant_null(Deliveries::TrackingExpiresAt))
                    .foreign_key(&mut fk(
                        Deliveries::Table,
                        Deliveries::BusinessId,
                        Businesses::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Deliveries::Table,
                        Deliveries::OrderId,
                        Orders::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Deliveries::Table,
                        Deliveries::DriverId,
                        Drivers::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Deliveries::Table,
            "deliveries_driver_assigned",
            vec![Deliveries::DriverId.into_iden(), Deliveries::AssignedAt.into_iden()],
            false,
            None,
        )
        .await?;
        index(
            manager,
            Deliveries::Table,
            "deliveries_business_assigned",
            vec![Deliveries::BusinessId.into_iden(), Deliveries::AssignedAt.into_iden()],
            false,
            None,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Deliveries::Table.into_iden(),
                Drivers::Table.into_iden(),
                OutboundMessages::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
pub enum OutboundMessages {
    Table,
    Id,
    BusinessId,
    OrderId,
    Transport,
    ChatId,
    Body,
    Template,
    QuotedExternalId,
    IdempotencyKey,
    Status,
    Attempts,
    NextAttemptAt,
    ExternalId,
    LastError,
    CreatedAt,
    SentAt,
    DeliveredAt,
}

#[derive(DeriveIden, Clone)]
pub enum Drivers {
    Table,
    Id,
    BusinessId,
    UserId,
    Name,
    Phone,
    VehicleInfo,
    IsActive,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub enum Deliveries {
    Table,
    Id,
    BusinessId,
    OrderId,
    DriverId,
    Status,
    TrackingToken,
    EtaMinutes,
    AssignedAt,
    PickedUpAt,
    DeliveredAt,
    TrackingExpiresAt,
}
