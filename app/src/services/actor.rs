//! Who is acting: a signed-in user (staff or a driver, from an address), a customer writing in
//! a chat, or Novi itself. Services take one of these instead of loose ids and addresses, and
//! the audit log records it.

use entity::{
    enums::{OrderStatus, Role},
    inbound_messages,
};

use crate::{error::ServiceError, services::access::Caller};

/// A signed-in user acting through the dashboard or the API, and the address they came from.
#[derive(Debug, Clone)]
pub struct User {
    pub caller: Caller,
    pub ip: Option<String>,
}

impl User {
    pub fn new(caller: Caller, ip: Option<String>) -> Self {
        Self { caller, ip }
    }
}

/// A customer writing in one of the business's chats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatCustomer {
    pub chat_id: String,
    /// Their WhatsApp id: in a group, the member who wrote.
    pub sender: String,
}

impl ChatCustomer {
    /// Who wrote `message`, where.
    pub fn of(message: &inbound_messages::Model) -> Self {
        Self {
            chat_id: message.chat_id.clone(),
            sender: message.author.clone(),
        }
    }
}

/// Who changes an order.
#[derive(Debug, Clone)]
pub enum Actor {
    Staff(User),
    Driver(User),
    Customer(ChatCustomer),
    /// Novi on the business's rules: auto-confirming, re-reading an edited message.
    System,
}

impl From<&User> for Actor {
    fn from(user: &User) -> Self {
        match user.caller.role {
            Role::Driver => Self::Driver(user.clone()),
            Role::Admin | Role::Owner | Role::Staff => Self::Staff(user.clone()),
        }
    }
}

impl Actor {
    pub fn user_id(&self) -> Option<i64> {
        self.user().map(|user| user.caller.user_id)
    }

    pub fn ip(&self) -> Option<String> {
        self.user().and_then(|user| user.ip.clone())
    }

    fn user(&self) -> Option<&User> {
        match self {
            Self::Staff(user) | Self::Driver(user) => Some(user),
            Self::Customer(_) | Self::System => None,
        }
    }

    /// Whether this actor may take an order from `from` to `next`, a step the life cycle
    /// (`OrderStatus::can_become`) allows. Staff run the whole cycle and Novi follows the
    /// business's rules; a driver only carries the order out; a customer may only call off an
    /// order nobody has confirmed yet (after that a person decides).
    pub fn may_move(&self, from: OrderStatus, next: OrderStatus) -> Result<(), ServiceError> {
        use OrderStatus::*;
        let allowed = match self {
            Self::Staff(_) | Self::System => true,
            Self::Driver(_) => matches!(next, Preparing | OutForDelivery | Delivered),
            Self::Customer(_) => next == Cancelled && matches!(from, Pending | NeedsReview),
        };
        if allowed {
            Ok(())
        } else {
            Err(ServiceError::Conflict(match self {
                Self::Customer(_) => format!(
                    "from the chat a customer may only cancel an order nobody has confirmed; this one is {from}"
                ),
                _ => format!("your role may not make an order {next}"),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User::new(
            Caller {
                user_id: 1,
                business_id: Some(7),
                role,
                must_change_password: false,
            },
            None,
        )
    }

    fn customer() -> Actor {
        Actor::Customer(ChatCustomer {
            chat_id: "1555@c.us".into(),
            sender: "1555@c.us".into(),
        })
    }

    #[test]
    fn each_actor_moves_orders_only_as_far_as_its_part() {
        use OrderStatus::*;
        let staff = Actor::from(&user(Role::Staff));
        let driver = Actor::from(&user(Role::Driver));
        assert!(matches!(driver, Actor::Driver(_)));
        assert!(staff.may_move(Confirmed, Cancelled).is_ok());
        assert!(driver.may_move(OutForDelivery, Delivered).is_ok());
        assert!(driver.may_move(Confirmed, Cancelled).is_err());
        assert!(customer().may_move(Pending, Cancelled).is_ok());
        assert!(customer().may_move(NeedsReview, Cancelled).is_ok());
        assert!(customer().may_move(Confirmed, Cancelled).is_err());
        assert!(customer().may_move(Pending, Confirmed).is_err());
        assert!(Actor::System.may_move(Pending, Confirmed).is_ok());
    }

    #[test]
    fn only_signed_in_actors_carry_an_account() {
        assert_eq!(Actor::from(&user(Role::Owner)).user_id(), Some(1));
        assert_eq!(customer().user_id(), None);
        assert_eq!(Actor::System.ip(), None);
    }
}
