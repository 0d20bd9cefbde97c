import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import type { RequestContext } from '../../operations/request-context.ts';

/**
 * The Pothos builder: plugins and the context type, no types of its own.
 * The context is the same inner context REST and tRPC use.
 */
export const builder = new SchemaBuilder<{
  Context: RequestContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  relay: { clientMutationId: 'omit', cursorType: 'String', nodeQueryOptions: false, nodesQueryOptions: false },
});

builder.scalarType('DateTime', {
  description: 'ISO-8601 UTC timestamp',
  serialize: (value) => value,
  parseValue: (value) => String(value),
});
builder.scalarType('JSON', {
  description: 'An open JSON document',
  serialize: (value) => value,
  parseValue: (value) => value,
});
builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
