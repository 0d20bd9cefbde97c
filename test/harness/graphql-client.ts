import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from './test-app.ts';

export interface GraphqlResponse<T = any> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function graphql<T = any>(
  scryon: TestApp,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphqlResponse<T>> {
  const response = await scryon.fetch('/graphql', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphqlResponse<T>;
}

/** A graphql-ws client authenticated through connection params, as a browser would be. */
export function wsClient(scryon: TestApp, token: string): Client {
  return createClient({
    url: `${scryon.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    // Refused connections are asserted by the tests themselves.
    onNonLazyError: () => undefined,
  });
}

/** The errors a subscription is refused with, whether they arrive as a result or as the operation's error. */
export function subscriptionErrors(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown> },
): Promise<unknown[]> {
  return new Promise((resolve) => {
    client.subscribe(payload, {
      next: (result) => result.errors && resolve([...result.errors]),
      error: (error) => resolve(Array.isArray(error) ? error : [error]),
      complete: () => undefined,
    });
  });
}

/** Collects the first `count` events of a subscription over SSE. */
export async function sseEvents(
  scryon: TestApp,
  token: string,
  query: string,
  count: number,
  onOpen: () => Promise<void>,
): Promise<any[]> {
  const controller = new AbortController();
  const response = await scryon.fetch('/graphql', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const events: any[] = [];
  let buffer = '';
  const opened = onOpen();
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').find((line) => line.startsWith('data:'));
        if (block.includes('event: next') && data) events.push(JSON.parse(data.slice(5)));
      }
    }
  } finally {
    await opened;
    controller.abort();
  }
  return events;
}
