//! Server functions: thin adapters from the dashboard to the services.

mod error;
pub mod system;

pub use error::AppError;
