//! Orders: reading them (`query`), pricing lines against the catalog (`pricing`) and changing
//! them (`changes`), always within the caller's business.

mod changes;
mod pricing;
mod query;

pub use changes::{change_status, create, update};
pub use query::{DEFAULT_LIMIT, MAX_LIMIT, get, list};
