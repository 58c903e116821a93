// Scheduling priorities as Linux reports them, for tests of what runs below the HTTP thread.
import { readdirSync, readFileSync } from 'node:fs';

/** The nice value of a process, or of one of its threads (`tid`), from its /proc stat line. */
export function niceOf(pid: number | 'self', tid?: number | string): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  // Fields after the command's closing parenthesis; nice is field 19 of stat(5), the 17th here.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Each thread of a process, by thread id, with its nice value. */
export function niceByThread(pid: number | 'self' = 'self'): Map<number, number> {
  return new Map(readdirSync(`/proc/${pid}/task`).map((tid) => [Number(tid), niceOf(pid, tid)]));
}
