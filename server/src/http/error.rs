//! The HTTP layer's error and its one mapping to the JSON error body of DESIGN.md; what a
//! service's failure says is `ServiceError::answer`'s, shared with server functions.

use super::responses::{ErrorBody, ErrorDetail};
use app::{
    api::ErrorCode,
    error::{Answer, ServiceError},
};
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such route: {0}")]
    RouteNotFound(String),
    #[error("{path} does not take {method}")]
    MethodNotAllowed { method: String, path: String },
    /// A body or query that could not be read at all.
    #[error("{message}")]
    BadRequest { status: StatusCode, message: String },
    #[error("too many requests; try again in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: std::time::Duration },
    /// Refused without trying while the database is known to be out of reach.
    #[error("the database is unavailable; try again shortly")]
    DatabaseUnreachable,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl ApiError {
    fn answer(&self) -> Answer {
        let message = self.to_string();
        match self {
            ApiError::RouteNotFound(path) => Answer::new(ErrorCode::NotFound, format!("no API route at {path}")),
            ApiError::MethodNotAllowed { .. } => Answer::new(ErrorCode::MethodNotAllowed, message),
            ApiError::BadRequest { message, .. } => Answer::new(ErrorCode::BadRequest, message.clone()),
            ApiError::RateLimited { retry_after } => Answer {
                retry_after: Some(retry_after.as_secs().max(1)),
                ..Answer::new(ErrorCode::RateLimited, message)
            },
            ApiError::DatabaseUnreachable => Answer {
                retry_after: Some(1),
                ..Answer::new(ErrorCode::Unavailable, message)
            },
            ApiError::Service(error) => error.answer(),
        }
    }

    /// Most codes have one status; an unreadable body keeps the one its reader chose (413
    /// for one too large, 415 for the wrong type).
    fn status(&self, answer: &Answer) -> StatusCode {
        match self {
            ApiError::BadRequest { status, .. } => *status,
            _ => StatusCode::from_u16(answer.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    /// A refusal made before the request reached its handler, in the error shape of what was
    /// asked for: server functions (`/rpc/`) read `AppError`, the REST API its own body.
    pub fn refusal(self, path: &str) -> Response {
        if !path.starts_with("/rpc/") {
            return self.into_response();
        }
        let answer = self.answer();
        let error = app::api::AppError::new(answer.code, answer.message.clone());
        respond(self.status(&answer), &answer, Json(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let answer = self.answer();
        let body = ErrorBody {
            success: false,
            error: ErrorDetail {
                code: answer.code,
                message: answer.message.clone(),
                fields: answer.fields.clone(),
            },
        };
        respond(self.status(&answer), &answer, Json(body))
    }
}

fn respond(status: StatusCode, answer: &Answer, body: impl IntoResponse) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().extend(answer.headers());
    response
}
