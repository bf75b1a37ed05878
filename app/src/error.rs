//! The service layer's error. It is mapped once to server-function errors (`api::AppError`)
//! and once to HTTP (the server crate's `ApiError`).

use std::collections::BTreeMap;

use sea_orm::DbErr;

/// Field name → what is wrong with it, in words a person can act on.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No such row, or one the caller may not see: both look the same from outside.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("invalid input")]
    Validation(FieldErrors),
    /// The request is valid but clashes with the current state (a taken email, a status step).
    #[error("{0}")]
    Conflict(String),
    /// Missing, expired or wrong credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Signed in, but this role may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// A failure of the server itself, never of the caller's input.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Collects field errors so a caller hears about every bad field at once.
#[derive(Debug, Default)]
pub struct Validator(FieldErrors);

impl Validator {
    pub fn check(&mut self, ok: bool, field: &str, message: impl Into<String>) -> &mut Self {
        if !ok && !self.0.contains_key(field) {
            self.0.insert(field.to_string(), message.into());
        }
        self
    }

    pub fn finish(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Validation(self.0))
        }
    }
}

impl ServiceError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Validation(BTreeMap::from([(field.to_string(), message.into())]))
    }
}
