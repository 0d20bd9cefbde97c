/**
 * The published contract's example analysis: the call of the transcript's
 * example (You and Ravi settle a delivery date), as a current document with
 * the legacy aliases the read adds. Untyped, as the types come from the
 * schemas that show it; a unit test parses it.
 */

const none = { sourceSegmentIds: [] as string[] };
const cited = (...sourceSegmentIds: string[]) => ({ sourceSegmentIds });
const seg4 = cited('seg_0004');
const KEY_POINT = 'Order 1182 arrives Friday morning, the 14th.';

const intentMetadata = {
  providerHint: null,
  attendees: null,
  proposedAt: null,
  durationMinutes: null,
  title: null,
  location: null,
  toEmail: null,
  toName: 'You',
  subject: 'Tracking number for order 1182',
  bodyPreview: null,
  phoneNumber: null,
  contactName: null,
  channel: null,
  handle: null,
  remindAt: null,
  notes: null,
};

const output = {
  callType: 'business',
  suggestedTitle: 'Delivery date for order 1182',
  oneLineSummary:
    'Ravi confirmed order 1182 arrives Friday morning, the 14th, and will email the tracking number on Thursday.',
  executiveSummary:
    'The call settled when order 1182 will be delivered. The truck leaves on Thursday and reaches the customer ' +
    'on Friday morning, the 14th; Friday suits the caller. Ravi will email the tracking number once the truck ' +
    'has left.',
  executiveSummaryBullets: [
    {
      header: 'Delivery date',
      startTimestamp: '00:04',
      paragraphs: ['The truck leaves on Thursday and arrives Friday morning, the 14th.'],
    },
    { header: 'Tracking', startTimestamp: '00:11', paragraphs: ['Ravi will email the tracking number on Thursday.'] },
  ],
  conversationOutcome: 'Delivery confirmed for Friday the 14th',
  sections: [
    {
      id: 'sec_001',
      title: 'Delivery',
      type: 'logistics',
      summary: 'When order 1182 arrives and how it can be followed.',
      items: [
        { text: KEY_POINT, importance: 'high', speaker: null, sourceSegmentIds: ['seg_0002'] },
        { text: 'The tracking number follows by email on Thursday.', importance: 'medium', speaker: null, ...seg4 },
      ],
    },
  ],
  keyDiscussionPoints: [
    {
      text: 'Delivery date of order 1182',
      topic: 'delivery',
      phase: 'opening',
      importance: 'high',
      ...cited('seg_0001', 'seg_0002'),
    },
  ],
  actionItems: [
    {
      title: 'Email the tracking number for order 1182',
      description: 'Send the tracking number once the truck leaves on Thursday.',
      ownerSpeakerId: 'spk_2',
      ownerSpeakerLabel: 'Speaker 2',
      ownerDisplayName: 'Ravi',
      ownerRole: 'CONTACT',
      dueDate: null,
      priority: 'medium',
      sourceSegmentIds: ['seg_0003', 'seg_0004'],
      intent: 'email',
      intentMetadata,
    },
  ],
  nextSteps: [{ text: 'Watch for the tracking email on Thursday', ownerSpeaker: 'spk_1', when: 'Thursday', ...seg4 }],
  importantDates: [{ description: 'Order 1182 delivered', date: null, sourceSegmentIds: ['seg_0002'] }],
  decisions: [{ text: 'Delivery on Friday morning works for the caller.', sourceSegmentIds: ['seg_0003'] }],
  commitments: [{ text: 'Ravi emails the tracking number on Thursday.', ownerSpeakerId: 'spk_2', ...seg4 }],
  openQuestions: [],
  risks: [],
  opportunities: [],
  peopleMentioned: [],
  numbersAndAmounts: [{ value: '1182', context: 'order number', sourceSegmentIds: ['seg_0001'] }],
  sentiment: {
    overall: 'positive',
    score: 0.4,
    reason: 'Both sides agreed on the date quickly.',
    userSentiment: { overall: 'positive', score: 0.4, notes: null },
    contactSentiment: { overall: 'positive', score: 0.3, notes: null },
    progression: [
      { phase: 'opening', overall: 'neutral', note: null, ...none },
      { phase: 'closing', overall: 'positive', note: 'The date suited the caller.', ...cited('seg_0003') },
    ],
    emotionalSignals: [],
  },
  tone: {
    overall: 'transactional',
    descriptors: ['friendly', 'brief'],
    formality: 'semi-formal',
    energy: 'medium',
    pace: 'normal',
    notes: null,
    byParty: {
      userTone: { overall: 'friendly', descriptors: ['direct'], notes: null },
      contactTone: { overall: 'professional', descriptors: ['helpful'], notes: null },
    },
  },
  tags: ['delivery', 'order-1182'],
  qualityWarnings: [],
  outcome: {
    result: 'achieved',
    rationale: 'Ravi confirmed a delivery date that suits the caller.',
    ...cited('seg_0002', 'seg_0003'),
  },
  followUpRequired: { value: true, rationale: 'Ravi still has to send the tracking number.', ...seg4 },
  escalationRequired: { value: false, rationale: null, ...none },
};

export const EXAMPLE_ANALYSIS = {
  ...output,
  schemaVersion: 4,
  shortSummary: output.oneLineSummary as string,
  detailedSummary: output.executiveSummary as string,
  keyPoints: [KEY_POINT],
};
