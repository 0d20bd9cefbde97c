import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import type { Logger } from '../observability/logger.ts';
import { UserVoiceProfile } from './user-voice-profile.entity.ts';
import type { VoiceProfileStatus, VoiceProfileView } from './voice-schemas.ts';

/** The voiceprint provider behind a port (pyannoteAI in production). */
export interface VoiceprintProvider {
  readonly name: string;
  readonly model: string;
  createVoiceprint(samplePath: string): Promise<string>;
}

/** Audio checks the enrolment needs: format by bytes and duration by ffprobe. */
export interface VoiceSampleInspector {
  formatOf(head: Buffer): Promise<{ format: string; contentType: string } | null>;
  durationSeconds(filePath: string): Promise<number>;
}

export interface VoiceServiceDeps {
  fork: () => Em;
  provider: VoiceprintProvider | undefined;
  inspector: VoiceSampleInspector;
  logger: Logger;
  settings: { enabled: boolean; consentVersion: string; minSeconds: number; maxSeconds: number; maxSizeBytes: number };
}

const SNIFF_BYTES = 4100;
const VOICE_FORMATS = new Set(['wav', 'mp3', 'm4a']);

/**
 * Voice profiles, behind SCRYON_VOICE_EMBEDDING_ENABLED. The sample lives in
 * a private temp file only while it is checked and sent to the provider, and
 * is deleted whatever happens: only the opaque voiceprint is kept.
 */
export function createVoiceService(deps: VoiceServiceDeps) {
  function assertEnabled(): void {
    if (!deps.settings.enabled || !deps.provider) throw new AppError('feature_not_available');
  }

  async function spoolSample(sample: Readable, file: string): Promise<string> {
    let size = 0;
    let head = Buffer.alloc(0);
    const hash = createHash('sha256');
    // Decided once, on the first SNIFF_BYTES (or the whole sample when it is shorter).
    const sniff = (callback: (error?: Error | null) => void) =>
      acceptedFormat(head).then((accepted) => callback(accepted ? null : unsupported()), callback);
    const check = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        hash.update(chunk);
        if (size > deps.settings.maxSizeBytes) return callback(new AppError('voice_sample_too_large'));
        const sniffing = head.length < SNIFF_BYTES;
        if (sniffing) head = Buffer.concat([head, chunk]);
        if (!sniffing || head.length < SNIFF_BYTES) return callback(null, chunk);
        sniff((error) => (error ? callback(error) : callback(null, chunk)));
      },
      flush(callback) {
        if (size === 0 || head.length >= SNIFF_BYTES) return callback();
        sniff(callback);
      },
    });
    await pipeline(sample, check, createWriteStream(file, { mode: 0o600 }));
    if (size === 0) throw new AppError('validation_failed', 'The voice sample is empty', { fields: { file: 'empty' } });
    return hash.digest('hex');
  }

  async function acceptedFormat(head: Buffer): Promise<boolean> {
    const detected = await deps.inspector.formatOf(head);
    return detected !== null && VOICE_FORMATS.has(detected.format);
  }

  async function measure(file: string): Promise<number> {
    let seconds: number;
    try {
      seconds = await deps.inspector.durationSeconds(file);
    } catch {
      throw unsupported();
    }
    if (seconds < deps.settings.minSeconds)
      throw new AppError('voice_sample_too_short', `The sample must be at least ${deps.settings.minSeconds} seconds`, {
        durationSeconds: round(seconds),
      });
    if (seconds > deps.settings.maxSeconds)
      throw new AppError('voice_sample_too_long', `The sample must be at most ${deps.settings.maxSeconds} seconds`, {
        durationSeconds: round(seconds),
      });
    return seconds;
  }

  async function enrolVoiceprint(file: string): Promise<string> {
    try {
      return await deps.provider!.createVoiceprint(file);
    } catch (error) {
      deps.logger.warn({ err: error }, 'voiceprint enrolment failed');
      throw new AppError('voice_provider_error');
    }
  }

  return {
    /** Gate checked before the body is read, so a disabled feature costs nothing. */
    assertEnabled,

    /**
     * An enrolment in the order multipart parts arrive: the sample is spooled
     * (size and format checked as it streams), then `finish` applies consent,
     * measures, enrols and stores. `dispose` always deletes the sample.
     */
    async beginEnrolment(userId: string) {
      assertEnabled();
      const dir = await mkdtemp(path.join(tmpdir(), 'scryon-voice-'));
      const file = path.join(dir, 'sample');
      let received = false;
      let sampleSha256: string | undefined;
      return {
        async receiveSample(sample: Readable): Promise<void> {
          if (received)
            throw new AppError('validation_failed', 'Only one file part is accepted', {
              fields: { file: 'more than one file part' },
            });
          received = true;
          sampleSha256 = await spoolSample(sample, file);
        },
        /** The sample's SHA-256, which identifies a retried enrolment. */
        get sampleSha256(): string | undefined {
          return sampleSha256;
        },
        async finish(consentAccepted: string | undefined): Promise<VoiceProfileView> {
          if (consentAccepted !== undefined && consentAccepted.trim().toLowerCase() !== 'true') {
            throw new AppError('consent_required', 'consentAccepted must be true', {
              fields: { consentAccepted: 'must be true' },
            });
          }
          if (!received)
            throw new AppError('validation_failed', 'The file part is required', { fields: { file: 'required' } });
          const seconds = await measure(file);
          const voiceprint = await enrolVoiceprint(file);
          return saveProfile(userId, voiceprint, seconds);
        },
        async dispose(): Promise<void> {
          await rm(dir, { recursive: true, force: true });
        },
      };
    },

    async status(userId: string): Promise<VoiceProfileStatus> {
      assertEnabled();
      const profile = await deps.fork().findOne(UserVoiceProfile, { user: userId });
      if (!profile) return { status: 'MISSING' };
      return {
        status: 'ACTIVE',
        provider: profile.provider,
        consentVersion: profile.consentVersion,
        createdAt: profile.createdAt.toISOString(),
      };
    },

    /** Always allowed, even with the feature off: a user can always purge a voiceprint. */
    async remove(userId: string): Promise<void> {
      await deps.fork().nativeDelete(UserVoiceProfile, { user: userId });
    },

    /** The stored voiceprint for the pipeline's voice match, when the feature is on. */
    async voiceprintOf(userId: string): Promise<string | undefined> {
      if (!deps.settings.enabled) return undefined;
      const profile = await deps.fork().findOne(UserVoiceProfile, { user: userId });
      return (profile?.embedding as { voiceprint?: string } | undefined)?.voiceprint;
    },
  };

  async function saveProfile(userId: string, voiceprint: string, seconds: number): Promise<VoiceProfileView> {
    const em = deps.fork();
    const values = {
      provider: deps.provider!.name,
      model: deps.provider!.model,
      modelVersion: null,
      embedding: { voiceprint },
      consentVersion: deps.settings.consentVersion,
      sampleDurationSeconds: round(seconds),
    };
    // Replaces in place: one profile per user, created anew on each enrolment.
    const existing = await em.findOne(UserVoiceProfile, { user: userId });
    if (existing) {
      em.assign(existing, { ...values, createdAt: new Date() });
    } else {
      em.create(UserVoiceProfile, { id: randomUUID(), user: userId, ...values });
    }
    await em.flush();
    const saved = await em.findOneOrFail(UserVoiceProfile, { user: userId });
    return {
      status: 'ACTIVE',
      provider: saved.provider,
      consentVersion: saved.consentVersion,
      createdAt: saved.createdAt.toISOString(),
      sampleDurationSeconds: Number(saved.sampleDurationSeconds),
    };
  }
}

function unsupported(): AppError {
  return new AppError('unsupported_media_type', 'Voice sample must be WAV, MP3 or M4A');
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

export type VoiceService = ReturnType<typeof createVoiceService>;
