//! Server functions: thin adapters from the dashboard to the services.

pub mod admin;
mod error;
#[cfg(feature = "ssr")]
mod session;
pub mod system;

pub use error::AppError;
