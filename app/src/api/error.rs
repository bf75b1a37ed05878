use std::collections::BTreeMap;

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What kind of failure an answer reports, as `code` in the REST API's error JSON and in
/// server functions' errors, with the HTTP status it goes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    MethodNotAllowed,
    BadRequest,
    Validation,
    Conflict,
    Unauthorized,
    Forbidden,
    RateLimited,
    Unavailable,
    Internal,
    /// The browser could not reach the server.
    Network,
    /// The server-function machinery failed (an encoding, a missing route).
    ServerFunction,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::BadRequest => "bad_request",
            Self::Validation => "validation",
            Self::Conflict => "conflict",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::Network => "network",
            Self::ServerFunction => "server_function",
        }
    }

    /// The HTTP status an answer with this code carries, on the REST API and server functions
    /// alike.
    pub fn status(self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::BadRequest => 400,
            Self::Validation => 422,
            Self::Conflict => 409,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::RateLimited => 429,
            Self::Unavailable => 503,
            Self::Internal | Self::Network | Self::ServerFunction => 500,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error every server function returns: the same `code`, `message` and `fields` the REST
/// API puts in its error JSON, so the dashboard can show a message next to each field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
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

    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        let code = match error {
            ServerFnErrorErr::Request(_) => ErrorCode::Network,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => ErrorCode::BadRequest,
            _ => ErrorCode::ServerFunction,
        };
        Self::new(code, error.to_string())
    }
}

/// A service's failure as the server function's answer: the same code, words and status the
/// REST API gives it (`ServiceError::answer`), and the same headers.
#[cfg(feature = "ssr")]
impl From<crate::error::ServiceError> for AppError {
    fn from(error: crate::error::ServiceError) -> Self {
        let answer = error.answer();
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = axum::http::StatusCode::from_u16(answer.code.status()) {
                response.set_status(status);
            }
            for (name, value) in answer.headers() {
                response.insert_header(name, value);
            }
        }
        Self {
            code: answer.code,
            message: answer.message,
            fields: answer.fields,
        }
    }
}
