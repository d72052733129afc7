// The staff console: the verdict queue, the evidence, confirm / overturn, asking the audience, and teaching the
// detector (a confirmed false claim as an example of its category, a wrong warning's sentence as allowed).
// Kept out of the HTML so the Content-Security-Policy can forbid inline scripts.

import { signIn, api, el, showError, tallyBars, OUTCOMES, percent, RoomSocket, highlight, KIND_OPTIONS, confidenceWords,
  decisiveBallots } from './livejury.js';

let token;
let cursor = null;
let query = '';
/** The detector's last report (GET /api/detector/report), for its categories and rule → category map. */
let detector = null;
let live = null;

const CATEGORIES = {
  medical_claim: '医疗功效 / medical claim',
  extreme_words: '绝对化用语 / absolute words',
  price_fraud: '价格误导 / misleading price',
  fake_scarcity: '虚假稀缺 / fake scarcity',
  off_platform: '站外交易 / off-platform trading',
  allowed: '允许的说法 / allowed',
};

function categoryName(category) {
  return CATEGORIES[category] || category;
}

function figure(value, asPercent) {
  if (value === null || value === undefined) return '—';
  return asPercent ? percent(value) : (Math.round(value * 1000) / 1000).toFixed(3);
}

/** The detector panel: per category its examples, how many were taught, and the leave-one-out figures. */
async function loadDetector() {
  try {
    const [report, recent] = await Promise.all([
      api('/api/detector/report', { token }),
      api('/api/detector/examples?limit=10', { token }),
    ]);
    detector = report;
    const model = !report.modelEnabled ? '句子模型已关闭，只用词库判断 / The sentence model is off: the lexicon alone judges'
      : report.modelReady ? '句子模型已启用 / The sentence model is on'
        : '句子模型未加载，只用词库判断 / The sentence model is not loaded: the lexicon alone judges';
    document.getElementById('detector-state').textContent = `${model} · 教学样例 ${report.taught} 条 / ${report.taught} taught`;
    document.querySelector('#detector-report tbody').replaceChildren(...report.sheets.map((sheet) => el('tr', { 'data-sheet': sheet.sheet },
      el('th', { scope: 'row' }, categoryName(sheet.sheet)),
      el('td', { 'data-field': 'examples' }, sheet.examples),
      el('td', { 'data-field': 'taught' }, sheet.taught),
      sheet.threshold === null || sheet.threshold === undefined
        ? el('td', { class: 'note', colspan: 3 }, sheet.note || '—')
        : [el('td', { 'data-field': 'threshold' }, figure(sheet.threshold)),
          el('td', { 'data-field': 'precision' }, figure(sheet.precision, true)),
          el('td', { 'data-field': 'recall' }, figure(sheet.recall, true))])));
    document.getElementById('taught').replaceChildren(...(recent.items.length ? recent.items.map(taughtItem)
      : [el('li', { class: 'muted' }, '还没有教学样例 / Nothing taught yet')]));
  } catch (error) {
    showError(error);
  }
}

function taughtItem(example) {
  const undo = el('button', { type: 'button', class: 'secondary', 'data-action': 'undo' }, '撤销 / Undo');
  undo.addEventListener('click', async () => {
    undo.disabled = true;
    try {
      await api(`/api/detector/examples/${encodeURIComponent(example.id)}`, { method: 'DELETE', token });
      showError(null);
      loadDetector();
    } catch (error) {
      undo.disabled = false;
      showError(error);
    }
  });
  const from = example.source.type === 'verdict' ? `裁决 / verdict ${example.source.id}`
    : example.source.type === 'warning' ? `提醒 / warning ${example.source.id}` : '手动输入 / typed';
  return el('li', { 'data-example': example.id },
    el('span', { class: 'badge' }, categoryName(example.sheet)), ' “', example.text, '”',
    el('div', { class: 'muted' }, `${from} · ${example.by} · ${new Date(example.at).toLocaleString()}`),
    el('div', { class: 'row' }, undo));
}

/** On a false claim staff confirmed: add the claim to its category's examples. */
function teachBlock(v) {
  if (v.outcome !== 'FALSE_CLAIM' || v.calibration) return null;
  if (v.reviewStatus !== 'confirmed') {
    return el('p', { class: 'muted' }, '确认后，这句说法可以教给检测器 / Once confirmed, this claim can teach the detector');
  }
  const categories = (detector ? detector.sheets.map((s) => s.sheet) : Object.keys(CATEGORIES)).filter((c) => c !== 'allowed');
  const t = v.trigger || {};
  const guess = t.category || (detector && detector.rules ? detector.rules[t.ruleId] : undefined);
  const select = el('select', { name: 'sheet', 'aria-label': '类别 / Category' },
    categories.map((c) => el('option', { value: c, selected: c === guess }, categoryName(c))));
  const button = el('button', { type: 'button', 'data-action': 'teach' });
  const label = () => {
    button.textContent = `教给检测器：把这句说法加为“${categoryName(select.value)}”的样例 / Teach: add this claim as an example of ${select.value}`;
  };
  select.addEventListener('change', label);
  label();
  const result = el('span', { class: 'muted', role: 'status' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const example = await api('/api/detector/examples', { method: 'POST', token, body: { sheet: select.value, verdictId: v.id } });
      result.textContent = `已加入 / Added: “${example.text}” → ${categoryName(example.sheet)}`;
      showError(null);
      loadDetector();
    } catch (error) {
      button.disabled = false;
      showError(error);
    }
  });
  return el('div', { class: 'teach' },
    el('label', {}, '类别 / Category', select), button, result);
}

/** A warning heard in the watched room, with the action that marks it wrong. */
function addLiveWarning(w) {
  document.getElementById('no-live-warnings')?.remove();
  const allow = el('button', { type: 'button', class: 'secondary', 'data-action': 'allow' },
    '误报：允许这句话 / Wrong warning: allow this sentence');
  allow.addEventListener('click', async () => {
    allow.disabled = true;
    try {
      await api('/api/detector/examples', { method: 'POST', token, body: { sheet: 'allowed', warningId: w.id } });
      allow.replaceWith(el('span', { class: 'muted', role: 'status' }, '已加入允许的说法 / Added to the allowed sentences'));
      showError(null);
      loadDetector();
    } catch (error) {
      allow.disabled = false;
      showError(error);
    }
  });
  document.getElementById('live-warnings').prepend(el('li', { class: w.severity, 'data-warning': w.id },
    el('span', { class: `badge ${w.severity}` }, w.severity), ' ', el('strong', {}, categoryName(w.category)), ' · ', w.message,
    el('div', {}, '“', highlight(w.evidence.text, w.evidence.matched), '”'),
    el('div', { class: 'muted' }, new Date(w.at).toLocaleTimeString()),
    el('div', { class: 'row' }, allow)));
}

const LIVE_WORDS = {
  connecting: '连接中… / connecting…', connected: '已连接，等待提醒 / Connected, waiting for warnings',
  reconnecting: '重新连接中… / reconnecting…', degraded: '服务暂时异常，消息会延迟 / Service degraded',
  refused: '无法进入 / cannot watch this room',
};

function item(v) {
  const flagged = v.jury && v.jury.flags && v.jury.flags.length;
  return el('li', {}, el('button', { type: 'button', 'data-verdict': v.id, onclick: (e) => open(v.id, e.currentTarget) },
    el('span', { class: `badge ${v.outcome}` }, OUTCOMES[v.outcome] || v.outcome), ' ',
    el('span', { class: 'badge' }, v.reviewStatus), ' ',
    flagged ? [el('span', { class: 'badge warn' }, '⚑ 可疑 / flagged'), ' '] : null,
    v.calibration ? [el('span', { class: 'badge' }, '校准 / calibration'), ' '] : null, v.question,
    el('div', { class: 'muted' }, `${v.roomId} · ${v.streamerId} · ${new Date(v.decidedAt).toLocaleString()}`)));
}

async function load(append) {
  try {
    const page = await api(`/api/verdicts?limit=20${query}${append && cursor ? `&cursor=${cursor}` : ''}`, { token });
    const list = document.getElementById('queue');
    if (!append) list.replaceChildren();
    page.items.forEach((v) => list.append(item(v)));
    if (!list.children.length) list.append(el('li', { class: 'muted' }, '队列为空 / Nothing here'));
    cursor = page.next || null;
    document.getElementById('more').hidden = !cursor;
    showError(null);
  } catch (error) {
    showError(error);
  }
}

function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function trigger(t) {
  if (!t) return '';
  if (t.type === 'lexicon') return `规则 / rule ${t.ruleId}: “${t.text}”`;
  if (t.type === 'reports') {
    const said = (t.texts || []).map((text) => `“${text}”`).join(' · ');
    return `${t.reporters} 位观众举报 / viewer reports (${t.category})${said ? ': ' + said : ''}`;
  }
  return `工作人员 / staff ${t.by || ''}`;
}

/** Ballots per second, one stacked column a second, so a sudden wave of one option stands out. */
function curveChart(curve, labels = {}) {
  const most = Math.max(1, ...curve.map((s) => Object.values(s.counts).reduce((a, b) => a + b, 0)));
  return el('div', { class: 'curve', role: 'img', 'aria-label': '每秒票数 / Ballots per second' },
    curve.map((second) => el('div', {
      class: 'col',
      title: `${new Date(second.at).toLocaleTimeString()} · ${Object.entries(second.counts).map(([id, n]) => `${labels[id] || id} ${n}`).join(' · ')}`,
    }, Object.entries(second.counts).map(([id, n]) => {
      const seg = el('span', { class: `seg option-${id}` });
      // Through the CSSOM: the Content-Security-Policy refuses style attributes.
      seg.style.height = `${(100 * n) / most}%`;
      return seg;
    }))));
}

const NO_REVIEWS = '还没有复核记录 / No review actions yet';
const NO_PENALTIES = '没有处罚记录 / No penalties on record';

const REASONS = {
  late_join: '进房太晚 / joined late',
  new_account: '新账号 / new account',
  conflict: '利益相关 / conflict of interest',
  unverified: '未实名 / unverified',
  not_selected: '未抽中 / not drawn',
};

const FLAGS = {
  shared_network: '同一网络 / Shared network',
  burst: '集中涌入 / Burst',
  co_voting: '协同投票 / Co-voting',
};

/** "a 3 · b 4", or a dash for nothing. */
function pairs(map, words = {}) {
  const entries = Object.entries(map || {});
  return entries.length ? entries.map(([k, n]) => `${words[k] || k} ${n}`).join(' · ') : '—';
}

/** What a flag's numbers say, in words staff can weigh. */
function flagDetail(flag, labels = {}) {
  const d = flag.detail || {};
  if (flag.type === 'shared_network') {
    return `网络 / network ${d.net}: ${d.ballots} 张谴责票 / condemning ballots (${percent(d.share)})`;
  }
  if (flag.type === 'burst') {
    return `“${labels[d.option] || d.option}” ${d.ballots}/${d.windowBallots} 票 / ballots in ${d.windowSeconds}s from ${new Date(d.from).toLocaleTimeString()}`
      + ` — ${percent(d.windowShare)} vs ${percent(d.restShare)} 其余 / in the rest, z = ${d.z}`;
  }
  if (flag.type === 'co_voting') {
    return `${d.jurors} 位陪审员 / jurors voted together (“${labels[d.option] || d.option}” here) within ${d.windowSeconds}s on ${d.prompts} prompts`;
  }
  return JSON.stringify(d);
}

/** The verdict's jury: who could vote, who did, who was kept out and why, weights, flags, calibration. */
function jury(v, labels) {
  if (!v.jury && !v.calibration) return null;
  const j = v.jury || {};
  const flags = j.flags || [];
  return el('section', { class: 'jury', 'aria-label': '陪审团 / Jury' },
    el('h4', {}, '陪审团 / Jury'),
    facts([
      ['可投票 / Eligible', j.eligible],
      ['已计票 / Voted', j.voted],
      ['被排除 / Excluded', v.jury ? pairs(j.excluded, REASONS) : null],
      ['加权票数 / Weighted', j.weighted ? pairs(Object.fromEntries(Object.entries(j.weighted)
        .map(([k, x]) => [k, Math.round(x * 100) / 100])), labels) : null],
      ['校准 / Calibration', v.calibration ? `calibration: answer ${v.calibration.answer}` : null],
    ]),
    v.jury ? el('ul', { class: 'feed flags' }, flags.length
      ? flags.map((f) => el('li', { class: 'warn', 'data-flag': f.type }, el('strong', {}, FLAGS[f.type] || f.type), ' · ', flagDetail(f, labels)))
      : el('li', {}, '无异常标记 / No coordination flags')) : null);
}

async function open(id, button) {
  document.querySelectorAll('#queue button').forEach((b) => b.setAttribute('aria-current', String(b === button)));
  try {
    render(await api(`/api/verdicts/${id}`, { token }));
  } catch (error) {
    showError(error);
  }
}

/**
 * A verdict's options with their labels, in the prompt's order: the prompt's own when the page has it, else the
 * kind's defaults; an option of neither keeps its id.
 */
function verdictOptions(v, prompt) {
  if (prompt && prompt.options) {
    const known = prompt.options.map((o) => ({ id: o.id, label: o.label }));
    const more = Object.keys(v.counts).filter((id) => !known.some((o) => o.id === id)).map((id) => ({ id, label: id }));
    return [...known, ...more];
  }
  const defaults = (KIND_OPTIONS[v.kind] || {}).labels || {};
  const ids = [...Object.keys(defaults).filter((id) => id in v.counts), ...Object.keys(v.counts).filter((id) => !(id in defaults))];
  return ids.map((id) => ({ id, label: defaults[id] || id }));
}

/** The verdict's tally under its options' labels. */
function verdictTally(v, options) {
  const tally = tallyBars(options);
  tally.update(v.counts, v.total);
  return tally;
}

/** Why the verdict is what it is, in words: how sure, or that too few ballots came to decide. */
function confidenceFact(v) {
  const n = decisiveBallots(v);
  if (v.outcome === 'INCONCLUSIVE' && !v.confidence) return confidenceWords(v);
  const side = v.outcome === 'INCONCLUSIVE' ? '较强一方 / the stronger side' : '胜方 / the winning side';
  return `${percent(v.confidence)} — ${side}: 在 ${n} 张有效票中占比的 Wilson 下限 / `
    + `Wilson lower bound of its share of ${n} decisive ${n === 1 ? 'ballot' : 'ballots'}`
    + (v.outcome === 'INCONCLUSIVE' ? '；双方都未过判定线 / neither side cleared the bar' : '');
}

function render(v) {
  const options = verdictOptions(v);
  const labels = Object.fromEntries(options.map((o) => [o.id, o.label]));
  const tally = verdictTally(v, options);
  const reason = el('textarea', { name: 'reason', rows: 2, required: true, maxlength: 2000, 'aria-label': '理由 / Reason' });
  const rereview = el('input', { type: 'checkbox', name: 'rereview' });
  const decide = (action) => async () => {
    if (!reason.value.trim()) {
      showError(new Error('请填写理由 / A reason is required'));
      return;
    }
    try {
      const body = { action, reason: reason.value.trim() };
      if (rereview.checked) body.rereview = true;
      render(await api(`/api/verdicts/${v.id}/review`, { method: 'POST', token, body }));
      showError(null);
    } catch (error) {
      showError(error);
    }
  };
  const history = el('ul', { class: 'feed' });
  const timeline = el('div', {});
  const juryBlock = jury(v, labels) || el('div', {});
  const reviews = v.reviews || [];
  document.getElementById('detail').replaceChildren(
    el('h3', {}, v.question),
    facts([
      ['结果 / Outcome', el('span', { class: `badge ${v.outcome}` }, OUTCOMES[v.outcome] || v.outcome)],
      ['复核 / Review', el('span', { class: 'badge', 'data-review': v.reviewStatus }, v.reviewStatus)],
      ['主播原话 / Claim', v.claim],
      ['起因 / Trigger', trigger(v.trigger)],
      ['置信度 / Confidence', el('span', { 'data-field': 'confidence' }, confidenceFact(v))],
      ['房间 / Room', v.roomId],
      ['主播 / Streamer', v.streamerId],
      ['时间 / Decided', new Date(v.decidedAt).toLocaleString()],
      ['处罚 / Penalty', v.penalty ? `${v.penalty.level} · ${v.penalty.status}${v.penalty.endsAt ? ` · 至 ${new Date(v.penalty.endsAt).toLocaleString()}` : ''}` : '—'],
      ['申诉 / Appeal', v.appeal ? `${v.appeal.status}: ${v.appeal.reason}` : null],
    ]),
    tally,
    juryBlock,
    timeline,
    // replaceChildren writes a null as the word "null": an absent part is an empty text instead.
    teachBlock(v) || '',
    el('h4', {}, '复核 / Decide'),
    el('label', {}, '理由 / Reason', reason),
    el('label', { class: 'check' }, rereview, el('span', {}, '再次复核（改变已做出的决定） / Re-review a decided verdict')),
    el('div', { class: 'row' },
      el('button', { type: 'button', onclick: decide('confirm') }, '确认 / Confirm'),
      el('button', { type: 'button', class: 'secondary', onclick: decide('overturn') }, '推翻 / Overturn')),
    el('h4', {}, '审计记录 / Audit trail'),
    el('ul', { class: 'feed audit' }, reviews.length ? reviews.map((r) => el('li', {},
      el('strong', {}, r.action), ` · ${r.by} · ${new Date(r.at).toLocaleString()}`, el('div', {}, r.reason),
      r.before ? el('div', { class: 'muted' }, `${JSON.stringify(r.before)} → ${JSON.stringify(r.after)}`) : null))
      : el('li', { class: 'muted empty' }, NO_REVIEWS)),
    el('h4', {}, `处罚记录 / Penalty history · ${v.streamerId}`),
    history);
  // The curve stays with the prompt in Redis for LIVEJURY_PROMPT_RETENTION_HOURS; older verdicts show none.
  api(`/api/prompts/${encodeURIComponent(v.promptId)}`, { token })
    .then((prompt) => {
      // A prompt with options of its own making: the tally and the jury's figures are drawn again under its labels.
      const promptOptions = verdictOptions(v, prompt);
      const promptLabels = Object.fromEntries(promptOptions.map((o) => [o.id, o.label]));
      if (promptOptions.some((o) => labels[o.id] !== o.label)) {
        tally.replaceWith(verdictTally(v, promptOptions));
        const juryAgain = jury(v, promptLabels);
        if (juryAgain) juryBlock.replaceWith(juryAgain);
      }
      if (prompt.curve && prompt.curve.length) {
        const span = [prompt.curve[0], prompt.curve[prompt.curve.length - 1]]
          .map((s) => new Date(s.at).toLocaleTimeString()).join(' – ');
        timeline.replaceChildren(el('h4', {}, '每秒票数 / Ballots per second'), curveChart(prompt.curve, promptLabels),
          el('div', { class: 'muted' }, span));
      }
    })
    .catch(() => timeline.replaceChildren());
  api(`/api/penalties?subject=${encodeURIComponent(v.streamerId)}`, { token })
    .then((page) => history.replaceChildren(...(page.items.length ? page.items.map((p) => el('li', {},
      `${p.level} · ${p.status} · ${new Date(p.createdAt).toLocaleString()}`))
      : [el('li', { class: 'muted empty' }, NO_PENALTIES)])))
    .catch(showError);
}

document.getElementById('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  query = (form.elements.status.value ? `&status=${form.elements.status.value}` : '') +
    (form.elements.roomId.value.trim() ? `&roomId=${encodeURIComponent(form.elements.roomId.value.trim())}` : '');
  load(false);
});
document.getElementById('more').addEventListener('click', () => load(true));
document.getElementById('ask').addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = event.target.elements;
  const body = { kind: f.kind.value, question: f.question.value.trim(), durationSec: Number(f.durationSec.value) };
  if (f.claim.value.trim()) body.claim = f.claim.value.trim();
  if (f.jurySize.value) body.jurySize = Number(f.jurySize.value);
  if (f.tally.value !== 'live') body.tally = f.tally.value;
  // A prompt with a known answer measures the jurors and never penalises.
  if (f.calibration.value.trim()) body.calibration = { answer: f.calibration.value.trim() };
  try {
    const prompt = await api(`/api/rooms/${encodeURIComponent(f.roomId.value.trim())}/prompts`, { method: 'POST', token, body });
    document.getElementById('ask-result').textContent = `已发起 / Asked: ${prompt.id}`;
    showError(null);
  } catch (error) {
    document.getElementById('ask-result').textContent = '';
    showError(error);
  }
});

document.getElementById('detector-refresh').addEventListener('click', () => loadDetector());
document.getElementById('live').addEventListener('submit', (event) => {
  event.preventDefault();
  const roomId = event.target.elements.roomId.value.trim();
  if (!roomId) return;
  if (live) live.close();
  document.getElementById('live-warnings').replaceChildren(el('li', { class: 'muted', id: 'no-live-warnings' },
    `还没有提醒 / No warnings in ${roomId} yet`));
  const status = document.getElementById('live-status');
  live = new RoomSocket(roomId, token, {
    onFrame: (frame) => {
      if (frame.type === 'warning') addLiveWarning(frame.warning);
    },
    onStatus: (state, message) => {
      status.textContent = `${roomId}: ${LIVE_WORDS[state] || state}${message ? ` — ${message}` : ''}`;
      status.dataset.state = state;
    },
    onFatal: showError,
  });
});

document.getElementById('juror').addEventListener('submit', async (event) => {
  event.preventDefault();
  const userId = event.target.elements.userId.value.trim();
  const out = document.getElementById('juror-record');
  try {
    const j = await api(`/api/jurors/${encodeURIComponent(userId)}`, { token });
    out.replaceChildren(facts([
      ['陪审员 / Juror', j.userId],
      ['信誉 / Reputation', percent(j.reputation)],
      ['票权重 / Weight', Math.round(j.weight * 1000) / 1000],
      ['复核一致 / Agreed with staff', `${j.agreed} / ${j.decided}`],
      ['校准答对 / Calibration right', `${j.calibration.correct} / ${j.calibration.answered}`],
    ]));
    showError(null);
  } catch (error) {
    out.replaceChildren();
    showError(error);
  }
});
signIn('staff')
  .then((session) => {
    token = session.token;
    // The queue console signs in the same way, however this page was signed in (?user=, #token= or the form).
    document.querySelector('a[href="queue.html"]').href = `queue.html${location.search}#token=${encodeURIComponent(token)}`;
    document.getElementById('status').textContent = session.userId;
    query = '&status=pending';
    load(false);
    loadDetector();
  })
  .catch(showError);
