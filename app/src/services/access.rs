//! Who may do what, and which business a request is about.

use entity::enums::Role;

use crate::error::ServiceError;
pub use crate::permissions::Permission;

/// Who is making a request: a valid token naming an account that is still active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub business_id: Option<i64>,
    pub role: Role,
    /// Invited users sign in with a one-time password and must replace it before anything else.
    pub must_change_password: bool,
}

impl Caller {
    pub fn may(&self, permission: Permission) -> bool {
        permission.granted_to(self.role)
    }

    pub fn require(&self, permission: Permission) -> Result<(), ServiceError> {
        if self.must_change_password {
            Err(ServiceError::Forbidden(
                "replace your one-time password first (POST /api/auth/password)",
            ))
        } else if self.may(permission) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("your role may not do this"))
        }
    }

    /// The business a request is about: a platform admin may name any (or none, for all);
    /// anyone else always gets their own, whatever they asked for.
    pub fn business_scope(&self, requested: Option<i64>) -> Option<i64> {
        match self.role {
            Role::Admin => requested,
            _ => self.business_id,
        }
    }

    /// The caller's own business, for resources that only exist within one.
    pub fn own_business(&self) -> Result<i64, ServiceError> {
        self.business_id.ok_or(ServiceError::Forbidden(
            "this belongs to a business; sign in as one of its users",
        ))
    }

    /// Whether a row of `business_id` is visible to this caller. Rows that are not answer 404.
    pub fn sees(&self, business_id: i64) -> bool {
        self.role == Role::Admin || self.business_id == Some(business_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            user_id: 1,
            business_id: (role != Role::Admin).then_some(7),
            role,
            must_change_password: false,
        }
    }

    #[test]
    fn roles_grant_what_their_job_needs() {
        assert!(caller(Role::Owner).may(Permission::ManageSettings));
        assert!(!caller(Role::Owner).may(Permission::Platform));
        assert!(caller(Role::Staff).may(Permission::ManageOrders));
        assert!(!caller(Role::Staff).may(Permission::ManageSettings));
        assert!(!caller(Role::Staff).may(Permission::ManageCatalog));
        assert!(!caller(Role::Staff).may(Permission::ManageUsers));
        assert!(!caller(Role::Driver).may(Permission::ViewOrders));
        assert!(caller(Role::Driver).may(Permission::Deliver));
        assert!(caller(Role::Admin).may(Permission::Platform));
    }

    #[test]
    fn a_one_time_password_must_be_replaced_first() {
        let invited = Caller {
            must_change_password: true,
            ..caller(Role::Owner)
        };
        assert!(matches!(
            invited.require(Permission::ViewOrders),
            Err(ServiceError::Forbidden(_))
        ));
    }

    #[test]
    fn only_admins_choose_the_business() {
        assert_eq!(caller(Role::Staff).business_scope(Some(99)), Some(7));
        assert_eq!(caller(Role::Admin).business_scope(Some(99)), Some(99));
        assert!(!caller(Role::Owner).sees(99));
        assert!(caller(Role::Admin).sees(99));
    }
}
