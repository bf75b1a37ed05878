pub mod admin;
pub mod analytics;
pub mod catalog;
pub mod deliveries;
pub mod driver;
#[cfg(feature = "ssr")]
pub mod menu;
pub mod new_order;
pub mod not_found;
pub mod order_detail;
mod order_edit;
pub mod order_parts;
pub mod orders;
#[cfg(feature = "ssr")]
mod public;
pub mod settings;
pub mod sign_in;
#[cfg(feature = "ssr")]
pub mod tracking;
pub mod whatsapp;
mod when;
