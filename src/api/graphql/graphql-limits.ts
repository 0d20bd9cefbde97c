import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  validate,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestContext } from '../operations/request-context.ts';
import { isGraphqlError } from './graphql-errors.ts';

/**
 * What one GraphQL operation may ask for, on every transport (HTTP, SSE and
 * graphql-ws run the same plugin list). An operation over a limit is refused
 * before it runs, with a GraphQL error naming the limit.
 */
export const GRAPHQL_LIMITS = {
  /** Lexer tokens of the query text; parsing stops at the first token over. The full introspection query is ~190. */
  maxTokens: 2_000,
  /**
   * Aliased fields (none exempt, `__typename` included): aliases are
   * how one small request asks for the same thing many times.
   */
  maxAliases: 15,
  /** Directive uses (`@include`, `@skip`, …) per operation. */
  maxDirectives: 10,
  /** Selection depth of the data part (the schema is at most five levels deep). */
  maxDepth: 8,
  /** graphql-armor cost of the data part: wide (aliased) or long (`first: 100`) queries. */
  maxCost: 5_000,
  /**
   * The same depth and cost limits once more with introspection counted, but
   * with room for the standard introspection query GraphiQL and codegen send
   * (depth 21, cost ~87,500): one full schema, not many.
   */
  introspectionMaxDepth: 24,
  introspectionMaxCost: 100_000,
  /** Largest JSON body of POST /graphql; multipart uploads are streamed and limited by the upload size. */
  maxBodyBytes: 64 * 1024,
} as const;

/** What one graphql-ws connection, and one user, may hold open. */
export const GRAPHQL_WS_LIMITS = {
  /** Largest WebSocket message; a bigger one closes the connection with 1009 before it is buffered whole. */
  maxPayloadBytes: 64 * 1024,
  /** Operations (subscriptions and in-flight queries) at once on one connection; the next is answered with an error. */
  maxOperationsPerConnection: 20,
  /** Open connections of one authenticated user; the next is closed with `tooManyConnectionsCloseCode`. */
  maxConnectionsPerUser: 10,
  tooManyConnectionsCloseCode: 4429,
} as const;

/**
 * The envelop plugins that enforce the limits, for yoga's HTTP and SSE path and,
 * through `yoga.getEnveloped`, for graphql-ws. In prod, introspection is
 * refused and validation answers carry no "Did you mean …" suggestions (which
 * would otherwise give the schema away field by field).
 */
export function graphqlLimitPlugins(profile: RequestContext['profile']): Plugin[] {
  const limits = GRAPHQL_LIMITS;
  const rules: ValidationRule[] = [
    // Order decides which refusal an operation over several limits hears: depth and cost first.
    limitRule(maxDepthRule({ n: limits.maxDepth, exposeLimits: true })),
    limitRule(costLimitRule({ maxCost: limits.maxCost, exposeLimits: true })),
    limitRule(maxAliasesRule({ n: limits.maxAliases, allowList: [], exposeLimits: true })),
    limitRule(maxDirectivesRule({ n: limits.maxDirectives, exposeLimits: true })),
    limitRule(maxDepthRule({ n: limits.introspectionMaxDepth, ignoreIntrospection: false, exposeLimits: true })),
    limitRule(costLimitRule({ maxCost: limits.introspectionMaxCost, ignoreIntrospection: false, exposeLimits: true })),
    IntrospectionWithoutAliasesRule,
  ];
  return [
    ...(profile === 'prod' ? [disableIntrospectionPlugin(), hideSuggestionsPlugin()] : []),
    tokenLimitPlugin(limits.maxTokens),
    { onValidate: ({ addValidationRule }) => rules.forEach(addValidationRule) },
  ];
}

/** What every refused limit carries: one code, and 400 on HTTP whatever the client accepts. */
function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'query_limit_exceeded', http: { status: 400 } } });
}

/**
 * The token limit, by graphql's own parser option. (graphql-armor-max-tokens
 * does the same with the graphql 16 parser it bundles, which would then parse
 * every document of this graphql 17 server.)
 */
function tokenLimitPlugin(maxTokens: number): Plugin {
  return {
    onParse: ({ setParseFn }) =>
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens });
        } catch (error) {
          if (isGraphqlError(error) && /contains more than \d+ tokens/.test(error.message))
            throw limitError(`Token limit of ${maxTokens} exceeded.`);
          throw error;
        }
      }),
  };
}

type ArmorVisitor = { OperationDefinition: { enter(this: unknown, node: OperationDefinitionNode): void } };

/**
 * A graphql-armor rule whose refusal is a limit error of this module's
 * graphql. Armor throws its own (graphql 16) error, prefixed "Syntax Error",
 * which yoga would answer 200 without a code.
 */
function limitRule(rule: (context: never) => unknown): ValidationRule {
  return (context: ValidationContext) => {
    const visitor = rule(context as never) as ArmorVisitor;
    return {
      OperationDefinition: {
        enter(node) {
          try {
            // Some armor visitors read `this`: call the hook on the visitor, as graphql's own visit would.
            visitor.OperationDefinition.enter.call(visitor, node);
          } catch (error) {
            if (isGraphqlError(error)) throw limitError(error.message.replace(/^Syntax Error: /, ''));
            throw error;
          }
        },
      },
    };
  };
}

/** Refuses `__schema` and `__type` (not `__typename`), as graphql's own custom rule does. */
export function disableIntrospectionPlugin(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) };
}

/** Validation and execution errors without suggestions of field, argument or enum names. */
function hideSuggestionsPlugin(): Plugin {
  return {
    // graphql 17 takes the options fourth; envelop's signature still has typeInfo there.
    onValidate: ({ setValidationFn }) =>
      setValidationFn((schema, document, rules) => validate(schema, document, rules, { hideSuggestions: true })),
    onExecute: ({ setExecuteFn, executeFn }) =>
      setExecuteFn((args) => executeFn({ ...args, hideSuggestions: true } as typeof args)),
    onSubscribe: ({ setSubscribeFn, subscribeFn }) =>
      setSubscribeFn((args) => subscribeFn({ ...args, hideSuggestions: true } as typeof args)),
  };
}

/**
 * No alias on `__schema` or `__type`, nor anywhere inside them. Tools never
 * alias there; an attacker does, to have one small unauthenticated request
 * dump the schema hundreds of times. With it, one operation returns at most one
 * schema and one `__type`, and graphql's MaxIntrospectionDepthRule (in the
 * specified rules) bounds how far `fields`/`interfaces`/… may nest inside.
 */
export const IntrospectionWithoutAliasesRule: ValidationRule = (context) => {
  const cleanFragments = new Set<string>();
  const findAlias = (selectionSet: SelectionSetNode, expanding: Set<string>): FieldNode | undefined => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) return selection;
        const inner = selection.selectionSet && findAlias(selection.selectionSet, expanding);
        if (inner) return inner;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = findAlias(selection.selectionSet, expanding);
        if (inner) return inner;
      } else {
        const name = selection.name.value;
        // Each fragment is walked once; cycles are NoFragmentCyclesRule's to report.
        if (cleanFragments.has(name) || expanding.has(name)) continue;
        const fragment = context.getFragment(name);
        if (!fragment) continue;
        expanding.add(name);
        const inner = findAlias(fragment.selectionSet, expanding);
        expanding.delete(name);
        if (inner) return inner;
        cleanFragments.add(name);
      }
    }
    return undefined;
  };
  return {
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return undefined;
      const aliased = node.alias ? node : node.selectionSet && findAlias(node.selectionSet, new Set());
      if (!aliased) return undefined;
      context.reportError(
        new GraphQLError(
          `Aliases are not allowed in introspection ("${aliased.alias?.value}: ${aliased.name.value}").`,
          {
            nodes: [aliased],
            extensions: { code: 'query_limit_exceeded' },
          },
        ),
      );
      return false;
    },
  };
};
