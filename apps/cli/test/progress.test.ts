// The export progress bar: redrawn in place, throttled, and cleared at the end.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../src/progress.js';

function fakeTerminal() {
  const out: string[] = [];
  return { out, stream: { columns: 100, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

describe('progress bar', () => {
  it('shows rows and percent once the total is known, at most ten times a second', () => {
    const t = fakeTerminal();
    let now = 0;
    const bar = createProgress(t.stream, 'cart_abandoners', () => now);
    bar.update(0, undefined);
    expect(t.out.at(-1)).toContain('selecting people');
    now = 1_000;
    bar.update(250_000, 1_000_000);
    expect(t.out.at(-1)).toMatch(/^\rcart_abandoners {2}\[#{7}-{21}\] {2}25% {2}250,000 \/ 1,000,000 rows {2}1\.0s\x1b\[K$/);
    const drawn = t.out.length;
    now = 1_050;
    bar.update(260_000, 1_000_000);
    expect(t.out).toHaveLength(drawn);
    bar.update(1_000_000, 1_000_000);
    expect(t.out.at(-1)).toContain('100%');
    bar.end();
    expect(t.out.at(-1)).toBe('\r\x1b[K');
  });

  it('counts in the unit it is given (an import counts bytes of its file)', () => {
    const t = fakeTerminal();
    const bar = createProgress(t.stream, 'importing orders.csv', () => 2_000, 'bytes');
    bar.update(512, 2_048);
    expect(t.out.at(-1)).toMatch(/ 25% {2}512 \/ 2,048 bytes /);
  });
});
