//! Business logic over the database, shared by REST handlers and server functions.

pub mod audit;
pub mod auth;
pub mod passwords;
pub mod system;
