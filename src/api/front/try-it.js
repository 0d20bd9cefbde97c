// The front page's "try it" form, plain browser JavaScript served as it is (no build step): it uploads
// the recording with the documented REST upload, follows the call's status live with a GraphQL
// subscription over server-sent events (polling the REST status route if that fails), then shows
// the transcript, the analysis and the action items from their REST routes.

const TERMINAL = new Set(['COMPLETED', 'FAILED']);
const STATUS_SUBSCRIPTION =
  'subscription ($ids: [ID!]!) { callStatusChanged(ids: $ids) { callId status errorReason occurredAt } }';
const POLL_MS = 2000;

const form = document.getElementById('upload');
const byId = (id) => document.getElementById(id);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const button = form.querySelector('button');
  button.disabled = true;
  tryIt(new FormData(form))
    .catch((error) => say(error.message, true))
    .finally(() => (button.disabled = false));
});

async function tryIt(data) {
  const headers = credentials(data);
  reset();
  say('Uploading…');
  const callId = await upload(data, headers);
  say(`Call ${callId} accepted; waiting for it to be processed…`);
  const last = await followStatus(callId, headers);
  if (last.status === 'FAILED') throw new Error(`The call failed: ${last.errorReason ?? 'no reason given'}`);
  await showResults(callId, headers);
  say(`Call ${callId} is COMPLETED.`);
}

/** Only what the user typed: the local-dev user needs neither. */
function credentials(data) {
  const headers = {};
  const token = data.get('token')?.trim();
  const apiKey = data.get('apiKey')?.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  if (apiKey) headers['x-api-key'] = apiKey;
  return headers;
}

async function upload(data, headers) {
  const metadata = {};
  for (const name of ['title', 'contactName']) {
    const value = data.get(name)?.trim();
    if (value) metadata[name] = value;
  }
  const body = new FormData();
  body.append('metadata', JSON.stringify(metadata));
  body.append('file', data.get('file'));
  return (await requestJson('/api/calls/analyze', { method: 'POST', headers, body })).callId;
}

/** Resolves with the call's terminal status, showing each status as it arrives. */
async function followStatus(callId, headers) {
  try {
    return await subscribeToStatus(callId, headers);
  } catch (error) {
    addStep(`live status unavailable (${error.message}); polling`);
    return pollStatus(callId, headers);
  }
}

async function subscribeToStatus(callId, headers) {
  const controller = new AbortController();
  const response = await fetch('/graphql', {
    method: 'POST',
    signal: controller.signal,
    headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: STATUS_SUBSCRIPTION, variables: { ids: [callId] } }),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  try {
    for await (const event of serverSentEvents(response.body)) {
      if (event.type !== 'next') continue;
      const result = JSON.parse(event.data);
      if (result.errors?.length) throw new Error(result.errors[0].message);
      const change = result.data.callStatusChanged;
      showStatus(change.status, change.occurredAt);
      if (TERMINAL.has(change.status)) return change;
    }
  } finally {
    controller.abort();
  }
  throw new Error('the stream ended early');
}

/** The events of a `text/event-stream` body: `{ type, data }` each. */
async function* serverSentEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      yield parseEvent(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
    }
  }
}

function parseEvent(block) {
  const event = { type: 'message', data: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event.type = line.slice(6).trim();
    if (line.startsWith('data:')) event.data.push(line.slice(5).replace(/^ /, ''));
  }
  return { type: event.type, data: event.data.join('\n') };
}

async function pollStatus(callId, headers) {
  for (;;) {
    const answer = await requestJson(`/api/calls/status?ids=${encodeURIComponent(callId)}`, { headers });
    const item = answer.items.find((candidate) => candidate.callId === callId);
    if (item) showStatus(item.status);
    if (item && TERMINAL.has(item.status)) return item;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function showResults(callId, headers) {
  const base = `/api/calls/${encodeURIComponent(callId)}`;
  const [transcript, analysis, actionItems] = await Promise.allSettled([
    requestJson(`${base}/transcript`, { headers }),
    requestJson(`${base}/analysis`, { headers }),
    requestJson(`${base}/action-items`, { headers }),
  ]);
  showSettled(transcript, byId('transcript'), renderTranscript);
  showSettled(analysis, byId('analysis'), renderAnalysis);
  showSettled(actionItems, byId('action-items'), renderActionItems);
  byId('result').hidden = false;
}

/** One part that could not be read says why, without hiding the others. */
function showSettled(outcome, target, render) {
  if (outcome.status === 'fulfilled') render(target, outcome.value);
  else target.append(element('p', outcome.reason.message, 'error'));
}

function renderTranscript(target, transcript) {
  if (transcript.segments.length === 0) target.append(element('li', 'No speech was heard.'));
  for (const segment of transcript.segments) {
    const line = element('li');
    line.append(element('span', clock(segment.startSeconds), 'time'), ' ', element('strong', segment.speaker), ': ');
    line.append(segment.text);
    target.append(line);
  }
}

function renderAnalysis(target, analysis) {
  const facts = [
    ['Summary', analysis.oneLineSummary],
    ['Call type', analysis.callType],
    ['Outcome', analysis.outcome?.result],
    ['Executive summary', analysis.executiveSummary],
  ];
  const list = element('dl');
  for (const [name, value] of facts) if (value) list.append(element('dt', name), element('dd', value));
  const raw = element('details');
  raw.append(element('summary', 'The whole analysis (JSON)'), element('pre', JSON.stringify(analysis, null, 2)));
  target.append(list, raw);
}

function renderActionItems(target, items) {
  if (items.length === 0) target.append(element('li', 'None.'));
  for (const item of items) {
    target.append(element('li', item.dueDate ? `${item.title} (due ${item.dueDate})` : item.title));
  }
}

/** The JSON answer, or an error naming the API's own error code and message. */
async function requestJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.json().catch(() => undefined);
  if (response.ok) return body;
  const error = body?.error;
  throw new Error(error ? `${error.code}: ${error.message}` : `HTTP ${response.status} from ${url}`);
}

let lastStatus;
function showStatus(status, at) {
  if (status === lastStatus) return;
  lastStatus = status;
  addStep(at ? `${status} at ${new Date(at).toLocaleTimeString()}` : status);
}

function addStep(text) {
  byId('timeline').append(element('li', text));
}

function say(text, isError = false) {
  const line = byId('status');
  line.textContent = text;
  line.className = isError ? 'error' : '';
}

function reset() {
  lastStatus = undefined;
  for (const id of ['timeline', 'transcript', 'analysis', 'action-items']) byId(id).replaceChildren();
  byId('result').hidden = true;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function clock(seconds) {
  const whole = Math.floor(seconds);
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}
