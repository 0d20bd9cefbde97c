import { z } from 'zod';
import type { Profile } from '../../config/config.ts';

/** What a deployment serves and where; the front page and `GET /api` both list it. */
export interface FrontDoorOptions {
  version: string;
  profile: Profile;
  /** The Temporal UI, when this process started the embedded dev server with one. */
  temporalUiUrl: string | undefined;
}

/** The paths on this host, so the index holds whatever host name the caller used. */
const PATHS = {
  frontPage: '/',
  docs: '/api/docs',
  openapi: '/api/openapi.json',
  health: '/api/health',
  trpc: '/trpc',
  graphql: '/graphql',
} as const;

const EXAMPLE = {
  service: 'scryon',
  version: '0.1.0',
  links: { ...PATHS, temporalUi: 'http://127.0.0.1:8233' },
} as const;

export const apiIndexSchema = z
  .object({
    service: z.literal('scryon'),
    version: z.string(),
    links: z.object({
      frontPage: z.string(),
      docs: z.string().describe('Swagger UI for this API'),
      openapi: z.string(),
      health: z.string(),
      trpc: z.string(),
      graphql: z.string().describe('GraphQL over HTTP, SSE and graphql-ws; GraphiQL in a browser outside prod'),
      temporalUi: z.string().optional().describe('Only when this process runs the embedded Temporal dev server'),
    }),
  })
  .meta({ id: 'ApiIndex', description: 'Where everything this server offers lives', example: EXAMPLE });

export type ApiIndex = z.infer<typeof apiIndexSchema>;

export function apiIndex(options: FrontDoorOptions): ApiIndex {
  const temporalUi = options.temporalUiUrl ? { temporalUi: options.temporalUiUrl } : {};
  return { service: 'scryon', version: options.version, links: { ...PATHS, ...temporalUi } };
}
