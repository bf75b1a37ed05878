pub mod not_found;
pub mod orders;
pub mod sign_in;
