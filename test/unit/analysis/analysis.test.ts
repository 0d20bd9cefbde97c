import { describe, expect, it } from 'vitest';
import { actionItemRowsFromAnalysis } from '../../../src/actions/action-items-from-analysis.ts';
import type { AnalysisTranscript } from '../../../src/analysis/analysis-input.ts';
import { buildAnalysisPrompt } from '../../../src/analysis/analysis-prompt.ts';
import { ANALYSIS_RESPONSE_FORMAT, type AnalysisOutput } from '../../../src/analysis/analysis-schema.ts';
import { AnalysisOutputInvalidError, groundAnalysis } from '../../../src/analysis/ground-analysis.ts';
import { withLegacyAliases } from '../../../src/analysis/legacy-aliases.ts';
import { sandboxAnalysis } from '../../../src/providers/sandbox/sandbox-analysis.ts';

const transcript: AnalysisTranscript = {
  language: 'english',
  durationSeconds: 30,
  speakers: [
    { speakerId: 'spk_1', label: 'Speaker 1', displayName: 'Ravi (Acme)', role: 'CONTACT' },
    { speakerId: 'spk_2', label: 'Speaker 2', displayName: 'Praveen', role: 'USER' },
  ],
  segments: [
    {
      id: 'seg_0001',
      speakerId: 'spk_1',
      role: 'CONTACT',
      startSeconds: 0,
      endSeconds: 4,
      text: 'Hello, this is Ravi from Acme, mail me at ravi@acme.example.',
    },
    {
      id: 'seg_0002',
      speakerId: 'spk_2',
      role: 'USER',
      startSeconds: 4,
      endSeconds: 9,
      text: 'Sure. My number is +91 98765 43210.',
    },
    {
      id: 'seg_0003',
      speakerId: 'spk_1',
      role: 'CONTACT',
      startSeconds: 9,
      endSeconds: 14,
      text: 'I will send the proposal by Friday.',
    },
  ],
};

function modelOutput(overrides: Partial<AnalysisOutput> = {}): AnalysisOutput {
  return { ...sandboxAnalysis(transcript), ...overrides };
}

const metadata = {
  providerHint: null,
  attendees: null,
  proposedAt: null,
  durationMinutes: null,
  title: null,
  location: null,
  toEmail: null,
  toName: null,
  subject: null,
  bodyPreview: null,
  phoneNumber: null,
  contactName: null,
  channel: null,
  handle: null,
  remindAt: null,
  notes: null,
};

function actionItem(
  overrides: Partial<AnalysisOutput['actionItems'][number]> = {},
): AnalysisOutput['actionItems'][number] {
  return {
    title: 'Send the proposal',
    description: null,
    ownerSpeakerId: 'spk_1',
    ownerSpeakerLabel: null,
    ownerDisplayName: null,
    ownerRole: null,
    dueDate: null,
    priority: 'high',
    sourceSegmentIds: ['seg_0003'],
    intent: 'email',
    intentMetadata: { ...metadata },
    ...overrides,
  };
}

describe('the structured-output schema', () => {
  it('is strict: every object closed, every property required', () => {
    const problems: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const schema = node as {
        type?: string;
        properties?: Record<string, unknown>;
        required?: string[];
        additionalProperties?: unknown;
      };
      if (schema.type === 'object' && schema.properties) {
        if (schema.additionalProperties !== false) problems.push(`${path} is open`);
        const missing = Object.keys(schema.properties).filter((key) => !schema.required?.includes(key));
        if (missing.length) problems.push(`${path} lacks required ${missing.join(',')}`);
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`);
    };
    walk(ANALYSIS_RESPONSE_FORMAT.json_schema.schema, '$');
    expect(ANALYSIS_RESPONSE_FORMAT).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'call_analysis', strict: true },
    });
    expect(problems).toEqual([]);
  });
});

describe('the analysis prompt', () => {
  it('carries no phone number, email or contact name, and states the grounding rules', () => {
    const prompt = buildAnalysisPrompt({
      call: { callId: 'c1', recordedAt: '2026-05-29T13:00:00Z', durationSeconds: 30, title: 'Call +91 98765 43210' },
      transcript,
    });
    expect(prompt.user).not.toMatch(/98765|43210|ravi@acme/);
    expect(prompt.user).toContain('[phone]');
    expect(prompt.user).toContain('[email]');
    expect(prompt.user).not.toContain('Ravi (Acme)');
    expect(prompt.user).not.toContain('Praveen');
    expect(prompt.system).toMatch(/sourceSegmentIds/);
    expect(prompt.system).toMatch(/Never invent names, dates, times, emails or phone numbers/);
    expect(prompt.system).toMatch(/unclear/);
  });
});

describe('grounding what the model returned', () => {
  it('removes cited segments that do not exist, everywhere', () => {
    const { analysis, corrections } = groundAnalysis(
      modelOutput({
        decisions: [{ text: 'Proposal by Friday', sourceSegmentIds: ['seg_0003', 'seg_0099'] }],
        actionItems: [actionItem({ sourceSegmentIds: ['seg_0042'] })],
      }),
      transcript,
    );
    expect(analysis.decisions[0]!.sourceSegmentIds).toEqual(['seg_0003']);
    expect(analysis.actionItems[0]!.sourceSegmentIds).toEqual([]);
    expect(corrections).toContain('unknown_segment_ids_removed');
  });

  it('removes an invented email and phone number but keeps the ones that were said', () => {
    const { analysis, corrections } = groundAnalysis(
      modelOutput({
        actionItems: [
          actionItem({ intentMetadata: { ...metadata, toEmail: 'ceo@acme.example', phoneNumber: '+1 555 010 9999' } }),
          actionItem({
            title: 'Email Ravi',
            intentMetadata: { ...metadata, toEmail: 'ravi@acme.example', phoneNumber: '+91 98765 43210' },
          }),
        ],
        executiveSummary: 'Write to boss@acme.example about the deal, or call 020 7946 0999.',
      }),
      transcript,
    );
    expect(analysis.actionItems[0]!.intentMetadata).toMatchObject({ toEmail: null, phoneNumber: null });
    expect(analysis.actionItems[1]!.intentMetadata).toMatchObject({
      toEmail: 'ravi@acme.example',
      phoneNumber: '+91 98765 43210',
    });
    expect(analysis.executiveSummary).not.toMatch(/boss@acme|7946/);
    expect(corrections).toEqual(expect.arrayContaining(['invented_email_removed', 'invented_phone_removed']));
  });

  it('keeps dates, which look like digit runs, untouched', () => {
    const { analysis } = groundAnalysis(
      modelOutput({ actionItems: [actionItem({ dueDate: '2026-12-04' })] }),
      transcript,
    );
    expect(analysis.actionItems[0]!.dueDate).toBe('2026-12-04');
  });

  it('maps owners onto real speakers by id, label or display name, and never invents one', () => {
    const { analysis, corrections } = groundAnalysis(
      modelOutput({
        actionItems: [
          actionItem({ ownerSpeakerId: 'spk_2', ownerDisplayName: 'Someone Else' }),
          actionItem({ ownerSpeakerId: null, ownerSpeakerLabel: 'speaker 1' }),
          actionItem({ ownerSpeakerId: null, ownerDisplayName: 'praveen' }),
          actionItem({ ownerSpeakerId: 'spk_9', ownerDisplayName: 'Mallory', ownerRole: 'USER' }),
        ],
      }),
      transcript,
    );
    expect(analysis.actionItems.map((item) => [item.ownerSpeakerId, item.ownerDisplayName, item.ownerRole])).toEqual([
      ['spk_2', 'Praveen', 'USER'],
      ['spk_1', 'Ravi (Acme)', 'CONTACT'],
      ['spk_2', 'Praveen', 'USER'],
      [null, null, null],
    ]);
    expect(corrections).toContain('unknown_owner_removed');
  });

  it('keeps a judgement with its cited rationale, drops a rationale nothing supports while keeping the verdict', () => {
    const { analysis, corrections } = groundAnalysis(
      modelOutput({
        outcome: { result: 'achieved', rationale: 'Ravi agreed to send the proposal.', sourceSegmentIds: ['seg_0003'] },
        followUpRequired: { value: true, rationale: 'Someone said so.', sourceSegmentIds: ['seg_0077'] },
        escalationRequired: { value: false, rationale: 'Nobody asked for a manager.', sourceSegmentIds: [] },
      }),
      transcript,
    );
    expect(analysis.outcome).toEqual({
      result: 'achieved',
      rationale: 'Ravi agreed to send the proposal.',
      sourceSegmentIds: ['seg_0003'],
    });
    expect(analysis.followUpRequired).toEqual({ value: true, rationale: null, sourceSegmentIds: [] });
    expect(analysis.escalationRequired).toEqual({ value: false, rationale: null, sourceSegmentIds: [] });
    expect(corrections.filter((correction) => correction === 'unsupported_rationale_removed')).toHaveLength(2);
  });

  it('refuses an output without the judgements, which the strict schema requires', () => {
    const { outcome: _outcome, ...withoutOutcome } = modelOutput();
    expect(() => groundAnalysis(withoutOutcome, transcript)).toThrow(AnalysisOutputInvalidError);
  });

  it('sets schemaVersion 4 and lets unknown keys pass through', () => {
    const { analysis } = groundAnalysis({ ...modelOutput(), customInsight: 'kept' }, transcript);
    expect(analysis.schemaVersion).toBe(4);
    expect(analysis.customInsight).toBe('kept');
  });

  it.each([
    ['not JSON', 'Sure! Here is the analysis:'],
    ['the wrong shape', JSON.stringify({ summary: 'ok' })],
  ])('refuses output that is %s', (_case, raw) => {
    expect(() => groundAnalysis(raw, transcript)).toThrow(AnalysisOutputInvalidError);
  });

  it('passes the sandbox analysis through unchanged', () => {
    const output = sandboxAnalysis(transcript);
    const { analysis, corrections } = groundAnalysis(JSON.stringify(output), transcript);
    expect(corrections).toEqual([]);
    const { actionItems, ...rest } = analysis;
    const { actionItems: proposed, ...proposedRest } = output;
    expect(rest).toEqual({ ...proposedRest, schemaVersion: 4 });
    // Grounding only fills the owner's label and name in from the resolved speaker.
    expect(actionItems).toEqual(
      proposed.map((item) => ({
        ...item,
        ownerSpeakerLabel: 'Speaker 1',
        ownerDisplayName: 'Ravi (Acme)',
        ownerRole: 'CONTACT',
      })),
    );
    expect(proposed.map((item) => item.sourceSegmentIds)).toEqual([['seg_0003']]);
  });
});

describe('legacy aliases on read', () => {
  it('adds shortSummary, detailedSummary and keyPoints from the v3 fields', () => {
    const doc = {
      schemaVersion: 3,
      oneLineSummary: 'One line',
      executiveSummary: 'Longer',
      sections: [
        {
          items: [
            { text: 'A', importance: 'high' },
            { text: 'B', importance: 'low' },
          ],
        },
        { items: [{ text: 'C', importance: 'high' }] },
      ],
      extra: 1,
    };
    expect(withLegacyAliases(doc)).toEqual({
      ...doc,
      shortSummary: 'One line',
      detailedSummary: 'Longer',
      keyPoints: ['A', 'C'],
    });
  });

  it('reads a v3 analysis, from before the judgements, with its fields as they were', () => {
    const v3 = {
      schemaVersion: 3,
      oneLineSummary: 'One line',
      executiveSummary: null,
      sections: [],
      sentiment: { overall: 'neutral' },
    };
    expect(withLegacyAliases(v3)).toEqual({ ...v3, shortSummary: 'One line', keyPoints: [] });
    expect(withLegacyAliases(v3)).not.toHaveProperty('outcome');
  });

  it('returns a legacy-shaped document untouched', () => {
    const v2 = {
      schemaVersion: 2,
      shortSummary: 'old',
      keyPoints: ['x'],
      sentiment: { overall: 'positive', reason: 'fine' },
    };
    expect(withLegacyAliases(v2)).toEqual(v2);
  });
});

describe('action-item rows from an analysis', () => {
  it('upper-cases priority, drops impossible dates and records a forensic sourceText', () => {
    const { analysis } = groundAnalysis(
      modelOutput({
        actionItems: [
          actionItem({ dueDate: '2026-02-30', priority: 'high' }),
          actionItem({
            title: 'Call back',
            dueDate: '2026-12-04',
            priority: null,
            intent: 'none',
            sourceSegmentIds: [],
          }),
        ],
      }),
      transcript,
    );
    const rows = actionItemRowsFromAnalysis(analysis, transcript);
    expect(rows[0]).toMatchObject({
      title: 'Send the proposal',
      dueDate: null,
      priority: 'HIGH',
      intent: 'email',
      ownerRole: 'CONTACT',
      sourceSegmentIds: ['seg_0003'],
    });
    expect(rows[0]!.sourceText).toBe('priority=high; segments=seg_0003; text="I will send the proposal by Friday."');
    expect(rows[1]).toMatchObject({ dueDate: '2026-12-04', priority: null, intent: null, intentMetadata: null });
  });
});
