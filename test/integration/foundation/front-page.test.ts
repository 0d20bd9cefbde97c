import Fastify from 'fastify';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFrontPage } from '../../../src/api/front/front-page.ts';
import { launchOfflineBrowser, type OfflineBrowser } from '../../harness/offline-browser.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

/** As `npm run dev` runs it: no Firebase, so the page works as the local-dev user with no token. */
const LOCAL_DEV = { FIREBASE_PROJECT_ID: '', FIREBASE_AUTH_EMULATOR_HOST: '' };
const RECORDING = path.resolve('test/fixtures/audio/two-party-call.m4a');

describe('the front door of a dev server', () => {
  let scryon: TestApp;
  let offline: OfflineBrowser;

  beforeAll(async () => {
    scryon = await startTestApp({ env: LOCAL_DEV });
    offline = await launchOfflineBrowser();
  });
  afterAll(async () => {
    await offline?.close();
    await scryon?.close();
  });

  it('links the docs, GraphiQL and health from /, and each link answers 200', async () => {
    const page = await offline.context.newPage();
    await page.goto(`${scryon.url}/`);
    const links = await page
      .locator('nav a')
      .evaluateAll((anchors) =>
        anchors.map((anchor) => ({ text: anchor.textContent, href: anchor.getAttribute('href') })),
      );
    expect(links).toEqual(
      expect.arrayContaining([
        { text: 'API docs', href: '/api/docs' },
        { text: 'GraphiQL', href: '/graphql' },
        { text: 'Health', href: '/api/health' },
      ]),
    );
    for (const { href } of links) {
      const response = await page.request.get(`${scryon.url}${href}`, { headers: { accept: 'text/html' } });
      expect(response.status(), href ?? '').toBe(200);
    }
    expect(offline.refused).toEqual([]);
  });

  it("answers the banner's first URL, /api, with the same links", async () => {
    const response = await scryon.fetch('/api');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      service: 'scryon',
      links: { frontPage: '/', docs: '/api/docs', health: '/api/health', graphql: '/graphql', trpc: '/trpc' },
    });
  });

  it('uploads a recording from the try-it form, shows status live, then transcript, analysis, action ' +
    'items', async () => {
    const page = await offline.context.newPage();
    await page.goto(`${scryon.url}/`);
    await page.locator('input[name=file]').setInputFiles(RECORDING);
    await page.locator('input[name=title]').fill('Front door');
    await page.locator('input[name=contactName]').fill('Meera');
    await page.getByRole('button', { name: 'Upload and analyze' }).click();
    await page.locator('#transcript li').first().waitFor({ state: 'visible', timeout: 90_000 });

    const steps = await page.locator('#timeline li').allInnerTexts();
    expect(steps.at(-1)).toMatch(/^COMPLETED at /);
    expect(await page.locator('#status').innerText()).toMatch(/^Call [0-9a-f-]{36} is COMPLETED\.$/);
    expect(await page.locator('#transcript li').first().innerText()).toMatch(/^\d\d:\d\d \S.*: \S/);
    expect(await page.locator('#analysis dt').allInnerTexts()).toContain('Summary');
    expect(await page.locator('#action-items li').count()).toBeGreaterThan(0);
    expect(await page.locator('.error').count()).toBe(0);
    expect(offline.refused).toEqual([]);
    expect(offline.pageErrors).toEqual([]);
  }, 120_000);
});

describe('the front page by profile', () => {
  const pageOf = async (profile: 'dev' | 'prod', temporalUiUrl?: string) => {
    const app = Fastify();
    registerFrontPage(app, { version: '0.1.0', profile, temporalUiUrl });
    const html = (await app.inject({ method: 'GET', url: '/' })).body;
    const script = (await app.inject({ method: 'GET', url: '/front/try-it.js' })).statusCode;
    await app.close();
    return { html, script };
  };

  it('links the Temporal UI this process started', async () => {
    const { html } = await pageOf('dev', 'http://127.0.0.1:8233');
    expect(html).toContain('<a href="http://127.0.0.1:8233">Temporal UI</a>');
  });

  it('shows only the links in prod: no form, no GraphiQL', async () => {
    const { html, script } = await pageOf('prod');
    expect(html).toContain('href="/api/docs"');
    expect(html).not.toContain('<form');
    expect(html).not.toContain('GraphiQL');
    expect(script).toBe(404);
  });
});
