//! Request extractors whose failures answer in the API's JSON error shape.

use std::net::SocketAddr;

use app::{
    services::{access::Caller, actor::User, auth},
    state::AppState,
};
use axum::{
    Json,
    extract::{
        ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request,
        rejection::{JsonRejection, PathRejection, QueryRejection},
    },
    http::{StatusCode, request::Parts},
};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON object as the body. Malformed JSON is a 400, a body of the wrong shape (an array
/// too: serde would read one as a struct's fields in order) a 422, too large a 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let unprocessable = |message: String| ApiError::BadRequest {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
        };
        match Json::<serde_json::Value>::from_request(request, state).await {
            Ok(Json(value)) if value.is_object() => serde_path_to_error::deserialize(value)
                .map(Self)
                .map_err(|error| unprocessable(format!("the body does not fit: {error}"))),
            Ok(Json(_)) => Err(unprocessable("the body must be a JSON object".into())),
            Err(rejection) => Err(ApiError::BadRequest {
                status: match &rejection {
                    JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    JsonRejection::BytesRejection(bytes) => bytes.status(),
                    _ => StatusCode::BAD_REQUEST,
                },
                message: rejection.body_text(),
            }),
        }
    }
}

/// Query parameters; values of the wrong type are a 422 naming the problem.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| ApiError::BadRequest {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: rejection.body_text(),
            })
    }
}

/// Path parameters; an id that is not a number is a 400.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|rejection: PathRejection| ApiError::BadRequest {
                status: StatusCode::BAD_REQUEST,
                message: rejection.body_text(),
            })
    }
}

/// The signed-in caller, from `Authorization: Bearer …` or the dashboard's session cookie.
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token =
            auth::token_from_headers(&parts.headers).ok_or(app::error::ServiceError::Unauthorized("sign in first"))?;
        Ok(Self(
            auth::authenticate(&state.db, &state.tokens, &state.callers, &token).await?,
        ))
    }
}

/// The signed-in user and the address they came from, for a handler that changes something
/// (the audit log records both).
pub struct Acting(pub User);

impl FromRequestParts<AppState> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated(caller) = Authenticated::from_request_parts(parts, state).await?;
        Ok(Self(User::new(caller, peer_ip(&parts.extensions))))
    }
}

/// The peer's IP address, for the audit log.
pub struct ClientIp(pub Option<String>);

/// The peer's IP address, as the listener recorded it.
pub fn peer_ip(extensions: &axum::http::Extensions) -> Option<String> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(peer_ip(&parts.extensions)))
    }
}
