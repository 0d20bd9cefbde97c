import type { EntityMetadata, EntityName } from '@mikro-orm/core';
import type { Em } from './orm.ts';

/** Values for one row, keyed by entity property names (checked against the entity type). */
export type RowValues<Entity> = { [Property in keyof Entity]?: unknown };

export interface InsertColumns {
  table: string;
  /** Quoted column names, comma-separated, in the order of `params`. */
  columns: string;
  /** One `?` per parameter. */
  placeholders: string;
  params: unknown[];
}

/**
 * The table, columns and parameters for inserting `values` into `entity`,
 * read from the ORM's own metadata, so a hand-written statement names
 * properties as the entities do and never repeats their column mapping.
 */
export function insertColumns<Entity extends object>(em: Em, entity: EntityName<Entity>, values: RowValues<Entity>): InsertColumns {
  const meta = em.getMetadata(entity);
  const properties = Object.keys(values) as Array<keyof Entity & string>;
  return {
    table: `"${meta.tableName}"`,
    columns: properties.map((property) => quotedColumn(meta, property)).join(', '),
    placeholders: properties.map(() => '?').join(', '),
    params: properties.map((property) => values[property]),
  };
}

/** The quoted column behind one property of `entity`. */
export function columnOf<Entity extends object>(em: Em, entity: EntityName<Entity>, property: keyof Entity & string): string {
  return quotedColumn(em.getMetadata(entity), property);
}

function quotedColumn<Entity extends object>(meta: EntityMetadata<Entity>, property: keyof Entity & string): string {
  const fieldNames = meta.properties[property as keyof typeof meta.properties]?.fieldNames;
  if (fieldNames?.length !== 1) throw new Error(`${meta.className}.${property} is not a single-column property`);
  return `"${fieldNames[0]}"`;
}
