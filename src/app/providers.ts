import type { Config } from '../config/config.ts';
import type { AnalysisPort, DiarizationPort, TranscriptionPort } from '../pipeline/provider-ports.ts';
import type { ProviderMeter } from '../providers/provider-meter.ts';
import { createLemonfoxClient } from '../providers/lemonfox/lemonfox-client.ts';
import { createOpenAiAnalysisClient } from '../providers/openai/openai-analysis-client.ts';
import { createPyannoteClient } from '../providers/pyannote/pyannote-client.ts';
import { startSandboxProviders, type SandboxProviders } from '../providers/sandbox/sandbox-providers.ts';

export interface Providers {
  transcription: TranscriptionPort;
  diarization: DiarizationPort | undefined;
  analysis: AnalysisPort;
  mode: 'live' | 'sandbox';
  close(): Promise<void>;
}

/**
 * The real clients, pointed at the real APIs or — with sandbox providers —
 * at in-process servers that speak the same wire formats, so exactly the
 * same client code runs in development.
 */
export async function createProviders(config: Config, meter: ProviderMeter): Promise<Providers> {
  const sandbox: SandboxProviders | undefined = config.providers.sandbox ? await startSandboxProviders({ pollsBeforeDone: 0 }) : undefined;
  const { lemonfox, pyannote, openai } = config.providers;
  /** Where a client sends its requests and with which key: the sandbox's server when it runs. */
  const reach = (provider: { apiKey?: string | undefined; baseUrl: string }, sandboxUrl: string | undefined) => ({
    apiKey: sandbox ? 'sandbox' : (provider.apiKey ?? ''),
    baseUrl: sandboxUrl ?? provider.baseUrl,
    meter,
  });
  return {
    mode: sandbox ? 'sandbox' : 'live',
    transcription: createLemonfoxClient({ ...reach(lemonfox, sandbox?.lemonfoxBaseUrl), model: lemonfox.model, language: lemonfox.language, timeoutMs: lemonfox.timeoutMs }),
    diarization: pyannote.enabled
      ? createPyannoteClient({
          ...reach(pyannote, sandbox?.pyannoteBaseUrl),
          model: pyannote.model,
          pollIntervalMs: sandbox ? 50 : pyannote.pollIntervalMs,
          timeoutMs: pyannote.timeoutMs,
        })
      : undefined,
    analysis: createOpenAiAnalysisClient({ ...reach(openai, sandbox?.openaiBaseUrl), model: openai.model, timeoutMs: openai.timeoutMs, temperature: openai.temperature }),
    close: async () => sandbox?.close(),
  };
}
