// The Telegram Bot API emulator the distribution tests run: telegram-test-api 4.2.1 (in this process),
// behind a small shim that adds what it lacks (see shared/design/TELEGRAM-EMULATOR.md):
//   - getUpdates long polling: `timeout` holds an empty poll until an update arrives or it runs out;
//   - `offset` with redelivery: updates stay until a poll with a higher offset confirms them (the emulator
//     forgets an update as soon as it hands it out); a newer poll ends an older waiting one with 409, and
//     getUpdates while a webhook is set is a 409, as on Telegram;
//   - setMyCommands / getMyCommands / deleteMyCommands, sendChatAction, getWebhookInfo;
//   - injected failures: the next N calls of a method answer an error (429 with retry_after, 5xx, 401) or hang;
//   - webhooks with the secret token header (X-Telegram-Bot-Api-Secret-Token), retried until accepted;
//   - a log of every bot call, for the tests' assertions.
// Everything else (sendMessage, editMessageText, getMe, the client routes /sendMessage, /sendCommand,
// /getUpdatesHistory) is the emulator's own.
//
//   node telegram-shim.cjs [PORT]      (0 or nothing: a free port) -> prints "listening http://127.0.0.1:PORT"
//
// Control routes (loopback only, like everything here):
//   POST /__shim/fail  {method, times, status, description, retryAfter, hangMs, token}
//   GET  /__shim/calls?since=N         -> {calls:[{seq, token, method, params, result, status, at, t}], next}
//                                         (method __inject: a user message injected; __model: a model call)
//   GET  /__shim/state                 -> pending updates, offsets, webhooks, commands per token
//   POST /v1/chat/completions          a model for the agents: "echo: <text>"; texts with "hold" wait for
//   POST /__shim/release               which answers them
'use strict';
const express = require('express');
const TelegramServer = require('telegram-test-api');

process.on('unhandledRejection', (e) => console.error('emulator: unhandled rejection:', e && e.message));

const port = Number(process.argv[2] || process.env.PORT || 0);
const tg = new TelegramServer({ host: '127.0.0.1', port, storeTimeout: 24 * 3600 });
const app = express();
app.use(express.json({ limit: '10mb' }));
app.use(express.urlencoded({ extended: true }));

const calls = [];          // every bot call
const failures = [];       // {method, token, times, status, description, retryAfter, hangMs}
const queues = new Map();  // token -> delivered but unconfirmed updates (in update_id order)
const polls = new Map();   // token -> the newest waiting poll's id
const webhooks = new Map(); // token -> {url, secret}
const commands = new Map(); // token -> commands
let pollSeq = 0;

const params = (req) => Object.assign({}, req.query, req.body || {});
const tokenOf = (req) => req.params.token;
const fail = (res, status, description, retryAfter) => {
  const body = { ok: false, error_code: status, description };
  if (retryAfter != null) body.parameters = { retry_after: retryAfter };
  res.status(status).json(body);
};

// Every bot call is logged, then may be answered with an injected failure.
app.all('/bot:token/:method', (req, res, next) => {
  const token = tokenOf(req);
  const method = req.params.method;
  const call = { seq: calls.length, token, method, params: params(req), at: Date.now(), t: performance.now() };
  calls.push(call);
  if (method !== 'getUpdates') {
    // what the bot got back (the message ids of sendMessage), for the tests
    const json = res.json.bind(res);
    res.json = (body) => { call.status = res.statusCode; call.result = body && body.result; return json(body); };
  }
  const f = failures.find((x) => x.method === method && (!x.token || x.token === token) && x.times > 0);
  if (!f) return next();
  f.times--;
  if (f.hangMs) {
    setTimeout(() => { if (!res.writableEnded) next(); }, f.hangMs);
    return;
  }
  fail(res, f.status, f.description || ('injected ' + f.status), f.retryAfter);
});

function queueOf(token) {
  if (!queues.has(token)) queues.set(token, []);
  return queues.get(token);
}

// getUpdates: offset confirms, timeout holds, a newer poll ends an older one.
app.all('/bot:token/getUpdates', (req, res) => {
  const token = tokenOf(req);
  const p = params(req);
  if (webhooks.has(token)) {
    return fail(res, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  }
  const offset = Number(p.offset || 0);
  const timeout = Math.max(0, Number(p.timeout || 0));
  const limit = Math.min(100, Math.max(1, Number(p.limit || 100)));
  const me = ++pollSeq;
  polls.set(token, me);
  const take = () => {
    const q = queueOf(token);
    for (const u of tg.getUpdates(token)) q.push(u); // the emulator hands each update out once
    if (offset > 0) {
      while (q.length && q[0].update_id < offset) q.shift(); // confirmed by this offset
    }
    return q.slice(0, limit);
  };
  let got = take();
  if (got.length || timeout === 0) return res.json({ ok: true, result: got });
  let done = false;
  const finish = (fn) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    clearInterval(conflictCheck);
    tg.off('AddedUserMessage', wake);
    tg.off('AddedUserCommand', wake);
    tg.off('AddedUserCallbackQuery', wake);
    fn();
  };
  const wake = () => setImmediate(() => finish(() => res.json({ ok: true, result: take() })));
  const timer = setTimeout(() => finish(() => res.json({ ok: true, result: take() })), timeout * 1000);
  const conflictCheck = setInterval(() => {
    if (polls.get(token) !== me) finish(() => fail(res, 409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
  }, 20);
  tg.on('AddedUserMessage', wake);
  tg.on('AddedUserCommand', wake);
  tg.on('AddedUserCallbackQuery', wake);
  res.on('close', () => finish(() => {})); // the client went away (req 'close' only means its body was read)
});

// What the emulator does not have.
app.all('/bot:token/setMyCommands', (req, res) => {
  const p = params(req);
  let cmds = p.commands;
  if (typeof cmds === 'string') { try { cmds = JSON.parse(cmds); } catch (e) { return fail(res, 400, 'Bad Request: commands must be JSON'); } }
  if (!Array.isArray(cmds)) return fail(res, 400, 'Bad Request: commands must be an array');
  for (const c of cmds) {
    if (!/^[a-z0-9_]{1,32}$/.test(c.command || '') || !c.description || c.description.length > 256) {
      return fail(res, 400, 'Bad Request: BOT_COMMAND_INVALID');
    }
  }
  commands.set(tokenOf(req), cmds);
  res.json({ ok: true, result: true });
});
app.all('/bot:token/getMyCommands', (req, res) => res.json({ ok: true, result: commands.get(tokenOf(req)) || [] }));
app.all('/bot:token/deleteMyCommands', (req, res) => { commands.delete(tokenOf(req)); res.json({ ok: true, result: true }); });
app.all('/bot:token/sendChatAction', (req, res) => {
  const p = params(req);
  if (!p.chat_id || !p.action) return fail(res, 400, 'Bad Request: chat_id and action are required');
  res.json({ ok: true, result: true });
});
app.all('/bot:token/getWebhookInfo', (req, res) => {
  const w = webhooks.get(tokenOf(req));
  res.json({ ok: true, result: { url: w ? w.url : '', has_custom_certificate: false, pending_update_count: 0 } });
});

// Webhooks: the emulator posts to the shim, which forwards with the secret header and retries until accepted.
app.all('/bot:token/setWebhook', (req, res) => {
  const token = tokenOf(req);
  const p = params(req);
  if (!p.url) return fail(res, 400, 'Bad Request: bad webhook: URL must be set');
  webhooks.set(token, { url: p.url, secret: p.secret_token || null });
  tg.setWebhook({ url: `http://127.0.0.1:${server.address().port}/__shim/webhook/${encodeURIComponent(token)}` }, token);
  res.json({ ok: true, result: true, description: 'Webhook was set' });
});
app.all('/bot:token/deleteWebhook', (req, res) => {
  webhooks.delete(tokenOf(req));
  tg.deleteWebhook(tokenOf(req));
  res.json({ ok: true, result: true, description: 'Webhook was deleted' });
});
app.post('/__shim/webhook/:token', (req, res) => {
  const token = req.params.token;
  const update = req.body;
  res.json({ ok: true }); // the emulator must never see a failure (it would lose the update)
  const deliver = async (attempt) => {
    const w = webhooks.get(token);
    if (!w) return;
    const headers = { 'Content-Type': 'application/json' };
    if (w.secret) headers['X-Telegram-Bot-Api-Secret-Token'] = w.secret;
    let status = 0;
    try {
      const r = await fetch(w.url, { method: 'POST', headers, body: JSON.stringify(update) });
      status = r.status;
    } catch (e) {
      status = -1;
    }
    calls.push({ seq: calls.length, token, method: '__webhook', params: { update_id: update.update_id, status, attempt }, at: Date.now(), t: performance.now() });
    if ((status < 200 || status > 299) && attempt < 120) setTimeout(() => deliver(attempt + 1), Math.min(2000, 100 * attempt));
  };
  deliver(1);
});

// A model for the agents (OpenAI chat completions, not streamed): "echo: <last user message>"; a message
// containing "hold" waits (the first time it is asked) until POST /__shim/release (or 120 s), so a test can
// stop the gateway mid-turn; asked again (the turn replayed after a restart) it is answered at once.
let held = [];
const heldOnce = new Set();
app.post('/v1/chat/completions', (req, res) => {
  const msgs = (req.body && req.body.messages) || [];
  const last = [...msgs].reverse().find((m) => m.role === 'user');
  const text = last ? String(last.content) : '';
  calls.push({ seq: calls.length, token: null, method: '__model', params: { text }, at: Date.now(), t: performance.now() });
  const answer = () => {
    if (res.writableEnded) return;
    res.json({ id: 'cmpl-' + calls.length, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'shim',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'echo: ' + text } }] });
  };
  if (!text.includes('hold') || heldOnce.has(text)) return answer(); // held the first time only: a replayed turn is answered
  heldOnce.add(text);
  const t = setTimeout(answer, 120000);
  held.push(() => { clearTimeout(t); answer(); });
});
app.post('/__shim/release', (req, res) => {
  const n = held.length;
  held.forEach((f) => f());
  held = [];
  res.json({ ok: true, released: n });
});

// Control.
app.post('/__shim/fail', (req, res) => {
  const b = req.body || {};
  if (!b.method) return res.status(400).json({ ok: false, description: 'method required' });
  failures.push({ method: b.method, token: b.token || null, times: Number(b.times || 1), status: Number(b.status || 500),
    description: b.description, retryAfter: b.retryAfter == null ? null : Number(b.retryAfter), hangMs: Number(b.hangMs || 0) });
  res.json({ ok: true });
});
app.get('/__shim/calls', (req, res) => {
  const since = Number(req.query.since || 0);
  res.json({ calls: calls.slice(since), next: calls.length });
});
app.get('/__shim/state', (req, res) => {
  const pending = {};
  for (const [t, q] of queues) pending[t] = q.map((u) => u.update_id);
  res.json({ pending, webhooks: Object.fromEntries([...webhooks].map(([t, w]) => [t, w.url])), commands: Object.fromEntries(commands) });
});

// Injections through the emulator's client route are logged too (with the monotonic time `t` in ms, as
// every entry), so that a benchmark can time "update available" to "reply sent" on one clock.
app.post('/sendMessage', (req, res, next) => {
  const b = req.body || {};
  calls.push({ seq: calls.length, token: b.botToken, method: '__inject', params: { text: b.text, chat_id: b.chat && b.chat.id },
    at: Date.now(), t: performance.now() });
  next();
});

// The emulator's own routes: client injection, sendMessage, editMessageText, getMe, history, ...
app.use(tg.webServer);

const server = app.listen(port, '127.0.0.1', () => {
  console.log('listening http://127.0.0.1:' + server.address().port);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(() => process.exit(0), 1000 * Number(process.env.SHIM_MAX_SECONDS || 1800)).unref();
