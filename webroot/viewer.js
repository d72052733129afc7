// The viewer page: vote with one tap, the live tally, the countdown, the verdict, and reports.
// Kept out of the HTML so the Content-Security-Policy can forbid inline scripts.

import { signIn, RoomSocket, el, showStatus, showError, countdown, tallyBars, params, OUTCOMES, ACK_WORDS, percent }
  from './livejury.js';

const roomId = params.get('room');
const cards = new Map();
let socket;
let refs = 0;
const pending = new Map();

function card(prompt) {
  if (cards.has(prompt.id)) return cards.get(prompt.id);
  const buttons = prompt.options.map((option) => el('button', {
    type: 'button', 'data-option': option.id, 'aria-pressed': 'false',
    onclick: () => vote(prompt, option),
  }, option.label));
  const tally = tallyBars(prompt.options);
  const clock = countdown(prompt.closesAt);
  const voted = el('p', { class: 'voted', 'aria-live': 'polite' });
  const verdict = el('div', { class: 'verdict', hidden: true });
  const node = el('article', { class: 'card prompt', 'data-prompt': prompt.id },
    el('h2', {}, prompt.question),
    prompt.claim ? el('p', { class: 'muted' }, `主播原话 / Streamer said: “${prompt.claim}”`) : null,
    clock,
    el('div', { class: 'options', role: 'group', 'aria-label': '选项 / Options' }, buttons),
    voted, tally, verdict);
  const entry = { prompt, node, buttons, tally, voted, verdict, clock };
  cards.set(prompt.id, entry);
  document.getElementById('idle').hidden = true;
  document.getElementById('prompts').prepend(node);
  return entry;
}

function markVoted(entry, optionId) {
  const option = entry.prompt.options.find((o) => o.id === optionId);
  entry.voted.textContent = `你投了：${option ? option.label : optionId} / You voted ${option ? option.label : optionId}`;
  entry.buttons.forEach((b) => {
    b.disabled = true;
    b.setAttribute('aria-pressed', String(b.dataset.option === optionId));
  });
}

function vote(prompt, option) {
  const ref = `b${++refs}`;
  pending.set(ref, { prompt, option });
  if (!socket.send({ type: 'ballot', ref, promptId: prompt.id, option: option.id })) {
    showError(new Error('连接已断开，正在重连 / Connection lost, reconnecting…'));
  }
}

function onAck(frame) {
  const sent = pending.get(frame.ref);
  pending.delete(frame.ref);
  if (frame.ref && frame.ref.startsWith('r')) {
    document.getElementById('report-result').textContent =
      frame.status === 'accepted' ? '已收到举报，谢谢 / Report received, thank you'
        : `${ACK_WORDS[frame.status]}${frame.reason === 'rate_limited' ? '：举报太频繁 / too many reports' : frame.reason ? `：${frame.reason}` : ''}`;
    return;
  }
  if (!sent) return;
  const entry = cards.get(sent.prompt.id);
  if (frame.status === 'accepted') markVoted(entry, sent.option.id);
  else if (frame.status === 'duplicate') markVoted(entry, frame.voted || sent.option.id);
  else entry.voted.textContent = `${ACK_WORDS[frame.status] || frame.status}${frame.reason ? `（${frame.reason}）` : ''}`;
}

function onVerdict(verdict) {
  const entry = cards.get(verdict.promptId);
  if (!entry) return;
  entry.tally.update(verdict.counts, verdict.total);
  entry.clock.stop();
  entry.buttons.forEach((b) => { b.disabled = true; });
  entry.verdict.hidden = false;
  entry.verdict.className = `verdict ${verdict.outcome}`;
  entry.verdict.textContent = `结果 / Verdict: ${OUTCOMES[verdict.outcome] || verdict.outcome}` +
    ` · 置信度 / confidence ${percent(verdict.confidence)} · ${verdict.total} 票 / votes`;
}

function onFrame(frame) {
  showError(null);
  switch (frame.type) {
    case 'welcome':
      for (const prompt of frame.openPrompts) {
        const entry = card(prompt);
        // The votes already cast, at once: a tally frame comes only when the count next moves.
        if (prompt.counts) entry.tally.update(prompt.counts, prompt.total);
        if (prompt.voted) markVoted(entry, prompt.voted);
      }
      break;
    case 'prompt': card(frame.prompt); break;
    case 'tally': cards.get(frame.promptId)?.tally.update(frame.counts, frame.total); break;
    case 'verdict': onVerdict(frame.verdict); break;
    case 'ack': onAck(frame); break;
    case 'error': showError(new Error(frame.message)); break;
    default: break;
  }
}

document.getElementById('report').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  const frame = { type: 'report', ref: `r${++refs}`, category: form.elements.category.value };
  if (form.elements.text.value.trim()) frame.text = form.elements.text.value.trim();
  socket.send(frame);
});

if (!roomId) {
  showError(new Error('链接缺少房间号（?room=…） / The link has no room (?room=…)'));
} else {
  signIn('viewer')
    .then(({ token }) => {
      socket = new RoomSocket(roomId, token, { onFrame, onStatus: showStatus, onFatal: showError });
    })
    .catch(showError);
}
