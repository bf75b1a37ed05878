//! The HTTP layer's error and its one mapping to the JSON error body of DESIGN.md.

use std::collections::BTreeMap;

use super::responses::{ErrorBody, ErrorDetail};
use app::error::{ServiceError, Unreachable};
use axum::{
    Json,
    http::{HeaderName, HeaderValue, StatusCode, header},
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
    fn parts(&self) -> (StatusCode, &'static str, String) {
        let message = self.to_string();
        match self {
            ApiError::RouteNotFound(path) => (StatusCode::NOT_FOUND, "not_found", format!("no API route at {path}")),
            ApiError::MethodNotAllowed { .. } => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message),
            ApiError::BadRequest { status, message } => (*status, "bad_request", message.clone()),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited", message),
            ApiError::DatabaseUnreachable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", message),
            ApiError::Service(ServiceError::NotFound(_)) => (StatusCode::NOT_FOUND, "not_found", message),
            ApiError::Service(ServiceError::Validation(_)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "some fields need attention".into(),
            ),
            ApiError::Service(ServiceError::Conflict(_)) => (StatusCode::CONFLICT, "conflict", message),
            ApiError::Service(ServiceError::Unauthorized(_)) => (StatusCode::UNAUTHORIZED, "unauthorized", message),
            ApiError::Service(ServiceError::Forbidden(_)) => (StatusCode::FORBIDDEN, "forbidden", message),
            ApiError::Service(ServiceError::Database(error)) => {
                tracing::error!(%error, "database error");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    app::error::database_message(error).into(),
                )
            }
            ApiError::Service(ServiceError::Internal(error)) => {
                tracing::error!(%error, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on the server".into(),
                )
            }
        }
    }
}

impl ApiError {
    /// A refusal made before the request reached its handler, in the error shape of what was
    /// asked for: server functions (`/rpc/`) read `AppError`, the REST API its own body.
    pub fn refusal(self, path: &str) -> Response {
        if !path.starts_with("/rpc/") {
            return self.into_response();
        }
        let (status, code, message) = self.parts();
        let mut response = (status, Json(app::api::AppError::new(code, message))).into_response();
        self.add_headers(&mut response);
        response
    }

    /// When to try again, where waiting helps; and, for a request that could not reach the
    /// database, the mark the database gate takes off again.
    fn add_headers(&self, response: &mut Response) {
        let unreachable = match self {
            ApiError::Service(ServiceError::Database(error)) => Unreachable::of(error),
            _ => None,
        };
        let retry_after = match self {
            ApiError::RateLimited { retry_after } => Some(retry_after.as_secs().max(1)),
            ApiError::DatabaseUnreachable => Some(1),
            _ => unreachable.map(|_| 1),
        };
        let headers = response.headers_mut();
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(unreachable) = unreachable {
            headers.insert(
                HeaderName::from_static(Unreachable::MARK),
                HeaderValue::from_static(unreachable.as_str()),
            );
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        let fields = match &self {
            ApiError::Service(ServiceError::Validation(fields)) => fields.clone(),
            _ => BTreeMap::new(),
        };
        let body = ErrorBody {
            success: false,
            error: ErrorDetail {
                code: code.to_string(),
                message,
                fields,
            },
        };
        let mut response = (status, Json(body)).into_response();
        self.add_headers(&mut response);
        response
    }
}
