//! What the simulated WhatsApp knows: browser sessions waiting to be linked (each with a QR),
//! phones linked to them, chats, groups, every message, and what each business account sent.
//! Kept in memory and written to `state.json` in the data folder after every change, so a
//! restarted simulator remembers its linked sessions like WhatsApp's servers do.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};
use rand::{Rng, distr::Alphanumeric};
use serde::{Deserialize, Serialize};

/// Something the simulator tells a connected WhatsApp Web client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientEvent {
    /// A fresh QR string for the client to show while unlinked.
    Qr {
        qr: String,
    },
    /// A phone scanned the QR: the session is linked to that account.
    Paired {
        phone: String,
        pushname: String,
    },
    Message(Message),
    /// Recent messages to the account, synced when a linked page opens (as WhatsApp does for a
    /// linked device); the page does not treat them as new.
    History {
        messages: Vec<Message>,
    },
    Edit {
        id: String,
        body: String,
    },
    Revoke {
        id: String,
    },
    /// A message the account sent reached the customer's phone.
    Ack {
        id: String,
        ack: u8,
    },
    /// The phone unlinked this session.
    LoggedOut,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    /// The chat as the business sees it: the customer (`15551234567@c.us`) or the group.
    pub chat: String,
    /// The business account it was sent to, as `+15550000000`.
    pub to: String,
    pub from: String,
    pub name: Option<String>,
    pub group: Option<String>,
    pub body: String,
    pub quoted_id: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    pub id: String,
    pub from: String,
    pub to: String,
    pub body: String,
    pub quoted_id: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Session {
    /// The QR string currently shown while unlinked.
    pub qr: String,
    /// The account linked to this browser session.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Account {
    /// The browser session linked to this phone, if any.
    pub session: Option<String>,
    /// Events for the linked session while no client is connected, delivered when it is.
    pub pending: VecDeque<ClientEvent>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct World {
    pub sessions: BTreeMap<String, Session>,
    pub accounts: BTreeMap<String, Account>,
    pub groups: BTreeMap<String, Group>,
    pub messages: Vec<Message>,
    pub sent: Vec<Sent>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WorldError {
    #[error("no browser session shows that QR code (it may have been refreshed)")]
    UnknownQr,
    #[error("no such session")]
    UnknownSession,
    #[error("{0} is not linked to a WhatsApp Web session")]
    NotLinked(String),
    #[error("no message with id {0}")]
    UnknownMessage(String),
    #[error("no group with id {0}")]
    UnknownGroup(String),
    #[error("{0}")]
    Invalid(&'static str),
}

/// How many recent messages a page gets when it opens.
const HISTORY: usize = 1_000;

pub fn random_id(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// `+15551234567` → `15551234567@c.us`, the way WhatsApp names a person's chat.
pub fn chat_of(phone: &str) -> String {
    format!("{}@c.us", phone.trim_start_matches('+'))
}

/// A phone number written with a leading `+` and 7 to 15 digits.
pub fn valid_phone(phone: &str) -> bool {
    phone
        .strip_prefix('+')
        .is_some_and(|digits| (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

impl World {
    /// A new browser session, unlinked, with its first QR.
    pub fn open_session(&mut self) -> (String, String) {
        let token = random_id(24);
        let qr = new_qr();
        self.sessions.insert(
            token.clone(),
            Session {
                qr: qr.clone(),
                phone: None,
            },
        );
        (token, qr)
    }

    /// A new QR for an unlinked session (WhatsApp rotates it every twenty seconds or so).
    pub fn refresh_qr(&mut self, token: &str) -> Option<String> {
        let session = self.sessions.get_mut(token).filter(|s| s.phone.is_none())?;
        session.qr = new_qr();
        Some(session.qr.clone())
    }

    /// A phone scans a QR: the session showing it becomes that account's linked device,
    /// replacing any session the phone had before.
    pub fn scan(&mut self, qr: &str, phone: &str) -> Result<String, WorldError> {
        if !valid_phone(phone) {
            return Err(WorldError::Invalid("phone must look like +15550000000"));
        }
        let token = self
            .sessions
            .iter()
            .find(|(_, session)| session.phone.is_none() && session.qr == qr)
            .map(|(token, _)| token.clone())
            .ok_or(WorldError::UnknownQr)?;
        let account = self.accounts.entry(phone.to_string()).or_default();
        if let Some(old) = account.session.replace(token.clone()) {
            self.sessions.remove(&old);
        }
        account.pending.clear();
        if let Some(session) = self.sessions.get_mut(&token) {
            session.phone = Some(phone.to_string());
        }
        Ok(token)
    }

    /// The phone unlinks its session.
    pub fn logout(&mut self, phone: &str) -> Result<String, WorldError> {
        let account = self
            .accounts
            .get_mut(phone)
            .ok_or_else(|| WorldError::NotLinked(phone.into()))?;
        let token = account
            .session
            .take()
            .ok_or_else(|| WorldError::NotLinked(phone.into()))?;
        account.pending.clear();
        self.sessions.remove(&token);
        Ok(token)
    }

    pub fn linked_session(&self, phone: &str) -> Result<String, WorldError> {
        self.accounts
            .get(phone)
            .and_then(|account| account.session.clone())
            .ok_or_else(|| WorldError::NotLinked(phone.into()))
    }

    /// The account a session is linked to.
    pub fn phone_of(&self, token: &str) -> Result<Option<String>, WorldError> {
        self.sessions
            .get(token)
            .map(|session| session.phone.clone())
            .ok_or(WorldError::UnknownSession)
    }

    pub fn create_group(&mut self, name: &str, phone: &str, members: Vec<String>) -> Result<String, WorldError> {
        if name.trim().is_empty() || !valid_phone(phone) || !members.iter().all(|m| valid_phone(m)) {
            return Err(WorldError::Invalid(
                "a group needs a name, the business phone and members' phones",
            ));
        }
        let id = format!("{}@g.us", rand::rng().random_range(100_000_000_000u64..999_999_999_999));
        let group = Group {
            id: id.clone(),
            name: name.trim().to_string(),
            phone: phone.to_string(),
            members,
        };
        self.groups.insert(id.clone(), group);
        Ok(id)
    }

    /// A customer's message to a business account. An id seen before is a redelivery of that
    /// message, sent again as it was.
    pub fn receive(&mut self, mut message: Message) -> Result<Message, WorldError> {
        if !valid_phone(&message.to) || !valid_phone(&message.from) {
            return Err(WorldError::Invalid("`to` and `from` must look like +15551234567"));
        }
        if message.body.trim().is_empty() {
            return Err(WorldError::Invalid("`body` is empty"));
        }
        if let Some(known) = self.messages.iter().find(|m| m.id == message.id) {
            return Ok(known.clone());
        }
        message.chat = match &message.group {
            Some(group) => {
                let group = self
                    .groups
                    .get(group)
                    .ok_or_else(|| WorldError::UnknownGroup(group.clone()))?;
                group.id.clone()
            }
            None => chat_of(&message.from),
        };
        self.messages.push(message.clone());
        Ok(message)
    }

    pub fn edit(&mut self, id: &str, body: &str) -> Result<Message, WorldError> {
        let message = self
            .messages
            .iter_mut()
            .find(|m| m.id == id)
            .ok_or_else(|| WorldError::UnknownMessage(id.into()))?;
        message.body = body.to_string();
        Ok(message.clone())
    }

    pub fn message(&self, id: &str) -> Result<Message, WorldError> {
        self.messages
            .iter()
            .find(|m| m.id == id)
            .cloned()
            .ok_or_else(|| WorldError::UnknownMessage(id.into()))
    }

    /// The linked session sends a text: recorded in the account's sent list. A message id the
    /// account already sent is a retry of that message, as on WhatsApp, and is not sent again.
    pub fn send(
        &mut self,
        token: &str,
        chat: &str,
        body: &str,
        quoted_id: Option<String>,
        id: Option<String>,
    ) -> Result<Sent, WorldError> {
        let from = self
            .phone_of(token)?
            .ok_or(WorldError::Invalid("the session is not linked"))?;
        if body.trim().is_empty() || !(chat.ends_with("@c.us") || chat.ends_with("@g.us")) {
            return Err(WorldError::Invalid("a send needs a chat id and a body"));
        }
        let id = id.map(|id| format!("true_{chat}_{id}"));
        if let Some(known) = self.sent.iter().find(|s| Some(&s.id) == id.as_ref() && s.from == from) {
            return Ok(known.clone());
        }
        let sent = Sent {
            id: id.unwrap_or_else(|| format!("true_{chat}_{}", random_id(20).to_uppercase())),
            from,
            to: chat.to_string(),
            body: body.to_string(),
            quoted_id,
            at: Utc::now(),
        };
        self.sent.push(sent.clone());
        Ok(sent)
    }

    /// The last day's messages to an account (at most `HISTORY`), oldest first, without those
    /// in `left_out`.
    pub fn history(&self, phone: &str, left_out: &[&str]) -> Vec<Message> {
        let since = Utc::now() - chrono::Duration::days(1);
        let mut recent: Vec<Message> = self
            .messages
            .iter()
            .rev()
            .filter(|m| m.to == phone && m.at >= since && !left_out.contains(&m.id.as_str()))
            .take(HISTORY)
            .cloned()
            .collect();
        recent.reverse();
        recent
    }

    /// Everything one account sent, oldest first.
    pub fn sent_by(&self, phone: &str) -> Vec<Sent> {
        self.sent.iter().filter(|s| s.from == phone).cloned().collect()
    }
}

fn new_qr() -> String {
    // The shape of WhatsApp Web's QR payload: a reference and three keys, comma separated.
    format!(
        "2@{},{},{},{}",
        random_id(40),
        random_id(43),
        random_id(43),
        random_id(24)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, body: &str) -> Message {
        Message {
            id: id.into(),
            chat: String::new(),
            to: "+15550000000".into(),
            from: "+15551234567".into(),
            name: Some("Maria".into()),
            group: None,
            body: body.into(),
            quoted_id: None,
            at: Utc::now(),
        }
    }

    #[test]
    fn a_scan_links_the_session_that_shows_the_qr() {
        let mut world = World::default();
        let (token, qr) = world.open_session();
        assert_eq!(world.scan("wrong", "+15550000000"), Err(WorldError::UnknownQr));
        assert_eq!(world.scan(&qr, "+15550000000").unwrap(), token);
        assert_eq!(world.phone_of(&token).unwrap().as_deref(), Some("+15550000000"));
        assert!(world.refresh_qr(&token).is_none(), "a linked session shows no QR");

        let (second, qr) = world.open_session();
        world.scan(&qr, "+15550000000").unwrap();
        assert!(world.phone_of(&token).is_err(), "linking again drops the old session");
        assert_eq!(world.logout("+15550000000").unwrap(), second);
        assert!(world.linked_session("+15550000000").is_err());
    }

    #[test]
    fn a_redelivered_message_is_the_same_message() {
        let mut world = World::default();
        let first = world.receive(message("abc", "2 margherita")).unwrap();
        assert_eq!(first.chat, "15551234567@c.us");
        let again = world.receive(message("abc", "something else")).unwrap();
        assert_eq!(again, first);
        assert_eq!(world.messages.len(), 1);
        assert!(world.receive(message("x", " ")).is_err());
    }

    #[test]
    fn group_messages_belong_to_the_group_chat() {
        let mut world = World::default();
        let group = world
            .create_group("Office lunch", "+15550000000", vec!["+15551234567".into()])
            .unwrap();
        let mut in_group = message("g1", "1 coke");
        in_group.group = Some(group.clone());
        assert_eq!(world.receive(in_group).unwrap().chat, group);
        let mut unknown = message("g2", "1 coke");
        unknown.group = Some("1@g.us".into());
        assert!(matches!(world.receive(unknown), Err(WorldError::UnknownGroup(_))));
    }
}
