import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analysisSchema } from '../../../src/analysis/analysis-schema.ts';
import { groundAnalysis } from '../../../src/analysis/ground-analysis.ts';
import { withLegacyAliases } from '../../../src/analysis/legacy-aliases.ts';
import { readStoredAnalysis } from '../../../src/analysis/read-analysis.ts';
import { operations } from '../../../src/api/operations/index.ts';
import { sandboxAnalysis } from '../../../src/providers/sandbox/sandbox-analysis.ts';
import { transcriptDocumentSchema, type TranscriptDocument } from '../../../src/transcripts/transcript-document.ts';

const GOLDEN_DIR = join(import.meta.dirname, '../../golden/transcripts');
const goldenTranscripts = readdirSync(GOLDEN_DIR).map((name) => ({
  name,
  text: readFileSync(join(GOLDEN_DIR, name, 'transcript.json'), 'utf8'),
}));

const idOf = (schema: z.ZodType) => z.globalRegistry.get(schema)?.id;
const exampleOf = (schema: z.ZodType) => z.globalRegistry.get(schema)?.example;
/** The body REST sends for a document: the output schema's parse, serialized. */
const served = (schema: z.ZodType, document: unknown) => JSON.stringify(schema.parse(document));

/** A current analysis as the pipeline stores it: the sandbox's output, grounded against a golden transcript. */
function storedV4(): Record<string, unknown> {
  const transcript = JSON.parse(goldenTranscripts[0]!.text) as TranscriptDocument;
  return JSON.parse(JSON.stringify(groundAnalysis(JSON.stringify(sandboxAnalysis(transcript)), transcript).analysis));
}

describe('the transcript document schema', () => {
  it('is the named output of every transcript operation', () => {
    expect(idOf(transcriptDocumentSchema)).toBe('Transcript');
    expect(operations.calls.transcript.output).toBe(transcriptDocumentSchema);
    expect(idOf(operations.calls.storedTranscript.output.unwrap() as z.ZodType)).toBe('Transcript');
    const defs = Object.keys(z.toJSONSchema(transcriptDocumentSchema).$defs ?? {});
    const named = ['Speaker', 'TranscriptSegment', 'SpeakerResolution', 'TranscriptPipeline'];
    expect(defs).toEqual(expect.arrayContaining(named));
  });

  it.each(goldenTranscripts)('reads the golden $name byte for byte as stored', ({ text }) => {
    expect(served(transcriptDocumentSchema, JSON.parse(text))).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('reads a transcript of an older normalization with the legacy names it used', () => {
    const old = JSON.parse(goldenTranscripts[0]!.text);
    old.pipeline.normalizationVersion = 1;
    old.speakers[0].labelSource = 'POSITIONAL_FALLBACK';
    old.speakerResolution.warnings = ['positional_fallback_used'];
    expect(served(transcriptDocumentSchema, old)).toBe(JSON.stringify(old));
  });

  it('shows an example that is a valid transcript', () => {
    const example = exampleOf(transcriptDocumentSchema) as TranscriptDocument;
    expect(transcriptDocumentSchema.parse(example)).toEqual(example);
    expect(example.cleanText).toContain('Ravi: Yes, the truck leaves on Thursday');
  });
});

describe('the analysis document schema', () => {
  it('is the named output of the analysis operation, with named parts', () => {
    expect(operations.calls.analysis.output).toBe(analysisSchema);
    expect(idOf(analysisSchema)).toBe('Analysis');
    const defs = Object.keys(z.toJSONSchema(analysisSchema).$defs ?? {});
    const named = ['AnalysisOutcome', 'Judgement', 'ActionItemSuggestion', 'SentimentAnalysis', 'ToneAnalysis'];
    expect(defs).toEqual(expect.arrayContaining([...named, 'SpeakerRole']));
  });

  it('serves a current analysis exactly as stored, with the aliases', () => {
    const stored = storedV4();
    expect(stored.schemaVersion).toBe(4);
    const expected = JSON.stringify(withLegacyAliases(stored));
    expect(JSON.stringify(readStoredAnalysis(stored))).toBe(expected);
    expect(served(analysisSchema, readStoredAnalysis(stored))).toBe(expected);
  });

  it('serves a v3 analysis as stored, without judgements it never had', () => {
    const { outcome: _o, followUpRequired: _f, escalationRequired: _e, ...v4 } = storedV4();
    const v3 = { ...v4, schemaVersion: 3 };
    const read = readStoredAnalysis(v3);
    expect(JSON.stringify(read)).toBe(JSON.stringify(withLegacyAliases(v3)));
    expect(read).not.toHaveProperty('outcome');
  });

  it('keeps unknown keys of a stored analysis', () => {
    expect(readStoredAnalysis({ ...storedV4(), customInsight: 'kept' })).toMatchObject({ customInsight: 'kept' });
  });

  it('reads a legacy v2 analysis into the current shape, keeping what it said', () => {
    const v2 = {
      schemaVersion: 2,
      shortSummary: 'Ravi confirmed Friday delivery.',
      keyPoints: ['Delivery on Friday'],
      sentiment: { overall: 'positive', reason: 'Quick agreement' },
      executiveSummaryBullets: [
        { text: 'Truck leaves Thursday', category: 'decision', importance: 'high', sourceSegmentIds: ['seg_0002'] },
      ],
      actionItems: [{ title: 'Send tracking number', ownerSpeaker: 'Speaker 2', dueDate: null }],
      tags: ['delivery'],
      followUps: [{ text: 'Check tracking', ownerSpeaker: null, sourceSegmentIds: [] }],
    };
    const read = readStoredAnalysis(v2);
    expect(read).toMatchObject({
      schemaVersion: 2,
      oneLineSummary: 'Ravi confirmed Friday delivery.',
      shortSummary: 'Ravi confirmed Friday delivery.',
      keyPoints: ['Delivery on Friday'],
      sections: [{ items: [{ text: 'Delivery on Friday', importance: 'high' }] }],
      sentiment: { overall: 'positive', reason: 'Quick agreement' },
      executiveSummaryBullets: [{ header: 'decision', paragraphs: ['Truck leaves Thursday'], startTimestamp: null }],
      actionItems: [{ title: 'Send tracking number', ownerSpeakerLabel: 'Speaker 2', intent: 'none' }],
      tags: ['delivery'],
      followUps: v2.followUps,
      callType: 'unknown',
    });
    expect(analysisSchema.safeParse(read).success).toBe(true);
  });

  it('shows an example that is a valid analysis', () => {
    const example = exampleOf(analysisSchema) as Record<string, unknown>;
    expect(analysisSchema.parse(example)).toEqual(example);
    expect(example).toMatchObject({ outcome: { result: 'achieved' }, shortSummary: example.oneLineSummary });
  });
});
