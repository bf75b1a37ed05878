//! Data that crosses the wire between the server and the browser, by area (mirroring
//! `services/`).

mod account;
mod analytics;
mod backups;
mod business;
mod catalog;
mod deliveries;
mod orders;
mod system;
mod whatsapp;

pub use account::*;
pub use analytics::*;
pub use backups::*;
pub use business::*;
pub use catalog::*;
pub use deliveries::*;
pub use orders::*;
pub use system::*;
pub use whatsapp::*;
