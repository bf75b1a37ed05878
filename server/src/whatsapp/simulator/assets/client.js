// The simulator's WhatsApp Web client. It offers, through window.require, the internal modules
// of WhatsApp Web that Novi's injected script uses, with the same names and the same shapes:
// WAWebSocketModel (Socket: connection state), WAWebConnModel (Conn: the linked account),
// WAWebCollections (Msg and Chat collections), WAWebSendMsgChatAction (sending). The QR string
// is shown in an element's data-ref attribute, as WhatsApp Web shows it. Everything else (the
// linked session, messages, receipts) comes from the simulator server next to this page.
(function () {
  'use strict';

  const SESSION_KEY = 'novi-simulator-session';
  const base = new URL('.', location.href);

  class Evented {
    constructor() { this.handlers = {}; }
    on(event, handler) { (this.handlers[event] = this.handlers[event] || []).push(handler); return this; }
    off(event, handler) { this.handlers[event] = (this.handlers[event] || []).filter((h) => h !== handler); return this; }
    trigger(event, ...args) {
      for (const handler of (this.handlers[event] || []).slice()) {
        try { handler(...args); } catch (error) { console.error(error); }
      }
    }
  }

  class Model extends Evented {
    constructor(fields) { super(); Object.assign(this, fields); }
    set(key, value) {
      if (this[key] === value) return;
      this[key] = value;
      this.trigger('change:' + key, this, value);
      this.trigger('change', this);
    }
  }

  // Like WhatsApp Web, which keeps only recent messages loaded (the rest stay on the phone and
  // in its storage), the page holds the latest `limit`: a long run does not grow the browser.
  class Collection extends Evented {
    constructor(forwarded, limit) { super(); this.models = new Map(); this.forwarded = forwarded; this.limit = limit; }
    get(id) { return this.models.get(id); }
    getModelsArray() { return [...this.models.values()]; }
    add(model) {
      this.models.set(model.id._serialized, model);
      if (this.models.size > this.limit) this.models.delete(this.models.keys().next().value);
      for (const key of this.forwarded) {
        model.on('change:' + key, (m, value) => this.trigger('change:' + key, m, value));
      }
      this.trigger('add', model);
      return model;
    }
  }

  const STATE = {
    OPENING: 'OPENING', PAIRING: 'PAIRING', UNPAIRED: 'UNPAIRED', UNPAIRED_IDLE: 'UNPAIRED_IDLE',
    CONNECTED: 'CONNECTED', TIMEOUT: 'TIMEOUT', CONFLICT: 'CONFLICT',
  };
  const Socket = new Model({ state: STATE.OPENING, STATE });
  const Conn = new Model({ wid: null, pushname: null, ref: null });
  const Msg = new Collection(['body', 'type', 'ack'], 2000);
  const Chat = new Collection([], 500);
  const LOG_LINES = 200;
  let token = null;
  let source = null;

  const wid = (jid) => ({ _serialized: jid, user: jid.split('@')[0], server: jid.split('@')[1] });
  const log = (text, outgoing) => {
    const item = document.createElement('li');
    item.textContent = text;
    if (outgoing) item.className = 'out';
    const lines = document.getElementById('log');
    lines.prepend(item);
    while (lines.children.length > LOG_LINES) lines.lastElementChild.remove();
  };
  const render = () => {
    document.getElementById('state').textContent = Socket.state;
    document.getElementById('me').textContent = Conn.wid ? '— +' + Conn.wid.user : '';
    const unlinked = !Conn.wid && Conn.ref;
    document.getElementById('qr').hidden = !unlinked;
    const code = document.getElementById('qr-code');
    if (unlinked) code.setAttribute('data-ref', Conn.ref); else code.removeAttribute('data-ref');
    code.textContent = unlinked ? Conn.ref : '';
  };
  Socket.on('change', render);
  Conn.on('change', render);

  async function call(path, options) {
    const response = await fetch(new URL(path, base), options);
    if (!response.ok) throw new Error(path + ': ' + response.status);
    return response.json();
  }

  async function newSession() {
    const session = await call('client/session', { method: 'POST' });
    localStorage.setItem(SESSION_KEY, session.token);
    return session.token;
  }

  // A customer's message; `isNew` is false for history synced when the page opens.
  function receive(event, isNew) {
    const chat = event.chat;
    const group = chat.endsWith('@g.us');
    const author = event.from.replace('+', '') + '@c.us';
    Msg.add(new Model({
      id: { fromMe: false, remote: wid(chat), id: event.id, _serialized: event.id },
      from: wid(chat),
      to: Conn.wid,
      author: group ? wid(author) : undefined,
      notifyName: event.name || '',
      body: event.body,
      type: 'chat',
      t: Math.floor(Date.parse(event.at) / 1000),
      isNewMsg: isNew,
      ack: 1,
      quotedStanzaID: event.quoted_id || undefined,
    }));
    if (isNew) log((event.name || event.from) + ': ' + event.body);
  }

  function handle(event) {
    switch (event.type) {
      case 'qr':
        Conn.wid = null;
        Conn.set('ref', event.qr);
        Socket.set('state', STATE.UNPAIRED);
        break;
      case 'paired':
        Conn.wid = wid(event.phone.replace('+', '') + '@c.us');
        Conn.set('pushname', event.pushname);
        Conn.set('ref', null);
        Socket.set('state', STATE.CONNECTED);
        break;
      case 'message':
        receive(event, true);
        break;
      case 'history':
        event.messages.forEach((message) => receive(message, false));
        break;
      case 'edit': {
        const message = Msg.get(event.id);
        if (message) message.set('body', event.body);
        break;
      }
      case 'revoke': {
        const message = Msg.get(event.id);
        if (message) message.set('type', 'revoked');
        break;
      }
      case 'ack': {
        const message = Msg.get(event.id);
        if (message) message.set('ack', event.ack);
        break;
      }
      case 'logged_out':
        localStorage.removeItem(SESSION_KEY);
        Conn.wid = null;
        Conn.set('pushname', null);
        Socket.set('state', STATE.UNPAIRED);
        reconnect();
        break;
    }
  }

  // Connects the event stream; a lost stream leaves the socket in TIMEOUT until reconnect().
  async function connect() {
    if (source) source.close();
    Socket.set('state', STATE.OPENING);
    token = localStorage.getItem(SESSION_KEY);
    if (token) {
      const known = await fetch(new URL('client/session?token=' + encodeURIComponent(token), base));
      if (known.status === 404) token = null;
    }
    if (!token) token = await newSession();
    if (source) source.close();
    const stream = new EventSource(new URL('client/events?token=' + encodeURIComponent(token), base));
    source = stream;
    stream.onmessage = (message) => handle(JSON.parse(message.data));
    stream.onerror = () => {
      stream.close();
      if (source !== stream) return;
      source = null;
      Socket.set('state', STATE.TIMEOUT);
    };
  }

  function reconnect() {
    connect().catch((error) => { console.error(error); Socket.set('state', STATE.TIMEOUT); });
  }
  Socket.reconnect = reconnect;
  // Unlinking from this device, as WhatsApp Web's "Log out" does.
  Socket.logout = () => call('client/logout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });

  Chat.find = async (jid) => Chat.get(jid) || Chat.add(new Model({ id: wid(jid) }));

  // A message key as WhatsApp Web builds one: who, where, and the id the sender chose.
  class MsgKey {
    constructor({ fromMe, remote, id, participant }) {
      Object.assign(this, { fromMe, remote, id, participant });
      this._serialized = [fromMe, remote._serialized || remote, id].join('_');
    }
  }

  // Like WhatsApp Web's: answers [the message, the send's result] as two promises.
  const SendMsgChatAction = {
    addAndSendMsgToChat(chat, props) {
      const sending = (async () => {
        if (Socket.state !== STATE.CONNECTED) throw new Error('not connected');
        const id = props.id && props.id.id ? props.id.id : props.id;
        const sent = await call('client/send', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            token, chat: chat.id._serialized, body: props.body, quoted_id: props.quotedMsgId || null, id: id || null,
          }),
        });
        return Msg.add(new Model({
          id: { fromMe: true, remote: chat.id, id: id || sent.id, _serialized: sent.id },
          from: Conn.wid,
          to: chat.id,
          body: props.body,
          type: 'chat',
          t: Math.floor(Date.parse(sent.at) / 1000),
          isNewMsg: true,
          ack: 1,
        }));
      })();
      sending.then(() => log('→ ' + chat.id._serialized + ': ' + props.body, true), () => {});
      return [sending, sending.then(() => 'OK')];
    },
  };

  const modules = {
    WAWebSocketModel: { Socket, STATE },
    WAWebConnModel: { Conn },
    WAWebCollections: { Msg, Chat },
    WAWebSendMsgChatAction: SendMsgChatAction,
    WAWebMsgKey: MsgKey,
  };
  window.require = (name) => {
    if (!(name in modules)) throw new Error('Cannot find module ' + name);
    return modules[name];
  };

  render();
  reconnect();
})();
