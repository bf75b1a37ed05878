//! Schema migrations. Each one creates whole tables with their constraints and indexes, and its
//! `down` drops exactly what its `up` created, so `up → down --all → up` always round-trips.

pub use sea_orm_migration::prelude::*;

pub mod bulk;
mod m20261125_000001_tenancy;
mod m20261125_000002_catalog;
mod m20261125_000003_messaging;
mod m20261125_000004_orders;
mod m20261125_000005_fulfilment;
mod m20261125_000006_audit;
mod m20261126_000007_pipeline;
mod m20261126_000008_cloud;
mod m20261126_000009_backups;
mod m20261126_000010_tallies;
mod m20261203_000011_rollups;
mod m20261207_000012_descriptions;
mod m20261208_000013_conversations;
mod m20261208_000014_terms;
mod support;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_tenancy::Migration),
            Box::new(m20261125_000002_catalog::Migration),
            Box::new(m20261125_000003_messaging::Migration),
            Box::new(m20261125_000004_orders::Migration),
            Box::new(m20261125_000005_fulfilment::Migration),
            Box::new(m20261125_000006_audit::Migration),
            Box::new(m20261126_000007_pipeline::Migration),
            Box::new(m20261126_000008_cloud::Migration),
            Box::new(m20261126_000009_backups::Migration),
            Box::new(m20261126_000010_tallies::Migration),
            Box::new(m20261203_000011_rollups::Migration),
            Box::new(m20261207_000012_descriptions::Migration),
            Box::new(m20261208_000013_conversations::Migration),
            Box::new(m20261208_000014_terms::Migration),
        ]
    }
}
