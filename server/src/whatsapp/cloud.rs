//! The Cloud API transport: replies go out through Meta's Graph API (`POST
//! {graph}/{phone-number-id}/messages`); messages and receipts come in through the webhook
//! (`http::webhooks`). One task drains every Cloud API business's outbox, a reply at a time per
//! number, as any instance may: a reply is claimed before it is sent, so only one sends it.
//!
//! The Graph API picks a message's id itself, so a send that may have gone out is never
//! repeated: a reply whose answer was lost waits as failed for WhatsApp's receipt, which names
//! it by Novi's id (`biz_opaque_callback_data`).

use std::{collections::HashMap, time::Duration};

use app::{
    events::EventHub,
    services::{
        cloud::{self, Account},
        secrets::SecretBox,
        whatsapp,
    },
};
use chrono::Utc;
use entity::{
    enums::{ConnectionState, Transport},
    outbound_messages,
};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use tokio::{sync::watch, task::JoinHandle};

/// A send claimed longer ago than this and still unanswered was cut off by a crash.
const INTERRUPTED_AFTER: chrono::Duration = chrono::Duration::minutes(2);
/// How long one call to the Graph API may take.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct GraphSettings {
    /// The Graph API, version included (`WHATSAPP_GRAPH_URL`).
    pub graph_url: String,
    /// At most one send per this interval for a number.
    pub send_interval: Duration,
}

/// What the Graph API made of a send.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Sent(String),
    /// Refused for now, nothing sent: rate limits, an unreachable Graph API.
    Retry(String),
    /// The access token was refused: retried with the usual backoff while the WhatsApp page
    /// shows the connection failed, for the owner to enter a new token.
    Unauthorized(String),
    /// Never going to work as it is: an invalid number, a refused template.
    Refused(String),
    /// The request went out and no clear answer came (a timeout, a server error): it may have
    /// been sent.
    Unknown(String),
}

pub fn spawn(
    db: DatabaseConnection,
    events: EventHub,
    secrets: SecretBox,
    settings: GraphSettings,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("an HTTP client with a timeout");
        let mut states: HashMap<i64, ConnectionState> = HashMap::new();
        loop {
            match due_accounts(&db, &secrets).await {
                Ok(accounts) => {
                    for account in accounts {
                        let before = states.get(&account.business_id).copied();
                        // Only a send tells; until the first, the number counts as connected.
                        let state = drain_one(&db, &client, &settings, &account)
                            .await
                            .or(before)
                            .unwrap_or(ConnectionState::Connected);
                        if before != Some(state) {
                            states.insert(account.business_id, state);
                            report(&db, &events, &account, state).await;
                        }
                    }
                }
                Err(error) => tracing::error!(%error, "cannot read the Cloud API accounts"),
            }
            tokio::select! {
                _ = stop.changed() => break,
                () = tokio::time::sleep(settings.send_interval) => {}
            }
        }
    })
}

/// The accounts of active businesses with WhatsApp on.
async fn due_accounts(db: &DatabaseConnection, secrets: &SecretBox) -> Result<Vec<Account>, app::error::ServiceError> {
    let enabled = whatsapp::enabled_businesses(db).await?;
    Ok(cloud::accounts(db, secrets)
        .await?
        .into_iter()
        .filter(|account| enabled.contains(&account.business_id))
        .collect())
}

/// Sends the business's next reply, if one is due; answers the connection's state when a send
/// showed it.
async fn drain_one(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    settings: &GraphSettings,
    account: &Account,
) -> Option<ConnectionState> {
    let business = account.business_id;
    if let Err(error) = whatsapp::interrupted_cloud_sends(db, business, Utc::now() - INTERRUPTED_AFTER).await {
        tracing::error!(business, %error, "cannot set interrupted Cloud API sends aside");
    }
    let row = match whatsapp::next_cloud_outbound(db, business).await {
        Ok(row) => row?,
        Err(error) => {
            tracing::error!(business, %error, "cannot read the outbox");
            return None;
        }
    };
    let (state, recorded) = match message_for(db, account, &row).await {
        Err(Unsendable::Held(reason)) => (None, whatsapp::outbound_given_up(db, row.id, &reason).await),
        Err(Unsendable::NotNow(reason)) => (None, whatsapp::outbound_failed(db, &row, &reason).await),
        Ok(message) => match send(client, settings, account, &message).await {
            Outcome::Sent(id) => (
                Some(ConnectionState::Connected),
                whatsapp::outbound_sent(db, row.id, &id).await,
            ),
            Outcome::Retry(reason) => (None, whatsapp::outbound_failed(db, &row, &reason).await),
            Outcome::Unauthorized(reason) => (
                Some(ConnectionState::Failed),
                whatsapp::outbound_failed(db, &row, &reason).await,
            ),
            Outcome::Refused(reason) | Outcome::Unknown(reason) => (
                Some(ConnectionState::Connected),
                whatsapp::outbound_given_up(db, row.id, &reason).await,
            ),
        },
    };
    if let Err(error) = recorded {
        tracing::error!(business, reply = row.id, %error, "cannot record a Cloud API send");
    }
    state
}

/// Why a reply does not go out now.
enum Unsendable {
    /// Never as it is: it waits, failed with the reason, for staff.
    Held(String),
    /// Not this time: tried again later.
    NotNow(String),
}

/// The Graph API message for a reply: free text inside the 24-hour window, else the business's
/// approved template.
async fn message_for(
    db: &DatabaseConnection,
    account: &Account,
    row: &outbound_messages::Model,
) -> Result<Value, Unsendable> {
    let Some(to) = row.chat_id.strip_suffix("@c.us") else {
        return Err(Unsendable::Held(
            "the Cloud API cannot write to WhatsApp groups; answer from the phone".into(),
        ));
    };
    let open = cloud::within_window(db, account.business_id, &row.chat_id, Utc::now())
        .await
        .map_err(|error| Unsendable::NotNow(error.to_string()))?;
    let mut message = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "biz_opaque_callback_data": row.external_id,
    });
    if open {
        message["type"] = json!("text");
        message["text"] = json!({ "body": row.body, "preview_url": true });
        if let Some(quoted) = &row.quoted_external_id {
            message["context"] = json!({ "message_id": quoted });
        }
        return Ok(message);
    }
    let Some((name, language)) = &account.template else {
        return Err(Unsendable::Held(
            "held: the customer last wrote more than 24 hours ago, and WhatsApp then accepts only an approved \
             template; set one in the Cloud API settings, or answer from the phone"
                .into(),
        ));
    };
    message["type"] = json!("template");
    message["template"] = json!({
        "name": name,
        "language": { "code": language },
        "components": [{ "type": "body", "parameters": [{ "type": "text", "text": one_line(&row.body) }] }],
    });
    Ok(message)
}

/// A template parameter may hold no line breaks, tabs or runs of spaces, and at most 1,024
/// characters: the reply's lines joined with " · ".
fn one_line(text: &str) -> String {
    let joined = text
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    joined.chars().take(1024).collect()
}

async fn send(client: &reqwest::Client, settings: &GraphSettings, account: &Account, message: &Value) -> Outcome {
    let url = format!("{}/{}/messages", settings.graph_url, account.phone_number_id);
    let response = match client
        .post(&url)
        .bearer_auth(&account.access_token)
        .json(message)
        .send()
        .await
    {
        Ok(response) => response,
        // Refused before anything was sent: safe to try again.
        Err(error) if error.is_connect() => return Outcome::Retry(format!("cannot reach the Graph API: {error}")),
        Err(error) => return Outcome::Unknown(format!("no answer from the Graph API ({error}); not sent again")),
    };
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return match body["messages"][0]["id"].as_str() {
            Some(id) => Outcome::Sent(id.to_string()),
            None => Outcome::Unknown("the Graph API accepted the message without an id".into()),
        };
    }
    classify(status.as_u16(), &body["error"])
}

/// Meta's error codes: <https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes>.
fn classify(status: u16, error: &Value) -> Outcome {
    let code = error["code"].as_i64().unwrap_or_default();
    let reason = format!(
        "the Graph API refused it ({code}): {}",
        error["message"].as_str().unwrap_or("no message")
    );
    // Throttling refuses before sending; a server error may come after WhatsApp took the
    // message, so it is not repeated.
    match (status, code) {
        (401, _) | (_, 190) => Outcome::Unauthorized(reason),
        (429, _) | (_, 4 | 80007 | 130429 | 131048 | 131056) => Outcome::Retry(reason),
        (500.., _) | (_, 1 | 2 | 131000 | 131016) => Outcome::Unknown(reason),
        _ => Outcome::Refused(reason),
    }
}

/// Shows the number's state on the WhatsApp page: connected while the Graph API takes the
/// token, failed (with the owner to act) when it refuses it.
async fn report(db: &DatabaseConnection, events: &EventHub, account: &Account, state: ConnectionState) {
    let business = account.business_id;
    if let Err(error) = whatsapp::record_state(db, business, Transport::Cloud, state, None, None).await {
        tracing::error!(business, %error, "cannot record the Cloud API state");
        return;
    }
    events.publish(app::events::Event {
        business_id: business,
        kind: app::events::EventKind::WhatsappState,
        data: json!({ "state": state, "transport": "cloud", "since": Utc::now() }),
    });
    if state == ConnectionState::Failed {
        tracing::warn!(
            business,
            "the Graph API refused the access token; the owner must enter a new one"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_parameter_is_one_line() {
        assert_eq!(
            one_line("Hi Ana!\n• 2× Margherita\t  (Large)\n\nTotal: $31.98"),
            "Hi Ana! · • 2× Margherita (Large) · Total: $31.98"
        );
    }

    #[test]
    fn graph_errors_are_retried_refused_or_raised() {
        let error = |code: i64| json!({ "code": code, "message": "m" });
        assert!(matches!(classify(429, &error(130429)), Outcome::Retry(_)));
        assert!(matches!(classify(400, &error(131056)), Outcome::Retry(_)));
        assert!(matches!(classify(503, &error(0)), Outcome::Unknown(_)));
        assert!(matches!(classify(401, &error(190)), Outcome::Unauthorized(_)));
        assert!(matches!(classify(400, &error(190)), Outcome::Unauthorized(_)));
        assert!(matches!(classify(400, &error(131026)), Outcome::Refused(_)));
        assert!(matches!(classify(400, &error(100)), Outcome::Refused(_)));
    }
}
