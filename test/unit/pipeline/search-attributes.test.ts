import type { Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import {
  registerSearchAttributes,
  registrationCommand,
  registrationState,
  searchAttributesFor,
} from '../../../src/pipeline/runtime/search-attributes.ts';
import { CALL_ID, CALL_STATUS, SCRYON_SEARCH_ATTRIBUTES, WORKFLOW_KIND } from '../../../workflows/search-attributes.ts';

// IndexedValueType as the operator service lists it.
const TEXT = 1;
const KEYWORD = 2;
const ALL = new Set(SCRYON_SEARCH_ATTRIBUTES.map((key) => key.name));
const COMMAND =
  'temporal operator search-attribute create --namespace scryon ' +
  '--name ScryonWorkflow --type Keyword --name CallStatus --type Keyword --name CallId --type Keyword';

const grpcError = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

/** A namespace's operator service: its custom attributes, and what an add does to them. */
function fakeTemporal(
  custom: Record<string, number>,
  add: (requested: Record<string, number>) => void = (requested) => Object.assign(custom, requested),
) {
  const adds: Array<{ namespace: string; searchAttributes: Record<string, number> }> = [];
  const operatorService = {
    async listSearchAttributes({ namespace }: { namespace: string }) {
      if (namespace !== 'scryon') throw grpcError(5, `namespace ${namespace} not found`);
      return { customAttributes: { ...custom } };
    },
    async addSearchAttributes(request: { namespace: string; searchAttributes: Record<string, number> }) {
      adds.push(request);
      add(request.searchAttributes);
      return {};
    },
  };
  return { client: { connection: { operatorService } } as unknown as Client, adds };
}

function capturedLogger() {
  const lines: Array<{ level: string; msg: string; command?: string }> = [];
  const logger = createLogger('info', 'scryon', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, warnings: () => lines.filter((line) => line.level === 'warn') };
}

describe('the keys', () => {
  it('are what the SDK defines for Keyword attributes of their names', () => {
    expect(WORKFLOW_KIND).toEqual(defineSearchAttributeKey('ScryonWorkflow', SearchAttributeType.KEYWORD));
    expect(CALL_STATUS).toEqual(defineSearchAttributeKey('CallStatus', SearchAttributeType.KEYWORD));
    expect(CALL_ID).toEqual(defineSearchAttributeKey('CallId', SearchAttributeType.KEYWORD));
  });
});

describe('searchAttributesFor', () => {
  it('tags a call with its kind, id and status, and a sweep with its kind alone', () => {
    const of = searchAttributesFor(ALL);
    expect(of({ kind: 'call', callId: 'c1', callStatus: 'QUEUED' })).toEqual([
      { key: WORKFLOW_KIND, value: 'call' },
      { key: CALL_ID, value: 'c1' },
      { key: CALL_STATUS, value: 'QUEUED' },
    ]);
    expect(of({ kind: 'webhook-delivery', callId: undefined })).toEqual([
      { key: WORKFLOW_KIND, value: 'webhook-delivery' },
    ]);
    expect(of({ kind: 'sweep' })).toEqual([{ key: WORKFLOW_KIND, value: 'sweep' }]);
  });

  it('leaves out every attribute the namespace has not registered, so no start is refused for one', () => {
    expect(searchAttributesFor(new Set(['CallId']))({ kind: 'call', callId: 'c1', callStatus: 'QUEUED' })).toEqual([
      { key: CALL_ID, value: 'c1' },
    ]);
    expect(searchAttributesFor(new Set())({ kind: 'call', callId: 'c1', callStatus: 'QUEUED' })).toEqual([]);
  });
});

describe('registrationState', () => {
  it('sorts our keys into registered, missing, and registered with another type; ignores other attributes', () => {
    const state = registrationState({ ScryonWorkflow: KEYWORD, CallStatus: TEXT, CustomerTier: KEYWORD });
    expect(state).toEqual({ registered: [WORKFLOW_KIND], missing: [CALL_ID], conflicting: [CALL_STATUS] });
  });
});

describe('registrationCommand', () => {
  it('names every missing attribute, each with its type, in one temporal CLI command', () => {
    expect(registrationCommand('scryon', SCRYON_SEARCH_ATTRIBUTES)).toBe(COMMAND);
    expect(registrationCommand('default', [CALL_ID])).toBe(
      'temporal operator search-attribute create --namespace default --name CallId --type Keyword',
    );
  });
});

describe('registerSearchAttributes', () => {
  const callTags = { kind: 'call', callId: 'c1', callStatus: 'QUEUED' } as const;

  it('adds the missing ones as Keyword on the namespace, once, and then starts carry them all', async () => {
    const { client, adds } = fakeTemporal({ ScryonWorkflow: KEYWORD });
    const { logger, warnings } = capturedLogger();
    const of = await registerSearchAttributes(client, 'scryon', logger);
    expect(adds).toEqual([{ namespace: 'scryon', searchAttributes: { CallStatus: KEYWORD, CallId: KEYWORD } }]);
    expect(of(callTags)).toHaveLength(3);
    expect(warnings()).toEqual([]);

    await registerSearchAttributes(client, 'scryon', logger);
    expect(adds).toHaveLength(1);
  });

  it('takes a refusal from a process that registered them first as success', async () => {
    const custom: Record<string, number> = {};
    const { client } = fakeTemporal(custom, (requested) => {
      Object.assign(custom, requested);
      throw grpcError(6, 'search attribute CallStatus already exists');
    });
    const { logger, warnings } = capturedLogger();
    expect(await registerSearchAttributes(client, 'scryon', logger).then((of) => of(callTags))).toHaveLength(3);
    expect(warnings()).toEqual([]);
  });

  it('on a cluster that refuses, warns once naming the command, and starts carry only what is registered', async () => {
    const { client } = fakeTemporal({ CallId: KEYWORD }, () => {
      throw grpcError(7, 'Request unauthorized.');
    });
    const { logger, warnings } = capturedLogger();
    const of = await registerSearchAttributes(client, 'scryon', logger);
    expect(of(callTags)).toEqual([{ key: CALL_ID, value: 'c1' }]);
    expect(warnings()).toHaveLength(1);
    const command =
      'temporal operator search-attribute create --namespace scryon ' +
      '--name ScryonWorkflow --type Keyword --name CallStatus --type Keyword';
    expect(warnings()[0]).toMatchObject({ command });
    expect(warnings()[0]!.msg).toContain(command);
  });

  it('where the attributes cannot even be listed, warns with the whole command and tags nothing', async () => {
    const { client } = fakeTemporal({});
    const { logger, warnings } = capturedLogger();
    const of = await registerSearchAttributes(client, 'elsewhere', logger);
    expect(of(callTags)).toEqual([]);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toContain(COMMAND.replace('--namespace scryon', '--namespace elsewhere'));
  });

  it('leaves out an attribute of ours registered with another type, and says so', async () => {
    const { client, adds } = fakeTemporal({ ScryonWorkflow: KEYWORD, CallStatus: TEXT, CallId: KEYWORD });
    const { logger, warnings } = capturedLogger();
    const of = await registerSearchAttributes(client, 'scryon', logger);
    expect(adds).toEqual([]);
    expect(of(callTags).map((pair) => pair.key.name)).toEqual(['ScryonWorkflow', 'CallId']);
    expect(warnings().map((line) => line.msg)).toEqual([
      'search attributes registered on namespace scryon with a type other than Keyword, ' +
        'so workflows start without them: CallStatus',
    ]);
  });
});
