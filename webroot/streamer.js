// The streamer console: live warnings, the transcript box, the audience's votes, penalties and appeals.
// Kept out of the HTML so the Content-Security-Policy can forbid inline scripts.

import { signIn, api, RoomSocket, stoppedWords, el, showStatus, showError, countdown, tallyBars, highlight, params, OUTCOMES, confidenceWords,
  CLOSED_WORDS }
  from './livejury.js';

const roomId = params.get('room');
const prompts = new Map();
const penalties = new Map();
let session;
let segments = 0;

function addWarning(warning) {
  document.getElementById('no-warnings')?.remove();
  document.getElementById('warnings').prepend(el('li', { class: warning.severity, 'data-rule': warning.ruleId },
    el('span', { class: `badge ${warning.severity}` }, warning.severity), ' ',
    el('strong', {}, warning.message),
    el('div', {}, '“', highlight(warning.evidence.text, warning.evidence.matched), '”'),
    el('div', { class: 'muted' }, new Date(warning.at).toLocaleTimeString())));
}

function addPrompt(prompt) {
  if (prompts.has(prompt.id)) return prompts.get(prompt.id);
  document.getElementById('no-prompts')?.remove();
  const tally = tallyBars(prompt.options);
  const verdict = el('div', { class: 'verdict', hidden: true });
  const clock = countdown(prompt.closesAt);
  const node = el('article', { 'data-prompt': prompt.id }, el('h3', {}, prompt.question), clock, tally, verdict);
  document.getElementById('prompts').prepend(node);
  const entry = { tally, verdict, clock };
  prompts.set(prompt.id, entry);
  // The votes already cast, at once: a tally frame comes only when the count next moves.
  if (prompt.counts) tally.update(prompt.counts, prompt.total);
  return entry;
}

function showVerdict(v) {
  const entry = prompts.get(v.promptId);
  if (!entry) return;
  entry.tally.update(v.counts, v.total);
  entry.clock.stop();
  entry.verdict.hidden = false;
  entry.verdict.className = `verdict ${v.outcome}`;
  entry.verdict.textContent = `结果 / Verdict: ${OUTCOMES[v.outcome] || v.outcome} · ${confidenceWords(v)}`;
}

// A prompt closed with no verdict (Redis lost it): the countdown stops and the card says why.
function showClosed(frame) {
  const entry = prompts.get(frame.promptId);
  if (!entry) return;
  entry.clock.stop();
  entry.verdict.hidden = false;
  entry.verdict.className = 'verdict closed';
  entry.verdict.textContent = CLOSED_WORDS[frame.reason] || frame.message;
}

function showPenalty(penalty) {
  document.getElementById('no-penalties')?.remove();
  const appeal = el('button', { type: 'button', class: 'secondary', onclick: () => appealPenalty(penalty, appeal) }, '申诉 / Appeal');
  const ends = penalty.endsAt ? `至 / until ${new Date(penalty.endsAt).toLocaleString()}` : '';
  const node = el('li', { class: penalty.status === 'active' ? 'critical' : 'warn', 'data-penalty': penalty.id },
    el('strong', {}, penalty.level), ' ', el('span', { class: 'badge' }, penalty.status), ' ', ends,
    el('div', {}, penalty.status === 'lifted' || penalty.status === 'expired' ? null : appeal));
  penalties.get(penalty.id)?.replaceWith(node);
  if (!penalties.has(penalty.id)) document.getElementById('penalties').prepend(node);
  penalties.set(penalty.id, node);
}

async function appealPenalty(penalty, button) {
  const reason = window.prompt('申诉理由 / Why should staff look again?');
  if (!reason) return;
  try {
    await api(`/api/penalties/${penalty.id}/appeal`, { method: 'POST', token: session.token, body: { reason } });
    button.replaceWith(el('span', { class: 'muted' }, '已申诉，等待复核 / Appealed, awaiting review'));
  } catch (error) {
    showError(error);
  }
}

function onFrame(frame) {
  switch (frame.type) {
    case 'welcome': frame.openPrompts.forEach(addPrompt); break;
    case 'prompt': addPrompt(frame.prompt); break;
    case 'tally': prompts.get(frame.promptId)?.tally.update(frame.counts, frame.total); break;
    case 'verdict': showVerdict(frame.verdict); break;
    case 'closed': showClosed(frame); break;
    case 'warning': addWarning(frame.warning); break;
    case 'penalty': showPenalty(frame.penalty); break;
    case 'error': showError(new Error(frame.message)); break;
    case 'stopped': showError(new Error(stoppedWords(frame.reason))); break;
    default: break;
  }
}

document.getElementById('transcript').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const text = form.elements.text.value.trim();
  if (!text) return;
  try {
    const now = Date.now();
    const reply = await api(`/api/rooms/${encodeURIComponent(roomId)}/transcript`, { method: 'POST', token: session.token,
      body: { segments: [{ id: `live-${now}-${++segments}`, startMs: now, endMs: now, text }] } });
    form.elements.text.value = '';
    showError(null);
    if (!reply.warnings.length) document.getElementById('transcript').append(el('p', { class: 'muted' }, `“${text}” 无问题 / no issue`));
  } catch (error) {
    showError(error);
  }
});

if (!roomId) {
  showError(new Error('链接缺少房间号（?room=…） / The link has no room (?room=…)'));
} else {
  signIn('streamer')
    .then(async (signedIn) => {
      session = signedIn;
      document.getElementById('room-name').textContent = `· ${roomId}`;
      new RoomSocket(roomId, session.token, { onFrame, onStatus: showStatus, onFatal: showError });
      const history = await api(`/api/penalties?subject=${encodeURIComponent(session.userId)}`, { token: session.token });
      history.items.slice().reverse().forEach(showPenalty);
    })
    .catch(showError);
}
