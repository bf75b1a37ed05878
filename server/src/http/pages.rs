//! The dashboard's pages need a session: a visitor without one is sent to `/login` and, once
//! signed in, back to where they were going. Checked before the page renders, so a signed-out
//! visitor never sees a half-drawn page; the page's own data calls still check the account.

use app::{services::auth, state::AppState};
use axum::{
    extract::{Request, State},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

/// The signed-in part of the dashboard: `/` and these, with anything below them.
const PROTECTED: &[&str] = &[
    "/orders",
    "/catalog",
    "/whatsapp",
    "/analytics",
    "/deliveries",
    "/settings",
    "/admin",
    "/driver",
];

pub async fn require_session(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let page = request.method() == Method::GET
        && (path == "/"
            || PROTECTED
                .iter()
                .any(|root| path == *root || path.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'))));
    let signed_in =
        !page || auth::token_from_headers(request.headers()).is_some_and(|token| state.tokens.user_id(&token).is_ok());
    if signed_in {
        return next.run(request).await;
    }
    let wanted = request.uri().path_and_query().map_or("/", |target| target.as_str());
    Redirect::to(&format!("/login?next={}", encode(wanted))).into_response()
}

/// Percent-encodes a path for a query parameter.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (byte as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_survives_the_query_string() {
        assert_eq!(
            encode("/orders?status=pending&q=ana maria"),
            "/orders%3Fstatus%3Dpending%26q%3Dana%20maria"
        );
    }
}
