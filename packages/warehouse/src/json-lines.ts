// Rows as JSONEachRow text, the engine's input for every insert.
/**
 * Rows serialised between which the event loop may run: ~5 ms of JSON.stringify each, so whatever
 * else the thread serves (an import's progress, an HTTP answer) waits at most about that long.
 */
const ROWS_PER_TURN = 1_000;

/**
 * The rows as JSONEachRow text. A large insert is serialised in turns, yielding to the event loop
 * between them, so a 50,000-row insert does not stall the rest of its thread for a quarter of a
 * second.
 */
export async function jsonLines(rows: readonly object[]): Promise<string> {
  if (rows.length <= ROWS_PER_TURN) return rows.map((r) => JSON.stringify(r)).join('\n');
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_TURN) {
    if (i > 0) await new Promise<void>((r) => setImmediate(r));
    parts.push(
      rows
        .slice(i, i + ROWS_PER_TURN)
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
  }
  return parts.join('\n');
}
