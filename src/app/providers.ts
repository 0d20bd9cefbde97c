import type { Config } from '../config/config.ts';
import type { ProviderModes } from '../config/provider-modes.ts';
import type { AnalysisPort, DiarizationPort, TranscriptionPort } from '../pipeline/provider-ports.ts';
import type { ProviderMeter } from '../providers/provider-meter.ts';
import { createRequestBudget, type RequestBudget } from '../providers/request-budget.ts';
import { createLemonfoxClient } from '../providers/lemonfox/lemonfox-client.ts';
import { createOpenAiAnalysisClient } from '../providers/openai/openai-analysis-client.ts';
import { createJobEndings, type JobEndingSource } from '../providers/pyannote/job-endings.ts';
import { createPyannoteClient } from '../providers/pyannote/pyannote-client.ts';
import { startSandboxProviders, type SandboxProviders } from '../providers/sandbox/sandbox-providers.ts';

export interface Providers {
  transcription: TranscriptionPort;
  diarization: DiarizationPort | undefined;
  analysis: AnalysisPort;
  /** Real or sandbox, per provider: named in provenance and in the start-up line. */
  modes: ProviderModes;
  close(): Promise<void>;
}

/**
 * The real clients, pointed at the real APIs or — for each provider in the
 * sandbox — at an in-process server that speaks the same wire format, so
 * exactly the same client code runs in development.
 */
export async function createProviders(
  config: Config,
  meter: ProviderMeter,
  jobEndingSource: JobEndingSource,
): Promise<Providers> {
  const { modes } = config.providers;
  const { lemonfox, pyannote, openai } = config.providers;
  // The sandbox calls back like pyannoteAI does, signed with the configured secret.
  const sandbox: SandboxProviders | undefined = config.providers.sandbox
    ? await startSandboxProviders({ pollsBeforeDone: 0, pyannoteWebhookSecret: pyannote.webhook?.secret })
    : undefined;
  const jobEndings = pyannote.webhook ? createJobEndings(jobEndingSource) : undefined;
  /** Where a client sends its requests and with which key: the sandbox's server when its provider is sandboxed. */
  const reach = (provider: { apiKey?: string | undefined; baseUrl: string }, sandboxUrl: string | undefined) => ({
    apiKey: sandboxUrl ? 'sandbox' : (provider.apiKey ?? ''),
    baseUrl: sandboxUrl ?? provider.baseUrl,
    meter,
  });
  const sandboxed = (role: keyof ProviderModes, url?: string) => (modes[role] === 'sandbox' ? url : undefined);
  const diarizationUrl = sandboxed('diarization', sandbox?.pyannoteBaseUrl);
  const budget = await providerBudget(config, {
    lemonfox: reach(lemonfox, sandboxed('transcription', sandbox?.lemonfoxBaseUrl)).apiKey,
    pyannote: reach(pyannote, diarizationUrl).apiKey,
    openai: reach(openai, sandboxed('analysis', sandbox?.openaiBaseUrl)).apiKey,
  });
  return {
    modes,
    transcription: createLemonfoxClient({
      ...reach(lemonfox, sandboxed('transcription', sandbox?.lemonfoxBaseUrl)),
      model: lemonfox.model,
      language: lemonfox.language,
      timeoutMs: lemonfox.timeoutMs,
      budget,
      namesInPrompt: modes.transcription === 'sandbox',
    }),
    diarization: pyannote.enabled
      ? createPyannoteClient({
          ...reach(pyannote, diarizationUrl),
          model: pyannote.model,
          pollIntervalMs: diarizationUrl ? 50 : pyannote.pollIntervalMs,
          maxPollIntervalMs: pyannote.maxPollIntervalMs,
          timeoutMs: pyannote.timeoutMs,
          budget,
          ...(pyannote.webhook && jobEndings ? { webhook: { url: pyannote.webhook.url, endings: jobEndings } } : {}),
        })
      : undefined,
    analysis: createOpenAiAnalysisClient({
      ...reach(openai, sandboxed('analysis', sandbox?.openaiBaseUrl)),
      model: openai.model,
      timeoutMs: openai.timeoutMs,
      temperature: openai.temperature,
      budget,
    }),
    close: async () => {
      jobEndings?.close();
      await budget.close();
      await sandbox?.close();
    },
  };
}

/** One budget per provider and API key, shared with every other worker through Redis when it is configured. */
function providerBudget(
  config: Config,
  apiKeys: Record<'lemonfox' | 'pyannote' | 'openai', string>,
): Promise<RequestBudget> {
  const { limits } = config.providers;
  return createRequestBudget({
    redisUrl: limits.redisUrl,
    limits: {
      lemonfox: { requestsPerWindow: limits.lemonfox, apiKey: apiKeys.lemonfox },
      pyannote: { requestsPerWindow: limits.pyannote, apiKey: apiKeys.pyannote },
      openai: { requestsPerWindow: limits.openai, apiKey: apiKeys.openai },
    },
  });
}
