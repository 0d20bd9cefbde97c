import { isRaw, JsonProperty, Utils, type Platform } from '@mikro-orm/core';

/** A statement whose text holds only `$n` placeholders where a client's text would go, and those values apart. */
export interface BoundStatement {
  sql: string;
  parameters: string[];
}

/**
 * MikroORM 7 inlines every value into the SQL text (`Platform.formatQuery`)
 * and sends no parameters. A value is then part of the statement's bytes, so
 * any encoder that miscounts them (PGlite's did, for unpaired surrogates) cuts
 * the statement itself, `where` clause and all. This reads the same `?` / `??`
 * placeholders the ORM reads, but sends every string (and every JSON document,
 * which is a string on the wire) as a bound parameter: no text a client wrote
 * can change the statement's structure, whatever the encoder does with it.
 * Numbers, dates, booleans and bytes carry no client text and stay inline, as
 * the ORM writes them.
 */
export function bindParameters(platform: Platform, sql: string, params: readonly unknown[]): BoundStatement {
  const parameters: string[] = [];
  const placeholder = (text: string): string => {
    parameters.push(text);
    return `$${parameters.length}`;
  };

  const literal = (value: unknown): string => {
    if (isRaw(value)) return format(value.sql, value.params);
    if (typeof value === 'string') return placeholder(value);
    if (isJsonDocument(value)) return placeholder(JSON.stringify(value));
    if (Array.isArray(value)) return value.map(listItem).join(', ');
    return String(platform.quoteValue(value));
  };
  // The ORM spreads an array into a list (`in (?)`) item by item, without turning nested objects into JSON.
  const listItem = (item: unknown): string => {
    if (typeof item === 'string') return placeholder(item);
    if (Array.isArray(item)) return item.map(listItem).join(', ');
    return String(platform.escape(item));
  };

  // The same scan as Platform.formatQuery: `??` an identifier, `\?` a literal question mark, `?` a value.
  const format = (text: string, values: readonly unknown[]): string => {
    let next = 0;
    let out = '';
    let at = 0;
    while (at < text.length) {
      const mark = text.indexOf('?', at);
      if (mark === -1) {
        out += text.slice(at);
        break;
      }
      if (mark > 0 && text[mark - 1] === '\\') {
        out += `${text.slice(at, mark - 1)}?`;
        at = mark + 1;
      } else if (text[mark + 1] === '?') {
        out += text.slice(at, mark) + platform.quoteIdentifier(values[next++] as string);
        at = mark + 2;
      } else {
        out += text.slice(at, mark) + literal(values[next++]);
        at = mark + 1;
      }
    }
    return out;
  };

  return { sql: params.length === 0 ? sql : format(sql, params), parameters };
}

function isJsonDocument(value: unknown): boolean {
  if (Utils.isPlainObject(value)) return true;
  return typeof value === 'object' && value !== null && JsonProperty in value;
}
