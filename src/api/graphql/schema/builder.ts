import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import type { GraphqlContext } from '../graphql-upload.ts';
import { AppError } from '../../../errors/app-error.ts';

/**
 * The Pothos builder: plugins and the context type, no types of its own.
 * The context is the same inner context REST and tRPC use, with a multipart request's file.
 */
export const builder = new SchemaBuilder<{
  Context: GraphqlContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    Upload: { Input: string; Output: never };
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
builder.scalarType('Upload', {
  description: 'A file sent with the GraphQL multipart request spec',
  serialize: () => {
    throw new Error('Upload is input only');
  },
  // The multipart handler puts a token of the request's file in the variable; `submitCall` trades it for the stream.
  parseValue: (value) => {
    if (typeof value !== 'string')
      throw new AppError('validation_failed', 'Send the file with the GraphQL multipart request spec', {
        fields: { file: 'required' },
      });
    return value;
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
