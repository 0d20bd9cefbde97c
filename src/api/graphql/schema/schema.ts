import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/action-item.ts';
import './types/call.ts';
import './types/changes.ts';
import './types/period-summary.ts';
import './types/search.ts';
import './types/user.ts';
import './types/webhooks.ts';

const fullSchema = builder.toSchema();

/** The schema served for a profile: prod has no reanalyze mutation, as REST has no route. */
export function buildGraphqlSchema(profile: 'dev' | 'staging' | 'prod'): GraphQLSchema {
  if (profile !== 'prod') return fullSchema;
  const config = fullSchema.toConfig();
  const mutationConfig = config.mutation!.toConfig();
  const { reanalyzeCall: _omitted, ...fields } = mutationConfig.fields;
  const mutation = new GraphQLObjectType({ ...mutationConfig, fields });
  return new GraphQLSchema({ ...config, mutation, types: config.types.filter((type) => type.name !== 'Mutation') });
}

/** The committed `schema/schema.graphql` (the non-prod schema, sorted for stable diffs). */
export function printGraphqlSchema(): string {
  return `${printSchema(lexicographicSortSchema(fullSchema))}\n`;
}
