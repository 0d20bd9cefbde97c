import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCRYON_VERSION } from '../config/config.ts';
import { printGraphqlSchema } from './graphql/schema/schema.ts';
import { buildOpenApiDocument } from './rest/openapi-document.ts';
import { renderOpenApiTypes } from './rest/openapi-types.ts';

/**
 * Writes the public contracts into schema/; `--check` fails (exit 1) when a
 * committed file is stale instead of rewriting it. CI runs the check.
 */
const contracts: Array<{ file: string; render(): string | Promise<string> }> = [
  { file: 'openapi.json', render: () => `${JSON.stringify(buildOpenApiDocument(SCRYON_VERSION), null, 2)}\n` },
  // What a TypeScript client generates from the document; test/unit/api/openapi-client.typecheck.ts reads it.
  { file: 'openapi-types.ts', render: () => renderOpenApiTypes(buildOpenApiDocument(SCRYON_VERSION)) },
  { file: 'schema.graphql', render: printGraphqlSchema },
];

const check = process.argv.includes('--check');
const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));
let stale = 0;
for (const contract of contracts) {
  const target = `${schemaDir}${contract.file}`;
  const next = await contract.render();
  const current = readOrEmpty(target);
  if (current === next) continue;
  if (check) {
    stale += 1;
    process.stderr.write(`schema/${contract.file} is stale: run \`npm run gen\` and commit the result\n`);
  } else {
    writeFileSync(target, next);
    process.stdout.write(`wrote schema/${contract.file}\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
