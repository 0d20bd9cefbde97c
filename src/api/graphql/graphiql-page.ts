import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { GraphiQLOptions } from 'graphql-yoga';
import { AppError } from '../../errors/app-error.ts';

/** Where the page's scripts and stylesheet are served, from installed packages. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/assets';

const require = createRequire(import.meta.url);
/** A package's own directory: react's `exports` hide its UMD builds from `require.resolve`. */
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/**
 * GraphiQL's prebuilt browser bundles, shipped inside the npm packages: yoga's
 * own page loads them from a CDN, which leaves a blank page on a machine with
 * no internet, and the product downloads nothing at run time.
 */
const JS = 'text/javascript; charset=utf-8';
/** A file inside an installed package, found when asked for. */
const inPackage =
  (name: string, ...parts: string[]) =>
  () =>
    path.join(packageDir(name), ...parts);
const ASSETS: Record<string, { file: () => string; type: string }> = {
  'graphiql.min.css': { file: inPackage('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
  'graphiql.min.js': { file: inPackage('graphiql', 'graphiql.min.js'), type: JS },
  'react.production.min.js': { file: inPackage('react', 'umd', 'react.production.min.js'), type: JS },
  'react-dom.production.min.js': { file: inPackage('react-dom', 'umd', 'react-dom.production.min.js'), type: JS },
};

/** The four files GraphiQL's page loads, and nothing else (the name is looked up, never joined into a path). */
export function registerGraphiqlAssets(app: FastifyInstance): void {
  app.get<{ Params: { name: string } }>(`${GRAPHIQL_ASSETS_PATH}/:name`, async (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.name) ? ASSETS[request.params.name] : undefined;
    if (!asset) throw new AppError('not_found', 'No route matches this request');
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(createReadStream(asset.file()));
  });
}

const DEFAULT_QUERY = `# The local-dev user needs no token; with Firebase on, add an Authorization header below.
{
  me { id }
  calls(first: 5) { edges { node { id title status } } }
}
`;

/**
 * Yoga's `renderGraphiQL`: the same page, its assets from this server. Queries
 * go over HTTP, subscriptions over graphql-ws on the same path (as before).
 */
export function renderLocalGraphiql(options: GraphiQLOptions): string {
  const settings = { endpoint: options.endpoint ?? '/graphql', defaultQuery: options.defaultQuery ?? DEFAULT_QUERY };
  // `<` escaped: the settings sit inside a script element.
  const json = JSON.stringify(settings).replaceAll('<', '\\u003c');
  const asset = (name: string) => `${GRAPHIQL_ASSETS_PATH}/${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(options.title ?? 'Scryon GraphiQL')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('graphiql.min.css')}">
<style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${asset('react.production.min.js')}"></script>
<script src="${asset('react-dom.production.min.js')}"></script>
<script src="${asset('graphiql.min.js')}"></script>
<script>
  const settings = ${json};
  const ws = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + settings.endpoint;
  const fetcher = GraphiQL.createFetcher({ url: settings.endpoint, subscriptionUrl: ws });
  const props = { fetcher, defaultQuery: settings.defaultQuery, defaultEditorToolsVisibility: true };
  const element = React.createElement(GraphiQL, props);
  ReactDOM.createRoot(document.getElementById('graphiql')).render(element);
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
