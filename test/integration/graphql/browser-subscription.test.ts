import http from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../../harness/audio.ts';
import { chromiumExecutable } from '../../harness/chromium.ts';
import { json, uploadCall } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

/** A tiny web client: speaks the graphql-ws protocol with the browser's own WebSocket. */
const PAGE =
  `<!doctype html><meta charset="utf-8"><title>scryon live</title><ul id="events"></ul>
<script type="module">
  const params = new URLSearchParams(location.search);
  const socket = new WebSocket(params.get('ws'), 'graphql-transport-ws');
  socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer ' + ` +
  `params.get('token') } }));
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type === 'connection_ack') {
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { ` +
  `myCallStatusChanged { callId status } }' } }));
      document.title = 'subscribed';
    }
    if (data.type === 'next') {
      const item = document.createElement('li');
      item.textContent = data.payload.data.myCallStatusChanged.callId + ' ' + ` +
  `data.payload.data.myCallStatusChanged.status;
      document.getElementById('events').append(item);
    }
  };
</script>`;

describe('a browser subscribed over graphql-ws', () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let page: http.Server;
  let pageUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    // The worker runs, so a new upload moves through real status changes.
    scryon = await startTestApp();
    user = await signUpUser();
    page = http.createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
    );
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const address = page.address();
    pageUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    const { executablePath, args } = await chromiumExecutable();
    browser = await chromium.launch({
      executablePath,
      args: [
        ...args,
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    page?.close();
    await scryon.close();
  });

  it("sees a new upload's status changes live", async () => {
    const tab = await browser.newPage();
    const ws = `${scryon.url.replace('http', 'ws')}/graphql`;
    await tab.goto(`${pageUrl}?ws=${encodeURIComponent(ws)}&token=${encodeURIComponent(user.idToken)}`);
    await tab.waitForFunction(() => document.title === 'subscribed');
    const { callId } = await json(await uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(4) } }));
    await tab.waitForFunction(
      (id) => [...document.querySelectorAll('li')].some((li) => li.textContent === `${id} COMPLETED`),
      callId,
      { timeout: 60_000 },
    );
    const seen = await tab.$$eval('li', (items) => items.map((item) => item.textContent));
    // QUEUED first: the watcher hears of the call as soon as it exists, not at its first move.
    expect(seen).toEqual([`${callId} QUEUED`, `${callId} TRANSCRIBING`, `${callId} ANALYZING`, `${callId} COMPLETED`]);
  });
});
