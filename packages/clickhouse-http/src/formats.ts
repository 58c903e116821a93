// Which output formats can be streamed chunk by chunk. The embedded engine renders each chunk of a
// streamed result as a document of its own (a JSON chunk opens with "meta" and closes with
// "statistics"; a WithNames chunk repeats its header), so only row formats with nothing before or
// after the rows stream as they are, WithNames formats stream with the repeated header lines cut,
// and every other format is answered whole (bounded by max_result_bytes).

const AS_IS = new Set(
  [
    'TabSeparated',
    'TSV',
    'TabSeparatedRaw',
    'TSVRaw',
    'Raw',
    'CSV',
    'JSONEachRow',
    'JSONLines',
    'NDJSON',
    'JSONCompactEachRow',
    'JSONStringsEachRow',
    'JSONCompactStringsEachRow',
    'LineAsString',
    'TSKV',
    'RowBinary',
  ].map((f) => f.toLowerCase()),
);

const HEADED = /^(TabSeparated|TSV|TabSeparatedRaw|TSVRaw|CSV|JSONCompactEachRow|JSONCompactStringsEachRow)With(Names|NamesAndTypes)$/i;

/** Lines each streamed chunk repeats before its rows (0 for row formats), or undefined: answer whole. */
export function streamedHeaderLines(format: string): number | undefined {
  if (AS_IS.has(format.toLowerCase())) return 0;
  const m = HEADED.exec(format);
  if (!m) return undefined;
  return m[2]!.toLowerCase() === 'names' ? 1 : 2;
}

/** The chunk without its first `lines` lines (the header every chunk after the first repeats). */
export function withoutHeader(chunk: Buffer, lines: number): Buffer {
  let at = 0;
  for (let i = 0; i < lines; i++) {
    const nl = chunk.indexOf(0x0a, at);
    if (nl < 0) return Buffer.alloc(0);
    at = nl + 1;
  }
  return chunk.subarray(at);
}
