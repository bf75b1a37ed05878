//! Accounts: registering, signing in, the team.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/auth/register`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
    pub business_name: String,
}

/// `POST /api/auth/login`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// The signed-in user, as the login answer and the dashboard show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub role: entity::enums::Role,
    pub business_id: Option<i64>,
}

/// A user as owners and admins see them in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserDto {
    pub id: i64,
    pub business_id: Option<i64>,
    pub username: String,
    pub email: String,
    pub role: entity::enums::Role,
    pub is_active: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/users`: an owner invites staff or a driver.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub email: String,
    pub username: String,
    pub role: entity::enums::Role,
}

/// `PATCH /api/users/{id}`: what changes about a user; at least one field.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserChanges {
    pub is_active: Option<bool>,
    /// `owner`, `staff` or `driver`.
    pub role: Option<entity::enums::Role>,
}

/// The answer to an invitation: the new user and the one-time password to hand over. It is
/// shown once and must be changed at the first sign-in.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invited {
    pub user: UserDto,
    pub one_time_password: String,
}

/// `POST /api/auth/password`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Passwords never reach a log line, even through `{:?}`.
macro_rules! redacted_debug {
    ($($name:ident { $($shown:ident),* }),+) => {$(
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($shown), &self.$shown))*
                    .finish_non_exhaustive()
            }
        }
    )+};
}

redacted_debug!(
    Registration {
        username,
        email,
        business_name
    },
    Credentials { email },
    PasswordChange {}
);
