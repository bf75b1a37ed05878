//! Server functions: thin adapters from the dashboard to the services.

pub mod account;
pub mod admin;
pub mod analytics;
pub mod business;
mod error;
pub mod orders;
#[cfg(feature = "ssr")]
mod session;
pub mod system;
pub mod whatsapp;

pub use error::{AppError, ErrorCode};
