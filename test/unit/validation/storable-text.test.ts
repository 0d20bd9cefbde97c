import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors/app-error.ts';
import { refuseUnstorableText } from '../../../src/validation/storable-text.ts';

function refusal(input: unknown, prefix?: string): Record<string, string> | undefined {
  try {
    refuseUnstorableText(input, prefix);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).details?.fields as Record<string, string>;
  }
}

describe('refuseUnstorableText', () => {
  it('lets storable text through, however it is nested', () => {
    expect(refusal({ ids: ['a', 'b'], filter: { q: 'héllo 👋', n: 3, none: null } })).toBeUndefined();
  });

  it('names the field of a NUL character at any depth, array positions included', () => {
    expect(refusal({ filter: { tags: ['fine', 'bad\u0000'] } })).toEqual({
      'filter.tags.1': 'must not contain the NUL character',
    });
    expect(refusal(['ok', 'x\u0000'])).toEqual({ '1': 'must not contain the NUL character' });
  });

  it('names an unpaired surrogate, in a value or in a key', () => {
    expect(refusal({ title: 'a\ud800' })).toEqual({
      title: 'must be well-formed Unicode (it contains an unpaired surrogate)',
    });
    expect(refusal({ meta: { 'k\ud800': 'v' } })).toEqual({
      'meta.(key)': 'must be well-formed Unicode (it contains an unpaired surrogate)',
    });
  });

  it('puts the prefix before the path, and a bare string under (root)', () => {
    expect(refusal({ title: '\u0000' }, 'metadata')).toEqual({
      'metadata.title': 'must not contain the NUL character',
    });
    expect(refusal('\u0000')).toEqual({ '(root)': 'must not contain the NUL character' });
  });
});
