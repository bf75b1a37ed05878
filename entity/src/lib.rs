//! The stored shape of Novi: one module per table, and the enums kept in them.

pub mod enums;

#[cfg(feature = "orm")]
mod tables;
#[cfg(feature = "orm")]
pub use tables::*;
