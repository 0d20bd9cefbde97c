import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';
import { describeProviderModes } from '../../../src/config/provider-modes.ts';

/**
 * Each provider is real on its own key and the sandbox without one; a set of
 * variables that cannot be what was meant stops the start naming the variable.
 */
describe('provider modes', () => {
  it('puts all three in the sandbox with no keys', () => {
    const all = { transcription: 'sandbox', diarization: 'sandbox', analysis: 'sandbox' };
    expect(loadConfig({}).providers.modes).toEqual(all);
  });

  it('makes analysis real on OPENAI_API_KEY alone, the rest staying in the sandbox', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test' });
    expect(config.providers.modes).toEqual({ transcription: 'sandbox', diarization: 'sandbox', analysis: 'real' });
  });

  it('makes transcription real on LEMONFOX_API_KEY, diarization off without its own key', () => {
    const config = loadConfig({ LEMONFOX_API_KEY: 'lf' });
    expect(config.providers.modes).toEqual({ transcription: 'real', diarization: 'off', analysis: 'sandbox' });
    expect(config.providers.pyannote.enabled).toBe(false);
  });

  it('makes all three real with three keys', () => {
    const config = loadConfig({ LEMONFOX_API_KEY: 'lf', PYANNOTE_API_KEY: 'pa', OPENAI_API_KEY: 'oa' });
    expect(config.providers.modes).toEqual({ transcription: 'real', diarization: 'real', analysis: 'real' });
    expect(config.providers.sandbox).toBe(false);
  });

  it('keeps everything in the sandbox when SCRYON_SANDBOX_PROVIDERS=true, keys or not', () => {
    const config = loadConfig({ SCRYON_SANDBOX_PROVIDERS: 'true', OPENAI_API_KEY: 'oa' });
    expect(config.providers.modes).toEqual({ transcription: 'sandbox', diarization: 'sandbox', analysis: 'sandbox' });
  });

  it.each([
    [{ OPENAI_BASE_URL: 'https://llm.example.com/v1' }, 'OPENAI_BASE_URL'],
    [{ LLM_BASE_URL: 'https://llm.example.com/v1' }, 'LLM_BASE_URL'],
    [{ LEMONFOX_BASE_URL: 'https://whisper.example.com/v1' }, 'LEMONFOX_BASE_URL'],
    [{ PYANNOTE_BASE_URL: 'https://pyannote.example.com' }, 'PYANNOTE_BASE_URL'],
    [{ SCRYON_SANDBOX_PROVIDERS: 'false', OPENAI_API_KEY: 'oa' }, 'LEMONFOX_API_KEY'],
    [{ SCRYON_SANDBOX_PROVIDERS: 'false', LEMONFOX_API_KEY: 'lf' }, 'OPENAI_API_KEY'],
    [{ LEMONFOX_API_KEY: 'lf', PYANNOTE_ENABLED: 'true' }, 'PYANNOTE_API_KEY'],
  ])('refuses the inconsistent set %j, naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${name} `));
  });

  it('says in one line which providers are real, with their keys, and which are the sandbox', () => {
    const line = describeProviderModes(loadConfig({ OPENAI_API_KEY: 'oa' }).providers.modes);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/transcription Lemonfox SANDBOX/);
    expect(line).toMatch(/diarization pyannoteAI SANDBOX|diarization SANDBOX/);
    expect(line).toMatch(/analysis OpenAI real \(OPENAI_API_KEY\)/);
    expect(line).toMatch(/canned demo calls/);
  });
});
