// Injected by Novi's WhatsApp worker into every WhatsApp Web document (before its own scripts
// run). It waits for WhatsApp Web's module system, then reports to Novi through the CDP binding
// `__novi` (one JSON string per event) and offers `__noviSend` and `__noviReconnect` for Novi to
// call. The modules and fields it relies on are listed in docs/whatsapp.md.
(function () {
  'use strict';
  if (window.__noviInjected) return;
  window.__noviInjected = true;

  const emit = (event) => {
    try { window.__novi(JSON.stringify(event)); } catch (error) { console.error('novi: binding missing', error); }
  };
  const optional = (name) => {
    try {
      const found = window.require(name);
      return (found && found.default) || found;
    } catch (error) {
      return null;
    }
  };
  const modules = () => {
    try {
      return {
        Socket: window.require('WAWebSocketModel').Socket,
        Conn: window.require('WAWebConnModel').Conn,
        Msg: window.require('WAWebCollections').Msg,
        Chat: window.require('WAWebCollections').Chat,
        Send: window.require('WAWebSendMsgChatAction'),
        MsgKey: optional('WAWebMsgKey'),
      };
    } catch (error) {
      return null;
    }
  };
  const phoneOf = (Conn) => (Conn.wid && Conn.wid.user ? '+' + Conn.wid.user : null);
  // WhatsApp Web's ids are Wid objects; `_serialized` is their text form ("1555…@c.us").
  const jid = (wid) => (wid && wid._serialized) || (wid ? String(wid) : null);
  const serialize = (message) => ({
    type: 'message',
    id: message.id._serialized,
    chat: jid(message.id.remote || message.from),
    group: String(jid(message.id.remote || message.from)).endsWith('@g.us'),
    author: jid(message.author || message.from),
    push_name: message.notifyName || null,
    body: message.body || '',
    msg_type: message.type,
    timestamp: message.t,
    quoted_id: message.quotedStanzaID || null,
  });

  function start(m) {
    const state = () => emit({ type: 'state', state: m.Socket.state, phone: phoneOf(m.Conn) });
    m.Socket.on('change:state', state);
    state();

    // WhatsApp Web shows its QR payload in the data-ref attribute of the QR's container.
    let lastQr = null;
    const watchQr = () => {
      const element = document.querySelector('[data-ref]');
      const qr = element ? element.getAttribute('data-ref') : null;
      if (qr && qr !== lastQr) emit({ type: 'qr', qr });
      lastQr = qr;
    };
    new MutationObserver(watchQr).observe(document.documentElement, {
      subtree: true, childList: true, attributes: true, attributeFilter: ['data-ref'],
    });
    watchQr();

    m.Msg.on('add', (message) => {
      if (message.isNewMsg && !message.id.fromMe && message.type === 'chat') emit(serialize(message));
    });
    m.Msg.on('change:body', (message) => {
      if (!message.id.fromMe) emit({ type: 'edit', id: message.id._serialized, body: message.body });
    });
    m.Msg.on('change:type', (message) => {
      if (message.type === 'revoked') emit({ type: 'revoke', id: message.id._serialized });
    });
    m.Msg.on('change:ack', (message) => {
      if (message.id.fromMe) emit({ type: 'ack', id: message.id._serialized, ack: message.ack });
    });

    // `id` is the message id Novi chose for the outbox row: a retry after a crash sends the
    // same id, which WhatsApp treats as the same message.
    window.__noviSend = async (chatId, body, quotedId, id) => {
      const existing = m.Msg.getModelsArray().find((message) => message.id.fromMe && message.id.id === id);
      if (existing) return existing.id._serialized;
      const chat = await m.Chat.find(chatId);
      // WhatsApp Web wants the id as a MsgKey where it has the module.
      const key = m.MsgKey
        ? new m.MsgKey({ fromMe: true, remote: chat.id, id, participant: undefined })
        : id;
      // It answers [message promise, result promise]; each may also be a plain value.
      const [sending, result] = await m.Send.addAndSendMsgToChat(chat, {
        id: key, body, type: 'chat', quotedMsgId: quotedId || undefined,
      });
      const message = await sending;
      await result;
      return message.id._serialized;
    };
    window.__noviCatchUp = (since) => {
      for (const message of m.Msg.getModelsArray()) {
        if (!message.id.fromMe && message.type === 'chat' && message.t >= since) emit(serialize(message));
      }
    };
    window.__noviReconnect = () => m.Socket.reconnect();
    window.__noviLogout = () => m.Socket.logout();
    emit({ type: 'ready' });
  }

  const wait = setInterval(() => {
    const found = modules();
    if (found) {
      clearInterval(wait);
      start(found);
    }
  }, 200);
})();
