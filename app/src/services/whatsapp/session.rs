//! Each business's WhatsApp session as recorded: its state, QR and phone, and which
//! businesses want one.

use chrono::Utc;
use entity::{
    enums::{ConnectionState, Transport},
    whatsapp_sessions,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::{
    dto::SessionView,
    error::ServiceError,
    services::{access::Caller, access::Permission, businesses},
};

pub async fn view(db: &DatabaseConnection, caller: &Caller) -> Result<SessionView, ServiceError> {
    caller.require(Permission::ViewBusiness)?;
    let session = whatsapp_sessions::Entity::find()
        .filter(whatsapp_sessions::Column::BusinessId.eq(caller.own_business()?))
        .one(db)
        .await?;
    Ok(match session {
        Some(session) => SessionView {
            qr: (session.state == ConnectionState::Qr)
                .then_some(session.last_qr)
                .flatten(),
            state: session.state,
            phone: session.phone,
            since: session.updated_at,
        },
        None => SessionView {
            state: ConnectionState::Disconnected,
            qr: None,
            phone: None,
            since: Utc::now(),
        },
    })
}

/// The active businesses whose settings turn WhatsApp on.
pub async fn enabled_businesses(db: &DatabaseConnection) -> Result<Vec<i64>, ServiceError> {
    let all = entity::businesses::Entity::find()
        .filter(entity::businesses::Column::IsActive.eq(true))
        .order_by_asc(entity::businesses::Column::Id)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|business| businesses::settings(business).whatsapp_enabled)
        .map(|business| business.id)
        .collect())
}

/// Records what the worker sees. The QR is kept only while one is shown; the phone once known.
pub async fn record_state(
    db: &DatabaseConnection,
    business_id: i64,
    transport: Transport,
    state: ConnectionState,
    qr: Option<String>,
    phone: Option<String>,
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let existing = whatsapp_sessions::Entity::find()
        .filter(whatsapp_sessions::Column::BusinessId.eq(business_id))
        .one(db)
        .await?;
    let connected_at = (state == ConnectionState::Connected).then_some(now);
    match existing {
        Some(session) => {
            let phone = phone.or(session.phone.clone());
            let mut row: whatsapp_sessions::ActiveModel = session.into();
            row.transport = Set(transport);
            row.state = Set(state);
            row.last_qr = Set(qr);
            row.phone = Set(phone);
            if connected_at.is_some() {
                row.last_connected_at = Set(connected_at);
            }
            row.updated_at = Set(now);
            row.update(db).await?;
        }
        None => {
            whatsapp_sessions::ActiveModel {
                business_id: Set(business_id),
                transport: Set(transport),
                state: Set(state),
                phone: Set(phone),
                last_qr: Set(qr),
                owner_instance: Set(None),
                last_connected_at: Set(connected_at),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
