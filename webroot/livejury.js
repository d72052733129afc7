// Shared by the three pages: sign-in, the JSON API, a self-healing room socket, and small DOM helpers.
// It speaks only the public contract (docs/protocol.md), so platform teams can copy it as an example.

const ERROR_WORDS = {
  unauthorized: '登录已过期或无效，请重新登录 / Your sign-in expired or is invalid',
  forbidden: '没有权限这样做 / You are not allowed to do that',
  not_found: '找不到：房间或记录不存在 / Not found: no such room or record',
  conflict: '状态冲突 / That conflicts with the current state',
  too_large: '内容太长 / That is too large',
  rate_limited: '操作太频繁，请稍后再试 / Too many requests, slow down',
  unavailable: '服务暂时不可用，请稍后再试 / Service unavailable, try again shortly',
  bad_request: '输入有误 / Invalid input',
  gone: '直播已结束 / This live room has ended',
};

export const OUTCOMES = {
  FALSE_CLAIM: '不实 / False claim',
  NOT_FALSE: '属实 / Not false',
  INCONCLUSIVE: '无定论 / Inconclusive',
  STAGED: '刻意营造 / Staged',
  NOT_STAGED: '真实 / Genuine',
};

/**
 * The options of each prompt kind as the server defines them (prompt-kinds.json): the option that condemns, the one
 * that clears (the two the verdict weighs, its decisive ballots), and the default labels, for a verdict whose prompt
 * the page no longer has.
 */
export const KIND_OPTIONS = {
  claim: { condemning: 'false', clearing: 'true', labels: { true: '属实', false: '不实', unsure: '不确定' } },
  atmosphere: { condemning: 'staged', clearing: 'genuine', labels: { staged: '刻意营造', genuine: '真实', unsure: '不确定' } },
};

export const ACK_WORDS = {
  accepted: '已计票 / Counted',
  duplicate: '你已经投过票了 / You already voted',
  closed: '投票已结束 / Voting has closed',
  rejected: '未被接受 / Not accepted',
};

// A prompt closed with no verdict (the `closed` frame), by its reason.
export const CLOSED_WORDS = {
  lost: '服务器数据丢失，本次投票已关闭，没有结果 / The server lost this vote: it is closed without a verdict',
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(ERROR_WORDS[code] ? `${ERROR_WORDS[code]} — ${message}` : message);
    this.status = status;
    this.code = code;
    this.serverMessage = message;
  }
}

/** The page's query parameters. */
export const params = new URLSearchParams(location.search);

/**
 * Signs in with the page's role: a token in the URL fragment (#token=…) is used as is; otherwise, in dev
 * mode, ?user=… (and &merchant=… for a streamer) gets a token from POST /api/dev/token; otherwise the
 * sign-in form in the page asks for a token. Resolves to {token, userId}.
 */
export async function signIn(role) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('token')) {
    return withUser(fragment.get('token'));
  }
  const user = params.get('user');
  if (user) {
    const body = { sub: user, role };
    if (params.get('merchant')) body.merchantId = params.get('merchant');
    const { token } = await api('/api/dev/token', { method: 'POST', body });
    return { token, userId: user };
  }
  return new Promise((resolve) => {
    const form = document.getElementById('signin');
    form.hidden = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      form.hidden = true;
      resolve(withUser(form.elements.token.value.trim()));
    });
  });
}

function withUser(token) {
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return { token, userId: claims.sub };
  } catch {
    return { token, userId: '?' };
  }
}

/** Calls the JSON API; failures become ApiError with the contract's code and a plain-words message. */
export async function api(path, { method = 'GET', body, token } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'unavailable', 'the server cannot be reached');
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const error = json.error || {};
    throw new ApiError(response.status, error.code || 'unavailable', error.message || response.statusText);
  }
  return json;
}

/**
 * The server's clock as this device can best tell it. A phone's own clock may be off by a minute, and a
 * countdown by it would say "closing…" with 18 s left, or "38 s left" beside the verdict. Each welcome
 * and prompt frame carries the server's time when it was sent; it arrives a little later, so the device's
 * clock is behind the server's by at least what each frame shows, and the largest such figure seen is the
 * closest. A new connection starts over, in case the device's clock itself was set since.
 */
export const serverClock = {
  offset: 0,
  sync(serverTime, fresh) {
    const at = Date.parse(serverTime);
    if (Number.isNaN(at)) return;
    const offset = at - Date.now();
    this.offset = fresh ? offset : Math.max(this.offset, offset);
  },
  now() {
    return Date.now() + this.offset;
  },
};

/**
 * A room socket that reconnects by itself. Pauses are "full jitter": random, up to a ceiling that doubles
 * from 1 s to 15 s, so the thousands of viewers a node restart drops do not all come back at the same
 * instant. onFrame gets each parsed frame; onStatus gets 'connecting', 'connected' or 'reconnecting', and
 * 'degraded' with the server's own words while it has lost its store (a `service` frame; 'connected' again
 * once it says ok). A refused handshake (bad token, unknown or ended room) is not retried: onStatus gets
 * 'refused' and onFatal an error saying why in plain words.
 */
export class RoomSocket {
  constructor(roomId, token, { onFrame, onStatus, onFatal }) {
    Object.assign(this, { roomId, token, onFrame, onStatus, onFatal, attempts: 0, opened: false });
    this.connect();
  }

  nextDelay() {
    const ceiling = Math.min(15000, 1000 * 2 ** this.attempts);
    this.attempts = Math.min(this.attempts + 1, 10);
    return Math.random() * ceiling;
  }

  connect() {
    this.onStatus(this.opened ? 'reconnecting' : 'connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws/rooms/${encodeURIComponent(this.roomId)}?token=${encodeURIComponent(this.token)}`);
    let welcomed = false;
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.serverTime) serverClock.sync(frame.serverTime, frame.type === 'welcome');
      if (frame.type === 'welcome') {
        welcomed = true;
        this.opened = true;
        this.attempts = 0;
        this.onStatus('connected');
      } else if (frame.type === 'service') {
        this.onStatus(frame.status === 'degraded' ? 'degraded' : 'connected', frame.message);
      }
      this.onFrame(frame);
    };
    ws.onclose = () => {
      this.ws = null;
      if (this.closed) return;
      if (!welcomed) {
        this.checkRoom();
        return;
      }
      this.onStatus('reconnecting');
      setTimeout(() => this.connect(), this.nextDelay());
    };
    this.ws = ws;
  }

  /**
   * A connection that never opened: find out why, in words, before trying again. A browser never shows a page
   * the body of a refused handshake, so the room is asked for over HTTP with the same token, which the server
   * refuses for the same reasons (401 token, 404 room) with the contract's error JSON.
   */
  async checkRoom() {
    try {
      const room = await api(`/api/rooms/${encodeURIComponent(this.roomId)}`, { token: this.token });
      if (room.status === 'ended') {
        this.fatal(new ApiError(410, 'gone', `room ${this.roomId} has ended`));
        return;
      }
      if (room.status === 'stopped') {
        this.fatal(new ApiError(410, 'gone', stoppedWords(room.stop && room.stop.reason)));
        return;
      }
      setTimeout(() => this.connect(), this.nextDelay());
    } catch (error) {
      if (error.status === 401 || error.status === 404) {
        this.fatal(joinRefusal(error, this.roomId));
      } else {
        this.onStatus('reconnecting');
        setTimeout(() => this.connect(), this.nextDelay());
      }
    }
  }

  /** The room cannot be joined with this link: no more attempts, the status says so and onFatal says why. */
  fatal(error) {
    this.closed = true;
    this.onStatus('refused');
    this.onFatal(error);
  }

  /** Leaves the room for good: no reconnection. */
  close() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }
}

/**
 * Why a room cannot be joined, in plain words, from the server's refusal: a token it does not accept (401) means the
 * link is no good and the person must sign in again; 404 means there is no such room.
 */
export function joinRefusal(error, roomId) {
  if (error.status === 401) {
    const refused = new Error(`${LINK_NOT_VALID}${error.serverMessage ? ` (${error.serverMessage})` : ''}`);
    refused.status = 401;
    return refused;
  }
  if (error.status === 404) {
    const refused = new Error(`没有这个直播间 / No such room: ${roomId}`);
    refused.status = 404;
    return refused;
  }
  return error;
}

export const LINK_NOT_VALID = '此链接无效，请重新登录 / This link is not valid: sign in again';

/** What a page says of a room staff stopped in an emergency, in plain words, with staff's reason. */
export function stoppedWords(reason) {
  return `直播间已被平台紧急叫停 / This live room was stopped by the platform: ${reason || '—'}`;
}

/** Creates an element: el('button', {class: 'x', onclick: f}, 'text', child…). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function showStatus(status, message) {
  const node = document.getElementById('status');
  const words = {
    connecting: '连接中… / connecting…', connected: '已连接 / connected', reconnecting: '重新连接中… / reconnecting…',
    degraded: '服务暂时异常，消息会延迟 / Service degraded',
    refused: '无法进入直播间 / Cannot join this room',
  };
  node.textContent = status === 'degraded' && message ? `${words.degraded}: ${message}` : words[status] || status;
  node.dataset.state = status;
}

export function showError(error) {
  const node = document.getElementById('error');
  node.textContent = error ? error.message : '';
  node.hidden = !error;
}

/**
 * Counting down to an ISO time by the server's clock, refreshed every second while the node is in the
 * page; stop() ends it once the verdict is in.
 */
export function countdown(closesAt) {
  const node = el('span', { class: 'countdown' });
  const end = Date.parse(closesAt);
  let timer;
  const tick = () => {
    const left = Math.max(0, Math.round((end - serverClock.now()) / 1000));
    node.textContent = left > 0 ? `剩余 ${left} 秒 / ${left}s left` : '即将揭晓 / closing…';
    if (left > 0) timer = setTimeout(tick, 1000);
  };
  tick();
  node.stop = () => {
    clearTimeout(timer);
    node.textContent = '投票已结束 / Voting closed';
  };
  return node;
}

/** Tally bars for a prompt's options; update(counts, total) moves them. */
export function tallyBars(options) {
  const rows = new Map();
  const node = el('div', { class: 'tally' });
  for (const option of options) {
    const bar = el('span', { class: 'bar' });
    const count = el('span', { class: 'count' }, '0');
    rows.set(option.id, { bar, count });
    node.append(el('div', { class: `tally-row option-${option.id}` }, el('span', { class: 'label' }, option.label),
      el('span', { class: 'track' }, bar), count));
  }
  const total = el('div', { class: 'total' }, '共 0 票 / 0 votes');
  node.append(total);
  node.update = (counts, sum) => {
    for (const [id, row] of rows) {
      const n = counts[id] || 0;
      row.bar.style.width = sum ? `${(100 * n) / sum}%` : '0';
      row.count.textContent = n;
    }
    total.textContent = `共 ${sum} 票 / ${sum} votes`;
  };
  return node;
}

/** The sentence with the matched words marked, for warnings. */
export function highlight(text, matched) {
  const terms = (matched || []).filter((t) => !t.includes('#')).sort((a, b) => b.length - a.length);
  if (!terms.length) return [text];
  const pattern = new RegExp(`(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
  return text.split(pattern).map((part, i) => (i % 2 ? el('mark', {}, part) : part));
}

export function percent(value) {
  return `${Math.round(value * 100)}%`;
}

/** A verdict's decisive ballots: those for the kind's condemning or clearing option (an abstention is not). */
export function decisiveBallots(verdict) {
  const sides = KIND_OPTIONS[verdict.kind];
  const counts = verdict.counts || {};
  return sides ? (counts[sides.condemning] || 0) + (counts[sides.clearing] || 0) : verdict.total;
}

/**
 * How sure a verdict is, in words. Its `confidence` is the Wilson lower bound of the winning side's share of the
 * decisive ballots; it is 0 when too few decisive ballots came to decide at all (below the quorum), where "0%"
 * would read as a verdict surely wrong: that case says how many there were instead.
 */
export function confidenceWords(verdict) {
  const n = decisiveBallots(verdict);
  if (verdict.outcome === 'INCONCLUSIVE' && !verdict.confidence) {
    return `票数太少，无法判定：${n} 张有效票，未达法定票数 / Too few ballots to decide: ${n} decisive `
      + `${n === 1 ? 'ballot' : 'ballots'}, below the quorum`;
  }
  const figure = `置信度 / confidence ${percent(verdict.confidence)}`;
  return verdict.outcome === 'INCONCLUSIVE' ? `${figure}: 双方都未过判定线 / neither side cleared the bar` : figure;
}
