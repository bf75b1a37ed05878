//! Business logic over the database, shared by REST handlers and server functions.

pub mod access;
pub mod admin;
pub mod analytics;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod businesses;
pub mod catalog_file;
pub mod cloud;
pub mod deliveries;
pub mod drivers;
pub mod eta;
pub mod groups;
pub mod orders;
pub mod passwords;
pub mod pipeline;
pub mod products;
pub mod replies;
pub mod response_times;
pub mod secrets;
pub mod system;
pub mod tallies;
pub mod tracking;
pub mod transaction;
pub mod users;
pub mod whatsapp;
