// The live risk queue: open items of every room, sorted as GET /api/queue sorts them, kept current by the staff
// feed (/ws/staff) without a reload, with a sound and a banner for each critical item, and each item's audience
// and time left. Kept out of the HTML so the Content-Security-Policy can forbid inline scripts.

import { signIn, api, el, showStatus, showError, serverClock } from './livejury.js';

const items = new Map();
const list = document.getElementById('items');
const cueBanner = document.getElementById('cue');
const fresh = new Set();
/** What staff typed as a stop reason, per item: rows are drawn again on every change, the words must survive it. */
const reasons = new Map();
let caller;
let audio;

/** Live rooms first, then the higher risk, then the sooner due time: the server's order. */
function order(a, b) {
  return (b.live - a.live) || (b.risk - a.risk) || (a.dueAtMs - b.dueAtMs) || a.id.localeCompare(b.id);
}

function timeLeft(item) {
  const ms = Date.parse(item.dueAt) - serverClock.now();
  const seconds = Math.round(Math.abs(ms) / 1000);
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return ms >= 0 ? { text: `剩余 / left ${text}`, late: false } : { text: `逾期 / past due ${text}`, late: true };
}

function row(item) {
  const left = timeLeft(item);
  const mine = item.claimedBy === caller.userId;
  const reason = el('input', { name: 'reason', placeholder: '叫停原因 / Reason to stop', 'aria-label': '叫停原因 / Reason to stop' });
  reason.value = reasons.get(item.id) || '';
  reason.addEventListener('input', () => reasons.set(item.id, reason.value));
  const actions = el('div', { class: 'actions' });
  if (!item.claimedBy || mine) {
    actions.append(el('button', { type: 'button', 'data-action': 'claim' }, mine ? '续期 / Renew claim' : '认领 / Claim'));
    actions.append(el('button', { type: 'button', 'data-action': 'resolve' }, '处理完毕 / Done'));
  }
  if (item.live) {
    actions.append(reason, el('button', { type: 'button', 'data-action': 'stop', class: 'danger' }, '紧急叫停 / Stop room'));
  }
  const li = el('li', { class: [item.severity, item.escalated ? 'escalated' : '', item.live ? '' : 'ended',
    fresh.has(item.id) ? 'fresh' : ''].join(' ').trim(), 'data-item': item.id },
  el('div', {},
    el('span', { class: `badge ${item.severity}` }, item.severity), ' ',
    el('span', { class: 'badge' }, item.kind), ' ',
    item.category ? el('span', { class: 'badge' }, item.category) : '', ' ',
    item.escalated ? el('span', { class: 'badge critical' }, '已升级 / escalated') : '', ' ',
    el('strong', {}, item.summary)),
  el('div', { class: 'facts' },
    el('span', { class: 'audience' }, `观众 / audience ${item.audience}`),
    el('span', { class: `remaining${left.late ? ' past-due' : ''}` }, left.text),
    el('span', {}, `风险 / risk ${item.risk}`),
    el('span', {}, `房间 / room ${item.roomId} (${item.roomStatus})`),
    el('span', {}, `主播 / streamer ${item.streamerId}`),
    item.claimedBy ? el('span', { class: 'claimed' }, `认领人 / claimed by ${item.claimedBy}`) : ''),
  actions);
  li.addEventListener('click', (event) => act(event, item, reason));
  return li;
}

function render() {
  const sorted = [...items.values()].sort(order);
  list.replaceChildren(...(sorted.length ? sorted.map(row)
    : [el('li', { class: 'empty muted' }, '没有待处理事项 / No open items')]));
  document.getElementById('count').textContent = `(${sorted.length})`;
}

async function act(event, item, reason) {
  const action = event.target.dataset && event.target.dataset.action;
  if (!action) return;
  try {
    if (action === 'claim') upsert(await api(`/api/queue/${item.id}/claim`, { method: 'POST', token: caller.token }));
    if (action === 'resolve') {
      await api(`/api/queue/${item.id}/resolve`, { method: 'POST', token: caller.token, body: { outcome: 'done' } });
      items.delete(item.id);
    }
    if (action === 'stop') {
      if (!reason.value.trim()) throw new Error('请写明叫停原因 / Say why the room is stopped');
      await api(`/api/rooms/${encodeURIComponent(item.roomId)}/stop`, { method: 'POST', token: caller.token,
        body: { reason: reason.value.trim() } });
      await refresh();
    }
    showError(null);
    render();
  } catch (error) {
    showError(error);
  }
}

function upsert(item) {
  if (item.open === false) items.delete(item.id);
  else items.set(item.id, item);
}

/** A critical item arrived or escalated: a banner, a flash of its row, and a short tone where the browser allows. */
function cue(item) {
  fresh.add(item.id);
  setTimeout(() => { fresh.delete(item.id); }, 3000);
  if (item.severity !== 'critical') return;
  cueBanner.textContent = `${item.escalated ? '已逾期未认领 / Past due, unclaimed' : '新的紧急事项 / New critical item'}: `
    + `${item.summary} · 观众 / audience ${item.audience}`;
  cueBanner.hidden = false;
  try {
    audio = audio || new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = item.escalated ? 880 : 660;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch {
    // No sound before the page was touched, in some browsers: the banner and the flash still show.
  }
}

function onFrame(frame) {
  switch (frame.type) {
    case 'queue':
      serverClock.sync(frame.serverTime, true);
      items.clear();
      frame.items.forEach(upsert);
      break;
    case 'alert':
      upsert(frame.item);
      cue(frame.item);
      break;
    case 'update': upsert(frame.item); break;
    case 'error': showError(new Error(frame.message)); break;
    default: return;
  }
  render();
}

/** The whole queue again: audiences and risks move while nothing else happens. */
async function refresh() {
  const { items: fresher } = await api('/api/queue', { token: caller.token });
  items.clear();
  fresher.forEach(upsert);
  render();
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/ws/staff?token=${encodeURIComponent(caller.token)}`);
  let opened = false;
  showStatus('connecting');
  ws.onopen = () => {
    opened = true;
    showStatus('connected');
  };
  ws.onmessage = (message) => onFrame(JSON.parse(message.data));
  ws.onclose = () => {
    const retry = () => {
      showStatus('reconnecting');
      setTimeout(connect, 1000 + Math.random() * 2000);
    };
    if (opened) {
      retry();
      return;
    }
    // Refused before it opened: a token the server does not take (401) or not staff's (403) will never do.
    api('/api/queue?limit=1', { token: caller.token }).then(retry, (error) => {
      if (error.status === 401 || error.status === 403) {
        const status = document.getElementById('status');
        status.textContent = '未连接 / not connected';
        status.dataset.state = 'refused';
        showError(error);
      } else {
        retry();
      }
    });
  };
}

signIn('staff')
  .then((signedIn) => {
    caller = signedIn;
    connect();
    setInterval(() => list.querySelectorAll('li').forEach((li) => {
      const item = items.get(li.dataset.item);
      if (!item) return;
      const left = timeLeft(item);
      const node = li.querySelector('.remaining');
      node.textContent = left.text;
      node.classList.toggle('past-due', left.late);
    }), 1000);
    setInterval(() => refresh().catch(showError), 5000);
  })
  .catch(showError);
