//! What each role may do: the services enforce it, and the pages show a user only what their
//! role may use.

use entity::enums::Role;

/// What a request wants to do, checked against the caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ViewOrders,
    ManageOrders,
    ViewBusiness,
    ManageSettings,
    ManageCatalog,
    ManageUsers,
    /// Carry out deliveries assigned to one's own driver record.
    Deliver,
    Platform,
}

impl Permission {
    pub fn granted_to(self, role: Role) -> bool {
        use Permission::*;
        match role {
            Role::Admin => true,
            Role::Owner => self != Platform,
            Role::Staff => matches!(self, ViewOrders | ManageOrders | ViewBusiness),
            Role::Driver => self == Deliver,
        }
    }
}
