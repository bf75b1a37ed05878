//! The service layer's error. It is mapped once to server-function errors (`api::AppError`)
//! and once to HTTP (the server crate's `ApiError`).

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// A failure of the server itself, never of the caller's input.
    #[error("internal error: {0}")]
    Internal(String),
}
