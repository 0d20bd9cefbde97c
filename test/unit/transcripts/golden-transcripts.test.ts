import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTranscript } from '../../../src/transcripts/build-transcript.ts';
import type { BuildTranscriptInput } from '../../../src/transcripts/build-transcript.ts';
import { parseTranscriptDocument } from '../../../src/transcripts/transcript-document.ts';

const GOLDEN_DIR = join(import.meta.dirname, '../../golden/transcripts');
/** Set to rewrite the expected files after an intended change; review the diff before committing it. */
const UPDATE = process.env.SCRYON_UPDATE_GOLDEN === '1';

const CASES = [
  { name: 'lemonfox-labelled-call', raw: 'lemonfox-verbose.json', diarization: null },
  { name: 'pyannote-diarized-call', raw: 'lemonfox-verbose.json', diarization: 'pyannote-job.json' },
] as const;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('golden transcripts: raw provider JSON to the stored transcript', () => {
  it.each(CASES)('$name', ({ name, raw, diarization }) => {
    const dir = join(GOLDEN_DIR, name);
    const call = readJson(join(dir, 'call.json')) as Omit<BuildTranscriptInput, 'rawTranscript' | 'diarization'>;
    const document = buildTranscript({
      ...call,
      rawTranscript: readJson(join(dir, raw)),
      diarization: diarization ? readJson(join(dir, diarization)) : null,
    });
    const actual = `${JSON.stringify(document, null, 2)}\n`;
    const expectedPath = join(dir, 'transcript.json');
    if (UPDATE) writeFileSync(expectedPath, actual);
    expect(existsSync(expectedPath), `${expectedPath} is missing; generate it with SCRYON_UPDATE_GOLDEN=1`).toBe(true);
    expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
    expect(parseTranscriptDocument(JSON.parse(actual))).toEqual(document);
  });
});
