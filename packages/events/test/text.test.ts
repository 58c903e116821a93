import { describe, expect, it } from 'vitest';
import { cutText, mayHoldLoneSurrogates, repairLoneSurrogates, wellFormedText } from '../src/index.js';

const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('lone surrogates', () => {
  it('are only possible where the JSON text has a surrogate escape', () => {
    expect(mayHoldLoneSurrogates('{"title":"caf\u00e9 \ud83d\ude00"}')).toBe(false);
    expect(mayHoldLoneSurrogates('{"title":"\\ud83d"}')).toBe(true);
    expect(mayHoldLoneSurrogates('{"title":"\\uDE00"}')).toBe(true);
    expect(mayHoldLoneSurrogates('{"title":"\\u00e9"}')).toBe(false);
  });

  it('become U+FFFD, pairs stay', () => {
    expect(wellFormedText('a\ud83db')).toBe('a\ufffdb');
    expect(wellFormedText('\ude00x\ud83d')).toBe('\ufffdx\ufffd');
    expect(wellFormedText('ok \ud83d\ude00')).toBe('ok \ud83d\ude00');
  });

  it('are repaired in every string and key of a parsed body, however deep', () => {
    const body = JSON.parse('{"t":"\\ud800","props":{"k\\udfff":"v","n":1},"items":[{"name":"\\ud83d"}, "\\udc00", null]}');
    expect(repairLoneSurrogates(body)).toBe(4);
    expect(body).toEqual({ t: '\ufffd', props: { 'k\ufffd': 'v', n: 1 }, items: [{ name: '\ufffd' }, '\ufffd', null] });
    expect(wellFormed(JSON.stringify(body))).toBe(true);
    let deep: unknown = '\ud800';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(repairLoneSurrogates(deep)).toBe(1);
  });
});

describe('cutText', () => {
  it('never leaves half a pair, and leaves short text alone', () => {
    const title = `${'x'.repeat(1023)}\ud83d\ude00`;
    expect(cutText(title, 1024)).toBe('x'.repeat(1023));
    expect(cutText(title, 1025)).toBe(title);
    expect(cutText('abc', 2)).toBe('ab');
    expect(cutText('abc', 10)).toBe('abc');
    for (let n = 1; n < 8; n++) expect(wellFormed(cutText('\ud83d\ude00\ud83d\ude00\ud83d\ude00', n))).toBe(true);
  });
});
