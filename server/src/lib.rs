//! The `novi` server: configuration, the HTTP router, the command line, and demo data.

pub mod backup;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod db;
pub mod http;
pub mod ingest_runner;
pub mod parse_command;
pub mod seed;
pub mod startup;
pub mod telemetry;
pub mod whatsapp;
