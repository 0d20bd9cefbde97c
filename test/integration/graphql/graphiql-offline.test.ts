import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchOfflineBrowser, type OfflineBrowser } from '../../harness/offline-browser.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

/** As `npm run dev` runs it: no Firebase, so the local-dev user answers without a token. */
const LOCAL_DEV = { FIREBASE_PROJECT_ID: '', FIREBASE_AUTH_EMULATOR_HOST: '' };

describe('GraphiQL with no internet', () => {
  let scryon: TestApp;
  let offline: OfflineBrowser;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: LOCAL_DEV });
    offline = await launchOfflineBrowser();
  });
  afterAll(async () => {
    await offline?.close();
    await scryon?.close();
  });

  it('names no other host in its page', async () => {
    const response = await scryon.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('/graphiql/assets/graphiql.min.js');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('renders its editor and runs a query with every other host refused', async () => {
    const page = await offline.context.newPage();
    await page.goto(`${scryon.url}/graphql`);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => page.locator('.graphiql-response').innerText(), { timeout: 30_000 }).toContain('"me"');
    expect(offline.refused).toEqual([]);
    expect(offline.pageErrors).toEqual([]);
  });

  it('serves only the files of its page', async () => {
    const react = await scryon.fetch('/graphiql/assets/react.production.min.js');
    expect(react.headers.get('content-type')).toMatch(/javascript/);
    expect((await scryon.fetch('/graphiql/assets/package.json')).status).toBe(404);
    expect((await scryon.fetch('/graphiql/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});
