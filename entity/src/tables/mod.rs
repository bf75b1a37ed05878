//! One SeaORM entity per table.

pub mod audit_events;
pub mod backup_runs;
pub mod businesses;
pub mod customers;
pub mod deliveries;
pub mod drivers;
pub mod groups;
pub mod inbound_messages;
pub mod order_items;
pub mod order_tallies;
pub mod orders;
pub mod outbound_messages;
pub mod products;
pub mod users;
pub mod whatsapp_cloud_accounts;
pub mod whatsapp_sessions;
