import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { apiIndex, type FrontDoorOptions } from './api-index.ts';

/** The try-it form's script: plain JavaScript read as it is, no build step. */
const TRY_IT_SCRIPT = new URL('./try-it.js', import.meta.url);
export const TRY_IT_SCRIPT_PATH = '/front/try-it.js';

/**
 * The front door: `/` says what this is and links everything a newcomer looks
 * for; `/api`, the banner's first URL, lists the same links as JSON. Outside
 * prod the page also holds a form that uploads a recording and follows it to
 * its transcript, analysis and action items. In prod it has the links only:
 * there is no sign-in page to get the Firebase token a prod caller needs.
 */
export function registerFrontPage(app: FastifyInstance, options: FrontDoorOptions): void {
  const tryIt = options.profile !== 'prod';
  const html = frontPageHtml(options, tryIt);
  const index = apiIndex(options);
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get('/api', async () => index);
  if (!tryIt) return;
  app.get(TRY_IT_SCRIPT_PATH, async (_request, reply) => {
    const script = await readFile(TRY_IT_SCRIPT);
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script);
  });
}

function frontPageHtml(options: FrontDoorOptions, tryIt: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scryon</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Scryon</h1>
<p>Call intelligence: upload a phone-call recording and get a speaker-attributed transcript, a structured
analysis and action items, over REST, tRPC and GraphQL. Version ${escapeHtml(options.version)},
profile <code>${escapeHtml(options.profile)}</code>.</p>
${linksHtml(options)}
${tryIt ? TRY_IT_HTML : ''}
</main>
</body>
</html>
`;
}

function linksHtml(options: FrontDoorOptions): string {
  const links = [
    '<li><a href="/api/docs">API docs</a>: REST, with the OpenAPI document at ' +
      '<a href="/api/openapi.json">/api/openapi.json</a></li>',
    options.profile !== 'prod'
      ? `<li><a href="/graphql">GraphiQL</a>: GraphQL at <code>/graphql</code> (HTTP, SSE and graphql-ws)</li>`
      : `<li>GraphQL at <code>/graphql</code> (HTTP, SSE and graphql-ws)</li>`,
    `<li>tRPC at <code>/trpc</code></li>`,
    options.temporalUiUrl
      ? `<li><a href="${escapeHtml(options.temporalUiUrl)}">Temporal UI</a>: every call's workflow</li>`
      : `<li>Temporal UI: on your Temporal server (this process did not start one)</li>`,
    `<li><a href="/api/health">Health</a></li>`,
  ];
  return `<nav aria-label="Links"><ul>\n${links.join('\n')}\n</ul></nav>`;
}

const TRY_IT_HTML = `<section aria-labelledby="try-it">
<h2 id="try-it">Try it</h2>
<form id="upload">
<label>Recording (m4a, mp3, wav, aac or ogg) <input type="file" name="file" accept="audio/*" required></label>
<label>Title <input name="title" maxlength="200"></label>
<label>Contact name <input name="contactName" maxlength="200"></label>
<details><summary>Credentials (not needed with the local-dev user)</summary>
<label>Firebase ID token <input name="token" autocomplete="off"></label>
<label>API key <input name="apiKey" autocomplete="off"></label>
</details>
<button type="submit">Upload and analyze</button>
</form>
<p id="status" role="status"></p>
<ol id="timeline"></ol>
<div id="result" hidden>
<h3>Transcript</h3><ol id="transcript"></ol>
<h3>Analysis</h3><div id="analysis"></div>
<h3>Action items</h3><ul id="action-items"></ul>
</div>
</section>
<script src="${TRY_IT_SCRIPT_PATH}" defer></script>`;

const STYLE = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1f; }
main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
label { display: block; margin: .5rem 0; } input:not([type=file]) { width: 100%; max-width: 24rem; }
button { margin-top: .5rem; padding: .4rem 1rem; } #status { font-weight: 600; }
#transcript li { margin: .25rem 0; } .time { color: #666; font-variant-numeric: tabular-nums; }
.error { color: #b00020; }`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
