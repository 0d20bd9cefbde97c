import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { chromiumExecutable } from './chromium.ts';

/** Flags that keep Chromium from calling home on its own (updates, sync, QUIC probes). */
const QUIET_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a request stays on this machine; `data:` and `blob:` URLs never leave the page. */
export function isLocal(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return LOCAL_HOSTS.has(parsed.hostname);
}

export interface OfflineBrowser {
  browser: Browser;
  context: BrowserContext;
  /** Every request the pages tried to send to another host (each was refused). */
  refused: string[];
  /** Errors the pages threw or logged to the console. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * A headless Chromium whose pages may reach this machine only, as on a laptop
 * with no internet: every request to another host is aborted and recorded.
 */
export async function launchOfflineBrowser(): Promise<OfflineBrowser> {
  const { executablePath, args } = await chromiumExecutable();
  const browser = await chromium.launch({ executablePath, args: [...args, ...QUIET_FLAGS] });
  const context = await browser.newContext();
  const refused: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    refused.push(url);
    return route.abort('internetdisconnected');
  });
  context.on('page', (page) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && pageErrors.push(message.text())));
  });
  return { browser, context, refused, pageErrors, close: () => browser.close() };
}
