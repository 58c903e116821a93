// Export writers: CSV quoting and formula escaping, NDJSON, and a JSON array that stays valid.
import { describe, expect, it } from 'vitest';
import { createWriter, csvText, exportFormat, type ExportColumn } from '../src/index.js';

const columns: ExportColumn[] = [
  { name: 'customer_id', kind: 'string' },
  { name: 'revenue', kind: 'number' },
  { name: 'last_seen', kind: 'datetime' },
];

function write(format: 'csv' | 'ndjson' | 'json', pages: unknown[][][]) {
  const w = createWriter(format, columns);
  return w.header() + pages.map((p) => w.rows(p)).join('') + w.footer();
}

describe('CSV', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
  ])('escapes %j as %j', (input, output) => {
    expect(csvText(input)).toBe(output);
  });

  it('leaves numeric columns untouched, negative ones too, and writes NULL as an empty cell', () => {
    expect(
      write('csv', [
        [
          ['=cmd', '-12.50', null],
          ['ada', 3, '2025-01-31 10:00:00'],
        ],
      ]),
    ).toBe("customer_id,revenue,last_seen\n'=cmd,-12.50,\nada,3,2025-01-31 10:00:00\n");
  });

  it('writes the header for an empty segment', () => {
    expect(write('csv', [])).toBe('customer_id,revenue,last_seen\n');
  });

  it('escapes header names taken from data (trait keys)', () => {
    const w = createWriter('csv', [{ name: '=evil', kind: 'string' }]);
    expect(w.header()).toBe("'=evil\n");
  });
});

describe('JSON formats', () => {
  const pages = [
    [['a', '12.50', '2025-01-31 10:00:00']],
    [
      ['b', null, null],
      ['"quoted"', 7, null],
    ],
  ];

  it('NDJSON: one object per line, money as a number with its decimals', () => {
    const text = write('ndjson', pages);
    expect(text.split('\n')[0]).toBe('{"customer_id":"a","revenue":12.50,"last_seen":"2025-01-31 10:00:00"}');
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { customer_id: 'a', revenue: 12.5, last_seen: '2025-01-31 10:00:00' },
      { customer_id: 'b', revenue: null, last_seen: null },
      { customer_id: '"quoted"', revenue: 7, last_seen: null },
    ]);
  });

  it('JSON: a valid array across pages, and [] when empty', () => {
    expect(JSON.parse(write('json', pages))).toHaveLength(3);
    expect(JSON.parse(write('json', []))).toEqual([]);
  });

  it('refuses an unknown format', () => {
    expect(() => exportFormat('xlsx')).toThrow('the format is csv, ndjson or json, not "xlsx"');
  });
});
