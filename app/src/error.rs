//! The service layer's error. It is mapped once to server-function errors (`api::AppError`)
//! and once to HTTP (the server crate's `ApiError`).

use std::collections::BTreeMap;

use sea_orm::DbErr;

use crate::api::ErrorCode;

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

    /// Trims optional text, treating empty as absent; records an error past `max` characters.
    pub fn text(&mut self, field: &str, value: Option<String>, max: usize) -> Option<String> {
        let value = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let fits = value.as_ref().is_none_or(|v| v.chars().count() <= max);
        self.check(fits, field, format!("use at most {max} characters"));
        value.filter(|_| fits)
    }

    /// Like `text`, but the field must be there.
    pub fn required(&mut self, field: &str, value: Option<String>, max: usize) -> String {
        let present = value.as_ref().is_some_and(|v| !v.trim().is_empty());
        self.check(present, field, "this field is required");
        self.text(field, value, max).unwrap_or_default()
    }

    /// Like `text`, for a phone number: refused unless `is_phone`.
    pub fn phone(&mut self, field: &str, value: Option<String>) -> Option<String> {
        let phone = self.text(field, value, 32);
        self.check(
            phone.as_deref().is_none_or(is_phone),
            field,
            "use a phone number: digits, optionally after a +, with spaces, dashes, dots or brackets between",
        );
        phone
    }

    pub fn finish(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Validation(self.0))
        }
    }
}

/// What a caller is told of a failure, whichever way they asked (REST or server function).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub code: ErrorCode,
    pub message: String,
    pub fields: FieldErrors,
    /// Seconds after which trying again may help.
    pub retry_after: Option<u64>,
    /// The request could not reach the database (see `Unreachable::MARK`).
    pub unreachable: Option<Unreachable>,
}

impl Answer {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: FieldErrors::new(),
            retry_after: None,
            unreachable: None,
        }
    }

    /// The headers that go with the answer: when to try again, and the database gate's mark.
    pub fn headers(&self) -> Vec<(axum::http::HeaderName, axum::http::HeaderValue)> {
        use axum::http::{HeaderName, HeaderValue, header};
        let mut headers = Vec::new();
        if let Some(seconds) = self.retry_after {
            headers.push((header::RETRY_AFTER, HeaderValue::from(seconds)));
        }
        if let Some(unreachable) = self.unreachable {
            headers.push((
                HeaderName::from_static(Unreachable::MARK),
                HeaderValue::from_static(unreachable.as_str()),
            ));
        }
        headers
    }
}

impl ServiceError {
    /// The one table from a service's failure to what the caller is told. Failures of the
    /// server itself are logged here and described without their details.
    pub fn answer(&self) -> Answer {
        let message = self.to_string();
        match self {
            ServiceError::NotFound(_) => Answer::new(ErrorCode::NotFound, message),
            ServiceError::Validation(fields) => Answer {
                fields: fields.clone(),
                ..Answer::new(ErrorCode::Validation, "some fields need attention")
            },
            ServiceError::Conflict(_) => Answer::new(ErrorCode::Conflict, message),
            ServiceError::Unauthorized(_) => Answer::new(ErrorCode::Unauthorized, message),
            ServiceError::Forbidden(_) => Answer::new(ErrorCode::Forbidden, message),
            ServiceError::Database(error) => {
                tracing::error!(%error, "database error");
                let unreachable = Unreachable::of(error);
                Answer {
                    unreachable,
                    retry_after: unreachable.map(|_| 1),
                    ..Answer::new(ErrorCode::Unavailable, database_message(error))
                }
            }
            ServiceError::Internal(error) => {
                tracing::error!(%error, "internal error");
                Answer::new(ErrorCode::Internal, "something went wrong on the server")
            }
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Validation(BTreeMap::from([(field.to_string(), message.into())]))
    }

    /// A unique constraint's violation becomes a conflict that says `message`.
    pub fn unique(error: DbErr, message: &str) -> Self {
        if is_unique_violation(&error) {
            ServiceError::Conflict(message.to_string())
        } else {
            ServiceError::Database(error)
        }
    }
}

/// An international or local number as people write it: 6 to 20 digits after an optional
/// leading `+`, with only spaces, dashes, dots and brackets between.
pub fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let body = text.strip_prefix('+').unwrap_or(text);
    (6..=20).contains(&digits) && body.chars().all(|c| c.is_ascii_digit() || " -.()".contains(c))
}

pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// How a request failed to reach the database, as opposed to the database refusing a
/// statement: what a database server restarting looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreachable {
    /// No connection could be had within the pool's timeout.
    NoConnection,
    /// A connection broke in the middle of its work.
    Cut,
}

impl Unreachable {
    /// Set on an answer whose request could not reach the database, naming how, so the HTTP
    /// layer can stop sending requests there until it answers again; never sent to a client.
    pub const MARK: &str = "x-novi-database-unreachable";

    pub fn of(error: &DbErr) -> Option<Self> {
        let text = error.to_string();
        if matches!(error, DbErr::ConnectionAcquire(_)) || text.contains("pool timed out") {
            Some(Self::NoConnection)
        } else if matches!(error, DbErr::Conn(_)) || text.contains("error communicating with database") {
            Some(Self::Cut)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoConnection => "no-connection",
            Self::Cut => "cut",
        }
    }

    /// Reads back what `as_str` wrote into the mark.
    pub fn from_mark(mark: &[u8]) -> Self {
        if mark == Self::NoConnection.as_str().as_bytes() {
            Self::NoConnection
        } else {
            Self::Cut
        }
    }
}

/// What a caller is told when the database failed them: the cause, without the details.
pub fn database_message(error: &DbErr) -> &'static str {
    if is_disk_full(error) {
        "the server's disk is full, so nothing was saved; try again once space is freed"
    } else {
        "the database is unavailable; try again shortly"
    }
}

/// SQLite could not grow its files: the disk (or the file system the database is on) is full.
pub fn is_disk_full(error: &DbErr) -> bool {
    error.to_string().contains("database or disk is full")
}

/// A write that lost a race with a concurrent writer (a number or key taken a moment earlier,
/// SQLite's lock, PostgreSQL breaking a deadlock), which a second try resolves. The locks and
/// deadlocks are reported only as text.
pub fn is_write_clash(error: &DbErr) -> bool {
    let text = error.to_string();
    is_unique_violation(error)
        || text.contains("database is locked")
        || text.contains("deadlock detected")
        || text.contains("could not serialize access")
}

#[cfg(test)]
mod tests {
    use super::is_phone;

    #[test]
    fn phones_are_digits_with_separators() {
        for phone in ["+1234567890", "(555) 010-2030", "+55 11 98765.4321", "555 0199"] {
            assert!(is_phone(phone), "{phone}");
        }
        for text in [
            "'; DROP TABLE orders;--",
            "12345",
            "call me",
            "+1 555 0100 ext 12",
            "1+2345678",
        ] {
            assert!(!is_phone(text), "{text}");
        }
    }
}
