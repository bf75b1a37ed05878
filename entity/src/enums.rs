//! Enums stored as short strings. Without the `orm` feature they are plain serde enums, which is
//! how the browser build sees them.

#[cfg(feature = "orm")]
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares a stored enum once: its variants, their text in the database and on the wire.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "orm", derive(EnumIter, DeriveActiveEnum))]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "orm", sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))"))]
        // The same names as the variants' own renames: the OpenAPI description reads this one.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                #[serde(rename = $text)]
                #[cfg_attr(feature = "orm", sea_orm(string_value = $text))]
                $variant,
            )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(UnknownValue(other.to_owned())),
                }
            }
        }
    };
}

/// A string that names no variant of the enum it was parsed as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue(pub String);

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown value `{}`", self.0)
    }
}

impl std::error::Error for UnknownValue {}

stored_enum! {
    /// What a user may do: `admin` runs the platform, the others belong to one business.
    Role { Admin = "admin", Owner = "owner", Staff = "staff", Driver = "driver" }
}

stored_enum! {
    /// Where an order stands; see `OrderStatus::can_become` for the allowed steps.
    OrderStatus {
        Pending = "pending",
        NeedsReview = "needs_review",
        Confirmed = "confirmed",
        Preparing = "preparing",
        OutForDelivery = "out_for_delivery",
        Delivered = "delivered",
        Cancelled = "cancelled",
    }
}

stored_enum! {
    /// How the order reaches the customer: brought by a driver, or collected at the shop.
    Fulfilment { Delivery = "delivery", Pickup = "pickup" }
}

stored_enum! {
    /// How the customer says they will pay.
    PaymentMethod { Cash = "cash", Card = "card", Pix = "pix", Transfer = "transfer", Other = "other" }
}

impl OrderStatus {
    /// Statuses that still need someone's attention; the partial indexes cover exactly these.
    pub const ACTIVE: &'static [OrderStatus] = &[
        OrderStatus::Pending,
        OrderStatus::NeedsReview,
        OrderStatus::Confirmed,
        OrderStatus::Preparing,
        OrderStatus::OutForDelivery,
    ];

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }

    /// The order life cycle: forward one step at a time, review resolves to pending or
    /// cancelled (and a pending order whose message no longer reads well goes back to it), and
    /// anything not yet delivered may be cancelled.
    pub fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Pending, Confirmed)
                | (Confirmed, Preparing)
                | (Preparing, OutForDelivery)
                | (OutForDelivery, Delivered)
                | (NeedsReview, Pending)
                | (Pending, NeedsReview)
        ) || (next == Cancelled && self != Delivered && self != Cancelled)
    }

    /// The fewest steps `can_become` allows from here to `goal` (empty when already there),
    /// or `None` when it cannot be reached.
    pub fn path_to(self, goal: OrderStatus) -> Option<Vec<OrderStatus>> {
        let mut paths = vec![(self, Vec::new())];
        let mut seen = vec![self];
        while !paths.is_empty() {
            for (at, path) in std::mem::take(&mut paths) {
                if at == goal {
                    return Some(path);
                }
                for next in Self::ALL.iter().copied().filter(|next| at.can_become(*next)) {
                    if !seen.contains(&next) {
                        seen.push(next);
                        let mut longer = path.clone();
                        longer.push(next);
                        paths.push((next, longer));
                    }
                }
            }
        }
        None
    }
}

stored_enum! {
    /// How an order reached Novi.
    OrderSource { Whatsapp = "whatsapp", Manual = "manual", Api = "api" }
}

stored_enum! {
    /// Which WhatsApp route a message came by or leaves by.
    Transport { Web = "web", Cloud = "cloud" }
}

stored_enum! {
    /// Progress of an inbound message through the pipeline.
    InboundStatus {
        Received = "received",
        Processed = "processed",
        Ignored = "ignored",
        Failed = "failed",
    }
}

stored_enum! {
    /// Progress of a reply in the outbox, up to the recipient's receipt.
    OutboundStatus {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Delivered = "delivered",
        Read = "read",
        Failed = "failed",
    }
}

stored_enum! {
    /// What a linked WhatsApp group is for.
    GroupKind { Orders = "orders", Staff = "staff", Announcements = "announcements" }
}

stored_enum! {
    /// Progress of a delivery run.
    DeliveryStatus {
        Assigned = "assigned",
        PickedUp = "picked_up",
        Delivered = "delivered",
        Cancelled = "cancelled",
    }
}

stored_enum! {
    /// The WhatsApp connection of one business, as last reported by its worker.
    ConnectionState {
        Starting = "starting",
        Qr = "qr",
        Connected = "connected",
        Disconnected = "disconnected",
        Reconnecting = "reconnecting",
        LoggedOut = "logged_out",
        Failed = "failed",
    }
}

stored_enum! {
    /// How a scheduled backup went: `running` until it has been written and verified.
    BackupStatus {
        Running = "running",
        Verified = "verified",
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_take_the_fewest_allowed_steps() {
        use OrderStatus::*;
        assert_eq!(Confirmed.path_to(OutForDelivery), Some(vec![Preparing, OutForDelivery]));
        assert_eq!(NeedsReview.path_to(Confirmed), Some(vec![Pending, Confirmed]));
        assert_eq!(Pending.path_to(Pending), Some(vec![]));
        assert_eq!(Pending.path_to(Cancelled), Some(vec![Cancelled]));
        assert_eq!(Delivered.path_to(Cancelled), None);
        assert_eq!(Cancelled.path_to(Pending), None);
    }

    #[test]
    fn text_round_trips_for_every_variant() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse::<OrderStatus>(), Ok(*status));
        }
        assert!("shipped".parse::<OrderStatus>().is_err());
    }

    #[test]
    fn life_cycle_allows_only_the_documented_steps() {
        use OrderStatus::*;
        assert!(Pending.can_become(Confirmed));
        assert!(NeedsReview.can_become(Pending));
        assert!(OutForDelivery.can_become(Cancelled));
        assert!(!Pending.can_become(Preparing));
        assert!(!Delivered.can_become(Cancelled));
        assert!(!Cancelled.can_become(Pending));
        assert!(!Confirmed.can_become(Pending));
    }
}
