import { createHmac, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import busboy from 'busboy';
import { sandboxAnalysis } from './sandbox-analysis.ts';
import type { AnalysisTranscript } from '../../analysis/analysis-input.ts';
import { heardDurationSeconds, heardLines, heardSilence } from './conversation-script.ts';
import type { ScriptLine } from './demo-conversations.ts';
import { castFromPrompt, castLines } from './cast.ts';
import { FakeControl, type FakeRateLimit, type Fault, type LoggedRequest } from './fake-control.ts';
import { answerRateLimit, DOCUMENTED_LIMITS } from './fake-rate-limits.ts';

/**
 * Loopback HTTP servers that speak Lemonfox's, pyannoteAI's and OpenAI's
 * wire formats, so the real clients run unchanged: the dev sandbox (nothing
 * paid, provenance "sandbox") and the test fakes (with scripted faults and a
 * request log) are this one implementation.
 */
export interface SandboxProviders {
  lemonfoxBaseUrl: string;
  pyannoteBaseUrl: string;
  openaiBaseUrl: string;
  lemonfox: LemonfoxControl;
  pyannote: PyannoteControl;
  openai: OpenAiControl;
  close(): Promise<void>;
}

export class PyannoteControl extends FakeControl {
  /** Polls answered `running` before a job succeeds. */
  pollsBeforeDone = 1;
  /** Identify confidences (0–100) per diarization speaker for the submitted voiceprint. */
  identifyConfidence: Record<string, number> = { SPEAKER_00: 12, SPEAKER_01: 9 };
  /** The conversation diarized; null hears the demo call the recording's length picks (set it on Lemonfox too). */
  script: ScriptLine[] | null = null;
  /**
   * Signs job webhooks, as the team's secret on pyannoteAI's
   * dashboard does: set it to Scryon's `PYANNOTE_WEBHOOK_SECRET`.
   */
  webhookSecret = 'sandbox-webhook-secret';
  /**
   * The waits before each retry of a failed webhook: pyannoteAI's documented immediate, 1 min and 5 min.
   * A fault scripted on route `webhook` loses the next job's delivery, every attempt, as a dropped network would.
   */
  webhookRetryDelaysMs = [0, 60_000, 300_000];
  /** Every webhook attempt: its job, its number (0 the first) and the answer's status (0: none came). */
  readonly webhooks: Array<{ jobId: string; attempt: number; status: number }> = [];

  override reset(): void {
    super.reset();
    this.webhooks.length = 0;
  }
}

export class OpenAiControl extends FakeControl {
  /** The model's answer for a request body; by default a grounded rule-based analysis. */
  respond: (body: ChatRequest) => string = defaultAnalysis;
}

export class LemonfoxControl extends FakeControl {
  /** The conversation transcribed; null hears the demo call the recording's length picks (set it on pyannote too). */
  script: ScriptLine[] | null = null;
}

interface ChatRequest {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
}

export interface SandboxOptions {
  pollsBeforeDone?: number;
  /** Provider latency per route (`transcribe`, `diarize` job time, `chat`, …), in ms; none by default. */
  latencyMs?: Partial<Record<string, number>>;
  /** Per provider, instead of the documented limits (`undefined`: none). */
  rateLimits?: Partial<Record<keyof typeof DOCUMENTED_LIMITS, FakeRateLimit | undefined>>;
  /** What pyannoteAI's fake signs its job webhooks with (the dev sandbox passes Scryon's own). */
  pyannoteWebhookSecret?: string | undefined;
}

export async function startSandboxProviders(options: SandboxOptions = {}): Promise<SandboxProviders> {
  const lemonfox = new LemonfoxControl();
  const pyannote = new PyannoteControl();
  if (options.pollsBeforeDone !== undefined) pyannote.pollsBeforeDone = options.pollsBeforeDone;
  if (options.pyannoteWebhookSecret !== undefined) pyannote.webhookSecret = options.pyannoteWebhookSecret;
  const openai = new OpenAiControl();
  for (const control of [lemonfox, pyannote, openai]) control.latencyMs = { ...options.latencyMs };
  const limits = { ...DOCUMENTED_LIMITS, ...options.rateLimits };
  [lemonfox.rateLimit, pyannote.rateLimit, openai.rateLimit] = [limits.lemonfox, limits.pyannote, limits.openai];
  const servers = await Promise.all([
    listen(limited('lemonfox', lemonfox, (request, response) => lemonfoxHandler(lemonfox, request, response))),
    listen(
      limited('pyannote', pyannote, (request, response, base) => pyannoteHandler(pyannote, request, response, base)),
    ),
    listen(limited('openai', openai, (request, response) => openaiHandler(openai, request, response))),
  ]);
  const [lemonfoxServer, pyannoteServer, openaiServer] = servers;
  return {
    lemonfoxBaseUrl: `${lemonfoxServer!.url}/v1`,
    pyannoteBaseUrl: pyannoteServer!.url,
    openaiBaseUrl: `${openaiServer!.url}/v1`,
    lemonfox,
    pyannote,
    openai,
    close: async () => {
      stopWebhooks(pyannote);
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

type Handler = (request: IncomingMessage, response: ServerResponse, baseUrl: string) => Promise<void>;

/** The provider's rate limit first, as the real API applies it before looking at the request. */
function limited(provider: keyof typeof DOCUMENTED_LIMITS, control: FakeControl, handler: Handler): Handler {
  return async (request, response, baseUrl) => {
    if (!answerRateLimit(provider, control, request, response)) await handler(request, response, baseUrl);
  };
}

async function listen(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  let baseUrl = '';
  const server = http.createServer((request, response) => {
    handler(request, response, baseUrl).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: { message: String(error) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: baseUrl,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers a scripted fault; returns true when it did (the request is then finished or left hanging). */
function answerFault(
  control: FakeControl,
  route: string,
  entry: LoggedRequest,
  response: ServerResponse,
  fault: Fault | undefined = control.takeFault(route),
): boolean {
  if (!fault) return false;
  if ('hang' in fault) {
    entry.status = 0;
    control.requests.push(entry);
    return true;
  }
  if ('malformed' in fault) {
    entry.status = 200;
    control.requests.push(entry);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"this is": not json');
    return true;
  }
  if ('invalidContent' in fault) return false;
  entry.status = fault.status;
  control.requests.push(entry);
  response.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
  response.end(
    fault.body ??
      JSON.stringify({
        error: {
          message: `scripted ${fault.status}`,
          type: fault.status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error',
        },
      }),
  );
  return true;
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// ---- Lemonfox: POST /v1/audio/transcriptions (multipart, verbose_json) ----

async function lemonfoxHandler(
  control: LemonfoxControl,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'POST' || request.url !== '/v1/audio/transcriptions')
    return json(response, 404, { error: { message: 'not found' } });
  const { fields, file } = await readMultipart(request);
  const entry: LoggedRequest = {
    route: 'transcribe',
    method: 'POST',
    path: request.url,
    fields,
    byteLength: file.length,
    status: 200,
  };
  if (answerFault(control, 'transcribe', entry, response)) return;
  if (file.length === 0) {
    control.requests.push({ ...entry, status: 400 });
    return json(response, 400, { error: { message: 'file is required', type: 'invalid_request_error' } });
  }
  await control.latency('transcribe');
  control.requests.push(entry);
  const duration = heardDurationSeconds(file);
  // Like Whisper on silence (once its no-speech segments are dropped): nothing said, nothing written.
  const cast = castFromPrompt(fields.prompt);
  const lines = heardSilence(file) ? [] : castLines(heardLines(duration, control.script), cast);
  const withSpeakers = fields.speaker_labels === 'true';
  const segments = lines.map((line, id) => ({
    id,
    start: line.start,
    end: line.end,
    text: ` ${line.text}`,
    ...(withSpeakers ? { speaker: line.speaker } : {}),
    words: line.words.map((word) => ({
      word: word.word,
      start: word.start,
      end: word.end,
      ...(withSpeakers ? { speaker: word.speaker } : {}),
    })),
  }));
  json(response, 200, {
    task: 'transcribe',
    language: 'english',
    duration,
    text: lines.map((line) => line.text).join(' '),
    segments,
    words: segments.flatMap((segment) => segment.words),
  });
}

function readMultipart(request: IncomingMessage): Promise<{ fields: Record<string, string | string[]>; file: Buffer }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string | string[]> = {};
    const chunks: Buffer[] = [];
    const parser = busboy({ headers: request.headers });
    parser.on('field', (name, value) => {
      const existing = fields[name];
      fields[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    });
    parser.on('file', (_name, stream) => stream.on('data', (chunk: Buffer) => chunks.push(chunk)));
    parser.on('close', () => resolve({ fields, file: Buffer.concat(chunks) }));
    parser.on('error', reject);
    request.pipe(parser);
  });
}

// ---- pyannoteAI: media upload, jobs, polling ----

interface FakeJob {
  kind: 'diarize' | 'identify' | 'voiceprint';
  polls: number;
  /** Wall-clock time (ms) before which the job answers `running`, however often it is polled. */
  readyAt: number;
  body: Record<string, unknown>;
  /** Set when a job created with a webhook ends: it answers `succeeded` from then on, however few polls it had. */
  ended?: boolean;
  /** Computed once, so the webhook and every poll carry the same output (a voiceprint is random). */
  output?: Record<string, unknown>;
}

interface PyannoteState {
  jobs: Map<string, FakeJob>;
  /** Uploaded media are kept as their heard duration only (NaN: silent), the one thing a job's output depends on. */
  media: Map<string, number>;
  /** Webhook deliveries and their retries, stopped when the fakes close. */
  timers: Set<NodeJS.Timeout>;
  closing: AbortController;
}
const pyannoteState = new WeakMap<PyannoteControl, PyannoteState>();

function stateOf(control: PyannoteControl): PyannoteState {
  const state = pyannoteState.get(control) ?? {
    jobs: new Map(),
    media: new Map(),
    timers: new Set(),
    closing: new AbortController(),
  };
  pyannoteState.set(control, state);
  return state;
}

function stopWebhooks(control: PyannoteControl): void {
  const state = stateOf(control);
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
  state.closing.abort();
}

async function pyannoteHandler(
  control: PyannoteControl,
  request: IncomingMessage,
  response: ServerResponse,
  baseUrl: string,
): Promise<void> {
  const state = stateOf(control);
  const url = new URL(request.url ?? '/', baseUrl);
  const route = pyannoteRoute(request.method ?? 'GET', url.pathname);
  if (route === 'upload') {
    const bytes = await readBody(request);
    const entry: LoggedRequest = {
      route,
      method: 'PUT',
      path: url.pathname,
      contentType: request.headers['content-type'],
      byteLength: bytes.length,
      status: 200,
    };
    if (answerFault(control, route, entry, response)) return;
    control.requests.push(entry);
    state.media.set(url.searchParams.get('key') ?? '', heardSilence(bytes) ? Number.NaN : heardDurationSeconds(bytes));
    return void response.writeHead(200).end();
  }
  const raw = request.method === 'POST' ? (await readBody(request)).toString('utf8') : '';
  const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const entry: LoggedRequest = {
    route: route ?? 'unknown',
    method: request.method ?? 'GET',
    path: url.pathname,
    ...(raw ? { body } : {}),
    status: 200,
  };
  if (route && answerFault(control, route, entry, response)) return;
  if (request.headers.authorization !== undefined && !/^Bearer \S+$/.test(request.headers.authorization)) {
    control.requests.push({ ...entry, status: 401 });
    return json(response, 401, { message: 'Unauthorized' });
  }
  switch (route) {
    case 'test':
      control.requests.push(entry);
      return json(response, 200, { status: 'OK', message: 'sandbox' });
    case 'media-input': {
      const key = String(body.url ?? '');
      if (!/^media:\/\/[a-zA-Z0-9\-_./]+$/.test(key)) {
        control.requests.push({ ...entry, status: 400 });
        return json(response, 400, { message: 'Invalid request', errors: [{ field: 'url', message: 'Invalid URL' }] });
      }
      control.requests.push({ ...entry, status: 201 });
      return json(response, 201, {
        url: `${baseUrl}/presigned-upload?key=${encodeURIComponent(key)}&X-Signature=sandbox%2Fsig`,
      });
    }
    case 'diarize':
    case 'identify':
    case 'voiceprint': {
      const webhook = body.webhook;
      if (webhook !== undefined && !isHttpUrl(webhook)) {
        control.requests.push({ ...entry, status: 400 });
        return json(response, 400, {
          message: 'Invalid request',
          errors: [{ field: 'webhook', message: 'Invalid URL' }],
        });
      }
      const jobId = randomUUID();
      const job: FakeJob = { kind: route, polls: 0, readyAt: Date.now() + (control.latencyMs[route] ?? 0), body };
      state.jobs.set(jobId, job);
      control.requests.push(entry);
      if (typeof webhook === 'string')
        after(state, job.readyAt - Date.now(), () => void callBack(control, state, jobId, job, webhook));
      return json(response, 200, { jobId, status: 'created' });
    }
    case 'job': {
      const jobId = url.pathname.split('/').pop() ?? '';
      const job = state.jobs.get(jobId);
      if (!job) {
        control.requests.push({ ...entry, status: 404 });
        return json(response, 404, { message: 'Job not found' });
      }
      control.requests.push(entry);
      job.polls += 1;
      const now = new Date().toISOString();
      const running = !job.ended && (job.polls <= control.pollsBeforeDone || Date.now() < job.readyAt);
      if (running) return json(response, 200, { jobId, status: 'running', createdAt: now, updatedAt: now });
      return json(response, 200, {
        jobId,
        status: 'succeeded',
        createdAt: now,
        updatedAt: now,
        output: outputOf(control, state, job),
      });
    }
    default:
      control.requests.push({ ...entry, status: 404 });
      return json(response, 404, { message: 'Not found' });
  }
}

function pyannoteRoute(method: string, path: string): string | undefined {
  if (method === 'PUT' && path === '/presigned-upload') return 'upload';
  if (method === 'GET' && path === '/v1/test') return 'test';
  if (method === 'POST' && path === '/v1/media/input') return 'media-input';
  if (method === 'POST' && path === '/v1/diarize') return 'diarize';
  if (method === 'POST' && path === '/v1/identify') return 'identify';
  if (method === 'POST' && path === '/v1/voiceprint') return 'voiceprint';
  if (method === 'GET' && path.startsWith('/v1/jobs/')) return 'job';
  return undefined;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function after(state: PyannoteState, ms: number, run: () => void): void {
  const timer = setTimeout(
    () => {
      state.timers.delete(timer);
      run();
    },
    Math.max(0, ms),
  );
  state.timers.add(timer);
}

function outputOf(control: PyannoteControl, state: PyannoteState, job: FakeJob): Record<string, unknown> {
  job.output ??= jobOutput(control, job, state.media.get(String(job.body.url)) ?? UNUPLOADED_SECONDS);
  return job.output;
}

/** How long pyannoteAI waits for our answer before it counts the attempt failed (`http_timeout`). */
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * What pyannoteAI does when a job created with `webhook` ends: POST the job there, signed over the raw
 * body, and retry a failed attempt on its schedule. Each attempt is signed afresh, at its own time.
 */
async function callBack(
  control: PyannoteControl,
  state: PyannoteState,
  jobId: string,
  job: FakeJob,
  url: string,
  attempt = 0,
  retryReason?: string,
): Promise<void> {
  job.ended = true;
  if (attempt === 0 && control.takeFault('webhook')) return;
  const body = JSON.stringify({ jobId, status: 'succeeded', output: outputOf(control, state, job) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', control.webhookSecret).update(`v0:${timestamp}:${body}`).digest('base64');
  const retry: Record<string, string> = retryReason
    ? { 'x-retry-num': String(attempt), 'x-retry-reason': retryReason }
    : {};
  const headers = {
    'content-type': 'application/json',
    'x-request-timestamp': timestamp,
    'x-signature': signature,
    ...retry,
  };
  const signal = AbortSignal.any([state.closing.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]);
  const outcome = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' }).then(
    async (answer) => {
      await answer.body?.cancel();
      return { status: answer.status, reason: 'http_error' };
    },
    (error: unknown) => ({
      status: 0,
      reason: error instanceof Error && error.name === 'TimeoutError' ? 'http_timeout' : 'connection_failed',
    }),
  );
  if (state.closing.signal.aborted) return;
  control.webhooks.push({ jobId, attempt, status: outcome.status });
  if (outcome.status >= 200 && outcome.status < 300) return;
  const wait = control.webhookRetryDelaysMs[attempt];
  if (wait !== undefined)
    after(state, wait, () => void callBack(control, state, jobId, job, url, attempt + 1, outcome.reason));
}

/** A job on a media key nothing was uploaded to still answers, as if it had heard ten seconds. */
const UNUPLOADED_SECONDS = 10;

/** Turns are the heard lines' spans: the same lines, timed the same way, as the Lemonfox fake transcribes. */
function jobOutput(control: PyannoteControl, job: FakeJob, durationSeconds: number): Record<string, unknown> {
  const heard = Number.isNaN(durationSeconds) ? [] : heardLines(durationSeconds, control.script);
  const turns = heard.map((line) => ({ speaker: line.speaker, start: line.start, end: line.end }));
  if (job.kind === 'voiceprint')
    return { voiceprint: Buffer.from(`sandbox-voiceprint-${randomUUID()}`).toString('base64') };
  if (job.kind === 'diarize') return { diarization: turns };
  const label = String((job.body.voiceprints as Array<{ label?: string }> | undefined)?.[0]?.label ?? 'user');
  const speakers = [...new Set(turns.map((turn) => turn.speaker))];
  const best = speakers.reduce(
    (top, speaker) =>
      (control.identifyConfidence[speaker] ?? 0) > (control.identifyConfidence[top] ?? 0) ? speaker : top,
    speakers[0] ?? '',
  );
  return {
    diarization: turns,
    identification: turns.map((turn) => ({
      ...turn,
      diarizationSpeaker: turn.speaker,
      match: turn.speaker === best ? label : null,
    })),
    voiceprints: speakers.map((speaker) => ({
      speaker,
      match: speaker === best ? label : null,
      confidence: { [label]: control.identifyConfidence[speaker] ?? 0 },
    })),
  };
}

// ---- OpenAI: POST /v1/chat/completions ----

async function openaiHandler(
  control: OpenAiControl,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'POST' || request.url !== '/v1/chat/completions')
    return json(response, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
  const body = JSON.parse((await readBody(request)).toString('utf8')) as ChatRequest & Record<string, unknown>;
  const entry: LoggedRequest = { route: 'chat', method: 'POST', path: request.url, body, status: 200 };
  const fault = control.takeFault('chat');
  if (fault && !('invalidContent' in fault) && answerFault(control, 'chat', entry, response, fault)) return;
  await control.latency('chat');
  control.requests.push(entry);
  const content =
    fault && 'invalidContent' in fault ? 'Sorry, here is the analysis: {"callType": ' : control.respond(body);
  json(
    response,
    200,
    {
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? 'gpt-4o-mini',
      choices: [
        { index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
    },
    { 'x-request-id': `req_${randomUUID()}` },
  );
}

/**
 * Reads the call and transcript back out of our own prompt: a demo
 * call gets its story, anything else what the rules allow.
 */
function defaultAnalysis(body: ChatRequest): string {
  const user = body.messages?.find((message) => message.role === 'user')?.content ?? '{}';
  const prompt = JSON.parse(user) as {
    call?: { recordedAt?: string };
    transcript?: {
      language?: string;
      durationSeconds?: number;
      speakers?: Array<{ speakerId: string; role: string }>;
      segments?: Array<Record<string, unknown>>;
    };
  };
  const transcript: AnalysisTranscript = {
    language: prompt.transcript?.language ?? null,
    durationSeconds: prompt.transcript?.durationSeconds ?? null,
    speakers: (prompt.transcript?.speakers ?? []).map((speaker) => ({
      speakerId: speaker.speakerId,
      label: speaker.speakerId,
      displayName: null,
      role: speaker.role as 'USER',
    })),
    segments: (prompt.transcript?.segments ?? []).map((segment) => ({
      id: String(segment.id),
      speakerId: String(segment.speakerId),
      role: segment.role as 'USER',
      startSeconds: Number(segment.start),
      endSeconds: Number(segment.end),
      text: String(segment.text),
    })),
  };
  return JSON.stringify(sandboxAnalysis(transcript, { recordedAt: prompt.call?.recordedAt }));
}
