//! An owner's connect or logout, recorded and passed to this instance's WhatsApp workers.

use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::mpsc;

use crate::{
    dto::SessionView,
    error::ServiceError,
    services::{
        access::Permission,
        actor::User,
        audit::{self, AuditEntry},
        businesses,
    },
};

/// What an owner can ask of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Start it again after a failure, or reconnect now.
    Connect,
    /// Unlink the phone; a new QR follows.
    Logout,
}

/// The way from the API to this instance's WhatsApp workers: an owner's connect or logout, by
/// business. Without workers (WhatsApp off) it takes nothing.
#[derive(Clone, Debug, Default)]
pub struct Control(Option<mpsc::UnboundedSender<(i64, Request)>>);

impl Control {
    pub fn new() -> (Self, mpsc::UnboundedReceiver<(i64, Request)>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Self(Some(sender)), receiver)
    }

    /// Whether WhatsApp runs on this server.
    pub fn available(&self) -> bool {
        self.0.as_ref().is_some_and(|sender| !sender.is_closed())
    }
}

/// Records an owner's request and passes it to the business's worker; answers the session as
/// it is now (the worker reports its progress as live events).
pub async fn ask(
    db: &DatabaseConnection,
    control: &Control,
    user: &User,
    wanted: Request,
) -> Result<SessionView, ServiceError> {
    let caller = &user.caller;
    if !control.available() {
        return Err(ServiceError::Conflict(
            "WhatsApp is off on this server (set NOVI_WHATSAPP)".into(),
        ));
    }
    let business = request(db, user, wanted).await?;
    if let Some(sender) = &control.0 {
        let _ = sender.send((business, wanted));
    }
    super::view(db, caller).await
}

/// Checks that the caller may ask (owners) and records the request; answers the business
/// whose worker should act.
async fn request(db: &DatabaseConnection, user: &User, request: Request) -> Result<i64, ServiceError> {
    let caller = &user.caller;
    caller.require(Permission::ManageSettings)?;
    let business_id = caller.own_business()?;
    let business = entity::businesses::Entity::find_by_id(business_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("business"))?;
    if !businesses::settings(&business).whatsapp_enabled {
        return Err(ServiceError::Conflict(
            "WhatsApp is not enabled in this business's settings".into(),
        ));
    }
    audit::record(
        db,
        AuditEntry {
            business_id: Some(business_id),
            actor_user_id: Some(caller.user_id),
            action: match request {
                Request::Connect => "whatsapp_connect",
                Request::Logout => "whatsapp_logout",
            },
            entity_type: "whatsapp_session",
            entity_id: None,
            before: None,
            after: None,
            ip: user.ip.clone(),
        },
    )
    .await?;
    Ok(business_id)
}
