/**
 * Which providers are real and which are the in-process sandbox, decided per
 * provider from its own key. Kept apart from config.ts so the rules, and the
 * start-up line that states them, read in one place.
 */

/** `off`: diarization only (no pyannoteAI; Lemonfox's own speaker labels are used). */
export type ProviderMode = 'real' | 'sandbox' | 'off';

export interface ProviderModes {
  transcription: Exclude<ProviderMode, 'off'>;
  diarization: ProviderMode;
  analysis: Exclude<ProviderMode, 'off'>;
}

/** The raw variables the decision reads; undefined when unset or empty. */
export interface ProviderModeEnv {
  profile: 'dev' | 'staging' | 'prod';
  /** true: all three in the sandbox; false: all real (keys required); unset: each by its own key. */
  forceSandbox: boolean | undefined;
  pyannoteEnabled: boolean | undefined;
  lemonfox: { key: string | undefined; baseUrl: string | undefined };
  pyannote: { key: string | undefined; baseUrl: string | undefined };
  openai: { key: string | undefined; baseUrl: string | undefined; keyName: string; baseUrlName: string };
}

export class ProviderConfigError extends Error {}

/** A provider that must be real (prod, or SCRYON_SANDBOX_PROVIDERS=false) and why, for the error message. */
function realRequiredBecause(env: ProviderModeEnv): string | undefined {
  if (env.profile === 'prod') return 'SCRYON_PROFILE=prod';
  if (env.forceSandbox === false) return 'SCRYON_SANDBOX_PROVIDERS=false';
  return undefined;
}

/**
 * One provider's mode from its key. A base URL without a key is refused: it
 * says the user meant a real endpoint, and it used to fall back to the sandbox
 * without a word. The key never needs a base URL: each has a public default.
 */
function modeOf(env: ProviderModeEnv, keyName: string, baseUrlName: string, key?: string, baseUrl?: string) {
  if (env.forceSandbox === true && env.profile !== 'prod') return 'sandbox' as const;
  if (key) return 'real' as const;
  const because = realRequiredBecause(env);
  if (because) throw new ProviderConfigError(`${keyName} is required when ${because}`);
  if (baseUrl) {
    const fix = `set ${keyName} to use it, or unset ${baseUrlName} for the sandbox`;
    throw new ProviderConfigError(`${baseUrlName} is set but ${keyName} is not: ${fix}`);
  }
  return 'sandbox' as const;
}

/**
 * Diarization follows its own key too, with one exception: sandbox turns are
 * timed for the sandbox's own demo call, so over real transcription they would
 * split real words at made-up places. Without a key it is then off instead.
 */
function diarizationMode(env: ProviderModeEnv, transcription: ProviderModes['transcription']): ProviderMode {
  const { key, baseUrl } = env.pyannote;
  if (env.pyannoteEnabled === false) return 'off';
  if (key || (env.forceSandbox === true && env.profile !== 'prod') || baseUrl) {
    return modeOf(env, 'PYANNOTE_API_KEY', 'PYANNOTE_BASE_URL', key, baseUrl);
  }
  const sandboxFits = transcription === 'sandbox' && !realRequiredBecause(env);
  if (sandboxFits) return 'sandbox';
  if (env.pyannoteEnabled !== true) return 'off';
  const because = realRequiredBecause(env) ?? 'transcription is real (LEMONFOX_API_KEY)';
  throw new ProviderConfigError(`PYANNOTE_API_KEY is required when PYANNOTE_ENABLED=true and ${because}`);
}

export function decideProviderModes(env: ProviderModeEnv): ProviderModes {
  if (env.profile === 'prod' && env.forceSandbox === true) {
    throw new ProviderConfigError('SCRYON_SANDBOX_PROVIDERS cannot be enabled when SCRYON_PROFILE=prod');
  }
  const transcription = modeOf(env, 'LEMONFOX_API_KEY', 'LEMONFOX_BASE_URL', env.lemonfox.key, env.lemonfox.baseUrl);
  const analysis = modeOf(env, env.openai.keyName, env.openai.baseUrlName, env.openai.key, env.openai.baseUrl);
  return { transcription, diarization: diarizationMode(env, transcription), analysis };
}

const DESCRIBED = [
  ['transcription', 'Lemonfox', 'LEMONFOX_API_KEY'],
  ['diarization', 'pyannoteAI', 'PYANNOTE_API_KEY'],
  ['analysis', 'OpenAI', 'OPENAI_API_KEY'],
] as const;

/**
 * The start-up line: each provider, real (with the key that made it so) or
 * sandbox (canned demo output, nothing paid), so nobody mistakes a demo call
 * for their own recording.
 */
export function describeProviderModes(modes: ProviderModes, analysisKeyName = 'OPENAI_API_KEY'): string {
  const parts = DESCRIBED.map(([role, name, keyName]) => {
    const mode = modes[role];
    if (mode === 'real') return `${role} ${name} real (${role === 'analysis' ? analysisKeyName : keyName})`;
    if (mode === 'off') return `${role} off (Lemonfox speaker labels; set ${keyName} for ${name})`;
    return `${role} ${name} SANDBOX (set ${role === 'analysis' ? 'OPENAI_API_KEY' : keyName} for ${name})`;
  });
  const anySandbox = Object.values(modes).includes('sandbox');
  const note = anySandbox ? ' — sandbox providers answer with canned demo calls, not what your audio says' : '';
  return `Providers: ${parts.join(', ')}${note}`;
}
