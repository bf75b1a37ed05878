pub mod not_found;
pub mod order_detail;
pub mod orders;
pub mod sign_in;
mod when;
