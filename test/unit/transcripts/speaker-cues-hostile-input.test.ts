import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveSpeakers, VOICE_MATCH_DISABLED } from '../../../src/transcripts/resolve-speakers.ts';
import type { SpeakerContext } from '../../../src/transcripts/resolve-speakers.ts';
import { cueText, greetsName, nameVariants, sameName } from '../../../src/transcripts/speaker-cues.ts';
import { foldText } from '../../../src/transcripts/fold-text.ts';
import type { Confidence, LabelSource, Role } from '../../../src/transcripts/transcript-document.ts';

type Party = 'A' | 'B';
type Line = [Party, number, string];
type Expected = [Role, string | null, Confidence, LabelSource];

interface UnicodeCase {
  name: string;
  lines: Line[];
  context: SpeakerContext;
  expect: Record<Party, Expected>;
}

const PARTIES: Party[] = ['A', 'B'];
const BASE_CONTEXT: SpeakerContext = {
  userDisplayName: 'Praveen',
  contactName: 'Ravi',
  organization: null,
  phoneNumber: null,
  direction: 'UNKNOWN',
};
const nfd = (text: string) => text.normalize('NFD');
const nfc = (text: string) => text.normalize('NFC');

function resolve(lines: Line[], context: SpeakerContext) {
  const speakers = PARTIES.map((_p, i) => ({
    speakerId: `spk_${i + 1}`,
    sourceSpeakerId: `SPEAKER_0${i}`,
    label: `Speaker ${i + 1}`,
  }));
  const segments = lines.map(([party, start, text]) => ({
    speakerId: `spk_${PARTIES.indexOf(party) + 1}`,
    startSeconds: start,
    text,
  }));
  return resolveSpeakers({
    speakers,
    segments,
    context: { ...BASE_CONTEXT, ...context },
    voiceMatch: VOICE_MATCH_DISABLED,
  });
}

function byParty(lines: Line[], context: SpeakerContext): Record<Party, Expected> {
  const outcome = resolve(lines, context);
  const row = (i: number): Expected => {
    const s = outcome.speakers[i]!;
    return [s.role, s.displayName, s.confidence, s.labelSource];
  };
  return { A: row(0), B: row(1) };
}

const UNICODE_CASES: UnicodeCase[] = [
  {
    name: 'a profile name with an accent matches the same name said in NFD',
    lines: [
      ['A', 0.4, nfd('Hi, this is José.')],
      ['B', 1.5, 'Oh hello.'],
    ],
    context: { userDisplayName: nfc('José') },
    expect: {
      A: ['USER', nfc('José'), 'HIGH', 'SELF_INTRODUCTION'],
      B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  {
    name: 'an NFD profile name is greeted in NFC and keeps its NFD spelling',
    lines: [
      ['A', 0.4, nfc('Hello José, got a minute?')],
      ['B', 1.5, 'Sure.'],
    ],
    context: { userDisplayName: nfd('José') },
    expect: { A: ['CONTACT', 'Ravi', 'HIGH', 'GREETING_MATCH'], B: ['USER', nfd('José'), 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a name greeted without its accent is the same name',
    lines: [
      ['A', 0.5, 'Hi Zoe, quick question.'],
      ['B', 2.0, 'Go on.'],
    ],
    context: { contactName: 'Zoë' },
    expect: { A: ['USER', 'Praveen', 'HIGH', 'GREETING_MATCH'], B: ['CONTACT', 'Zoë', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a name said with an accent the profile lacks is the same name',
    lines: [
      ['A', 0.5, 'Yes, this is Zoë.'],
      ['B', 2.0, 'Good morning.'],
    ],
    context: { contactName: 'Zoe' },
    expect: { A: ['CONTACT', 'Zoe', 'HIGH', 'SELF_INTRODUCTION'], B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a Greek name introduces itself',
    lines: [
      ['A', 0.4, 'Hello, this is Ελένη.'],
      ['B', 1.5, 'Hi.'],
    ],
    context: { contactName: 'Ελένη' },
    expect: {
      A: ['CONTACT', 'Ελένη', 'HIGH', 'SELF_INTRODUCTION'],
      B: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
    },
  },
  {
    name: 'a Greek name in capitals without its tonos is greeted',
    lines: [
      ['A', 0.4, 'Hello ΕΛΕΝΗ!'],
      ['B', 1.5, 'Hey.'],
    ],
    context: { userDisplayName: 'Ελένη' },
    expect: { A: ['CONTACT', 'Ravi', 'HIGH', 'GREETING_MATCH'], B: ['USER', 'Ελένη', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a Cyrillic name introduces itself with "my name is"',
    lines: [
      ['A', 0.4, 'My name is Дмитрий, calling about the order.'],
      ['B', 1.5, 'Yes.'],
    ],
    context: { userDisplayName: 'Дмитрий' },
    expect: { A: ['USER', 'Дмитрий', 'HIGH', 'SELF_INTRODUCTION'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a Cyrillic name is greeted',
    lines: [
      ['A', 0.4, 'Hi Дмитрий.'],
      ['B', 1.5, 'Hello.'],
    ],
    context: { contactName: 'Дмитрий' },
    expect: { A: ['USER', 'Praveen', 'HIGH', 'GREETING_MATCH'], B: ['CONTACT', 'Дмитрий', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a Devanagari name, which has no capitals, introduces itself',
    lines: [
      ['A', 0.4, 'Hello, प्रवीण speaking.'],
      ['B', 1.5, 'Namaste.'],
    ],
    context: { userDisplayName: 'प्रवीण' },
    expect: { A: ['USER', 'प्रवीण', 'HIGH', 'SELF_INTRODUCTION'], B: ['CONTACT', 'Ravi', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'a Devanagari name is greeted',
    lines: [
      ['A', 0.4, 'Namaste प्रवीण, kaise ho?'],
      ['B', 1.5, 'Theek hoon.'],
    ],
    context: { userDisplayName: 'प्रवीण' },
    expect: { A: ['CONTACT', 'Ravi', 'HIGH', 'GREETING_MATCH'], B: ['USER', 'प्रवीण', 'MEDIUM', 'BY_ELIMINATION'] },
  },
  {
    name: 'an unknown caller with diacritics is named as they spelled it',
    lines: [
      ['A', 0.4, 'Hello?'],
      ['B', 1.5, 'Hi, this is Łukasz from Żabka, do you have a minute?'],
    ],
    context: {},
    expect: {
      A: ['USER', 'Praveen', 'MEDIUM', 'BY_ELIMINATION'],
      B: ['CONTACT', 'Łukasz (Żabka)', 'MEDIUM', 'SELF_INTRODUCTION'],
    },
  },
];

describe('names in any script and either Unicode form', () => {
  it.each(UNICODE_CASES)('$name', (c) => {
    expect(byParty(c.lines, c.context)).toEqual(c.expect);
  });

  it('folds NFC, NFD, accent-less and upper-case spellings to one form', () => {
    const forms = [nfc('José'), nfd('José'), 'Jose', 'JOSÉ', nfd('JOSÉ')];
    expect(new Set(forms.map(foldText))).toEqual(new Set(['jose']));
    expect(foldText('ΕΛΈΝΗ')).toBe(foldText('Ελένη'));
  });

  it('keeps the marks that are letters in Devanagari', () => {
    expect(foldText('प्रवीण')).toBe('प्रवीण');
    expect(foldText('प्रवीण')).not.toBe(foldText('परवण'));
  });
});

const MB = 1_000_000;

describe('hostile lengths', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('compiles no regular expression from a name or a transcript', () => {
    let compiled = 0;
    const counting = new Proxy(RegExp, {
      construct(target, args: [string, string?]) {
        compiled++;
        return Reflect.construct(target, args) as RegExp;
      },
      apply(target, self, args: [string, string?]) {
        compiled++;
        return Reflect.apply(target, self, args) as RegExp;
      },
    });
    vi.stubGlobal('RegExp', counting);
    const context = { userDisplayName: 'Jean-Luc Picard (a.b*c+)' };
    // Every rung runs: the first call resolves by introduction and greeting, the second only by name mention.
    byParty(
      [
        ['A', 0.4, 'Hi Jean-Luc, this is Ravi here.'],
        ['B', 1.5, 'Hello Ravi.'],
      ],
      context,
    );
    const mention = byParty(
      [
        ['A', 0.4, 'The file for Jean-Luc is ready.'],
        ['B', 1.5, 'Okay.'],
      ],
      context,
    );
    expect(mention.A).toEqual(['CONTACT', 'Ravi', 'MEDIUM', 'NAME_MENTION']);
    expect(compiled).toBe(0);
  });

  it.each([
    ['one long word', 'a'.repeat(100_000)],
    ['punctuation before a letter', `${'!'.repeat(100_000)}a`],
    ['a greeting repeated as a name', 'hi '.repeat(33_334)],
    ['a hyphenated chain', 'Ab-'.repeat(33_334)],
    ['accented words', nfd('José ').repeat(20_000)],
  ])('resolves a 100,000-character displayName made of %s against a 1 MB segment', (_, displayName) => {
    const segment = `${displayName.slice(0, 1000)} `.repeat(Math.ceil(MB / 1001)).slice(0, MB);
    const outcome = resolve(
      [
        ['A', 0.4, segment],
        ['B', 1.5, `hi ${displayName} this is ${displayName}`],
      ],
      { userDisplayName: displayName },
    );
    expect(outcome.speakers).toHaveLength(2);
    for (const s of outcome.speakers)
      expect(s.displayName === null || s.displayName === 'Ravi' || displayName.includes(s.displayName)).toBe(true);
  });

  // Each of these was quadratic (or worse) in its length: on 2 MB a quadratic scan never finishes.
  it.each([
    ['self-introductions', 'this is Jimmy '],
    ['weak lead-ins', "I'm Praveen and "],
    ['sentence ends before "speaking"', '. Ravi Ravi '],
    ['an organisation lead', 'this is Ravi from from '],
    ['greetings', 'hi Praveen Praveen '],
    ['apostrophes', "'a"],
  ])('resolves a 2 MB segment of repeated %s', (_, unit) => {
    const segment = unit.repeat(Math.ceil((2 * MB) / unit.length));
    const outcome = resolve(
      [
        ['A', 0.4, segment],
        ['B', 1.5, segment],
      ],
      {},
    );
    expect(outcome.speakerResolution.totalSpeakerCount).toBe(2);
  });

  it('matches a name longer than anyone says in full by its first name only', () => {
    const long = Array.from({ length: 12 }, (_, i) => `Name${String.fromCharCode(97 + i)}`).join(' ');
    expect(nameVariants(long).map((v) => v.key)).toEqual(['namea']);
    expect(greetsName(cueText(`hello ${long}`), nameVariants(long)[0]!)).toBe(true);
    expect(nameVariants('Maria de los Angeles').map((v) => v.key)).toEqual(['maria de los angeles', 'maria']);
  });
});

describe('arbitrary names', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
  );
  const cue = (name: string) =>
    fc.constantFrom(
      `Hi ${name}.`,
      `This is ${name}.`,
      `${name} speaking.`,
      `Hello, my name is ${name} from ${name}.`,
      name,
    );

  it('never makes resolution throw', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (user, contact, said) => {
        const lines: Line[] = [
          ['A', 0.4, `Hi ${contact}, this is ${user}. ${said}`],
          ['B', 1.5, `${said} speaking. Hello ${user}`],
        ];
        const outcome = resolve(lines, { userDisplayName: user, contactName: contact, organization: said });
        expect(outcome.speakers).toHaveLength(2);
      }),
      { numRuns: 300 },
    );
  });

  it('never makes resolution throw when the words quote the names', () => {
    fc.assert(
      fc.property(
        anyText.chain((name) => fc.tuple(fc.constant(name), cue(name), cue(name.normalize('NFD')))),
        ([name, a, b]) => {
          expect(
            resolve(
              [
                ['A', 0.4, a],
                ['B', 1.5, b],
              ],
              { userDisplayName: name, contactName: name.normalize('NFD') },
            ).speakers,
          ).toHaveLength(2);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('treats the NFC, NFD and accent-less spellings of a name as the same person', () => {
    const letters = fc.constantFrom(...'aeiouncszAEIOUNCSZ');
    const accents = fc.constantFrom('\u0301', '\u0300', '\u0308', '\u0303', '\u030c', '\u0327', '');
    const word = fc
      .array(
        fc.tuple(letters, accents).map(([l, a]) => l + a),
        { minLength: 2, maxLength: 8 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), (words) => {
        const name = words.join(' ');
        const plain = nfd(name).replace(/[\u0300-\u036f]/g, '');
        expect(sameName(nfc(name), nameVariants(nfd(name)))).toBe(true);
        expect(sameName(plain, nameVariants(nfc(name)))).toBe(true);
        expect(greetsName(cueText(`hello ${nfd(name)}`), nameVariants(plain)[0]!)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
