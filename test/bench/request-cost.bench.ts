import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { bulkStatusUrl } from './bulk-status.bench.ts';
import { fmt, runLoad } from './load.ts';
import { startProductionPath } from './production-path.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM_UP_SECONDS = 3;
const CONCURRENCY = 16;

/**
 * Where a production-path bulk status poll's server CPU goes, layer by layer:
 * V8's sampling profiler runs in the API process (started and stopped over
 * the inspector protocol) exactly while 16 clients poll
 * `GET /api/calls/status` with 50 ids and a real Firebase token, after a
 * warm-up. Each sample is charged to the innermost frame that belongs to a
 * layer (LAYERS, first match wins); idle time is left out. The figures are
 * µs of CPU per poll.
 */
export async function benchRequestCost(): Promise<Record<string, LayerCost>> {
  const production = await startProductionPath();
  try {
    const token = await production.signUp();
    const headers = { authorization: `Bearer ${token}` };
    const scryon = await startServerProcess(path.resolve('test/bench/scryon-server.ts'), production.env, [
      '--inspect=127.0.0.1:0',
    ]);
    try {
      const url = await bulkStatusUrl(scryon.url, headers);
      const bodyFile = path.join(tmpdir(), `scryon-bench-cost-${process.pid}.json`);
      writeFileSync(bodyFile, Buffer.from(await (await fetch(url, { headers })).arrayBuffer()));
      const baseline = await startServerProcess(
        path.resolve('test/bench/baseline-server.ts'),
        { BASELINE_BODY_FILE: bodyFile },
        ['--inspect=127.0.0.1:0'],
      );
      try {
        const ours = await profileUnderLoad(scryon, url, headers);
        const bare = await profileUnderLoad(baseline, `${baseline.url}/`, headers);
        console.log(
          `request cost, production path (bulk status, 50 ids, ${CONCURRENCY} concurrent, ${SECONDS}s ` +
            `after ${WARM_UP_SECONDS}s of warm-up; JavaScript-thread CPU per request from V8's sampling profiler)`,
        );
        print(`scryon, ${ours.polls} polls at ${fmt(ours.throughput, 0)}/s`, ours.layers);
        print(
          `bare node:http answering the same bytes, ${bare.polls} requests at ${fmt(bare.throughput, 0)}/s`,
          bare.layers,
        );
        return ours.layers;
      } finally {
        await baseline.stop();
        rmSync(bodyFile, { force: true });
      }
    } finally {
      await scryon.stop();
    }
  } finally {
    await production.stop();
  }
}

async function profileUnderLoad(
  server: ServerProcess,
  url: string,
  headers: Record<string, string>,
): Promise<{ polls: number; throughput: number; layers: Record<string, LayerCost> }> {
  await runLoad({ url, headers, concurrency: CONCURRENCY, seconds: WARM_UP_SECONDS });
  const inspector = await Inspector.attach(server.inspectorUrl());
  try {
    await inspector.send('Profiler.enable');
    await inspector.send('Profiler.start');
    const load = await runLoad({ url, headers, concurrency: CONCURRENCY, seconds: SECONDS });
    const { profile } = (await inspector.send('Profiler.stop')) as { profile: CpuProfile };
    const polls = load.requests + load.errors;
    return { polls, throughput: load.throughput, layers: chargeToLayers(profile, polls) };
  } finally {
    inspector.close();
  }
}

function print(title: string, layers: Record<string, LayerCost>): void {
  console.log(`  ${title}`);
  for (const [layer, { us, top }] of Object.entries(layers).sort(([, a], [, b]) => b.us - a.us)) {
    console.log(`    ${layer.padEnd(44)} ${fmt(us, 1).padStart(6)} µs`);
    for (const [name, own] of top) console.log(`        ${fmt(own, 1).padStart(5)} ${name}`);
  }
  const total = Object.values(layers).reduce((sum, layer) => sum + layer.us, 0);
  console.log(`    ${'all of it'.padEnd(44)} ${fmt(total, 1).padStart(6)} µs`);
}

/** A minimal client of the inspector protocol: one request at a time, answers matched by id. */
class Inspector {
  #next = 1;
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id !== undefined) this.#pending.get(message.id)?.(message);
    });
  }

  static async attach(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new Inspector(socket);
  }

  send(method: string, params: object = {}): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (message) => {
        this.#pending.delete(id);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.#socket.close();
  }
}

/** Layers by where their code lives, innermost first: a frame in zod called from our route counts as validation. */
const LAYERS: [string, RegExp][] = [
  ['garbage collection', /^\(garbage collector\)$/],
  ['V8 and native, unattributed', /^\((program|root)\)$/],
  ['validation (zod)', /\/node_modules\/zod\//],
  [
    'logging (pino)',
    /\/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream)\/|\/src\/observability\/log/,
  ],
  ['metrics', /\/node_modules\/prom-client\/|\/src\/observability\/metrics/],
  ['tracing', /\/node_modules\/(@opentelemetry|@fastify\/otel)\/|\/src\/observability\/tracing/],
  ['token verification', /\/src\/auth\/|\/node_modules\/(firebase-admin|jose|jsonwebtoken|jwks-rsa)\//],
  ['rate limits', /\/src\/api\/http\/rate-limits|\/node_modules\/(ioredis|rate-limiter-flexible)\//],
  ['status lookup (domain)', /\/src\/(calls|events|users)\//],
  ['operation layer', /\/src\/api\/operations\//],
  ['REST adapter', /\/src\/api\/rest\//],
  ['edge hooks (context, headers, CORS, errors)', /\/src\/api\/http\//],
  ['Fastify (routing, hooks, reply)', /\/node_modules\/(fastify|find-my-way|light-my-request|avvio|@fastify\/[^/]+)\//],
  ['JSON serialisation', /^(JSONStringify|stringify)$|\/node_modules\/fast-json-stringify\//],
  ['node:http and sockets', /^node:(_http|http|net|stream|internal\/(streams|http|net))/],
];

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

interface LayerCost {
  us: number;
  /** The functions that cost it most, with their own µs per poll. */
  top: [string, number][];
}

function chargeToLayers(profile: CpuProfile, polls: number): Record<string, LayerCost> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const layerOfNode = new Map<number, string>();
  const layerOf = (id: number): string => {
    const known = layerOfNode.get(id);
    if (known) return known;
    const { functionName, url } = byId.get(id)!.callFrame;
    const own = LAYERS.find(([, pattern]) => pattern.test(url) || pattern.test(functionName))?.[0];
    const up = parent.get(id);
    const layer = own ?? (up === undefined ? 'other' : layerOf(up));
    layerOfNode.set(id, layer);
    return layer;
  };
  const charged = new Map<string, Map<string, number>>();
  profile.samples.forEach((id, index) => {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') return;
    const functions = charged.get(layerOf(id)) ?? new Map<string, number>();
    charged.set(layerOf(id), functions);
    const name = `${functionName || '(anonymous)'} ${url.split('/node_modules/').at(-1)!.split('/src/').at(-1)}`;
    functions.set(name, (functions.get(name) ?? 0) + profile.timeDeltas[index]!);
  });
  return Object.fromEntries(
    [...charged].map(([layer, functions]) => {
      const us = [...functions.values()].reduce((sum, value) => sum + value, 0) / polls;
      const top = [...functions].sort(([, a], [, b]) => b - a).slice(0, 3);
      return [layer, { us, top: top.map(([name, total]): [string, number] => [name.trim(), total / polls]) }];
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRequestCost();
