// The viewer page: vote with one tap, the live tally, the countdown, the verdict, and reports. A viewer who may
// not vote on a prompt is told why in plain words and gets no buttons; a prompt whose tally waits says so.
// Kept out of the HTML so the Content-Security-Policy can forbid inline scripts.

import { signIn, RoomSocket, stoppedWords, el, showStatus, showError, countdown, tallyBars, params, OUTCOMES, ACK_WORDS,
  CLOSED_WORDS, confidenceWords }
  from './livejury.js';

const NO_ROOM = '链接缺少房间号（?room=…） / The link has no room (?room=…)';

const roomId = params.get('room');
const cards = new Map();
let socket;
let refs = 0;
const pending = new Map();

// Why a viewer may not vote (the prompt's "juror" reason, or a rejected ballot's), in the viewer's words.
const NOT_ELIGIBLE = {
  late_join: () => '你在提问之后才进入直播间：只有提问前已在观看的观众可以投票'
    + ' / You joined after this question was asked: only viewers who were watching before may vote',
  new_account: (jury) => `你的账号注册不满 ${jury.minAccountDays} 天，暂不能投票`
    + ` / Your account is newer than ${jury.minAccountDays} days: it may not vote yet`,
  conflict: () => '你与这位主播或其商家有关联，不能评判此事'
    + ' / You have ties to this streamer or their merchant, so you may not judge this',
  unverified: () => '只有完成身份认证的观众可以投票 / Only verified viewers may vote on this',
  not_selected: (jury) => (jury.size
    ? `你未被抽中参加本次评审团：由约 ${jury.size} 位观众决定 / You were not drawn for this jury: ${jury.size} viewers decide`
    : '你未被抽中参加本次评审团 / You were not drawn for this jury'),
};
const RESULTS_AFTER_VOTE = '投票后显示结果 / Results appear after you vote';
const RESULTS_AT_END = '结果将在投票结束时公布 / Results at the end';
const NOT_OPEN = '本次投票已不再开放 / This vote is no longer open';

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
  const options = el('div', { class: 'options', role: 'group', 'aria-label': '选项 / Options' }, buttons);
  const juror = el('p', { class: 'juror-note', role: 'note', hidden: true });
  const mode = el('p', { class: 'tally-mode muted', hidden: true });
  const node = el('article', { class: 'card prompt', 'data-prompt': prompt.id },
    el('h2', {}, prompt.question),
    prompt.claim ? el('p', { class: 'muted' }, `主播原话 / Streamer said: “${prompt.claim}”`) : null,
    clock, options, juror, voted, mode, tally, verdict);
  const entry = { prompt, node, buttons, options, tally, voted, verdict, clock, juror, mode };
  cards.set(prompt.id, entry);
  // A tally that waits (after voting, or for the verdict) stays out of sight until counts arrive.
  if (prompt.tally === 'after_vote' || prompt.tally === 'hidden') {
    tally.hidden = true;
    mode.hidden = false;
    mode.textContent = prompt.tally === 'hidden' ? RESULTS_AT_END : RESULTS_AFTER_VOTE;
  }
  if (prompt.juror && !prompt.juror.eligible) notEligible(entry, prompt.juror.reason);
  document.getElementById('idle').hidden = true;
  document.getElementById('prompts').prepend(node);
  return entry;
}

// The viewer may not vote on this prompt: say why, and take the buttons away.
function notEligible(entry, reason) {
  const words = NOT_ELIGIBLE[reason];
  if (!words) return false;
  entry.options.hidden = true;
  entry.juror.hidden = false;
  entry.juror.textContent = words(entry.prompt.jury || {});
  if (entry.prompt.tally === 'after_vote') entry.mode.textContent = RESULTS_AT_END;
  return true;
}

function showCounts(entry, counts, total) {
  entry.tally.update(counts, total);
  entry.tally.hidden = false;
  entry.mode.hidden = true;
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
  // The store holds no such prompt (lost while this page was away): it is not open, whatever the card showed.
  else if (frame.status === 'rejected' && frame.reason === 'unknown_prompt') closeCard(entry, NOT_OPEN);
  else if (!(frame.status === 'rejected' && notEligible(entry, frame.reason))) {
    entry.voted.textContent = `${ACK_WORDS[frame.status] || frame.status}${frame.reason ? `（${frame.reason}）` : ''}`;
  }
}

function onVerdict(verdict) {
  const entry = cards.get(verdict.promptId);
  if (!entry) return;
  entry.decided = true;
  showCounts(entry, verdict.counts, verdict.total);
  entry.clock.stop();
  entry.buttons.forEach((b) => { b.disabled = true; });
  entry.verdict.hidden = false;
  entry.verdict.className = `verdict ${verdict.outcome}`;
  entry.verdict.textContent = `结果 / Verdict: ${OUTCOMES[verdict.outcome] || verdict.outcome}` +
    ` · ${confidenceWords(verdict)} · ${verdict.total} 票 / votes`;
}

// A prompt closed with no verdict here: the countdown stops, the buttons go, and the page says why.
function closeCard(entry, words) {
  entry.closed = true;
  entry.clock.stop();
  entry.buttons.forEach((b) => { b.disabled = true; });
  entry.verdict.hidden = false;
  entry.verdict.className = 'verdict closed';
  entry.verdict.textContent = words;
}

// Redis lost the prompt while this socket saw it open.
function onClosed(frame) {
  const entry = cards.get(frame.promptId);
  if (entry) closeCard(entry, CLOSED_WORDS[frame.reason] || frame.message);
}

// A welcome lists every prompt still open: a card it leaves out closed while the page was away (its verdict, if
// any, may still come) or was lost with the server's data; either way it must not stay live.
function closeMissing(openPrompts) {
  const open = new Set(openPrompts.map((prompt) => prompt.id));
  for (const [id, entry] of cards) {
    if (!open.has(id) && !entry.decided && !entry.closed) closeCard(entry, NOT_OPEN);
  }
}

/** Staff's words once the room is stopped: they stay on the page whatever comes after. */
let stopped = null;

function onFrame(frame) {
  showError(stopped ? new Error(stopped) : null);
  switch (frame.type) {
    case 'welcome':
      closeMissing(frame.openPrompts);
      for (const prompt of frame.openPrompts) {
        const entry = card(prompt);
        // The votes already cast, at once: a tally frame comes only when the count next moves.
        if (prompt.counts) showCounts(entry, prompt.counts, prompt.total);
        if (prompt.voted) markVoted(entry, prompt.voted);
      }
      break;
    case 'prompt': card(frame.prompt); break;
    case 'tally': {
      const entry = cards.get(frame.promptId);
      if (entry) showCounts(entry, frame.counts, frame.total);
      break;
    }
    case 'verdict': onVerdict(frame.verdict); break;
    case 'closed': onClosed(frame); break;
    case 'ack': onAck(frame); break;
    case 'error': showError(new Error(frame.message)); break;
    case 'stopped':
      // Nothing more can be voted on: the buttons go, and the page says why.
      document.querySelectorAll('button[data-option]').forEach((button) => { button.disabled = true; });
      stopped = stoppedWords(frame.reason);
      showError(new Error(stopped));
      break;
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

/**
 * The room cannot be joined with this link (a token the server refuses, no such room, a room that ended or was
 * stopped before the page came): the page says why, and offers nothing that could not work — no report form, no
 * vote buttons, no "stay tuned". A refused token brings the sign-in form back, which opens the page again with the
 * token typed.
 */
function refused(error) {
  showStatus('refused');
  showError(error);
  document.getElementById('idle').hidden = true;
  document.getElementById('report').closest('section').hidden = true;
  for (const button of document.querySelectorAll('button[data-option]')) button.disabled = true;
  if (error.status === 401) {
    const form = document.getElementById('signin');
    form.hidden = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const fragment = new URLSearchParams(location.hash.slice(1));
      fragment.set('token', form.elements.token.value.trim());
      location.hash = fragment.toString();
      location.reload();
    });
  }
}

if (!roomId) {
  refused(new Error(NO_ROOM));
} else {
  signIn('viewer')
    .then(({ token }) => {
      socket = new RoomSocket(roomId, token, { onFrame, onStatus: showStatus, onFatal: refused });
    })
    .catch(refused);
}
