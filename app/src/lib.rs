//! The Novi web app: pages and components, the server functions behind them, the DTOs that
//! cross the wire, and (with `ssr`) the services that hold the business logic.

pub mod api;
mod app;
pub mod dto;
pub mod event_kind;
mod live;
pub mod money;
mod pages;
pub mod parser;
pub mod permissions;
mod preview;
pub mod templates;

pub use app::{AnalyticsApp, App, BusinessApp, EntryApp, OrderApp, OrdersApp, PeopleApp, bundle_for, shell};

#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod outlets;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub use pages::menu as menu_page;
#[cfg(feature = "ssr")]
pub use pages::tracking as tracking_page;
