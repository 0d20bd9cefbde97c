import { getNamedType, isListType, isNonNullType, isObjectType } from 'graphql';
import type { GraphQLObjectType, GraphQLOutputType } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildGraphqlSchema } from '../../../src/api/graphql/schema/schema.ts';
import { analysisSchema } from '../../../src/analysis/analysis-schema.ts';
import { transcriptDocumentSchema } from '../../../src/transcripts/transcript-document.ts';

const schema = buildGraphqlSchema('dev');

interface Mismatch {
  path: string;
  zod: string;
  graphql: string;
}

/** Peels optional/nullable/default off a zod property: whether it may be absent, and what it is. */
function unwrap(field: z.ZodType): { core: z.ZodType; nullable: boolean } {
  let core = field;
  let nullable = false;
  while (['optional', 'nullable', 'default'].includes(core._zod.def.type)) {
    nullable = true;
    core = (core._zod.def as unknown as { innerType: z.ZodType }).innerType;
  }
  return { core, nullable };
}

/** Every place where a GraphQL object type and the zod object it serves differ: names, nullability, nesting. */
function drift(zodObject: z.ZodObject, type: GraphQLObjectType, path: string): Mismatch[] {
  const fields = type.getFields();
  const zodKeys = Object.keys(zodObject.shape).sort();
  const graphqlKeys = Object.keys(fields).sort();
  if (zodKeys.join() !== graphqlKeys.join()) return [{ path, zod: zodKeys.join(), graphql: graphqlKeys.join() }];
  return zodKeys.flatMap((key) => fieldDrift(zodObject.shape[key] as z.ZodType, fields[key]!.type, `${path}.${key}`));
}

function fieldDrift(field: z.ZodType, type: GraphQLOutputType, path: string): Mismatch[] {
  const { core, nullable } = unwrap(field);
  const mismatch = (zod: string): Mismatch[] => [{ path, zod, graphql: String(type) }];
  if (nullable === isNonNullType(type)) return mismatch(nullable ? 'nullable' : 'required');
  const inner = isNonNullType(type) ? type.ofType : type;
  if (core._zod.def.type === 'array') {
    if (!isListType(inner)) return mismatch('array');
    return fieldDrift((core as z.ZodArray).element as z.ZodType, inner.ofType, `${path}[]`);
  }
  if (core._zod.def.type !== 'object') return [];
  const named = getNamedType(inner);
  return isObjectType(named) ? drift(core as z.ZodObject, named, path) : mismatch('object');
}

describe('GraphQL types of the stored documents', () => {
  it.each([
    ['Transcript', transcriptDocumentSchema],
    ['Analysis', analysisSchema],
  ] as const)('%s has the fields of its zod schema, at every depth', (name, zodSchema) => {
    const type = schema.getType(name);
    expect(type && isObjectType(type), `${name} is a GraphQL object type`).toBe(true);
    expect(drift(zodSchema as unknown as z.ZodObject, type as GraphQLObjectType, name)).toEqual([]);
  });

  it('serves them on Call, typed, with the named parts a client selects', () => {
    const call = schema.getType('Call') as GraphQLObjectType;
    expect(String(call.getFields().transcript!.type)).toBe('Transcript');
    expect(String(call.getFields().analysis!.type)).toBe('Analysis');
    const parts = ['TranscriptSegment', 'Speaker', 'AnalysisOutcome', 'Judgement', 'ActionItemSuggestion'];
    for (const name of parts) {
      expect(isObjectType(schema.getType(name)), name).toBe(true);
    }
  });

  it('marks the legacy aliases deprecated', () => {
    const analysis = schema.getType('Analysis') as GraphQLObjectType;
    for (const alias of ['shortSummary', 'detailedSummary', 'keyPoints']) {
      expect(analysis.getFields()[alias]!.deprecationReason, alias).toBeTruthy();
    }
  });
});
