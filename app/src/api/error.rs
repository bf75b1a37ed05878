use std::collections::BTreeMap;

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// The error every server function returns: the same `code`, `message` and `fields` the REST
/// API puts in its error JSON, so the dashboard can show a message next to each field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl AppError {
    /// The message followed by what is wrong with each field, for a line under a form.
    pub fn described(&self) -> String {
        let mut text = self.message.clone();
        for (field, problem) in &self.fields {
            text.push_str(&format!("; {field}: {problem}"));
        }
        text
    }

    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_string(),
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        let code = match error {
            ServerFnErrorErr::Request(_) => "network",
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => "bad_request",
            _ => "server_function",
        };
        Self::new(code, error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::error::ServiceError> for AppError {
    fn from(error: crate::error::ServiceError) -> Self {
        use crate::error::ServiceError;
        let message = error.to_string();
        let app_error = match error {
            ServiceError::NotFound(_) => Self::new("not_found", message),
            ServiceError::Validation(fields) => Self {
                fields,
                ..Self::new("validation", "some fields need attention")
            },
            ServiceError::Conflict(_) => Self::new("conflict", message),
            ServiceError::Unauthorized(_) => Self::new("unauthorized", message),
            ServiceError::Forbidden(_) => Self::new("forbidden", message),
            // Details of a server failure stay in the server log, not in the browser.
            ServiceError::Database(error) => {
                tracing::error!(%error, "database error in a server function");
                if let Some(unreachable) = crate::error::Unreachable::of(&error)
                    && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
                {
                    response.insert_header(
                        axum::http::HeaderName::from_static(crate::error::Unreachable::MARK),
                        axum::http::HeaderValue::from_static(unreachable.as_str()),
                    );
                    response.insert_header(
                        axum::http::header::RETRY_AFTER,
                        axum::http::HeaderValue::from_static("1"),
                    );
                }
                Self::new("unavailable", crate::error::database_message(&error))
            }
            ServiceError::Internal(error) => {
                tracing::error!(%error, "internal error in a server function");
                Self::new("internal", "something went wrong on the server")
            }
        };
        app_error.with_status()
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Gives the server function's HTTP answer the status the REST API would use.
    fn with_status(self) -> Self {
        use axum::http::StatusCode;
        let status = match self.code.as_str() {
            "not_found" => StatusCode::NOT_FOUND,
            "validation" => StatusCode::UNPROCESSABLE_ENTITY,
            "conflict" => StatusCode::CONFLICT,
            "unauthorized" => StatusCode::UNAUTHORIZED,
            "forbidden" => StatusCode::FORBIDDEN,
            "unavailable" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
        self
    }
}
