import { UNSUBMITTED_KEPT_MS } from '../calls/call-uploads.ts';
import { availableParallelism } from 'node:os';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { registerPyannoteWebhookRoute } from '../api/callbacks/pyannote-webhook-route.ts';
import { registerFrontPage } from '../api/front/front-page.ts';
import { GRAPHQL_PATH, registerGraphql } from '../api/graphql/graphql-http.ts';
import { connectionContextFactory, contextFactory } from '../api/http/request-context.ts';
import { createRateLimits } from '../api/http/rate-limits.ts';
import { createEdgeKit, type EdgeKit } from '../api/operations/edge-kit.ts';
import { buildHttpServer, type SurfacePlugin } from '../api/http/server.ts';
import { registerDocsRoutes } from '../api/rest/docs-routes.ts';
import { buildOpenApiDocument } from '../api/rest/openapi-document.ts';
import { registerRestRoutes } from '../api/rest/rest-routes.ts';
import { registerUploadCallRoute } from '../api/rest/upload-call-route.ts';
import { registerUploadRecordingRoute } from '../api/rest/upload-recording-route.ts';
import { registerVoiceProfileRoute } from '../api/rest/voice-profile-route.ts';
import { registerTrpc } from '../api/trpc/trpc-http.ts';
import { createAuthenticator, type Authenticator } from '../auth/authenticator.ts';
import { createFirebaseVerifier } from '../auth/token-verifier.ts';
import { cacheVerifiedTokens } from '../auth/verified-token-cache.ts';
import { configureAudioToolConcurrency } from '../audio/run-tool.ts';
import type { Config } from '../config/config.ts';
import { openDatabase, pingDatabase, type Orm } from '../db/orm.ts';
import { createSignalBus, publishProviderJobEnded } from '../events/signal-bus.ts';
import type { HealthProbe } from '../health/health-service.ts';
import { createLogger, logFormatOf, type Logger } from '../observability/logger.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { serveMetrics } from '../observability/metrics-server.ts';
import { startTracing, type Tracing } from '../observability/tracing.ts';
import { activityMetrics } from '../pipeline/worker/activity-metrics.ts';
import { WORKFLOW_TRACING_MODULE, workerTracing, workflowClientTracing } from '../pipeline/runtime/temporal-tracing.ts';
import { countCallsByStatus } from '../calls/records/sweeps.ts';
import { callArtifacts } from '../calls/call-artifacts.ts';
import { createCallLifecycle } from '../calls/call-lifecycle.ts';
import { statusLine } from '../calls/status-log.ts';
import { createProcessingEventLog } from '../pipeline/processing-events.ts';
import type { PipelineSettings } from '../pipeline/process-call/stage-context.ts';
import { createCallRuns } from '../pipeline/process-call/call-runs.ts';
import { createDeletionRuns } from '../pipeline/delete-call/deletion-runs.ts';
import { createWorkerActivities, type WorkerActivities } from '../pipeline/worker/worker-activities.ts';
import { createDeliveryRuns } from '../pipeline/webhook-delivery/delivery-runs.ts';
import { countInFlight } from '../webhooks/webhook-delivery-queries.ts';
import { startWebhookDispatcher, type WebhookDispatcher } from '../webhooks/webhook-dispatcher.ts';
import { registerSearchAttributes } from '../pipeline/runtime/search-attributes.ts';
import { callsViewUrl } from '../pipeline/runtime/temporal-ui-views.ts';
import { ensureSweepSchedules } from '../pipeline/sweeps/sweep-schedules.ts';
import { connectTemporal, type TemporalRuntime } from '../pipeline/runtime/temporal-runtime.ts';
import { createArtifactStore } from '../storage/create-artifact-store.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { provisionUser } from '../users/user-queries.ts';
import { createOpaqueTokens } from '../ids/opaque-token.ts';
import { tokenSecretOf } from '../ids/token-secret.ts';
import { createProviders } from './providers.ts';
import { describeProviderModes, type ProviderModes } from '../config/provider-modes.ts';
import { createServices, type Services } from './services.ts';

export interface Roles {
  api: boolean;
  worker: boolean;
}

export interface StartOptions {
  logger?: Logger;
  /** Tests pass a prebuilt workflow bundle so each worker skips webpack. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** The activities of the test-only workflows such a bundle may hold (ping, calibration); never in production. */
  testActivities?: object;
  /** Extra HTTP surfaces mounted beside the product's (tests mount failure probes). */
  extraSurfaces?: SurfacePlugin[];
  /** Tests and benches listen on an ephemeral port. */
  listen?: { port: number; host: string };
  /** Tests collect spans in memory instead of exporting them by OTLP. */
  spanProcessor?: SpanProcessor;
}

export interface RunningScryon {
  config: Config;
  logger: Logger;
  orm: Orm;
  temporal: TemporalRuntime;
  storage: ArtifactStore;
  services: Services;
  edge: EdgeKit;
  http: FastifyInstance | undefined;
  /** Base URL of the API when the api role listens. */
  url: string | undefined;
  /** `GET /metrics` of this process, when SCRYON_METRICS_PORT is set. */
  metricsUrl: string | undefined;
  worker: Worker | undefined;
  /** Where the worker role runs: starts the deliveries the database enqueued (tests drain it). */
  webhookDispatcher: WebhookDispatcher | undefined;
  close(): Promise<void>;
}

/**
 * Assembles Scryon from configuration: the only place that wires adapters to
 * ports. Entry files and tests call this; nothing else listens or runs.
 */
export async function startScryon(config: Config, roles: Roles, options: StartOptions = {}): Promise<RunningScryon> {
  const format = logFormatOf(config.logFormat, config.profile, Boolean(process.stdout.isTTY));
  const logger = options.logger ?? createLogger(config.logLevel, 'scryon', undefined, format);
  if (config.audio.toolConcurrency) configureAudioToolConcurrency(config.audio.toolConcurrency);
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((error) => logger.warn({ err: error }, 'shutdown step failed'));
    closers.length = 0;
  };

  try {
    // First: Fastify and undici are instrumented when they are first used, not when imported.
    const tracing = await startTracing({
      ...config.observability.tracing,
      version: config.version,
      spanProcessor: options.spanProcessor,
    });
    if (tracing) closers.push(() => tracing.shutdown());
    const metrics = createMetrics();

    const orm = await openDatabase({
      url: config.database.url,
      pgliteDir: config.database.pgliteDir,
      log: (message) => logger.debug(message),
    });
    closers.push(() => orm.close());

    const temporal = await connectTemporal(
      {
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        cliPath: config.temporal.cliPath,
        embeddedDbFile: config.temporal.embeddedDbFile,
        uiPort: config.temporal.uiPort,
        clientInterceptors: await workflowClientTracing(tracing),
      },
      logger,
    );
    closers.push(() => temporal.close());
    // Before anything starts a workflow: a start may carry only the attributes the namespace has.
    const searchAttributes = await registerSearchAttributes(temporal.client, config.temporal.namespace, logger);

    const storage = await createArtifactStore(config.storage);
    const signals = await createSignalBus({ orm, databaseUrl: config.database.url, logger });
    closers.push(() => signals.close());

    const providers = await createProviders(config, metrics.providers, {
      onJobEnded: (listener) => signals.onProviderJobEnded((ended) => listener(ended.jobId)),
      onReconnect: (listener) => signals.onReconnect(listener),
    });
    logger.info(
      { providers: providers.modes },
      describeProviderModes(providers.modes, config.providers.openai.keyName),
    );
    closers.push(() => providers.close());

    const firebase = config.auth.firebase ? await createFirebaseVerifier(config.auth.firebase) : undefined;
    if (firebase) closers.push(() => firebase.close());
    const recheckMs = config.auth.accountRecheckMs;
    const authenticator = createAuthenticator({
      verifier: firebase && cacheVerifiedTokens(firebase, { recheckMs }),
      localDevUser: config.auth.localDevUser,
      provisionCacheMs: recheckMs,
      provision: (identity) => provisionUser(orm.em.fork(), identity),
    });
    signals.onIdentityRevoked((revocation) => authenticator.revoke(revocation));

    const rateLimits = await createRateLimits(config.http.rateLimits);
    closers.push(() => rateLimits.close());

    const deliveryRuns = createDeliveryRuns(temporal.client, config.temporal.taskQueue, searchAttributes);
    const services = createServices({
      webhookSendQuota: (userId) => rateLimits.webhookSends(userId),
      fork: () => orm.em.fork(),
      storage,
      pipeline: {
        ...createCallRuns(temporal.client, config.temporal.taskQueue, searchAttributes),
        ...createDeletionRuns(temporal.client, config.temporal.taskQueue, searchAttributes),
      },
      signals,
      identity: firebase,
      revokeIdentity: (revocation) => authenticator.revoke(revocation),
      adminEmails: config.auth.adminEmails,
      maxFileSizeBytes: config.uploads.maxFileSizeBytes,
      voice: config.voice,
      voiceprints: providers.diarization,
      ffprobePath: config.audio.ffprobePath,
      prices: config.prices,
      webhooks: {
        runs: deliveryRuns,
        allowPrivateTargets: config.webhooks.allowPrivateTargets,
        maxEndpointsPerUser: config.webhooks.maxEndpointsPerUser,
      },
      logger,
      tokens: createOpaqueTokens(tokenSecretOf(config.tokens.secret, config.dataDir, logger)),
    });
    const edge = createEdgeKit({
      rateLimits,
      uploads: {
        idempotency: services.idempotency,
        maxFileSizeBytes: config.uploads.maxFileSizeBytes,
        beginSubmission: services.beginCallSubmission,
      },
    });

    const fork = () => orm.em.fork();
    const activities = createWorkerActivities({
      calls: {
        // One line per stage a call reaches, with the time since its upload: the dev log shows progress.
        calls: createCallLifecycle(fork, storage, (change) => {
          const { callId, status, errorReason } = change;
          logger.info({ callId, status, errorReason: errorReason ?? undefined }, statusLine(change, providers.modes));
        }),
        artifacts: callArtifacts(fork, storage),
        actions: services.actions,
        search: services.search,
        costs: services.costs,
        events: createProcessingEventLog(fork),
        storage,
        transcription: providers.transcription,
        diarization: providers.diarization,
        analysis: providers.analysis,
        voiceprintOf: (userId) => services.voice.voiceprintOf(userId),
        settings: pipelineSettings(config, providers.modes),
        logger,
      },
      deletions: { fork, storage },
      sweeps: {
        fork,
        storage,
        logger,
        tempAudioTtlHours: config.storage.tempAudioTtlHours,
        staleCallMinutes: config.pipeline.staleJobTimeoutMinutes,
        // The orphan sweep leaves a newer object of a call with no row alone: the longest a multipart upload can
        // take, or the time a recording sent to an upload waits for its call to be submitted.
        maxUploadMs: Math.max(config.http.requestTimeoutMs, UNSUBMITTED_KEPT_MS),
        searchAttributes,
      },
      webhooks: {
        fork,
        policy: {
          allowPrivateTargets: config.webhooks.allowPrivateTargets,
          timeoutMs: config.webhooks.timeoutMs,
          dnsServers: config.webhooks.dnsServers,
        },
        schedule: { baseMs: config.webhooks.retryBaseMs, windowMs: config.webhooks.retryWindowMs },
      },
    });
    const running = roles.worker
      ? await startWorker(config, temporal, logger, activities, {
          metrics,
          tracing,
          bundle: options.workflowBundle,
          testActivities: options.testActivities,
        })
      : undefined;
    const worker = running?.worker;
    if (running)
      await ensureSweepSchedules(
        temporal.client,
        config.temporal.taskQueue,
        { embedded: temporal.embedded, searchAttributes },
        logger,
      );
    // Where the workers run, so do the starts of what they deliver.
    const dispatcher = running
      ? startWebhookDispatcher({
          fork,
          runs: deliveryRuns,
          bus: signals,
          logger,
          perUserPerPass: config.webhooks.dispatchPerUser,
        })
      : undefined;
    if (running) {
      // The worker must have fully stopped before its connection closes.
      closers.push(async () => {
        running.shutdown();
        await running.stopped;
      });
    }

    const http = roles.api
      ? await buildApi(
          config,
          logger,
          orm,
          temporal,
          { services, edge },
          authenticator,
          metrics,
          options.extraSurfaces ?? [],
        )
      : undefined;
    if (dispatcher) closers.push(() => dispatcher.close());
    if (http) closers.push(() => http.close());
    const url = http
      ? await listen(http, options.listen ?? { port: config.http.port, host: config.http.host })
      : undefined;

    metrics.gauge('scryon_open_subscriptions', 'Status subscriptions open on this instance (SSE and WebSocket)', () =>
      edge.subscriptions.openInTotal(),
    );
    metrics.gauge(
      'scryon_call_event_followers',
      'Streams following the call event log on this instance (status and progress subscriptions)',
      () => services.callEvents.followerCount(),
    );
    metrics.labelledGauge('scryon_calls', 'Calls of every user by status', 'status', () =>
      countCallsByStatus(orm.em.fork()),
    );
    metrics.labelledGauge(
      'scryon_webhook_deliveries',
      'Webhook deliveries in flight: undispatched (no run yet) or retrying',
      'state',
      () => countInFlight(orm.em.fork()),
    );
    const metricsServer = config.observability.metrics
      ? await serveMetrics(metrics, config.observability.metrics, logger)
      : undefined;
    if (metricsServer) closers.push(() => metricsServer.close());

    return {
      config,
      logger,
      orm,
      temporal,
      storage,
      services,
      edge,
      http,
      url,
      metricsUrl: metricsServer?.url,
      worker,
      webhookDispatcher: dispatcher,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function buildApi(
  config: Config,
  logger: Logger,
  orm: Orm,
  temporal: TemporalRuntime,
  { services, edge }: { services: Services; edge: EdgeKit },
  authenticator: Authenticator,
  metrics: Metrics,
  extraSurfaces: SurfacePlugin[],
) {
  const createContext = contextFactory({ services, edge, authenticator, profile: config.profile });
  const healthProbes: HealthProbe[] = [
    { name: 'database', check: () => pingDatabase(orm) },
    { name: 'temporal', check: async () => void (await temporal.client.workflowService.getSystemInfo({})) },
  ];
  const surfaces: SurfacePlugin[] = [
    (app) => registerRestRoutes(app, { profile: config.profile, createContext }),
    (app) => registerUploadCallRoute(app, { authenticator, ...edge.uploads }),
    (app) =>
      registerUploadRecordingRoute(app, {
        authenticator,
        callUploads: services.callUploads,
        maxFileSizeBytes: config.uploads.maxFileSizeBytes,
      }),
    (app) =>
      registerVoiceProfileRoute(app, {
        authenticator,
        idempotency: services.idempotency,
        voice: services.voice,
        maxSizeBytes: config.voice.maxSizeBytes,
      }),
    (app) => registerDocsRoutes(app, buildOpenApiDocument(config.version, config.profile)),
    (app) =>
      registerFrontPage(app, {
        version: config.version,
        profile: config.profile,
        temporalUiUrl: callsViewUrl(temporal),
      }),
    ...pyannoteWebhookSurface(config, orm),
    (app) => registerTrpc(app, { createContext, logger }),
    (app) =>
      registerGraphql(app, {
        createContext,
        createConnectionContext: connectionContextFactory({ services, edge, authenticator, profile: config.profile }),
        profile: config.profile,
        allowedOrigins: config.http.corsAllowedOrigins,
        logger,
      }),
    ...extraSurfaces,
  ];
  return buildHttpServer(
    {
      logger,
      version: config.version,
      apiKey: config.auth.apiKey,
      authenticator,
      healthProbes,
      http: config.http,
      webSocketPaths: [GRAPHQL_PATH],
      rateLimits: edge.rateLimits,
      onRequestDone: (request, seconds) => metrics.httpRequest(request, seconds),
    },
    surfaces,
  );
}

/** Only where pyannoteAI is asked to call back: elsewhere the path is a plain 404. */
function pyannoteWebhookSurface(config: Config, orm: Orm): SurfacePlugin[] {
  const webhook = config.providers.pyannote.webhook;
  if (!webhook) return [];
  const announce = (jobId: string) => publishProviderJobEnded(orm.em.fork(), { provider: 'pyannote', jobId });
  return [(app) => registerPyannoteWebhookRoute(app, { secret: webhook.secret, announce })];
}

function pipelineSettings(config: Config, providerModes: ProviderModes): PipelineSettings {
  return {
    preprocessing: { enabled: config.audio.preprocessingEnabled, ...config.audio },
    ffprobePath: config.audio.ffprobePath,
    diarization: config.providers.pyannote,
    voice: {
      enabled: config.voice.enabled,
      highThreshold: config.voice.highThreshold,
      mediumThreshold: config.voice.mediumThreshold,
    },
    providerModes,
  };
}

interface WorkerExtras {
  metrics: Metrics;
  tracing: Tracing | undefined;
  bundle: WorkflowBundleWithSourceMap | undefined;
  testActivities: object | undefined;
}

async function startWorker(
  config: Config,
  temporal: TemporalRuntime,
  logger: Logger,
  activities: WorkerActivities,
  extras: WorkerExtras,
) {
  // Loaded only in the worker role: the API never bundles or runs workflows.
  const { bundleWorkflows, createAudioWorker, createPipelineWorker, createWebhookWorker } = await import(
    '../pipeline/worker/pipeline-worker.ts'
  );
  const connection = await temporal.workerConnection();
  const { namespace, taskQueue } = config.temporal;
  // Bundled once for both workers that run workflows, with tracing's workflow interceptors when it is on.
  const workflowBundle =
    extras.bundle ?? (await bundleWorkflows(undefined, extras.tracing ? [WORKFLOW_TRACING_MODULE] : [], logger));
  const observed = {
    activityInterceptors: [activityMetrics(extras.metrics)],
    ...(await workerTracing(extras.tracing)),
  };
  const worker = await createPipelineWorker({
    connection,
    namespace,
    taskQueue,
    activities: { ...activities, ...extras.testActivities },
    workflowBundle,
    maxConcurrentActivities: config.pipeline.maxConcurrentActivities,
    logger,
    ...observed,
  });
  const concurrency = config.audio.toolConcurrency ?? availableParallelism();
  const audio = await createAudioWorker({ connection, namespace, taskQueue, activities, concurrency, ...observed });
  const webhooks = await createWebhookWorker({
    connection,
    namespace,
    taskQueue,
    activities,
    workflowBundle,
    concurrency: config.webhooks.concurrency,
    ...observed,
  });
  const stopped = Promise.all([
    worker.run().catch((error) => logger.error({ err: error }, 'pipeline worker stopped')),
    audio.run().catch((error) => logger.error({ err: error }, 'audio worker stopped')),
    webhooks.run().catch((error) => logger.error({ err: error }, 'webhook worker stopped')),
  ]);
  const shutdown = () => {
    for (const running of [worker, audio, webhooks]) if (running.getState() === 'RUNNING') running.shutdown();
  };
  return { worker, shutdown, stopped };
}

async function listen(http: FastifyInstance, at: { port: number; host: string }): Promise<string> {
  await http.listen(at);
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : at.port;
  const host = at.host === '0.0.0.0' || at.host === '::' ? '127.0.0.1' : at.host;
  return `http://${host}:${port}`;
}
