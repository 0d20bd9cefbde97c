import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDocsRoutes } from '../../../src/api/rest/docs-routes.ts';
import { buildOpenApiDocument } from '../../../src/api/rest/openapi-document.ts';
import { uploadMetadataSchema } from '../../../src/calls/call-schemas.ts';
import { chromiumExecutable } from '../../harness/chromium.ts';

/**
 * The docs page's "Try it out" on the upload, as a person would press it: the
 * form it pre-fills must be one the server accepts and worth storing (real
 * metadata, not the word "string"), with no Idempotency-Key that a second try
 * would collide with.
 */
describe('the docs page, trying the upload out', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    app = Fastify();
    await registerDocsRoutes(app, buildOpenApiDocument('test'));
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    const { executablePath, args } = await chromiumExecutable();
    browser = await chromium.launch({ executablePath, args, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('pre-fills the metadata part with real metadata and leaves Idempotency-Key empty', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/api/docs/`);
    const operation = page.locator('#operations-calls-calls-analyze');
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    const metadata = operation.locator('.opblock-section-request-body textarea');
    await expect.poll(() => metadata.inputValue()).not.toBe('');
    const parsed = uploadMetadataSchema.parse(JSON.parse(await metadata.inputValue()));
    expect(parsed.title).toBeTruthy();
    expect(parsed.title).not.toBe('string');
    expect(await operation.locator('tr[data-param-name="Idempotency-Key"] input[type="text"]').inputValue()).toBe('');
  });
});
