import { globalRegistry, type z } from 'zod';
import { builder } from './builder.ts';

/**
 * GraphQL object types made from the zod schemas REST and tRPC serve, so a
 * document has one definition and GraphQL's fields cannot drift from it:
 * the same field names, nullability and descriptions. A part with a zod `id`
 * keeps it as its type name; an unnamed one is named after its parent and key.
 * An enum is a GraphQL enum when it has an id and values GraphQL can spell,
 * a String otherwise. Unknown keys a loose object lets through are not typed.
 */

// Pothos refs of any shape: the generated types are only ever read as plain JSON.
type OutputRef = ReturnType<typeof builder.objectRef<Json>>;
type Json = Record<string, unknown>;
type TypeName = 'String' | 'Int' | 'Float' | 'Boolean';
type FieldType = TypeName | OutputRef | ReturnType<typeof builder.enumType> | [FieldType];

const objectRefs = new Map<z.ZodType, OutputRef>();
const enumRefs = new Map<string, ReturnType<typeof builder.enumType>>();
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Enums the schema already declares under the zod enum's id (SpeakerRole, Sentiment, Outcome): reused. */
export function shareEnum(id: string, ref: ReturnType<typeof builder.enumType>): void {
  enumRefs.set(id, ref);
}

/** The object type of a zod object schema (with an `id`, or the name given). */
export function objectTypeOf(schema: z.ZodObject, name?: string): OutputRef {
  const known = objectRefs.get(schema);
  if (known) return known;
  const meta = globalRegistry.get(schema);
  const typeName = meta?.id ?? name;
  if (!typeName) throw new Error('A zod object needs an id or a name to become a GraphQL type');
  const ref = builder.objectRef<Json>(typeName);
  objectRefs.set(schema, ref);
  const fields = Object.entries(schema.shape).map(
    ([key, field]) => [key, fieldOf(typeName, key, field as z.ZodType)] as const,
  );
  ref.implement({
    ...(meta?.description ? { description: meta.description } : {}),
    fields: (t) => Object.fromEntries(fields.map(([key, field]) => [key, t.field(fieldConfig(key, field) as never)])),
  });
  return ref;
}

interface FieldSpec {
  type: FieldType;
  nullable: boolean;
  itemsNullable: boolean;
  description: string | undefined;
  deprecated: boolean;
}

function fieldConfig(key: string, field: FieldSpec) {
  return {
    type: field.type,
    nullable: Array.isArray(field.type) ? { list: field.nullable, items: field.itemsNullable } : field.nullable,
    ...(field.description ? { description: field.description } : {}),
    ...(field.deprecated ? { deprecationReason: field.description ?? 'Deprecated' } : {}),
    resolve: (parent: Json) => parent[key] ?? null,
  };
}

/** A property: its wrappers (optional, nullable, default) give nullability and metadata, the core its type. */
function fieldOf(parent: string, key: string, schema: z.ZodType): FieldSpec {
  const { core, nullable, description, deprecated } = unwrap(schema);
  if (core._zod.def.type === 'array') {
    const item = unwrap((core as z.ZodArray).element as z.ZodType);
    const type = typeOf(`${parent}${singular(capitalized(key))}`, item.core);
    return { type: [type] as [FieldType], nullable, itemsNullable: item.nullable, description, deprecated };
  }
  const type = typeOf(`${parent}${capitalized(key)}`, core);
  return { type, nullable, itemsNullable: false, description, deprecated };
}

function unwrap(schema: z.ZodType) {
  let core = schema;
  let nullable = false;
  let description: string | undefined;
  let deprecated = false;
  for (;;) {
    const meta = globalRegistry.get(core);
    // A named part's description is its type's, not the field's.
    if (!meta?.id) description ??= meta?.description;
    deprecated ||= meta?.deprecated === true;
    const { type } = core._zod.def;
    if (type !== 'optional' && type !== 'nullable' && type !== 'default') break;
    nullable = true;
    core = (core._zod.def as unknown as { innerType: z.ZodType }).innerType;
  }
  return { core, nullable, description, deprecated };
}

function typeOf(name: string, core: z.ZodType): FieldType {
  const def = core._zod.def as unknown as { type: string; values?: unknown[]; entries?: Record<string, string> };
  switch (def.type) {
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    case 'number':
      return isInteger(core) ? 'Int' : 'Float';
    case 'literal':
      return literalType(def.values ?? []);
    case 'enum':
      return enumOf(core, Object.values(def.entries ?? {}));
    case 'object':
      return objectTypeOf(core as z.ZodObject, name);
    default:
      throw new Error(`${name}: zod type ${def.type} has no GraphQL type here`);
  }
}

function isInteger(schema: z.ZodType): boolean {
  const format = (schema as z.ZodNumber).format;
  return format === 'safeint' || format === 'int32' || format === 'uint32';
}

function literalType(values: unknown[]): TypeName {
  if (values.every((value) => typeof value === 'number')) return values.every(Number.isInteger) ? 'Int' : 'Float';
  return values.every((value) => typeof value === 'boolean') ? 'Boolean' : 'String';
}

function enumOf(schema: z.ZodType, values: string[]): FieldType {
  const id = globalRegistry.get(schema)?.id;
  if (!id || !values.every((value) => GRAPHQL_NAME.test(value))) return 'String';
  const known = enumRefs.get(id);
  if (known) return known;
  const description = globalRegistry.get(schema)?.description;
  const ref = builder.enumType(id, { values, ...(description ? { description } : {}) });
  enumRefs.set(id, ref);
  return ref;
}

const capitalized = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);
const singular = (name: string) => {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  return name.endsWith('s') ? name.slice(0, -1) : name;
};
