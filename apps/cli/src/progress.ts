// A one-line progress bar on a terminal (stderr), redrawn at most ten times a second.

export interface Progress {
  update(done: number, total: number | undefined): void;
  /** Clears the bar. */
  end(): void;
}

const WIDTH = 28;

export function createProgress(stream: NodeJS.WriteStream, label: string, now: () => number = Date.now, unit = 'rows'): Progress {
  const started = now();
  let last = 0;
  let drawn = false;
  const draw = (done: number, total: number | undefined) => {
    const seconds = ((now() - started) / 1000).toFixed(1);
    let line: string;
    if (total === undefined) {
      line = `${label}  ${done === 0 ? 'selecting people…' : `${fmt(done)} rows`}  ${seconds}s`;
    } else {
      const share = total === 0 ? 1 : Math.min(1, done / total);
      const filled = Math.round(share * WIDTH);
      line = `${label}  [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${fmt(done)} / ${fmt(total)} ${unit}  ${seconds}s`;
    }
    const columns = stream.columns ?? 100;
    stream.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    drawn = true;
  };
  return {
    update(done, total) {
      const t = now();
      if (t - last < 100 && total !== undefined && done < total) return;
      last = t;
      draw(done, total);
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
