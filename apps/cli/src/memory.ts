// How much memory this process may use, and byte sizes as operators write them ("8GiB", "512M").
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3, ti: 1024 ** 4 };

/** `123`, `512MiB`, `8G`, `1.5 GiB` (a trailing B is optional) as bytes; undefined when not a size. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]!;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

/** The machine's memory, or the container's limit (cgroup v2, then v1) when that is lower. */
export function memoryAvailable(): number {
  let limit = totalmem();
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const n = Number(readFileSync(file, 'utf8').trim());
      if (Number.isFinite(n) && n > 0) limit = Math.min(limit, n);
    } catch {
      // not in that kind of cgroup ("max" reads as NaN: no limit)
    }
  }
  return limit;
}
