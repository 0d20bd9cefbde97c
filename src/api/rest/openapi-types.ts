import openapiTS from 'openapi-typescript';
import type { OpenApiDocument } from './openapi-document.ts';

/**
 * The TypeScript types a client team generates from the document, with the
 * generator they use: committed beside it (schema/openapi-types.ts) so the
 * type check proves a typed client reads the transcript and analysis fields.
 */
export async function renderOpenApiTypes(document: OpenApiDocument): Promise<string> {
  // The generator resolves references in place; it gets its own copy.
  const types = await openapiTS(structuredClone(document) as Parameters<typeof openapiTS>[0]);
  return types.endsWith('\n') ? types : `${types}\n`;
}
