import { describe, expect, it } from 'vitest';
import { resolveSpeakers, VOICE_MATCH_DISABLED } from '../../../src/transcripts/resolve-speakers.ts';
import type { SpeakerContext, VoiceMatchResult } from '../../../src/transcripts/resolve-speakers.ts';
import type { Confidence, LabelSource, Role, TranscriptWarning } from '../../../src/transcripts/transcript-document.ts';

type Party = 'A' | 'B' | 'C';
type Line = [Party, number, string];
type Expected = [Role, string | null, Confidence, LabelSource];

interface ResolutionCase {
  name: string;
  lines: Line[];
  context?: SpeakerContext;
  voice?: VoiceMatchResult;
  expect: Partial<Record<Party, Expected>>;
  warnings?: TranscriptWarning[];
}

const PARTIES: Party[] = ['A', 'B', 'C'];
const BASE_CONTEXT: SpeakerContext = {
  userDisplayName: 'Praveen',
  contactName: 'Ravi',
  organization: null,
  phoneNumber: '+91 98765 43210',
  direction: 'UNKNOWN',
};

function matched(party: Party, score: number, confidence: 'HIGH' | 'MEDIUM'): VoiceMatchResult {
  return { status: 'MATCHED', sourceSpeakerId: `SPEAKER_0${PARTIES.indexOf(party)}`, score, confidence };
}

function run(c: ResolutionCase) {
  const present = PARTIES.filter((p) => c.lines.some(([party]) => party === p));
  const speakers = present.map((p, i) => ({
    speakerId: `spk_${i + 1}`,
    sourceSpeakerId: `SPEAKER_0${PARTIES.indexOf(p)}`,
    label: `Speaker ${i + 1}`,
  }));
  const idOf = (p: Party) => speakers[present.indexOf(p)]!.speakerId;
  const segments = c.lines.map(([party, start, text]) => ({ speakerId: idOf(party), startSeconds: start, text }));
  const outcome = resolveSpeakers({
    speakers,
    segments,
    context: { ...BASE_CONTEXT, ...c.context },
    voiceMatch: c.voice ?? VOICE_MATCH_DISABLED,
  });
  const byParty = Object.fromEntries(
    present.map((p) => {
      const s = outcome.speakers.find((x) => x.speakerId === idOf(p))!;
      return [p, [s.role, s.displayName, s.confidence, s.labelSource]];
    }),
  );
  return { outcome, byParty };
}

const CASES: ResolutionCase[] = [
  // Voice match
  {
    name: 'a high voice match labels the user and the other party follows by elimination',
    lines: [
      ['A', 0.4, 'Hello?'],
      ['B', 1.5, 'Yes, I wanted to ask about the invoice.'],
    ],
    voice: matched('A', 0.91, 'HIGH'),
    expect: { A: ['USER', 'Praveen', 'HIGH', 'VOICE_EMBEDDING'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'] },
    warnings: [],
  },
  {
    name: 'a medium voice match keeps its medium confidence',
    lines: [
      ['A', 0.4, 'Okay.'],
      ['B', 1.5, 'Sure, see you then.'],
    ],
    voice: matched('B', 0.8, 'MEDIUM'),
    expect: { A: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'], B: ['USER', 'Praveen', 'MEDIUM', 'VOICE_EMBEDDING'] },
  },
  {
    name: 'a voice match on a phone-only contact names the other party by the last four digits',
    lines: [
      ['A', 0.4, 'Okay.'],
      ['B', 1.5, 'Sure.'],
    ],
    context: { contactName: null },
    voice: matched('B', 0.9, 'HIGH'),
    expect: {
      A: ['CONTACT', 'Contact ending 3210', 'MEDIUM', 'PHONE_FALLBACK'],
      B: ['USER', 'Praveen', 'HIGH', 'VOICE_EMBEDDING'],
    },
  },
  {
    name: 'a voice match that the words contradict wins and the conflict is reported',
    lines: [
      ['A', 0.4, 'Hi Praveen, how are you?'],
      ['B', 1.5, 'Good, thanks.'],
    ],
    voice: matched('A', 0.88, 'HIGH'),
    expect: { A: ['USER', 'Praveen', 'HIGH', 'VOICE_EMBEDDING'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'] },
    warnings: ['speaker_identity_ambiguous'],
  },
  {
    name: 'an ambiguous voice match with no textual cue leaves both speakers ambiguous',
    lines: [
      ['A', 0.4, 'Okay.'],
      ['B', 1.5, 'Fine.'],
    ],
    voice: { status: 'AMBIGUOUS', sourceSpeakerId: null, score: null, confidence: null },
    expect: { A: ['UNKNOWN', null, 'LOW', 'AMBIGUOUS'], B: ['UNKNOWN', null, 'LOW', 'AMBIGUOUS'] },
    warnings: ['speaker_roles_unresolved', 'speaker_identity_ambiguous'],
  },
  {
    name: 'an ambiguous voice match still lets an early greeting resolve the call',
    lines: [
      ['A', 0.4, 'Hi Ravi!'],
      ['B', 1.5, 'Hey, good to hear from you.'],
    ],
    voice: { status: 'AMBIGUOUS', sourceSpeakerId: null, score: null, confidence: null },
    expect: { A: ['USER', 'Praveen', 'HIGH', 'GREETING_MATCH'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'] },
    warnings: ['speaker_identity_ambiguous'],
  },
  {
    name: 'no voice match falls through to the text rules',
    lines: [
      ['A', 0.4, 'Hello, this is Ravi.'],
      ['B', 1.5, 'Hi.'],
    ],
    voice: { status: 'NO_MATCH', sourceSpeakerId: null, score: 0.4, confidence: null },
    expect: { A: ['CONTACT', 'Ravi', 'HIGH', 'SELF_INTRODUCTION'], B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a voice match naming a speaker not in the transcript is ignored',
    lines: [
      ['A', 0.4, 'Okay.'],
      ['B', 1.5, 'Fine.'],
    ],
    voice: { status: 'MATCHED', sourceSpeakerId: 'SPEAKER_07', score: 0.95, confidence: 'HIGH' },
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  // Self-introduction
  {
    name: 'a contact introducing themselves by the saved name is the contact, with the saved organisation',
    lines: [
      ['A', 0.4, 'Hi, this is Ravi.'],
      ['B', 1.5, 'Oh hello.'],
    ],
    context: { organization: 'Acme' },
    expect: {
      A: ['CONTACT', 'Ravi (Acme)', 'HIGH', 'SELF_INTRODUCTION'],
      B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  {
    name: 'an unknown caller introducing themselves with an organisation is named Name (Org)',
    lines: [
      ['A', 0.4, 'Hello?'],
      ['B', 1.5, 'Hi, this is Jimmy from DocuSign, do you have a minute?'],
    ],
    expect: {
      A: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
      B: ['CONTACT', 'Jimmy (DocuSign)', 'MEDIUM', 'SELF_INTRODUCTION'],
    },
  },
  {
    name: 'an unknown caller introducing themselves without an organisation keeps the bare name',
    lines: [
      ['A', 0.4, 'Hello?'],
      ['B', 1.5, 'My name is Jimmy. I am calling about your order.'],
    ],
    expect: {
      A: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
      B: ['CONTACT', 'Jimmy', 'MEDIUM', 'SELF_INTRODUCTION'],
    },
  },
  {
    name: 'an unsaved caller gets the organisation from the contact metadata when they only say their name',
    lines: [
      ['A', 0.4, 'Hello?'],
      ['B', 1.5, 'Hi, this is Jimmy.'],
    ],
    context: { contactName: null, organization: 'DocuSign' },
    expect: {
      A: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
      B: ['CONTACT', 'Jimmy (DocuSign)', 'MEDIUM', 'SELF_INTRODUCTION'],
    },
  },
  {
    name: '"Praveen speaking" identifies the user',
    lines: [
      ['A', 0.4, 'Hello, Praveen speaking.'],
      ['B', 1.5, 'Hi, I am calling from the bank.'],
    ],
    expect: { A: ['USER', 'Praveen', 'HIGH', 'SELF_INTRODUCTION'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: '"you\'re speaking with Ravi" identifies the contact',
    lines: [
      ['A', 0.4, "Good afternoon, you're speaking with Ravi."],
      ['B', 1.5, 'Hi there.'],
    ],
    expect: { A: ['CONTACT', 'Ravi', 'HIGH', 'SELF_INTRODUCTION'], B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'an honorific before a surname is stripped before matching the contact',
    lines: [
      ['A', 0.4, 'Yes, this is Mr. Sharma.'],
      ['B', 1.5, 'Good morning.'],
    ],
    context: { contactName: 'Mr. Sharma' },
    expect: {
      A: ['CONTACT', 'Mr. Sharma', 'HIGH', 'SELF_INTRODUCTION'],
      B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  {
    name: 'a Hindi self-introduction ("main Ravi bol raha hoon") identifies the contact',
    lines: [
      ['A', 0.4, 'Namaste, main Ravi bol raha hoon.'],
      ['B', 1.5, 'Haan ji.'],
    ],
    expect: { A: ['CONTACT', 'Ravi', 'HIGH', 'SELF_INTRODUCTION'], B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: '"I\'m Good" is not a name: weak lead-ins only count for known names',
    lines: [
      ['A', 0.4, "I'm Good, thanks for asking."],
      ['B', 1.5, 'Great.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: 'a lower-case phrase after "this is" never becomes a name',
    lines: [
      ['A', 0.4, 'Okay, this is regarding your order.'],
      ['B', 1.5, 'Sure.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: '"Hello, Jimmy speaking." names an unknown caller',
    lines: [
      ['A', 0.4, 'Hello, Jimmy speaking.'],
      ['B', 1.5, 'Hi, I have a question about my order.'],
    ],
    expect: {
      A: ['CONTACT', 'Jimmy', 'MEDIUM', 'SELF_INTRODUCTION'],
      B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  {
    name: '"Right here" and "Public speaking" are not people',
    lines: [
      ['A', 0.4, 'Put it right there. Right here.'],
      ['B', 3.0, 'Public speaking is hard, Nobody here likes it.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: 'without a user name an introduction names the speaker but cannot tell the role',
    lines: [
      ['A', 0.4, 'Okay.'],
      ['B', 1.5, 'Hi, this is Jimmy from DocuSign.'],
    ],
    context: { userDisplayName: null, contactName: null },
    expect: {
      A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'],
      B: ['UNKNOWN', 'Jimmy (DocuSign)', 'MEDIUM', 'SELF_INTRODUCTION'],
    },
    warnings: ['speaker_roles_unresolved'],
  },
  // Greeting
  {
    name: 'a greeting in the first segment and first 30 s is high confidence',
    lines: [
      ['A', 0.5, 'Hi Ravi, got a minute?'],
      ['B', 2.0, 'Sure, go on.'],
    ],
    expect: { A: ['USER', 'Praveen', 'HIGH', 'GREETING_MATCH'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a greeting after the first two segments is medium confidence',
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 2.0, 'Yes.'],
      ['A', 4.0, 'So.'],
      ['B', 6.0, 'Well, hello Ravi, where were we?'],
    ],
    expect: { A: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'], B: ['USER', 'Praveen', 'MEDIUM', 'GREETING_MATCH'] },
  },
  {
    name: 'a greeting in the second segment but after 30 s is medium confidence',
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 31.0, 'Hi Ravi.'],
    ],
    expect: { A: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'], B: ['USER', 'Praveen', 'MEDIUM', 'GREETING_MATCH'] },
  },
  {
    name: 'an outgoing call answered by the contact promotes a late greeting to high',
    lines: [
      ['A', 0.5, 'Hmm?'],
      ['B', 2.0, 'Okay.'],
      ['A', 4.0, 'Right.'],
      ['B', 40.0, 'Hi Ravi, sorry about that.'],
    ],
    context: { direction: 'OUTGOING' },
    expect: { A: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'], B: ['USER', 'Praveen', 'HIGH', 'GREETING_MATCH'] },
  },
  {
    name: 'a direction that does not fit who answered promotes nothing',
    lines: [
      ['A', 0.5, 'Hmm?'],
      ['B', 2.0, 'Okay.'],
      ['A', 4.0, 'Right.'],
      ['B', 40.0, 'Hi Ravi, sorry about that.'],
    ],
    context: { direction: 'INCOMING' },
    expect: { A: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'], B: ['USER', 'Praveen', 'MEDIUM', 'GREETING_MATCH'] },
  },
  {
    name: 'a greeting with an honorific still matches the name behind it',
    lines: [
      ['A', 0.5, 'Good morning Mr. Sharma.'],
      ['B', 2.0, 'Morning.'],
    ],
    context: { contactName: 'Sharma' },
    expect: { A: ['USER', 'Praveen', 'HIGH', 'GREETING_MATCH'], B: ['CONTACT', 'Sharma', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'greeting the user by name makes the greeter the contact',
    lines: [
      ['A', 0.5, 'Hello Praveen!'],
      ['B', 2.0, 'Hey.'],
    ],
    context: { organization: 'Acme' },
    expect: {
      A: ['CONTACT', 'Ravi (Acme)', 'HIGH', 'GREETING_MATCH'],
      B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  {
    name: 'both parties greeting each other by name resolve both at high confidence',
    lines: [
      ['A', 0.5, 'Hi Ravi.'],
      ['B', 2.0, 'Hello Praveen.'],
    ],
    expect: { A: ['USER', 'Praveen', 'HIGH', 'GREETING_MATCH'], B: ['CONTACT', 'Ravi', 'HIGH', 'GREETING_MATCH'] },
  },
  {
    name: 'both parties greeting the same name contradict each other and nothing is assigned',
    lines: [
      ['A', 0.5, 'Hi Ravi.'],
      ['B', 2.0, 'Hello Ravi.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'AMBIGUOUS'], B: ['UNKNOWN', null, 'LOW', 'AMBIGUOUS'] },
    warnings: ['speaker_roles_unresolved', 'speaker_identity_ambiguous'],
  },
  // Name mention
  {
    name: 'a speaker who alone mentions the contact is the user',
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 2.0, 'Sure.'],
      ['A', 4.0, 'So the quote you sent, Ravi, looks fine.'],
      ['B', 8.0, 'Great.'],
    ],
    expect: { A: ['USER', 'Praveen', 'MEDIUM', 'NAME_MENTION'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a name used to address someone never renames the speaker',
    lines: [
      ['A', 0.5, 'Yes.'],
      ['B', 2.0, 'Ravi, can you send the file today?'],
      ['A', 5.0, 'Will do.'],
    ],
    expect: { A: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'], B: ['USER', 'Praveen', 'MEDIUM', 'NAME_MENTION'] },
  },
  {
    name: 'both speakers naming both names is ambiguous',
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 2.0, 'Sure.'],
      ['A', 4.0, 'Ravi and Praveen both signed.'],
      ['B', 8.0, 'Yes, Praveen and Ravi did.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'AMBIGUOUS'], B: ['UNKNOWN', null, 'LOW', 'AMBIGUOUS'] },
    warnings: ['speaker_roles_unresolved', 'speaker_identity_ambiguous'],
  },
  {
    name: '"ram" is not found inside "program"',
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 2.0, 'The program is ready.'],
    ],
    context: { contactName: 'Ram' },
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: '"ram" as a whole word is a mention',
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 2.0, 'Ram, the program is ready.'],
    ],
    context: { contactName: 'Ram' },
    expect: { A: ['CONTACT', 'Ram', 'MEDIUM', 'BY_ELIMINATION'], B: ['USER', 'Praveen', 'MEDIUM', 'NAME_MENTION'] },
  },
  {
    name: '"alice" is not "alicia"',
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 2.0, 'Alicia will join us later.'],
    ],
    context: { contactName: 'Alice' },
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: 'a first name the user and the contact share identifies neither',
    lines: [
      ['A', 0.5, 'Hi Ravi.'],
      ['B', 2.0, 'Hi.'],
    ],
    context: { userDisplayName: 'Ravi Kumar', contactName: 'Ravi Shah' },
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: 'the full name still works when first names are shared',
    lines: [
      ['A', 0.5, 'Hi Ravi Shah.'],
      ['B', 2.0, 'Hi.'],
    ],
    context: { userDisplayName: 'Ravi Kumar', contactName: 'Ravi Shah' },
    expect: {
      A: ['USER', 'Ravi Kumar', 'HIGH', 'GREETING_MATCH'],
      B: ['CONTACT', 'Ravi Shah', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  // Answering pattern
  {
    name: 'an English "Hello?" opener is the contact answering',
    lines: [
      ['A', 0.3, 'Hello?'],
      ['B', 1.2, 'Hi, I am calling about the invoice.'],
    ],
    expect: {
      A: ['CONTACT', 'Ravi', 'MEDIUM', 'ANSWERING_PATTERN'],
      B: ['USER', 'Praveen', 'MEDIUM', 'ANSWERING_PATTERN'],
    },
    warnings: ['answering_pattern_used'],
  },
  {
    name: '"Yes, speaking." is an answering phrase',
    lines: [
      ['A', 0.3, 'Yes, speaking.'],
      ['B', 1.2, 'Good, I have a question.'],
    ],
    expect: {
      A: ['CONTACT', 'Ravi', 'MEDIUM', 'ANSWERING_PATTERN'],
      B: ['USER', 'Praveen', 'MEDIUM', 'ANSWERING_PATTERN'],
    },
    warnings: ['answering_pattern_used'],
  },
  {
    name: '"Who is this?" is an answering phrase',
    lines: [
      ['A', 0.3, 'Who is this?'],
      ['B', 1.2, 'It is about your parcel.'],
    ],
    expect: {
      A: ['CONTACT', 'Ravi', 'MEDIUM', 'ANSWERING_PATTERN'],
      B: ['USER', 'Praveen', 'MEDIUM', 'ANSWERING_PATTERN'],
    },
    warnings: ['answering_pattern_used'],
  },
  {
    name: 'a Hindi "Haan, bolo" opener is the contact answering',
    lines: [
      ['A', 0.3, 'Haan, bolo.'],
      ['B', 1.2, 'Kal ka meeting confirm hai?'],
    ],
    context: { contactName: null },
    expect: {
      A: ['CONTACT', 'Contact ending 3210', 'MEDIUM', 'PHONE_FALLBACK'],
      B: ['USER', 'Praveen', 'MEDIUM', 'ANSWERING_PATTERN'],
    },
    warnings: ['answering_pattern_used'],
  },
  {
    name: 'the answering pattern does not apply to an incoming call',
    lines: [
      ['A', 0.3, 'Hello?'],
      ['B', 1.2, 'Hi, it is about the invoice.'],
    ],
    context: { direction: 'INCOMING' },
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: 'an opener after the first 20 s is not an answering pattern',
    lines: [
      ['A', 21.0, 'Hello?'],
      ['B', 22.0, 'Hi, it is about the invoice.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: 'a long first sentence starting with "yes" is not an answering pattern',
    lines: [
      ['A', 0.3, 'Yes so as I was saying the shipment left yesterday.'],
      ['B', 3.0, 'Okay.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  // Phone fallback and privacy
  {
    name: 'a phone-only contact is named by the last four digits only',
    lines: [
      ['A', 0.5, 'Hi Praveen, quick question.'],
      ['B', 2.0, 'Sure.'],
    ],
    context: { contactName: null },
    expect: {
      A: ['CONTACT', 'Contact ending 3210', 'HIGH', 'PHONE_FALLBACK'],
      B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  {
    name: 'a contact "name" that is really a phone number is never shown',
    lines: [
      ['A', 0.5, 'Hi Praveen.'],
      ['B', 2.0, 'Hi.'],
    ],
    context: { contactName: '+91 98765 43210', phoneNumber: '+91 98765 43210' },
    expect: {
      A: ['CONTACT', 'Contact ending 3210', 'HIGH', 'PHONE_FALLBACK'],
      B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  {
    name: 'with neither a contact name nor a phone number the contact stays unnamed',
    lines: [
      ['A', 0.5, 'Hi Praveen.'],
      ['B', 2.0, 'Hi.'],
    ],
    context: { contactName: null, phoneNumber: null },
    expect: { A: ['CONTACT', null, 'HIGH', 'GREETING_MATCH'], B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'with no cue at all both speakers stay unknown',
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 2.0, 'Right.'],
      ['A', 4.0, 'See you.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'], B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  // One speaker (voicemail)
  {
    name: 'a voicemail that introduces its caller names the contact',
    lines: [['A', 0.5, 'Hi Praveen, this is Ravi from Acme, please call me back.']],
    expect: { A: ['CONTACT', 'Ravi (Acme)', 'HIGH', 'SELF_INTRODUCTION'] },
    warnings: [],
  },
  {
    name: 'a voicemail that only greets the user is from the contact',
    lines: [['A', 0.5, 'Hi Praveen, call me back when you can.']],
    expect: { A: ['CONTACT', 'Ravi', 'HIGH', 'GREETING_MATCH'] },
  },
  {
    name: 'a voicemail without names stays unknown',
    lines: [['A', 0.5, 'Hello? Hello? Call me back please.']],
    expect: { A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'] },
    warnings: ['speaker_roles_unresolved'],
  },
  {
    name: 'a one-speaker recording matched by voice is the user',
    lines: [['A', 0.5, 'Note to self: buy milk.']],
    voice: matched('A', 0.93, 'HIGH'),
    expect: { A: ['USER', 'Praveen', 'HIGH', 'VOICE_EMBEDDING'] },
    warnings: [],
  },
  // Hard rules
  {
    name: 'a three-party call is never auto-resolved, whatever the cues',
    lines: [
      ['A', 0.5, 'Hi Ravi, this is Praveen.'],
      ['B', 2.0, 'Hello Praveen, Ravi here.'],
      ['C', 4.0, 'And this is Jimmy from DocuSign.'],
    ],
    voice: matched('A', 0.95, 'HIGH'),
    expect: {
      A: ['UNKNOWN', null, 'LOW', 'DIARIZATION'],
      B: ['UNKNOWN', null, 'LOW', 'DIARIZATION'],
      C: ['UNKNOWN', null, 'LOW', 'DIARIZATION'],
    },
    warnings: ['multi_party_call_not_auto_resolved'],
  },
  {
    name: "two speakers both claiming the user's name never make two users",
    lines: [
      ['A', 0.5, 'This is Praveen.'],
      ['B', 2.0, 'Praveen here.'],
    ],
    expect: { A: ['UNKNOWN', null, 'LOW', 'AMBIGUOUS'], B: ['UNKNOWN', null, 'LOW', 'AMBIGUOUS'] },
    warnings: ['speaker_roles_unresolved', 'speaker_identity_ambiguous'],
  },
  {
    name: "a speaker claiming the user's name against a voice match does not become a second user",
    lines: [
      ['A', 0.5, 'Okay.'],
      ['B', 2.0, 'This is Praveen.'],
    ],
    voice: matched('A', 0.9, 'HIGH'),
    expect: { A: ['USER', 'Praveen', 'HIGH', 'VOICE_EMBEDDING'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'NAME_MENTION'] },
    warnings: ['speaker_identity_ambiguous'],
  },
];

describe('speaker resolution corpus', () => {
  it('has at least forty cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('$name', (c) => {
    const { outcome, byParty } = run(c);
    expect(byParty).toEqual(c.expect);
    if (c.warnings) expect(outcome.speakerResolution.warnings).toEqual(c.warnings);
    const users = outcome.speakers.filter((s) => s.role === 'USER');
    expect(users.length).toBeLessThanOrEqual(1);
  });
});

describe('the speakerResolution block', () => {
  it('reports what was used and how many speakers were resolved', () => {
    const { outcome } = run(CASES.find((c) => c.name.startsWith('a phone-only contact'))!);
    expect(outcome.speakerResolution).toEqual({
      strategyVersion: 2,
      usedUserDisplayName: true,
      usedContactName: false,
      usedDirection: false,
      usedPhoneFallback: true,
      voiceEmbeddingEnabled: false,
      voiceProfileUsed: false,
      voiceMatchStatus: 'DISABLED',
      totalSpeakerCount: 2,
      resolvedSpeakerCount: 2,
      warnings: [],
    });
  });

  it('records the direction only when it promoted a greeting', () => {
    const promoted = run(CASES.find((c) => c.name.startsWith('an outgoing call answered'))!);
    const notPromoted = run(CASES.find((c) => c.name.startsWith('a direction that does not fit'))!);
    expect(promoted.outcome.speakerResolution.usedDirection).toBe(true);
    expect(notPromoted.outcome.speakerResolution.usedDirection).toBe(false);
  });

  it('carries the voice score only on the matched speaker', () => {
    const { outcome } = run(CASES[0]!);
    expect(outcome.speakers.map((s) => [s.voiceMatchScore, s.voiceProfileMatched])).toEqual([
      [0.91, true],
      [null, false],
    ]);
    expect(outcome.speakerResolution).toMatchObject({
      voiceEmbeddingEnabled: true,
      voiceProfileUsed: true,
      voiceMatchStatus: 'MATCHED',
    });
  });

  it('says a skipped voice match was enabled but used no profile', () => {
    const { outcome } = run({
      ...CASES[0]!,
      voice: { status: 'SKIPPED', sourceSpeakerId: null, score: null, confidence: null },
    });
    expect(outcome.speakerResolution).toMatchObject({
      voiceEmbeddingEnabled: true,
      voiceProfileUsed: false,
      voiceMatchStatus: 'SKIPPED',
    });
  });

  it('never puts a name or phone digit in the block', () => {
    for (const c of CASES) {
      const serialized = JSON.stringify(run(c).outcome.speakerResolution);
      expect(serialized).not.toMatch(/Praveen|Ravi|3210/);
    }
  });

  it('never shows more than the last four digits of a phone number', () => {
    for (const c of CASES) {
      for (const speaker of run(c).outcome.speakers) expect(speaker.displayName ?? '').not.toMatch(/\d{5}|98765/);
    }
  });
});
